/**
 * n8n's REST API as the tests use it: the owner's session (cookie), a public-API key, loaded node and credential
 * types, activation, executions.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';

import type { N8nHandle, OwnerSession } from './process';

export const DEFAULT_OWNER = {
	email: 'owner@lofirmo-e2e.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Owner-Passw0rd',
};

const BROWSER_ID = 'lofirmo-e2e-browser';

function http(handle: N8nHandle): AxiosInstance {
	return axios.create({
		baseURL: handle.baseUrl,
		timeout: 15_000,
		validateStatus: () => true,
		maxRedirects: 0,
		proxy: false,
	});
}

function describeResponse(res: AxiosResponse): string {
	const body = typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
	return `${res.config.method?.toUpperCase()} ${res.config.url} → ${res.status} ${body.slice(0, 500)}`;
}

function expectOk(res: AxiosResponse): void {
	if (res.status < 200 || res.status >= 300) throw new Error(describeResponse(res));
}

function cookieHeaders(handle: N8nHandle): Record<string, string> {
	if (!handle.owner) throw new Error('no session: call setupOwner(handle) first');
	// the auth cookie is bound to the browser-id sent at login
	return { cookie: handle.owner.cookie, 'browser-id': BROWSER_ID };
}

function apiKeyHeaders(handle: N8nHandle): Record<string, string> {
	if (!handle.apiKey) throw new Error('no API key: call createApiKey(handle) first');
	return { 'X-N8N-API-KEY': handle.apiKey };
}

function authCookie(res: AxiosResponse): string | undefined {
	const setCookie = res.headers['set-cookie'] ?? [];
	for (const c of setCookie) {
		const m = /^(n8n-auth=[^;]+)/.exec(c);
		if (m) return m[1];
	}
	return undefined;
}

/** Unwraps n8n's REST envelope `{ data: … }`. */
function restData<T>(res: AxiosResponse): T {
	const body = res.data as { data?: T };
	return (body && typeof body === 'object' && 'data' in body ? body.data : body) as T;
}

/**
 * Creates the instance owner (`POST /rest/owner/setup`; tolerated when a reused data folder already has one),
 * then logs in and keeps the auth cookie on the handle.
 */
export async function setupOwner(
	handle: N8nHandle,
	owner: { email: string; firstName: string; lastName: string; password: string } = DEFAULT_OWNER,
): Promise<OwnerSession> {
	const client = http(handle);
	const headers = { 'browser-id': BROWSER_ID };
	const setup = await client.post('/rest/owner/setup', owner, { headers });
	if (
		setup.status !== 200 &&
		!(setup.status === 400 && /already/i.test(JSON.stringify(setup.data)))
	) {
		throw new Error(`owner setup failed: ${describeResponse(setup)}`);
	}
	const login = await client.post(
		'/rest/login',
		{ emailOrLdapLoginId: owner.email, password: owner.password },
		{ headers },
	);
	expectOk(login);
	const cookie = authCookie(login);
	if (!cookie) throw new Error(`login returned no n8n-auth cookie: ${describeResponse(login)}`);
	handle.owner = { email: owner.email, password: owner.password, cookie };
	return handle.owner;
}

/**
 * Scopes for the e2e tests: activate workflows and read executions. On 2.40.7 the scopes are enforced even
 * without a license (`execution:list` lists, `execution:read` is needed for one execution by id,
 * `workflow:activate` for activation), `scopes` is required, and unknown ones answer 400 "Invalid scopes for
 * user role". `GET /rest/api-keys/scopes` lists what the owner may grant.
 */
export const WANTED_API_KEY_SCOPES = [
	'workflow:read',
	'workflow:list',
	'workflow:activate',
	'workflow:deactivate',
	'execution:read',
	'execution:list',
];

/**
 * Creates a public-API key (`POST /rest/api-keys`) and keeps it on the handle (`apiKey`, `apiKeyScopes`).
 * `scopes`: a list (default WANTED_API_KEY_SCOPES) or 'all' (every scope n8n offers the owner). If n8n
 * rejects the list, retries with every offered scope, then without a scope list (older n8n).
 */
export async function createApiKey(
	handle: N8nHandle,
	opts: { label?: string; scopes?: string[] | 'all' } = {},
): Promise<string> {
	const client = http(handle);
	const headers = cookieHeaders(handle);
	const label = opts.label ?? 'lofirmo-e2e';
	const offered = await client.get('/rest/api-keys/scopes', { headers });
	const all = offered.status === 200 ? restData<string[]>(offered) : undefined;
	const attempts: Array<Record<string, unknown>> = [];
	if (opts.scopes !== 'all')
		attempts.push({ scopes: opts.scopes ?? WANTED_API_KEY_SCOPES, expiresAt: null });
	if (all) attempts.push({ scopes: all, expiresAt: null });
	attempts.push({ expiresAt: null }, {});
	const errors: string[] = [];
	for (const body of attempts) {
		// labels must be unique per user
		const res = await client.post(
			'/rest/api-keys',
			{ label: `${label}-${Date.now()}`, ...body },
			{ headers },
		);
		if (res.status === 200) {
			const data = restData<{ rawApiKey?: string; apiKey?: string; scopes?: string[] }>(res);
			const key = data.rawApiKey ?? data.apiKey;
			if (key) {
				handle.apiKey = key;
				handle.apiKeyScopes = data.scopes ?? (body.scopes as string[] | undefined);
				return key;
			}
		}
		errors.push(describeResponse(res));
	}
	throw new Error(`could not create an API key:\n${errors.join('\n')}`);
}

