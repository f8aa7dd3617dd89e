/**
 * `npm run bench`: our nodes against what users would build instead, and against the floor, in one run.
 * See bench/README.md. Prints the results table and writes bench/results/latest.json and latest.md
 * (`--quick`: a short smoke run, written to latest-quick.*; `--only=action,trigger,pdf,package,queue`: a subset).
 *
 * Layout: the sandbox in its own child process (127.0.0.1:4100, and over HTTPS on 4101 with a certificate made at
 * start); n8n 2.x (the pinned one, Node 24) on 127.0.0.1:5800 (filesystem binary mode, n8n 2.x's default,
 * trusting that certificate) for scenarios 1, 2 and half of 3, then on 127.0.0.1:5804 with the in-memory binary
 * mode for the other half of 3; scenario 2 again on 5808, 5812, 5816 and 5844 with other expression engine settings
 * (TRIGGER_SETUPS); then (5) n8n in queue mode with
 * PostgreSQL and Redis on 127.0.0.1:5820-5829 (1 worker) and 5830-5839 (2 workers), one after the other; the floor
 * client and the load generators in this process. Everything started here is stopped at the end, on failure and
 * on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { builtPackageContents, n8nInstall, REPO_ROOT, stopAll } from '../scripts/n8n-harness';
import { makeLoopbackCertificate, type LoopbackCertificate } from '../scripts/tls';
import type { CpuTarget } from './lib/cpu';
import { startBenchN8n, type BenchN8n } from './lib/n8n';
import type { BenchQueue } from './lib/queue';
import {
	markdownExtraTable,
	markdownTable,
	textExtraTable,
	textTable,
	type ExtraTable,
	type ScenarioOutcome,
	type TableRow,
} from './lib/report';
import {
	startSandboxProcess,
	SANDBOX_TOKEN,
	SANDBOX_USER,
	type SandboxProcess,
} from './lib/sandbox';
import { MIB, ms, round } from './lib/stats';
import { runActionScenario } from './scenarios/action';
import { runPackageScenario } from './scenarios/package';
import { runPdfMode, type PdfModeResult } from './scenarios/pdf';
import { runQueueScenario } from './scenarios/queue';
import { REGULAR_N8N_ROLE, type QueueBaselines } from './scenarios/queue-report';
import { runTriggerScenario } from './scenarios/trigger';
import { actionWorkflows, pdfWorkflows, triggerWorkflows, type TriggerVariant } from './workflows';

const SCENARIOS = ['action', 'trigger', 'pdf', 'package', 'queue'] as const;
type Scenario = (typeof SCENARIOS)[number];

const PORTS = {
	sandbox: 4100,
	sandboxTls: 4101,
	n8nMain: 5800,
	n8nMemory: 5804,
	/** queue mode: 1 worker on 5820-5829, 2 workers on 5830-5839 */
	queue: 5820,
} as const;
/** a run that takes longer than this is stopped (a full run takes about 20 minutes) */
const WATCHDOG_MS = 35 * 60_000;

type TriggerSetup = 'trigger' | 'triggerLazy' | 'triggerPool' | 'triggerGateOff' | 'triggerLegacy';

/**
 * Scenario 2 in n8n set up five ways, each its own n8n (the settings are process-wide): the defaults (on the n8n of
 * scenarios 1 and 3), then n8n's two volume settings (lazy isolates; more isolates kept warm), the control (n8n's
 * own Webhook node made to pay the per-request isolate a community trigger pays, so what remains between ours and
 * it is not n8n's gate), and the legacy engine (no isolates, as in n8n 1.x).
 */
const TRIGGER_SETUPS: Array<{
	key: TriggerSetup;
	port: number;
	engine: string;
	env: Record<string, string>;
	variants: TriggerVariant[];
}> = [
	{
		key: 'trigger',
		port: PORTS.n8nMain,
		engine: "n8n 2.x's defaults",
		env: {},
		variants: ['ours', 'oursAuth', 'webhookCode', 'bareWebhook', 'webhookAuth'],
	},
	{
		key: 'triggerLazy',
		port: 5812,
		engine: 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true',
		env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
		variants: ['ours', 'oursV1', 'oursAuth', 'webhookCode', 'bareWebhook', 'webhookAuth'],
	},
	{
		key: 'triggerPool',
		port: 5844,
		engine: 'N8N_EXPRESSION_ENGINE_POOL_SIZE=4',
		env: { N8N_EXPRESSION_ENGINE_POOL_SIZE: '4' },
		variants: ['ours', 'bareWebhook'],
	},
	{
		key: 'triggerGateOff',
		port: 5816,
		engine: 'control: N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false',
		env: { N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP: 'false' },
		variants: ['ours', 'bareWebhook'],
	},
	{
		key: 'triggerLegacy',
		port: 5808,
		engine: 'N8N_EXPRESSION_ENGINE=legacy',
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
		variants: ['ours', 'webhookCode', 'bareWebhook'],
	},
];
const DEFAULT_TRIGGER_SETUP = TRIGGER_SETUPS[0];

