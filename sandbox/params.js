// @ts-check
// Request bodies → parameters, and the checks the vendor documents for each function's parameters.
const { ApiError, RES } = require('./codes');

/** @typedef {Record<string, unknown>} Params parameter name (lower-cased) → value */

/**
 * Array and object parameters. In form bodies they arrive JSON-encoded, and the vendor's own JSON example encodes
 * them too, so a string here is decoded whatever the content type. Only these: a `Mensaje` may start with `[LINK]`.
 */
const STRUCTURED = new Set([
	'firmantes',
	'firmasemisor',
	'documentos',
	'documentossolicitados',
	'personalizacion',
]);

const PHONE = /^\d{6,15}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const INTEGER = /^-?\d+$/;

/**
 * Parses a JSON or form body. Names are lower-cased because the vendor treats them case-insensitively.
 * @param {string} contentType
 * @param {Buffer} body
 * @returns {Params}
 */
function parseParams(contentType, body) {
	const text = body.toString('utf8');
	/** @type {Record<string, unknown>} */
	let raw;
	if (text.trim() === '') {
		raw = {};
	} else if (/\bjson\b/i.test(contentType)) {
		raw = parseJsonObject(text);
	} else if (/x-www-form-urlencoded/i.test(contentType)) {
		raw = Object.fromEntries(new URLSearchParams(text));
	} else {
		throw new ApiError(
			RES.INVALID,
			`Content-Type: send application/json or application/x-www-form-urlencoded, not "${contentType}"`,
		);
	}
	/** @type {Params} */
	const params = {};
	for (const [name, value] of Object.entries(raw)) {
		const key = name.toLowerCase();
		params[key] = STRUCTURED.has(key) && typeof value === 'string' ? decodeJson(value) : value;
	}
	return params;
}

/**
 * @param {string} text
 * @returns {Record<string, unknown>}
 */
function parseJsonObject(text) {
	const value = decodeJson(text);
	if (!isObject(value))
		throw new ApiError(RES.INVALID, 'Body: expected a JSON object of parameters');
	return value;
}

/**
 * Decodes JSON text, keeping the text when it is not JSON (the validators then say what was expected).
 * @param {string} text
 * @returns {unknown}
 */
function decodeJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A parameter's value, or undefined when absent or empty (form bodies send empty fields for "not set").
 * @param {Record<string, unknown>} params
 * @param {string} name vendor spelling; looked up case-insensitively
 */
function get(params, name) {
	const lower = name.toLowerCase();
	const key = Object.keys(params).find((k) => k.toLowerCase() === lower);
	const value = key === undefined ? undefined : params[key];
	return value === null || value === '' ? undefined : value;
}

/**
 * @param {string} name
 * @param {string} reason
 */
function invalid(name, reason) {
	return new ApiError(RES.INVALID, `${name}: ${reason}`);
}

/**
 * @param {Record<string, unknown>} params
 * @param {string} name
 * @param {{ required?: boolean, max?: number }} [rules]
 * @returns {string | undefined}
 */
function string(params, name, rules = {}) {
	const value = get(params, name);
	if (value === undefined) {
		if (rules.required) throw invalid(name, 'required');
		return undefined;
	}
	if (typeof value !== 'string' && typeof value !== 'number')
		throw invalid(name, 'must be a string');
	const text = String(value);
	if (rules.max !== undefined && text.length > rules.max) {
		throw invalid(name, `at most ${rules.max} characters (got ${text.length})`);
	}
	return text;
}

/**
 * @param {Record<string, unknown>} params
 * @param {string} name
 * @param {{ min?: number, max?: number }} [rules]
 * @returns {number | undefined}
 */
function integer(params, name, rules = {}) {
	const value = get(params, name);
	if (value === undefined) return undefined;
	let number = NaN;
	if (typeof value === 'number') number = value;
	else if (typeof value === 'string' && INTEGER.test(value)) number = Number(value);
	if (!Number.isInteger(number)) throw invalid(name, 'must be an integer');
	if (rules.min !== undefined && number < rules.min)
		throw invalid(name, `must be at least ${rules.min}`);
	if (rules.max !== undefined && number > rules.max)
		throw invalid(name, `must be at most ${rules.max}`);
	return number;
}

/**
 * @param {Record<string, unknown>} params
 * @param {string} name
 * @param {string[]} allowed compared case-insensitively
 * @returns {string | undefined}
 */
function choice(params, name, allowed) {
	const text = string(params, name);
	if (text !== undefined && !allowed.includes(text.toUpperCase())) {
		throw invalid(name, `must be one of ${allowed.join(', ')}`);
	}
	return text;
}

/**
 * A calendar date `YYYY-MM-DD`, or with `withTime` `YYYY-MM-DD HH:MM`.
 * @param {Record<string, unknown>} params
 * @param {string} name
 * @param {boolean} withTime
 * @returns {string | undefined}
 */
function date(params, name, withTime) {
	const text = string(params, name);
	if (text === undefined) return undefined;
	const format = withTime ? 'YYYY-MM-DD HH:MM' : 'YYYY-MM-DD';
	const match = (
		withTime ? /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/ : /^(\d{4})-(\d{2})-(\d{2})$/
	).exec(text);
	if (!match) throw invalid(name, `must be a date ${format}`);
	const [year, month, day, hour = 0, minute = 0] = match.slice(1).map(Number);
	const parsed = new Date(Date.UTC(year, month - 1, day, hour, minute));
	const exists =
		parsed.getUTCFullYear() === year &&
		parsed.getUTCMonth() === month - 1 &&
		parsed.getUTCDate() === day &&
		parsed.getUTCHours() === hour &&
		parsed.getUTCMinutes() === minute;
	if (!exists) throw invalid(name, `not a real date (${format})`);
	return text;
}

