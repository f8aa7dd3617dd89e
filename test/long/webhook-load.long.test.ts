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
 *
 *   npm run test:long
 */
import * as crypto from 'node:crypto';
import axios from 'axios';
import * as http from 'node:http';

import { encodeReport } from '../../sandbox/webhooks';
import { startSandbox, TOKEN, USER, type Sandbox } from '../helpers/sandbox';
import {
	activateWorkflow,
	createApiKey,
	importCredentials,
	importWorkflows,
	listExecutions,
	setupOwner,
	startN8n,
	type N8nHandle,
	type PublicExecution,
} from '../../scripts/n8n-harness';
import { recordFigures } from '../helpers/figures';

const PORT = 5900;
const DATA_DIR = 'long-load';

const LOAD = { reports: 1000, concurrency: 50, certifiedContracts: 50, certifiedIdentities: 50 };
const DEDUPE = { distinct: 100, copies: 3 };
/** bounds for waiting, never timing assertions (n8n does ~30 executions/s on a 2-core machine) */
const SETTLE_MS = { load: 300_000, dedupe: 120_000 };
/**
 * How long one delivery may take. The sandbox's own client gives up after 10 s; at concurrency 50 on a busy 2-core
 * machine n8n's answer can approach that (the figures record the latencies), so the load is not failed by the
 * machine's speed. A report is lost only if n8n never runs it, which the suite checks.
 */
const SEND_TIMEOUT_MS = 60_000;

const HOOK_AUTH = { user: 'lofirmo-load', password: 'Load-Reports-Passw0rd-7' };
const CREDS = {
	api: { id: 'lofirmoLoadApi', name: 'Lofirmo (load sandbox)' },
	webhook: { id: 'lofirmoLoadHook', name: 'Lofirmo reports (load)' },
};
const LOAD_WORKFLOW = { id: 'lofirmoLongLoad', webhookId: '6f1a0c55-0d7e-4c1a-9a51-000000005900' };
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
const TRIGGER = 'Lofirmo reports';
const DEDUPE_NODE = 'Skip repeated reports';
/** the README's recipe, verbatim */
const DEDUPE_VALUE =
	'={{ $json.service }}-{{ $json.contractId ?? $json.verificationId }}-{{ $json.status }}';

type Format = 'json' | 'form' | 'multipart';
const FORMATS: Format[] = ['json', 'form', 'multipart'];
type ReportPayload = Record<string, string>;

interface Outgoing {
	key: string;
	format: Format;
	payload: ReportPayload;
}

interface Sent extends Outgoing {
	status: number | null;
	error?: string;
	ms: number;
}

// ---------------------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------------------

function node(
	id: string,
	name: string,
	type: string,
	typeVersion: number,
	x: number,
	parameters: Record<string, unknown>,
) {
	return { id: `${id}-${x}`, name, type, typeVersion, position: [x, 0], parameters };
}

function triggerNode(workflowId: string, webhookId: string, downloadPdf: boolean) {
	return {
		...node(workflowId, TRIGGER, 'n8n-nodes-lofirmo.lofirmoTrigger', 1, 0, {
			authentication: 'basicAuth',
			downloadPdf,
		}),
		webhookId,
		credentials: {
			lofirmoWebhookApi: CREDS.webhook,
			...(downloadPdf ? { lofirmoApi: CREDS.api } : {}),
		},
	};
}