/** `GET /types/nodes.json` (session cookie): every node type n8n loaded, ours included. */
export async function nodeTypes(
	handle: N8nHandle,
): Promise<Array<{ name: string; version: number | number[] } & Record<string, unknown>>> {
	const res = await http(handle).get('/types/nodes.json', { headers: cookieHeaders(handle) });
	expectOk(res);
	return res.data as Array<{ name: string; version: number | number[] } & Record<string, unknown>>;
}

/** `GET /rest/credentials` (session cookie): the credentials stored in this n8n (no secrets: n8n leaves out `data`). */
export async function storedCredentials(
	handle: N8nHandle,
): Promise<Array<{ id: string; name: string; type: string }>> {
	const res = await http(handle).get('/rest/credentials', { headers: cookieHeaders(handle) });
	expectOk(res);
	return restData<Array<{ id: string; name: string; type: string }>>(res);
}

/** `GET /types/credentials.json` (session cookie): every credential type n8n loaded. */
export async function credentialTypes(
	handle: N8nHandle,
): Promise<Array<{ name: string } & Record<string, unknown>>> {
	const res = await http(handle).get('/types/credentials.json', { headers: cookieHeaders(handle) });
	expectOk(res);
	return res.data as Array<{ name: string } & Record<string, unknown>>;
}

async function pollUntil<T>(
	what: string,
	timeoutMs: number,
	intervalMs: number,
	probe: () => Promise<{ done: boolean; value: T; detail?: string }>,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: { done: boolean; value: T; detail?: string };
	for (;;) {
		last = await probe();
		if (last.done) return last.value;
		const left = deadline - Date.now();
		if (left <= 0)
			throw new Error(
				`timed out after ${timeoutMs} ms waiting for ${what}${last.detail ? `: ${last.detail}` : ''}`,
			);
		await new Promise((r) => setTimeout(r, Math.min(intervalMs, left)));
	}
}

/**
 * Activates (2.x: publishes) a workflow via `POST /api/v1/workflows/<id>/activate`; when a production webhook
 * URL is given, then waits until n8n answers it (registration lags ~1 s after the API call returns).
 *
 * The default probe starts no execution: a CORS preflight (`OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`), done when n8n lists `method` in `Access-Control-Allow-Methods` for that
 * path (a bare `OPTIONS` answers 204 for any path, and a wrong-method request answers 404 either way).
 * `probe: 'request'` instead sends real `method` requests until one does not answer 404 (that one runs the
 * workflow).
 */
export async function activateWorkflow(
	handle: N8nHandle,
	id: string,
	webhookUrl?: string,
	opts: { timeoutMs?: number; method?: string; probe?: 'cors' | 'request' } = {},
): Promise<Record<string, unknown>> {
	const client = http(handle);
	const res = await client.post(
		`/api/v1/workflows/${encodeURIComponent(id)}/activate`,
		{},
		{ headers: apiKeyHeaders(handle) },
	);
	expectOk(res);
	if (webhookUrl) {
		const url = /^https?:/.test(webhookUrl)
			? webhookUrl
			: `${handle.baseUrl}/${webhookUrl.replace(/^\//, '')}`;
		const method = (opts.method ?? 'POST').toUpperCase();
		await pollUntil(
			`webhook ${method} ${url} to be registered`,
			opts.timeoutMs ?? 30_000,
			200,
			async () => {
				if (opts.probe === 'request') {
					const probe = await client.request({ url, method, timeout: 10_000 });
					return {
						done: probe.status !== 404,
						value: undefined,
						detail: `last answer ${probe.status}`,
					};
				}
				const probe = await client.request({
					url,
					method: 'OPTIONS',
					timeout: 5_000,
					headers: { Origin: handle.baseUrl, 'Access-Control-Request-Method': method },
				});
				const allowed = String(probe.headers['access-control-allow-methods'] ?? '')
					.split(',')
					.map((m) => m.trim().toUpperCase());
				return {
					done: probe.status < 300 && allowed.includes(method),
					value: undefined,
					detail: `last preflight ${probe.status}, allowed methods: ${allowed.join(', ') || 'none'}`,
				};
			},
		);
	}
	return res.data as Record<string, unknown>;
}

