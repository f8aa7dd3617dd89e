/**
 * n8n in queue mode on one machine, as a team runs it across several: PostgreSQL for all state, Redis (Bull) for
 * the queue, a main process (editor, REST, activation; production webhooks switched off there), one webhook
 * processor (`n8n webhook`: the Lofirmo Trigger's `webhook()` runs here) and N workers (`n8n worker`: the rest of
 * every production execution). Each n8n process has its own data folder with its own copy of our package, as each
 * machine of a cluster has its own disk, and binary data goes to the database so every process can read it.
 *
 * Ports, from `basePort`: main +0 (its task broker +1), webhook processor +2 (+3), PostgreSQL +4, Redis +5,
 * worker i: +6+2i (unused: no health endpoint) and its task broker +7+2i. Ten ports hold two workers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PACKAGE_NAME } from './install';
import { resolveDataDir, startN8n, type N8nHandle, type StartOptions } from './process';
import { startPostgres, startRedis, type PostgresHandle, type ServiceHandle } from './services';

export interface QueueStackOptions {
	/** folder under .n8n-cache/runs holding main/, webhook/, worker-<i>/ (and the servers' names) */
	name: string;
	basePort: number;
	/** how many workers (default 1; at most 2 in the port layout) */
	workers?: number;
	/** extra environment for every n8n process (e.g. the samples' folder) */
	env?: Record<string, string>;
	/**
	 * `pack` (default): every process starts with its own copy of the packed package; `none`: with none, for a
	 * package installed later from the editor, which n8n announces to the other processes itself
	 */
	packageMode?: 'pack' | 'none';
}

export interface RestartOptions {
	/** extra environment for this run of the process only */
	env?: Record<string, string>;
	/**
	 * `keep` (default): the copy of the package the process has, as a restarted machine would; `remove`: none (a
	 * process someone forgot to install it on); `reinstall`: a fresh copy of the packed package
	 */
	package?: 'keep' | 'remove' | 'reinstall';
}

export interface QueueStack {
	/** editor and REST API; no production webhooks */
	main: N8nHandle;
	/** where Lofirmo and the CRM post: n8n's production webhooks */
	webhook: N8nHandle;
	workers: N8nHandle[];
	postgres: PostgresHandle;
	redis: ServiceHandle;
	/** http://127.0.0.1:<webhook processor port> (WEBHOOK_URL on every process) */
	webhookBaseUrl: string;
	/** (re)starts worker `index` (after `kill()` or `stop()`), same folder and port */
	startWorker(index: number, opts?: RestartOptions): Promise<N8nHandle>;
	/** stops the webhook processor and starts it again, same folder and port */
	restartWebhook(opts?: RestartOptions): Promise<N8nHandle>;
	/** every n8n process now running, by role: `main`, `webhook`, `worker-0`, … */
	processes(): Array<{ role: string; handle: N8nHandle }>;
	/** n8n processes first (SIGTERM; SIGKILL after 10 s, shorter than n8n's own 30 s drain), then Redis and PostgreSQL */
	stop(): Promise<void>;
}

/** Which process took part in which execution, read from what each one logged (n8n's own info lines). */
export interface ExecutionTrail {
	/** execution id → role of the process that enqueued it (`Enqueued execution <id>`) */
	enqueuedBy: Map<string, string>;
	/** execution id → roles of the workers that started it (`Worker started execution <id>`), in order */
	startedBy: Map<string, string[]>;
}

