/**
 * The 1.x compatibility row: the package loads in n8n 1.123.81 (Node 20) and the core flow of the samples works
 * there: a CRM deal into sample 1 sends the contract, its certified report into sample 2 stores the PDF
 * (JSON and form data, Basic auth), and the identity check of sample 3 ends in a contract.
 *
 * Skipped (with a message) when scripts/install-n8n.sh v1 has not been run; LOFIRMO_E2E_N8N=1 requires it:
 *   npm run build && bash scripts/install-n8n.sh v1 && \
 *     LOFIRMO_E2E_N8N=1 npx jest -c test/e2e/jest.config.js test/e2e/samples-v1.e2e.test.ts
 */
import {
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
	reportsAs,
	requestsTo,
	sendDeal,
	signAndCertify,
	certifiedReportUntyped,
	useSamples,
} from './samples.support';

const PORT = 5704;

describeRow(1, 'sample workflows on n8n 1.x (compatibility row)', () => {
	const run = useSamples(1, PORT);

	it('our package is loaded and the report URL refuses calls without Basic auth', async () => {
		const { n8n, setup } = run();
		expect(n8n.install.n8nVersion).toMatch(/^1\./);
		await expectPackageLoaded(n8n);
		expect((await post(setup.reportsWebhookUrl, { Servicio: 'CONTRATACION' })).status).toBe(401);
	});

	it('a report of a content type n8n leaves unread (octet-stream) is read by the trigger 1.1 and stored', async () => {
		const r = run();
		const { execution, contractId } = await certifiedReportUntyped(r, 'D-v1-untyped');
		expectContractStored(r, execution, contractId);
	});

	it('CRM deal won → contract sent with the mapped signer', async () => {
		const r = run();
		const before = await executionIds(r.n8n, IDS.crmDealWon);
		const { contractId, request } = await sendDeal(r, 'D-v1-1', { taxId: '12345678Z' });
		expect(request.params).toMatchObject({
			firmantes: [
				{
					Nombre: 'Ana García',
					NIF: '12345678Z',
					Email: 'ana.d-v1-1@example.com',
					Telefono: '34600000001',
				},
			],
			referenciausuario: 'D-v1-1',
		});
		const [execution] = await newExecutions(r.n8n, IDS.crmDealWon, before);
		expectSuccess(execution);
		expect(nodeOutput(execution, 'Send contract')[0]?.json.contractId).toBe(contractId);
	});

	it.each(['json', 'form'] as const)(
		'certified report (%s, Basic auth) → the certified PDF is stored',
		async (format) => {
			const r = run();
			reportsAs(r, format);
			const { contractId } = await sendDeal(r, `D-v1-${format}`);
			const before = await executionIds(r.n8n, IDS.signedToStorage);
			expect((await signAndCertify(r, contractId)).certified).toEqual({ status: 200 });
			const [execution] = await newExecutions(r.n8n, IDS.signedToStorage, before);
			expectContractStored(r, execution, contractId);
		},
	);

	it('identity check first: the verified person gets the contract', async () => {
		const r = run();
		const from = r.sb.requests.length;
		const identityBefore = await executionIds(r.n8n, IDS.identityCheckFirst);
		reportsAs(r, 'json');
		const res = await post(r.setup.newCustomerWebhookUrl, {
			name: 'Luis',
			mobile: '+34 611 222 333',
		});
		expect(res.status).toBe(200);
		const { verificationId } = res.data as { verificationId: string };
		expect((await r.sb.completeIdentity(verificationId)).webhook).toEqual({ status: 200 });
		const runs = await newExecutions(r.n8n, IDS.identityCheckFirst, identityBefore, 2);
		runs.forEach(expectSuccess);
		expectPdfFile(identityPdf(r, verificationId), `ID: ${verificationId}`);
		expect(requestsTo(r.sb, 'sendContract', from).map((q) => q.params.firmantes)).toEqual([
			[{ Nombre: 'PRUEBA SANDBOX,PERSONA', NIF: '00000000T', Telefono: '34611222333' }],
		]);
	});
});
