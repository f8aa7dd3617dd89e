/**
 * Webhook load (long): the pinned real n8n 2.x with our packed package, reports sent over real HTTP.
 *
 * 1. 1,000 status reports at concurrency 50 into one active Lofirmo Trigger (Basic auth) → NoOp: mixed services
 *    (contract, identity), formats (JSON, form-urlencoded, multipart, as the sandbox encodes them) and statuses,
 *    each with its own id. 100 of them are certified reports (1014 / 5100) of contracts and verifications the
 *    sandbox really holds, and the trigger downloads their PDFs ("Download Certified PDF" on): so the load also
 *    crosses the trigger's slowest path (a Lofirmo API call while the sender waits) and proves every PDF lands on
 *    its own report. The other 900 have no certificate (11, 9000, 5001) and go straight through.
 *    Proven by content, from n8n's public API: exactly 1,000 executions, each with one item whose id, status
 *    and raw payload are those of one report sent, the set of ids equal to the set sent (none lost, none twice),
 *    every answer 2xx, every PDF the right one (read back from n8n's binary store), one download per certificate.
 * 2. Repeated deliveries with dedupe on: the README's recipe (Remove Duplicates, "remove items processed in
 *    previous executions", keyed on service-id-status) behind a second trigger; 100 distinct reports delivered 3
 *    times each (half of them 3 copies at once, half once and then twice more later). Run twice:
 *    - on n8n's defaults it is only measured: n8n's dedupe store is not safe for overlapping executions (see the
 *      test), so duplicates pass; the package's part (every delivery → one execution with its report) is asserted;
 *    - with N8N_CONCURRENCY_PRODUCTION_LIMIT=1 (a second n8n): exactly 100 items pass, none twice, none missing.
 *
 * Figures are printed and written to test-output/reliability/webhook-load.json (and webhook-dedupe*.json) for the README.
 * The load itself, the reports, their delivery and the checks live in load/ (the queue-mode suite runs the same).
 *
 *   npm run test:long
 */
import { startSandbox, type Sandbox } from '../helpers/sandbox';
import { startN8n, type N8nHandle } from '../../scripts/n8n-harness';
import { recordFigures } from '../helpers/figures';
import { answerOf, sendAll } from './load/delivery';
import { describeFailures, nodeItems, settledExecutions } from './load/executions';
import {
	hookUrl,
	loadWorkflow,
	noOp,
	prepareInstance,
	TRIGGER,
	triggerWorkflow,
	type WorkflowSpec,
} from './load/n8n-setup';
import {
	certifiedReports,
	FORMATS,
	keyOf,
	shuffled,
	syntheticReports,
	type Outgoing,
	type ReportPayload,
	type Templates,
} from './load/reports';
import { expectCleanLoad, LOAD, runLoad } from './load/run';
import { countBy, tally } from './load/tally';

const PORT = 5900;
const DATA_DIR = 'long-load';

const DEDUPE = { distinct: 100, copies: 3 };
/** a bound for waiting, never a timing assertion */
const DEDUPE_SETTLE_MS = 120_000;

const LOAD_WORKFLOW = loadWorkflow({
	id: 'lofirmoLongLoad',
	webhookId: '6f1a0c55-0d7e-4c1a-9a51-000000005900',
	name: 'long: webhook load',
});
const DEDUPE_WORKFLOW = {
	id: 'lofirmoLongDedupe',
	webhookId: '6f1a0c55-0d7e-4c1a-9a51-000000005901',
};
/** n8n with production executions limited to one at a time (N8N_CONCURRENCY_PRODUCTION_LIMIT=1) */
const SERIAL = {
	port: 5904,
	dataDir: 'long-load-serial',
	env: { N8N_CONCURRENCY_PRODUCTION_LIMIT: '1' },
};
const DEDUPE_NODE = 'Skip repeated reports';
/** the README's recipe, verbatim */
const DEDUPE_VALUE =
	'={{ $json.service }}-{{ $json.contractId ?? $json.verificationId }}-{{ $json.status }}';

const dedupeWorkflow = () =>
	triggerWorkflow({ ...DEDUPE_WORKFLOW, name: 'long: repeated reports, deduplicated' }, false, [
		{
			name: DEDUPE_NODE,
			type: 'n8n-nodes-base.removeDuplicates',
			typeVersion: 2,
			parameters: {
				operation: 'removeItemsSeenInPreviousExecutions',
				dedupeValue: DEDUPE_VALUE,
				options: {},
			},
		},
		noOp('Passed'),
	]);