const FULL = {
	action: { items: 1000, reps: 3, warmups: 1, warmupItems: 200, floorConcurrency: 10 },
	trigger: { reports: 300, concurrency: 10, reps: 3, warmupReports: 20 },
	pdf: { bytes: 50 * MIB, reps: 3, warmups: 1 },
	package: { requireReps: 7 },
	/** scenario 5 repeats scenario 2's and 1's workloads, fewer times (it starts two stacks) */
	queue: { workerCounts: [1, 2] as Array<1 | 2>, triggerReps: 2, actionReps: 3 },
};
const QUICK: typeof FULL = {
	action: { items: 100, reps: 2, warmups: 1, warmupItems: 50, floorConcurrency: 10 },
	trigger: { reports: 40, concurrency: 10, reps: 1, warmupReports: 10 },
	pdf: { bytes: 5 * MIB, reps: 1, warmups: 1 },
	package: { requireReps: 3 },
	queue: { workerCounts: [1, 2], triggerReps: 1, actionReps: 1 },
};

function parseArgs(argv: string[]): { quick: boolean; only: Set<Scenario> } {
	let quick = false;
	let only = new Set<Scenario>(SCENARIOS);
	for (const arg of argv) {
		if (arg === '--quick') quick = true;
		else if (arg.startsWith('--only=')) {
			const names = arg
				.slice('--only='.length)
				.split(',')
				.map((s) => s.trim());
			const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
			if (unknown.length)
				throw new Error(
					`unknown scenario(s) ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`,
				);
			only = new Set(names as Scenario[]);
		} else throw new Error(`unknown argument ${arg} (use --quick, --only=${SCENARIOS.join(',')})`);
	}
	return { quick, only };
}

function log(line: string): void {
	console.log(line);
}

