/**
 * `npm run bench`: our nodes against what users would build instead, and against the floor, in one run.
 * See bench/README.md. Prints the results table and writes bench/results/latest.json and latest.md
 * (`--quick`: a short smoke run, written to latest-quick.*; `--only=action,trigger,pdf,package`: a subset).
 *
 * Layout: the sandbox in its own child process (127.0.0.1:4100); n8n 2.x (the pinned one, Node 24) on
 * 127.0.0.1:5800 (filesystem binary mode, n8n 2.x's default) for scenarios 1, 2 and half of 3, then on
 * 127.0.0.1:5804 with the in-memory binary mode for the other half of 3; the floor client and the load
 * generators in this process. Everything started here is stopped at the end, on failure and on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { builtPackageContents, n8nInstall, REPO_ROOT, stopAll } from '../scripts/n8n-harness';
import { startBenchN8n, type BenchN8n } from './lib/n8n';
import { markdownTable, textTable, type ScenarioOutcome, type TableRow } from './lib/report';
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
import { runTriggerScenario } from './scenarios/trigger';
import { actionWorkflows, pdfWorkflows, triggerWorkflows } from './workflows';

const SCENARIOS = ['action', 'trigger', 'pdf', 'package'] as const;
type Scenario = (typeof SCENARIOS)[number];

const PORTS = { sandbox: 4100, n8nMain: 5800, n8nMemory: 5804, n8nLegacy: 5808 } as const;
/** a run that takes longer than this is stopped (the goal is well under 15 minutes) */
const WATCHDOG_MS = 25 * 60_000;

const FULL = {
	action: { items: 1000, reps: 3, warmups: 1, warmupItems: 200, floorConcurrency: 10 },
	trigger: { reports: 300, concurrency: 10, reps: 3, warmupReports: 20 },
	pdf: { bytes: 50 * MIB, reps: 3, warmups: 1 },
	package: { requireReps: 7 },
};
const QUICK: typeof FULL = {
	action: { items: 100, reps: 2, warmups: 1, warmupItems: 50, floorConcurrency: 10 },
	trigger: { reports: 40, concurrency: 10, reps: 1, warmupReports: 10 },
	pdf: { bytes: 5 * MIB, reps: 1, warmups: 1 },
	package: { requireReps: 3 },
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

	const outcomes = new Map<Scenario | 'triggerLegacy', ScenarioOutcome>();
	const pdfModes: PdfModeResult[] = [];
	const placement: Record<string, string> = {
		benchProcess: `Node ${process.version} (pid ${process.pid}): the floor client, the trigger load generator, the API polling`,
		cores: `every process shares the same ${machine.cores} cores; nothing is pinned`,
	};
	let sandbox: SandboxProcess | undefined;
	let n8n: BenchN8n | undefined;
	let failure: unknown;
	let fileBytes: number | null = null;

	const cleanup = async () => {
		await stopAll(n8n?.handle);
		await sandbox?.stop();
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
		if (needsN8n) {
			sandbox = await startSandboxProcess(PORTS.sandbox, {
				accounts: [{ user: SANDBOX_USER, token: SANDBOX_TOKEN, credits: 1_000_000_000 }],
				pdfPadBytes: settings.pdf.bytes,
			});
			placement.sandbox = `own child process, Node ${process.version} (pid ${sandbox.pid}), ${sandbox.url}, reset before every run`;
			if (only.has('pdf')) {
				const pdf = await sandbox.downloadCertificate(await sandbox.certifiedContract());
				fileBytes = pdf.length;
				await sandbox.reset();
			}

			const workflows = [
				...(only.has('pdf') ? pdfWorkflows(sandbox.url) : []),
				...(only.has('action') ? actionWorkflows(sandbox.url) : []),
				...(only.has('trigger') ? triggerWorkflows() : []),
			];
			log(
				`\nStarting n8n on port ${PORTS.n8nMain} (fresh data folder, ${workflows.length} workflows)…`,
			);
			n8n = await startBenchN8n({
				name: 'main',
				port: PORTS.n8nMain,
				sandboxUrl: sandbox.url,
				workflows,
			});
			log(`  ready in ${ms(n8n.handle.startupMs)} (pid ${n8n.handle.pid})`);
			placement.n8n = `n8n ${install.n8nVersion} on Node ${machine.n8nNode}, regular mode, SQLite, task runners internal (Code nodes run in a runner child of n8n); ${n8n.handle.baseUrl} (data .n8n-cache/runs/bench-main, binary data: filesystem, the 2.x default)`;

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
				outcomes.set('action', await runActionScenario(n8n, sandbox, { ...settings.action, log }));
			}
			if (only.has('trigger')) {
				log(
					`\n2. Trigger ingest (${settings.trigger.reports} reports at concurrency ${settings.trigger.concurrency})`,
				);
				outcomes.set(
					'trigger',
					await runTriggerScenario(n8n, {
						...settings.trigger,
						engine: "n8n 2.x's default expression engine",
						log,
					}),
				);
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
			// pays for one per request; the legacy engine shows what the trigger costs without it
			if (only.has('trigger')) {
				log(`\nStarting n8n on port ${PORTS.n8nLegacy} with N8N_EXPRESSION_ENGINE=legacy…`);
				n8n = await startBenchN8n({
					name: 'trigger-legacy',
					port: PORTS.n8nLegacy,
					sandboxUrl: sandbox.url,
					workflows: triggerWorkflows(),
					env: { N8N_EXPRESSION_ENGINE: 'legacy' },
				});
				placement.n8nLegacyEngine = `a third n8n, same install, ${n8n.handle.baseUrl}, N8N_EXPRESSION_ENGINE=legacy (expressions without isolates, as in n8n 1.x); started after the others stopped`;
				log('\n2. Trigger ingest, legacy expression engine');
				outcomes.set(
					'triggerLegacy',
					await runTriggerScenario(n8n, {
						...settings.trigger,
						engine: 'N8N_EXPRESSION_ENGINE=legacy',
						log,
					}),
				);
				await n8n.stop();
				n8n = undefined;
			}
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

	const order: Array<Scenario | 'triggerLegacy'> = [
		'action',
		'trigger',
		'triggerLegacy',
		'pdf',
		'package',
	];
	const rows: TableRow[] = order.flatMap((s) => outcomes.get(s)?.rows ?? []);
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
	};

	const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
	fs.mkdirSync(resultsDir, { recursive: true });
	const base = quick ? 'latest-quick' : 'latest';
	fs.writeFileSync(path.join(resultsDir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
	fs.writeFileSync(path.join(resultsDir, `${base}.md`), markdown(results, rows, warnings));

	log(`\n${textTable(rows)}\n`);
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
		"time (n8n's startedAt → stoppedAt); node = the node's own executionTime. See bench/README.md.",
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
	warnings: string[],
): string {
	const lines = [
		markdownTable(rows),
		'',
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