/** n8n 2.x fresh in `dataDir`, owner, API key, the credentials, `workflows` imported and active. */
async function startLoadN8n(
	port: number,
	dataDir: string,
	sandboxUrl: string,
	workflows: WorkflowSpec[],
	env?: Record<string, string>,
): Promise<N8nHandle> {
	const n8n = await startN8n({ version: 2, port, dataDir, fresh: true, env });
	try {
		await prepareInstance(n8n, { sandboxUrl, workflows, webhookBaseUrl: n8n.baseUrl });
	} catch (error) {
		await n8n.stop();
		throw error;
	}
	console.log(
		`n8n ${n8n.install.n8nVersion} ready in ${n8n.startupMs} ms on port ${port}${env ? ` with ${JSON.stringify(env)}` : ''}`,
	);
	return n8n;
}

/**
 * The README's recipe under repeated deliveries: `DEDUPE.distinct` reports, each delivered `DEDUPE.copies` times;
 * half of them every copy at once, the other half once, then (after that execution finished) the other copies.
 * Returns the figures and what the assertions need.
 */
async function repeatedDeliveries(n8n: N8nHandle, templates: Templates, stop: AbortSignal) {
	const reports = syntheticReports(DEDUPE.distinct, 900_000_000_000, templates);
	const half = DEDUPE.distinct / 2;
	const together = reports.slice(0, half);
	const later = reports.slice(half);
	const copy = (payload: ReportPayload, n: number): Outgoing => ({
		key: keyOf(payload),
		format: FORMATS[n % FORMATS.length],
		payload,
	});
	const firstWave = shuffled(
		[
			...together.flatMap((p) => Array.from({ length: DEDUPE.copies }, (_, n) => copy(p, n))),
			...later.map((p) => copy(p, 0)),
		],
		5901,
	);
	const secondWave = shuffled(
		later.flatMap((p) => Array.from({ length: DEDUPE.copies - 1 }, (_, n) => copy(p, n + 1))),
		5902,
	);
	const url = hookUrl(n8n.baseUrl, DEDUPE_WORKFLOW.webhookId);

	const sent = await sendAll(url, firstWave, LOAD.concurrency, stop);
	await settledExecutions(n8n, DEDUPE_WORKFLOW.id, firstWave.length, DEDUPE_SETTLE_MS);
	sent.push(...(await sendAll(url, secondWave, LOAD.concurrency, stop)));
	const executions = await settledExecutions(
		n8n,
		DEDUPE_WORKFLOW.id,
		firstWave.length + secondWave.length,
		DEDUPE_SETTLE_MS,
	);

	const triggered = executions.flatMap((e) =>
		nodeItems(e, TRIGGER).map((i) => keyOf(i.json.raw as ReportPayload)),
	);
	const passed = executions.flatMap((e) =>
		nodeItems(e, DEDUPE_NODE).map((i) => keyOf(i.json.raw as ReportPayload)),
	);
	const passedCounts = countBy(passed, (k) => k);
	const distinct = new Set(reports.map(keyOf));
	const failed = executions.filter((e) => e.status !== 'success');
	const leaked = (group: ReportPayload[]) =>
		group.map(keyOf).reduce((n, k) => n + Math.max(0, (passedCounts.get(k) ?? 0) - 1), 0);
	const figures = {
		n8n: n8n.install.n8nVersion,
		at: new Date().toISOString(),
		distinctReports: DEDUPE.distinct,
		deliveries: sent.length,
		deliveredAtOnce: together.length * DEDUPE.copies,
		deliveredOnceThenLater: later.length * DEDUPE.copies,
		answers: tally(sent, answerOf),
		executions: executions.length,
		failedExecutions: failed.length,
		passedDedupe: passed.length,
		duplicatesPassed: passed.length - passedCounts.size,
		duplicatesPassedAtOnce: leaked(together),
		duplicatesPassedLater: leaked(later),
		neverPassed: [...distinct].filter((k) => !passedCounts.has(k)).length,
	};
	return { sent, executions, triggered, passed, passedCounts, distinct, failed, figures };
}

