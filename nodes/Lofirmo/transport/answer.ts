/**
 * Reading Lofirmo's answers: the API answers `[{"Res":"10",...}]` with (mostly string) values, and `Res` is positive
 * on success. Error bodies are shortened and cleaned before they are shown.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { getField } from '../shared/fields';
import type { LofirmoFunction } from './endpoints';
import { rejectedError, type ErrorPlace } from './errors';
import type { LofirmoContext } from './run';

/** Node's Readable, named through n8n's own helper types: community nodes may not import `stream`. */
export type NodeReadable = Exclude<
	Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
	Buffer
>;

/** An HTTP answer of any status: its body whole (JSON calls), or as a stream (PDF calls). */
export interface Answer {
	statusCode: number;
	body: Buffer;
	stream?: NodeReadable;
	contentType: string;
}

/** Bytes of a non-PDF answer kept to show (and parse) the API's error. */
export const HEAD_BYTES = 64 * 1024;

/** What n8n's HTTP helper returned (`returnFullResponse`), as an Answer. */
export function toAnswer(response: {
	statusCode: number;
	body: unknown;
	headers?: IDataObject;
}): Answer {
	const stream = isStream(response.body) ? response.body : undefined;
	return {
		statusCode: response.statusCode,
		body: stream ? Buffer.alloc(0) : toBuffer(response.body),
		stream,
		contentType: String(getField(response.headers ?? {}, 'content-type') ?? ''),
	};
}

/**
 * The API answers `[{"Res":"10",...}]`; tolerate a bare object too, and the vendor's old `key=value` text format
 * (what it sends when `Resp` is not understood) so its `Res` can still be reported.
 */
export function parseApiAnswer(body: Buffer): IDataObject | undefined {
	const text = body
		.toString('utf8')
		.replace(/^\uFEFF/, '')
		.trim();
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

/** Throws unless the answer's `Res` is a positive number. */
export function assertSuccess(
	ctx: LofirmoContext,
	fn: LofirmoFunction,
	data: IDataObject,
	place: ErrorPlace,
	httpCode: number,
): void {
	const res = getField(data, 'Res');
	const code = Number(res);
	if (res !== undefined && res !== null && res !== '' && Number.isFinite(code) && code > 0) return;
	const detail = ['Error', 'Msg', 'Message', 'Mensaje', 'Descripcion']
		.map((key) => getField(data, key))
		.find((value): value is string => typeof value === 'string' && value !== '');
	throw rejectedError(ctx, fn, place, {
		resultCode: res === undefined || res === null || res === '' ? 'missing' : String(res),
		detail,
		httpCode,
	});
}

/** The start of a streamed error body (enough to show it), then the rest is dropped. */
export async function readSome(stream: NodeReadable, limit = HEAD_BYTES): Promise<Buffer> {
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

/** An error body for a message: its result code if it has one, and its start. */
export function describeBody(body: Buffer): string {
	const data = parseApiAnswer(body);
	const res = data ? getField(data, 'Res') : undefined;
	return res !== undefined
		? `Result code ${String(res)}. Body: ${preview(body)}`
		: `Body: ${preview(body)}`;
}

/** The first 200 bytes of a body as printable text. */
export function preview(body: Buffer): string {
	if (body.length === 0) return '(empty)';
	const text = body
		.subarray(0, 200)
		.toString('utf8')
		.replace(/[^\x20-\x7E\u00A0-\u024F]+/g, ' ')
		.trim();
	return body.length > 200 ? `${text}…` : text;
}

function isStream(body: unknown): body is NodeReadable {
	return (
		typeof body === 'object' && body !== null && typeof (body as NodeReadable).pipe === 'function'
	);
}

function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body === undefined || body === null) return Buffer.alloc(0);
	return Buffer.from(JSON.stringify(body), 'utf8');
}
