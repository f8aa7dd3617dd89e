/**
 * Turns whatever body n8n hands the trigger into the report's fields, and never throws.
 *
 * What n8n (1.x and 2.x) gives a webhook node (packages/cli webhook-helpers `parseRequestBody`): JSON and
 * `application/x-www-form-urlencoded` bodies parsed into an object, `text/plain` as a string,
 * `multipart/form-data` as `{ data: <fields>, files: <files> }`, and any other content type unparsed, its bytes
 * left on `req.rawBody`. A body that is still text here (wrong content type) is tried as JSON, then as a form;
 * if neither fits, the report is still emitted, with its text as `raw` and a parse error.
 */
import type { IDataObject } from 'n8n-workflow';

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
	if (mediaType(contentType) === 'multipart/form-data' && isPlainObject(value) && isPlainObject(value.data)) {
		value = value.data;
	}
	// n8n leaves bodies of types it does not parse on `rawBody`; the parsed body is then empty
	if (isEmpty(value) && !isEmpty(rawBody)) value = rawBody;
	return fromValue(value, true);
}

function fromValue(value: unknown, textAllowed: boolean): Payload {
	if (isPlainObject(value)) {
		return fieldsPayload(copyOwn(value));
	}
	if (Array.isArray(value) && value.length === 1 && isPlainObject(value[0])) {
		// the vendor's API answers are one-element arrays; accept a report wrapped the same way
		return fromValue(value[0], false);
	}
	if (textAllowed && (typeof value === 'string' || value instanceof Uint8Array)) {
		return fromText(typeof value === 'string' ? value : Buffer.from(value).toString('utf8'));
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
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isEmpty(value: unknown): boolean {
	if (value === undefined || value === null || value === '') return true;
	if (value instanceof Uint8Array) return value.length === 0;
	return isPlainObject(value) && Object.keys(value).length === 0;
}
