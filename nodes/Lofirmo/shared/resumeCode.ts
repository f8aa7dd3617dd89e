/**
 * The resume code: what Contract → Send and Wait for Signature appends to the user reference (`Referenciausuario`)
 * so that the Lofirmo Trigger, which receives the report with that reference echoed as `Referencia`, can call the
 * waiting execution's resume URL on its own n8n.
 *
 * `Deal 4711 n8nwait-1234-0-<token: 52 base32 chars>-<check: 4>`
 *
 * - the user's reference stays first and untouched; the code is the last word;
 * - execution id and item index in decimal, as n8n shows them;
 * - the token is n8n's resume token (64 hex = 256 bits, random per execution: `signature` in `$execution.resumeUrl`),
 *   written in Crockford base32 (52 characters, read in either case): nothing shorter can carry it, and n8n 2.x
 *   refuses a resume URL without the whole token (401), so a code cannot be forged or guessed;
 * - a checksum (20 bits of SHA-256 over the code) refuses a mistyped, cut or damaged code at parse time, before
 *   anything calls n8n. It protects against accidents, not attackers: the token does that.
 */
import { createHash } from 'crypto';

export interface ResumeCode {
	/** The user's own reference, as it was before the code was appended ('' when there was none). */
	userReference: string;
	/** The waiting execution's id, as n8n writes it (decimal digits). */
	executionId: string;
	/** n8n's resume token for that execution: 64 lowercase hex characters. */
	token: string;
	/** Which input item of the waiting node the contract was sent for. */
	itemIndex: number;
}

/** What a reference holds: no code at all, a code that cannot be used (and why), or a usable code. */
export type ResumeCodeReading =
	{ found: 'none' } | { found: 'invalid'; reason: string } | { found: 'valid'; code: ResumeCode };

const MARKER = 'n8nwait-';
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32: no i, l, o, u
const TOKEN_HEX_LENGTH = 64;
const TOKEN_CODE_LENGTH = Math.ceil((TOKEN_HEX_LENGTH * 4) / 5); // 52
const CHECK_LENGTH = 4;
const MAX_ITEM_INDEX = 999_999;
const EXECUTION_ID = /^\d{1,20}$/;
const ITEM_INDEX = /^(0|[1-9]\d{0,5})$/;
const TOKEN_HEX = /^[0-9a-f]{64}$/;
const CODE_WORD = new RegExp(
	`^${MARKER}(\\d+)-(\\d+)-([${ALPHABET}]{${TOKEN_CODE_LENGTH}})-([${ALPHABET}]{${CHECK_LENGTH}})$`,
);

/**
 * The reference to send as `Referenciausuario`: the user's reference, a space, the code. A code already at the end of
 * the user's reference (one mapped from an earlier report) is replaced, so references do not grow from run to run.
 * Throws on an argument n8n never produces (the caller turns that into a node error before anything is sent).
 */
export function makeResumeReference(
	userReference: string,
	executionId: string,
	token: string,
	itemIndex: number,
): string {
	if (!EXECUTION_ID.test(executionId)) {
		throw new Error(`The execution id "${executionId}" is not a decimal number`);
	}
	const hex = token.toLowerCase();
	if (!TOKEN_HEX.test(hex)) {
		throw new Error('The resume token is not 64 hexadecimal characters');
	}
	if (!Number.isInteger(itemIndex) || itemIndex < 0 || itemIndex > MAX_ITEM_INDEX) {
		throw new Error(
			`The item index ${itemIndex} is not a whole number from 0 to ${MAX_ITEM_INDEX}`,
		);
	}
	const body = `${MARKER}${executionId}-${itemIndex}-${hexToBase32(hex)}`;
	const code = `${body}-${checksum(body)}`;
	const own = withoutTrailingCode(userReference).trimEnd();
	return own === '' ? code : `${own} ${code}`;
}

/** The code at the end of a report's `Referencia`, if there is a usable one. */
export function parseResumeReference(reference: string): ResumeCode | undefined {
	const reading = readResumeReference(reference);
	return reading.found === 'valid' ? reading.code : undefined;
}

/**
 * Reads a reference, telling an ordinary reference (no code: nothing to do, nothing to log) from a code that cannot
 * be used (cut, mistyped, damaged: logged by the trigger, never an error for Lofirmo).
 */
export function readResumeReference(reference: string): ResumeCodeReading {
	const { before, word } = splitLastWord(reference);
	if (!word.toLowerCase().startsWith(MARKER)) return { found: 'none' };
	const match = CODE_WORD.exec(word.toLowerCase());
	if (!match) return { found: 'invalid', reason: 'the code is cut short or malformed' };
	const [, executionId, item, tokenCode, check] = match;
	if (!EXECUTION_ID.test(executionId) || !ITEM_INDEX.test(item)) {
		return { found: 'invalid', reason: 'the execution id or item index is out of range' };
	}
	const body = `${MARKER}${executionId}-${item}-${tokenCode}`;
	if (checksum(body) !== check) return { found: 'invalid', reason: 'the checksum does not match' };
	const token = base32ToHex(tokenCode);
	if (token === undefined) return { found: 'invalid', reason: 'the token is not canonical' };
	return {
		found: 'valid',
		code: { userReference: before.trimEnd(), executionId, token, itemIndex: Number(item) },
	};
}

