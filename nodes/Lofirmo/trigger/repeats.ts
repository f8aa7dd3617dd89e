/**
 * Remembers the reports already emitted, to ignore exact repeats (a sender may re-send one it thinks was lost).
 * Kept in the node's workflow static data (n8n saves it with the answer to the request); bounded in size.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

export const MAX_REMEMBERED = 1000;
const KEY = 'seenReports';

/**
 * A fingerprint of the payload with its keys in a fixed order, so the same report sent as JSON or as a form, or with
 * its keys reordered, is recognised; undefined for a payload that cannot be fingerprinted (it is then never a repeat).
 */
export function fingerprint(raw: unknown): string | undefined {
	try {
		return createHash('sha256').update(JSON.stringify(canonical(raw))).digest('base64url');
	} catch {
		// too deeply nested to walk: treating it as new can only emit it twice, never lose it
		return undefined;
	}
}

export function isRepeat(store: IDataObject, print: string | undefined): boolean {
	return print !== undefined && remembered(store).includes(print);
}

export function remember(store: IDataObject, print: string | undefined): void {
	if (print === undefined) return;
	store[KEY] = [...remembered(store), print].slice(-MAX_REMEMBERED);
}

function remembered(store: IDataObject): string[] {
	const list = store[KEY];
	return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string') : [];
}

function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical);
	if (typeof value !== 'object' || value === null) return value;
	// JSON.stringify keeps this insertion order (integer-like keys always come first, in numeric order)
	const keys = Object.keys(value).sort();
	return Object.fromEntries(keys.map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
}
