/**
 * 5. Queue mode: the workloads of scenarios 2 and 1 for our nodes, sent by the same client with the same sizes,
 * into n8n in queue mode (scripts/n8n/queue.ts: PostgreSQL, Redis, main, one webhook processor, N workers), once
 * with 1 worker and once with 2, one stack after the other; each run meters the CPU of every process of the
 * stack (bench/lib/cpu.ts).
 *   trigger  contract reports POSTed to the Lofirmo Trigger on the webhook processor; a worker runs each execution
 *            after the webhook processor has answered, so a report counts once main's API lists its execution as
 *            finished (read from PostgreSQL), exactly as scenario 2 counts them
 *   action   one webhook POST makes the items and our node sends them (default settings), on a worker; the time
 *            is the node's own and the POST → finished execution, as scenario 1 records them
 * The figures, the CPU table and the projection are built in queue-report.ts.
 */
import type { CpuTarget } from '../lib/cpu';
import { startBenchQueue, type BenchQueue } from '../lib/queue';
import type { ScenarioOutcome } from '../lib/report';
import type { SandboxProcess } from '../lib/sandbox';
import { ms } from '../lib/stats';
import { actionWorkflows, triggerWorkflows, ACTION_WORKFLOW_IDS } from '../workflows';
import { actionN8nRun, describeActionRun } from './action';
import { queueOutcome, type QueueBaselines, type StackResult } from './queue-report';
import { describeIngestRun, ingestRun } from './trigger';

export interface QueueOptions {
	/** one stack per entry, in this order */
	workerCounts: Array<1 | 2>;
	/** the first stack's base port; each further stack 10 above (scripts/n8n/queue.ts uses 10 for 2 workers) */
	basePort: number;
	/** scenario 2's workload (reports, concurrency, warm-up) with this scenario's repetitions */
	trigger: { reports: number; concurrency: number; warmupReports: number; reps: number };
	/** scenario 1's workload (items, warm-up) with this scenario's repetitions */
	action: { items: number; warmupItems: number; reps: number };
	/** told about the stack now running (undefined once stopped), so an interrupted bench can stop it */
	onStack: (queue: BenchQueue | undefined) => void;
	log: (line: string) => void;
}

export async function runQueueScenario(
	sandbox: SandboxProcess,
	baselines: QueueBaselines,
	opts: QueueOptions,
): Promise<ScenarioOutcome> {
	const stacks: StackResult[] = [];
	for (const [index, workers] of opts.workerCounts.entries()) {
		stacks.push(await runOnStack(sandbox, workers, opts.basePort + 10 * index, opts));
	}
	return queueOutcome(stacks, baselines, opts);
}

async function runOnStack(
	sandbox: SandboxProcess,
	workers: 1 | 2,
	basePort: number,
	opts: QueueOptions,
): Promise<StackResult> {
	const name = `bench-queue-${workers}w`;
	opts.log(
		`\nStarting n8n in queue mode, ${workers} worker${workers > 1 ? 's' : ''} (${name}, ports ${basePort}-${basePort + 9})…`,
	);
	const started = Date.now();
	const queue = await startBenchQueue({
		name,
		basePort,
		workers,
		sandboxUrl: sandbox.url,
		workflows: [
			...triggerWorkflows(['ours']),
			...actionWorkflows({ url: sandbox.url }).filter((w) => w.id === ACTION_WORKFLOW_IDS.ours),
		],
	});
	opts.onStack(queue);
	const startupMs = Date.now() - started;
	// the processes do not change during the runs (nothing is restarted); the bench process (client and API
	// polling) and the sandbox are metered too, for the JSON: they share the cores but are no part of a cluster
	const targets: CpuTarget[] = [
		...queue.cpuTargets(),
		{ role: 'bench', pid: process.pid, scope: 'process' },
		{ role: 'sandbox', pid: sandbox.pid, scope: 'process' },
	];
	opts.log(
		`  ready in ${ms(startupMs)}: ${targets.map((t) => `${t.role} pid ${t.pid}`).join(', ')}`,
	);
	const result: StackResult = {
		workers,
		name,
		basePort,
		startupMs,
		targets,
		trigger: [],
		action: [],
	};
	try {
		const reps = Math.max(opts.trigger.reps, opts.action.reps);
		for (let rep = 0; rep <= reps; rep++) {
			const warmup = rep === 0;
			if (warmup || rep <= opts.trigger.reps) {
				const reports = warmup ? opts.trigger.warmupReports : opts.trigger.reports;
				const run = await ingestRun(queue.n8n, 'ours', reports, opts.trigger.concurrency, targets);
				Object.assign(run, { rep, warmup });
				result.trigger.push(run);
				opts.log(`  queue ${workers}w trigger ${describeIngestRun(run)}`);
			}
			if (warmup || rep <= opts.action.reps) {
				const items = warmup ? opts.action.warmupItems : opts.action.items;
				const run = await actionN8nRun(queue.n8n, sandbox, 'ours', items, targets);
				Object.assign(run, { rep, warmup });
				result.action.push(run);
				opts.log(`  queue ${workers}w action  ${describeActionRun(run, items)}`);
			}
		}
	} finally {
		const stopping = Date.now();
		await queue.stop();
		opts.onStack(undefined);
		result.stopMs = Date.now() - stopping;
	}
	return result;
}
