/**
 * Contract → Send and Wait for Signature in real n8n 2.x with the packed package, the sandbox as Lofirmo and the
 * Lofirmo Trigger receiving its reports: the execution waits in n8n's database, a non-final report leaves it waiting,
 * the certified report resumes that same execution with the PDF (byte for byte), across a restart of n8n too; a forged
 * code wakes nothing and the report is still emitted; a time limit ends the wait with timedOut. In queue mode, the
 * webhook processor takes the CRM's call, the report and the resume call, and workers run the send and the resumed
 * run. Checks go through n8n's public API, the sandbox's records, n8n's own log lines and the files the workflow
 * writes.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	activateWorkflow,
	createApiKey,
	executionTrail,
	getExecution,
	importCredentials,
	importWorkflows,
	listExecutions,
	resolveDataDir,
	setupOwner,
	startN8n,
	startQueueStack,
	type N8nHandle,
	type PublicExecution,
	type QueueStack,
} from '../../scripts/n8n-harness';
import { sampleN8nEnv } from '../../scripts/samples';
import { makeResumeReference } from '../../nodes/Lofirmo/shared/resumeCode';
import { startSandbox, TOKEN, USER, type Sandbox } from '../helpers/sandbox';
import { describeRow, nodeOutput, post, WAIT_MS } from './samples.support';

const PORT = 5712;
/** the queue-mode stack: ten ports from here */
const QUEUE_BASE_PORT = 5790;
const DATA_DIR = 'send-and-wait-v2';
const QUEUE_DATA_DIR = 'send-and-wait-queue';
const API = { id: 'waitLofirmoApi', name: 'Lofirmo (sandbox)' };
const IDS = { send: 'waitSendAndWait', limit: 'waitTimeLimit', reports: 'waitReports' };
const TRIGGER_PATH = `${randomUUID()}`;
/** n8n's WaitTracker looks for due executions every 60 s (and at start): a bound for a 1-minute limit to end */
const TIME_LIMIT_WAIT_MS = 180_000;

