/**
 * 5. Queue mode, the figures: rows for the main table (each against the regular-mode row with the same workload),
 * the CPU per 1,000 events of every process of each stack, and the projection on paper for a real cluster that
 * follows from those CPU figures (the assumptions are printed with it and written to the JSON).
 */
import { cpuPerThousand, type CpuTarget } from '../lib/cpu';
import type { ExtraTable, ScenarioOutcome, TableRow } from '../lib/report';
import { ms, msRange, num, ratio, round, summarize, times, type Summary } from '../lib/stats';
import { actionStats, type ActionBaseline, type ActionRun } from './action';
import type { IngestRun, TriggerBaseline } from './trigger';

/** The regular-mode figures of this run the queue rows are compared with (absent when 1 or 2 did not run). */
export interface QueueBaselines {
	trigger?: TriggerBaseline;
	action?: ActionBaseline;
}

/** What one stack (1 or 2 workers) measured. */
export interface StackResult {
	workers: number;
	name: string;
	basePort: number;
	startupMs: number;
	stopMs?: number;
	targets: CpuTarget[];
	trigger: IngestRun[];
	action: ActionRun[];
}

/** The role the regular-mode n8n's CPU is metered under in scenarios 1 and 2 (the "regular n8n" column). */
export const REGULAR_N8N_ROLE = 'n8n';

/** the processes of a cluster, in table order; the bench process and the sandbox are metered but not shown */
const ROLES = ['main', 'webhook', 'worker-0', 'worker-1', 'postgres', 'redis'] as const;
const ROLE_TITLES: Record<(typeof ROLES)[number], string> = {
	main: 'main',
	webhook: 'webhook proc.',
	'worker-0': 'worker-0',
	'worker-1': 'worker-1',
	postgres: 'PostgreSQL',
	redis: 'Redis',
};

/** Written next to the projection (bench output, latest.md, latest.json) and in bench/README.md. */
export const PROJECTION_ASSUMPTIONS = [
	'A tier of n processes handles n × 1,000,000 ÷ (its CPU ms per 1,000 events) events/s: each process has a core of its own, is bound by CPU alone, and costs per event what it cost here.',
	'Enough work is in flight to keep each process busy: the callers send concurrently and a worker runs up to 10 executions at once (its default), which must cover the time an execution waits on the API it calls.',
	'PostgreSQL and Redis are shared by every process: PostgreSQL runs one backend per connection and spreads over the cores it gets (its disk, WAL and locks are not modelled); Redis runs commands on one thread, so one core.',
	"main is left out: in queue mode it only hears that each job finished (its figure here is mostly the bench's own polling of its API, which PostgreSQL's figure includes too).",
	'Outside the projection: the load balancer, the network between machines (loopback here costs little), the bench client and the API the action calls (the sandbox here).',
	'Measured on a shared 2-core machine where every process competes for the cores: the CPU per event includes that contention, so a cluster with a core per process would likely do better; the 1- and 2-worker rows show how much it moves.',
	'/proc counts CPU in ticks of 10 ms: a tier that used under 50 ms over a row gets no ceiling of its own, only "> N", what 50 ms would allow.',
];