describe('webhook load in real n8n 2.x (Lofirmo Trigger, Basic auth)', () => {
	let n8n: N8nHandle | undefined;
	let sb: Sandbox | undefined;
	let templates: Templates;
	let certified: ReportPayload[] = [];
	const stop = new AbortController();

	beforeAll(async () => {
		sb = await startSandbox();
		({ certified, templates } = await certifiedReports(sb, {
			contracts: LOAD.certifiedContracts,
			identities: LOAD.certifiedIdentities,
		}));
		n8n = await startLoadN8n(PORT, DATA_DIR, sb.url, [LOAD_WORKFLOW, dedupeWorkflow()]);
	}, 300_000);

	afterAll(async () => {
		stop.abort();
		await n8n?.stop();
		await sb?.stop();
	});
	it(`${LOAD.reports} reports at concurrency ${LOAD.concurrency}: every one becomes exactly one execution carrying exactly it`, async () => {
		const run = await runLoad({
			n8n: n8n!,
			sb: sb!,
			url: hookUrl(n8n!.baseUrl, LOAD_WORKFLOW.webhookId),
			workflowId: LOAD_WORKFLOW.id,
			certified,
			templates,
			stop: stop.signal,
		});
		recordFigures('webhook-load', run.figures);
		expectCleanLoad(run);
	}, 600_000);

	// n8n's own limitation, measured: Remove Duplicates keeps what it has seen as one list per workflow that each
	// execution reads, extends and writes back with no lock (n8n/dist/deduplication/deduplication-helper.js,
	// handleHashedItems), and the very first write is an INSERT. Executions that overlap therefore let duplicates
	// through, overwrite each other's records (so a copy arriving much later passes again) and the first ones
	// fail on the table's unique key. Recorded as figures, not asserted: the next suite shows the setting under
	// which the recipe is exact. Should n8n fix it, these figures show it.
	it(`repeated deliveries, README recipe, n8n's default concurrency: measured (${DEDUPE.distinct} reports × ${DEDUPE.copies})`, async () => {
		const run = await repeatedDeliveries(n8n!, templates, stop.signal);
		recordFigures('webhook-dedupe-default-concurrency', run.figures);
		if (run.figures.duplicatesPassed > 0 || run.figures.failedExecutions > 0) {
			console.warn(
				`n8n ${run.figures.n8n} Remove Duplicates with overlapping executions: ${run.figures.duplicatesPassed} duplicates passed, ` +
					`${run.figures.failedExecutions} executions failed (e.g. ${describeFailures(run.failed).slice(0, 1).join('')})`,
			);
		}
		// what the package is responsible for holds even here: every delivery answered and started exactly one execution
		expect(
			run.sent.filter((s) => s.status !== 200).map((s) => `${s.key}: ${s.status ?? s.error}`),
		).toEqual([]);
		expect(run.executions).toHaveLength(DEDUPE.distinct * DEDUPE.copies);
		expect([...countBy(run.triggered, (k) => k).values()].every((n) => n === DEDUPE.copies)).toBe(
			true,
		);
		expect(countBy(run.triggered, (k) => k).size).toBe(DEDUPE.distinct);
	}, 600_000);
});

describe(`repeated deliveries in real n8n 2.x with ${Object.entries(SERIAL.env)
	.map(([k, v]) => `${k}=${v}`)
	.join(' ')}`, () => {
	let n8n: N8nHandle | undefined;
	let sb: Sandbox | undefined;
	let templates: Templates;
	const stop = new AbortController();

	beforeAll(async () => {
		sb = await startSandbox();
		({ templates } = await certifiedReports(sb, {
			contracts: LOAD.certifiedContracts,
			identities: LOAD.certifiedIdentities,
		}));
		n8n = await startLoadN8n(SERIAL.port, SERIAL.dataDir, sb.url, [dedupeWorkflow()], SERIAL.env);
	}, 300_000);

	afterAll(async () => {
		stop.abort();
		await n8n?.stop();
		await sb?.stop();
	});

	it(`the README's Remove Duplicates recipe: ${DEDUPE.distinct} reports × ${DEDUPE.copies} (at once and later) → exactly ${DEDUPE.distinct} pass`, async () => {
		const run = await repeatedDeliveries(n8n!, templates, stop.signal);
		recordFigures('webhook-dedupe', { ...run.figures, setting: SERIAL.env });

		expect(
			run.sent.filter((s) => s.status !== 200).map((s) => `${s.key}: ${s.status ?? s.error}`),
		).toEqual([]);
		expect(describeFailures(run.failed)).toEqual([]);
		expect(run.executions).toHaveLength(DEDUPE.distinct * DEDUPE.copies);
		expect([...countBy(run.triggered, (k) => k).values()].every((n) => n === DEDUPE.copies)).toBe(
			true,
		);
		expect([...run.passedCounts].filter(([, n]) => n > 1).map(([k, n]) => `${k}×${n}`)).toEqual([]);
		expect(new Set(run.passed)).toEqual(run.distinct);
		expect(run.passed).toHaveLength(DEDUPE.distinct);
	}, 600_000);
});
