// @ts-check
// The sandbox's HTTP side: routing by function name, Basic auth, body parsing, injected faults, responses, logging.
const crypto = require('crypto');
const { setMaxListeners } = require('events');
const http = require('http');
const https = require('https');
const { setTimeout: sleep } = require('timers/promises');

const { ApiError, DEFAULT_FUNCTION_NAMES, FUNCTION_KEYS, RES } = require('./codes');
const { handleControl } = require('./control');
const { FaultQueue } = require('./faults');
const { parseParams, string } = require('./params');
const { SandboxState } = require('./state');
const { deliverReport, webhookConfig } = require('./webhooks');

/** @typedef {import('./codes').FunctionKey} FunctionKey */
/** @typedef {import('./faults').FaultOptions} FaultOptions */
/** @typedef {import('./faults').FaultType} FaultType */
/** @typedef {import('./params').Params} Params */
/** @typedef {import('./state').Account} Account */
/** @typedef {import('./state').Report} Report */
/** @typedef {import('./webhooks').Delivery} Delivery */
/** @typedef {import('./webhooks').WebhookOptions} WebhookOptions */
/** @typedef {import('./webhooks').WebhookConfig} WebhookConfig */

/**
 * @typedef {object} SandboxOptions
 * @property {import('./state').AccountOption[]} [accounts] default: one account sandbox-user / sandbox-token, 1000 credits
 * @property {boolean} [quiet] no log lines
 * @property {Partial<Record<FunctionKey, string>>} [paths] function key → function name (or a path ending in it)
 * @property {WebhookOptions | null} [webhook]
 * @property {{ contractPerSigner?: number, identity?: number }} [costs] credits per contract signer, per identity request
 * @property {number} [pdfPadBytes] pad generated PDFs to at least this many bytes
 */

/**
 * @typedef {object} RequestRecord one vendor-API request; the Authorization header and the token are never kept
 * @property {FunctionKey | null} fn null when no function has that name
 * @property {string} path
 * @property {string} method
 * @property {string} contentType
 * @property {Params} params lower-cased names, parsed values
 * @property {'ok' | 'missing' | 'bad'} auth
 * @property {string | null} user the authenticated API User
 * @property {number | null} status HTTP status sent, null if the connection was dropped
 * @property {string | null} res `Res` sent, null for a PDF or no answer
 * @property {string} at ISO time of arrival
 * @property {FaultType} [fault] the injected fault that shaped the answer
 * @property {string} [pdfSha256] SHA-256 (hex) of the whole PDF served, so a test can check what arrived byte for byte
 */

/** @typedef {{ status: number | null, error?: string }} WebhookResult */

/**
 * @typedef {object} ApiResponse
 * @property {number} status
 * @property {string} contentType
 * @property {Buffer[]} chunks the body, written in order
 * @property {string | null} res
 * @property {Record<string, string>} [headers]
 */

