/**
 * Runs a real n8n (installed by scripts/install-n8n.sh into .n8n-cache/) for the end-to-end tests.
 *
 * - n8n 2.x (the main line, n8n/package.json) runs on Node 24 from .n8n-cache/node24;
 *   n8n 1.x (the compatibility row, n8n/v1/package.json) runs on this Node 20 with N8N_EXPRESSION_ENGINE=legacy.
 * - Our package is loaded the way a user gets it: the packed package (`npm pack`, so only what is published)
 *   is unpacked into <dataDir>/.n8n/nodes/node_modules/n8n-nodes-lofirmo, where n8n finds community packages.
 *   Its peer dependency n8n-workflow resolves to the n8n-workflow of the n8n under test, as in production.
 * - Everything is bounded by timeouts; nothing listens outside 127.0.0.1.
 *
 * See shared/n8n-local.md (beside the repo) for the measured recipe this follows.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type N8nVersion = 1 | 2;

export const REPO_ROOT = path.resolve(__dirname, '..');
/** where scripts/install-n8n.sh installs (N8N_CACHE_DIR overrides, as for the script) */
export const CACHE_DIR = process.env.N8N_CACHE_DIR ? path.resolve(process.env.N8N_CACHE_DIR) : path.join(REPO_ROOT, '.n8n-cache');
export const RUNS_DIR = path.join(CACHE_DIR, 'runs');
export const PACKAGE_NAME = 'n8n-nodes-lofirmo';

/** Fixed key: data folders can be reused between runs and imported credentials stay readable. */
export const TEST_ENCRYPTION_KEY = 'lofirmo-e2e-fixed-test-encryption-key-0001';

export const DEFAULT_OWNER = {
	email: 'owner@lofirmo-e2e.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Owner-Passw0rd',
};

const READY_LINE = 'Editor is now accessible';
const BROWSER_ID = 'lofirmo-e2e-browser';

export interface N8nInstall {
	version: N8nVersion;
	/** the n8n CLI script (node_modules/n8n/bin/n8n) */
	n8nBin: string;
	/** the Node executable n8n runs on */
	nodeBin: string;
	/** prepended to PATH for n8n and its task runners */
	pathPrefix: string;
	/** the n8n version installed there */
	n8nVersion: string;
}

/** Where scripts/install-n8n.sh put n8n (throws with a hint when it is not installed). */
export function n8nInstall(version: N8nVersion): N8nInstall {
	const dir = path.join(CACHE_DIR, version === 2 ? 'n8n-2' : 'n8n-1');
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const hint = `run: scripts/install-n8n.sh${version === 1 ? ' v1' : ''}`;
	if (!fs.existsSync(n8nBin) || !fs.existsSync(path.join(dir, '.installed'))) {
		throw new Error(`n8n ${version}.x is not installed in ${dir} (${hint})`);
	}
	let nodeBin = process.execPath;
	let pathPrefix = '';
	if (version === 2) {
		const node24Dir = path.join(CACHE_DIR, 'node24', 'node_modules', 'node', 'bin');
		nodeBin = path.join(node24Dir, 'node');
		if (!fs.existsSync(nodeBin)) throw new Error(`Node 24 is missing at ${nodeBin} (${hint})`);
		pathPrefix = node24Dir;
	}
	const n8nVersion = (
		JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8')) as {
			version: string;
		}
	).version;
	return { version, n8nBin, nodeBin, pathPrefix, n8nVersion };
}