export function queueOutcome(
	stacks: StackResult[],
	baselines: QueueBaselines,
	opts: {
		trigger: { reports: number; concurrency: number; reps: number; warmupReports: number };
		action: { items: number; reps: number; warmupItems: number };
	},
): ScenarioOutcome {
	const measured = stacks.map((stack) => measure(stack));
	const invalid = (stack: StackResult, what: string, runs: Array<IngestRun | ActionRun>) =>
		runs
			.filter((run) => !run.warmup && !run.valid)
			.map((run) => `queue ${stack.workers}w ${what} rep ${run.rep}: ${run.invalidReason}`);
	const warnings = stacks.flatMap((stack) => [
		...invalid(stack, 'trigger', stack.trigger),
		...invalid(stack, 'action', stack.action),
	]);
	const label = (m: Measured) => `queue, ${m.workers} worker${m.workers > 1 ? 's' : ''}`;

	const triggerSection = `5 · Queue mode, trigger ingest: ${opts.trigger.reports} reports, ${opts.trigger.concurrency} at once, to the webhook processor · events/s = executions finished (listed by main's API with stoppedAt) ÷ (first report sent → last stoppedAt), as in 2 · ratio = events/s ÷ regular mode (2), higher is better`;
	const actionSection = `5 · Queue mode, action: ${num(opts.action.items)} items → Contract: Send (our node, default) on a worker · e2e = webhook POST → execution finished (stoppedAt, main's API) · ratio = time ÷ regular mode (1), lower is better`;
	const rows: TableRow[] = [
		...measured.map((m) => ({
			section: triggerSection,
			variant: `Lofirmo Trigger, ${label(m)}`,
			median: m.trigger.events ? `${num(m.trigger.events.median)} events/s` : 'n/a',
			spread: m.trigger.events
				? `${num(m.trigger.events.min)}–${num(m.trigger.events.max)}`
				: 'n/a',
			ratio: `${times(ratio(m.trigger.events?.median, baselines.trigger?.eventsPerSecond?.median))} regular`,
			notes: `answered ${num(m.trigger.answered?.median)}/s (HTTP, before a worker ran them) · p50 ${ms(m.trigger.p50?.median)}, p99 ${ms(m.trigger.p99?.median)} · lost ${m.trigger.lost}/${m.trigger.sent}`,
		})),
		...measured.map((m) => {
			const { endToEnd, time, execution } = m.action.stats;
			return {
				section: actionSection,
				variant: `Lofirmo, default, ${label(m)}`,
				median: endToEnd
					? `${ms(endToEnd.median)} e2e · ${num(opts.action.items / (endToEnd.median / 1000))} items/s`
					: 'n/a',
				spread: msRange(endToEnd),
				ratio: `${times(ratio(endToEnd?.median, baselines.action?.endToEndMs?.median))} regular e2e, ${times(ratio(time?.median, baselines.action?.nodeMs?.median))} node time`,
				notes: `node ${ms(time?.median)} · exec ${ms(execution?.median)} · ${m.action.valid}/${m.action.measured} valid`,
			};
		}),
	];

	const workloads: WorkloadCpu[] = measured.flatMap((m) => [
		{
			row: `trigger, ${label(m)}`,
			unit: '1,000 reports',
			cpu: m.trigger.cpu,
			events: m.trigger.cpuEvents,
			regular: baselines.trigger?.cpuMsPer1000?.[REGULAR_N8N_ROLE],
		},
		{
			row: `action, ${label(m)}`,
			unit: '1,000 items',
			cpu: m.action.stats.cpuMsPer1000,
			events: m.action.cpuEvents,
			regular: baselines.action?.cpuMsPer1000?.[REGULAR_N8N_ROLE],
		},
	]);
	const cpuTable: ExtraTable = {
		title:
			'5 · Queue mode: CPU ms per 1,000 events, by process (an n8n process with its task runners; PostgreSQL with its backends)',
		columns: ['Row', 'per', ...ROLES.map((r) => ROLE_TITLES[r]), 'cluster', 'regular n8n'],
		rows: workloads.map(({ row, unit, cpu, regular }) => [
			row,
			unit,
			...ROLES.map((role) => (cpu && role in cpu ? whole(cpu[role]) : '—')),
			cpu ? whole(clusterCpu(cpu)) : 'n/a',
			regular === undefined ? 'n/a' : whole(regular),
		]),
		notes: [
			'CPU = utime + stime (+ reaped children) from /proc/<pid>/stat of the process and its descendants, from the first request sent until the last execution was listed finished, summed over the measured repetitions × 1,000 ÷ their events (reports finished, items sent).',
			"cluster = every process of the stack; regular n8n = the single n8n (with its task runner) of scenarios 1 and 2 on the same workload. main's and PostgreSQL's figures include the bench's polling of main's API (an executions list every 200 ms until the last execution has finished, as in 1 and 2). The bench client and the sandbox are in the JSON.",
		],
	};

	const projection = workloads.map(project);
	const rate = (value: Ceiling | null) =>
		value === null ? '—' : `${value.lowerBound ? '> ' : ''}${num(value.eventsPerSecond)}`;
	const projectionTable: ExtraTable = {
		title:
			'5 · Queue mode: projection on paper for a real cluster, one core per process (events/s: reports or items)',
		columns: [
			'Row',
			'+1 webhook proc.',
			'+1 worker',
			'PostgreSQL / core',
			'Redis',
			'workers per webhook proc.',
			'regular n8n, 1 core',
		],
		rows: projection.map((p) => [
			p.row,
			rate(p.perWebhook),
			rate(p.perWorker),
			rate(p.postgresPerCore),
			rate(p.redis),
			p.workersPerWebhook === null ? '—' : num(p.workersPerWebhook),
			rate(p.regular),
		]),
		notes: [
			'rate(H webhook processors, W workers, PostgreSQL on P cores) ≈ min(H × "+1 webhook proc.", W × "+1 worker", P × "PostgreSQL / core", "Redis"); each figure = 1,000,000 ÷ that tier\'s CPU ms per 1,000 events above (a worker\'s: all workers\' CPU summed).',
			...projection.flatMap(whereSharedBinds),
			...PROJECTION_ASSUMPTIONS.map((a, i) => `Assumption ${i + 1}: ${a}`),
		],
	};

	return {
		json: {
			workerCounts: stacks.map((s) => s.workers),
			reports: opts.trigger.reports,
			concurrency: opts.trigger.concurrency,
			items: opts.action.items,
			repetitions: { trigger: opts.trigger.reps, action: opts.action.reps },
			warmup: { reports: opts.trigger.warmupReports, items: opts.action.warmupItems },
			eventsDefinition:
				"trigger: executions finished (status set, stoppedAt set, listed by main's public API, which reads PostgreSQL) ÷ (first report sent → last stoppedAt), as in scenario 2; answered/s: HTTP 200s from the webhook processor ÷ the send phase (it answers once the execution is queued, before a worker runs it). action: e2e = the webhook POST sent → the execution's stoppedAt; node = the node's own executionTime; as in scenario 1.",
			cpuDefinition: cpuTable.notes[0],
			ratioDefinition:
				'trigger: events/s ÷ the regular-mode Lofirmo Trigger of scenario 2 (default engine) in this run; action: e2e ÷ regular e2e and node time ÷ regular node time of "Lofirmo, default" in scenario 1 in this run',
			projection: {
				formula: projectionTable.notes[0],
				assumptions: PROJECTION_ASSUMPTIONS,
				rows: projection,
			},
			stacks: stacks.map((stack, i) => ({
				workers: stack.workers,
				name: stack.name,
				ports: `${stack.basePort}-${stack.basePort + 9}`,
				startupMs: stack.startupMs,
				stopMs: stack.stopMs,
				processes: stack.targets,
				trigger: {
					eventsPerSecond: measured[i].trigger.events,
					answeredPerSecond: measured[i].trigger.answered,
					latencyP50Ms: measured[i].trigger.p50,
					latencyP99Ms: measured[i].trigger.p99,
					executionsLost: measured[i].trigger.lost,
					sent: measured[i].trigger.sent,
					cpuMsPer1000Reports: measured[i].trigger.cpu,
					runs: stack.trigger,
				},
				action: {
					endToEndMs: measured[i].action.stats.endToEnd,
					nodeMs: measured[i].action.stats.time,
					executionWallMs: measured[i].action.stats.execution,
					cpuMsPer1000Items: measured[i].action.stats.cpuMsPer1000,
					validRuns: measured[i].action.valid,
					runs: stack.action,
				},
			})),
		},
		rows,
		warnings,
		tables: [cpuTable, projectionTable],
	};
}

