/**
 * 1. Action throughput: N items → Contract: Send, one POST /EnviarContrato per item, in real n8n executions.
 *
 * Variants (all in the same n8n, same sandbox, run alternately): our node default / with batching 10; n8n's HTTP
 * Request node default / with batching 10 (interval 0); both nodes default over HTTPS when the sandbox serves it
 * (n8n opens a new connection, so a TLS handshake, for every request: what calls to the real Lofirmo cost); and the
 * floor: Node's own http client with a keep-alive Agent in the bench process, sequential and at concurrency 10. The time of an n8n variant is the node's own
 * `executionTime` from the execution data (the Webhook and the Code node that makes the items are not in it);
 * the whole execution's wall time (n8n's startedAt → stoppedAt) is reported beside it.
 * A run counts only if the sandbox logged exactly N successful sends (it is reset before each run) and the
 * node put out N items.
 */
import { isDeepStrictEqual } from 'node:util';

import { KeepAliveClient, runPool } from '../lib/http';
import {
	executionWallMs,
	executionWithData,
	lastExecutionId,
	nodeRun,
	waitForNewExecutions,
	type BenchN8n,
} from '../lib/n8n';
import { cpuPerThousand, withCpu, type CpuTarget } from '../lib/cpu';
import type { ScenarioOutcome, TableRow } from '../lib/report';
import type { SandboxProcess, SandboxRequest } from '../lib/sandbox';
import { ms, msRange, num, ratio, round, summarize, times, type Summary } from '../lib/stats';
import {
	ACTION_VARIANTS,
	ACTION_WORKFLOW_IDS,
	BATCHING,
	MEASURED_NODE,
	type ActionVariant,
} from '../workflows';

export interface ActionOptions {
	items: number;
	reps: number;
	warmups: number;
	/** items per warm-up run (fewer than `items`: warming up needs no full run) */
	warmupItems: number;
	floorConcurrency: number;
	/** the processes whose CPU each n8n run meters (default none) */
	cpuTargets?: CpuTarget[];
	log: (line: string) => void;
}

/** What the queue-mode rows compare with: our node with default settings in this n8n. */
export interface ActionBaseline {
	/** the node's own executionTime */
	nodeMs: Summary | null;
	/** the webhook POST sent → the execution's stoppedAt */
	endToEndMs: Summary | null;
	/** CPU ms per 1,000 items of each metered process, over the valid measured runs */
	cpuMsPer1000: Record<string, number> | null;
}

type FloorVariant = 'floorSequential' | 'floorConcurrent';
type Variant = ActionVariant | FloorVariant;

export interface ActionRun {
	rep: number;
	warmup: boolean;
	valid: boolean;
	invalidReason?: string;
	/** the node's executionTime (n8n variants) or the client's wall time (floor) */
	timeMs: number | null;
	/** n8n variants: the execution's wall time */
	executionMs?: number | null;
	/** n8n variants: the webhook POST sent → the execution's stoppedAt (what the caller waits, queue hop included) */
	endToEndMs?: number | null;
	executionId?: string;
	successfulCalls: number;
	outputItems?: number;
	/** n8n variants: CPU ms each metered process used from the POST until the execution was listed finished */
	cpuMs?: Record<string, number>;
}

const LABELS: Record<Variant, string> = {
	ours: 'Lofirmo, default (sequential)',
	oursBatch: 'Lofirmo, batching 10 (0 ms)',
	http: 'HTTP Request, default',
	httpBatch: 'HTTP Request, batching 10 (0 ms)',
	oursTls: 'Lofirmo, default, over HTTPS',
	httpTls: 'HTTP Request, default, over HTTPS',
	floorSequential: 'floor: http keep-alive, sequential',
	floorConcurrent: 'floor: http keep-alive, 10 at once',
};

