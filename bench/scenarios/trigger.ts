/**
 * 2. Trigger ingest: N contract status reports POSTed at concurrency C (keep-alive client in the bench process)
 * into active workflows of the same n8n, run alternately with the same N (which of them: `variants`):
 *   ours         Lofirmo Trigger 1.1 (Basic auth off, certificate download off: parse only)
 *   oursV1       the same at typeVersion 1 (workflows made before 1.1)
 *   oursAuth     ours with Basic auth on (the requests carry the right header)
 *   webhookCode  Webhook node + Code node parsing the report into the same item (bench/code-node-parse.ts)
 *   bareWebhook  Webhook node alone: n8n's own per-execution cost, the ceiling for any trigger
 *   webhookAuth  Webhook node alone with Basic auth on: the ceiling for a trigger that checks a password
 * events/s = executions recorded ÷ (first request sent → last execution's stoppedAt); latency is the HTTP round
 * trip of each report (n8n answers once the execution is created); lost = sent − executions recorded.
 * Before the runs, one contract and one identity report go to ours and to webhookCode, and their items are
 * compared: the Code node must produce exactly what the trigger produces.
 */
import { isDeepStrictEqual } from 'node:util';

import { basicAuth, KeepAliveClient, runPool } from '../lib/http';
import {
	executionWithData,
	lastExecutionId,
	nodeRun,
	waitForNewExecutions,
	type BenchN8n,
} from '../lib/n8n';
import { cpuPerThousand, withCpu, type CpuTarget } from '../lib/cpu';
import type { ScenarioOutcome, TableRow } from '../lib/report';
import { ms, num, percentile, ratio, round, summarize, times, type Summary } from '../lib/stats';
import { SANDBOX_TOKEN, SANDBOX_USER } from '../lib/sandbox';
import {
	TRIGGER_AUTH_VARIANTS,
	TRIGGER_NODE,
	TRIGGER_WORKFLOW_IDS,
	type TriggerVariant,
} from '../workflows';

export interface TriggerOptions {
	reports: number;
	concurrency: number;
	reps: number;
	warmupReports: number;
	/** which workflows to load, in the order of the table */
	variants: TriggerVariant[];
	/** how the n8n is set up (its expression engine settings), shown in the section title */
	engine: string;
	/** the processes whose CPU each run meters (default none) */
	cpuTargets?: CpuTarget[];
	log: (line: string) => void;
}

/** What the queue-mode rows compare with: our trigger in this n8n. */
export interface TriggerBaseline {
	eventsPerSecond: Summary | null;
	/** CPU ms per 1,000 reports of each metered process, over the measured runs */
	cpuMsPer1000: Record<string, number> | null;
}

export interface IngestRun {
	rep: number;
	warmup: boolean;
	sent: number;
	httpErrors: number;
	recorded: number;
	failedExecutions: number;
	lost: number;
	windowMs: number | null;
	eventsPerSecond: number | null;
	/** requests per second over the send phase alone (first request → last answer) */
	acceptedPerSecond: number;
	/** CPU ms each metered process used from the first report sent to the last execution found finished */
	cpuMs: Record<string, number>;
	latencyP50Ms: number;
	latencyP99Ms: number;
	valid: boolean;
	invalidReason?: string;
}

const LABELS: Record<TriggerVariant, string> = {
	ours: 'Lofirmo Trigger 1.1 (parse only)',
	oursV1: 'Lofirmo Trigger 1 (parse only)',
	oursAuth: 'Lofirmo Trigger 1.1, Basic auth',
	webhookCode: 'Webhook + Code (same parsing)',
	bareWebhook: 'bare Webhook',
	webhookAuth: 'Webhook, Basic auth',
};

/** What each variant is compared with (when that one runs too), and the name the ratio goes by. */
const REFERENCES: Record<TriggerVariant, TriggerVariant[]> = {
	ours: ['webhookCode', 'bareWebhook'],
	oursV1: ['bareWebhook'],
	oursAuth: ['webhookAuth', 'bareWebhook'],
	webhookCode: ['bareWebhook'],
	bareWebhook: [],
	webhookAuth: ['bareWebhook'],
};
const REFERENCE_NAMES: Partial<Record<TriggerVariant, string>> = {
	webhookCode: 'Webhook+Code',
	bareWebhook: 'bare',
	webhookAuth: 'Webhook+auth',
};

