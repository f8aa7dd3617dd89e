/**
 * The sample workflows in n8n 2.x **queue mode**, as teams run it at scale: PostgreSQL and Redis (Debian's, started
 * by the harness), a main process (editor, REST, activation; production webhooks off), one webhook processor where
 * the CRM and Lofirmo post, and two workers, each n8n process with its own copy of the packed package
 * (scripts/n8n/queue.ts). Which process did what is read from n8n's own log lines (the webhook processor's
 * "Enqueued execution N", a worker's "Worker started execution N"), never assumed.
 *
 *   npm run build && bash scripts/install-n8n.sh --with-queue && \
 *     npx jest -c test/e2e/jest.config.js test/e2e/queue.e2e.test.ts
 */
import axios from 'axios';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	executionTrail,
	PACKAGE_NAME,
	type PublicExecution,
	type QueueStack,
} from '../../scripts/n8n-harness';
import {
	contractPdf,
	describeRow,
	executionIds,
	expectContractStored,
	expectPackageLoaded,
	expectPdfFile,
	expectSuccess,
	IDS,
	identityPdf,
	newExecutions,
	nodeOutput,
	post,
	ranNodes,
	reportsAs,
	requestsTo,
	sendDeal,
	signAndCertify,
	certifiedReportUntyped,
	testCredential,
	useQueueSamples,
	WAIT_MS,
	type ReportFormat,
} from './samples.support';

const BASE_PORT = 5740;
const WORKERS = 2;

/**
 * The execution was received and enqueued by the webhook processor and run by exactly one worker. Waits (bounded)
 * for the lines: a process's output can reach us a moment after the database says the execution ended.
 */
async function expectRanInQueue(stack: QueueStack, execution: PublicExecution): Promise<string> {
	const deadline = Date.now() + WAIT_MS;
	for (;;) {
		const trail = executionTrail(stack.processes());
		const enqueuedBy = trail.enqueuedBy.get(execution.id);
		const startedBy = trail.startedBy.get(execution.id) ?? [];
		if ((enqueuedBy && startedBy.length > 0) || Date.now() > deadline) {
			expect({ id: execution.id, enqueuedBy, startedBy }).toEqual({
				id: execution.id,
				enqueuedBy: 'webhook',
				startedBy: [expect.stringMatching(/^worker-\d$/)],
			});
			return startedBy[0];
		}
		await new Promise((r) => setTimeout(r, 100));
	}
}

const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

