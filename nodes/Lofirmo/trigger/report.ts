/**
 * A Lofirmo status report as a clean workflow item.
 *
 * The vendor sends every value as a string (numbers too), four identity fields as JSON-encoded strings, and dates as
 * `YYYY-MM-DD HH:MM` Spain time; key case may vary (the API reads names case-insensitively). Nothing here throws or
 * drops a report: a field that does not parse keeps what was sent and is listed in `parseErrors`.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	contractStatusLabel,
	contractVerificationUrl,
	identityStatusLabel,
} from '../shared/status';
import { getField } from '../shared/fields';
import { MAX_NESTING, nestedDeeperThan } from '../shared/nesting';
import { spainDateTimeToIso } from '../shared/spainTime';
import type { ParseError, Payload } from './payload';

export const CONTRACT_SERVICE = 'CONTRATACION';
export const IDENTITY_SERVICE = 'VERIFICACION_IDENTIDAD';

export const CONTRACT_EVENT = 'contractStatusChanged';
export const IDENTITY_EVENT = 'identityVerificationStatusChanged';
export const UNKNOWN_EVENT = 'unknown';

export type ReportEvent = typeof CONTRACT_EVENT | typeof IDENTITY_EVENT | typeof UNKNOWN_EVENT;

export interface Report extends IDataObject {
	event: ReportEvent;
	service: string | null;
	status: string | null;
	raw: Payload['raw'];
	parseErrors: ParseError[];
}

/** Reads the fields of one report, noting every problem instead of throwing. */
class FieldReader {
	readonly errors: ParseError[];

	constructor(
		private readonly fields: IDataObject,
		errors: ParseError[],
	) {
		this.errors = [...errors];
	}

	/** The value as sent, as text (null when absent). */
	text(key: string, required = false): string | null {
		const value = getField(this.fields, key);
		if (value === undefined || value === null) {
			if (required) this.fail(key, 'Missing');
			return null;
		}
		if (typeof value === 'string') return value;
		if (typeof value === 'number' || typeof value === 'boolean') return String(value);
		this.fail(key, 'Expected text, got a structured value (kept as JSON text)');
		return safeJson(value);
	}

	/** A status code: the text without surrounding spaces (null when missing or empty). */
	code(key: string): string | null {
		const value = this.text(key, true)?.trim() ?? null;
		if (value !== '') return value;
		this.fail(key, 'Empty');
		return null;
	}

	/** A whole number; text that is not one is kept as sent. */
	integer(key: string): number | string | null {
		const value = this.text(key);
		if (value === null || value.trim() === '') return null;
		const number = /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : NaN;
		if (Number.isSafeInteger(number)) return number;
		this.fail(key, `Not a whole number: "${preview(value)}"`);
		return value;
	}

	/** The date as sent, and the instant it names in ISO/UTC (null when empty or unreadable). */
	date(key: string): [string | null, string | null] {
		const value = this.text(key);
		if (value === null || value.trim() === '') return [value, null];
		const iso = spainDateTimeToIso(value);
		if (iso === null)
			this.fail(key, `Not a date in the form YYYY-MM-DD HH:MM: "${preview(value)}"`);
		return [value, iso];
	}

	/** A field the vendor sends as JSON-encoded text, parsed; text that is not JSON is kept as sent. */
	json(key: string): unknown {
		const value = getField(this.fields, key);
		if (value === undefined || value === null || value === '') return null;
		if (typeof value !== 'string') return value;
		let parsed: unknown;
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			this.fail(key, `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
			return value;
		}
		if (!nestedDeeperThan(parsed)) return parsed;
		// n8n could not store it (and no report nests so deep): keep the text as sent
		this.fail(key, `Nested more than ${MAX_NESTING} levels deep, so it was kept as text`);
		return value;
	}

	fail(field: string, error: string): void {
		this.errors.push({ field, error });
	}
}

export function normaliseReport(payload: Payload): Report {
	const read = new FieldReader(payload.fields, payload.parseErrors);
	const service = read.text('Servicio', true);
	switch (service?.trim().toUpperCase()) {
		case CONTRACT_SERVICE:
			return contractReport(read, service, payload);
		case IDENTITY_SERVICE:
			return identityReport(read, service, payload);
		default:
			return unknownReport(read, service, payload);
	}
}

function contractReport(read: FieldReader, service: string | null, payload: Payload): Report {
	const contractId = read.text('ContratoID', true);
	const reportId = read.text('ReportID');
	const status = read.code('Resultado');
	const [sentAt, sentAtIso] = read.date('FechaEnvio');
	const [signedAt, signedAtIso] = read.date('FechaFirma');
	return {
		event: CONTRACT_EVENT,
		service,
		contractId,
		reportId,
		status,
		statusLabel: contractStatusLabel(status ?? undefined),
		sentAt,
		sentAtIso,
		signedAt,
		signedAtIso,
		signers: read.integer('NumFirmantes'),
		// "NumFimados" (sic) is the vendor's spelling; the correct one is accepted too, should they ever fix it
		signed: read.integer(
			getField(payload.fields, 'NumFimados') === undefined ? 'NumFirmados' : 'NumFimados',
		),
		reference: read.text('Referencia'),
		signatureType: read.integer('TipoFirma'),
		verificationUrl: contractId?.trim() ? contractVerificationUrl(contractId.trim()) : null,
		raw: payload.raw,
		parseErrors: read.errors,
	};
}

function identityReport(read: FieldReader, service: string | null, payload: Payload): Report {
	const verificationId = read.text('ID', true);
	const status = read.code('Estado');
	const [sentAt, sentAtIso] = read.date('FechaEnvio');
	const [lastUpdate, lastUpdateIso] = read.date('UltimaActualizacion');
	return {
		event: IDENTITY_EVENT,
		service,
		verificationId,
		status,
		statusLabel: identityStatusLabel(status ?? undefined),
		sentAt,
		sentAtIso,
		lastUpdate,
		lastUpdateIso,
		// a phone number stays text: a number would lose a leading + or 0
		mobile: read.text('Telefono'),
		idFront: read.text('DNIAnverso'),
		idBack: read.text('DNIReverso'),
		idRequested: read.text('DNISolicitado'),
		access: read.json('Acceso') as IDataObject[string],
		position: read.json('Posicion') as IDataObject[string],
		device: read.json('Dispositivo') as IDataObject[string],
		result: read.json('Result') as IDataObject[string],
		raw: payload.raw,
		parseErrors: read.errors,
	};
}

/** A report of a service this node does not know (or with no `Servicio`): emitted, flagged, never dropped. */
function unknownReport(read: FieldReader, service: string | null, payload: Payload): Report {
	if (service !== null) read.fail('Servicio', `Unknown service "${preview(service)}"`);
	const statusKey = ['Resultado', 'Estado'].find(
		(key) => getField(payload.fields, key) !== undefined,
	);
	return {
		event: UNKNOWN_EVENT,
		service,
		status: statusKey === undefined ? null : read.code(statusKey),
		statusLabel: null,
		raw: payload.raw,
		parseErrors: read.errors,
	};
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

/** A short form of a value for an error message (the full value is always in `raw`). */
function preview(text: string): string {
	return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
