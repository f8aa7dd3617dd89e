/**
 * Input checks run before any request. Lofirmo charges credits for sends and treats repeated bad calls as spam,
 * so every value is validated (and normalised) here first. Each failure is a NodeOperationError for the item that
 * names the field and says how to fix it.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MAX_NESTING, nestedDeeperThan } from '../../shared/nesting';
import { SPAIN_ZONE, toSpainDateTime, wallClockToDate } from '../../shared/spainTime';

/** How the API writes yes and no in its flags (`Accesible`, `Verificacionidentidad`, ...). */
export type YesNo = 'SI' | 'NO';

const SENDER_MAX = 11;
/** International digits: a country code never starts with 0, so a leading 0 is a national prefix. */
const MOBILE_DIGITS = /^[1-9]\d{5,14}$/;
/**
 * `00` is the international dialling prefix (as `+` is): followed by a country code, which never starts with 0, it can
 * be dropped safely (`0034 622 333 444` is `34622333444`). A single leading 0 stays: that is a national number.
 */
const DIALLING_PREFIX = /^00(?=[1-9])/;
/** How much of a bad value an error message shows. */
const SHOWN_MAX = 60;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SPAIN_FORMAT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/;
const WITH_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** True for values a user left empty (an untouched field, or an expression that produced nothing). */
export function isBlank(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

export function createChecks(ctx: IExecuteFunctions, itemIndex: number) {
	const fail = (message: string, description: string) =>
		new NodeOperationError(ctx.getNode(), message, { itemIndex, description });

	/** A text field's value, trimmed; an object or list (an expression mapping a whole item) is refused. */
	const text = (field: string, value: unknown): string => {
		if (isBlank(value)) return '';
		const written = asText(value);
		if (written === undefined) {
			throw fail(
				`${field} must be a single value, not ${Array.isArray(value) ? 'a list' : 'an object'}`,
				`Got ${shown(value)}. Map one value, e.g. {{ $json.id }}, not a whole object or list.`,
			);
		}
		return written.trim();
	};

	const checks = {
		fail,

		/** An optional text as the API wants it: a trimmed string, '' when not given (then left out of the body). */
		text,

		/** A required text, e.g. an ID. */
		required(field: string, value: unknown, hint: string): string {
			const result = text(field, value);
			if (result === '') throw fail(`${field} is empty`, hint);
			return result;
		},

		/** A required numeric ID (the API documents `Reportid` and `Id` as integers), kept as a string. */
		numericId(field: string, value: unknown, hint: string): string {
			const id = checks.required(field, value, hint);
			if (!/^\d+$/.test(id))
				throw fail(`${field} must be a whole number`, `Got "${shown(id)}". ${hint}`);
			return id;
		},

		/** A whole number, given as a number or as digits in a string (expressions often give strings). */
		integer(field: string, value: unknown, min: number, max?: number): number {
			const number = typeof value === 'number' ? value : Number(asText(value)?.trim() ?? NaN);
			const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
			if (
				isBlank(value) ||
				!Number.isInteger(number) ||
				number < min ||
				(max !== undefined && number > max)
			) {
				throw fail(
					`${field} must be a whole number ${range}`,
					`Got "${shown(value)}". Enter a whole number ${range}.`,
				);
			}
			return number;
		},

		/** A JSON field: a JSON string typed in the field, or an object/array an expression produced. */
		json(field: string, value: unknown): unknown {
			let parsed = value;
			if (typeof value === 'string') {
				try {
					parsed = JSON.parse(value);
				} catch (error) {
					throw fail(
						`${field} is not valid JSON`,
						`${shown((error as Error).message, 120)}. Check quotes, commas and brackets, or map an array/object from a previous node with an expression.`,
					);
				}
			}
			if (nestedDeeperThan(parsed)) {
				throw fail(
					`${field} is nested too deeply`,
					`It has more than ${MAX_NESTING} levels of objects or lists inside each other; Lofirmo's data has two or three. Check what the field or expression maps.`,
				);
			}
			return parsed;
		},

		/** A JSON field holding a list of objects; a single object counts as a list of one. */
		objectList(field: string, value: unknown, example: string): IDataObject[] {
			const parsed = checks.json(field, value);
			const list = Array.isArray(parsed) ? parsed : [parsed];
			if (
				list.some((entry) => entry === null || typeof entry !== 'object' || Array.isArray(entry))
			) {
				throw fail(
					`${field} must be an array of objects`,
					`Give e.g. ${example}, or map an array of such objects from a previous node.`,
				);
			}
			return list as IDataObject[];
		},

		/** A mobile number as the API wants it: international digits, country code first (34600000001). */
		mobile(field: string, value: unknown): string {
			const digits = looseText(value)
				.replace(/[\s+\-().]/g, '')
				.replace(DIALLING_PREFIX, '');
			if (!MOBILE_DIGITS.test(digits)) {
				throw fail(
					`${field} is not a valid mobile number`,
					`Got "${shown(value)}". Use the international format with the country code, e.g. 34600000001 (spaces, dashes and a leading "+" or "00" are removed for you); a national number starting with 0 needs its country code instead of the 0.`,
				);
			}
			return digits;
		},

		email(field: string, value: unknown): string {
			const result = looseText(value);
			if (!EMAIL.test(result)) {
				throw fail(
					`${field} is not a valid email address`,
					`Got "${shown(value)}". Enter an address like name@example.com.`,
				);
			}
			return result;
		},

		/** `Remitente`: what the SMS shows as its sender; the vendor allows at most 11 characters. */
		senderName(value: unknown): string {
			const result = text('Sender Name', value);
			if (result.length > SENDER_MAX) {
				throw fail(
					`Sender Name is too long (${result.length} characters)`,
					`"${shown(result)}" has ${result.length} characters; Lofirmo allows at most ${SENDER_MAX}. Use a shorter name, e.g. your brand.`,
				);
			}
			return result;
		},

		/** `Mensaje`: Lofirmo replaces `[LINK]` with the signing or verification link, so it must be there. */
		message(value: unknown): string {
			const result = text('Message', value);
			if (!result.includes('[LINK]')) {
				throw fail(
					'Message must contain [LINK]',
					'Lofirmo replaces [LINK] (in capitals, with the square brackets) with the link the recipient opens. Add it to the message, e.g. "Please sign here: [LINK]".',
				);
			}
			return result;
		},

		/** `SI`/`NO` from a boolean field, or from what an expression gave (true/false, yes/no, si/no). */
		yesNo(field: string, value: unknown): YesNo {
			const word = looseText(value).toLowerCase();
			if (value === true || ['true', 'yes', 'si', 'sí', '1'].includes(word)) return 'SI';
			if (value === false || ['false', 'no', '0'].includes(word)) return 'NO';
			throw fail(
				`${field} must be true or false`,
				`Got "${shown(value)}". Turn the switch on or off, or make the expression return true or false.`,
			);
		},

		/** One of a fixed list of values (an options field whose value may come from an expression). */
		oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
			const result = looseText(value);
			const found = allowed.find((option) => option.toLowerCase() === result.toLowerCase());
			if (found === undefined) {
				throw fail(
					`${field} has an unsupported value`,
					`Got "${shown(value)}". Use one of: ${allowed.join(', ')}.`,
				);
			}
			return found;
		},

		/**
		 * `Fechalimite`: a calendar day `YYYY-MM-DD`. An ISO/n8n date keeps the day as written (the picker gives
		 * `2025-01-31T00:00:00`); a date in the past is refused, as the contract would expire at once.
		 */
		deadline(value: unknown): string {
			const date = toDate(value, ctx.getTimezone());
			if (!date) {
				throw fail(
					'Deadline is not a valid date',
					`Got "${shown(value)}". Pick a date, or give YYYY-MM-DD (e.g. 2030-12-31) or an ISO date such as {{ $now.plus({ days: 30 }) }}.`,
				);
			}
			const today = toSpainDateTime(new Date()).slice(0, 10);
			if (date.day < today) {
				throw fail(
					'Deadline is in the past',
					`Got ${date.day}; today in Spain is ${today}. Choose a later date.`,
				);
			}
			return date.day;
		},

		/**
		 * `Fecha` of an identity request: Spain wall-clock `YYYY-MM-DD HH:MM`. A value already written that way is
		 * taken as Spain time; an ISO date with an offset is converted; one without an offset (the n8n date picker)
		 * is read in the workflow's time zone, then converted.
		 */
		schedule(field: string, value: unknown): string {
			const written = looseText(value);
			const date = SPAIN_FORMAT.test(written)
				? toDate(written, SPAIN_ZONE)
				: toDate(value, ctx.getTimezone());
			if (date) return toSpainDateTime(date.instant);
			throw fail(
				`${field} is not a valid date and time`,
				`Got "${shown(value)}". Pick a date and time, give an ISO date (e.g. 2030-05-01T15:10:00+02:00), or Spain time as YYYY-MM-DD HH:MM (e.g. 2030-05-01 15:10).`,
			);
		},
	};
	return checks;
}

