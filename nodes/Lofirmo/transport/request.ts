/**
 * One call to Lofirmo, tried again only after a transient failure. Every function is a POST with a JSON body that
 * always carries `Resp=JSON`. The vendor treats repeated bad calls as spam and may block the account, so only transient
 * failures (no connection, timeout, HTTP 5xx) are retried, and never an auth or data error. A call that changes
 * something (a send, a cancel, a continue) is retried only when it surely never reached Lofirmo: after a timeout or a
 * cut answer it may have been processed, and a second send would message people and charge twice.
 */
import type { IAdditionalCredentialOptions, IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import {
	assertSuccess,
	describeBody,
	parseApiAnswer,
	preview,
	readSome,
	toAnswer,
	type Answer,
} from './answer';
import { DEFAULT_BASE_URL, type LofirmoFunction } from './endpoints';
import {
	apiError,
	finalError,
	mayHaveArrivedError,
	pathNotFoundError,
	refusedError,
	unexpectedError,
	type ErrorPlace,
} from './errors';
import { describeFailure, networkCode, type Outcome } from './failures';
import { CREDENTIAL_TYPE, LofirmoRun, type LofirmoContext } from './run';

/** At most this many tries for one call, first one included. */
const MAX_ATTEMPTS = 3;
const BACKOFF_MS = [400, 1200];
const JSON_TIMEOUT_MS = 30_000;
const PDF_TIMEOUT_MS = 300_000;

export interface RequestOptions extends ErrorPlace {
	/** Stops the call (and its retries) when the caller no longer waits for it. */
	abortSignal?: AbortSignal;
	/** The node run the call belongs to; without one, the call runs on its own. */
	run?: LofirmoRun;
}

/** Calls a JSON function and returns its unwrapped answer, or throws a NodeApiError that shows the API's code. */
export async function lofirmoApiRequest(
	this: LofirmoContext,
	fn: LofirmoFunction,
	body: IDataObject = {},
	options: RequestOptions = {},
): Promise<IDataObject> {
	return await send(this, fn, body, 'json', options, async (answer) => {
		const data = parseApiAnswer(answer.body);
		if (data === undefined) {
			throw apiError(this, fn, options, {
				message: `Lofirmo answered ${fn.path} with something that is not the expected JSON`,
				description: `Received: ${preview(answer.body)}`,
				httpCode: answer.statusCode,
			});
		}
		assertSuccess(this, fn, data, options, answer.statusCode);
		return data;
	});
}

/**
 * Sends one call, trying again only after a transient failure. A 2xx answer goes to `accept`; a failure inside it
 * that is a network error (the connection dropped mid-download) is transient too, anything else is final.
 */
export async function send<T>(
	ctx: LofirmoContext,
	fn: LofirmoFunction,
	body: IDataObject,
	kind: 'json' | 'pdf',
	options: RequestOptions,
	accept: (response: Answer) => Promise<T>,
): Promise<T> {
	const run = options.run ?? new LofirmoRun(ctx);
	if (run.refused) throw refusedError(ctx, fn, options, undefined);
	const credentials = await run.credentials();
	const authentication = await run.requestCredentials();
	const request: IHttpRequestOptions = {
		method: 'POST',
		baseURL: String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, ''),
		url: resolvePath(fn, credentials.pathOverrides),
		body: { ...body, Resp: 'JSON' },
		json: true,
		// JSON answers are read as bytes so JSON and the vendor's old text format can both be checked here;
		// PDFs are streamed into n8n's binary store
		encoding: kind === 'pdf' ? 'stream' : 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: kind === 'pdf' ? PDF_TIMEOUT_MS : JSON_TIMEOUT_MS,
		abortSignal: options.abortSignal,
	};

	for (let attempt = 1; ; attempt++) {
		let outcome = await attemptOnce(ctx, request, authentication);
		if ('answer' in outcome) {
			const { answer } = outcome;
			if (!pathIsPublished(fn, request.url) && looksLikeMissingPath(answer)) {
				const body = answer.stream ? await readSome(answer.stream) : answer.body;
				throw pathNotFoundError(ctx, fn, options, {
					path: request.url,
					overridden: request.url !== resolvePath(fn, {}),
					httpCode: answer.statusCode,
					html: isHtml(answer, body),
					body: describeBody(body),
				});
			}
			if (answer.statusCode >= 200 && answer.statusCode < 300) {
				try {
					return await accept(answer);
				} catch (error) {
					if (error instanceof NodeApiError || networkCode(error) === undefined) {
						throw error instanceof NodeApiError
							? error
							: unexpectedError(ctx, fn, options, error, request.url);
					}
					outcome = { error };
				}
			} else if (answer.statusCode === 401 || answer.statusCode === 403) {
				answer.stream?.destroy();
				run.refused = true;
				throw refusedError(ctx, fn, options, answer.statusCode);
			}
		}
		const failure = await describeFailure(outcome, `${request.baseURL}${request.url}`);
		if (failure.transient && fn.changes && !failure.neverArrived)
			throw mayHaveArrivedError(ctx, fn, options, failure);
		if (!failure.transient || attempt >= MAX_ATTEMPTS)
			throw finalError(ctx, fn, options, failure, attempt);
		await sleep(BACKOFF_MS[attempt - 1] ?? BACKOFF_MS[BACKOFF_MS.length - 1]);
		// the caller stopped waiting (the trigger's time limit): no further try
		if (options.abortSignal?.aborted) throw apiError(ctx, fn, options, failure);
	}
}

/** The path is the one the vendor published for this function (not our reading, not a user's override). */
function pathIsPublished(fn: LofirmoFunction, path: string): boolean {
	return fn.documented && path === resolvePath(fn, {});
}

/** What a server says for a path it does not have: 404, or a web page where the API answers JSON or a PDF. */
function looksLikeMissingPath(answer: Answer): boolean {
	const ok = answer.statusCode >= 200 && answer.statusCode < 300;
	return answer.statusCode === 404 || (ok && isHtml(answer, answer.body));
}

function isHtml(answer: Answer, body: Buffer): boolean {
	if (/text\/html|application\/xhtml/i.test(answer.contentType)) return true;
	return /^\s*<(!doctype html|html|head|body)\b/i.test(body.subarray(0, 512).toString('latin1'));
}

/** One try: an HTTP answer of any status, or the error that kept it from coming. */
async function attemptOnce(
	ctx: LofirmoContext,
	request: IHttpRequestOptions,
	authentication: IAdditionalCredentialOptions,
): Promise<Outcome> {
	try {
		return {
			answer: toAnswer(
				await ctx.helpers.httpRequestWithAuthentication.call(
					ctx,
					CREDENTIAL_TYPE,
					request,
					authentication,
				),
			),
		};
	} catch (error) {
		return { error };
	}
}

/**
 * The documented path of a function, unless the credential's Path Overrides replace it. Overrides that are not a
 * JSON object are ignored, as is an empty path; the path always starts with a slash.
 */
export function resolvePath(fn: LofirmoFunction, overrides: unknown): string {
	let map: unknown = overrides;
	if (typeof overrides === 'string') {
		try {
			map = overrides.trim() === '' ? {} : JSON.parse(overrides);
		} catch {
			map = {};
		}
	}
	const custom = map && typeof map === 'object' ? (map as IDataObject)[fn.key] : undefined;
	const path = typeof custom === 'string' && custom.trim() !== '' ? custom.trim() : fn.path;
	return path.startsWith('/') ? path : `/${path}`;
}
