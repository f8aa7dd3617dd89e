/**
 * The one way this package talks to Lofirmo.
 *
 * Every function is a POST with a JSON body that always carries `Resp=JSON`; the answer is a one-element array of
 * (mostly string) values whose `Res` is positive on success. PDF functions answer with the file itself, or with a
 * JSON/TXT error body instead. The vendor treats repeated bad calls as spam and may block the account, so only
 * transient failures (no connection, timeout, HTTP 5xx) are retried, and never an auth or data error. A call that
 * changes something (a send, a cancel, a continue) is retried only when it surely never reached Lofirmo: after a
 * timeout or a cut answer it may have been processed, and a second send would message people and charge twice.
 */
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { DEFAULT_BASE_URL, LOFIRMO_FUNCTIONS, type LofirmoFunction } from './endpoints';

export type LofirmoContext = IExecuteFunctions | IWebhookFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_TYPE = 'lofirmoApi';

/** At most this many tries for one call, first one included. */
export const MAX_ATTEMPTS = 3;
const BACKOFF_MS = [400, 1200];
const JSON_TIMEOUT_MS = 30_000;
const PDF_TIMEOUT_MS = 300_000;

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

interface RequestOptions {
	/** The item the call is for, so n8n shows the error against it. */
	itemIndex?: number;
	/** Stops the call (and its retries) when the caller no longer waits for it. */
	abortSignal?: AbortSignal;
}

interface DownloadOptions extends RequestOptions {
	/** The name n8n gives the stored file. */
	fileName: string;
}

/** Looks a key up the way the API reads parameter names: ignoring case. */
export function getField(data: IDataObject, key: string): IDataObject[string] {
	if (key in data) return data[key];
	const wanted = key.toLowerCase();
	const found = Object.keys(data).find((k) => k.toLowerCase() === wanted);
	return found === undefined ? undefined : data[found];
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
			throw apiError.call(this, fn, options, {
				message: `Lofirmo answered ${LOFIRMO_FUNCTIONS[fn].path} with something that is not the expected JSON`,
				description: `Received: ${preview(answer.body)}`,
				httpCode: answer.statusCode,
			});
		}
		assertSuccess.call(this, fn, data, options, answer.statusCode);
		return data;
	});
}

/** A downloaded PDF, already handed to n8n's binary data store. */
export interface StoredPdf {
	binary: IBinaryData;
	fileSize: number;
}

/**
 * Calls a PDF function and stores the file with n8n's `prepareBinaryData` as it streams in, so a large certificate
 * never sits whole in memory (in n8n's filesystem binary mode). The file is accepted only if it really is a PDF:
 * it starts with `%PDF-` and has an end-of-file marker near its end. An error answered as JSON/TXT, or a cut-off file,
 * is an error, and what was stored is never returned.
 */
export async function lofirmoDownloadPdf(
	this: IExecuteFunctions | IWebhookFunctions,
	fn: LofirmoFunction,
	body: IDataObject,
	options: DownloadOptions,
): Promise<StoredPdf> {
	return await send(this, fn, body, 'pdf', options, async (response) => {
		const probe = new PdfProbe();
		let downloadError: unknown;
		response.stream?.on('error', (error) => (downloadError ??= error));
		let binary: IBinaryData;
		try {
			binary = await this.helpers.prepareBinaryData(
				response.stream ? response.stream.map((chunk: Buffer) => probe.see(chunk)) : probe.see(response.body),
				options.fileName,
				'application/pdf',
			);
		} catch (error) {
			// a body refused as not a PDF is answered below (the stream errors with that refusal too)
			if (!probe.refused) {
				// the connection dropped mid-download: send() tries again (for a PDF that changes nothing)
				if (downloadError !== undefined) throw downloadError;
				throw apiError.call(this, fn, options, {
					message: 'The PDF could not be stored in n8n',
					description: `n8n's binary data store refused it: ${safeMessage(error)}. Check the disk space and the binary data settings of n8n.`,
				});
			}
		} finally {
			// a body refused early, or a store that failed, must not keep the connection open
			response.stream?.destroy();
		}
		if (probe.isPdf()) return { binary: binary!, fileSize: probe.bytes };

		// a cut-off PDF is not an error answer, whatever text it holds
		const data = probe.head.length > 0 && !probe.truncated() ? parseApiAnswer(probe.head) : undefined;
		if (data !== undefined) assertSuccess.call(this, fn, data, options, response.statusCode);
		throw apiError.call(this, fn, options, {
			message: probe.truncated()
				? 'The PDF from Lofirmo is incomplete (it has no end-of-file marker), so it was not saved'
				: 'Lofirmo did not return a PDF file',
			description: probe.truncated()
				? `Received ${probe.bytes} bytes that stop before the end of the document. Try the download again later.`
				: `Received ${probe.bytes} bytes of ${response.contentType || 'unknown type'}: ${preview(probe.head)}`,
			httpCode: response.statusCode,
		});
	});
}