export async function startQueueStack(opts: QueueStackOptions): Promise<QueueStack> {
	const workerCount = opts.workers ?? 1;
	if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > 2)
		throw new Error(`workers: 1 or 2 (got ${workerCount})`);
	const base = opts.basePort;
	const root = resolveDataDir(opts.name);
	const webhookBaseUrl = `http://127.0.0.1:${base + 2}`;

	const postgres = await startPostgres({ name: opts.name, port: base + 4 });
	let redis: ServiceHandle | undefined;
	const started: N8nHandle[] = [];
	try {
		const startedRedis = await startRedis({ name: opts.name, port: base + 5 });
		redis = startedRedis;
		const shared: Record<string, string> = {
			...postgres.n8nEnv,
			...startedRedis.n8nEnv,
			EXECUTIONS_MODE: 'queue',
			// n8n 2.x's default in queue mode, set explicitly as n8n's docs ask: every process must read the PDFs
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			WEBHOOK_URL: `${webhookBaseUrl}/`,
			// `Enqueued execution` and `Worker started execution` are info lines: the trail reads them
			N8N_LOG_LEVEL: 'info',
			...opts.env,
		};
		const processOptions = (
			role: string,
			command: StartOptions['command'],
			port: number,
			fresh: boolean,
		): StartOptions => ({
			version: 2,
			command,
			port,
			brokerPort: port + 1,
			dataDir: path.join(root, role),
			fresh,
			// a restart keeps the package that process already has, as a restarted machine would
			packageMode: fresh ? (opts.packageMode ?? 'pack') : 'none',
			env:
				role === 'main'
					? // production webhooks only on the webhook processor, as behind a load balancer
						{ ...shared, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' }
					: shared,
		});
		const workerPort = (index: number) => base + 6 + 2 * index;

		// main first: it creates the schema (migrations) the others expect
		const main = await startN8n(processOptions('main', 'start', base, true));
		started.push(main);
		const others = await Promise.allSettled([
			startN8n(processOptions('webhook', 'webhook', base + 2, true)),
			...Array.from({ length: workerCount }, (_, i) =>
				startN8n(processOptions(`worker-${i}`, 'worker', workerPort(i), true)),
			),
		]);
		// every process that did start is stopped below if another one failed
		for (const result of others) if (result.status === 'fulfilled') started.push(result.value);
		const failed = others.find((result) => result.status === 'rejected');
		if (failed) throw failed.reason;
		const [webhook, ...workers] = started.slice(1);

		const stack: QueueStack = {
			main,
			webhook,
			workers,
			postgres,
			redis: startedRedis,
			webhookBaseUrl,
			async startWorker(index, opts) {
				if (!stack.workers[index])
					throw new Error(`worker-${index}: this stack has ${stack.workers.length} worker(s)`);
				if (!stack.workers[index].exited)
					throw new Error(`worker-${index} is still running: kill or stop it first`);
				const worker = await startN8n(
					restartOptions(
						processOptions(`worker-${index}`, 'worker', workerPort(index), false),
						opts,
					),
				);
				stack.workers[index] = worker;
				return worker;
			},
			async restartWebhook(opts) {
				await stack.webhook.stop();
				stack.webhook = await startN8n(
					restartOptions(processOptions('webhook', 'webhook', base + 2, false), opts),
				);
				return stack.webhook;
			},
			processes() {
				return [
					{ role: 'main', handle: stack.main },
					{ role: 'webhook', handle: stack.webhook },
					...stack.workers.map((handle, i) => ({ role: `worker-${i}`, handle })),
				].filter((p) => !p.handle.exited);
			},
			async stop() {
				await Promise.all([stack.webhook.stop(), ...stack.workers.map((w) => w.stop())]);
				await stack.main.stop();
				await startedRedis.stop();
				await postgres.stop();
			},
		};
		return stack;
	} catch (error) {
		await Promise.all(started.map((h) => h.stop()));
		await redis?.stop();
		await postgres.stop();
		throw error;
	}
}

/** A restart's options: the package kept, removed or put back, and its environment for this run. */
function restartOptions(
	options: StartOptions,
	{ env = {}, package: ourPackage = 'keep' }: RestartOptions = {},
): StartOptions {
	if (ourPackage === 'remove') {
		const copy = path.join(options.dataDir, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		fs.rmSync(copy, { recursive: true, force: true });
	}
	return {
		...options,
		packageMode: ourPackage === 'reinstall' ? 'pack' : 'none',
		env: { ...options.env, ...env },
	};
}

/**
 * Reads the trail from the logs of every process the stack has had (a restarted process's handle holds only its
 * own run, so pass the old handles too when a test restarts one).
 */
export function executionTrail(
	processes: Array<{ role: string; handle: Pick<N8nHandle, 'logs'> }>,
): ExecutionTrail {
	const trail: ExecutionTrail = { enqueuedBy: new Map(), startedBy: new Map() };
	for (const { role, handle } of processes) {
		const logs = handle.logs();
		for (const [, id] of logs.matchAll(/Enqueued execution (\d+) \(job/g)) {
			trail.enqueuedBy.set(id, role);
		}
		for (const [, id] of logs.matchAll(/Worker started execution (\d+) \(job/g)) {
			trail.startedBy.set(id, [...(trail.startedBy.get(id) ?? []), role]);
		}
	}
	return trail;
}
