/**
 * Secrets end to end, in the pinned real n8n 2.x (debug logging) with the sandbox: the API token and the trigger's
 * webhook password are recognisable canaries; workflows run through success, Lofirmo API errors (negative Res,
 * 401, 5xx, a dropped connection), bad PDFs, and reports with right and wrong Basic auth, stopping on errors and
 * continuing with them as items. Then the canaries, and every base64 form they can take (user:secret as in the
 * Authorization header, the secret alone at each alignment), must appear in none of:
 *   - any execution's data (public API, getExecution with includeData, for every execution), so in no node
 *     output and no error message or description;
 *   - the answers n8n gave (webhook responses, the credential test);
 *   - n8n's own log (N8N_LOG_LEVEL=debug) and n8n's data folder at rest (database, binary data);
 *   - the sandbox's record of what it received (request parameters, reports), while its auth check shows that
 *     the Authorization header did carry the token (that header is the only place it belongs).
 *
 *   npm run build && npx jest -c test/e2e/jest.config.js test/e2e/secrets.e2e.test.ts
 */
import axios, { type AxiosResponse } from 'axios';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../helpers/sandbox';
import {
	activateWorkflow,
	createApiKey,
	getExecution,
	importCredentials,
	importWorkflows,
	listExecutions,
	setupOwner,
	startN8n,
	type N8nHandle,
	type PublicExecution,
} from '../../scripts/n8n-harness';
import { recordFigures } from '../helpers/figures';
import { describeRow, nodeOutput, WAIT_MS } from './samples.support';

const PORT = 5912;
const DATA_DIR = 'secrets-e2e';

const API = { user: 'e2e-api-user', token: 'E2E-TOKEN-CANARY-4b1d' };
const HOOK = { user: 'e2e-hook-user', password: 'E2E-HOOK-CANARY-9a2c' };

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64');

/** The secret as base64 wherever it sits in an encoded byte string (each of the three alignments, edges trimmed). */
function base64Forms(secret: string): string[] {
	return [0, 1, 2].map((offset) => {
		const encoded = b64(Buffer.concat([Buffer.alloc(offset, 0x20), Buffer.from(secret)]));
		return encoded.slice(offset === 0 ? 0 : 4, -4);
	});
}

/** Everything that must never show: the secrets as text and in base64, alone and as user:secret. */
const NEEDLES = [
	API.token,
	HOOK.password,
	b64(`${API.user}:${API.token}`),
	b64(`${HOOK.user}:${HOOK.password}`),
	...base64Forms(API.token),
	...base64Forms(HOOK.password),
];

function leaks(text: string): string[] {
	return NEEDLES.filter((needle) => text.includes(needle));
}

const CREDS = {
	api: { id: 'lofirmoSecretsApi', name: 'Lofirmo (secrets e2e)' },
	hook: { id: 'lofirmoSecretsHook', name: 'Lofirmo reports (secrets e2e)' },
};

const WF = {
	send: {
		id: 'lofirmoSecretsSend',
		path: 'secrets-send',
		webhookId: '8b3c4d5e-0000-4000-8000-000000005912',
	},
	sendContinue: {
		id: 'lofirmoSecretsSendC',
		path: 'secrets-send-continue',
		webhookId: '8b3c4d5e-0000-4000-8000-000000005913',
	},
	download: {
		id: 'lofirmoSecretsPdf',
		path: 'secrets-download',
		webhookId: '8b3c4d5e-0000-4000-8000-000000005914',
	},
	trigger: { id: 'lofirmoSecretsTrig', webhookId: '8b3c4d5e-0000-4000-8000-000000005915' },
} as const;

const LOFIRMO = 'Lofirmo';

