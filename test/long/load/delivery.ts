/** Delivering reports to a Lofirmo Trigger as Lofirmo would, many at once, and what each delivery got back. */
import * as http from 'node:http';

import { encodeReport } from '../../../sandbox/webhooks';
import { HOOK_AUTH } from './n8n-setup';
import type { Outgoing } from './reports';

/**
 * How long one delivery may take. The sandbox's own client gives up after 10 s; at concurrency 50 on a busy 2-core
 * machine n8n's answer can approach that (the figures record the latencies), so the load is not failed by the
 * machine's speed. A report is lost only if n8n never runs it, which the suites check.
 */
const SEND_TIMEOUT_MS = 60_000;

export interface Answer {
	/** the HTTP status, null when no answer came (`error` says why) */
	status: number | null;
	error?: string;
}

export interface Sent extends Outgoing, Answer {
	/** from the first try to the last answer */
	ms: number;
	/** 503 answers before this one (only with `retryRefused`) */
	refusals: number;
}

/**
 * How long a refused report is offered again. n8n answers 503 ("Database is not ready!", abstract-server.js) from a
 * middleware in front of every route, so nothing of the report ran: a sender may safely try again, as a webhook
 * sender retrying 5xx would. A bound for waiting, not a timing assertion.
 */
const RETRY_REFUSED_FOR_MS = 120_000;

/** An answer n8n gave with a 2xx status: the report was taken. */
export const answered2xx = (answer: Answer) =>
	answer.status !== null && answer.status >= 200 && answer.status <= 299;

/** What an answer was, for tallies: the status, or the error when none came. */
export const answerOf = (answer: Answer) => String(answer.status ?? answer.error);

/** One report POSTed as Lofirmo would: the sandbox's own encoding of the format, Basic auth, a fresh connection. */
export function deliver(url: string, report: Outgoing, stop: AbortSignal): Promise<Answer> {
	const { contentType, body } = encodeReport(report.format, report.payload);
	const authorization = `Basic ${Buffer.from(`${HOOK_AUTH.user}:${HOOK_AUTH.password}`).toString('base64')}`;
	return new Promise((resolve) => {
		const request = http.request(url, {
			method: 'POST',
			agent: false,
			signal: AbortSignal.any([stop, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
			headers: {
				'Content-Type': contentType,
				'Content-Length': body.length,
				Authorization: authorization,
			},
		});
		request.on('response', (response) => {
			response.resume();
			response.on('end', () => resolve({ status: response.statusCode ?? null }));
			response.on('error', (error) =>
				resolve({ status: response.statusCode ?? null, error: error.message }),
			);
		});
		request.on('error', (error) => resolve({ status: null, error: error.message }));
		request.end(body);
	});
}

/** Delivers a report; with `retryRefused`, again after each 503 (with a growing pause) until it is answered otherwise. */
async function deliverOffering(
	url: string,
	report: Outgoing,
	stop: AbortSignal,
	retryRefused: boolean,
): Promise<Sent> {
	const t0 = Date.now();
	let refusals = 0;
	for (;;) {
		const answer = await deliver(url, report, stop);
		const offerAgain =
			retryRefused &&
			answer.status === 503 &&
			!stop.aborted &&
			Date.now() - t0 < RETRY_REFUSED_FOR_MS;
		if (!offerAgain) return { ...report, ...answer, ms: Date.now() - t0, refusals };
		refusals++;
		await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** (refusals - 1), 4_000)));
	}
}

export interface SendOptions {
	/** hears of each report's (last) answer as it comes, with how many have come so far (e.g. to inject a fault) */
	onAnswer?: (sent: Sent, answeredSoFar: number) => void;
	/** offer a report n8n refused with 503 again (see RETRY_REFUSED_FOR_MS); default false: one try each */
	retryRefused?: boolean;
}

/** Sends every report, `concurrency` at a time; records each answer and how long it took. */
export async function sendAll(
	url: string,
	outgoing: Outgoing[],
	concurrency: number,
	stop: AbortSignal,
	opts: SendOptions = {},
): Promise<Sent[]> {
	const results: Sent[] = new Array(outgoing.length);
	let next = 0;
	let answers = 0;
	const worker = async () => {
		while (next < outgoing.length) {
			const index = next++;
			results[index] = await deliverOffering(url, outgoing[index], stop, !!opts.retryRefused);
			opts.onAnswer?.(results[index], ++answers);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, outgoing.length) }, worker));
	return results;
}