function chain(names: string[]) {
	const connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	> = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

const loadWorkflow = () => ({
	id: LOAD_WORKFLOW.id,
	name: 'long: webhook load',
	active: false,
	settings: { executionOrder: 'v1' },
	pinData: {},
	nodes: [
		triggerNode(LOAD_WORKFLOW.id, LOAD_WORKFLOW.webhookId, true),
		node(LOAD_WORKFLOW.id, 'Done', 'n8n-nodes-base.noOp', 1, 240, {}),
	],
	connections: chain([TRIGGER, 'Done']),
});

const dedupeWorkflow = () => ({
	id: DEDUPE_WORKFLOW.id,
	name: 'long: repeated reports, deduplicated',
	active: false,
	settings: { executionOrder: 'v1' },
	pinData: {},
	nodes: [
		triggerNode(DEDUPE_WORKFLOW.id, DEDUPE_WORKFLOW.webhookId, false),
		node(DEDUPE_WORKFLOW.id, DEDUPE_NODE, 'n8n-nodes-base.removeDuplicates', 2, 240, {
			operation: 'removeItemsSeenInPreviousExecutions',
			dedupeValue: DEDUPE_VALUE,
			options: {},
		}),
		node(DEDUPE_WORKFLOW.id, 'Passed', 'n8n-nodes-base.noOp', 1, 480, {}),
	],
	connections: chain([TRIGGER, DEDUPE_NODE, 'Passed']),
});

const hookUrl = (n8n: N8nHandle, webhookId: string) =>
	`${n8n.baseUrl}/webhook/${webhookId}/lofirmo`;

// ---------------------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------------------

/** The report's identity: service and contract or verification id. */
const keyOf = (payload: ReportPayload) => `${payload.Servicio}:${payload.ContratoID ?? payload.ID}`;

/** A deterministic shuffle (xorshift), so a failing run can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
	const out = [...items];
	let s = seed >>> 0 || 1;
	const next = () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 0x100000000;
	};
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

/** Vendor API call on the sandbox with the account's Basic auth; returns the one-element answer. */
async function sandboxApi(
	sb: Sandbox,
	fn: string,
	params: Record<string, unknown>,
): Promise<Record<string, string>> {
	const res = await axios.post(
		`${sb.url}/${fn}`,
		{ Resp: 'JSON', ...params },
		{
			auth: { username: USER, password: TOKEN },
			proxy: false,
			timeout: 15_000,
			validateStatus: () => true,
		},
	);
	const [answer] = res.data as Array<Record<string, string>>;
	if (res.status !== 200 || answer?.Res !== '10')
		throw new Error(`${fn} → ${res.status} ${JSON.stringify(res.data)}`);
	return answer;
}

/**
 * Contracts and verifications the sandbox really holds, certified; returns the reports the sandbox made for them
 * (captured by a throwaway receiver, so n8n sees none of them yet): the certified ones and, as templates for the
 * rest of the load, one in-progress report of each service.
 */
async function certifiedReports(sb: Sandbox): Promise<{
	certified: ReportPayload[];
	contractTemplate: ReportPayload;
	identityTemplate: ReportPayload;
}> {
	const receiver = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => res.writeHead(200).end());
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	const { port } = receiver.address() as { port: number };
	try {
		sb.setWebhook({ url: `http://127.0.0.1:${port}/capture`, format: 'json' });
		for (let i = 0; i < LOAD.certifiedContracts; i++) {
			const { ContratoId } = await sandboxApi(sb, 'EnviarContrato', {
				Firmantes: [
					{ Nombre: `Signer ${i}`, Email: `signer.${i}@example.com`, Telefono: '34600000001' },
				],
				Referenciausuario: `load-certified-${i}`,
				Mensaje: 'Please sign: [LINK]',
			});
			await sb.certifyContract(ContratoId);
		}
		for (let i = 0; i < LOAD.certifiedIdentities; i++) {
			const { ID } = await sandboxApi(sb, 'VerificarIdentidad', {
				Telefono: `346110${String(i).padStart(5, '0')}`,
			});
			await sb.completeIdentity(ID, { score: 70 + (i % 30) });
		}
		await sb.flushWebhooks();
	} finally {
		sb.setWebhook(null);
		await new Promise((resolve) => receiver.close(resolve));
	}
	const payloads = sb.webhookDeliveries.map((d) => d.payload as ReportPayload);
	const certified = payloads.filter((p) => p.Resultado === '1014' || p.Estado === '5100');
	const contractTemplate = payloads.find((p) => p.Resultado === '11');
	const identityTemplate = payloads.find((p) => p.Estado === '5001');
	if (
		!contractTemplate ||
		!identityTemplate ||
		certified.length !== LOAD.certifiedContracts + LOAD.certifiedIdentities
	) {
		throw new Error(
			`the sandbox did not report as expected: ${payloads.map((p) => p.Resultado ?? p.Estado).join(',')}`,
		);
	}
	return { certified, contractTemplate, identityTemplate };
}