/** `POST /api/v1/workflows/<id>/deactivate`. */
export async function deactivateWorkflow(
	handle: N8nHandle,
	id: string,
): Promise<Record<string, unknown>> {
	const res = await http(handle).post(
		`/api/v1/workflows/${encodeURIComponent(id)}/deactivate`,
		{},
		{ headers: apiKeyHeaders(handle) },
	);
	expectOk(res);
	return res.data as Record<string, unknown>;
}

/** An execution as the public API returns it (with `includeData=true`, `data` is plain JSON). */
export interface PublicExecution {
	id: string;
	workflowId: string;
	finished: boolean;
	mode: string;
	status: string;
	startedAt: string;
	stoppedAt: string | null;
	data?: {
		resultData?: {
			runData?: Record<string, Array<Record<string, unknown>>>;
			error?: Record<string, unknown>;
			lastNodeExecuted?: string;
		};
	} & Record<string, unknown>;
	[key: string]: unknown;
}

/** `GET /api/v1/executions?workflowId=…&includeData=true` (all pages, newest first). */
export async function listExecutions(
	handle: N8nHandle,
	workflowId: string,
	opts: { includeData?: boolean; status?: string } = {},
): Promise<PublicExecution[]> {
	const client = http(handle);
	const out: PublicExecution[] = [];
	let cursor: string | undefined;
	for (let page = 0; page < 100; page++) {
		const params: Record<string, string> = {
			workflowId,
			includeData: String(opts.includeData ?? true),
			limit: '100',
		};
		if (opts.status) params.status = opts.status;
		if (cursor) params.cursor = cursor;
		const res = await client.get('/api/v1/executions', { params, headers: apiKeyHeaders(handle) });
		expectOk(res);
		const body = res.data as { data: PublicExecution[]; nextCursor?: string | null };
		out.push(...body.data);
		if (!body.nextCursor) break;
		cursor = body.nextCursor;
	}
	return out;
}

/** `GET /api/v1/executions/<id>?includeData=true`. */
export async function getExecution(
	handle: N8nHandle,
	id: string | number,
	includeData = true,
): Promise<PublicExecution> {
	const res = await http(handle).get(`/api/v1/executions/${id}`, {
		params: { includeData: String(includeData) },
		headers: apiKeyHeaders(handle),
	});
	expectOk(res);
	return res.data as PublicExecution;
}

/** Still in progress; a `waiting` execution (Wait node) counts as settled. */
const UNFINISHED = new Set(['new', 'running']);

/**
 * Polls until the workflow has at least `count` executions and none of them is still running
 * (`settled: false` to only count them). Returns them newest first.
 */
export async function waitForExecutions(
	handle: N8nHandle,
	workflowId: string,
	count: number,
	timeoutMs = 30_000,
	opts: { settled?: boolean; intervalMs?: number } = {},
): Promise<PublicExecution[]> {
	const settled = opts.settled ?? true;
	return pollUntil(
		`${count} execution(s) of workflow ${workflowId}`,
		timeoutMs,
		opts.intervalMs ?? 250,
		async () => {
			const list = await listExecutions(handle, workflowId);
			const pending = list.filter((e) => UNFINISHED.has(e.status));
			const done = list.length >= count && (!settled || pending.length === 0);
			return {
				done,
				value: list,
				detail: `${list.length} found (${list.map((e) => `${e.id}:${e.status}`).join(', ') || 'none'})`,
			};
		},
	);
}

/** A community package as n8n's Settings → Community Nodes page reads it (`GET /rest/community-packages`). */
export interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	authorName?: string;
	installedNodes: Array<{ name: string; type: string; latestVersion: number }>;
	/** set by the list: a newer version on the registry (`npm outdated`) */
	updateAvailable?: string;
	/** set by the list: n8n has none of its nodes loaded */
	failedLoading?: boolean;
}

/**
 * The calls Settings → Community Nodes makes (the editor's own requests, owner session): install
 * (`POST {name}`, as the page sends it for an unverified package), update (`PATCH {name}`: the latest version),
 * uninstall (`DELETE ?name=`), list. Each returns n8n's status and unwrapped answer, so a refusal can be asserted.
 */
export async function communityPackages(
	handle: N8nHandle,
	action: 'install' | 'update' | 'uninstall' | 'list',
	name?: string,
	// installs and updates run npm: above the default 15 s
	timeoutMs = 120_000,
): Promise<{ status: number; data: unknown; message?: string }> {
	const client = http(handle);
	const headers = cookieHeaders(handle);
	const path = '/rest/community-packages';
	const res =
		action === 'install'
			? await client.post(path, { name }, { headers, timeout: timeoutMs })
			: action === 'update'
				? await client.patch(path, { name }, { headers, timeout: timeoutMs })
				: action === 'uninstall'
					? await client.delete(path, { headers, params: { name }, timeout: timeoutMs })
					: await client.get(path, { headers, timeout: timeoutMs });
	const body = res.data as { message?: string } | undefined;
	return { status: res.status, data: restData(res), message: body?.message };
}