/** True when scripts/install-n8n.sh has installed this line (for `describe.skip`-style guards). */
export function isN8nInstalled(version: N8nVersion): boolean {
	try {
		n8nInstall(version);
		return true;
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------------------------------------------------
// Loading our package
// ---------------------------------------------------------------------------------------------------------

export type PackageMode =
	/** `npm pack` the repo and unpack it: exactly the published files (default) */
	| 'pack'
	/** symlink the repo root: fastest, but our code then resolves n8n-workflow from the repo's node_modules */
	| 'symlink'
	/** do not touch <dataDir>/.n8n/nodes */
	| 'none';

/**
 * Compiled nodes and credentials found in the repo's dist/ (what n8n can load right now), and the files the
 * package.json "n8n" section lists that dist/ lacks (n8n then fails to load the whole package).
 */
export function builtPackageContents(): { nodes: string[]; credentials: string[]; missing: string[] } {
	const walk = (dir: string, suffix: string): string[] => {
		if (!fs.existsSync(dir)) return [];
		const out: string[] = [];
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) out.push(...walk(full, suffix));
			else if (entry.name.endsWith(suffix)) out.push(path.relative(REPO_ROOT, full));
		}
		return out.sort();
	};
	const manifest = (
		JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
			n8n?: { nodes?: string[]; credentials?: string[] };
		}
	).n8n;
	const listed = [...(manifest?.nodes ?? []), ...(manifest?.credentials ?? [])];
	return {
		nodes: walk(path.join(REPO_ROOT, 'dist', 'nodes'), '.node.js'),
		credentials: walk(path.join(REPO_ROOT, 'dist', 'credentials'), '.credentials.js'),
		missing: listed.filter((file) => !fs.existsSync(path.join(REPO_ROOT, file))),
	};
}

function installOurPackage(install: N8nInstall, n8nFolder: string, mode: PackageMode): void {
	if (mode === 'none') return;
	const nodesDir = path.join(n8nFolder, 'nodes');
	const modulesDir = path.join(nodesDir, 'node_modules');
	const target = path.join(modulesDir, PACKAGE_NAME);
	fs.mkdirSync(modulesDir, { recursive: true });
	fs.rmSync(target, { recursive: true, force: true });

	const ourPackage = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		version: string;
	};
	// what n8n writes itself when a user installs a community package from the UI
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: ourPackage.version } },
			null,
			2,
		),
	);

	if (mode === 'symlink') {
		fs.symlinkSync(REPO_ROOT, target, 'dir');
	} else {
		const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lofirmo-pack-'));
		try {
			// --ignore-scripts: no prepack/prepare hooks; we pack whatever dist/ holds now
			const out = execFileSync(
				'npm',
				['pack', '--json', '--ignore-scripts', '--pack-destination', tmp],
				{ cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
			);
			const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
			fs.mkdirSync(target, { recursive: true });
			execFileSync('tar', ['-xzf', path.join(tmp, filename), '-C', target, '--strip-components=1'], {
				timeout: 60_000,
			});
		} finally {
			fs.rmSync(tmp, { recursive: true, force: true });
		}
	}

	// The peer dependency resolves to the n8n-workflow of the n8n under test (one instance, like production;
	// without this, node resolution would climb to the repo's own node_modules).
	const workflowLink = path.join(modulesDir, 'n8n-workflow');
	fs.rmSync(workflowLink, { recursive: true, force: true });
	const n8nWorkflow = path.join(path.dirname(path.dirname(path.dirname(install.n8nBin))), 'n8n-workflow');
	if (fs.existsSync(n8nWorkflow)) fs.symlinkSync(n8nWorkflow, workflowLink, 'dir');
}

// ---------------------------------------------------------------------------------------------------------
// Starting and stopping
// ---------------------------------------------------------------------------------------------------------

export interface StartOptions {
	version: N8nVersion;
	port: number;
	/** a name (→ .n8n-cache/runs/<name>) or an absolute path; n8n's data lives in <dataDir>/.n8n */
	dataDir: string;
	/** wipe the data folder first (default false: reuse database, owner, credentials, workflows) */
	fresh?: boolean;
	/** extra or overriding environment variables for n8n */
	env?: Record<string, string>;
	/** how our package is put into <dataDir>/.n8n/nodes (default 'pack') */
	packageMode?: PackageMode;
	/** readiness timeout (default 120 s) */
	startTimeoutMs?: number;
}

export interface OwnerSession {
	email: string;
	password: string;
	/** `n8n-auth=…` */
	cookie: string;
}