/** In-progress reports with made-up ids (12 digits: the sandbox's own ids have 10, so they never meet). */
function syntheticReports(
	count: number,
	firstId: number,
	templates: { contract: ReportPayload; identity: ReportPayload },
): ReportPayload[] {
	return Array.from({ length: count }, (_, i) => {
		const id = String(firstId + i);
		if (i % 2 === 0) {
			return {
				...templates.contract,
				ContratoID: id,
				ReportID: String(firstId + 500_000 + i),
				Resultado: i % 10 === 0 ? '9000' : '11',
				Referencia: `load-${id}`,
			};
		}
		return {
			...templates.identity,
			ID: id,
			Estado: '5001',
			Telefono: `3461${String(i).padStart(7, '0')}`,
		};
	});
}

/** One report POSTed as Lofirmo would: the sandbox's own encoding of the format, Basic auth, a fresh connection. */
function deliver(
	url: string,
	report: Outgoing,
	stop: AbortSignal,
): Promise<{ status: number | null; error?: string }> {
	const { contentType, body } = encodeReport(report.format, report.payload);
	const authorization = `Basic ${Buffer.from(`${HOOK_AUTH.user}:${HOOK_AUTH.password}`).toString('base64')}`;
	return new Promise((resolve) => {
		const request = http.request(url, {
			method: 'POST',
			agent: false,
			signal: AbortSignal.any([stop, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
			headers: {
				'Content-Type': contentType,
				'Content-Length': body.length,
				Authorization: authorization,
			},
		});
		request.on('response', (response) => {
			response.resume();
			response.on('end', () => resolve({ status: response.statusCode ?? null }));
			response.on('error', (error) =>
				resolve({ status: response.statusCode ?? null, error: error.message }),
			);
		});
		request.on('error', (error) => resolve({ status: null, error: error.message }));
		request.end(body);
	});
}

/** Sends every report, `concurrency` at a time; records each answer and how long it took. */
async function sendAll(
	url: string,
	outgoing: Outgoing[],
	concurrency: number,
	stop: AbortSignal,
): Promise<Sent[]> {
	const results: Sent[] = new Array(outgoing.length);
	let next = 0;
	const worker = async () => {
		while (next < outgoing.length) {
			const index = next++;
			const report = outgoing[index];
			const t0 = Date.now();
			const answer = await deliver(url, report, stop);
			results[index] = { ...report, ...answer, ms: Date.now() - t0 };
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, outgoing.length) }, worker));
	return results;
}

// ---------------------------------------------------------------------------------------------------------
// Executions
// ---------------------------------------------------------------------------------------------------------

/**
 * Waits until the workflow has at least `count` executions, none running; returns them all with their data. Polls
 * without data (1,000 executions with data is a heavy listing). No quiet period after: every report was answered
 * before this is called, and for a webhook answered on receipt n8n records the execution before it answers
 * (`WorkflowRunner.run` is awaited first, cli webhooks/webhook-helpers), so any extra execution is already listed.
 */
async function settledExecutions(
	n8n: N8nHandle,
	workflowId: string,
	count: number,
	timeoutMs: number,
): Promise<PublicExecution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const listed = await listExecutions(n8n, workflowId, { includeData: false });
		const running = listed.filter((e) => e.status === 'new' || e.status === 'running').length;
		if (listed.length >= count && running === 0) break;
		if (Date.now() > deadline) {
			throw new Error(
				`timed out after ${timeoutMs} ms: ${listed.length} of ${count} executions, ${running} still running`,
			);
		}
		await new Promise((r) => setTimeout(r, 2_000));
	}
	return listExecutions(n8n, workflowId, { includeData: true });
}

type Item = {
	json: Record<string, unknown>;
	binary?: Record<string, { id?: string; fileName?: string; mimeType?: string }>;
};

