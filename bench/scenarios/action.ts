/**
 * 1. Action throughput: N items → Contract: Send, one POST /EnviarContrato per item, in real n8n executions.
 *
 * Variants (all in the same n8n, same sandbox, run alternately): our node default / with batching 10; n8n's HTTP
 * Request node default / with batching 10 (interval 0); and the floor: Node's own http client with a keep-alive
 * Agent in the bench process, sequential and at concurrency 10. The time of an n8n variant is the node's own
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
import type { ScenarioOutcome, TableRow } from '../lib/report';
import type { SandboxProcess, SandboxRequest } from '../lib/sandbox';
import { ms, msRange, num, ratio, round, summarize, times, type Summary } from '../lib/stats';
import { ACTION_WORKFLOW_IDS, BATCHING, MEASURED_NODE, type ActionVariant } from '../workflows';

export interface ActionOptions {
	items: number;
	reps: number;
	warmups: number;
	/** items per warm-up run (fewer than `items`: warming up needs no full run) */
	warmupItems: number;
	floorConcurrency: number;
	log: (line: string) => void;
}

type FloorVariant = 'floorSequential' | 'floorConcurrent';
type Variant = ActionVariant | FloorVariant;

interface Run {
	rep: number;
	warmup: boolean;
	valid: boolean;
	invalidReason?: string;
	/** the node's executionTime (n8n variants) or the client's wall time (floor) */
	timeMs: number | null;
	/** n8n variants: the execution's wall time */
	executionMs?: number | null;
	executionId?: string;
	successfulCalls: number;
	outputItems?: number;
}

const LABELS: Record<Variant, string> = {
	ours: 'Lofirmo, default (sequential)',
	oursBatch: 'Lofirmo, batching 10 (0 ms)',
	http: 'HTTP Request, default',
	httpBatch: 'HTTP Request, batching 10 (0 ms)',
	floorSequential: 'floor: http keep-alive, sequential',
	floorConcurrent: 'floor: http keep-alive, 10 at once',
};