export interface N8nHandle {
	version: N8nVersion;
	port: number;
	/** http://127.0.0.1:<port> */
	baseUrl: string;
	/** absolute data folder (N8N_USER_FOLDER) */
	dataDir: string;
	pid: number;
	/** the environment n8n runs with (CLI commands reuse it) */
	env: NodeJS.ProcessEnv;
	install: N8nInstall;
	/** ms from spawn to "Editor is now accessible" */
	startupMs: number;
	/** set by setupOwner */
	owner?: OwnerSession;
	/** set by createApiKey */
	apiKey?: string;
	/** the scopes the API key was created with (undefined: n8n took no scope list) */
	apiKeyScopes?: string[];
	/** everything n8n printed so far (stdout + stderr) */
	logs(): string;
	/** SIGTERM, wait for exit; SIGKILL (whole process group) after 10 s */
	stop(): Promise<void>;
	readonly exited: boolean;
}

/**
 * Where CLI commands run: a started handle (its env and data folder), or a data folder (a name under
 * .n8n-cache/runs or an absolute path; a bare string means n8n 2.x). The CLI works while the server runs.
 */
export type N8nTarget =
	| N8nHandle
	| string
	| { version: N8nVersion; dataDir: string; port?: number; env?: Record<string, string> };

const running = new Set<ChildProcess>();
process.once('exit', () => {
	// last resort (a crashed test run): never leave an n8n behind
	for (const child of running) killGroup(child, 'SIGKILL');
});

/**
 * Signals n8n's whole process group (n8n and the task runners it spawned; see `detached` in spawn).
 * `leftovers`: also after n8n itself has exited, to reap runners it left behind (right after the exit, so the
 * group id cannot have been reused).
 */
function killGroup(child: ChildProcess, signal: NodeJS.Signals, leftovers = false): void {
	if (child.pid === undefined) return;
	const exited = child.exitCode !== null || child.signalCode !== null;
	if (exited && !leftovers) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		if (!exited) {
			try {
				child.kill(signal);
			} catch {
				/* already gone */
			}
		}
	}
}

export function resolveDataDir(dataDir: string): string {
	return path.isAbsolute(dataDir) ? dataDir : path.join(RUNS_DIR, dataDir);
}

