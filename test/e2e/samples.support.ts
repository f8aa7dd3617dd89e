/**
 * What the sample-workflow suites share: which n8n rows run, one n8n + sandbox + samples per suite, and checks
 * made only through n8n's public API, the sandbox's records and the files on disk (never through our code).
 */
import axios, { type AxiosResponse } from 'axios';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../helpers/sandbox';
import {
	builtPackageContents,
	createApiKey,
	credentialTypes,
	isN8nInstalled,
	listExecutions,
	nodeTypes,
	PACKAGE_NAME,
	resolveDataDir,
	setupOwner,
	startN8n,
	startQueueStack,
	waitForExecutions,
	type N8nHandle,
	type N8nVersion,
	type PublicExecution,
	type QueueStack,
} from '../../scripts/n8n-harness';
import {
	SAMPLE_CREDENTIALS,
	SAMPLE_WORKFLOW_IDS,
	sampleN8nEnv,
	setupSamples,
	type SampleSetup,
} from '../../scripts/samples';

export type { Sandbox };
export type RequestRecord = Sandbox['requests'][number];
export type ReportFormat = 'json' | 'form' | 'multipart';

export const IDS = SAMPLE_WORKFLOW_IDS;

/** Wait limit for one awaited event (an execution to settle, a report to arrive); never a timing assertion. */
export const WAIT_MS = 30_000;

// ---------------------------------------------------------------------------------------------------------
// Which rows run
// ---------------------------------------------------------------------------------------------------------

/**
 * LOFIRMO_E2E_N8N selects the n8n line: unset runs every installed line (a missing 1.x is skipped with a
 * message), `2` or `1` runs only that line, `all` every line; a line that was asked for and is not installed
 * fails (`npm test` installs both and asks for `all`, so nothing is skipped there).
 */
export function rowPlan(
	version: N8nVersion,
): { run: true } | { run: false; reason: string; fail: boolean } {
	const wanted = (process.env.LOFIRMO_E2E_N8N ?? '').trim();
	const install = `bash scripts/install-n8n.sh${version === 1 ? ' v1' : ''}`;
	const required = wanted === 'all' || wanted === String(version);
	if (wanted !== '' && !required) {
		return {
			run: false,
			reason: `LOFIRMO_E2E_N8N=${wanted} selects n8n ${wanted}.x only`,
			fail: false,
		};
	}
	if (!isN8nInstalled(version)) {
		return {
			run: false,
			reason: `n8n ${version}.x is not installed (run: ${install}, then LOFIRMO_E2E_N8N=${version} to require it)`,
			fail: required,
		};
	}
	return { run: true };
}

/** `describe` for a row: skipped with the reason printed, or one failing test when the row was asked for. */
export function describeRow(version: N8nVersion, title: string, body: () => void): void {
	const plan = rowPlan(version);
	if (plan.run) {
		describe(title, body);
		return;
	}
	if (plan.fail) {
		describe(title, () => {
			it('has its n8n installed', () => {
				throw new Error(plan.reason);
			});
		});
		return;
	}
	console.warn(`SKIPPED "${title}": ${plan.reason}`);
	describe.skip(title, body);
}

// ---------------------------------------------------------------------------------------------------------
// One n8n + sandbox + samples per suite
// ---------------------------------------------------------------------------------------------------------

export interface SamplesRun {
	/** the n8n whose REST API and executions the tests read (queue mode: main) */
	n8n: N8nHandle;
	sb: Sandbox;
	setup: SampleSetup;
}

/** What a suite runs the samples on: one n8n, or a queue-mode stack (its main, and where webhooks answer). */
interface SamplesHost {
	n8n: N8nHandle;
	webhookBaseUrl?: string;
	describe: string;
	stop(): Promise<void>;
}

/**
 * beforeAll: the sandbox on a free port, the host started with the samples' environment (`start`), owner, API key,
 * the samples imported and active, the sandbox's reports going to the Lofirmo Trigger (JSON, Basic auth).
 * afterAll: everything stopped. Read `run()` inside tests.
 */