export async function runActionScenario(
	n8n: BenchN8n,
	sandbox: SandboxProcess,
	opts: ActionOptions,
): Promise<ScenarioOutcome> {
	const variants: Variant[] = [
		'ours',
		'oursBatch',
		'http',
		'httpBatch',
		'floorSequential',
		'floorConcurrent',
	];
	const runs = new Map<Variant, Run[]>(variants.map((v) => [v, []]));
	const sampleBodies = new Map<Variant, Record<string, unknown>>();
	const warnings: string[] = [];

	const total = opts.warmups + opts.reps;
	for (let rep = 0; rep < total; rep++) {
		const warmup = rep < opts.warmups;
		// rotate the order each repetition so no variant always runs first (or right after another)
		const order = variants.map((_, i) => variants[(i + rep) % variants.length]);
		const items = warmup ? opts.warmupItems : opts.items;
		for (const variant of order) {
			await sandbox.reset();
			const run =
				variant === 'floorSequential' || variant === 'floorConcurrent'
					? await floorRun(
							sandbox,
							items,
							variant === 'floorSequential' ? 1 : opts.floorConcurrency,
						)
					: await n8nRun(n8n, variant, items);
			const requests = await sandbox.requests();
			run.successfulCalls = requests.filter(isSuccessfulSend).length;
			if (run.valid && run.successfulCalls !== items) {
				run.valid = false;
				run.invalidReason = `the sandbox logged ${run.successfulCalls} successful sends, not ${items}`;
			}
			if (!sampleBodies.has(variant) && requests[0]) sampleBodies.set(variant, requests[0].params);
			run.rep = rep - opts.warmups + 1;
			run.warmup = warmup;
			runs.get(variant)!.push(run);
			opts.log(
				`  action ${variant.padEnd(15)} ${warmup ? 'warm-up' : `rep ${run.rep}  `} ${ms(run.timeMs).padStart(9)}` +
					(run.executionMs !== undefined ? `  (execution ${ms(run.executionMs)})` : '') +
					`  ${run.successfulCalls}/${items} sends ok${run.valid ? '' : `  INVALID: ${run.invalidReason}`}`,
			);
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

	const stats = new Map<Variant, { time: Summary | null; execution: Summary | null }>();
	for (const variant of variants) {
		const valid = runs.get(variant)!.filter((r) => !r.warmup && r.valid);
		stats.set(variant, {
			time: summarize(valid.map((r) => r.timeMs ?? NaN)),
			execution: summarize(valid.map((r) => r.executionMs ?? NaN)),
		});
	}
	const median = (v: Variant) => stats.get(v)?.time?.median ?? null;
	/** the reference each variant is compared with */
	const references: Record<ActionVariant, { httpRequest: Variant | null; floor: FloorVariant }> = {
		ours: { httpRequest: 'http', floor: 'floorSequential' },
		oursBatch: { httpRequest: 'httpBatch', floor: 'floorConcurrent' },
		http: { httpRequest: null, floor: 'floorConcurrent' },
		httpBatch: { httpRequest: null, floor: 'floorConcurrent' },
	};

	const rows: TableRow[] = [];
	const variantJson: Record<string, unknown> = {};
	for (const variant of variants) {
		const { time, execution } = stats.get(variant)!;
		const all = runs.get(variant)!.filter((r) => !r.warmup);
		const validCount = all.filter((r) => r.valid).length;
		const itemsPerSecond = time ? opts.items / (time.median / 1000) : null;
		const isFloor = variant === 'floorSequential' || variant === 'floorConcurrent';
		const ref = isFloor ? undefined : references[variant as ActionVariant];
		const vsHttp = ref?.httpRequest ? ratio(median(variant), median(ref.httpRequest)) : null;
		const vsFloor = ref ? ratio(median(variant), median(ref.floor)) : null;
		variantJson[variant] = {
			label: LABELS[variant],
			timeMs: time,
			executionWallMs: isFloor ? undefined : execution,
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
			notes: [isFloor ? '' : `exec ${ms(execution?.median)}`, `${validCount}/${all.length} valid`]
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
				"n8n variants: the measured node's own executionTime (runData[node][0].executionTime), the Webhook and the Code node that makes the items excluded; executionWallMs: n8n's startedAt → stoppedAt of the whole execution. Floor: wall time of the bench process's own N POSTs.",
			ratioDefinition:
				'time ratio = median time of the variant ÷ median time of the reference (lower is better; 1.00 = as fast). vsHttpRequest: our default vs HTTP Request default, our batching vs HTTP Request batching. vsFloor: our default (sequential) vs the sequential floor; every batched or concurrent variant vs the concurrency-10 floor (HTTP Request sends all items at once unless batching has an interval). vsFloorSequential / vsFloorConcurrent give both for every variant.',
			validity: `a run counts only if the sandbox logged exactly ${opts.items} sends answered 200 with Res 10 and (n8n variants) the execution succeeded with ${opts.items} output items`,
			variants: variantJson,
		},
		rows,
		warnings,
	};
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

async function n8nRun(n8n: BenchN8n, variant: ActionVariant, items: number): Promise<Run> {
	const workflowId = ACTION_WORKFLOW_IDS[variant];
	const before = await lastExecutionId(n8n, workflowId);
	const client = new KeepAliveClient(1);
	try {
		const answer = await client.request(n8n.urls.get(workflowId)!, {
			method: 'POST',
			body: { count: items },
		});
		if (answer.status !== 200) {
			return invalid(
				`the webhook answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 200)}`,
			);
		}
	} finally {
		client.close();
	}
	const [summary] = await waitForNewExecutions(n8n, workflowId, before, 1, {
		timeoutMs: 600_000,
		idleMs: 600_000,
		intervalMs: 200,
	});
	if (!summary) return invalid('no execution was recorded');
	const execution = await executionWithData(n8n, summary.id);
	const node = nodeRun(execution, MEASURED_NODE);
	const failedItems = node.items.filter((item) => item.json?.error !== undefined).length;
	const run: Run = {
		rep: 0,
		warmup: false,
		valid: true,
		timeMs: node.executionTime,
		executionMs: executionWallMs(execution),
		executionId: summary.id,
		successfulCalls: 0,
		outputItems: node.items.length,
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

async function floorRun(sandbox: SandboxProcess, items: number, concurrency: number): Promise<Run> {
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

function invalid(reason: string): Run {
	return {
		rep: 0,
		warmup: false,
		valid: false,
		invalidReason: reason,
		timeMs: null,
		successfulCalls: 0,
	};
}
