/**
 * What went wrong with a try that did not succeed: whether trying again could help (HTTP 5xx, a transient network
 * error), and whether the request surely never got to Lofirmo (connection refused, name not resolved yet, 503 Service
 * Unavailable), which is what makes repeating a call that changes something safe.
 */
import type { Answer } from './answer';
import { describeBody, readSome } from './answer';
import { safeMessage, type ErrorParts } from './errors';

/** Failures after which the request surely did not reach Lofirmo, so even a send can be repeated safely. */
const NEVER_ARRIVED_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN']);
const NEVER_PROCESSED_STATUS = 503;

const TRANSIENT_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
]);

/** One try: an HTTP answer of any status, or the error that kept it from coming. */
export type Outcome = { answer: Answer } | { error: unknown };

export type Failure = ErrorParts & { transient: boolean; neverArrived: boolean };

/** `url` is where the call went, for the message of a network error. */
export async function describeFailure(outcome: Outcome, url: string): Promise<Failure> {
	if ('answer' in outcome) {
		const { statusCode } = outcome.answer;
		const body = outcome.answer.stream
			? await readSome(outcome.answer.stream)
			: outcome.answer.body;
		return {
			transient: statusCode >= 500,
			neverArrived: statusCode === NEVER_PROCESSED_STATUS,
			message: `Lofirmo answered HTTP ${statusCode}`,
			description: describeBody(body),
			httpCode: statusCode,
		};
	}
	const code = networkCode(outcome.error);
	return {
		transient: code !== undefined && TRANSIENT_NETWORK_CODES.has(code),
		neverArrived: code !== undefined && NEVER_ARRIVED_CODES.has(code),
		// the code stays out of the message: NodeApiError swaps any message naming ECONNREFUSED & co. for a generic one
		message: 'Could not reach Lofirmo',
		description: `${code ? `${code}: ` : ''}calling ${safeMessage(url)} failed: ${safeMessage(outcome.error)}`,
	};
}

/**
 * The Node.js network error code (ECONNRESET, ETIMEDOUT, ...) behind an error n8n may have wrapped: a code anywhere
 * in the chain of causes wins over words in a message (n8n's wrapper says "aborted" for a timeout too).
 */
export function networkCode(error: unknown): string | undefined {
	const chain: Array<{ code?: unknown; message?: unknown }> = [];
	for (let current: unknown = error; current && typeof current === 'object' && chain.length < 5;) {
		chain.push(current as { code?: unknown; message?: unknown });
		current = (current as { cause?: unknown }).cause;
	}
	for (const { code, message } of chain) {
		// system codes (ECONNRESET, EAI_AGAIN), not axios' own ERR_* ones
		if (typeof code !== 'string' || !/^E(?!RR_)[A-Z_]+$/.test(code)) continue;
		// axios reports its own timeout as ECONNABORTED "timeout of … exceeded"
		return code === 'ECONNABORTED' && typeof message === 'string' && /timeout/i.test(message)
			? 'ETIMEDOUT'
			: code;
	}
	for (const { message } of chain) {
		if (typeof message !== 'string') continue;
		if (/timeout|timed out/i.test(message)) return 'ETIMEDOUT';
		if (/socket hang up|aborted/i.test(message)) return 'ECONNRESET';
	}
	return undefined;
}