function node(name: string, type: string, typeVersion: number, parameters: object, extra = {}) {
	return { id: randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

function chain(id: string, name: string, nodes: Array<ReturnType<typeof node>>) {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name, active: false, settings: { executionOrder: 'v1' }, nodes, connections };
}

/** CRM deal (webhook) → Send and Wait for Signature → write the certified PDF to the signed folder. */
function sendAndWaitWorkflow(id: string, webhookPath: string, limit?: { minutes: number }) {
	return chain(id, `Send and wait ${id}`, [
		node(
			'Deal won',
			'n8n-nodes-base.webhook',
			2,
			{
				httpMethod: 'POST',
				path: webhookPath,
				responseMode: 'onReceived',
				options: {},
			},
			{ webhookId: randomUUID() },
		),
		node(
			'Send and wait',
			'n8n-nodes-lofirmo.lofirmo',
			1,
			{
				resource: 'contract',
				operation: 'sendAndWaitForSignature',
				signersInput: 'fields',
				signers: { signer: [{ name: '={{ $json.body.name }}', email: '={{ $json.body.email }}' }] },
				additionalFields: { userReference: '={{ $json.body.dealId }}' },
				...(limit ? { limitWaitTime: true, waitAmount: limit.minutes, waitUnit: 'minutes' } : {}),
			},
			{ credentials: { lofirmoApi: API } },
		),
		node('Save signed PDF', 'n8n-nodes-base.readWriteFile', 1, {
			operation: 'write',
			fileName: `={{ $env.LOFIRMO_SIGNED_DIR }}/{{ $('Deal won').item.json.body.dealId }}.pdf`,
			dataPropertyName: 'data',
			options: {},
		}),
	]);
}

/** The account's report URL: a Lofirmo Trigger (1.1) that only passes the reports on. */
function reportsWorkflow() {
	return chain(IDS.reports, 'Lofirmo reports', [
		node(
			'Lofirmo Trigger',
			'n8n-nodes-lofirmo.lofirmoTrigger',
			1.1,
			{ authentication: 'none', events: ['contractStatusChanged'], downloadPdf: false },
			{ webhookId: TRIGGER_PATH },
		),
	]);
}

/** Where the workflows run: `n8n` answers the public API, `webhookBase` the webhooks. */
interface Host {
	n8n: N8nHandle;
	webhookBase: string;
	stack?: QueueStack;
}

let sb: Sandbox;
let host: Host;
let signedDir: string;
const webhookUrl = (p: string) => `${host.webhookBase}/webhook/${p}`;
const reportsUrl = () => `${host.webhookBase}/webhook/${TRIGGER_PATH}/lofirmo`;

async function startRegular(fresh: boolean): Promise<Host> {
	const n8n = await startN8n({
		version: 2,
		port: PORT,
		dataDir: DATA_DIR,
		fresh,
		env: sampleN8nEnv(signedDir),
	});
	return { n8n, webhookBase: n8n.baseUrl };
}

async function startQueue(): Promise<Host> {
	const stack = await startQueueStack({
		name: QUEUE_DATA_DIR,
		basePort: QUEUE_BASE_PORT,
		workers: 1,
		env: sampleN8nEnv(signedDir),
	});
	return { n8n: stack.main, webhookBase: stack.webhookBaseUrl, stack };
}

/** The sandbox, the host, the credential and the three workflows, active; the sandbox reporting to the trigger. */
function useHost(dataDir: string, start: () => Promise<Host>) {
	beforeAll(async () => {
		sb = await startSandbox();
		signedDir = path.join(resolveDataDir(dataDir), 'signed');
		host = await start();
		// after the fresh start, which empties the data folder
		fs.mkdirSync(signedDir, { recursive: true });
		await setupOwner(host.n8n);
		await createApiKey(host.n8n);
		await importCredentials(host.n8n, [
			{
				...API,
				type: 'lofirmoApi',
				data: { apiUser: USER, apiToken: TOKEN, baseUrl: sb.url, pathOverrides: '{}' },
			},
		]);
		await importWorkflows(host.n8n, [
			sendAndWaitWorkflow(IDS.send, 'wait-deal'),
			sendAndWaitWorkflow(IDS.limit, 'wait-deal-limited', { minutes: 1 }),
			reportsWorkflow(),
		]);
		await activateWorkflow(host.n8n, IDS.send, webhookUrl('wait-deal'));
		await activateWorkflow(host.n8n, IDS.limit, webhookUrl('wait-deal-limited'));
		await activateWorkflow(host.n8n, IDS.reports, reportsUrl());
		sb.setWebhook({ url: reportsUrl(), format: 'json' });
	}, 420_000);
	afterAll(async () => {
		await (host?.stack ? host.stack.stop() : host?.n8n.stop());
		await sb?.stop();
	});
}

/** Polls n8n's public API until `check` passes for the execution; returns it with its data. */
async function executionWhere(
	workflowId: string,
	check: (e: PublicExecution) => boolean,
	timeoutMs = WAIT_MS,
): Promise<PublicExecution> {
	const deadline = Date.now() + timeoutMs;
	let seen = '';
	for (;;) {
		const found = (await listExecutions(host.n8n, workflowId)).find(check);
		if (found) return getExecution(host.n8n, found.id);
		seen = (await listExecutions(host.n8n, workflowId, { includeData: false }))
			.map((e) => `${e.id}:${e.status}`)
			.join(', ');
		if (Date.now() > deadline) throw new Error(`no such execution of ${workflowId}; seen ${seen}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** Sends a deal to a Send and Wait workflow and waits until its execution waits; returns it and its contract. */
async function sendDeal(workflowPath: string, workflowId: string, dealId: string) {
	const before = new Set(
		(await listExecutions(host.n8n, workflowId, { includeData: false })).map((e) => e.id),
	);
	const answer = await post(webhookUrl(workflowPath), {
		dealId,
		name: 'Ana García',
		email: 'ana@example.com',
	});
	expect(answer.status).toBe(200);
	const execution = await executionWhere(
		workflowId,
		(e) => !before.has(e.id) && e.status === 'waiting',
	);
	const [sent] = nodeOutput(execution, 'Send and wait');
	return { execution, contractId: String(sent.json.contractId) };
}

/** The trigger's execution for a report about this contract (every report is still emitted). */
function reportOf(contractId: string, status: string) {
	return executionWhere(IDS.reports, (e) =>
		nodeOutput(e, 'Lofirmo Trigger').some(
			(item) => item.json.contractId === contractId && item.json.status === status,
		),
	);
}

/** A certified report for a contract, posted to the trigger as Lofirmo would, with the reference given. */
async function postCertifiedReport(contractId: string, reference: string): Promise<void> {
	const answer = await post(reportsUrl(), {
		Servicio: 'CONTRATACION',
		ContratoID: contractId,
		ReportID: '1',
		Resultado: '1014',
		FechaEnvio: '2026-11-30 10:00',
		FechaFirma: '2026-11-30 11:00',
		NumFirmantes: '1',
		NumFimados: '1',
		Referencia: reference,
		TipoFirma: '3',
	});
	expect(answer.status).toBe(200);
}

const statusChecks = () => sb.requests.filter((r) => r.fn === 'contractStatus').length;

describeRow(2, 'Send and Wait for Signature (n8n 2.x)', () => {
	useHost(DATA_DIR, () => startRegular(true));

	// the time limit ends a wait only at n8n's next look for due executions (once a minute): the deal with a 1-minute
	// limit is sent first and checked last, so that minute passes while the other tests run
	let limited: Promise<{ execution: PublicExecution; contractId: string }>;
	it('sends a deal whose wait is limited to one minute (its end is checked last)', async () => {
		limited = sendDeal('wait-deal-limited', IDS.limit, 'DEAL-4');
		expect((await limited).execution.status).toBe('waiting');
	});

	it('waits in the database; a non-final report leaves it waiting; the certified one resumes it with the PDF', async () => {
		const { execution, contractId } = await sendDeal('wait-deal', IDS.send, 'DEAL-1');
		// the reference Lofirmo echoes: the user's first, then the code
		const sent = sb.requests.find(
			(r) => r.fn === 'sendContract' && String(r.params.referenciausuario).startsWith('DEAL-1 '),
		);
		expect(String(sent?.params.referenciausuario)).toMatch(/^DEAL-1 n8nwait-\d+-0-/);

		await sb.signContract(contractId);
		await sb.flushWebhooks();
		await reportOf(contractId, '11');
		// the trigger logs what the waiting node answered: not resumed, still waiting for its one contract
		await waitForLog(
			new RegExp(
				`still waiting: waiting execution ${execution.id} \\(item 0\\): .*"resumed":false`,
			),
		);
		expect((await getExecution(host.n8n, execution.id, false)).status).toBe('waiting');

		await sb.certifyContract(contractId);
		await sb.flushWebhooks();
		const done = await executionWhere(
			IDS.send,
			(e) => e.id === execution.id && e.status === 'success',
		);
		const [item] = nodeOutput(done, 'Send and wait');
		expect(item.json).toMatchObject({
			contractId,
			status: '1014',
			timedOut: false,
			downloadError: null,
		});
		const pdf = fs.readFileSync(path.join(signedDir, 'DEAL-1.pdf'));
		const served = sb.requests.filter((r) => r.fn === 'downloadContractPdf' && r.pdfSha256);
		expect(served.map((r) => r.pdfSha256)).toContain(
			createHash('sha256').update(pdf).digest('hex'),
		);
		// the report itself still started the trigger's workflow, naming the execution it woke up
		const report = await reportOf(contractId, '1014');
		expect(nodeOutput(report, 'Lofirmo Trigger')[0].json.waitingExecution).toEqual({
			executionId: execution.id,
			itemIndex: 0,
		});

		// a stale code (Lofirmo sending the report again): n8n answers 409, nothing runs or asks Lofirmo again
		const checksBefore = statusChecks();
		await postCertifiedReport(contractId, String(sent?.params.referenciausuario));
		await waitForLog(
			new RegExp(`waiting execution ${execution.id} \\(item 0\\) answered HTTP 409`),
		);
		expect(statusChecks()).toBe(checksBefore);
		expect((await getExecution(host.n8n, execution.id, false)).status).toBe('success');
	});

	it('resumes after n8n was restarted while it waited', async () => {
		const { execution, contractId } = await sendDeal('wait-deal', IDS.send, 'DEAL-2');
		await host.n8n.stop();
		host = await startRegular(false);
		await setupOwner(host.n8n);
		await createApiKey(host.n8n);
		await sb.certifyContract(contractId);
		await sb.flushWebhooks();
		const done = await executionWhere(
			IDS.send,
			(e) => e.id === execution.id && e.status === 'success',
		);
		expect(nodeOutput(done, 'Send and wait')[0].json).toMatchObject({ contractId, status: '1014' });
		expect(fs.existsSync(path.join(signedDir, 'DEAL-2.pdf'))).toBe(true);
	});

	it('wakes nothing with a forged code, and still emits the report', async () => {
		const { execution, contractId } = await sendDeal('wait-deal', IDS.send, 'DEAL-3');
		const checksBefore = statusChecks();
		const forged = makeResumeReference('DEAL-3', execution.id, randomBytes(32).toString('hex'), 0);
		await postCertifiedReport(contractId, forged);
		await reportOf(contractId, '1014');
		await waitForLog(/answered HTTP 401/);
		expect((await getExecution(host.n8n, execution.id, false)).status).toBe('waiting');
		expect(statusChecks()).toBe(checksBefore);
	});

	it(
		'carries on at the time limit with timedOut: true and the contract it sent',
		async () => {
			const { execution, contractId } = await limited;
			const done = await executionWhere(
				IDS.limit,
				(e) => e.id === execution.id && e.status !== 'waiting',
				TIME_LIMIT_WAIT_MS,
			);
			expect(nodeOutput(done, 'Send and wait')[0].json).toEqual({
				contractId,
				reportId: expect.any(String),
				// what the node checks a resume call's token against on n8n 1.x (never the token itself)
				resumeTokenSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
				timedOut: true,
			});
		},
		TIME_LIMIT_WAIT_MS + WAIT_MS,
	);
});

/** What every n8n process of the host has logged. */
function logs(): string {
	return host.stack
		? host.stack
				.processes()
				.map((p) => p.handle.logs())
				.join('\n')
		: host.n8n.logs();
}

/** Until n8n's output has a line matching `pattern` (what the trigger logs about its call). */
async function waitForLog(pattern: RegExp): Promise<void> {
	const deadline = Date.now() + WAIT_MS;
	while (!pattern.test(logs())) {
		if (Date.now() > deadline) throw new Error(`n8n never logged ${pattern}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

describeRow(2, 'Send and Wait for Signature (n8n 2.x, queue mode)', () => {
	useHost(QUEUE_DATA_DIR, startQueue);

	it('waits; the report reaches the webhook processor, which resumes it; workers run the send and the rest', async () => {
		const { execution, contractId } = await sendDeal('wait-deal', IDS.send, 'DEAL-Q1');
		await sb.certifyContract(contractId);
		await sb.flushWebhooks();
		const done = await executionWhere(
			IDS.send,
			(e) => e.id === execution.id && e.status === 'success',
		);
		expect(nodeOutput(done, 'Send and wait')[0].json).toMatchObject({
			contractId,
			status: '1014',
			downloadError: null,
		});
		const pdf = fs.readFileSync(path.join(signedDir, 'DEAL-Q1.pdf'));
		const served = sb.requests.filter((r) => r.fn === 'downloadContractPdf' && r.pdfSha256);
		expect(served.map((r) => r.pdfSha256)).toContain(
			createHash('sha256').update(pdf).digest('hex'),
		);
		// enqueued by the webhook processor (the CRM's call, then the resume); a worker ran it both times
		const trail = executionTrail(host.stack!.processes());
		expect(trail.enqueuedBy.get(execution.id)).toBe('webhook');
		expect(trail.startedBy.get(execution.id)).toEqual(['worker-0', 'worker-0']);
		await waitForLog(
			new RegExp(`woke up waiting execution ${execution.id} \\(item 0\\): .*"resumed":true`),
		);
	});
});