function useSamplesOn<H extends SamplesHost>(
	folder: string,
	start: (dataDir: string, env: Record<string, string>) => Promise<H>,
): () => SamplesRun & { host: H } {
	let current: Partial<Omit<SamplesRun, 'n8n'> & { host: H }> = {};
	// kept so afterAll can stop a host whose start outlived beforeAll's time limit
	let starting: Promise<H> | undefined;
	beforeAll(async () => {
		const t0 = Date.now();
		const sb = await startSandbox();
		current.sb = sb;
		const dataDir = resolveDataDir(folder);
		// beside n8n's own folders (<dataDir>/…/.n8n), which n8n never lets a workflow write into
		const signedDir = path.join(dataDir, 'signed');
		fs.rmSync(signedDir, { recursive: true, force: true });
		starting = start(dataDir, sampleN8nEnv(signedDir));
		const host = await starting;
		current.host = host;
		await setupOwner(host.n8n);
		await createApiKey(host.n8n);
		const setup = await setupSamples(host.n8n, {
			sandboxUrl: sb.url,
			signedDir,
			webhookBaseUrl: host.webhookBaseUrl,
		});
		current.setup = setup;
		sb.setWebhook({ url: setup.reportsWebhookUrl, format: 'json', auth: setup.webhookAuth });
		console.log(
			`${host.describe}; samples set up ${Date.now() - t0} ms after the start of the suite`,
		);
		// above the harness's own limits (queue mode: PostgreSQL, Redis, main, then the others, each bounded)
	}, 420_000);
	afterAll(async () => {
		const host = current.host ?? (await starting?.catch(() => undefined));
		await host?.stop();
		await current.sb?.stop();
		current = {};
		starting = undefined;
	});
	return () => {
		const { sb, setup, host } = current;
		if (!sb || !setup || !host)
			throw new Error('the samples are not set up (see the beforeAll error)');
		return { n8n: host.n8n, sb, setup, host };
	};
}

/** The samples on one fresh n8n of `version` on `port`. */
export function useSamples(version: N8nVersion, port: number): () => SamplesRun {
	return useSamplesOn(`samples-v${version}`, async (dataDir, env) => {
		const n8n = await startN8n({ version, port, dataDir, fresh: true, env });
		return {
			n8n,
			describe: `n8n ${n8n.install.n8nVersion} ready in ${n8n.startupMs} ms`,
			stop: () => n8n.stop(),
		};
	});
}

/**
 * The samples on n8n 2.x in queue mode (scripts/n8n/queue.ts): PostgreSQL, Redis, main, a webhook processor
 * where the CRM and Lofirmo post, and `workers` workers. `run().host.stack` is the stack.
 */
export function useQueueSamples(
	basePort: number,
	workers: number,
): () => SamplesRun & { host: SamplesHost & { stack: QueueStack } } {
	return useSamplesOn('samples-queue', async (dataDir, env) => {
		const stack = await startQueueStack({ name: path.basename(dataDir), basePort, workers, env });
		return {
			stack,
			n8n: stack.main,
			webhookBaseUrl: stack.webhookBaseUrl,
			describe: `n8n ${stack.main.install.n8nVersion} in queue mode ready: ${stack
				.processes()
				.map((p) => `${p.role} :${p.handle.port} in ${p.handle.startupMs} ms`)
				.join(', ')}`,
			stop: () => stack.stop(),
		};
	});
}

/** Our node and credential types are loaded, and dist/ has every file the package.json "n8n" section lists. */
export async function expectPackageLoaded(n8n: N8nHandle): Promise<void> {
	const built = builtPackageContents();
	if (built.missing.length > 0) {
		throw new Error(
			`package.json lists files dist/ lacks (run \`npm run build\`): ${built.missing.join(', ')}`,
		);
	}
	const ours = (await nodeTypes(n8n))
		.map((t) => t.name)
		.filter((name) => name.startsWith(`${PACKAGE_NAME}.`));
	expect(ours).toEqual(
		expect.arrayContaining([`${PACKAGE_NAME}.lofirmo`, `${PACKAGE_NAME}.lofirmoTrigger`]),
	);
	const creds = (await credentialTypes(n8n)).map((c) => c.name);
	expect(creds).toEqual(expect.arrayContaining(['lofirmoApi', 'lofirmoWebhookApi']));
}

// ---------------------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------------------

export async function post(
	url: string,
	body: unknown,
	opts: { auth?: { user: string; password: string }; contentType?: string } = {},
): Promise<AxiosResponse> {
	return axios.post(url, body, {
		validateStatus: () => true,
		proxy: false,
		timeout: WAIT_MS,
		auth: opts.auth ? { username: opts.auth.user, password: opts.auth.password } : undefined,
		headers: opts.contentType ? { 'Content-Type': opts.contentType } : undefined,
	});
}