const PDF_HEADER = '%PDF-';
const PDF_TRAILER = '%%EOF';
/** Bytes of a non-PDF answer kept to show (and parse) the API's error. */
const HEAD_BYTES = 64 * 1024;
/** The end-of-file marker must be within this many bytes of the end. */
const TAIL_BYTES = 1024;

/** Watches a download go by: keeps its first bytes (an error body) and its last KiB (the `%%EOF` marker). */
class PdfProbe {
	bytes = 0;

	head: Buffer = Buffer.alloc(0);

	private tail: Buffer = Buffer.alloc(0);

	/** set when the download was stopped because it is not a PDF */
	refused = false;

	see(chunk: Buffer): Buffer {
		this.bytes += chunk.length;
		if (this.head.length < HEAD_BYTES) {
			this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
			// not a PDF and already too long to be an error message: stop the download rather than store it
			if (this.head.length >= HEAD_BYTES && !this.startsLikePdf()) {
				this.refused = true;
				throw new Error('not a PDF');
			}
		}
		this.tail =
			chunk.length >= TAIL_BYTES
				? chunk.subarray(chunk.length - TAIL_BYTES)
				: Buffer.concat([this.tail, chunk]).subarray(-TAIL_BYTES);
		return chunk;
	}

	isPdf(): boolean {
		return this.bytes >= 16 && this.startsLikePdf() && this.tail.includes(PDF_TRAILER, 0, 'latin1');
	}

	truncated(): boolean {
		return this.startsLikePdf() && !this.isPdf();
	}

	private startsLikePdf(): boolean {
		return this.head.subarray(0, PDF_HEADER.length).toString('latin1') === PDF_HEADER;
	}
}

/**
 * Sends one call, trying again only after a transient failure. A 2xx answer goes to `accept`; a failure inside it
 * that is a network error (the connection dropped mid-download) is transient too, anything else is final.
 */
async function send<T>(
	ctx: LofirmoContext,
	fn: LofirmoFunction,
	body: IDataObject,
	kind: 'json' | 'pdf',
	options: RequestOptions,
	accept: (response: Answer) => Promise<T>,
): Promise<T> {
	if (refusedRuns.has(ctx)) throw refusedError.call(ctx, fn, options, undefined);
	const credentials = await credentialsOf(ctx);
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
		let outcome = await attemptOnce.call(ctx, request);
		if ('answer' in outcome) {
			const { answer } = outcome;
			if (answer.statusCode >= 200 && answer.statusCode < 300) {
				try {
					return await accept(answer);
				} catch (error) {
					if (error instanceof NodeApiError || networkCode(error) === undefined) {
						throw error instanceof NodeApiError ? error : unexpected.call(ctx, fn, options, error, request);
					}
					outcome = { error };
				}
			} else if (answer.statusCode === 401 || answer.statusCode === 403) {
				answer.stream?.destroy();
				refusedRuns.add(ctx);
				throw refusedError.call(ctx, fn, options, answer.statusCode);
			}
		}
		const failure = await describeFailure(outcome, request);
		if (failure.transient && LOFIRMO_FUNCTIONS[fn].changes && !failure.neverArrived) {
			throw apiError.call(ctx, fn, options, {
				...failure,
				message:
					failure.httpCode === undefined
						? 'Lofirmo may have received this request, but no answer came back'
						: `Lofirmo may have received this request, but answered HTTP ${failure.httpCode}`,
				description: `${failure.description}. It was not sent again, because Lofirmo may already have processed it and a second ${LOFIRMO_FUNCTIONS[fn].path} would be carried out twice (credits, messages to the signer). Check it in the Lofirmo panel or with Get Status before running this item again.`,
			});
		}
		if (!failure.transient || attempt >= MAX_ATTEMPTS) {
			throw apiError.call(ctx, fn, options, {
				...failure,
				description:
					failure.description +
					(failure.transient ? ` (tried ${attempt} times)` : ' (not retried: it would fail the same way)'),
			});
		}
		await sleep(BACKOFF_MS[attempt - 1] ?? BACKOFF_MS[BACKOFF_MS.length - 1]);
		// the caller stopped waiting (the trigger's time limit): no further try
		if (options.abortSignal?.aborted) throw apiError.call(ctx, fn, options, failure);
	}
}

// Lofirmo may block accounts that keep sending a wrong token: once it refused the credential, the other items of
// the same node run (e.g. with Continue On Fail) fail without calling it again.
const refusedRuns = new WeakSet<object>();