/** The Authorization header the Basic auth variants send (the credentials the bench gives both nodes). */
const AUTHORIZATION = basicAuth(SANDBOX_USER, SANDBOX_TOKEN);

/** A contract report as Lofirmo sends it (every value a string). */
export function contractReport(i: number): Record<string, string> {
	return {
		Servicio: 'CONTRATACION',
		ContratoID: String(1_000_000_000 + i),
		ReportID: String(2_000_000_000 + i),
		Resultado: i % 2 ? '11' : '1014',
		FechaEnvio: '2025-03-30 01:30',
		FechaFirma: '2025-03-30 03:30',
		NumFirmantes: '2',
		NumFimados: String(1 + (i % 2)),
		Referencia: `bench-${i}`,
		TipoFirma: '3',
	};
}

function identityReport(): Record<string, string> {
	return {
		Servicio: 'VERIFICACION_IDENTIDAD',
		ID: '299846332',
		FechaEnvio: '2025-10-26 02:30',
		Estado: '5100',
		UltimaActualizacion: '2025-10-26 10:10',
		Telefono: '34600000000',
		DNIAnverso: '00000000T',
		DNIReverso: '00000000T',
		DNISolicitado: '00000000T',
		Acceso: JSON.stringify({ Fecha: '2025-10-26 09:37:21', IP: '85.10.20.221', Puerto: '11892' }),
		Posicion: '{not json',
		Dispositivo: JSON.stringify({ browser: 'Firefox', SysOp: 'Linux' }),
		Result: JSON.stringify({ Resultado: 93.95, DNI: { Nombre: 'Ana' }, PruebaDeVida: 'Si' }),
	};
}