function nodeItems(execution: PublicExecution, nodeName: string): Item[] {
	const runs = execution.data?.resultData?.runData?.[nodeName] as
		Array<{ data?: { main?: Array<Item[] | null> } }> | undefined;
	return (runs ?? []).flatMap((run) => run.data?.main?.[0] ?? []);
}

/** What a PDF n8n stored holds, read back through n8n's own binary-data endpoint (owner session). */
async function storedPdf(n8n: N8nHandle, binaryId: string): Promise<Buffer> {
	const res = await axios.get(`${n8n.baseUrl}/rest/binary-data`, {
		params: { id: binaryId, action: 'download' },
		headers: { cookie: n8n.owner!.cookie, 'browser-id': 'lofirmo-e2e-browser' },
		responseType: 'arraybuffer',
		proxy: false,
		timeout: 15_000,
		validateStatus: () => true,
	});
	if (res.status !== 200) throw new Error(`binary ${binaryId} → ${res.status}`);
	return Buffer.from(res.data as ArrayBuffer);
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
	return counts;
}

// ---------------------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------------------

/** n8n 2.x fresh in `dataDir`, owner, API key, the credentials, `workflows` imported and active. */
async function startLoadN8n(
	port: number,
	dataDir: string,
	sandboxUrl: string,
	workflows: Array<{ json: Record<string, unknown>; id: string; webhookId: string }>,
	env?: Record<string, string>,
): Promise<N8nHandle> {
	const n8n = await startN8n({ version: 2, port, dataDir, fresh: true, env });
	try {
		await setupOwner(n8n);
		await createApiKey(n8n);
		await importCredentials(n8n, [
			{
				...CREDS.api,
				type: 'lofirmoApi',
				data: { apiUser: USER, apiToken: TOKEN, baseUrl: sandboxUrl, pathOverrides: '{}' },
			},
			{ ...CREDS.webhook, type: 'lofirmoWebhookApi', data: { ...HOOK_AUTH } },
		]);
		await importWorkflows(
			n8n,
			workflows.map((w) => w.json),
		);
		for (const workflow of workflows)
			await activateWorkflow(n8n, workflow.id, hookUrl(n8n, workflow.webhookId));
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
async function repeatedDeliveries(
	n8n: N8nHandle,
	templates: { contract: ReportPayload; identity: ReportPayload },
	stop: AbortSignal,
) {
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
	const url = hookUrl(n8n, DEDUPE_WORKFLOW.webhookId);

	const sent = await sendAll(url, firstWave, LOAD.concurrency, stop);
	await settledExecutions(n8n, DEDUPE_WORKFLOW.id, firstWave.length, SETTLE_MS.dedupe);
	sent.push(...(await sendAll(url, secondWave, LOAD.concurrency, stop)));
	const executions = await settledExecutions(
		n8n,
		DEDUPE_WORKFLOW.id,
		firstWave.length + secondWave.length,
		SETTLE_MS.dedupe,
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
		answers: Object.fromEntries(countBy(sent, (s) => String(s.status ?? s.error))),
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

const describeFailures = (failed: PublicExecution[]) =>
	failed.map(
		(e) =>
			`${e.id} ${e.status}: ${String((e.data?.resultData?.error as { message?: string } | undefined)?.message ?? '').slice(0, 200)}`,
	);

describe('webhook load in real n8n 2.x (Lofirmo Trigger, Basic auth)', () => {
	let n8n: N8nHandle | undefined;
	let sb: Sandbox | undefined;
	let templates: { contract: ReportPayload; identity: ReportPayload };
	let certified: ReportPayload[] = [];
	const stop = new AbortController();

	beforeAll(async () => {
		sb = await startSandbox();
		const captured = await certifiedReports(sb);
		certified = captured.certified;
		templates = { contract: captured.contractTemplate, identity: captured.identityTemplate };
		n8n = await startLoadN8n(PORT, DATA_DIR, sb.url, [
			{ ...LOAD_WORKFLOW, json: loadWorkflow() },
			{ ...DEDUPE_WORKFLOW, json: dedupeWorkflow() },
		]);
	}, 300_000);

	afterAll(async () => {
		stop.abort();
		await n8n?.stop();
		await sb?.stop();
	});
	it(`${LOAD.reports} reports at concurrency ${LOAD.concurrency}: every one becomes exactly one execution carrying exactly it`, async () => {
		const reports = [
			...certified,
			...syntheticReports(LOAD.reports - certified.length, 800_000_000_000, templates),
		];
		const outgoing: Outgoing[] = shuffled(reports, 5900).map((payload, i) => ({
			key: keyOf(payload),
			format: FORMATS[i % FORMATS.length],
			payload,
		}));
		const sentKeys = new Set(outgoing.map((o) => o.key));
		expect(sentKeys.size).toBe(LOAD.reports);

		const downloadsBefore = sb!.requests.length;
		const t0 = Date.now();
		const sent = await sendAll(
			hookUrl(n8n!, LOAD_WORKFLOW.webhookId),
			outgoing,
			LOAD.concurrency,
			stop.signal,
		);
		const sendMs = Date.now() - t0;
		const executions = await settledExecutions(
			n8n!,
			LOAD_WORKFLOW.id,
			LOAD.reports,
			SETTLE_MS.load,
		);
		const settledMs = Date.now() - t0;

		// what each execution carried, matched to what was sent by the report's identity
		const byKey = new Map(outgoing.map((o) => [o.key, o]));
		const problems: string[] = [];
		const seen: string[] = [];
		for (const execution of executions) {
			const items = nodeItems(execution, TRIGGER);
			if (execution.status !== 'success')
				problems.push(`execution ${execution.id} ended ${execution.status}`);
			if (items.length !== 1) {
				problems.push(`execution ${execution.id}: ${items.length} trigger items`);
				continue;
			}
			const { json, binary } = items[0];
			const raw = json.raw as ReportPayload;
			const key = raw && typeof raw === 'object' ? keyOf(raw) : `?${execution.id}`;
			seen.push(key);
			const report = byKey.get(key);
			if (!report) {
				problems.push(`execution ${execution.id}: a report nobody sent (${key})`);
				continue;
			}
			const p = report.payload;
			const contract = p.Servicio === 'CONTRATACION';
			const expected = contract
				? {
						event: 'contractStatusChanged',
						contractId: p.ContratoID,
						reportId: p.ReportID,
						status: p.Resultado,
						reference: p.Referencia,
					}
				: {
						event: 'identityVerificationStatusChanged',
						verificationId: p.ID,
						status: p.Estado,
						mobile: p.Telefono,
					};
			const got = Object.fromEntries(Object.keys(expected).map((k) => [k, json[k]]));
			if (JSON.stringify(got) !== JSON.stringify(expected))
				problems.push(`${key}: item ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`);
			if (JSON.stringify(raw) !== JSON.stringify(p))
				problems.push(`${key} (${report.format}): raw payload differs from the one sent`);
			if (!Array.isArray(json.parseErrors) || json.parseErrors.length !== 0)
				problems.push(`${key}: parseErrors ${JSON.stringify(json.parseErrors)}`);
			const isCertified = p.Resultado === '1014' || p.Estado === '5100';
			if (isCertified) {
				const file = contract
					? `lofirmo-contract-${p.ContratoID}.pdf`
					: `lofirmo-identity-${p.ID}.pdf`;
				if (json.downloadError !== null)
					problems.push(`${key}: downloadError ${JSON.stringify(json.downloadError)}`);
				if (binary?.data?.fileName !== file || !binary.data.id)
					problems.push(`${key}: binary ${JSON.stringify(binary?.data ?? null)}`);
			} else if (binary !== undefined || 'downloadError' in json) {
				problems.push(
					`${key}: no certificate expected, got ${JSON.stringify({ binary, downloadError: json.downloadError })}`,
				);
			}
			if (nodeItems(execution, 'Done').length !== 1)
				problems.push(
					`${key}: the NoOp after the trigger got ${nodeItems(execution, 'Done').length} items`,
				);
		}

		// every certified report's PDF, read back from n8n, is byte for byte the one the sandbox served for its own
		// contract or verification
		const served = new Map(
			sb!.requests
				.slice(downloadsBefore)
				.filter((r) => r.pdfSha256)
				.map((r) => [String(r.params.contratoid ?? r.params.id), r.pdfSha256]),
		);
		let pdfsChecked = 0;
		for (const execution of executions) {
			const [item] = nodeItems(execution, TRIGGER);
			const id = item?.binary?.data?.id;
			if (!id) continue;
			const raw = item.json.raw as ReportPayload;
			const own = String(raw.Servicio === 'CONTRATACION' ? raw.ContratoID : raw.ID);
			const stored = crypto
				.createHash('sha256')
				.update(await storedPdf(n8n!, id))
				.digest('hex');
			if (stored !== served.get(own))
				problems.push(
					`${keyOf(raw)}: the attached PDF is not byte for byte the one served for ${own}`,
				);
			pdfsChecked++;
		}
		// one download per certificate, no more (no retries, no cross-talk)
		const downloads = sb!.requests
			.slice(downloadsBefore)
			.filter((r) => r.fn === 'downloadContractPdf' || r.fn === 'downloadIdentityCertificate');
		const downloaded = downloads
			.map((r) => `${r.fn}:${String(r.params.contratoid ?? r.params.id)}`)
			.sort();
		const expectedDownloads = certified
			.map((p) =>
				p.Servicio === 'CONTRATACION'
					? `downloadContractPdf:${p.ContratoID}`
					: `downloadIdentityCertificate:${p.ID}`,
			)
			.sort();

		const counts = countBy(seen, (k) => k);
		const lost = [...sentKeys].filter((k) => !counts.has(k));
		const duplicated = [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k}×${n}`);
		const statuses = Object.fromEntries(countBy(sent, (s) => String(s.status ?? s.error)));
		const latencies = sent.map((s) => s.ms).sort((a, b) => a - b);
		const figures = {
			n8n: n8n!.install.n8nVersion,
			at: new Date().toISOString(),
			sent: sent.length,
			concurrency: LOAD.concurrency,
			formats: Object.fromEntries(countBy(outgoing, (o) => o.format)),
			services: Object.fromEntries(countBy(outgoing, (o) => o.payload.Servicio)),
			withCertifiedPdf: certified.length,
			answers: statuses,
			executions: executions.length,
			received: counts.size,
			lost: lost.length,
			duplicates: seen.length - counts.size,
			contentMismatches: problems.length,
			pdfsVerified: pdfsChecked,
			downloads: downloads.length,
			sendSeconds: Math.round(sendMs / 100) / 10,
			allExecutedSeconds: Math.round(settledMs / 100) / 10,
			answerMsP50: latencies[Math.floor(latencies.length * 0.5)],
			answerMsP99: latencies[Math.floor(latencies.length * 0.99)],
		};
		recordFigures('webhook-load', figures);

		expect(
			sent
				.filter((s) => s.status === null || s.status < 200 || s.status > 299)
				.map((s) => `${s.key}: ${s.status ?? s.error}`),
		).toEqual([]);
		expect(problems.slice(0, 20)).toEqual([]);
		expect(lost).toEqual([]);
		expect(duplicated).toEqual([]);
		expect(new Set(seen)).toEqual(sentKeys);
		expect(executions).toHaveLength(LOAD.reports);
		expect(pdfsChecked).toBe(certified.length);
		expect(downloaded).toEqual(expectedDownloads);
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
	let templates: { contract: ReportPayload; identity: ReportPayload };
	const stop = new AbortController();

	beforeAll(async () => {
		sb = await startSandbox();
		const captured = await certifiedReports(sb);
		templates = { contract: captured.contractTemplate, identity: captured.identityTemplate };
		n8n = await startLoadN8n(
			SERIAL.port,
			SERIAL.dataDir,
			sb.url,
			[{ ...DEDUPE_WORKFLOW, json: dedupeWorkflow() }],
			SERIAL.env,
		);
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