function refusedError(this: LofirmoContext, fn: LofirmoFunction, options: RequestOptions, httpCode: number | undefined) {
	return apiError.call(this, fn, options, {
		message: 'Lofirmo refused the API User or API Token',
		description:
			(httpCode === undefined ? 'Lofirmo refused them for an earlier item of this run, so this one was not sent. ' : '') +
			'Check the API User and API Token in the Lofirmo credential (Your Data → Configure Account in the Lofirmo panel). The request was not repeated: Lofirmo may block accounts that keep sending wrong credentials.',
		httpCode,
	});
}

/** Node's Readable, named through n8n's own helper types: community nodes may not import `stream`. */
type NodeReadable = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

/** An HTTP answer of any status: its body whole (JSON calls), or as a stream (PDF calls). */
interface Answer {
	statusCode: number;
	body: Buffer;
	stream?: NodeReadable;
	contentType: string;
}

type Outcome = { answer: Answer } | { error: unknown };

/** One try: an HTTP answer of any status, or the error that kept it from coming. */
async function attemptOnce(this: LofirmoContext, request: IHttpRequestOptions): Promise<Outcome> {
	try {
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, request)) as {
			statusCode: number;
			body: unknown;
			headers: IDataObject;
		};
		const stream = isStream(response.body) ? response.body : undefined;
		return {
			answer: {
				statusCode: response.statusCode,
				body: stream ? Buffer.alloc(0) : toBuffer(response.body),
				stream,
				contentType: String(getField(response.headers ?? {}, 'content-type') ?? ''),
			},
		};
	} catch (error) {
		return { error };
	}
}

// The credential holds no per-item expressions we read, and n8n decrypts it on every getCredentials call: once per
// node run is enough, which matters when a node sends thousands of items.
const credentialCache = new WeakMap<object, Promise<IDataObject>>();

function credentialsOf(ctx: LofirmoContext): Promise<IDataObject> {
	let credentials = credentialCache.get(ctx);
	if (!credentials) {
		credentials = ctx.getCredentials(CREDENTIAL_TYPE);
		credentialCache.set(ctx, credentials);
		credentials.catch(() => credentialCache.delete(ctx));
	}
	return credentials;
}

/**
 * What went wrong with a try that did not succeed, whether trying again could help (5xx, network), and whether the
 * request surely never got to Lofirmo (connection refused, name not resolved yet, 503 Service Unavailable).
 */
async function describeFailure(
	outcome: Outcome,
	request: IHttpRequestOptions,
): Promise<ErrorParts & { transient: boolean; neverArrived: boolean }> {
	if ('answer' in outcome) {
		const { statusCode } = outcome.answer;
		const body = outcome.answer.stream ? await readSome(outcome.answer.stream) : outcome.answer.body;
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
		description: `${code ? `${code}: ` : ''}calling ${safeMessage(`${request.baseURL}${request.url}`)} failed: ${safeMessage(outcome.error)}`,
	};
}

/** The documented path of a function, unless the credential's Path Overrides replace it. */
export function resolvePath(fn: LofirmoFunction, overrides: unknown): string {
	let map: unknown = overrides;
	if (typeof overrides === 'string') {
		try {
			map = overrides.trim() === '' ? {} : JSON.parse(overrides);
		} catch {
			map = {};
		}
	}
	const custom = map && typeof map === 'object' ? (map as IDataObject)[fn] : undefined;
	const path = typeof custom === 'string' && custom.trim() !== '' ? custom.trim() : LOFIRMO_FUNCTIONS[fn].path;
	return path.startsWith('/') ? path : `/${path}`;
}

/**
 * The API answers `[{"Res":"10",...}]`; tolerate a bare object too, and the vendor's old `key=value` text format
 * (what it sends when `Resp` is not understood) so its `Res` can still be reported.
 */
export function parseApiAnswer(body: Buffer): IDataObject | undefined {
	const text = body.toString('utf8').replace(/^\uFEFF/, '').trim();
	if (text === '') return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		const first = Array.isArray(parsed) ? parsed[0] : parsed;
		if (first && typeof first === 'object' && !Array.isArray(first)) return first as IDataObject;
		return undefined;
	} catch {
		const pairs = text
			.split(/[\r\n&]+/)
			.map((line) => /^\s*([A-Za-z][\w]*)\s*[=:]\s*(.*?)\s*$/.exec(line))
			.filter((m): m is RegExpExecArray => m !== null);
		// only an answer that carries a result code is one: any text has lines that look like `key: value`
		if (!pairs.some((m) => m[1].toLowerCase() === 'res')) return undefined;
		return Object.fromEntries(pairs.map((m) => [m[1], m[2]]));
	}
}