async function main(): Promise<number> {
	const { quick, only } = parseArgs(process.argv.slice(2));
	const settings = quick ? QUICK : FULL;
	const started = Date.now();
	const install = n8nInstall(2);
	const built = builtPackageContents();
	if (built.missing.length)
		throw new Error(`dist/ lacks ${built.missing.join(', ')}: run npm run build first`);

	const cpus = os.cpus();
	const machine = {
		cpuModel: cpus[0]?.model.trim() ?? 'unknown',
		cores: cpus.length,
		ramGiB: round(os.totalmem() / 1024 ** 3, 1),
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		benchNode: process.version,
		n8nNode: execFileSync(install.nodeBin, ['--version'], { encoding: 'utf8' }).trim(),
		n8nVersion: install.n8nVersion,
		date: new Date(started).toISOString(),
		loadAverage1mAtStart: round(os.loadavg()[0], 2),
	};
	log(
		`Bench${quick ? ' (quick)' : ''}: n8n ${machine.n8nVersion} on Node ${machine.n8nNode}, bench on ${machine.benchNode}; ` +
			`${machine.cores} × ${machine.cpuModel}, ${machine.ramGiB} GiB RAM; load ${machine.loadAverage1mAtStart}`,
	);

	const outcomes = new Map<Scenario | TriggerSetup, ScenarioOutcome>();
	const pdfModes: PdfModeResult[] = [];
	const placement: Record<string, string> = {
		benchProcess: `Node ${process.version} (pid ${process.pid}): the floor client, the trigger load generator, the API polling`,
		cores: `every process shares the same ${machine.cores} cores; nothing is pinned`,
	};
	let sandbox: SandboxProcess | undefined;
	let n8n: BenchN8n | undefined;
	let queue: BenchQueue | undefined;
	let certificate: LoopbackCertificate | undefined;
	let failure: unknown;
	/** what scenario 5 compares with: scenarios 2 and 1 for our nodes, in this run */
	const baselines: QueueBaselines = {};
	/** the CPU scenarios 1 and 2 meter: the regular-mode n8n with its task runner */
	const meter = (pid: number): CpuTarget[] => [{ role: REGULAR_N8N_ROLE, pid, scope: 'tree' }];
	let fileBytes: number | null = null;

	const cleanup = async () => {
		await stopAll(n8n?.handle);
		await queue?.stop();
		await sandbox?.stop();
		certificate?.remove();
	};
	const onSignal = () => {
		console.error('\nbench: interrupted, stopping n8n and the sandbox…');
		void cleanup().then(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	const watchdog = setTimeout(() => {
		console.error(
			`\nbench: still running after ${WATCHDOG_MS / 60_000} minutes, stopping everything`,
		);
		void cleanup().then(() => process.exit(2));
	}, WATCHDOG_MS);
	watchdog.unref();

	try {
		if (only.has('package')) {
			log('\n4. Package cost');
			outcomes.set(
				'package',
				runPackageScenario({ requireReps: settings.package.requireReps, log }),
			);
		}

		const needsN8n = only.has('action') || only.has('trigger') || only.has('pdf');
		if (needsN8n || only.has('queue')) {
			// the action rows over HTTPS: a certificate made now, trusted by n8n through NODE_EXTRA_CA_CERTS
			if (only.has('action')) certificate = makeLoopbackCertificate();
			sandbox = await startSandboxProcess(
				PORTS.sandbox,
				{
					accounts: [{ user: SANDBOX_USER, token: SANDBOX_TOKEN, credits: 1_000_000_000 }],
					pdfPadBytes: settings.pdf.bytes,
				},
				certificate && { port: PORTS.sandboxTls, key: certificate.key, cert: certificate.cert },
			);
			placement.sandbox = `own child process, Node ${process.version} (pid ${sandbox.pid}), ${sandbox.url}${sandbox.tlsUrl ? ` and ${sandbox.tlsUrl} (the same sandbox over HTTPS, a self-signed P-256 certificate made at start)` : ''}, reset before every run`;
		}
		if (needsN8n && sandbox) {
			if (only.has('pdf')) {
				const pdf = await sandbox.downloadCertificate(await sandbox.certifiedContract());
				fileBytes = pdf.length;
				await sandbox.reset();
			}

			const workflows = [
				...(only.has('pdf') ? pdfWorkflows(sandbox.url) : []),
				...(only.has('action') ? actionWorkflows(sandbox) : []),
				...(only.has('trigger') ? triggerWorkflows(DEFAULT_TRIGGER_SETUP.variants) : []),
			];
			log(
				`\nStarting n8n on port ${PORTS.n8nMain} (fresh data folder, ${workflows.length} workflows)…`,
			);
			n8n = await startBenchN8n({
				name: 'main',
				port: PORTS.n8nMain,
				sandboxUrl: sandbox.url,
				sandboxTlsUrl: sandbox.tlsUrl,
				workflows,
				env: certificate ? { NODE_EXTRA_CA_CERTS: certificate.certFile } : undefined,
			});
			log(`  ready in ${ms(n8n.handle.startupMs)} (pid ${n8n.handle.pid})`);
			placement.n8n = `n8n ${install.n8nVersion} on Node ${machine.n8nNode}, regular mode, SQLite, task runners internal (Code nodes run in a runner child of n8n); ${n8n.handle.baseUrl} (data .n8n-cache/runs/bench-main, binary data: filesystem, the 2.x default${certificate ? "; NODE_EXTRA_CA_CERTS = the sandbox's certificate" : ''})`;

			if (only.has('pdf') && fileBytes !== null) {
				log('\n3. Large PDF, filesystem binary mode (n8n 2.x default)');
				pdfModes.push(
					await runPdfMode(
						n8n,
						sandbox,
						{ id: 'filesystem', label: 'filesystem (2.x default)' },
						{ ...settings.pdf, fileBytes, log },
					),
				);
			}
			if (only.has('action')) {
				log(`\n1. Action throughput (${settings.action.items} items)`);
				const action = await runActionScenario(n8n, sandbox, {
					...settings.action,
					cpuTargets: meter(n8n.handle.pid),
					log,
				});
				outcomes.set('action', action);
				baselines.action = action.baseline;
			}
			if (only.has('trigger')) {
				log(
					`\n2. Trigger ingest (${settings.trigger.reports} reports at concurrency ${settings.trigger.concurrency}), ${DEFAULT_TRIGGER_SETUP.engine}`,
				);
				const trigger = await runTriggerScenario(n8n, {
					...settings.trigger,
					variants: DEFAULT_TRIGGER_SETUP.variants,
					engine: DEFAULT_TRIGGER_SETUP.engine,
					cpuTargets: meter(n8n.handle.pid),
					log,
				});
				outcomes.set('trigger', trigger);
				baselines.trigger = trigger.baseline;
			}
			await n8n.stop();
			n8n = undefined;

			if (only.has('pdf') && fileBytes !== null) {
				log(
					`\nStarting n8n on port ${PORTS.n8nMemory} with N8N_DEFAULT_BINARY_DATA_MODE=default (in-memory binary data)…`,
				);
				n8n = await startBenchN8n({
					name: 'pdf-memory',
					port: PORTS.n8nMemory,
					sandboxUrl: sandbox.url,
					workflows: pdfWorkflows(sandbox.url),
					env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' },
				});
				placement.n8nMemoryMode = `a second n8n, same install, ${n8n.handle.baseUrl}, N8N_DEFAULT_BINARY_DATA_MODE=default (binary data kept in memory and in the execution data); started after the first one stopped`;
				log('\n3. Large PDF, memory binary mode');
				pdfModes.push(
					await runPdfMode(
						n8n,
						sandbox,
						{ id: 'memory', label: 'memory mode' },
						{ ...settings.pdf, fileBytes, log },
					),
				);
				await n8n.stop();
				n8n = undefined;
			}

			// n8n 2.x runs expressions in isolates and skips that only for its own Webhook node, so every other trigger
			// pays for one per request unless n8n is told to acquire them lazily; the other setups show each case
			for (const setup of only.has('trigger') ? TRIGGER_SETUPS.slice(1) : []) {
				log(
					`\nStarting n8n on port ${setup.port} with ${Object.entries(setup.env)
						.map(([k, v]) => `${k}=${v}`)
						.join(' ')}…`,
				);
				n8n = await startBenchN8n({
					name: setup.key,
					port: setup.port,
					sandboxUrl: sandbox.url,
					workflows: triggerWorkflows(setup.variants),
					env: setup.env,
				});
				placement[setup.key] =
					`another n8n, same install, ${n8n.handle.baseUrl}, ${setup.engine}; started after the previous one stopped`;
				log(`\n2. Trigger ingest, ${setup.engine}`);
				outcomes.set(
					setup.key,
					await runTriggerScenario(n8n, {
						...settings.trigger,
						variants: setup.variants,
						engine: setup.engine,
						cpuTargets: meter(n8n.handle.pid),
						log,
					}),
				);
				await n8n.stop();
				n8n = undefined;
			}
		}

		if (only.has('queue') && sandbox) {
			log(
				`
5. Queue mode: scenario 2's and 1's workloads with ${settings.queue.workerCounts.join(' and ')} worker(s)`,
			);
			outcomes.set(
				'queue',
				await runQueueScenario(sandbox, baselines, {
					workerCounts: settings.queue.workerCounts,
					basePort: PORTS.queue,
					trigger: {
						reports: settings.trigger.reports,
						concurrency: settings.trigger.concurrency,
						warmupReports: settings.trigger.warmupReports,
						reps: settings.queue.triggerReps,
					},
					action: {
						items: settings.action.items,
						warmupItems: settings.action.warmupItems,
						reps: settings.queue.actionReps,
					},
					onStack: (running) => (queue = running),
					log,
				}),
			);
			placement.queue = `n8n ${install.n8nVersion} in queue mode (EXECUTIONS_MODE=queue, binary data in the database), one stack per worker count, started after the regular-mode n8n stopped: PostgreSQL and Redis as local processes, main (REST API, production webhooks off), one webhook processor (the reports' and actions' webhooks), 1 or 2 workers (concurrency 10 each), each n8n with its own data folder and task runner; 127.0.0.1:${PORTS.queue}-${PORTS.queue + 19} (data .n8n-cache/runs/bench-queue-1w and -2w, .n8n-cache/services)`;
		}
	} catch (error) {
		failure = error;
	} finally {
		clearTimeout(watchdog);
		await cleanup();
	}

	if (pdfModes.length) {
		outcomes.set('pdf', {
			json: {
				fileBytes,
				definition:
					'peak RSS growth = VmHWM of the n8n main process after the execution − its VmRSS just before (VmHWM reset by writing 5 to /proc/<pid>/clear_refs before each run); growth per file size = growth ÷ PDF size; ratio = ours ÷ HTTP Request, same mode (lower is better)',
				modes: Object.fromEntries(pdfModes.map((m) => [m.mode, m.json])),
			},
			rows: pdfModes.flatMap((m) => m.rows),
			warnings: pdfModes.flatMap((m) => m.warnings),
		});
	}

	const order: Array<Scenario | TriggerSetup> = [
		'action',
		...TRIGGER_SETUPS.map((setup) => setup.key),
		'pdf',
		'package',
		'queue',
	];
	const rows: TableRow[] = order.flatMap((s) => outcomes.get(s)?.rows ?? []);
	const tables: ExtraTable[] = order.flatMap((s) => outcomes.get(s)?.tables ?? []);
	const warnings = order.flatMap((s) => outcomes.get(s)?.warnings ?? []);
	if (failure)
		warnings.unshift(
			`the bench stopped early: ${failure instanceof Error ? failure.message : String(failure)}`,
		);
	const durationMs = Date.now() - started;
	const results = {
		schema: 1,
		complete: !failure && [...only].every((s) => outcomes.has(s)),
		quick,
		scenarios: [...only],
		durationMs,
		machine: { ...machine, loadAverage1mAtEnd: round(os.loadavg()[0], 2) },
		placement,
		settings,
		results: Object.fromEntries(
			order.filter((s) => outcomes.has(s)).map((s) => [s, outcomes.get(s)!.json]),
		),
		warnings,
		table: rows,
		extraTables: tables,
	};

	const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
	fs.mkdirSync(resultsDir, { recursive: true });
	const base = quick ? 'latest-quick' : 'latest';
	fs.writeFileSync(path.join(resultsDir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
	fs.writeFileSync(path.join(resultsDir, `${base}.md`), markdown(results, rows, tables, warnings));

	log(`\n${textTable(rows)}\n`);
	for (const table of tables) log(`${textExtraTable(table)}\n`);
	log(machineLine(results.machine));
	log(ratioNote());
	for (const warning of warnings) log(`WARNING: ${warning}`);
	log(
		`\nWrote bench/results/${base}.json and ${base}.md in ${ms(durationMs)} (${(durationMs / 60_000).toFixed(1)} min).`,
	);
	if (failure) {
		console.error(failure instanceof Error ? failure.stack : failure);
		return 1;
	}
	return 0;
}

function machineLine(m: {
	cpuModel: string;
	cores: number;
	ramGiB: number;
	benchNode: string;
	n8nNode: string;
	n8nVersion: string;
	date: string;
	os: string;
}): string {
	return `Machine: ${m.cores} × ${m.cpuModel}, ${m.ramGiB} GiB RAM, ${m.os}; n8n ${m.n8nVersion} on Node ${m.n8nNode}, bench and sandbox on Node ${m.benchNode}; ${m.date}`;
}

function ratioNote(): string {
	return [
		'Ratios: scenario 1 and the time in 3 are time ratios (ours ÷ reference, lower is better); scenario 2 is an events/s',
		'ratio (higher is better); the RSS ratio in 3 is growth ÷ growth (lower is better). Floors: "floor seq" = Node http',
		'keep-alive, one request at a time; "floor c10" = the same at concurrency 10. exec = the whole execution wall',
		"time (n8n's startedAt → stoppedAt); node = the node's own executionTime; e2e = the webhook POST sent → the",
		"execution's stoppedAt. Scenario 5 (queue mode) compares with the regular-mode rows of 2 and 1 in the same run",
		'(events/s ÷ events/s, time ÷ time). See bench/README.md.',
	].join('\n');
}

function markdown(
	results: {
		machine: Parameters<typeof machineLine>[0];
		durationMs: number;
		quick: boolean;
		complete: boolean;
	},
	rows: TableRow[],
	tables: ExtraTable[],
	warnings: string[],
): string {
	const lines = [
		markdownTable(rows),
		'',
		...tables.flatMap((table) => [markdownExtraTable(table), '']),
		machineLine(results.machine).replace(/^Machine:/, '*Machine:*'),
		`Full run took ${(results.durationMs / 60_000).toFixed(1)} min${results.quick ? ' (quick mode: smaller sizes, fewer repetitions)' : ''}${results.complete ? '' : ' and did not complete'}.`,
		'',
		ratioNote(),
	];
	if (warnings.length) lines.push('', ...warnings.map((w) => `- **Warning:** ${w}`));
	return `${lines.join('\n')}\n`;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(
			`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
		);
		process.exit(1);
	},
);
