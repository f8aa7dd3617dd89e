/**
 * Starting and stopping n8n processes: the environment from the recipe, the n8n script spawned on the right Node
 * in its own process group, readiness by its log line, and a last-resort kill of whatever a crashed run left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	installOurPackage,
	n8nInstall,
	RUNS_DIR,
	type N8nInstall,
	type N8nVersion,
	type PackageMode,
} from './install';
/** Fixed key: data folders can be reused between runs and imported credentials stay readable. */
export const TEST_ENCRYPTION_KEY = 'lofirmo-e2e-fixed-test-encryption-key-0001';

/** What each n8n command prints when it is ready (main: the editor; queue mode: a worker, a webhook processor). */
const READY_LINES = {
	start: 'Editor is now accessible',
	worker: 'n8n worker is now ready',
	webhook: 'Webhook listener waiting for requests.',
} as const;
export type N8nCommand = keyof typeof READY_LINES;

export interface StartOptions {
	version: N8nVersion;
	/** `start` (default), or in queue mode `worker` / `webhook` */
	command?: N8nCommand;
	/** N8N_PORT (a worker listens only when its health or metrics endpoints are on) */
	port: number;
	/** the task-runner broker's port (default port + 1) */
	brokerPort?: number;
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
	/** when the process was spawned (epoch ms): where a `--cpu-prof` profile's clock starts, give or take its boot */
	spawnedAt: number;
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
	/** SIGKILL to n8n and its task runners at once (a crash, as far as n8n can tell); waits for the exit */
	kill(): Promise<void>;
	readonly exited: boolean;
	/** how it ended, once it has: its exit code, or the signal that ended it (e.g. SIGKILL after `stop()` waited 10 s) */
	readonly exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
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
	// last resort (a crashed test run): never leave an n8n (or a server started for it) behind
	for (const child of running) killGroup(child, 'SIGKILL');
});

/** Registers a detached child for that last-resort kill (until it exits). */
export function track(child: ChildProcess): void {
	running.add(child);
	const forget = () => running.delete(child);
	child.once('close', forget);
	child.once('error', forget);
}

/**
 * Signals n8n's whole process group (n8n and the task runners it spawned; see `detached` in spawn).
 * `leftovers`: also after n8n itself has exited, to reap runners it left behind (right after the exit, so the
 * group id cannot have been reused).
 */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals, leftovers = false): void {
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

/**
 * This process's environment without the test runner's settings, for the tools the tests start: NODE_ENV=test
 * silences n8n's logger and breaks its start, and changes what eslint-plugin-n8n-nodes-base checks (n8n's scanner).
 */
export function inheritedEnv(): NodeJS.ProcessEnv {
	const inherited: NodeJS.ProcessEnv = { ...process.env };
	for (const name of ['NODE_ENV', 'NODE_OPTIONS', 'TS_NODE_PROJECT', 'JEST_WORKER_ID'])
		delete inherited[name];
	return inherited;
}

/** The environment from the recipe; `brokerPort` is the task-runner broker's port (default 5679 is shared). */
export function n8nEnv(
	install: N8nInstall,
	opts: { dataDir: string; port: number; brokerPort: number; env?: Record<string, string> },
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...inheritedEnv(),
		PATH: install.pathPrefix
			? `${install.pathPrefix}${path.delimiter}${process.env.PATH ?? ''}`
			: process.env.PATH,
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
export function spawnN8n(
	install: N8nInstall,
	args: string[],
	dataDir: string,
	env: NodeJS.ProcessEnv,
): ChildProcess {
	const child = spawn(install.nodeBin, [install.n8nBin, ...args], {
		cwd: dataDir,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	track(child);
	return child;
}

/**
 * Collects a child's stdout and stderr: kept in memory for `logs()` and appended to `logFile` after a header line.
 * `exited` resolves once the process exited and its output was read to the end.
 */
export function captureOutput(
	child: ChildProcess,
	logFile: string,
	header: string,
): { logs(): string; exited: Promise<void> } {
	let log = '';
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	logStream.write(`\n===== ${new Date().toISOString()} ${header}\n`);
	const onData = (chunk: Buffer) => {
		log += chunk.toString('utf8');
		logStream.write(chunk);
	};
	child.stdout!.on('data', onData);
	child.stderr!.on('data', onData);
	const exited = new Promise<void>((resolve) => {
		child.once('close', () => resolve());
		child.once('error', (error) => {
			log += `\n[harness] spawn error: ${error.message}\n`;
			resolve();
		});
	});
	void exited.then(() => logStream.end());
	return { logs: () => log, exited };
}

/** Starts an n8n command and resolves once it logs its ready line (rejects with the log tail otherwise). */
export async function startN8n(opts: StartOptions): Promise<N8nHandle> {
	const install = n8nInstall(opts.version);
	const dataDir = resolveDataDir(opts.dataDir);
	if (opts.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
	const n8nFolder = path.join(dataDir, '.n8n');
	fs.mkdirSync(n8nFolder, { recursive: true });
	installOurPackage(install, n8nFolder, opts.packageMode ?? 'pack');

	const command = opts.command ?? 'start';
	const env = n8nEnv(install, {
		dataDir,
		port: opts.port,
		brokerPort: opts.brokerPort ?? opts.port + 1,
		env: opts.env,
	});
	const t0 = Date.now();
	const child = spawnN8n(install, [command], dataDir, env);
	const output = captureOutput(
		child,
		path.join(dataDir, 'n8n.log'),
		`n8n ${command} ${install.n8nVersion} on port ${opts.port}`,
	);
	const exitPromise = output.exited;

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
			if (output.logs().includes(READY_LINES[command])) finish();
		};
		const timer = setTimeout(() => {
			killGroup(child, 'SIGKILL');
			finish(
				new Error(
					`n8n ${command} did not become ready within ${timeoutMs} ms.\n${tail(output.logs())}`,
				),
			);
		}, timeoutMs);
		child.stdout!.on('data', check);
		child.stderr!.on('data', check);
		void exitPromise.then(() =>
			finish(
				new Error(
					`n8n ${command} exited before it was ready (code ${child.exitCode}, signal ${child.signalCode}).\n${tail(output.logs())}`,
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
		spawnedAt: t0,
		logs: output.logs,
		get exited() {
			return child.exitCode !== null || child.signalCode !== null;
		},
		get exit() {
			return handle.exited ? { code: child.exitCode, signal: child.signalCode } : undefined;
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
		async kill() {
			killGroup(child, 'SIGKILL');
			await exitPromise;
		},
	};
	return handle;
}

export function tail(text: string, lines = 60): string {
	const all = text.trimEnd().split('\n');
	return `--- last ${Math.min(lines, all.length)} log lines ---\n${all.slice(-lines).join('\n')}`;
}

/** Stops every handle given, ignoring ones already stopped (for afterAll). */
export async function stopAll(...handles: Array<N8nHandle | undefined>): Promise<void> {
	await Promise.all(handles.map((h) => h?.stop()));
}
