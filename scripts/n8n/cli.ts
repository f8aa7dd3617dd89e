/**
 * n8n's CLI against a data folder (it works while the server runs): importing credentials and workflows, and
 * running a workflow once (`n8n execute`).
 *
 * Every command is judged by what it printed, never by its exit status alone. n8n 2.40's commands end in
 * `BaseCommand.finally` with `process.exit()` without disposing the expression engine (`exitSuccessfully` does,
 * `finally` does not). Every isolate acquired from the pool starts a replacement (`IsolatePool.replenish`, in
 * @n8n/expression-runtime) that isolated-vm builds on its own thread; when exit() runs while it is still being
 * built, isolated-vm's static thread pool is destroyed under it (`ivm::thread_pool_t::~thread_pool_t` from
 * `__run_exit_handlers`) and the process dies with SIGSEGV, after the work was done and printed. Seen about once
 * in 20 runs of `n8n execute` (either outcome) on Node 24; a core dump shows the main thread in that destructor and
 * an isolated-vm thread allocating in V8. `scripts/cli-exit-loop.ts` reproduces and counts it.
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { n8nInstall, type N8nInstall } from './install';
import { killGroup, n8nEnv, resolveDataDir, spawnN8n, tail, type N8nTarget } from './process';

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

/** Called once the evidence of the work is in: says so when n8n then died of a signal (the exit race above). */
function noteCrashAfterWork(what: string, res: CliResult): void {
	if (res.signal === null) return;
	console.log(
		`[harness] ${what}: n8n ended with ${res.signal} after its work was done (n8n's exit race, scripts/n8n/cli.ts)`,
	);
}

function targetEnv(
	given: N8nTarget,
	extra: Record<string, string> = {},
): { install: N8nInstall; env: NodeJS.ProcessEnv; dataDir: string } {
	const target = typeof given === 'string' ? { version: 2 as const, dataDir: given } : given;
	const install = 'install' in target ? target.install : n8nInstall(target.version);
	const dataDir = resolveDataDir(target.dataDir);
	const port = target.port ?? 5678;
	const base =
		'install' in target
			? target.env
			: n8nEnv(install, { dataDir, port, brokerPort: port + 1, env: target.env });
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
			throw new Error(
				`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${tail(stdout + stderr)}`,
			);
		}
		return { code, signal, stdout, stderr, durationMs: Date.now() - t0 };
	} finally {
		clearTimeout(timer);
	}
}

async function importJson(
	target: N8nTarget,
	command: string,
	items: unknown[],
): Promise<CliResult> {
	const { dataDir } = targetEnv(target);
	const dir = path.join(dataDir, 'imports');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${command.replace(':', '-')}-${Date.now()}-${process.pid}.json`);
	fs.writeFileSync(file, JSON.stringify(items, null, 2));
	const res = await runN8nCli(target, [command, `--input=${file}`]);
	// the evidence: n8n's own count of what it stored (printed after the last write, before exit)
	const done = new RegExp(`Successfully imported ${items.length} \\w+`).test(
		res.stdout + res.stderr,
	);
	if (!done) {
		throw new Error(
			`n8n ${command} did not report importing ${items.length} (exit ${res.code}, signal ${res.signal}):\n${tail(res.stdout + res.stderr)}`,
		);
	}
	noteCrashAfterWork(`n8n ${command}`, res);
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
export async function importCredentials(
	target: N8nTarget,
	creds: CredentialImport[],
): Promise<CliResult> {
	return importJson(target, 'import:credentials', creds);
}

/** `n8n import:workflow --input=<file>`: give each workflow a fixed `id` (≤ 21 chars); imports are inactive. */
export async function importWorkflows(
	target: N8nTarget,
	workflows: Array<Record<string, unknown>>,
): Promise<CliResult> {
	return importJson(target, 'import:workflow', workflows);
}

export interface CliExecution {
	code: number | null;
	signal: NodeJS.Signals | null;
	/** the run data n8n printed (`--rawOutput`) */
	result: unknown;
	/** how the workflow ended, read from the run data (not from the exit status) */
	outcome: 'success' | 'error';
	stdout: string;
	stderr: string;
	durationMs: number;
}

/**
 * `n8n execute --id=<id> --rawOutput` (JSON logs, own broker port). n8n prints the run data whether the workflow
 * succeeds or fails; the outcome is read from it. Throws when n8n printed no run data: then nothing proves the
 * workflow ran, whatever the exit status.
 */
export async function runWorkflowCli(
	target: N8nTarget,
	id: string,
	timeoutMs = 120_000,
): Promise<CliExecution> {
	const res = await runN8nCli(target, ['execute', `--id=${id}`, '--rawOutput'], {
		env: { N8N_LOG_FORMAT: 'json' },
		timeoutMs,
	});
	const result = parseRawOutput(res.stdout) as
		{ data?: { resultData?: { error?: unknown } } } | undefined;
	if (!result?.data?.resultData) {
		throw new Error(
			`n8n execute --id=${id} printed no run data (exit ${res.code}, signal ${res.signal}):\n${tail(res.stdout + res.stderr)}`,
		);
	}
	noteCrashAfterWork(`n8n execute --id=${id}`, res);
	return { ...res, result, outcome: result.data.resultData.error ? 'error' : 'success' };
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