describeRow(
	2,
	`sample workflows on n8n 2.x in queue mode (webhook processor + ${WORKERS} workers)`,
	() => {
		const run = useQueueSamples(BASE_PORT, WORKERS);
		const stack = () => run().host.stack;

		afterEach(() => {
			const r = run();
			r.sb.clearFaults();
			reportsAs(r, 'json');
		});

		it('every n8n process has its own copy of the package, and main lists our nodes and credentials', async () => {
			const s = stack();
			// what main itself says it runs in (its settings endpoint, as the editor reads it)
			const settings = await axios.get(`${s.main.baseUrl}/rest/settings`, {
				headers: { cookie: s.main.owner!.cookie, 'browser-id': 'lofirmo-e2e-browser' },
				proxy: false,
				timeout: 15_000,
			});
			expect(settings.data.data.executionMode).toBe('queue');
			expect(s.main.env.N8N_DISABLE_PRODUCTION_MAIN_PROCESS).toBe('true');
			for (const { role, handle } of s.processes()) {
				expect({
					role,
					db: handle.env.DB_TYPE,
					binary: handle.env.N8N_DEFAULT_BINARY_DATA_MODE,
				}).toEqual({
					role,
					db: 'postgresdb',
					binary: 'database',
				});
				const copy = path.join(handle.dataDir, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
				expect(fs.lstatSync(copy).isDirectory()).toBe(true); // a real folder, not a link into the repo
				expect(
					fs.existsSync(path.join(copy, 'dist', 'nodes', 'Lofirmo', 'LofirmoTrigger.node.js')),
				).toBe(true);
			}
			expect(new Set(s.processes().map((p) => p.handle.dataDir)).size).toBe(2 + WORKERS);
			await expectPackageLoaded(s.main);
			// the webhook processor serves the Lofirmo Trigger (its Basic auth refusal), main serves no production webhook
			const { setup } = run();
			expect(new URL(setup.reportsWebhookUrl).port).toBe(String(s.webhook.port));
			const refused = await post(setup.reportsWebhookUrl, { Servicio: 'CONTRATACION' });
			expect(refused.status).toBe(401);
			expect(refused.headers['www-authenticate']).toMatch(/^Basic realm="Lofirmo Trigger"/);
			const onMain = setup.reportsWebhookUrl.replace(`:${s.webhook.port}/`, `:${s.main.port}/`);
			expect((await post(onMain, { Servicio: 'CONTRATACION' })).status).toBe(404);
		});

		it("the credential's Test connection (run by main) passes with the right token and explains a wrong one", async () => {
			const { n8n, sb } = run();
			const paths = (from: number) => sb.requests.slice(from).map((q) => `${q.path} ${q.auth}`);
			const from = sb.requests.length;
			expect(await testCredential(n8n, sb, 'sandbox-token')).toEqual({
				status: 'OK',
				message: 'Connection successful!',
			});
			expect(paths(from)).toEqual(['/GetCreditos ok']);
			const afterGood = sb.requests.length;
			const refused = await testCredential(n8n, sb, 'wrong-token');
			expect(refused.status).toBe('Error');
			expect(refused.message).toMatch(/refused this API User and API Token/);
			// (n8n's own credential tester may ask twice, as in the regular suite)
			expect(new Set(paths(afterGood))).toEqual(new Set(['/GetCreditos bad']));
		});

		it('CRM deal won → the webhook processor enqueues, a worker sends the contract, the CRM gets its id back', async () => {
			const r = run();
			const before = await executionIds(r.n8n, IDS.crmDealWon);
			const { contractId, reportId, request } = await sendDeal(r, 'D-Q-1001', {
				taxId: '12345678Z',
			});
			expect(request.params).toMatchObject({
				firmantes: [{ Nombre: 'Ana García', NIF: '12345678Z', Telefono: '34600000001' }],
				referenciausuario: 'D-Q-1001',
			});
			expect(r.sb.state.contracts.get(contractId)).toMatchObject({ reportId, status: '11' });
			const [execution] = await newExecutions(r.n8n, IDS.crmDealWon, before);
			expectSuccess(execution);
			expect(nodeOutput(execution, 'Send contract')[0]?.json).toMatchObject({
				contractId,
				reportId,
			});
			await expectRanInQueue(stack(), execution);
		});

		it.each<ReportFormat>(['json', 'multipart'])(
			'certified report (%s) → PDF downloaded on the webhook processor → written by a worker, byte for byte what Lofirmo served',
			async (format) => {
				const r = run();
				reportsAs(r, format);
				const { contractId } = await sendDeal(r, `D-Q-${format}`);
				const before = await executionIds(r.n8n, IDS.signedToStorage);
				expect((await signAndCertify(r, contractId)).certified).toEqual({ status: 200 });
				const [execution] = await newExecutions(r.n8n, IDS.signedToStorage, before);
				expectContractStored(r, execution, contractId);
				// The trigger's webhook() downloads the PDF before n8n creates the execution, and the execution holds
				// the PDF as the trigger's output: enqueued by the webhook processor means downloaded there. The file
				// was written by the worker that ran it, from binary data kept in PostgreSQL.
				await expectRanInQueue(stack(), execution);
				const served = requestsTo(r.sb, 'downloadContractPdf').filter(
					(q) => q.params.contratoid === contractId,
				);
				expect(served).toHaveLength(1);
				expect(sha256(fs.readFileSync(contractPdf(r, contractId)))).toBe(served[0].pdfSha256);
			},
		);

		it('a report of a content type n8n leaves unread (octet-stream) is read by the trigger 1.1 on the webhook processor', async () => {
			const r = run();
			const { execution, contractId } = await certifiedReportUntyped(r, 'D-Q-untyped');
			expectContractStored(r, execution, contractId);
			await expectRanInQueue(stack(), execution);
		});

		it('a report with a wrong password gets 401 and starts nothing; the next good one is the only new execution', async () => {
			const r = run();
			const before = await executionIds(r.n8n, IDS.signedToStorage);
			const wrong = await sendDeal(r, 'D-Q-wrong-password');
			reportsAs(r, 'json', { user: r.setup.webhookAuth.user, password: 'not-the-password' });
			expect((await signAndCertify(r, wrong.contractId)).certified).toEqual({ status: 401 });

			reportsAs(r, 'json');
			const good = await sendDeal(r, 'D-Q-right-password');
			expect((await signAndCertify(r, good.contractId)).certified).toEqual({ status: 200 });
			const [execution] = await newExecutions(r.n8n, IDS.signedToStorage, before);
			expectContractStored(r, execution, good.contractId);
			await expectRanInQueue(stack(), execution);
			expect(fs.existsSync(contractPdf(r, wrong.contractId))).toBe(false);
		});

		it('identity check first: verified (5100) → certificate stored → contract sent to the person on the ID card', async () => {
			const r = run();
			const from = r.sb.requests.length;
			const storageBefore = await executionIds(r.n8n, IDS.signedToStorage);
			const identityBefore = await executionIds(r.n8n, IDS.identityCheckFirst);
			const res = await post(r.setup.newCustomerWebhookUrl, {
				name: 'Luis Pérez',
				mobile: '+34 611 222 333',
			});
			expect(res.status).toBe(200);
			const verificationId = (res.data as { verificationId: string }).verificationId;
			expect(requestsTo(r.sb, 'sendIdentity', from)).toHaveLength(1);

			expect((await r.sb.completeIdentity(verificationId)).webhook).toEqual({ status: 200 });
			const [storage] = await newExecutions(r.n8n, IDS.signedToStorage, storageBefore);
			expectSuccess(storage);
			await expectRanInQueue(stack(), storage);
			expectPdfFile(identityPdf(r, verificationId), `ID: ${verificationId}`);
			// the second half runs as a sub-workflow inside the worker that ran "signed → storage"
			const identityRuns = await newExecutions(r.n8n, IDS.identityCheckFirst, identityBefore, 2);
			await expectRanInQueue(
				stack(),
				identityRuns.find((e) => e.mode === 'webhook')!,
			);
			const completion = identityRuns.find((e) => e.mode !== 'webhook');
			expectSuccess(completion!);
			expect(ranNodes(completion!)).toContain('Send contract to verified person');
			const [contract] = requestsTo(r.sb, 'sendContract', from);
			expect(contract?.params).toMatchObject({
				firmantes: [
					{ Nombre: 'PRUEBA SANDBOX,PERSONA', NIF: '00000000T', Telefono: '34611222333' },
				],
				referenciausuario: `identity-${verificationId}`,
			});
		});

		it('identity check first: a 5100 report Lofirmo sends again sends no second contract (Remove Duplicates, its store in PostgreSQL)', async () => {
			const r = run();
			const res = await post(r.setup.newCustomerWebhookUrl, {
				name: 'Rosa Gil',
				mobile: '34633444555',
			});
			const verificationId = (res.data as { verificationId: string }).verificationId;
			const identityBefore = await executionIds(r.n8n, IDS.identityCheckFirst);
			const from = r.sb.requests.length;
			await r.sb.completeIdentity(verificationId);
			await newExecutions(r.n8n, IDS.identityCheckFirst, identityBefore, 1);
			expect(requestsTo(r.sb, 'sendContract', from)).toHaveLength(1);

			// Lofirmo thinks the report was lost and sends it again; another worker may run it
			const report = r.sb.webhookDeliveries.find(
				(d) => d.payload.ID === verificationId && d.payload.Estado === '5100',
			)?.payload;
			expect(
				(await post(r.setup.reportsWebhookUrl, report, { auth: r.setup.webhookAuth })).status,
			).toBe(200);
			const completions = await newExecutions(r.n8n, IDS.identityCheckFirst, identityBefore, 2);
			completions.forEach(expectSuccess);
			expect(requestsTo(r.sb, 'sendContract', from)).toHaveLength(1);
		});

		it("a PDF over the database binary limit: the report still reaches the workflow, which fails with n8n's reason; nothing is written", async () => {
			const r = run();
			const s = stack();
			const { contractId } = await sendDeal(r, 'D-Q-too-large');
			const before = await executionIds(r.n8n, IDS.signedToStorage);
			// the limit is in MiB; the sandbox's certificates are about 1 KB, so 0.0005 MiB (524 bytes) is too small
			await s.restartWebhook({ env: { N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: '0.0005' } });
			try {
				expect((await signAndCertify(r, contractId)).certified).toEqual({ status: 200 });
				const [execution] = await newExecutions(r.n8n, IDS.signedToStorage, before);
				expect(execution.status).toBe('error');
				const [report] = nodeOutput(execution, 'Lofirmo reports');
				expect(report?.json).toMatchObject({ contractId, status: '1014' });
				expect(report?.binary).toBeUndefined();
				expect(String(report?.json.downloadError)).toMatch(
					/exceeds the max size limit of 0\.0005 MB set for `database` mode.*N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE/,
				);
				const error = execution.data?.resultData?.error as { node?: { name?: string } };
				expect(error.node?.name).toBe('Stop: certified PDF missing');
				expect(fs.existsSync(contractPdf(r, contractId))).toBe(false);
				await expectRanInQueue(s, execution);
			} finally {
				await s.restartWebhook();
			}
		});

		it('a Lofirmo API error fails the execution on the worker with the result code, and the CRM hears of it', async () => {
			const r = run();
			const before = await executionIds(r.n8n, IDS.crmDealWon);
			r.sb.addFault({ fn: 'sendContract', type: 'negative', res: '-2' });
			const res = await post(r.setup.crmWebhookUrl, {
				dealId: 'D-Q-fault',
				contact: { name: 'Ana', email: 'ana@example.com' },
			});
			expect(res.status).toBe(500);
			const [execution] = await newExecutions(r.n8n, IDS.crmDealWon, before);
			expect(execution.status).toBe('error');
			const error = execution.data?.resultData?.error as { message?: string; description?: string };
			expect(error.message).toBe('Lofirmo rejected the request (Res -2)');
			expect(error.description).toContain('The request was not repeated');
			await expectRanInQueue(stack(), execution);
		});

		it('a webhook processor without the package: n8n answers Lofirmo 400 "Unrecognized node type" and starts nothing', async () => {
			const r = run();
			const s = stack();
			const { contractId } = await sendDeal(r, 'D-Q-no-trigger');
			const before = await executionIds(r.n8n, IDS.signedToStorage);
			await s.restartWebhook({ package: 'remove' });
			try {
				const { certified } = await signAndCertify(r, contractId);
				const report = r.sb.webhookDeliveries.at(-1)!.payload;
				const direct = await post(r.setup.reportsWebhookUrl, report, { auth: r.setup.webhookAuth });
				expect(certified).toEqual({ status: 400 });
				expect(direct.status).toBe(400);
				expect(direct.data).toMatchObject({
					message: 'Unrecognized node type: n8n-nodes-lofirmo.lofirmoTrigger',
				});
			} finally {
				await s.restartWebhook({ package: 'reinstall' });
			}
			expect(await executionIds(r.n8n, IDS.signedToStorage)).toEqual(before);
			expect(fs.existsSync(contractPdf(r, contractId))).toBe(false);
		});

		it('a worker without the package: the execution it takes fails with "Unrecognized node type" and nothing is sent', async () => {
			const r = run();
			const s = stack();
			await Promise.all(s.workers.map((w) => w.stop()));
			const worker = await s.startWorker(1, { package: 'remove' });
			try {
				const before = await executionIds(r.n8n, IDS.crmDealWon);
				const from = r.sb.requests.length;
				const res = await post(r.setup.crmWebhookUrl, {
					dealId: 'D-Q-no-package',
					contact: { name: 'Ana', email: 'ana@example.com' },
				});
				expect(res.status).toBe(500);
				const [execution] = await newExecutions(r.n8n, IDS.crmDealWon, before);
				expect(execution.status).toBe('error');
				expect(JSON.stringify(execution.data?.resultData?.error)).toContain(
					'Unrecognized node type: n8n-nodes-lofirmo.lofirmo',
				);
				expect(await expectRanInQueue(s, execution)).toBe('worker-1');
				expect(worker.logs()).toContain(`Worker started execution ${execution.id}`);
				expect(requestsTo(r.sb, 'sendContract', from)).toHaveLength(0);
			} finally {
				// back to two workers with the package, for whatever runs next
				await worker.stop();
				await Promise.all([s.startWorker(0), s.startWorker(1, { package: 'reinstall' })]);
			}
		});
	},
);