/** The credential's Test connection, as the editor's button calls it on `n8n` (the sample API credential). */
export async function testCredential(
	n8n: N8nHandle,
	sb: Sandbox,
	apiToken: string,
	pathOverrides = '{}',
): Promise<{ status: string; message: string }> {
	const res = await axios.post(
		`${n8n.baseUrl}/rest/credentials/test`,
		{
			credentials: {
				...SAMPLE_CREDENTIALS.api,
				type: 'lofirmoApi',
				data: { apiUser: 'sandbox-user', apiToken, baseUrl: `${sb.url}/`, pathOverrides },
			},
		},
		{
			headers: { cookie: n8n.owner!.cookie, 'browser-id': 'lofirmo-e2e-browser' },
			proxy: false,
			timeout: 15_000,
		},
	);
	return res.data.data as { status: string; message: string };
}

/** What a CRM sends when a deal is won (the payload sample 1 maps). */
export function crmDeal(
	dealId: string,
	contact: Partial<Record<'name' | 'email' | 'phone' | 'taxId', string>> = {},
) {
	return {
		dealId,
		stage: 'won',
		contact: {
			name: 'Ana García',
			email: `ana.${dealId.toLowerCase()}@example.com`,
			phone: '+34 600 000 001',
			taxId: '00000000T',
			...contact,
		},
	};
}

// ---------------------------------------------------------------------------------------------------------
// Executions (n8n's public API)
// ---------------------------------------------------------------------------------------------------------

export async function executionIds(n8n: N8nHandle, workflowId: string): Promise<Set<string>> {
	return new Set((await listExecutions(n8n, workflowId, { includeData: false })).map((e) => e.id));
}

/** Waits until the workflow has exactly `count` more executions than `before` holds, all settled; returns them. */
export async function newExecutions(
	n8n: N8nHandle,
	workflowId: string,
	before: Set<string>,
	count = 1,
): Promise<PublicExecution[]> {
	const all = await waitForExecutions(n8n, workflowId, before.size + count, WAIT_MS);
	const fresh = all.filter((e) => !before.has(e.id));
	if (fresh.length !== count) {
		throw new Error(
			`expected ${count} new execution(s) of ${workflowId}, found ${fresh.length}: ${fresh.map((e) => `${e.id}:${e.status}`).join(', ')}`,
		);
	}
	return fresh;
}

type RunEntry = {
	data?: {
		main?: Array<Array<{
			json: Record<string, unknown>;
			binary?: Record<string, { fileName?: string }>;
		}> | null>;
	};
	error?: { message?: string };
};

/** The items one node put out on its outputs in an execution (first run of the node). */
export function nodeOutput(execution: PublicExecution, node: string, output = 0) {
	const runs = execution.data?.resultData?.runData?.[node] as RunEntry[] | undefined;
	return runs?.[0]?.data?.main?.[output] ?? [];
}

export function ranNodes(execution: PublicExecution): string[] {
	return Object.keys(execution.data?.resultData?.runData ?? {});
}

/** Fails with the execution's own error when it did not succeed. */
export function expectSuccess(execution: PublicExecution): void {
	if (execution.status !== 'success') {
		throw new Error(
			`execution ${execution.id} of ${execution.workflowId} ended "${execution.status}": ${JSON.stringify(execution.data?.resultData?.error ?? null).slice(0, 1500)}`,
		);
	}
}

// ---------------------------------------------------------------------------------------------------------
// Files and the sandbox
// ---------------------------------------------------------------------------------------------------------

/** A complete PDF (header, end-of-file marker) whose text names `marker` (the sandbox writes the ids into it). */
export function expectPdfFile(file: string, marker: string): void {
	if (!fs.existsSync(file)) {
		throw new Error(
			`${file} was not written; the folder holds: ${fs.readdirSync(path.dirname(file)).join(', ') || 'nothing'}`,
		);
	}
	const pdf = fs.readFileSync(file);
	expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
	expect(pdf.subarray(-1024).toString('latin1')).toMatch(/%%EOF\s*$/);
	expect(pdf.toString('latin1')).toContain(marker);
}

/** The sandbox's requests to one vendor function since `from` (an index into sb.requests). */
export function requestsTo(sb: Sandbox, fn: RequestRecord['fn'], from = 0): RequestRecord[] {
	return sb.requests.slice(from).filter((r) => r.fn === fn);
}