export async function runActionScenario(
	n8n: BenchN8n,
	sandbox: SandboxProcess,
	opts: ActionOptions,
): Promise<ScenarioOutcome & { baseline: ActionBaseline }> {
	const variants: Variant[] = [
		'ours',
		'oursBatch',
		'http',
		'httpBatch',
		...(sandbox.tlsUrl ? (['oursTls', 'httpTls'] as const) : []),
		'floorSequential',
		'floorConcurrent',
	];
	const runs = new Map<Variant, ActionRun[]>(variants.map((v) => [v, []]));
	const sampleBodies = new Map<Variant, Record<string, unknown>>();
	const warnings: string[] = [];

	const total = opts.warmups + opts.reps;
	for (let rep = 0; rep < total; rep++) {
		const warmup = rep < opts.warmups;
		// rotate the order each repetition so no variant always runs first (or right after another)
		const order = variants.map((_, i) => variants[(i + rep) % variants.length]);
		const items = warmup ? opts.warmupItems : opts.items;
		for (const variant of order) {
			const { run, firstRequest } = await checkedRun(sandbox, items, () =>
				variant === 'floorSequential' || variant === 'floorConcurrent'
					? floorRun(sandbox, items, variant === 'floorSequential' ? 1 : opts.floorConcurrency)
					: n8nRun(n8n, variant, items, opts.cpuTargets),
			);
			if (!sampleBodies.has(variant) && firstRequest) sampleBodies.set(variant, firstRequest);
			run.rep = rep - opts.warmups + 1;
			run.warmup = warmup;
			runs.get(variant)!.push(run);
			opts.log(`  action ${variant.padEnd(15)} ${describeActionRun(run, items)}`);
			if (!run.valid)
				warnings.push(
					`action ${variant} ${warmup ? 'warm-up' : `rep ${run.rep}`} invalid: ${run.invalidReason}`,
				);
		}
	}

	// the n8n variants must send what our node sends (same keys and values for the same item)
	const ourBody = sampleBodies.get('ours');
	for (const variant of variants) {
		const body = sampleBodies.get(variant);
		if (ourBody && body && !isDeepStrictEqual(normaliseBody(body), normaliseBody(ourBody))) {
			warnings.push(
				`action ${variant} sent a different body than our node: ${JSON.stringify(body)} vs ${JSON.stringify(ourBody)}`,
			);
		}
	}

	const stats = new Map<Variant, ActionStats>();
	for (const variant of variants) stats.set(variant, actionStats(runs.get(variant)!));
	const median = (v: Variant) => stats.get(v)?.time?.median ?? null;
	/** the reference each variant is compared with */
	const references: Record<ActionVariant, { httpRequest: Variant | null; floor: FloorVariant }> = {
		ours: { httpRequest: 'http', floor: 'floorSequential' },
		oursBatch: { httpRequest: 'httpBatch', floor: 'floorConcurrent' },
		http: { httpRequest: null, floor: 'floorConcurrent' },
		httpBatch: { httpRequest: null, floor: 'floorConcurrent' },
		oursTls: { httpRequest: 'httpTls', floor: 'floorSequential' },
		httpTls: { httpRequest: null, floor: 'floorSequential' },
	};

	const rows: TableRow[] = [];
	const variantJson: Record<string, unknown> = {};
	for (const variant of variants) {
		const { time, execution, endToEnd, cpuMsPer1000 } = stats.get(variant)!;
		const all = runs.get(variant)!.filter((r) => !r.warmup);
		const validCount = all.filter((r) => r.valid).length;
		const itemsPerSecond = time ? opts.items / (time.median / 1000) : null;
		const isFloor = variant === 'floorSequential' || variant === 'floorConcurrent';
		const ref = isFloor ? undefined : references[variant as ActionVariant];
		const vsHttp = ref?.httpRequest ? ratio(median(variant), median(ref.httpRequest)) : null;
		const vsFloor = ref ? ratio(median(variant), median(ref.floor)) : null;
		// an HTTPS variant against the same node over plain HTTP: what the handshake per request adds
		const plain = isFloor ? undefined : plainHttpOf(variant as ActionVariant);
		const vsPlain = plain ? ratio(median(variant), median(plain)) : null;
		variantJson[variant] = {
			label: LABELS[variant],
			timeMs: time,
			executionWallMs: isFloor ? undefined : execution,
			endToEndMs: isFloor ? undefined : endToEnd,
			cpuMsPer1000Items: isFloor ? undefined : cpuMsPer1000,
			itemsPerSecond: itemsPerSecond === null ? null : round(itemsPerSecond, 1),
			validRuns: validCount,
			runs: runs.get(variant),
			ratios: ref
				? {
						vsHttpRequest: ref.httpRequest
							? { reference: ref.httpRequest, value: vsHttp === null ? null : round(vsHttp, 3) }
							: null,
						vsFloor: { reference: ref.floor, value: vsFloor === null ? null : round(vsFloor, 3) },
						vsFloorSequential: roundOrNull(ratio(median(variant), median('floorSequential'))),
						vsFloorConcurrent: roundOrNull(ratio(median(variant), median('floorConcurrent'))),
						vsSameNodeOverHttp: plain ? { reference: plain, value: roundOrNull(vsPlain) } : null,
					}
				: null,
			sampleRequestParams: sampleBodies.get(variant) ?? null,
		};
		const ratioText = [
			vsHttp !== null ? `${times(vsHttp)} HTTP Req` : '',
			ref
				? `${times(vsFloor)} ${ref.floor === 'floorSequential' ? 'floor seq' : `floor c${opts.floorConcurrency}`}`
				: '',
		]
			.filter(Boolean)
			.join(', ');
		rows.push({
			section: `1 · Action: ${num(opts.items)} items → Contract: Send · the node's own time (floors: wall time) · ratio = time ÷ reference, lower is better`,
			variant: LABELS[variant],
			median: time ? `${ms(time.median)} · ${num(itemsPerSecond)} items/s` : 'n/a',
			spread: msRange(time),
			ratio: isFloor ? '(reference)' : ratioText,
			notes: [
				isFloor ? '' : `exec ${ms(execution?.median)} · e2e ${ms(endToEnd?.median)}`,
				plain ? `${times(vsPlain)} the same over HTTP` : '',
				`${validCount}/${all.length} valid`,
			]
				.filter(Boolean)
				.join(' · '),
		});
	}

	return {
		json: {
			items: opts.items,
			repetitions: opts.reps,
			warmups: opts.warmups,
			warmupItems: opts.warmupItems,
			batching: BATCHING,
			workflows: ACTION_WORKFLOW_IDS,
			measuredNode: MEASURED_NODE,
			timeDefinition:
				"n8n variants: the measured node's own executionTime (runData[node][0].executionTime), the Webhook and the Code node that makes the items excluded; executionWallMs: n8n's startedAt → stoppedAt of the whole execution; endToEndMs (e2e): the webhook POST sent by the bench → the execution's stoppedAt. Floor: wall time of the bench process's own N POSTs. cpuMsPer1000Items: CPU ms of each metered process (n8n with its task runner) from the POST until the execution was listed finished, × 1,000 ÷ items sent, over the valid measured runs.",
			ratioDefinition:
				'time ratio = median time of the variant ÷ median time of the reference (lower is better; 1.00 = as fast). vsHttpRequest: our default vs HTTP Request default, our batching vs HTTP Request batching. vsFloor: our default (sequential) vs the sequential floor; every batched or concurrent variant vs the concurrency-10 floor (HTTP Request sends all items at once unless batching has an interval). vsFloorSequential / vsFloorConcurrent give both for every variant.',
			validity: `a run counts only if the sandbox logged exactly ${opts.items} sends answered 200 with Res 10 and (n8n variants) the execution succeeded with ${opts.items} output items`,
			variants: variantJson,
		},
		rows,
		warnings,
		baseline: {
			nodeMs: stats.get('ours')!.time,
			endToEndMs: stats.get('ours')!.endToEnd,
			cpuMsPer1000: stats.get('ours')!.cpuMsPer1000,
		},
	};
}