function assertSuccess(
	this: LofirmoContext,
	fn: LofirmoFunction,
	data: IDataObject,
	options: RequestOptions,
	httpCode: number,
): void {
	const res = getField(data, 'Res');
	const code = Number(res);
	if (res !== undefined && res !== null && res !== '' && Number.isFinite(code) && code > 0) return;
	const shown = res === undefined || res === null || res === '' ? 'missing' : String(res);
	const detail = ['Error', 'Msg', 'Message', 'Mensaje', 'Descripcion']
		.map((key) => getField(data, key))
		.find((value) => typeof value === 'string' && value !== '');
	throw apiError.call(this, fn, options, {
		message: `Lofirmo rejected the request (Res ${shown})`,
		description:
			(detail ? `Lofirmo says: ${detail}. ` : '') +
			`Result code ${shown} from ${LOFIRMO_FUNCTIONS[fn].path}. The vendor does not publish the meaning of each code: check the fields sent and your account (credits, permissions). The request was not repeated.`,
		httpCode,
		resultCode: shown,
	});
}

interface ErrorParts {
	message: string;
	description: string;
	httpCode?: number;
	resultCode?: string;
}

// Our errors carry only what we put in them: never the request options (which hold the auth) nor a raw cause.
function apiError(this: LofirmoContext, fn: LofirmoFunction, options: RequestOptions, parts: ErrorParts) {
	const response: JsonObject = { message: parts.message, function: fn };
	if (parts.resultCode !== undefined) response.res = parts.resultCode;
	return new NodeApiError(this.getNode(), response, {
		message: parts.message,
		description: parts.description,
		httpCode: parts.httpCode === undefined ? undefined : String(parts.httpCode),
		itemIndex: options.itemIndex,
	});
}

/**
 * The Node.js network error code (ECONNRESET, ETIMEDOUT, ...) behind an error n8n may have wrapped: a code anywhere
 * in the chain of causes wins over words in a message (n8n's wrapper says "aborted" for a timeout too).
 */
function networkCode(error: unknown): string | undefined {
	const chain: Array<{ code?: unknown; message?: unknown }> = [];
	for (let current: unknown = error; current && typeof current === 'object' && chain.length < 5; ) {
		chain.push(current as { code?: unknown; message?: unknown });
		current = (current as { cause?: unknown }).cause;
	}
	for (const { code, message } of chain) {
		// system codes (ECONNRESET, EAI_AGAIN), not axios' own ERR_* ones
		if (typeof code !== 'string' || !/^E(?!RR_)[A-Z_]+$/.test(code)) continue;
		// axios reports its own timeout as ECONNABORTED "timeout of … exceeded"
		return code === 'ECONNABORTED' && typeof message === 'string' && /timeout/i.test(message) ? 'ETIMEDOUT' : code;
	}
	for (const { message } of chain) {
		if (typeof message !== 'string') continue;
		if (/timeout|timed out/i.test(message)) return 'ETIMEDOUT';
		if (/socket hang up|aborted/i.test(message)) return 'ECONNRESET';
	}
	return undefined;
}

/** The message of a network error, without anything that could hold a credential (URLs with userinfo, headers). */
function safeMessage(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return message.replace(/\/\/[^/\s@]+@/g, '//').slice(0, 300);
}

function isStream(body: unknown): body is NodeReadable {
	return typeof body === 'object' && body !== null && typeof (body as NodeReadable).pipe === 'function';
}

/** The start of a streamed error body (enough to show it), then the rest is dropped. */
async function readSome(stream: NodeReadable, limit = HEAD_BYTES): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let length = 0;
	try {
		for await (const chunk of stream) {
			chunks.push(chunk as Buffer);
			length += (chunk as Buffer).length;
			if (length >= limit) break;
		}
	} catch {
		// a body cut off while reading an error answer: show what came
	}
	stream.destroy();
	return Buffer.concat(chunks).subarray(0, limit);
}

/** A failure that is neither the API's answer nor the network's, e.g. n8n could not store the file. */
function unexpected(
	this: LofirmoContext,
	fn: LofirmoFunction,
	options: RequestOptions,
	error: unknown,
	request: IHttpRequestOptions,
) {
	return apiError.call(this, fn, options, {
		message: `The answer to ${request.url ?? fn} could not be processed`,
		description: safeMessage(error),
	});
}

function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body === undefined || body === null) return Buffer.alloc(0);
	return Buffer.from(JSON.stringify(body), 'utf8');
}

function describeBody(body: Buffer): string {
	const data = parseApiAnswer(body);
	const res = data ? getField(data, 'Res') : undefined;
	return res !== undefined ? `Result code ${String(res)}. Body: ${preview(body)}` : `Body: ${preview(body)}`;
}

function preview(body: Buffer): string {
	if (body.length === 0) return '(empty)';
	const text = body.subarray(0, 200).toString('utf8').replace(/[^\x20-\x7E\u00A0-\u024F]+/g, ' ').trim();
	return body.length > 200 ? `${text}…` : text;
}