/** Points the sandbox's reports at the samples' trigger in `format`, with the right Basic auth unless told. */
export function reportsAs(
	run: SamplesRun,
	format: ReportFormat,
	auth: { user: string; password: string } | null = run.setup.webhookAuth,
): void {
	run.sb.setWebhook({ url: run.setup.reportsWebhookUrl, format, ...(auth ? { auth } : {}) });
}

/**
 * Sample 1 end to end up to Lofirmo: posts a won deal to the CRM webhook and returns what n8n answered (the
 * contract) and what the sandbox received.
 */
export async function sendDeal(
	run: SamplesRun,
	dealId: string,
	contact?: Parameters<typeof crmDeal>[1],
) {
	const from = run.sb.requests.length;
	const res = await post(run.setup.crmWebhookUrl, crmDeal(dealId, contact));
	if (res.status !== 200)
		throw new Error(`CRM webhook answered ${res.status}: ${JSON.stringify(res.data)}`);
	const sent = requestsTo(run.sb, 'sendContract', from);
	expect(sent).toHaveLength(1);
	const answer = res.data as { contractId: string; reportId: string };
	expect(answer.contractId).toMatch(/^\d+$/);
	return {
		contractId: answer.contractId,
		reportId: answer.reportId,
		answer: res.data as Record<string, unknown>,
		request: sent[0],
	};
}

/** The report sample 2 must store: signs (a filtered 11 report), certifies (1014); returns the deliveries. */
export async function signAndCertify(run: SamplesRun, contractId: string) {
	const signed = await run.sb.signContract(contractId);
	const certified = await run.sb.certifyContract(contractId);
	return { signed: signed.webhook, certified: certified.webhook };
}

export const contractPdf = (run: SamplesRun, contractId: string) =>
	path.join(run.setup.signedDir, `lofirmo-contract-${contractId}.pdf`);
export const identityPdf = (run: SamplesRun, verificationId: string) =>
	path.join(run.setup.signedDir, `lofirmo-identity-${verificationId}.pdf`);

/** The stored contract's execution: the trigger's item, the Switch route and the file, all checked. */
export function expectContractStored(
	run: SamplesRun,
	execution: PublicExecution,
	contractId: string,
): void {
	expectSuccess(execution);
	const [report] = nodeOutput(execution, 'Lofirmo reports');
	expect(report?.json).toMatchObject({
		event: 'contractStatusChanged',
		contractId,
		status: '1014',
		downloadError: null,
	});
	expect(report?.binary?.data?.fileName).toBe(`lofirmo-contract-${contractId}.pdf`);
	// outputs: 0 certified PDF missing, 1 contract signed, 2 identity verified
	expect(nodeOutput(execution, 'Route the report', 1)).toHaveLength(1);
	expect(nodeOutput(execution, 'Route the report', 0)).toHaveLength(0);
	expect(ranNodes(execution)).toEqual(expect.arrayContaining(['Save signed contract PDF']));
	expect(ranNodes(execution)).not.toContain('Save identity certificate');
	expectPdfFile(contractPdf(run, contractId), `ContratoID: ${contractId}`);
}

/**
 * A contract signed and certified with the sandbox's reports switched off; its certified report then posted to the
 * trigger as `application/octet-stream` (a type n8n parses for no webhook node of version 1.1: the trigger reads it).
 * Returns the one new "signed → storage" execution; the sandbox's reports are back on (JSON) afterwards.
 */
export async function certifiedReportUntyped(run: SamplesRun, dealId: string) {
	const { contractId } = await sendDeal(run, dealId);
	const before = await executionIds(run.n8n, IDS.signedToStorage);
	run.sb.setWebhook(null);
	try {
		await signAndCertify(run, contractId);
	} finally {
		reportsAs(run, 'json');
	}
	const contract = run.sb.state.contracts.get(contractId);
	if (!contract) throw new Error(`the sandbox does not know contract ${contractId}`);
	const res = await post(
		run.setup.reportsWebhookUrl,
		new URLSearchParams({
			Servicio: 'CONTRATACION',
			ContratoID: contractId,
			ReportID: contract.reportId,
			Resultado: '1014',
		}).toString(),
		{ auth: run.setup.webhookAuth, contentType: 'application/octet-stream' },
	);
	expect(res.status).toBe(200);
	const [execution] = await newExecutions(run.n8n, IDS.signedToStorage, before);
	return { execution, contractId };
}