/** One log line's worth of a run: which repetition, the time, the execution's times, the sends. */
export function describeActionRun(run: ActionRun, items: number): string {
	return (
		`${run.warmup ? 'warm-up' : `rep ${run.rep}  `} ${ms(run.timeMs).padStart(9)}` +
		(run.executionMs !== undefined
			? `  (execution ${ms(run.executionMs)}, e2e ${ms(run.endToEndMs)})`
			: '') +
		`  ${run.successfulCalls}/${items} sends ok${run.valid ? '' : `  INVALID: ${run.invalidReason}`}`
	);
}

/**
 * One run with the sandbox reset before it and its log counted after: valid only if it logged exactly `items`
 * successful sends. Returns the run and the parameters of the first request the sandbox received.
 */
async function checkedRun(
	sandbox: SandboxProcess,
	items: number,
	work: () => Promise<ActionRun>,
): Promise<{ run: ActionRun; firstRequest?: Record<string, unknown> }> {
	await sandbox.reset();
	const run = await work();
	const requests = await sandbox.requests();
	run.successfulCalls = requests.filter(isSuccessfulSend).length;
	if (run.valid && run.successfulCalls !== items) {
		run.valid = false;
		run.invalidReason = `the sandbox logged ${run.successfulCalls} successful sends, not ${items}`;
	}
	return { run, firstRequest: requests[0]?.params };
}