function webhookThen(
	wf: { id: string; path: string; webhookId: string },
	lofirmo: Record<string, unknown>,
) {
	return {
		id: wf.id,
		name: `secrets e2e: ${wf.id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: `${wf.id}-in`,
				name: 'Call',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: wf.webhookId,
				parameters: { httpMethod: 'POST', path: wf.path, responseMode: 'lastNode', options: {} },
			},
			{
				id: `${wf.id}-lofirmo`,
				name: LOFIRMO,
				type: 'n8n-nodes-lofirmo.lofirmo',
				typeVersion: 1,
				position: [240, 0],
				credentials: { lofirmoApi: CREDS.api },
				...lofirmo,
			},
		],
		connections: { Call: { main: [[{ node: LOFIRMO, type: 'main', index: 0 }]] } },
	};
}

const sendParameters = {
	resource: 'contract',
	operation: 'sendContract',
	signersInput: 'fields',
	signers: {
		signer: [{ name: 'Ana García', email: 'ana@example.com', mobile: '+34 600 000 001' }],
	},
	additionalFields: { userReference: '={{ $json.body.ref }}', message: 'Please sign: [LINK]' },
};

const workflows = () => [
	webhookThen(WF.send, { parameters: sendParameters }),
	webhookThen(WF.sendContinue, { parameters: sendParameters, onError: 'continueRegularOutput' }),
	webhookThen(WF.download, {
		parameters: {
			resource: 'contract',
			operation: 'downloadContractPdf',
			contractId: '={{ $json.body.contractId }}',
			reportId: '={{ $json.body.reportId }}',
			document: 'CERTIFICADO',
		},
		onError: 'continueRegularOutput',
	}),
	{
		id: WF.trigger.id,
		name: 'secrets e2e: reports',
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: `${WF.trigger.id}-trigger`,
				name: 'Lofirmo reports',
				type: 'n8n-nodes-lofirmo.lofirmoTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: WF.trigger.webhookId,
				parameters: { authentication: 'basicAuth', downloadPdf: true },
				credentials: { lofirmoWebhookApi: CREDS.hook, lofirmoApi: CREDS.api },
			},
			{
				id: `${WF.trigger.id}-done`,
				name: 'Done',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [240, 0],
				parameters: {},
			},
		],
		connections: { 'Lofirmo reports': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
	},
];

type Fault = Parameters<Sandbox['addFault']>[0];

/** Transient faults are queued more often than any bounded retry takes them; leftovers are cleared after each call. */
const SEND_SCENARIOS: Array<{ name: string; fault?: Fault; ok: boolean }> = [
	{ name: 'success', ok: true },
	{ name: 'negative Res', fault: { fn: 'sendContract', type: 'negative', res: '-2' }, ok: false },
	{ name: 'HTTP 401', fault: { fn: 'sendContract', type: 'unauthorized' }, ok: false },
	{
		name: 'HTTP 503 every time',
		fault: { fn: 'sendContract', type: 'status', status: 503, times: 20 },
		ok: false,
	},
	{
		name: 'HTTP 500 every time',
		fault: { fn: 'sendContract', type: 'status', status: 500, times: 20 },
		ok: false,
	},
	{
		name: 'connection dropped every time',
		fault: { fn: 'sendContract', type: 'drop', times: 20 },
		ok: false,
	},
];

const DOWNLOAD_SCENARIOS: Array<{ name: string; fault?: Fault; ok: boolean }> = [
	{ name: 'success', ok: true },
	{
		name: 'not a PDF (JSON error body)',
		fault: { fn: 'downloadContractPdf', type: 'notpdf' },
		ok: false,
	},
	{
		name: 'truncated every time',
		fault: { fn: 'downloadContractPdf', type: 'truncate', times: 20 },
		ok: false,
	},
	{
		name: 'well-framed half PDF',
		fault: { fn: 'downloadContractPdf', type: 'truncate-complete', times: 20 },
		ok: false,
	},
	{ name: 'HTTP 401', fault: { fn: 'downloadContractPdf', type: 'unauthorized' }, ok: false },
	{
		name: 'negative Res',
		fault: { fn: 'downloadContractPdf', type: 'negative', res: '-3' },
		ok: false,
	},
];

async function call(n8n: N8nHandle, webhookPath: string, body: unknown): Promise<AxiosResponse> {
	return axios.post(`${n8n.baseUrl}/webhook/${webhookPath}`, body, {
		validateStatus: () => true,
		proxy: false,
		timeout: 120_000,
	});
}

/** Every file under `dir`, as bytes (n8n's data at rest). */
function filesUnder(dir: string): string[] {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(full);
		return entry.isFile() ? [full] : [];
	});
}

describeRow(
	2,
	'secrets in real n8n 2.x: the API token and the webhook password never leave their headers',
	() => {
		let n8n: N8nHandle | undefined;
		let sb: Sandbox | undefined;
		/** everything n8n answered, to be scanned */
		const answers: string[] = [];
		const hookUrl = () => `${n8n!.baseUrl}/webhook/${WF.trigger.webhookId}/lofirmo`;

		beforeAll(async () => {
			sb = await startSandbox({ accounts: [{ user: API.user, token: API.token, credits: 1000 }] });
			n8n = await startN8n({
				version: 2,
				port: PORT,
				dataDir: DATA_DIR,
				fresh: true,
				env: { N8N_LOG_LEVEL: 'debug' },
			});
			await setupOwner(n8n);
			await createApiKey(n8n);
			await importCredentials(n8n, [
				{
					...CREDS.api,
					type: 'lofirmoApi',
					data: { apiUser: API.user, apiToken: API.token, baseUrl: sb.url, pathOverrides: '{}' },
				},
				{ ...CREDS.hook, type: 'lofirmoWebhookApi', data: { ...HOOK } },
			]);
			await importWorkflows(n8n, workflows());
			for (const wf of [WF.send, WF.sendContinue, WF.download])
				await activateWorkflow(n8n, wf.id, `webhook/${wf.path}`);
			await activateWorkflow(n8n, WF.trigger.id, hookUrl());
		}, 240_000);

		afterAll(async () => {
			await n8n?.stop();
			await sb?.stop();
		});

		afterEach(() => sb?.clearFaults());

		/**
		 * Each scenario runs once per suite, from its own test or from the scan that needs its traces, whichever comes
		 * first: the scan also holds when it runs alone (`-t`).
		 */
		const once = <T>(run: () => Promise<T>) => {
			let started: Promise<T> | undefined;
			return () =>
				(started ??= (async () => {
					sb!.clearFaults(); // a scenario run from the scan follows another, not an afterEach
					return run();
				})());
		};

		const sends = once(async () => {
			sb!.setWebhook(null);
			for (const wf of [WF.send, WF.sendContinue]) {
				for (const scenario of SEND_SCENARIOS) {
					sb!.clearFaults();
					if (scenario.fault) sb!.addFault(scenario.fault);
					const res = await call(n8n!, wf.path, { ref: `${wf.id}-${scenario.name}` });
					answers.push(
						JSON.stringify({ status: res.status, headers: res.headers, data: res.data }),
					);
					const expected = scenario.ok || wf === WF.sendContinue ? 200 : 500;
					expect({ wf: wf.id, scenario: scenario.name, status: res.status }).toEqual({
						wf: wf.id,
						scenario: scenario.name,
						status: expected,
					});
				}
			}
			// the errors reached the output or the execution with a message: the scan below has something to read
			const continued = await listExecutions(n8n!, WF.sendContinue.id);
			const errors = continued
				.flatMap((e) => nodeOutput(e, LOFIRMO).map((i) => String(i.json.error ?? '')))
				.filter((m) => m !== '');
			expect(errors.length).toBe(SEND_SCENARIOS.filter((s) => !s.ok).length);
			const stopped = await listExecutions(n8n!, WF.send.id);
			expect(
				stopped.filter((e) => e.status === 'error').map((e) => e.data?.resultData?.error?.message),
			).toHaveLength(SEND_SCENARIOS.filter((s) => !s.ok).length);
		});

		const downloads = once(async () => {
			sb!.setWebhook(null);
			const { contractId, reportId } = (await call(n8n!, WF.send.path, { ref: 'pdf' })).data as {
				contractId: string;
				reportId: string;
			};
			await sb!.certifyContract(contractId);
			for (const scenario of DOWNLOAD_SCENARIOS) {
				sb!.clearFaults();
				if (scenario.fault) sb!.addFault(scenario.fault);
				const res = await call(n8n!, WF.download.path, { contractId, reportId });
				answers.push(JSON.stringify({ status: res.status, headers: res.headers, data: res.data }));
				expect({ scenario: scenario.name, status: res.status }).toEqual({
					scenario: scenario.name,
					status: 200,
				});
				const data = res.data as { error?: string; contractId?: string };
				if (scenario.ok) expect(data.contractId).toBe(contractId);
				else expect(data.error).toEqual(expect.any(String));
			}
		});

		/** Resolves to the number of reports the sandbox delivered to the trigger, accepted and refused. */
		const triggerReports = once(async () => {
			const deliveredBefore = sb!.webhookDeliveries.length;
			const certifyOne = async (ref: string) => {
				const { contractId } = (await call(n8n!, WF.send.path, { ref })).data as {
					contractId: string;
				};
				return (await sb!.certifyContract(contractId)).webhook;
			};
			for (const format of ['json', 'form', 'multipart'] as const) {
				sb!.setWebhook({ url: hookUrl(), format, auth: HOOK });
				expect(await certifyOne(`trigger-ok-${format}`)).toEqual({ status: 200 });
			}
			sb!.setWebhook({ url: hookUrl(), format: 'json', auth: HOOK });
			for (const fault of [
				{ fn: 'downloadContractPdf', type: 'unauthorized' },
				{ fn: 'downloadContractPdf', type: 'notpdf' },
				{ fn: 'downloadContractPdf', type: 'status', status: 503, times: 20 },
			] as Fault[]) {
				sb!.clearFaults();
				sb!.addFault(fault);
				expect(await certifyOne(`trigger-fault-${JSON.stringify(fault)}`)).toEqual({ status: 200 });
			}
			sb!.clearFaults();
			sb!.setWebhook({
				url: hookUrl(),
				format: 'json',
				auth: { user: HOOK.user, password: `${HOOK.password}-wrong` },
			});
			expect(await certifyOne('trigger-wrong-password')).toEqual({ status: 401 });
			sb!.setWebhook({
				url: hookUrl(),
				format: 'form',
				auth: { user: 'someone', password: HOOK.password.toLowerCase() },
			});
			expect(await certifyOne('trigger-wrong-user')).toEqual({ status: 401 });
			sb!.setWebhook({ url: hookUrl(), format: 'json' });
			expect(await certifyOne('trigger-no-auth')).toEqual({ status: 401 });
			sb!.setWebhook(null);

			// the reports with the right auth, sends included (11) and certified ones (1014): 2 per accepted contract
			// (every delivery was answered already, and n8n records a webhook's execution before it answers: once 12 are
			// listed and settled, a 13th would be listed too)
			const deadline = Date.now() + WAIT_MS;
			let executions: PublicExecution[] = [];
			while (Date.now() < deadline) {
				executions = await listExecutions(n8n!, WF.trigger.id, { includeData: true });
				if (
					executions.length >= 12 &&
					executions.every((e) => e.status !== 'new' && e.status !== 'running')
				)
					break;
				await new Promise((r) => setTimeout(r, 250));
			}
			const items = executions.flatMap((e) => nodeOutput(e, 'Lofirmo reports')).map((i) => i.json);
			const certified = items.filter((j) => j.status === '1014');
			expect(certified).toHaveLength(6);
			expect(certified.filter((j) => j.downloadError === null)).toHaveLength(3);
			expect(certified.filter((j) => typeof j.downloadError === 'string')).toHaveLength(3);
			// each accepted contract's send report (11) came too; the refused contracts' reports (11 and 1014) did not
			expect(items.filter((j) => j.status === '11')).toHaveLength(6);
			expect(executions).toHaveLength(12);
			return sb!.webhookDeliveries.length - deliveredBefore;
		});

		/** Resolves to the number of credential tests made. */
		const credentialTests = once(async () => {
			let made = 0;
			for (const fault of [undefined, { fn: 'credits', type: 'unauthorized' } as Fault]) {
				sb!.clearFaults();
				if (fault) sb!.addFault({ ...fault, times: 5 });
				const res = await axios.post(
					`${n8n!.baseUrl}/rest/credentials/test`,
					{
						credentials: {
							...CREDS.api,
							type: 'lofirmoApi',
							data: {
								apiUser: API.user,
								apiToken: API.token,
								baseUrl: sb!.url,
								pathOverrides: '{}',
							},
						},
					},
					{
						headers: { cookie: n8n!.owner!.cookie, 'browser-id': 'lofirmo-e2e-browser' },
						proxy: false,
						timeout: 30_000,
						validateStatus: () => true,
					},
				);
				answers.push(JSON.stringify({ status: res.status, headers: res.headers, data: res.data }));
				expect((res.data as { data: { status: string } }).data.status).toBe(fault ? 'Error' : 'OK');
				made++;
			}
			return made;
		});

		it('contract sends through success and every API error, stopping on errors and continuing with them', () =>
			sends());
		it('PDF downloads through success, a JSON error body, truncation, 401 and a negative Res', () =>
			downloads());
		it('reports into the trigger: right auth (with a PDF, with failed downloads), wrong password, none', () =>
			triggerReports());
		it('the credential test, right token and a 401, answers without the token', () =>
			credentialTests());

		it('the canaries appear nowhere: executions, answers, n8n logs and data at rest, the sandbox records', async () => {
			await sends();
			await downloads();
			const reports = await triggerReports();
			const credentialTestsMade = await credentialTests();
			const found: string[] = [];
			const scan = (where: string, text: string) => {
				for (const needle of leaks(text)) found.push(`${where}: ${needle}`);
			};
			// the scan finds what is there: the harness's own import file holds the credentials in plain text (that is
			// how `n8n import:credentials` takes them), and a Basic header or a base64 blob holding a secret is caught
			const imports = filesUnder(path.join(n8n!.dataDir, 'imports')).filter((f) =>
				path.basename(f).startsWith('import-credentials'),
			);
			expect(imports.length).toBeGreaterThan(0);
			for (const file of imports)
				expect(leaks(fs.readFileSync(file, 'utf8'))).toEqual(
					expect.arrayContaining([API.token, HOOK.password]),
				);
			expect(leaks(`Authorization: Basic ${b64(`${API.user}:${API.token}`)}`)).not.toEqual([]);
			for (const prefix of ['', 'x', 'xy', 'xyz'])
				expect(leaks(b64(`${prefix}${HOOK.password}…`))).not.toEqual([]);

			// every execution of every workflow, one by one, with its data
			let executionsChecked = 0;
			const statuses: Record<string, number> = {};
			for (const wf of Object.values(WF)) {
				const list = await listExecutions(n8n!, wf.id, { includeData: false });
				for (const summary of list) {
					const execution = await getExecution(n8n!, summary.id, true);
					expect(execution.data?.resultData).toBeDefined();
					scan(`execution ${execution.id} of ${wf.id}`, JSON.stringify(execution));
					statuses[execution.status] = (statuses[execution.status] ?? 0) + 1;
					executionsChecked++;
				}
			}
			// the scenarios above ran: successes and failures both
			expect(statuses.success).toBeGreaterThan(0);
			expect(statuses.error).toBeGreaterThan(0);

			for (const [index, answer] of answers.entries()) scan(`answer ${index}`, answer);

			const log = n8n!.logs();
			scan('n8n log', log);
			// debug logging was on and the log followed the calls (so its silence about the secrets means something)
			// eslint-disable-next-line no-control-regex -- n8n colours its console log with ANSI escapes
			const plain = log.replace(/\x1b\[[0-9;]*m/g, '');
			expect(
				plain.split('\n').filter((line) => /^\S+\s+debug\s/.test(line)).length,
			).toBeGreaterThan(100);
			expect(plain).toContain(`Received webhook "POST" for path "${WF.trigger.webhookId}/lofirmo"`);
			expect(plain).toContain('Running node "Lofirmo" started');

			let bytesAtRest = 0;
			for (const file of [
				...filesUnder(path.join(n8n!.dataDir, '.n8n')),
				path.join(n8n!.dataDir, 'n8n.log'),
			]) {
				if (!fs.existsSync(file)) continue;
				const content = fs.readFileSync(file);
				bytesAtRest += content.length;
				scan(path.relative(n8n!.dataDir, file), content.toString('latin1'));
			}

			// the sandbox keeps what it received, never the Authorization header: the secrets must not be anywhere else
			scan('sandbox requests', JSON.stringify(sb!.requests));
			scan('sandbox reports', JSON.stringify(sb!.webhookDeliveries));
			// ... while the header itself carried the token: the sandbox authenticated the account on the good calls
			expect(
				sb!.requests.filter((r) => r.auth === 'ok' && r.user === API.user).length,
			).toBeGreaterThan(10);
			expect(sb!.requests.filter((r) => r.auth !== 'ok' && !r.fault)).toEqual([]);

			recordFigures('secrets-e2e', {
				n8n: n8n!.install.n8nVersion,
				at: new Date().toISOString(),
				scenarios: {
					send: SEND_SCENARIOS.length * 2,
					download: DOWNLOAD_SCENARIOS.length,
					triggerReports: reports,
					credentialTests: credentialTestsMade,
				},
				executionsChecked,
				executionStatuses: statuses,
				answersChecked: answers.length,
				logBytes: Buffer.byteLength(log),
				dataAtRestBytes: bytesAtRest,
				sandboxRequests: sb!.requests.length,
				needles: NEEDLES.length,
				found: found.length,
			});
			expect(found).toEqual([]);
		});
	},
);