export async function runTriggerScenario(
	n8n: BenchN8n,
	opts: TriggerOptions,
): Promise<ScenarioOutcome & { baseline: TriggerBaseline }> {
	const { variants } = opts;
	const warnings: string[] = [];

	// the Code node must do the trigger's work: checked wherever both run
	const equivalence =
		variants.includes('ours') && variants.includes('webhookCode')
			? await compareParsing(n8n)
			: undefined;
	if (equivalence && !equivalence.equal)
		warnings.push(
			`trigger: the Code node's items differ from the Lofirmo Trigger's: ${equivalence.detail}`,
		);
	if (equivalence)
		opts.log(
			`  trigger: Code node output ${equivalence.equal ? 'matches' : 'DIFFERS FROM'} the Lofirmo Trigger's (contract + identity report)`,
		);

	const runs = new Map<TriggerVariant, IngestRun[]>(variants.map((v) => [v, []]));
	for (let rep = 0; rep <= opts.reps; rep++) {
		const warmup = rep === 0;
		const order = variants.map((_, i) => variants[(i + rep) % variants.length]);
		for (const variant of order) {
			const run = await ingestRun(
				n8n,
				variant,
				warmup ? opts.warmupReports : opts.reports,
				opts.concurrency,
				opts.cpuTargets,
			);
			run.rep = rep;
			run.warmup = warmup;
			runs.get(variant)!.push(run);
			opts.log(`  trigger ${variant.padEnd(12)} ${describeIngestRun(run)}`);
			if (!run.valid && !warmup)
				warnings.push(`trigger ${variant} rep ${rep}: ${run.invalidReason}`);
		}
	}

	const summaries = new Map(
		variants.map((variant) => {
			const measured = runs.get(variant)!.filter((r) => !r.warmup);
			return [
				variant,
				{
					measured,
					events: summarize(measured.map((r) => r.eventsPerSecond ?? NaN)),
					p50: summarize(measured.map((r) => r.latencyP50Ms)),
					p99: summarize(measured.map((r) => r.latencyP99Ms)),
					lost: measured.reduce((sum, r) => sum + r.lost, 0),
					sent: measured.reduce((sum, r) => sum + r.sent, 0),
					cpuMsPer1000: cpuPerThousand(
						measured.filter((r) => r.valid).map((r) => ({ cpuMs: r.cpuMs, events: r.recorded })),
					),
				},
			] as const;
		}),
	);
	const eventsMedian = (v: TriggerVariant) => summaries.get(v)?.events?.median ?? null;

	const rows: TableRow[] = [];
	const variantJson: Record<string, unknown> = {};
	for (const variant of variants) {
		const s = summaries.get(variant)!;
		const references = REFERENCES[variant].filter((reference) => variants.includes(reference));
		const ratios = references.map((reference) => ({
			reference,
			value: ratio(eventsMedian(variant), eventsMedian(reference)),
		}));
		variantJson[variant] = {
			label: LABELS[variant],
			workflowId: TRIGGER_WORKFLOW_IDS[variant],
			eventsPerSecond: s.events,
			latencyP50Ms: s.p50,
			latencyP99Ms: s.p99,
			executionsLost: s.lost,
			sent: s.sent,
			cpuMsPer1000Reports: s.cpuMsPer1000,
			ratios: Object.fromEntries(
				ratios.map(({ reference, value }) => [
					`vs_${reference}`,
					value === null ? null : round(value, 3),
				]),
			),
			runs: runs.get(variant),
		};
		rows.push({
			section: `2 · Trigger ingest (${opts.engine}): ${opts.reports} reports, ${opts.concurrency} at once · events/s until the last execution is recorded · ratio = events/s ÷ reference, higher is better`,
			variant: LABELS[variant],
			median: s.events ? `${num(s.events.median)} events/s` : 'n/a',
			spread: s.events ? `${num(s.events.min)}–${num(s.events.max)}` : 'n/a',
			ratio: ratios.length
				? ratios
						.map(({ reference, value }) => `${times(value)} ${REFERENCE_NAMES[reference]}`)
						.join(', ')
				: '(reference)',
			notes: `p50 ${ms(s.p50?.median)}, p99 ${ms(s.p99?.median)} · lost ${s.lost}/${s.sent}`,
		});
	}

	return {
		json: {
			engine: opts.engine,
			reports: opts.reports,
			concurrency: opts.concurrency,
			repetitions: opts.reps,
			warmupReports: opts.warmupReports,
			payload:
				'contract reports (Servicio CONTRATACION) as JSON, statuses 11 and 1014 alternating; see contractReport() in bench/scenarios/trigger.ts',
			eventsDefinition:
				'executions recorded ÷ (first report sent → stoppedAt of the last execution), in events per second; latency: HTTP round trip of each report from the bench process (n8n answers once the execution is created, responseMode onReceived); lost: sent − executions recorded (waited for until none arrived for 10 s); an execution counts once it has finished (stoppedAt set). cpuMsPer1000Reports: CPU ms of each metered process (n8n with its task runner) from the first report sent until the last execution was listed finished, × 1,000 ÷ executions, over the valid measured runs',
			ratioDefinition:
				'events/s of the variant ÷ events/s of the reference (higher is better; 1.00 = as fast); ratios.vs_<variant> names the reference',
			codeNodeEquivalence: equivalence,
			variants: variantJson,
		},
		rows,
		warnings,
		baseline: {
			eventsPerSecond: summaries.get('ours')?.events ?? null,
			cpuMsPer1000: summaries.get('ours')?.cpuMsPer1000 ?? null,
		},
	};
}

/** One log line's worth of a run: which repetition, events/s, latency, executions found. */
export function describeIngestRun(run: IngestRun): string {
	return (
		`${run.warmup ? 'warm-up' : `rep ${run.rep}  `} ${num(run.eventsPerSecond).padStart(6)} events/s` +
		`  p50 ${ms(run.latencyP50Ms)}  p99 ${ms(run.latencyP99Ms)}  recorded ${run.recorded}/${run.sent}` +
		(run.valid ? '' : `  INVALID: ${run.invalidReason}`)
	);
}

/**
 * `count` reports POSTed `concurrency` at a time into one trigger workflow, then its executions waited for until
 * all have finished (or none finished for 10 s), the CPU of `cpuTargets` metered meanwhile. Used in regular and
 * queue mode alike.
 */