interface Measured {
	workers: number;
	trigger: {
		events: Summary | null;
		answered: Summary | null;
		p50: Summary | null;
		p99: Summary | null;
		lost: number;
		sent: number;
		cpu: Record<string, number> | null;
		/** the events the CPU figures are per (executions of the valid runs) */
		cpuEvents: number;
	};
	action: {
		stats: ReturnType<typeof actionStats>;
		valid: number;
		measured: number;
		/** the events the CPU figures are per (items sent by the valid runs) */
		cpuEvents: number;
	};
}

/** Scenario 2's and scenario 1's summaries, over the measured repetitions of one stack. */
function measure(stack: StackResult): Measured {
	const trigger = stack.trigger.filter((r) => !r.warmup);
	const action = stack.action.filter((r) => !r.warmup);
	const validTrigger = trigger.filter((r) => r.valid);
	const validAction = action.filter((r) => r.valid);
	return {
		workers: stack.workers,
		trigger: {
			events: summarize(trigger.map((r) => r.eventsPerSecond ?? NaN)),
			answered: summarize(trigger.map((r) => r.acceptedPerSecond)),
			p50: summarize(trigger.map((r) => r.latencyP50Ms)),
			p99: summarize(trigger.map((r) => r.latencyP99Ms)),
			lost: trigger.reduce((sum, r) => sum + r.lost, 0),
			sent: trigger.reduce((sum, r) => sum + r.sent, 0),
			cpu: cpuPerThousand(validTrigger.map((r) => ({ cpuMs: r.cpuMs, events: r.recorded }))),
			cpuEvents: validTrigger.reduce((sum, r) => sum + r.recorded, 0),
		},
		action: {
			stats: actionStats(stack.action),
			valid: validAction.length,
			measured: action.length,
			cpuEvents: validAction.reduce((sum, r) => sum + r.successfulCalls, 0),
		},
	};
}