/**
 * The path after the execution id that Send and Wait for Signature's resume webhook answers on. A fixed one: n8n
 * resumes whichever node of the execution is waiting now, so with an empty path a late or repeated report could wake
 * a later Wait node of the same run; with this one any other waiting node answers 404.
 */
export const RESUME_PATH = 'lofirmo-signature';

/**
 * The URL that resumes the execution a code names: `<n8n's webhook-waiting base>/<execution id>/lofirmo-signature?
 * signature=<token>` (n8n 2.x checks the token; n8n 1.x ignores it, and the node checks it itself).
 */
export function resumeUrl(webhookWaitingBaseUrl: string, code: ResumeCode): string {
	const base = webhookWaitingBaseUrl.replace(/\/+$/, '');
	return `${base}/${encodeURIComponent(code.executionId)}/${RESUME_PATH}?signature=${code.token}`;
}

/** SHA-256 of a resume token, hex: what Send and Wait keeps in the execution instead of the token itself. */
export function resumeTokenDigest(token: string): string {
	return createHash('sha256').update(token.toLowerCase()).digest('hex');
}

/**
 * n8n's resume token, read from `$execution.resumeUrl` (n8n 2.x appends it as `signature`); `undefined` when the URL
 * has none (n8n 1.x), and the node then makes its own.
 */
export function tokenFromResumeUrl(url: string): string | undefined {
	let signature: string | null;
	try {
		signature = new URL(url).searchParams.get('signature');
	} catch {
		return undefined;
	}
	const hex = signature?.toLowerCase();
	return hex !== undefined && TOKEN_HEX.test(hex) ? hex : undefined;
}

/**
 * n8n's webhook-waiting base URL from a `$execution.resumeUrl` (the trigger evaluates it in its own `webhook()`, where
 * there is no execution yet and n8n writes `<base>/__UNKNOWN__`): the URL without its last path segment and query.
 * Honours WEBHOOK_URL and N8N_ENDPOINT_WEBHOOK_WAIT, which a node cannot read itself.
 */
export function webhookWaitingBase(executionResumeUrl: string): string | undefined {
	let url: URL;
	try {
		url = new URL(executionResumeUrl);
	} catch {
		return undefined;
	}
	const segments = url.pathname.split('/');
	if (segments.length < 3) return undefined;
	return `${url.origin}${segments.slice(0, -1).join('/')}`;
}

function splitLastWord(text: string): { before: string; word: string } {
	const [, before = '', word = ''] = /^([\s\S]*\s)?(\S*)$/.exec(text.trimEnd()) ?? [];
	return { before, word };
}

function withoutTrailingCode(reference: string): string {
	const { before, word } = splitLastWord(reference);
	return word.toLowerCase().startsWith(MARKER) ? before : reference;
}

function checksum(body: string): string {
	const digest = createHash('sha256').update(body).digest();
	// the first 20 bits of the digest, as 4 base32 characters
	const bits = (digest[0] << 12) | (digest[1] << 4) | (digest[2] >> 4);
	let out = '';
	for (let shift = 15; shift >= 0; shift -= 5) out += ALPHABET[(bits >> shift) & 31];
	return out;
}

function hexToBase32(hex: string): string {
	let out = '';
	let buffer = 0;
	let bits = 0;
	for (const digit of hex) {
		buffer = (buffer << 4) | parseInt(digit, 16);
		bits += 4;
		while (bits >= 5) {
			bits -= 5;
			out += ALPHABET[(buffer >> bits) & 31];
		}
		buffer &= (1 << bits) - 1;
	}
	// 256 bits leave one bit over: it goes out padded with four zero bits
	if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
	return out;
}

/** Back to 64 hex digits; `undefined` when the padding bits are not zero (two spellings of one token). */
function base32ToHex(code: string): string | undefined {
	// 52 characters carry 260 bits: 64 hex digits and a last digit of padding, which must be 0
	let out = '';
	let buffer = 0;
	let bits = 0;
	for (const char of code) {
		buffer = (buffer << 5) | ALPHABET.indexOf(char);
		bits += 5;
		while (bits >= 4) {
			bits -= 4;
			out += ((buffer >> bits) & 15).toString(16);
		}
		buffer &= (1 << bits) - 1;
	}
	return out.length === TOKEN_HEX_LENGTH + 1 && out.endsWith('0')
		? out.slice(0, TOKEN_HEX_LENGTH)
		: undefined;
}