/** The environment from the recipe; `brokerPort` is the task-runner broker's port (default 5679 is shared). */
export function n8nEnv(
	install: N8nInstall,
	opts: { dataDir: string; port: number; brokerPort: number; env?: Record<string, string> },
): NodeJS.ProcessEnv {
	// jest settings must not leak into n8n (NODE_ENV=test silences n8n's logger and breaks its start);
	// what the caller passes in opts.env is kept
	const inherited: NodeJS.ProcessEnv = { ...process.env };
	for (const name of ['NODE_ENV', 'NODE_OPTIONS', 'TS_NODE_PROJECT', 'JEST_WORKER_ID']) delete inherited[name];
	const env: NodeJS.ProcessEnv = {
		...inherited,
		PATH: install.pathPrefix ? `${install.pathPrefix}${path.delimiter}${process.env.PATH ?? ''}` : process.env.PATH,
		N8N_USER_FOLDER: opts.dataDir,
		N8N_PORT: String(opts.port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		WEBHOOK_URL: `http://127.0.0.1:${opts.port}/`,
		N8N_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_RUNNERS_BROKER_PORT: String(opts.brokerPort),
		N8N_LOG_OUTPUT: 'console',
		// 2.x: silences offline lookups of n8n's own MCP registry (1.x has no such module and refuses the name)
		...(install.version === 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		// 1.x on Node 20: the default expression engine needs isolated-vm on Node 24 ("IsolatePool failed …")
		...(install.version === 1 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
		...opts.env,
	};
	return env;
}

/**
 * The n8n script itself, on the chosen Node (not npx / a shell: the pid must be n8n's). Detached: its own
 * process group, so a last-resort SIGKILL also reaches the task runners.
 */
function spawnN8n(install: N8nInstall, args: string[], dataDir: string, env: NodeJS.ProcessEnv): ChildProcess {
	const child = spawn(install.nodeBin, [install.n8nBin, ...args], {
		cwd: dataDir,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	running.add(child);
	return child;
}

/** Starts n8n and resolves once "Editor is now accessible" is logged (rejects with the log tail otherwise). */
export async function startN8n(opts: StartOptions): Promise<N8nHandle> {
	const install = n8nInstall(opts.version);
	const dataDir = resolveDataDir(opts.dataDir);
	if (opts.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
	const n8nFolder = path.join(dataDir, '.n8n');
	fs.mkdirSync(n8nFolder, { recursive: true });
	installOurPackage(install, n8nFolder, opts.packageMode ?? 'pack');

	const env = n8nEnv(install, { dataDir, port: opts.port, brokerPort: opts.port + 1, env: opts.env });
	const logFile = path.join(dataDir, 'n8n.log');
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	logStream.write(`\n===== ${new Date().toISOString()} start n8n ${install.n8nVersion} on port ${opts.port}\n`);

	const t0 = Date.now();
	const child = spawnN8n(install, ['start'], dataDir, env);
	let log = '';
	const onData = (chunk: Buffer) => {
		log += chunk.toString('utf8');
		logStream.write(chunk);
	};
	child.stdout!.on('data', onData);
	child.stderr!.on('data', onData);
	const exitPromise = new Promise<void>((resolve) => {
		// 'close': the process exited and its output was read to the end
		child.once('close', () => {
			running.delete(child);
			resolve();
		});
		child.once('error', (error) => {
			log += `\n[harness] spawn error: ${error.message}\n`;
			running.delete(child);
			resolve();
		});
	});
	void exitPromise.then(() => logStream.end());

	const timeoutMs = opts.startTimeoutMs ?? 120_000;
	await new Promise<void>((resolve, reject) => {
		let settled = false;
		const finish = (error?: Error) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			child.stdout!.off('data', check);
			child.stderr!.off('data', check);
			if (error) reject(error);
			else resolve();
		};
		const check = () => {
			if (log.includes(READY_LINE)) finish();
		};
		const timer = setTimeout(() => {
			killGroup(child, 'SIGKILL');
			finish(new Error(`n8n did not become ready within ${timeoutMs} ms.\n${tail(log)}`));
		}, timeoutMs);
		child.stdout!.on('data', check);
		child.stderr!.on('data', check);
		void exitPromise.then(() =>
			finish(
				new Error(
					`n8n exited before it was ready (code ${child.exitCode}, signal ${child.signalCode}).\n${tail(log)}`,
				),
			),
		);
		check();
	});
	const startupMs = Date.now() - t0;

	let stopping: Promise<void> | undefined;
	const handle: N8nHandle = {
		version: opts.version,
		port: opts.port,
		baseUrl: `http://127.0.0.1:${opts.port}`,
		dataDir,
		pid: child.pid!,
		env,
		install,
		startupMs,
		logs: () => log,
		get exited() {
			return child.exitCode !== null || child.signalCode !== null;
		},
		stop() {
			stopping ??= (async () => {
				if (!handle.exited) child.kill('SIGTERM'); // n8n shuts its task runners down itself
				const killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
				await exitPromise;
				clearTimeout(killTimer);
				killGroup(child, 'SIGKILL', true); // task runners n8n may have left behind
			})();
			return stopping;
		},
	};
	return handle;
}

function tail(text: string, lines = 60): string {
	const all = text.trimEnd().split('\n');
	return `--- last ${Math.min(lines, all.length)} log lines ---\n${all.slice(-lines).join('\n')}`;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------------------

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
	if (setup.status !== 200 && !(setup.status === 400 && /already/i.test(JSON.stringify(setup.data)))) {
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
	if (opts.scopes !== 'all') attempts.push({ scopes: opts.scopes ?? WANTED_API_KEY_SCOPES, expiresAt: null });
	if (all) attempts.push({ scopes: all, expiresAt: null });
	attempts.push({ expiresAt: null }, {});
	const errors: string[] = [];
	for (const body of attempts) {
		// labels must be unique per user
		const res = await client.post('/rest/api-keys', { label: `${label}-${Date.now()}`, ...body }, { headers });
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
export async function nodeTypes(handle: N8nHandle): Promise<Array<{ name: string; version: number | number[] } & Record<string, unknown>>> {
	const res = await http(handle).get('/types/nodes.json', { headers: cookieHeaders(handle) });
	expectOk(res);
	return res.data as Array<{ name: string; version: number | number[] } & Record<string, unknown>>;
}

/** `GET /types/credentials.json` (session cookie): every credential type n8n loaded. */
export async function credentialTypes(handle: N8nHandle): Promise<Array<{ name: string } & Record<string, unknown>>> {
	const res = await http(handle).get('/types/credentials.json', { headers: cookieHeaders(handle) });
	expectOk(res);
	return res.data as Array<{ name: string } & Record<string, unknown>>;
}

// ---------------------------------------------------------------------------------------------------------
// CLI (import, execute)
// ---------------------------------------------------------------------------------------------------------

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

function targetEnv(
	given: N8nTarget,
	extra: Record<string, string> = {},
): { install: N8nInstall; env: NodeJS.ProcessEnv; dataDir: string } {
	const target = typeof given === 'string' ? { version: 2 as const, dataDir: given } : given;
	const install = 'install' in target ? target.install : n8nInstall(target.version);
	const dataDir = resolveDataDir(target.dataDir);
	const port = target.port ?? 5678;
	const base = 'install' in target ? target.env : n8nEnv(install, { dataDir, port, brokerPort: port + 1, env: target.env });
	// a second broker port: the running server already holds port+1
	const env: NodeJS.ProcessEnv = { ...base, N8N_RUNNERS_BROKER_PORT: String(port + 2), ...extra };
	return { install, env, dataDir };
}

/** Runs `n8n <args…>` against the target's data folder (works while the server runs). */
export async function runN8nCli(
	target: N8nTarget,
	args: string[],
	opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
	const { install, env, dataDir } = targetEnv(target, opts.env);
	fs.mkdirSync(dataDir, { recursive: true });
	const t0 = Date.now();
	const child = spawnN8n(install, args, dataDir, env);
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
	child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
	const timeoutMs = opts.timeoutMs ?? 120_000;
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
	try {
		const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
		killGroup(child, 'SIGKILL', true); // task runners an `n8n execute` may leave behind
		if (signal === 'SIGKILL' && Date.now() - t0 >= timeoutMs) {
			throw new Error(`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${tail(stdout + stderr)}`);
		}
		return { code, signal, stdout, stderr, durationMs: Date.now() - t0 };
	} finally {
		clearTimeout(timer);
		running.delete(child);
	}
}

async function importJson(target: N8nTarget, command: string, items: unknown[]): Promise<CliResult> {
	const { dataDir } = targetEnv(target);
	const dir = path.join(dataDir, 'imports');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${command.replace(':', '-')}-${Date.now()}-${process.pid}.json`);
	fs.writeFileSync(file, JSON.stringify(items, null, 2));
	const res = await runN8nCli(target, [command, `--input=${file}`]);
	if (res.code !== 0) {
		throw new Error(`n8n ${command} failed (exit ${res.code}):\n${tail(res.stdout + res.stderr)}`);
	}
	return res;
}

/** A credential as `n8n import:credentials` takes it: plaintext `data`, encrypted on import with the test key. */
export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** `n8n import:credentials --input=<file>`; workflows refer to them as `{ "<type>": { id, name } }`. */
export async function importCredentials(target: N8nTarget, creds: CredentialImport[]): Promise<CliResult> {
	return importJson(target, 'import:credentials', creds);
}

/** `n8n import:workflow --input=<file>`: give each workflow a fixed `id` (≤ 21 chars); imports are inactive. */
export async function importWorkflows(target: N8nTarget, workflows: Array<Record<string, unknown>>): Promise<CliResult> {
	return importJson(target, 'import:workflow', workflows);
}

export interface CliExecution {
	code: number | null;
	signal: NodeJS.Signals | null;
	/** the run data n8n printed (`--rawOutput`), or undefined when it printed none */
	result: unknown;
	stdout: string;
	stderr: string;
	durationMs: number;
}

/** `n8n execute --id=<id> --rawOutput` (JSON logs, own broker port); exit code 1 when the workflow fails. */
export async function runWorkflowCli(target: N8nTarget, id: string, timeoutMs = 120_000): Promise<CliExecution> {
	const res = await runN8nCli(target, ['execute', `--id=${id}`, '--rawOutput'], {
		env: { N8N_LOG_FORMAT: 'json' },
		timeoutMs,
	});
	return {
		code: res.code,
		signal: res.signal,
		result: parseRawOutput(res.stdout),
		stdout: res.stdout,
		stderr: res.stderr,
		durationMs: res.durationMs,
	};
}

/** With N8N_LOG_FORMAT=json the result is the log line whose `message` starts with `{` (or a bare JSON block). */
export function parseRawOutput(stdout: string): unknown {
	let found: unknown;
	for (const line of stdout.split('\n')) {
		const trimmed = line.trim();
		if (!trimmed.startsWith('{')) continue;
		try {
			const parsed = JSON.parse(trimmed) as { message?: unknown };
			if (typeof parsed.message === 'string' && parsed.message.trimStart().startsWith('{')) {
				found = JSON.parse(parsed.message);
			} else if (!('level' in parsed) || !('message' in parsed)) {
				found = parsed;
			}
		} catch {
			/* not JSON */
		}
	}
	if (found !== undefined) return found;
	// --rawOutput without JSON logs: a pretty-printed JSON block
	const start = stdout.indexOf('\n{');
	if (start >= 0) {
		try {
			return JSON.parse(stdout.slice(start + 1));
		} catch {
			/* not JSON */
		}
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Public API (API key)
// ---------------------------------------------------------------------------------------------------------

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
		if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last.detail ? `: ${last.detail}` : ''}`);
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
	const res = await client.post(`/api/v1/workflows/${encodeURIComponent(id)}/activate`, {}, { headers: apiKeyHeaders(handle) });
	expectOk(res);
	if (webhookUrl) {
		const url = /^https?:/.test(webhookUrl) ? webhookUrl : `${handle.baseUrl}/${webhookUrl.replace(/^\//, '')}`;
		const method = (opts.method ?? 'POST').toUpperCase();
		await pollUntil(`webhook ${method} ${url} to be registered`, opts.timeoutMs ?? 30_000, 200, async () => {
			if (opts.probe === 'request') {
				const probe = await client.request({ url, method, timeout: 10_000 });
				return { done: probe.status !== 404, value: undefined, detail: `last answer ${probe.status}` };
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
		});
	}
	return res.data as Record<string, unknown>;
}

/** `POST /api/v1/workflows/<id>/deactivate`. */
export async function deactivateWorkflow(handle: N8nHandle, id: string): Promise<Record<string, unknown>> {
	const res = await http(handle).post(`/api/v1/workflows/${encodeURIComponent(id)}/deactivate`, {}, { headers: apiKeyHeaders(handle) });
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
export async function getExecution(handle: N8nHandle, id: string | number, includeData = true): Promise<PublicExecution> {
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
	return pollUntil(`${count} execution(s) of workflow ${workflowId}`, timeoutMs, opts.intervalMs ?? 250, async () => {
		const list = await listExecutions(handle, workflowId);
		const pending = list.filter((e) => UNFINISHED.has(e.status));
		const done = list.length >= count && (!settled || pending.length === 0);
		return {
			done,
			value: list,
			detail: `${list.length} found (${list.map((e) => `${e.id}:${e.status}`).join(', ') || 'none'})`,
		};
	});
}

/** Stops every handle given, ignoring ones already stopped (for afterAll). */
export async function stopAll(...handles: Array<N8nHandle | undefined>): Promise<void> {
	await Promise.all(handles.map((h) => h?.stop()));
}
