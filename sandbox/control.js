// @ts-check
// Control endpoints under /_sandbox/: drive contracts and identity requests, webhooks and faults from a test or a shell.
const { ControlError } = require('./codes');

/** @typedef {import('./server').Sandbox} Sandbox */
/** @typedef {(sandbox: Sandbox, id: string, body: unknown) => unknown} Action */

/** @type {{ method: string, pattern: RegExp, action: Action }[]} */
const ROUTES = [
	{
		method: 'POST',
		pattern: /^\/contracts\/([^/]+)\/sign$/,
		action: (sb, id) => sb.signContract(id),
	},
	{
		method: 'POST',
		pattern: /^\/contracts\/([^/]+)\/certify$/,
		action: (sb, id) => sb.certifyContract(id),
	},
	{
		method: 'POST',
		pattern: /^\/contracts\/([^/]+)\/status$/,
		action: (sb, id, body) => sb.setContractStatus(id, /** @type {string} */ (field(body, 'code'))),
	},
	{
		method: 'POST',
		pattern: /^\/identity\/([^/]+)\/complete$/,
		// the score is checked by the state, whatever its type
		action: (sb, id, body) =>
			sb.completeIdentity(id, { score: /** @type {number} */ (field(body, 'score')) }),
	},
	{
		method: 'POST',
		pattern: /^\/identity\/([^/]+)\/status$/,
		action: (sb, id, body) => sb.setIdentityStatus(id, /** @type {string} */ (field(body, 'code'))),
	},
	{
		method: 'POST',
		pattern: /^\/webhook$/,
		action: (sb, _id, body) =>
			sb.setWebhook(/** @type {import('./webhooks').WebhookOptions | null} */ (body ?? null)),
	},
	{
		method: 'GET',
		pattern: /^\/webhook\/deliveries$/,
		// waits for deliveries in flight, so a caller sees every report of the changes it made
		action: async (sb) => {
			await sb.flushWebhooks();
			return { deliveries: sb.webhookDeliveries };
		},
	},
	{
		method: 'POST',
		pattern: /^\/faults$/,
		action: (sb, _id, body) => sb.addFault(/** @type {import('./faults').FaultOptions} */ (body)),
	},
	{ method: 'DELETE', pattern: /^\/faults$/, action: (sb) => sb.clearFaults() },
	{ method: 'GET', pattern: /^\/state$/, action: (sb) => sb.state.toJSON() },
	{ method: 'GET', pattern: /^\/requests$/, action: (sb) => ({ requests: sb.requests }) },
	{ method: 'POST', pattern: /^\/reset$/, action: (sb) => sb.reset() },
	{ method: 'GET', pattern: /^\/health$/, action: () => undefined },
];

/**
 * Runs a control request. Answers `{ ok: true, ... }`, or `{ ok: false, error }` with a 4xx status.
 * @param {Sandbox} sandbox
 * @param {string} method
 * @param {string} route the path after /_sandbox
 * @param {Buffer | null} body JSON, possibly empty
 * @returns {Promise<{ status: number, answer: Record<string, unknown> }>}
 */
async function handleControl(sandbox, method, route, body) {
	try {
		const matching = ROUTES.filter((r) => r.pattern.test(route));
		if (matching.length === 0) throw new ControlError(404, `no control endpoint ${route}`);
		const found = matching.find((r) => r.method === method);
		if (!found) throw new ControlError(405, `use ${matching.map((r) => r.method).join(' or ')}`);
		const id = decode(found.pattern.exec(route)?.[1] ?? '');
		const result = await found.action(sandbox, id, parseJson(body));
		return { status: 200, answer: { ok: true, ...(typeof result === 'object' ? result : {}) } };
	} catch (error) {
		if (!(error instanceof ControlError)) throw error;
		return { status: error.httpStatus, answer: { ok: false, error: error.message } };
	}
}

/**
 * @param {Buffer | null} body
 * @returns {unknown}
 */
function parseJson(body) {
	if (body === null) throw new ControlError(413, 'body too large');
	const text = body.toString('utf8');
	if (text.trim() === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		throw new ControlError(400, 'body: not JSON');
	}
}

/** @param {string} segment */
function decode(segment) {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw new ControlError(400, `bad path segment ${segment}`);
	}
}

/**
 * @param {unknown} body
 * @param {string} name
 */
function field(body, name) {
	return typeof body === 'object' && body !== null
		? /** @type {Record<string, unknown>} */ (body)[name]
		: undefined;
}

module.exports = { handleControl };