/**
 * One n8n execution of an action workflow (one webhook POST of `items`), checked against the sandbox's log, the
 * CPU of `cpuTargets` metered from the POST until the execution is listed finished. Used in regular and queue mode
 * alike.
 */
export async function actionN8nRun(
	n8n: BenchN8n,
	sandbox: SandboxProcess,
	variant: ActionVariant,
	items: number,
	cpuTargets: CpuTarget[] = [],
): Promise<ActionRun> {
	return (await checkedRun(sandbox, items, () => n8nRun(n8n, variant, items, cpuTargets))).run;
}

interface ActionStats {
	/** the node's executionTime (floors: wall time) */
	time: Summary | null;
	/** n8n's startedAt → stoppedAt */
	execution: Summary | null;
	/** the webhook POST sent → stoppedAt */
	endToEnd: Summary | null;
	cpuMsPer1000: Record<string, number> | null;
}

/** Medians and spreads over the valid measured runs (warm-ups left out), CPU per 1,000 items sent. */
export function actionStats(runs: ActionRun[]): ActionStats {
	const valid = runs.filter((r) => !r.warmup && r.valid);
	return {
		time: summarize(valid.map((r) => r.timeMs ?? NaN)),
		execution: summarize(valid.map((r) => r.executionMs ?? NaN)),
		endToEnd: summarize(valid.map((r) => r.endToEndMs ?? NaN)),
		cpuMsPer1000: cpuPerThousand(valid.map((r) => ({ cpuMs: r.cpuMs, events: r.successfulCalls }))),
	};
}

/** The same node with default settings over plain HTTP, for a variant over HTTPS. */
function plainHttpOf(variant: ActionVariant): ActionVariant | undefined {
	const { node, tls } = ACTION_VARIANTS[variant];
	return tls ? node : undefined;
}

function roundOrNull(value: number | null): number | null {
	return value === null ? null : round(value, 3);
}

function isSuccessfulSend(request: SandboxRequest): boolean {
	return request.fn === 'sendContract' && request.status === 200 && request.res === '10';
}

