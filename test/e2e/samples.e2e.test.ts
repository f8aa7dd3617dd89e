/**
 * The sample workflows (workflows/*.json) in the pinned real n8n 2.x with our packed package and the sandbox:
 * set up exactly as `npm run dev` does (scripts/samples.ts), then driven from outside: the CRM and new-customer
 * webhooks, the sandbox signing, certifying and verifying, its reports into the Lofirmo Trigger's production URL.
 * Outcomes are read from n8n's public API, the sandbox's records and the files written.
 *
 *   npm run build && npx jest -c test/e2e/jest.config.js test/e2e/samples.e2e.test.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { getExecution, type PublicExecution } from '../../scripts/n8n-harness';

import { SAMPLE_CREDENTIALS, sampleWorkflows } from '../../scripts/samples';

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
	crmDeal,
	type SamplesRun,
	WAIT_MS,
	testCredential,
	useSamples,
	type ReportFormat,
} from './samples.support';

const PORT = 5700;

describe('sample workflow files', () => {
	const workflows = sampleWorkflows() as Array<{
		id: string;
		name: string;
		nodes: Array<{
			id: string;
			name: string;
			type: string;
			webhookId?: string;
			typeVersion?: number;
			credentials?: Record<string, { id: string; name: string }>;
		}>;
		connections: Record<string, Record<string, Array<Array<{ node: string }>>>>;
	}>;

	it('are the five samples, importable as they are (fixed ids, webhook ids, the sample credentials)', () => {
		expect(workflows.map((w) => w.id)).toEqual([
			IDS.crmDealWon,
			IDS.signedToStorage,
			IDS.identityCheckFirst,
			IDS.mcpServer,
			IDS.sendAndWait,
		]);
		const credentialRefs = Object.values(SAMPLE_CREDENTIALS).map((c) =>
			JSON.stringify({ id: c.id, name: c.name }),
		);
		for (const workflow of workflows) {
			expect(workflow.id.length).toBeLessThanOrEqual(21);
			expect(workflow.name).toMatch(/^Lofirmo sample \d: /);
			const names = workflow.nodes.map((n) => n.name);
			expect(new Set(names).size).toBe(names.length);
			expect(new Set(workflow.nodes.map((n) => n.id)).size).toBe(names.length);
			for (const node of workflow.nodes) {
				expect(node.type).not.toBe('n8n-nodes-base.stickyNote');
				if (/webhook|lofirmoTrigger|mcpTrigger/i.test(node.type))
					expect(node.webhookId).toMatch(/^[0-9a-f-]{36}$/);
				// the samples are what new users start from: the trigger's current version
				if (node.type === 'n8n-nodes-lofirmo.lofirmoTrigger') expect(node.typeVersion).toBe(1.1);
				for (const ref of Object.values(node.credentials ?? {}))
					expect(credentialRefs).toContain(JSON.stringify(ref));
			}
			for (const [from, outputs] of Object.entries(workflow.connections)) {
				expect(names).toContain(from);
				// main, and ai_tool for the MCP server's tools (sample 4)
				for (const target of Object.values(outputs).flat(2)) expect(names).toContain(target.node);
			}
		}
	});
});

describeRow(2, 'sample workflows on n8n 2.x', () => {
	const run = useSamples(2, PORT);

	afterEach(() => {
		// every test leaves the reports as the samples expect them: JSON with the right Basic auth
		const r = run();
		r.sb.clearFaults();
		reportsAs(r, 'json');
	});

	it('our package is loaded and the three samples answer on their production URLs', async () => {
		const { n8n, setup } = run();
		await expectPackageLoaded(n8n);
		// the trigger is registered and guarded: no Basic auth, no entry (and no execution, see the 401 test)
		const res = await post(setup.reportsWebhookUrl, { Servicio: 'CONTRATACION' });
		expect(res.status).toBe(401);
		expect(res.headers['www-authenticate']).toMatch(/^Basic realm="Lofirmo Trigger"/);
	});

	it("the credential's Test connection calls Lofirmo's credits: passes with the right token, explains a wrong one", async () => {
		const { n8n, sb } = run();
		const before = sb.requests.length;
		const test = (apiToken: string, pathOverrides?: string) =>
			testCredential(n8n, sb, apiToken, pathOverrides);
		const paths = (from: number) => sb.requests.slice(from).map((r) => `${r.path} ${r.auth}`);
		expect(await test('sandbox-token')).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(paths(before)).toEqual(['/GetCreditos ok']);
		const afterGood = sb.requests.length;
		const refused = await test('wrong-token');
		expect(refused.status).toBe('Error');
		expect(refused.message).toMatch(/refused this API User and API Token/);
		// (n8n's own credential tester may ask twice; the nodes never repeat a refused call, see test/transport)
		expect(new Set(paths(afterGood))).toEqual(new Set(['/GetCreditos bad']));
		// the Path Overrides expression is evaluated by n8n itself
		const afterBad = sb.requests.length;
		expect((await test('sandbox-token', '{"credits":"/v9/GetCreditos"}')).status).toBe('OK');
		expect(paths(afterBad)).toEqual(['/v9/GetCreditos ok']);
	});

	it('CRM deal won → Lofirmo receives a well-formed contract with the signer mapped from the CRM event', async () => {
		const r = run();
		const before = await executionIds(r.n8n, IDS.crmDealWon);
		const { contractId, reportId, answer, request } = await sendDeal(r, 'D-1001', {
			name: 'Ana García',
			email: 'ana.garcia@example.com',
			phone: '+34 600 000 001',
			taxId: '12345678Z',
		});

		// what Lofirmo got: JSON with Resp=JSON, the account's Basic auth, the mapped signer and the deal as reference
		expect(request).toMatchObject({
			method: 'POST',
			path: '/EnviarContrato',
			auth: 'ok',
			user: 'sandbox-user',
			status: 200,
			res: '10',
		});
		expect(request.contentType).toMatch(/^application\/json/);
		expect(request.params).toEqual({
			resp: 'JSON',
			firmantes: [
				{
					Nombre: 'Ana García',
					NIF: '12345678Z',
					Email: 'ana.garcia@example.com',
					Telefono: '34600000001',
				},
			],
			flujotrabajo: '238754787',
			referenciausuario: 'D-1001',
			mensaje: 'Hello [NOMBRE], your contract for deal D-1001 is ready to sign: [LINK]',
		});
		// the sandbox created it and the CRM got it back
		const contract = r.sb.state.contracts.get(contractId);
		expect(contract).toMatchObject({ reportId, status: '11', signers: 1 });
		expect(answer).toMatchObject({ contractId, reportId, signers: 1, documents: 0 });

		const [execution] = await newExecutions(r.n8n, IDS.crmDealWon, before);
		expectSuccess(execution);
		expect(execution.mode).toBe('webhook');
		expect(nodeOutput(execution, 'Send contract')[0]?.json).toMatchObject({ contractId, reportId });
	});

	it("sample 5: CRM deal won → the execution waits → the certified report, through sample 2's trigger, resumes it with the PDF", async () => {
		const r = run();
		const before = await executionIds(r.n8n, IDS.sendAndWait);
		const answer = await post(r.setup.crmWaitWebhookUrl, crmDeal('D-1002'));
		expect(answer.status).toBe(200);
		// a waiting execution counts as settled: n8n keeps it in its database until the signature
		const [waiting] = await newExecutions(r.n8n, IDS.sendAndWait, before);
		expect(waiting.status).toBe('waiting');
		const contractId = String(
			nodeOutput(waiting, 'Send and wait for signature')[0]?.json.contractId,
		);
		expect(r.sb.state.contracts.get(contractId)?.params.referenciausuario).toMatch(
			/^D-1002 n8nwait-/,
		);

		const storageBefore = await executionIds(r.n8n, IDS.signedToStorage);
		await signAndCertify(r, contractId);
		const done = await settled(r, waiting.id);
		expectSuccess(done);
		// the certified report still started sample 2, naming the execution it woke up (and is awaited here, so the
		// next test does not count it as its own)
		const [stored] = await newExecutions(r.n8n, IDS.signedToStorage, storageBefore);
		expect(nodeOutput(stored, 'Lofirmo reports')[0]?.json.waitingExecution).toEqual({
			executionId: waiting.id,
			itemIndex: 0,
		});
		expect(nodeOutput(done, 'Deal signed (update your CRM here)')[0]?.json).toMatchObject({
			dealId: 'D-1002',
			contractId,
		});
		expectPdfFile(path.join(r.setup.signedDir, 'deal-D-1002-signed.pdf'), contractId);
	});

	it('signed and certified (JSON report, Basic auth) → "signed → storage" writes the certified PDF of that contract', async () => {
		const r = run();
		const { contractId } = await sendDeal(r, 'D-1002');
		const before = await executionIds(r.n8n, IDS.signedToStorage);

		const { signed, certified } = await signAndCertify(r, contractId);
		// the in-progress report (11) is accepted and filtered out; the certified one (1014) starts the workflow
		expect(signed).toEqual({ status: 200 });
		expect(certified).toEqual({ status: 200 });
		const [execution] = await newExecutions(r.n8n, IDS.signedToStorage, before);
		expectContractStored(r, execution, contractId);
		expect(
			requestsTo(r.sb, 'downloadContractPdf').some((q) => q.params.contratoid === contractId),
		).toBe(true);
	});

	it.each<ReportFormat>(['form', 'multipart'])(
		'the same with the report sent as %s data',
		async (format) => {
			const r = run();
			reportsAs(r, format);
			const { contractId } = await sendDeal(r, `D-${format}`);
			const before = await executionIds(r.n8n, IDS.signedToStorage);

			const { certified } = await signAndCertify(r, contractId);
			expect(certified).toEqual({ status: 200 });
			const [execution] = await newExecutions(r.n8n, IDS.signedToStorage, before);
			expectContractStored(r, execution, contractId);
			expect(r.sb.webhookDeliveries.at(-1)).toMatchObject({ format, status: 200 });
		},
	);

	it('a report with a content type n8n leaves unread for a version 1.1 trigger is read by the trigger itself', async () => {
		const r = run();
		const { execution, contractId } = await certifiedReportUntyped(r, 'D-untyped');
		expectContractStored(r, execution, contractId);
	});

	it('a report with a wrong password or none gets 401 and starts nothing', async () => {
		const r = run();
		const before = await executionIds(r.n8n, IDS.signedToStorage);
		const wrong = await sendDeal(r, 'D-wrong-password');
		reportsAs(r, 'json', { user: r.setup.webhookAuth.user, password: 'not-the-password' });
		expect((await signAndCertify(r, wrong.contractId)).certified).toEqual({ status: 401 });

		const anonymous = await sendDeal(r, 'D-no-auth');
		reportsAs(r, 'form', null);
		expect((await signAndCertify(r, anonymous.contractId)).certified).toEqual({ status: 401 });

		// then a good report: exactly one execution follows, and it is that one (n8n handles them in order)
		reportsAs(r, 'json');
		const good = await sendDeal(r, 'D-right-password');
		expect((await signAndCertify(r, good.contractId)).certified).toEqual({ status: 200 });
		const [execution] = await newExecutions(r.n8n, IDS.signedToStorage, before);
		expectContractStored(r, execution, good.contractId);
		expect(fs.existsSync(contractPdf(r, wrong.contractId))).toBe(false);
		expect(fs.existsSync(contractPdf(r, anonymous.contractId))).toBe(false);
	});

	it('identity check first: request → verified (5100) → certificate stored → contract sent to the person on the ID card', async () => {
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
		expect(verificationId).toMatch(/^\d+$/);
		const [identityRequest] = requestsTo(r.sb, 'sendIdentity', from);
		expect(identityRequest.params).toEqual({
			resp: 'JSON',
			telefono: '34611222333',
			mensaje:
				'Hello Luis Pérez, before we send you the contract please verify your identity here: [LINK]',
		});
		expect(requestsTo(r.sb, 'sendContract', from)).toHaveLength(0);

		// the person verifies: 5100 goes to the account's one report URL, i.e. sample 2
		const completed = await r.sb.completeIdentity(verificationId);
		expect(completed.webhook).toEqual({ status: 200 });
		const [storage] = await newExecutions(r.n8n, IDS.signedToStorage, storageBefore);
		expectSuccess(storage);
		expect(nodeOutput(storage, 'Lofirmo reports')[0]?.json).toMatchObject({
			event: 'identityVerificationStatusChanged',
			verificationId,
			status: '5100',
			downloadError: null,
		});
		expect(ranNodes(storage)).toEqual(
			expect.arrayContaining(['Save identity certificate', 'Continue in Identity check first']),
		);
		expectPdfFile(identityPdf(r, verificationId), `ID: ${verificationId}`);

		// sample 3's second half ran as a sub-workflow and sent the contract to the verified person
		const identityRuns = await newExecutions(r.n8n, IDS.identityCheckFirst, identityBefore, 2);
		const completion = identityRuns.find((e) => e.mode !== 'webhook');
		expect(completion).toBeDefined();
		expectSuccess(completion!);
		expect(ranNodes(completion!)).toContain('Send contract to verified person');
		const [contractRequest] = requestsTo(r.sb, 'sendContract', from);
		expect(contractRequest?.params).toEqual({
			resp: 'JSON',
			firmantes: [{ Nombre: 'PRUEBA SANDBOX,PERSONA', NIF: '00000000T', Telefono: '34611222333' }],
			flujotrabajo: '238754787',
			referenciausuario: `identity-${verificationId}`,
			mensaje: 'Hello [NOMBRE], your identity is verified. Please sign your contract here: [LINK]',
		});
		const sent = nodeOutput(completion!, 'Send contract to verified person')[0]?.json;
		expect(r.sb.state.contracts.get(String(sent?.contractId))?.params.referenciausuario).toBe(
			`identity-${verificationId}`,
		);
	});

	it('identity check first: a verification below 80% likeness stores the certificate but sends no contract', async () => {
		const r = run();
		const from = r.sb.requests.length;
		const storageBefore = await executionIds(r.n8n, IDS.signedToStorage);
		const identityBefore = await executionIds(r.n8n, IDS.identityCheckFirst);
		const res = await post(r.setup.newCustomerWebhookUrl, {
			name: 'Eva Ruiz',
			mobile: '34622333444',
		});
		const verificationId = (res.data as { verificationId: string }).verificationId;

		expect((await r.sb.completeIdentity(verificationId, { score: 42.5 })).webhook).toEqual({
			status: 200,
		});
		expectSuccess((await newExecutions(r.n8n, IDS.signedToStorage, storageBefore))[0]);
		expectPdfFile(identityPdf(r, verificationId), `ID: ${verificationId}`);
		const completion = (await newExecutions(r.n8n, IDS.identityCheckFirst, identityBefore, 2)).find(
			(e) => e.mode !== 'webhook',
		);
		expectSuccess(completion!);
		expect(nodeOutput(completion!, 'Passed the identity check?', 0)).toHaveLength(0);
		expect(nodeOutput(completion!, 'Passed the identity check?', 1)).toHaveLength(1);
		expect(ranNodes(completion!)).not.toContain('Send contract to verified person');
		expect(requestsTo(r.sb, 'sendContract', from)).toHaveLength(0);
	});

	it('identity check first: a 5100 report Lofirmo sends again sends no second contract', async () => {
		const r = run();
		const res = await post(r.setup.newCustomerWebhookUrl, {
			name: 'Rosa Gil',
			mobile: '34633444555',
		});
		const verificationId = (res.data as { verificationId: string }).verificationId;
		const storageBefore = await executionIds(r.n8n, IDS.signedToStorage);
		const identityBefore = await executionIds(r.n8n, IDS.identityCheckFirst);
		const from = r.sb.requests.length;
		await r.sb.completeIdentity(verificationId);
		await newExecutions(r.n8n, IDS.identityCheckFirst, identityBefore, 1);
		expect(requestsTo(r.sb, 'sendContract', from)).toHaveLength(1);

		// Lofirmo thinks the report was lost and sends it again
		const report = r.sb.webhookDeliveries.find(
			(d) => d.payload.ID === verificationId && d.payload.Estado === '5100',
		)?.payload;
		expect(report).toBeDefined();
		const again = await post(r.setup.reportsWebhookUrl, report, { auth: r.setup.webhookAuth });
		expect(again.status).toBe(200);
		const storage = await newExecutions(r.n8n, IDS.signedToStorage, storageBefore, 2);
		storage.forEach(expectSuccess);
		const completions = await newExecutions(r.n8n, IDS.identityCheckFirst, identityBefore, 2);
		completions.forEach(expectSuccess);
		const repeated = completions.find(
			(e) => !ranNodes(e).includes('Send contract to verified person'),
		);
		expect(repeated).toBeDefined();
		expect(nodeOutput(repeated!, 'Skip repeated reports')).toHaveLength(0);
		expect(requestsTo(r.sb, 'sendContract', from)).toHaveLength(1);
	});

	it('a certified PDF that cannot be downloaded fails "signed → storage" with the reason, and nothing is written', async () => {
		const r = run();
		const { contractId } = await sendDeal(r, 'D-no-pdf');
		const before = await executionIds(r.n8n, IDS.signedToStorage);
		r.sb.addFault({ fn: 'downloadContractPdf', type: 'notpdf' });

		// Lofirmo still gets its 200: the report is in n8n, as a failed execution someone has to look at
		expect((await signAndCertify(r, contractId)).certified).toEqual({ status: 200 });
		const [execution] = await newExecutions(r.n8n, IDS.signedToStorage, before);
		expect(execution.status).toBe('error');
		expect(nodeOutput(execution, 'Lofirmo reports')[0]?.json).toMatchObject({
			contractId,
			status: '1014',
		});
		const error = execution.data?.resultData?.error as {
			message?: string;
			node?: { name?: string };
		};
		expect(error.node?.name).toBe('Stop: certified PDF missing');
		expect(error.message).toContain(
			`The certified PDF of contract ${contractId} (status 1014) could not be downloaded: `,
		);
		expect(error.message).toContain('Lofirmo rejected the request (Res -6)');
		expect(ranNodes(execution)).not.toContain('Save signed contract PDF');
		expect(fs.existsSync(contractPdf(r, contractId))).toBe(false);
	});

	it('a Lofirmo API error fails the execution with the result code and a clear message', async () => {
		const r = run();
		const before = await executionIds(r.n8n, IDS.crmDealWon);
		const contracts = r.sb.state.contracts.size;
		r.sb.addFault({ fn: 'sendContract', type: 'negative', res: '-2' });

		const res = await post(r.setup.crmWebhookUrl, {
			dealId: 'D-fault',
			contact: { name: 'Ana', email: 'ana@example.com' },
		});
		// the CRM learns that it failed (n8n answers 500 when the node it waits for fails)
		expect(res.status).toBe(500);
		expect(r.sb.state.contracts.size).toBe(contracts);
		expect(r.sb.requests.at(-1)).toMatchObject({
			fn: 'sendContract',
			fault: 'negative',
			res: '-2',
		});

		const [execution] = await newExecutions(r.n8n, IDS.crmDealWon, before);
		expect(execution.status).toBe('error');
		const error = execution.data?.resultData?.error as {
			message?: string;
			description?: string;
			node?: { name?: string };
		};
		expect(error.node?.name).toBe('Send contract');
		expect(error.message).toBe('Lofirmo rejected the request (Res -2)');
		expect(error.description).toContain('Lofirmo says: injected.');
		expect(error.description).toContain('Result code -2 from /EnviarContrato');
		expect(error.description).toContain('The request was not repeated');
	});
});

/** The execution once it is no longer waiting or running (polls n8n's public API by id). */
async function settled(r: SamplesRun, id: string): Promise<PublicExecution> {
	const deadline = Date.now() + WAIT_MS;
	for (;;) {
		const execution = await getExecution(r.n8n, id);
		if (!['new', 'running', 'waiting'].includes(execution.status)) return execution;
		if (Date.now() > deadline) throw new Error(`execution ${id} is still ${execution.status}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}
