// @ts-check
// Outgoing reports: the vendor's "real-time reception" POSTs, in JSON, form or multipart, with optional Basic auth.
const crypto = require('crypto');
const http = require('http');
const https = require('https');

const { ControlError } = require('./codes');

/** @typedef {import('./state').Report} Report */
/** @typedef {'json' | 'form' | 'multipart'} WebhookFormat */
/** @typedef {{ url: string, format?: WebhookFormat, auth?: { user: string, password: string } }} WebhookOptions */
/** @typedef {{ url: string, format: WebhookFormat, auth: { user: string, password: string } | null }} WebhookConfig */
/** @typedef {{ url: string, format: WebhookFormat, status: number | null, error?: string, payload: Report }} Delivery */

const TIMEOUT_MS = 10_000;
const FORMATS = ['json', 'form', 'multipart'];

/**
 * Checks a webhook setting; null (or undefined) turns reports off.
 * @param {unknown} value
 * @returns {WebhookConfig | null}
 */
function webhookConfig(value) {
	if (value === null || value === undefined) return null;
	if (typeof value !== 'object')
		throw new ControlError(400, 'webhook: expected { url, format?, auth? } or null');
	const { url, format = 'json', auth } = /** @type {Record<string, unknown>} */ (value);
	if (typeof url !== 'string' || !/^https?:\/\/./i.test(url) || !URL.canParse(url)) {
		throw new ControlError(400, 'webhook.url: must be an http(s) URL');
	}
	if (typeof format !== 'string' || !FORMATS.includes(format)) {
		throw new ControlError(400, `webhook.format: must be one of ${FORMATS.join(', ')}`);
	}
	if (auth === undefined || auth === null)
		return { url, format: /** @type {WebhookFormat} */ (format), auth: null };
	const { user, password } = /** @type {Record<string, unknown>} */ (auth);
	if (typeof user !== 'string' || typeof password !== 'string') {
		throw new ControlError(400, 'webhook.auth: expected { user, password } strings');
	}
	return { url, format: /** @type {WebhookFormat} */ (format), auth: { user, password } };
}

/**
 * The request body for a report in the configured format.
 * @param {WebhookFormat} format
 * @param {Report} payload
 * @returns {{ contentType: string, body: Buffer }}
 */
function encodeReport(format, payload) {
	if (format === 'json')
		return { contentType: 'application/json', body: Buffer.from(JSON.stringify(payload)) };
	if (format === 'form') {
		const body = Buffer.from(new URLSearchParams(payload).toString());
		return { contentType: 'application/x-www-form-urlencoded', body };
	}
	const boundary = `----LofirmoSandbox${crypto.randomBytes(12).toString('hex')}`;
	const fields = Object.entries(payload).map(
		([name, value]) =>
			`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
	);
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		body: Buffer.from(`${fields.join('')}--${boundary}--\r\n`),
	};
}

/**
 * POSTs one report. Never rejects: a failure is recorded in the delivery's `error`.
 * @param {WebhookConfig} config
 * @param {Report} payload
 * @param {AbortSignal} stopped aborts the delivery when the sandbox stops
 * @returns {Promise<Delivery>}
 */
function deliverReport(config, payload, stopped) {
	const { contentType, body } = encodeReport(config.format, payload);
	/** @type {Record<string, string | number>} */
	const headers = {
		'Content-Type': contentType,
		'Content-Length': body.length,
		'User-Agent': 'lofirmo-sandbox',
	};
	if (config.auth) {
		headers.Authorization = `Basic ${Buffer.from(`${config.auth.user}:${config.auth.password}`).toString('base64')}`;
	}
	const timeout = AbortSignal.timeout(TIMEOUT_MS);
	const send = config.url.toLowerCase().startsWith('https:') ? https.request : http.request;
	return new Promise((resolve) => {
		/**
		 * @param {number | null} status
		 * @param {string} [error]
		 */
		const done = (status, error) =>
			resolve({
				url: config.url,
				format: config.format,
				status,
				...(error ? { error } : {}),
				payload,
			});
		try {
			// agent: false, so no keep-alive socket outlives the delivery
			const signal = AbortSignal.any([stopped, timeout]);
			const request = send(config.url, { method: 'POST', headers, agent: false, signal });
			request.on('response', (response) => {
				response.on('error', (error) => done(response.statusCode ?? null, error.message));
				response.on('end', () => done(response.statusCode ?? null));
				response.resume();
			});
			request.on('error', (error) =>
				done(null, timeout.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : error.message),
			);
			request.end(body);
		} catch (error) {
			done(null, error instanceof Error ? error.message : String(error));
		}
	});
}

module.exports = { webhookConfig, deliverReport, encodeReport };