export type Checks = ReturnType<typeof createChecks>;

/**
 * A date from a string, a JS Date or a Luxon DateTime (what `$now` gives; read through its ISO text so no date
 * library is needed). `day` is the calendar day as written (an offset, if any, is the writer's own); `instant`
 * is the moment it names, reading a text without offset in `zone`.
 */
function toDate(value: unknown, zone: string): { day: string; instant: Date } | undefined {
	let written: string;
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) return undefined;
		written = value.toISOString();
	} else if (typeof value === 'string') written = value.trim();
	else if (value && typeof (value as { toISO?: unknown }).toISO === 'function') {
		written = String((value as { toISO: () => string }).toISO());
	} else return undefined;

	if (WITH_OFFSET.test(written)) {
		const instant = new Date(written);
		const day = written.slice(0, 10);
		return Number.isNaN(instant.getTime()) || !wallClockToDate(day, 'UTC')
			? undefined
			: { day, instant };
	}
	const instant = wallClockToDate(written, zone);
	return instant ? { day: written.slice(0, 10), instant } : undefined;
}

/**
 * A scalar as text: strings, numbers, booleans; a Date or a Luxon DateTime (what `$now` gives) as ISO text.
 * Undefined for anything else (objects, lists), which no text field can hold.
 */
function asText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
		return String(value);
	if (value instanceof Date)
		return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
	if (value && typeof (value as { toISO?: unknown }).toISO === 'function') {
		return String((value as { toISO: () => string }).toISO());
	}
	return undefined;
}

/** A scalar as trimmed text, '' for anything else: for checks that then refuse what does not match. */
function looseText(value: unknown): string {
	return (asText(value) ?? '').trim();
}

/** A value as a short text for an error message; never throws, whatever the value (huge, deep, without prototype). */
export function shown(value: unknown, max = SHOWN_MAX): string {
	let written: string;
	try {
		written = asText(value) ?? JSON.stringify(value) ?? String(value);
	} catch {
		written = Array.isArray(value) ? '(a list)' : '(an object)';
	}
	return written.length > max ? `${written.slice(0, max)}…` : written;
}

/**
 * How operations read an optional field of Additional Fields: `read` runs only on a value the user gave, so a field
 * left empty is never checked and stays out of the body.
 */
export function optionalFields(values: IDataObject) {
	return <T>(key: string, read: (value: unknown) => T): T | undefined =>
		isBlank(values[key]) ? undefined : read(values[key]);
}

/** Keeps only the values a user actually gave, so optional API parameters are sent only when set. */
export function compact(body: IDataObject): IDataObject {
	return Object.fromEntries(
		Object.entries(body).filter(
			([, value]) => !isBlank(value) && !(Array.isArray(value) && value.length === 0),
		),
	);
}
