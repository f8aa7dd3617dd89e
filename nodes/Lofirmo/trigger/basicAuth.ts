/** HTTP Basic auth of the calls Lofirmo makes to the trigger, compared in constant time. */
import { createHash, timingSafeEqual } from 'crypto';

export interface BasicAuthSecret {
	user: string;
	password: string;
}

/** The user and password of an `Authorization: Basic …` header, or undefined if there is none. */
export function parseBasicAuthorization(header: unknown): BasicAuthSecret | undefined {
	if (typeof header !== 'string') return undefined;
	const match = /^\s*Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Whether the header carries exactly the expected user and password. */
export function basicAuthMatches(header: unknown, expected: BasicAuthSecret): boolean {
	const given = parseBasicAuthorization(header);
	// both parts are always compared, so the time taken tells nothing about which one was wrong
	const userMatches = sameSecret(given?.user ?? '', expected.user);
	const passwordMatches = sameSecret(given?.password ?? '', expected.password);
	return given !== undefined && userMatches && passwordMatches;
}

// Digests have the same length whatever the input, as timingSafeEqual needs, and hide the secret's length.
function sameSecret(given: string, expected: string): boolean {
	return timingSafeEqual(digest(given), digest(expected));
}

function digest(text: string): Buffer {
	return createHash('sha256').update(text, 'utf8').digest();
}