/** 7,500 · 0 (CPU per 1,000 events: whole milliseconds) */
function whole(value: number): string {
	return Math.round(value).toLocaleString('en-US');
}

function clusterCpu(cpu: Record<string, number>): number {
	return ROLES.reduce((sum, role) => sum + (cpu[role] ?? 0), 0);
}

/** One row of the CPU table and of the projection. */
interface WorkloadCpu {
	row: string;
	/** what the figures are per: `1,000 reports` or `1,000 items` */
	unit: string;
	/** CPU ms per 1,000 events by role */
	cpu: Record<string, number> | null;
	/** how many events the figures were measured over */
	events: number;
	/** the regular-mode n8n's CPU ms per 1,000 events on the same workload */
	regular?: number;
}

/** Events/s one core gives a tier; a lower bound when the tier used too little CPU over the row to measure. */
interface Ceiling {
	eventsPerSecond: number;
	lowerBound: boolean;
}

/** below this much CPU over a row (5 of /proc's 10 ms ticks), a tier's figure is too rough for a ceiling */
const MEASURABLE_MS = 50;

/** 1,000,000 ÷ CPU ms per 1,000 events: what one core gives the tier (null when not measured). */
function ceiling(msPer1000: number | undefined, events: number): Ceiling | null {
	if (msPer1000 === undefined || events <= 0) return null;
	const floorPer1000 = (MEASURABLE_MS * 1000) / events;
	return msPer1000 < floorPer1000
		? { eventsPerSecond: round(1_000_000 / floorPer1000, 1), lowerBound: true }
		: { eventsPerSecond: round(1_000_000 / msPer1000, 1), lowerBound: false };
}

/** The projection of one row: what each added process (or core) of a tier adds, from its CPU per event. */
function project({ row, cpu, events, regular }: WorkloadCpu) {
	const workers = cpu
		? Object.entries(cpu)
				.filter(([role]) => role.startsWith('worker-'))
				.reduce((sum, [, value]) => sum + value, 0)
		: undefined;
	const perWebhook = ceiling(cpu?.webhook, events);
	const perWorker = ceiling(workers, events);
	const measurable = (c: Ceiling | null): c is Ceiling => c !== null && !c.lowerBound;
	return {
		row,
		perWebhook,
		perWorker,
		postgresPerCore: ceiling(cpu?.postgres, events),
		redis: ceiling(cpu?.redis, events),
		/** how many workers one webhook processor keeps busy */
		workersPerWebhook:
			measurable(perWebhook) && measurable(perWorker)
				? round(perWebhook.eventsPerSecond / perWorker.eventsPerSecond, 2)
				: null,
		// the regular n8n's figure is over hundreds of events and seconds of CPU: always measurable
		regular: regular === undefined ? null : ceiling(regular, Infinity),
	};
}

/** For a row with two workers: where one core of PostgreSQL becomes the bound, and how many processes reach it. */
function whereSharedBinds(p: ReturnType<typeof project>): string[] {
	const { perWebhook, perWorker, postgresPerCore: pg } = p;
	if (!p.row.endsWith('2 workers') || !pg || pg.lowerBound || !perWorker || !perWebhook) return [];
	const needed = (tier: Ceiling) =>
		tier.lowerBound ? 1 : Math.ceil(pg.eventsPerSecond / tier.eventsPerSecond);
	return [
		`${p.row}: PostgreSQL on one core caps the cluster at ${num(pg.eventsPerSecond)} events/s, reached with ${needed(perWebhook)} webhook processor(s) and ${needed(perWorker)} workers; below that, rate ≈ ${perWebhook.lowerBound ? `W × ${num(perWorker.eventsPerSecond)} (one webhook processor handles more than ${num(perWebhook.eventsPerSecond)})` : `min(H × ${num(perWebhook.eventsPerSecond)}, W × ${num(perWorker.eventsPerSecond)})`}.`,
	];
}
