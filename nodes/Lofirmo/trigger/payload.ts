/**
 * Turns whatever body n8n hands the trigger into the report's fields, and never throws.
 *
 * What n8n (1.x and 2.x) gives a webhook node (packages/cli webhook-helpers `parseRequestBody`): JSON and
 * `application/x-www-form-urlencoded` bodies parsed into an object, `text/plain` as a string, `multipart/form-data` as
 * `{ data: <fields>, files: <files> }`, and any other content type unparsed, its bytes on `req.rawBody` (read by n8n
 * for a version 1 trigger, by trigger/body.ts for 1.1). A body that is still text here (wrong content type) is tried
 * as JSON, then as a form; if neither fits, the report is still emitted, with its text as `raw` and a parse error.
 * Bytes that are not UTF-8 are read as Latin-1, so no byte is lost. Values nested more than MAX_NESTING levels are
 * left out of the fields (n8n could not store the item), with the body's text kept as `raw`.
 */
import type { IDataObject } from 'n8n-workflow';

import { MAX_NESTING, nestedDeeperThan } from '../shared/nesting';

// a type, not an interface, so it fits in an n8n item's JSON (IDataObject)
export type ParseError = {
	field: string;
	error: string;
};

export type RawPayload = IDataObject[string];

export interface Payload {
	/** The report's fields exactly as sent (own properties of a plain object; empty if the body did not parse). */
	fields: IDataObject;
	/** The untouched payload: the fields, or the body itself when it is not a set of fields. */
	raw: RawPayload;
	parseErrors: ParseError[];
}

const BODY = 'body';

export function readPayload(body: unknown, contentType: unknown, rawBody?: unknown): Payload {
	let value = body;
	if (
		mediaType(contentType) === 'multipart/form-data' &&
		isPlainObject(value) &&
		isPlainObject(value.data)
	) {
		value = value.data;
	}
	// n8n leaves bodies of types it does not parse on `rawBody`; the parsed body is then empty. A text body in which
	// n8n's decoding replaced bytes (U+FFFD) is read again from its bytes, so none is lost
	const bytes = asBytes(rawBody);
	if (bytes && (isEmpty(value) || (typeof value === 'string' && value.includes('\uFFFD'))))
		value = bytes;
	return limitDepth(fromValue(value, true), bytes);
}

function fromValue(value: unknown, textAllowed: boolean): Payload {
	if (isPlainObject(value)) {
		return fieldsPayload(copyOwn(value));
	}
	if (Array.isArray(value) && value.length === 1 && isPlainObject(value[0])) {
		// the vendor's API answers are one-element arrays; accept a report wrapped the same way
		return fromValue(value[0], false);
	}
	if (textAllowed && typeof value === 'string') return fromText(value);
	if (textAllowed && value instanceof Uint8Array) {
		const { text, error } = decode(value);
		const payload = fromText(text);
		return error
			? { ...payload, parseErrors: [{ field: BODY, error }, ...payload.parseErrors] }
			: payload;
	}
	if (isEmpty(value)) return unparsed(null, 'The request had no body');
	return unparsed(value as RawPayload, 'The body is not a set of fields');
}

function fromText(text: string): Payload {
	const trimmed = text.replace(/^\uFEFF/, '').trim();
	if (trimmed === '') return unparsed(text, 'The request had no body');
	try {
		const parsed: unknown = JSON.parse(trimmed);
		if (typeof parsed === 'object' && parsed !== null) return fromValue(parsed, false);
	} catch {
		// not JSON: try it as a form below
	}
	if (/^[^=&\s]+=/.test(trimmed)) {
		return fieldsPayload(formFields(trimmed));
	}
	return unparsed(text, 'The body is neither JSON nor form data');
}

/** UTF-8 if the bytes are valid UTF-8, else Latin-1 (every byte a character, so nothing is lost). */
function decode(bytes: Uint8Array): { text: string; error?: string } {
	try {
		return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
	} catch {
		return {
			text: Buffer.from(bytes).toString('latin1'),
			error: 'The body is not valid UTF-8, so it was read as Latin-1 (ISO-8859-1)',
		};
	}
}

/**
 * Leaves out values nested more than MAX_NESTING levels deep, noting each in parseErrors; `raw` then holds the body
 * as sent (its text), or null when its bytes are not at hand.
 */
function limitDepth(payload: Payload, bytes: Uint8Array | undefined): Payload {
	if (!nestedDeeperThan(payload.raw)) return payload;
	const error = `Nested more than ${MAX_NESTING} levels deep, so it was left out${bytes ? ' (raw holds the body as sent)' : ''}`;
	const deep = Object.keys(payload.fields).filter((key) => nestedDeeperThan(payload.fields[key]));
	const fields = Object.fromEntries(
		Object.entries(payload.fields).filter(([key]) => !deep.includes(key)),
	);
	return {
		fields,
		raw: bytes ? decode(bytes).text : null,
		parseErrors: [
			...payload.parseErrors,
			...(deep.length > 0 ? deep.map((field) => ({ field, error })) : [{ field: BODY, error }]),
		],
	};
}

function asBytes(rawBody: unknown): Uint8Array | undefined {
	if (typeof rawBody === 'string' && rawBody !== '') return Buffer.from(rawBody, 'utf8');
	return rawBody instanceof Uint8Array && rawBody.length > 0 ? rawBody : undefined;
}

function fieldsPayload(fields: IDataObject): Payload {
	return { fields, raw: fields, parseErrors: [] };
}

function unparsed(raw: RawPayload, error: string): Payload {
	return { fields: {}, raw, parseErrors: [{ field: BODY, error }] };
}

function formFields(text: string): IDataObject {
	// Object.fromEntries defines own properties, so a `__proto__` key stays a plain key (no prototype pollution)
	return Object.fromEntries(new URLSearchParams(text));
}

function copyOwn(value: object): IDataObject {
	return Object.fromEntries(Object.entries(value)) as IDataObject;
}

function mediaType(contentType: unknown): string {
	return typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return (
		typeof value === 'object' &&
		value !== null &&
		!Array.isArray(value) &&
		!(value instanceof Uint8Array)
	);
}

function isEmpty(value: unknown): boolean {
	if (value === undefined || value === null || value === '') return true;
	if (value instanceof Uint8Array) return value.length === 0;
	return isPlainObject(value) && Object.keys(value).length === 0;
}
