/**
 * The one way this package talks to Lofirmo.
 *
 * Every function is a POST with a JSON body that always carries `Resp=JSON`; the answer is a one-element array of
 * (mostly string) values whose `Res` is positive on success. PDF functions answer with the file itself, or with a
 * JSON/TXT error body instead. The vendor treats repeated bad calls as spam and may block the account, so only
 * transient failures (no connection, timeout, HTTP 5xx) are retried, and never an auth or data error.
 */
import type {
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
}

interface RawResponse {
	statusCode: number;
	body: Buffer;
	contentType: string;
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
	const response = await send.call(this, fn, body, 'json', options);
	const data = parseApiAnswer(response.body);
	if (data === undefined) {
		throw apiError.call(this, fn, options, {
			message: `Lofirmo answered ${LOFIRMO_FUNCTIONS[fn].path} with something that is not the expected JSON`,
			description: `Received: ${preview(response.body)}`,
			httpCode: response.statusCode,
		});
	}
	assertSuccess.call(this, fn, data, options, response.statusCode);
	return data;
}

/**
 * Calls a PDF function and returns the file. The body is accepted only if it really is a PDF (starts with `%PDF-`
 * and has an end-of-file marker near its end); an error answered as JSON/TXT, or a cut-off file, is an error.
 */
export async function lofirmoDownloadPdf(
	this: LofirmoContext,
	fn: LofirmoFunction,
	body: IDataObject,
	options: RequestOptions = {},
): Promise<Buffer> {
	const response = await send.call(this, fn, body, 'pdf', options);
	const pdf = response.body;
	if (isPdf(pdf)) return pdf;

	const data = parseApiAnswer(pdf);
	if (data !== undefined) {
		assertSuccess.call(this, fn, data, options, response.statusCode);
	}
	const truncated = pdf.subarray(0, 5).toString('latin1') === '%PDF-';
	throw apiError.call(this, fn, options, {
		message: truncated
			? 'The PDF from Lofirmo is incomplete (it has no end-of-file marker), so it was not saved'
			: 'Lofirmo did not return a PDF file',
		description: truncated
			? `Received ${pdf.length} bytes that stop before the end of the document. Try the download again later.`
			: `Received ${pdf.length} bytes of ${response.contentType || 'unknown type'}: ${preview(pdf)}`,
		httpCode: response.statusCode,
	});
}

/** A complete PDF: the `%PDF-` header and, within its last 1 KiB, the `%%EOF` marker. */
export function isPdf(data: Buffer): boolean {
	if (data.length < 16 || data.subarray(0, 5).toString('latin1') !== '%PDF-') return false;
	return data.subarray(Math.max(0, data.length - 1024)).includes('%%EOF', 0, 'latin1');
}

async function send(
	this: LofirmoContext,
	fn: LofirmoFunction,
	body: IDataObject,
	kind: 'json' | 'pdf',
	options: RequestOptions,
): Promise<RawResponse> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const request: IHttpRequestOptions = {
		method: 'POST',
		baseURL: String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, ''),
		url: resolvePath(fn, credentials.pathOverrides),
		body: { ...body, Resp: 'JSON' },
		json: true,
		// the body is read as bytes so PDFs, JSON and the vendor's old text format can all be checked here
		encoding: 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: kind === 'pdf' ? PDF_TIMEOUT_MS : JSON_TIMEOUT_MS,
	};

	for (let attempt = 1; ; attempt++) {
		const outcome = await attemptOnce.call(this, request);
		if ('response' in outcome) {
			const raw = outcome.response;
			if (raw.statusCode >= 200 && raw.statusCode < 300) return raw;
			if (raw.statusCode === 401 || raw.statusCode === 403) {
				throw apiError.call(this, fn, options, {
					message: 'Lofirmo refused the API User or API Token',
					description:
						'Check the API User and API Token in the Lofirmo credential (Your Data → Configure Account in the Lofirmo panel). The request was not repeated: Lofirmo may block accounts that keep sending wrong credentials.',
					httpCode: raw.statusCode,
				});
			}
		}
		const failure = describeFailure(outcome, request);
		if (!failure.transient || attempt >= MAX_ATTEMPTS) {
			throw apiError.call(this, fn, options, {
				...failure,
				description:
					failure.description +
					(failure.transient ? ` (tried ${attempt} times)` : ' (not retried: it would fail the same way)'),
			});
		}
		await sleep(BACKOFF_MS[attempt - 1] ?? BACKOFF_MS[BACKOFF_MS.length - 1]);
	}
}

type Outcome = { response: RawResponse } | { error: unknown };

/** One try: an HTTP answer of any status, or the error that kept it from coming. */
async function attemptOnce(this: LofirmoContext, request: IHttpRequestOptions): Promise<Outcome> {
	try {
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, request)) as {
			statusCode: number;
			body: unknown;
			headers: IDataObject;
		};
		return {
			response: {
				statusCode: response.statusCode,
				body: toBuffer(response.body),
				contentType: String(getField(response.headers ?? {}, 'content-type') ?? ''),
			},
		};
	} catch (error) {
		return { error };
	}
}

/** What went wrong with a try that did not succeed, and whether trying again could help (5xx, network). */
function describeFailure(outcome: Outcome, request: IHttpRequestOptions): ErrorParts & { transient: boolean } {
	if ('response' in outcome) {
		const { statusCode, body } = outcome.response;
		return {
			transient: statusCode >= 500,
			message: `Lofirmo answered HTTP ${statusCode}`,
			description: describeBody(body),
			httpCode: statusCode,
		};
	}
	const code = networkCode(outcome.error);
	return {
		transient: code !== undefined && TRANSIENT_NETWORK_CODES.has(code),
		// the code stays out of the message: NodeApiError swaps any message naming ECONNREFUSED & co. for a generic one
		message: 'Could not reach Lofirmo',
		description: `${code ? `${code}: ` : ''}calling ${request.baseURL}${request.url} failed: ${safeMessage(outcome.error)}`,
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
		if (pairs.length === 0) return undefined;
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

/** The Node.js network error code (ECONNRESET, ETIMEDOUT, ...) behind an error n8n may have wrapped. */
function networkCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const { code, message } = current as { code?: unknown; message?: unknown };
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		if (typeof message === 'string') {
			if (/timeout/i.test(message)) return 'ETIMEDOUT';
			if (/socket hang up|aborted/i.test(message)) return 'ECONNRESET';
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** The message of a network error, without anything that could hold a credential (URLs with userinfo, headers). */
function safeMessage(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return message.replace(/\/\/[^/\s@]+@/g, '//').slice(0, 300);
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