/** Larger bodies are refused: even contracts with embedded documents stay far below. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const AUTH_FAILED = 'Authentication failed';

class Sandbox {
	/** Base URL, set by start(). */
	url = '';
	/** HTTPS base URL, set by startTls(). */
	tlsUrl = '';
	/** @type {RequestRecord[]} */
	requests = [];
	/** @type {Delivery[]} */
	webhookDeliveries = [];

	#state;
	#routes;
	#log;
	#initialWebhook;
	/** @type {WebhookConfig | null} */
	#webhook;
	#faults = new FaultQueue();
	/** Deliveries run one at a time, so a receiver sees reports in the order of the changes. */
	/** @type {Promise<unknown>} */
	#webhookQueue = Promise.resolve();
	/** Bumped by reset(), so deliveries still in flight are not recorded in the fresh log. */
	#generation = 0;
	/** Aborted by stop(): cuts pending delays and webhook deliveries. */
	#stopping = new AbortController();
	#server = http.createServer((req, res) => void this.#handle(req, res));
	/** @type {https.Server | undefined} the same API over HTTPS, once startTls() ran */
	#tlsServer;

	/** @param {SandboxOptions} [options] */
	constructor(options = {}) {
		const { contractPerSigner = 1, identity = 1 } = options.costs ?? {};
		this.#state = new SandboxState({
			accounts: options.accounts ?? [
				{ user: 'sandbox-user', token: 'sandbox-token', credits: 1000 },
			],
			costs: { contractPerSigner, identity },
			pdfPadBytes: options.pdfPadBytes ?? 0,
		});
		this.#routes = functionRoutes(options.paths);
		this.#log = options.quiet
			? () => {}
			: (/** @type {string} */ line) => console.log(`[sandbox] ${line}`);
		this.#initialWebhook = webhookConfig(options.webhook);
		this.#webhook = this.#initialWebhook;
	}

	/** Accounts and credits, contracts and identity requests (read them, do not change them). */
	get state() {
		return this.#state;
	}

	/**
	 * Listens on 127.0.0.1; port 0 picks a free one.
	 * @param {number} [port]
	 * @returns {Promise<{ url: string, port: number }>}
	 */
	start(port = 0) {
		this.#stopping = new AbortController();
		// every delayed answer and pending report listens for the stop: many at once is normal under load
		setMaxListeners(0, this.#stopping.signal);
		return new Promise((resolve, reject) => {
			this.#server.once('error', reject);
			this.#server.listen(port, '127.0.0.1', () => {
				this.#server.off('error', reject);
				const address = this.#server.address();
				const actual = typeof address === 'object' && address ? address.port : port;
				this.url = `http://127.0.0.1:${actual}`;
				resolve({ url: this.url, port: actual });
			});
		});
	}

	/**
	 * Serves the same API, state and request log over HTTPS too (with the PEM key and certificate given), on
	 * 127.0.0.1; port 0 picks a free one. Call after start().
	 * @param {number} port
	 * @param {{ key: string, cert: string }} tls
	 * @returns {Promise<{ url: string, port: number }>}
	 */
	startTls(port, tls) {
		const server = https.createServer(tls, (req, res) => void this.#handle(req, res));
		this.#tlsServer = server;
		return new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => {
				server.off('error', reject);
				const address = server.address();
				const actual = typeof address === 'object' && address ? address.port : port;
				this.tlsUrl = `https://127.0.0.1:${actual}`;
				resolve({ url: this.tlsUrl, port: actual });
			});
		});
	}

	/** Closes the server and every connection, keep-alive ones included, and abandons pending work. */
	stop() {
		this.#stopping.abort();
		const servers = [this.#server, this.#tlsServer].filter((server) => server?.listening);
		return Promise.all(
			servers.map(
				(server) =>
					new Promise((resolve) => {
						server?.close(() => resolve(undefined));
						server?.closeAllConnections();
					}),
			),
		).then(() => undefined);
	}

	/** Clears contracts, identity requests, the request log, faults, deliveries; restores credits and the initial webhook. */
	reset() {
		this.#state.reset();
		this.requests.length = 0;
		this.webhookDeliveries.length = 0;
		this.#faults.clear();
		this.#webhook = this.#initialWebhook;
		this.#generation += 1;
	}

	/** @param {WebhookOptions | null} config null turns reports off */
	setWebhook(config) {
		this.#webhook = webhookConfig(config);
	}

	/** Resolves once every report queued so far was delivered or failed. */
	async flushWebhooks() {
		await this.#webhookQueue;
	}

	/** @param {FaultOptions | FaultOptions[]} fault */
	addFault(fault) {
		this.#faults.add(fault);
	}

	clearFaults() {
		this.#faults.clear();
	}

	/** @param {string} contratoId */
	async signContract(contratoId) {
		const { contract, report } = this.#state.signContract(String(contratoId));
		return { contract, webhook: await this.#report(report) };
	}

	/** @param {string} contratoId */
	async certifyContract(contratoId) {
		const { contract, report } = this.#state.certifyContract(String(contratoId));
		return { contract, webhook: await this.#report(report) };
	}

	/**
	 * @param {string} contratoId
	 * @param {string | number} code
	 */
	async setContractStatus(contratoId, code) {
		const { contract, report } = this.#state.setContractStatus(String(contratoId), code);
		return { contract, webhook: await this.#report(report) };
	}

	/**
	 * @param {string} id
	 * @param {{ score?: number }} [options] likeness score 0-100
	 */
	async completeIdentity(id, options) {
		const { identity, report } = this.#state.completeIdentity(String(id), options);
		return { identity, webhook: await this.#report(report) };
	}

	/**
	 * @param {string} id
	 * @param {string | number} code
	 */
	async setIdentityStatus(id, code) {
		const { identity, report } = this.#state.setIdentityStatus(String(id), code);
		return { identity, webhook: await this.#report(report) };
	}

	/**
	 * Queues a report to the configured webhook; resolves with its outcome, or null when none is configured.
	 * @param {Report} payload
	 * @returns {Promise<WebhookResult | null>}
	 */
	#report(payload) {
		const config = this.#webhook;
		if (!config) return Promise.resolve(null);
		const generation = this.#generation;
		const delivered = this.#webhookQueue
			.then(() => deliverReport(config, payload, this.#stopping.signal))
			.then((delivery) => {
				if (generation === this.#generation) this.webhookDeliveries.push(delivery);
				const code = payload.Resultado ?? payload.Estado;
				this.#log(
					`webhook ${payload.Servicio} ${code} -> ${config.url} ${delivery.status ?? delivery.error}`,
				);
				return delivery.error
					? { status: delivery.status, error: delivery.error }
					: { status: delivery.status };
			});
		this.#webhookQueue = delivered;
		return delivered;
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	async #handle(req, res) {
		const started = performance.now();
		// the raw path, not a parsed URL: a base URL with a trailing slash makes paths like //GetCreditos
		const path = (req.url ?? '/').split('?')[0];
		try {
			if (path === '/_sandbox' || path.startsWith('/_sandbox/'))
				await this.#handleControl(req, res, path, started);
			else await this.#handleApi(req, res, path, started);
		} catch (error) {
			// a sandbox bug, not a vendor behaviour: make it loud
			this.#log(
				`${req.method} ${path} failed: ${error instanceof Error ? error.stack : String(error)}`,
			);
			if (res.headersSent) res.destroy();
			else res.writeHead(500, { 'Content-Type': 'text/plain' }).end('sandbox internal error');
		}
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {string} path
	 * @param {number} started
	 */
	async #handleControl(req, res, path, started) {
		const body = await readBody(req);
		const { status, answer } = await handleControl(
			this,
			req.method ?? '',
			path.slice('/_sandbox'.length),
			body,
		);
		res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
		this.#log(`${req.method} ${path} ${status} ${elapsed(started)}`);
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {string} path
	 * @param {number} started
	 */
	async #handleApi(req, res, path, started) {
		const method = req.method ?? '';
		const contentType = req.headers['content-type'] ?? '';
		const body = await readBody(req);
		const name = path.split('/').filter(Boolean).pop() ?? '';
		const fn = this.#routes.get(name.toLowerCase()) ?? null;
		/** @type {Params} */
		let params = {};
		/** @type {ApiError | null} */
		let badBody = null;
		try {
			params = body ? parseParams(contentType, body) : {};
		} catch (error) {
			if (!(error instanceof ApiError)) throw error;
			badBody = error;
		}
		const { auth, account } = this.#state.authenticate(req.headers.authorization);
		/** @type {RequestRecord} */
		const record = {
			fn,
			path,
			method,
			contentType,
			params,
			auth,
			user: account?.user ?? null,
			status: null,
			res: null,
			at: new Date().toISOString(),
		};
		this.requests.push(record);

		/**
		 * @param {ApiResponse | null} response null drops the connection
		 * @param {FaultType} [cut] 'truncate' or 'truncate-complete' cut the body
		 */
		const finish = (response, cut) => {
			if (response) {
				record.status = response.status;
				record.res = response.res;
				if (response.contentType === 'application/pdf') {
					const hash = crypto.createHash('sha256');
					for (const chunk of response.chunks) hash.update(chunk);
					record.pdfSha256 = hash.digest('hex');
				}
				send(res, response, cut);
			} else {
				req.socket.resetAndDestroy();
			}
			this.#log(logLine(record, response, elapsed(started)));
		};

		if (!body) {
			return finish(
				errorResponse(413, RES.TOO_LARGE, `Body: larger than ${MAX_BODY_BYTES} bytes`, {
					Connection: 'close',
				}),
			);
		}
		if (!fn) return finish(errorResponse(404, RES.NO_FUNCTION, `Unknown function "${name}"`));
		if (method !== 'POST')
			return finish(errorResponse(405, RES.METHOD, 'Only POST is allowed', { Allow: 'POST' }));

		const fault = this.#faults.take(fn);
		if (fault) record.fault = fault.type;
		switch (fault?.type) {
			case 'drop':
				return finish(null);
			case 'status':
				return finish({
					status: fault.status,
					contentType: 'text/plain',
					chunks: [Buffer.from(`Injected fault: HTTP ${fault.status}\n`)],
					res: null,
				});
			case 'notpdf':
				return finish({
					...errorResponse(200, RES.STATE, 'injected: no PDF'),
					contentType: 'text/plain',
				});
			case 'negative':
				return finish(errorResponse(200, fault.res, 'injected'));
			case 'unauthorized':
				return finish(errorResponse(401, RES.AUTH, AUTH_FAILED));
			case 'delay':
				try {
					await sleep(fault.ms, undefined, { signal: this.#stopping.signal });
				} catch {
					return finish(null); // the sandbox stopped meanwhile
				}
		}

		if (auth !== 'ok' || !account) return finish(errorResponse(401, RES.AUTH, AUTH_FAILED));
		if (badBody) return finish(answer(params, { Res: badBody.res, Error: badBody.message }));
		finish(this.#call(fn, account, params), fault?.type);
	}

	/**
	 * Runs a vendor function and shapes its answer; a status change is reported to the webhook in the background.
	 * @param {FunctionKey} fn
	 * @param {Account} account
	 * @param {Params} params
	 * @returns {ApiResponse}
	 */
	#call(fn, account, params) {
		/** @type {import('./state').Outcome} */
		let outcome;
		try {
			const resp = string(params, 'Resp');
			if (resp !== undefined && resp.toUpperCase() !== 'JSON') {
				throw new ApiError(
					RES.INVALID,
					'Resp: the sandbox answers JSON only (or the old format without Resp)',
				);
			}
			outcome = this.#state.call(fn, account, params);
		} catch (error) {
			if (!(error instanceof ApiError)) throw error;
			outcome = { fields: { Res: error.res, Error: error.message } };
		}
		if (outcome.report) void this.#report(outcome.report);
		if (outcome.pdf) {
			return {
				status: 200,
				contentType: 'application/pdf',
				chunks: outcome.pdf.parts,
				res: null,
				headers: { 'Content-Disposition': `attachment; filename="${outcome.pdf.filename}"` },
			};
		}
		return answer(params, outcome.fields ?? {});
	}
}

/**
 * Function name (lower-cased) → function key. A path given as a name counts by its last segment.
 * @param {Partial<Record<FunctionKey, string>>} [paths]
 */
function functionRoutes(paths = {}) {
	/** @type {Record<string, string | undefined>} */
	const names = { ...DEFAULT_FUNCTION_NAMES, ...paths };
	const unknown = Object.keys(paths).filter((key) => !(key in DEFAULT_FUNCTION_NAMES));
	if (unknown.length)
		throw new Error(`createSandbox: unknown function keys in paths: ${unknown.join(', ')}`);
	/** @type {Map<string, FunctionKey>} */
	const routes = new Map();
	for (const key of FUNCTION_KEYS) {
		const name = String(names[key] ?? '')
			.split('/')
			.filter(Boolean)
			.pop();
		if (!name) throw new Error(`createSandbox: paths.${key} must name a function`);
		routes.set(name.toLowerCase(), key);
	}
	return routes;
}

/**
 * The body, or null when it is larger than MAX_BODY_BYTES (the rest is discarded).
 * @param {http.IncomingMessage} req
 * @returns {Promise<Buffer | null>}
 */
function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		let size = 0;
		req.on('data', (/** @type {Buffer} */ chunk) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : null));
		req.on('error', reject);
	});
}

/**
 * A vendor answer: `Resp=JSON` gets the one-element array of strings; without `Resp` the vendor falls back to its
 * old plain-text format, which lacks most fields (a client that forgot `Resp` notices).
 * @param {Params} params
 * @param {Record<string, string>} fields
 * @returns {ApiResponse}
 */
function answer(params, fields) {
	const res = fields.Res ?? null;
	if (params.resp === undefined || params.resp === null || params.resp === '') {
		return {
			status: 200,
			contentType: 'text/plain; charset=utf-8',
			chunks: [Buffer.from(`Res=${res}\n`)],
			res,
		};
	}
	return {
		status: 200,
		contentType: 'application/json',
		chunks: [Buffer.from(JSON.stringify([fields]))],
		res,
	};
}

/**
 * @param {number} status
 * @param {string} res
 * @param {string} error
 * @param {Record<string, string>} [headers]
 * @returns {ApiResponse}
 */
function errorResponse(status, res, error, headers) {
	const body = Buffer.from(JSON.stringify([{ Res: res, Error: error }]));
	return { status, contentType: 'application/json', chunks: [body], res, headers };
}

/**
 * Writes a response. 'truncate' promises the whole body and cuts the connection after half of it;
 * 'truncate-complete' sends a correctly framed response holding only the first half.
 * @param {http.ServerResponse} res
 * @param {ApiResponse} response
 * @param {FaultType} [cut]
 */
function send(res, response, cut) {
	const total = response.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
	const cutting = cut === 'truncate' || cut === 'truncate-complete';
	const chunks = cutting ? firstBytes(response.chunks, Math.floor(total / 2)) : response.chunks;
	const length = cut === 'truncate-complete' ? Math.floor(total / 2) : total;
	res.writeHead(response.status, {
		...response.headers,
		'Content-Type': response.contentType,
		'Content-Length': length,
	});
	if (cut === 'truncate') {
		res.flushHeaders();
		const last = chunks.pop() ?? Buffer.alloc(0);
		for (const chunk of chunks) res.write(chunk);
		res.write(last, () => res.destroy());
		return;
	}
	for (const chunk of chunks) res.write(chunk);
	res.end();
}

/**
 * The first `count` bytes of a list of buffers, without copying.
 * @param {Buffer[]} chunks
 * @param {number} count
 */
function firstBytes(chunks, count) {
	/** @type {Buffer[]} */
	const out = [];
	let left = count;
	for (const chunk of chunks) {
		if (left <= 0) break;
		out.push(chunk.subarray(0, left));
		left -= chunk.length;
	}
	return out;
}

/**
 * e.g. `POST /EnviarContrato sendContract 200 Res=10 (user sandbox-user) 2ms`; never the token.
 * @param {RequestRecord} record
 * @param {ApiResponse | null} response
 * @param {string} took
 */
function logLine(record, response, took) {
	const who =
		record.auth === 'ok'
			? `user ${record.user}`
			: record.auth === 'missing'
				? 'no auth'
				: 'bad auth';
	let outcome = 'dropped';
	if (response) {
		const bytes = response.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
		const detail =
			record.res === null ? `${response.contentType} ${bytes} bytes` : `Res=${record.res}`;
		outcome = `${response.status} ${detail}`;
	}
	const fault = record.fault ? ` fault=${record.fault}` : '';
	return `${record.method} ${record.path} ${record.fn ?? '-'} ${outcome} (${who})${fault} ${took}`;
}

/** @param {number} started */
function elapsed(started) {
	return `${Math.round(performance.now() - started)}ms`;
}

/**
 * Creates a Lofirmo look-alike server; call `start()` to listen.
 * @param {SandboxOptions} [options]
 */
function createSandbox(options) {
	return new Sandbox(options);
}

module.exports = { createSandbox, Sandbox, DEFAULT_FUNCTION_NAMES };