export async function ingestRun(
	n8n: BenchN8n,
	variant: TriggerVariant,
	count: number,
	concurrency: number,
	cpuTargets: CpuTarget[] = [],
): Promise<IngestRun> {
	const workflowId = TRIGGER_WORKFLOW_IDS[variant];
	const url = n8n.urls.get(workflowId)!;
	const bodies = Array.from({ length: count }, (_, i) =>
		Buffer.from(JSON.stringify(contractReport(i))),
	);
	const before = await lastExecutionId(n8n, workflowId);
	const latencies: number[] = [];
	let httpErrors = 0;
	let sendMs = 0;
	const startedAt = Date.now();
	const started = performance.now();
	const { result: found, cpuMs } = await withCpu(cpuTargets, async () => {
		const client = new KeepAliveClient(concurrency);
		try {
			await runPool(count, concurrency, async (i) => {
				try {
					const answer = await client.request(url, {
						method: 'POST',
						headers: {
							'content-type': 'application/json',
							...(TRIGGER_AUTH_VARIANTS.has(variant) ? { authorization: AUTHORIZATION } : {}),
						},
						body: bodies[i],
						timeoutMs: 30_000,
					});
					latencies.push(answer.ms);
					if (answer.status !== 200) httpErrors++;
				} catch {
					httpErrors++;
				}
			});
		} finally {
			client.close();
		}
		sendMs = performance.now() - started;
		return waitForNewExecutions(n8n, workflowId, before, count, {
			timeoutMs: 180_000,
			idleMs: 10_000,
			intervalMs: 200,
		});
	});
	const lastStop = Math.max(...found.map((e) => (e.stoppedAt ? Date.parse(e.stoppedAt) : 0)), 0);
	const windowMs = found.length && lastStop ? lastStop - startedAt : null;
	const failedExecutions = found.filter((e) => e.status !== 'success').length;
	const lost = count - found.length;
	const reasons = [
		httpErrors ? `${httpErrors} reports not answered 200` : '',
		lost ? `${lost} executions lost` : '',
		failedExecutions ? `${failedExecutions} executions failed` : '',
	].filter(Boolean);
	return {
		rep: 0,
		warmup: false,
		sent: count,
		httpErrors,
		recorded: found.length,
		failedExecutions,
		lost,
		windowMs,
		eventsPerSecond: windowMs ? round(found.length / (windowMs / 1000), 2) : null,
		acceptedPerSecond: round(count / (sendMs / 1000), 2),
		cpuMs,
		latencyP50Ms: round(percentile(latencies, 0.5), 2),
		latencyP99Ms: round(percentile(latencies, 0.99), 2),
		valid: reasons.length === 0,
		invalidReason: reasons.length ? reasons.join(', ') : undefined,
	};
}

/** Sends the same reports to our trigger and to Webhook + Code, and compares the items they produced. */
async function compareParsing(
	n8n: BenchN8n,
): Promise<{ equal: boolean; detail: string; compared: string[] }> {
	const reports = { contract: contractReport(7), identity: identityReport() };
	const client = new KeepAliveClient(1);
	const outputs: Record<string, Array<Record<string, unknown> | undefined>> = {};
	try {
		for (const variant of ['ours', 'webhookCode'] as const) {
			const workflowId = TRIGGER_WORKFLOW_IDS[variant];
			const before = await lastExecutionId(n8n, workflowId);
			for (const report of Object.values(reports)) {
				await client.request(n8n.urls.get(workflowId)!, { method: 'POST', body: report });
			}
			const found = await waitForNewExecutions(n8n, workflowId, before, 2, {
				timeoutMs: 60_000,
				idleMs: 30_000,
			});
			// oldest first, the order they were sent in
			const ordered = [...found].sort((a, b) => Number(a.id) - Number(b.id));
			outputs[variant] = await Promise.all(
				ordered.map(
					async (e) =>
						nodeRun(await executionWithData(n8n, e.id), TRIGGER_NODE[variant]).items[0]?.json,
				),
			);
		}
	} finally {
		client.close();
	}
	const names = Object.keys(reports);
	const differences: string[] = [];
	names.forEach((name, i) => {
		const ours = outputs.ours?.[i];
		const code = outputs.webhookCode?.[i];
		if (!ours || !code) {
			differences.push(
				`${name}: missing output (ours ${ours ? 'ok' : 'none'}, Code ${code ? 'ok' : 'none'})`,
			);
			return;
		}
		const keys = new Set([...Object.keys(ours), ...Object.keys(code)]);
		const differing = [...keys].filter((key) => !isDeepStrictEqual(ours[key], code[key]));
		if (differing.length) {
			differences.push(
				`${name}: ${differing.map((key) => `${key} (ours ${JSON.stringify(ours[key])}, Code ${JSON.stringify(code[key])})`).join(', ')}`,
			);
		}
	});
	return {
		equal: differences.length === 0,
		detail: differences.join('; ') || 'identical',
		compared: names,
	};
}