/** Key case does not matter to the API (the sandbox lower-cases top-level keys already). */
function normaliseBody(params: Record<string, unknown>): unknown {
	return JSON.parse(
		JSON.stringify(params)
			.replace(/"signer \d+"/gi, '"signer"')
			.replace(/"signer\d+@/gi, '"signer@'),
	);
}

async function n8nRun(
	n8n: BenchN8n,
	variant: ActionVariant,
	items: number,
	cpuTargets: CpuTarget[] = [],
): Promise<ActionRun> {
	const workflowId = ACTION_WORKFLOW_IDS[variant];
	const before = await lastExecutionId(n8n, workflowId);
	const sentAt = Date.now();
	// the finished execution, or why there is none; metered from the POST until the execution is listed as
	// finished (reading its data back is not the work)
	const { result: summary, cpuMs } = await withCpu(cpuTargets, async () => {
		const client = new KeepAliveClient(1);
		try {
			const answer = await client.request(n8n.urls.get(workflowId)!, {
				method: 'POST',
				body: { count: items },
			});
			if (answer.status !== 200)
				return `the webhook answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 200)}`;
		} finally {
			client.close();
		}
		const [finished] = await waitForNewExecutions(n8n, workflowId, before, 1, {
			timeoutMs: 600_000,
			idleMs: 600_000,
			intervalMs: 200,
		});
		return finished ?? 'no execution was recorded';
	});
	if (typeof summary === 'string') return invalid(summary);
	const execution = await executionWithData(n8n, summary.id);
	const node = nodeRun(execution, MEASURED_NODE);
	const failedItems = node.items.filter((item) => item.json?.error !== undefined).length;
	const run: ActionRun = {
		rep: 0,
		warmup: false,
		valid: true,
		timeMs: node.executionTime,
		executionMs: executionWallMs(execution),
		endToEndMs: execution.stoppedAt ? Date.parse(execution.stoppedAt) - sentAt : null,
		executionId: summary.id,
		successfulCalls: 0,
		outputItems: node.items.length,
		cpuMs,
	};
	if (execution.status !== 'success') {
		const error = execution.data?.resultData?.error as { message?: string } | undefined;
		return {
			...run,
			valid: false,
			invalidReason: `execution ${summary.id} ended "${execution.status}": ${error?.message ?? node.error ?? ''}`,
		};
	}
	if (node.items.length !== items || failedItems > 0) {
		return {
			...run,
			valid: false,
			invalidReason: `the node put out ${node.items.length} items (${failedItems} with an error), not ${items}`,
		};
	}
	return run;
}

async function floorRun(
	sandbox: SandboxProcess,
	items: number,
	concurrency: number,
): Promise<ActionRun> {
	const client = new KeepAliveClient(concurrency);
	const url = `${sandbox.url}/EnviarContrato`;
	let failures = 0;
	const started = performance.now();
	try {
		await runPool(items, concurrency, async (i) => {
			// the body is built per item, as a node builds it from its item
			const body = JSON.stringify({
				Firmantes: [{ Nombre: `Signer ${i}`, Email: `signer${i}@example.com` }],
				Resp: 'JSON',
			});
			const answer = await client.request(url, {
				method: 'POST',
				headers: { authorization: sandbox.authorization, 'content-type': 'application/json' },
				body,
			});
			const parsed =
				answer.status === 200
					? (JSON.parse(answer.body.toString('utf8')) as Array<{ Res?: string }>)
					: [];
			if (parsed[0]?.Res !== '10') failures++;
		});
	} finally {
		client.close();
	}
	const timeMs = performance.now() - started;
	return {
		rep: 0,
		warmup: false,
		valid: failures === 0,
		invalidReason: failures ? `${failures} answers were not Res 10` : undefined,
		timeMs,
		successfulCalls: 0,
	};
}

function invalid(reason: string): ActionRun {
	return {
		rep: 0,
		warmup: false,
		valid: false,
		invalidReason: reason,
		timeMs: null,
		successfulCalls: 0,
	};
}