/**
 * @param {Record<string, unknown>} params
 * @param {string} name
 * @param {{ required?: boolean }} [rules]
 * @returns {unknown[] | undefined}
 */
function array(params, name, rules = {}) {
	const value = get(params, name);
	if (value === undefined) {
		if (rules.required) throw invalid(name, 'required');
		return undefined;
	}
	if (!Array.isArray(value)) throw invalid(name, 'must be a JSON array');
	return value;
}

/**
 * Items of an array parameter that must all be objects.
 * @param {unknown[]} items
 * @param {string} name
 * @returns {Record<string, unknown>[]}
 */
function objects(items, name) {
	return items.map((item, index) => {
		if (!isObject(item)) throw invalid(`${name}[${index}]`, 'must be an object');
		return item;
	});
}

/**
 * @param {Record<string, unknown>} params
 * @param {string} name
 * @param {string} [owner] prefix for errors about a nested value, e.g. `Firmantes[0]`
 */
function phone(params, name, owner) {
	const text = string(params, name);
	if (text !== undefined && !PHONE.test(text)) {
		const where = owner ? `${owner}.${name}` : name;
		throw invalid(where, 'mobile must be 6-15 digits in international format (no +, no spaces)');
	}
	return text;
}

/**
 * @param {Record<string, unknown>} params
 */
function message(params) {
	const text = string(params, 'Mensaje');
	if (text !== undefined && !text.includes('[LINK]'))
		throw invalid('Mensaje', 'must contain the [LINK] tag');
	return text;
}

/**
 * Checks a send-contract request as the vendor documents it.
 * @param {Params} params
 * @returns {{ signers: number, documents: number }}
 */
function checkSendContract(params) {
	const signers = objects(array(params, 'Firmantes', { required: true }) ?? [], 'Firmantes');
	if (signers.length === 0) throw invalid('Firmantes', 'needs at least one signer');
	signers.forEach((signer, index) => {
		const owner = `Firmantes[${index}]`;
		if (string(signer, 'Nombre') === undefined) throw invalid(`${owner}.Nombre`, 'required');
		const email = string(signer, 'Email');
		const mobile = phone(signer, 'Telefono', owner);
		if (email === undefined && mobile === undefined)
			throw invalid(owner, 'needs an Email or a Telefono');
		if (email !== undefined && !EMAIL.test(email))
			throw invalid(`${owner}.Email`, 'not an email address');
	});

	string(params, 'Flujotrabajo');
	objects(array(params, 'Firmasemisor') ?? [], 'Firmasemisor').forEach((signature, index) => {
		if (string(signature, 'ID') === undefined)
			throw invalid(`Firmasemisor[${index}].ID`, 'required');
	});
	const documents = objects(array(params, 'Documentos') ?? [], 'Documentos');
	objects(array(params, 'Documentossolicitados') ?? [], 'Documentossolicitados').forEach(
		(request, index) => {
			const owner = `Documentossolicitados[${index}]`;
			if (string(request, 'Texto') === undefined) throw invalid(`${owner}.Texto`, 'required');
			integer(request, 'Firmante', { min: 0, max: signers.length - 1 });
		},
	);
	const customisation = get(params, 'Personalizacion');
	if (customisation !== undefined && !isObject(customisation))
		throw invalid('Personalizacion', 'must be a JSON object');
	integer(params, 'Tipofirma', { min: 1, max: 4 });
	string(params, 'Remitente', { max: 11 });
	message(params);
	choice(params, 'Mediocomunicacion', ['1', '2', '3', 'EMAIL', 'SMS']);
	string(params, 'Tipodocumento');
	choice(params, 'Verificacionidentidad', ['SI', 'NO']);
	integer(params, 'Minparecidoverificacion', { min: 0, max: 100 });
	string(params, 'Referenciausuario');
	choice(params, 'Accesible', ['SI', 'NO']);
	choice(params, 'Alternamedios', ['SI', 'NO']);
	// days between reminders: the vendor's "10" is the most reminders sent, not a bound on this value
	integer(params, 'Recordatorios', { min: 1 });
	date(params, 'Fechalimite', false);
	choice(params, 'Idioma', ['ES', 'PT', 'EN']);
	const min = integer(params, 'Minimocheck', { min: 0 });
	const max = integer(params, 'Maximocheck', { min: 0 });
	if (min !== undefined && max !== undefined && min > max)
		throw invalid('Minimocheck', 'must not exceed Maximocheck');
	return { signers: signers.length, documents: documents.length };
}

/**
 * Checks an identity-verification request as the vendor documents it.
 * @param {Params} params
 * @returns {{ phone: string, dni: string, scheduledAt: string | undefined }}
 */
function checkSendIdentity(params) {
	const mobile = phone(params, 'Telefono');
	if (mobile === undefined) throw invalid('Telefono', 'required');
	message(params);
	string(params, 'Remitente', { max: 11 });
	return {
		phone: mobile,
		dni: string(params, 'Dni') ?? '',
		scheduledAt: date(params, 'Fecha', true),
	};
}

module.exports = { parseParams, string, choice, checkSendContract, checkSendIdentity };
