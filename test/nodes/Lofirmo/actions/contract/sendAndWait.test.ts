/**
 * Contract → Send and Wait for Signature: what it sends (Send's body, the resume code after the user's reference),
 * what it leaves in the execution before waiting, and how it resumes (the report only a hint, the status re-read).
 */
import { NodeOperationError, WAIT_INDEFINITELY, type IDataObject } from 'n8n-workflow';

import { Lofirmo } from '../../../../../nodes/Lofirmo/Lofirmo.node';
import {
	parseResumeReference,
	resumeTokenDigest,
} from '../../../../../nodes/Lofirmo/shared/resumeCode';
import {
	TEST_EXECUTION_ID,
	TEST_RESUME_TOKEN,
	type HttpHandler,
} from '../../../../helpers/n8n-context';
import { callWebhook } from '../../../../trigger/harness';
import { answer, failure, run, samplePdf, sentBody, STUB_CREDENTIALS } from '../../support';

const ana = { name: 'Ana García', email: 'ana@example.com' };

function sendAndWait(extra: Record<string, unknown> = {}, options: Parameters<typeof run>[1] = {}) {
	let sent = 0;
	const http: HttpHandler = async () => {
		sent++;
		return {
			statusCode: 200,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify([
				{ Res: '10', ContratoId: `C${sent}`, ReportId: `R${sent}`, Cred: '9' },
			]),
		};
	};
	return run(
		{
			resource: 'contract',
			operation: 'sendAndWaitForSignature',
			signersInput: 'fields',
			signers: { signer: [ana] },
			...extra,
		},
		{ http, ...options },
	);
}

describe('sending', () => {
	it("appends the resume code to the user's reference, which stays first, and waits without a time limit", async () => {
		const { output, calls, executeData, waitTill } = sendAndWait({
			additionalFields: { userReference: 'Deal 4711' },
		});
		const [[item]] = await output;
		expect(calls).toHaveLength(1);
		const reference = String(sentBody(calls).Referenciausuario);
		expect(reference).toMatch(/^Deal 4711 n8nwait-/);
		expect(parseResumeReference(reference)).toEqual({
			userReference: 'Deal 4711',
			executionId: TEST_EXECUTION_ID,
			token: TEST_RESUME_TOKEN,
			itemIndex: 0,
		});
		expect(item.json).toMatchObject({
			contractId: 'C1',
			reportId: 'R1',
			waitingForSignature: true,
		});
		expect(waitTill()).toEqual(WAIT_INDEFINITELY);
		// what n8n saves for the resume, and outputs at a time limit
		expect(executeData.data.main[0]).toEqual([
			{
				json: {
					contractId: 'C1',
					reportId: 'R1',
					resumeTokenSha256: resumeTokenDigest(TEST_RESUME_TOKEN),
					timedOut: true,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it("sends what Send sends, the reference aside: the send and its faults are Send's", async () => {
		const extra = { additionalFields: { userReference: 'Deal 9', message: 'Firme aquí: [LINK]' } };
		const plain = run(
			{
				resource: 'contract',
				operation: 'sendContract',
				signersInput: 'fields',
				signers: { signer: [ana] },
				...extra,
			},
			{ http: answer({ Res: '10', ContratoId: 'C1', ReportId: 'R1' }) },
		);
		await plain.output;
		const waiting = sendAndWait(extra);
		await waiting.output;
		const { Referenciausuario: coded, ...rest } = sentBody(waiting.calls);
		expect(rest).toEqual({ ...sentBody(plain.calls), Referenciausuario: undefined });
		expect(String(coded)).toMatch(/^Deal 9 n8nwait-/);
		expect(waiting.calls[0].options.url).toBe(plain.calls[0].options.url);
	});

	it('refuses to run as an AI tool, sending nothing', async () => {
		const { output, calls } = sendAndWait({}, { node: { type: 'n8n-nodes-lofirmo.lofirmoTool' } });
		expect((await failure(output)).message).toMatch(/cannot run as an AI tool/);
		expect(calls).toHaveLength(0);
	});

	it('sends one contract per item, each code naming its item, and replaces the items without touching the originals', async () => {
		const items = [{ json: { deal: 1 } }, { json: { deal: 2 } }];
		const { output, calls, executeData } = sendAndWait({}, { items });
		await output;
		expect(
			calls.map(
				(call) => parseResumeReference(String(sentBody([call]).Referenciausuario))?.itemIndex,
			),
		).toEqual([0, 1]);
		expect(items).toEqual([{ json: { deal: 1 } }, { json: { deal: 2 } }]);
		expect(executeData.data.main[0].map((item) => item.json.contractId)).toEqual(['C1', 'C2']);
	});

	it('waits until the chosen time limit', async () => {
		// only Date is faked: the clock the node reads
		const now = Date.parse('2026-06-15T10:00:00Z');
		jest.useFakeTimers({
			now,
			doNotFake: [
				'hrtime',
				'nextTick',
				'performance',
				'queueMicrotask',
				'setImmediate',
				'clearImmediate',
			],
		});
		try {
			const { output, waitTill } = sendAndWait({
				limitWaitTime: true,
				waitAmount: 2,
				waitUnit: 'hours',
			});
			await output;
			expect(waitTill()).toEqual(new Date(now + 2 * 3_600_000));
		} finally {
			jest.useRealTimers();
		}
	});

	it('makes its own token on n8n 1.x, whose resume URL has none, the same for every item', async () => {
		const { output, calls } = sendAndWait(
			{},
			{
				items: [{ json: {} }, { json: {} }],
				resumeUrl: `http://n8n.test/webhook-waiting/${TEST_EXECUTION_ID}`,
			},
		);
		await output;
		const tokens = calls.map(
			(call) => parseResumeReference(String(sentBody([call]).Referenciausuario))?.token,
		);
		expect(tokens[0]).toMatch(/^[0-9a-f]{64}$/);
		expect(tokens[1]).toBe(tokens[0]);
	});

	it('checks every item before sending the first: a bad second item sends nothing', async () => {
		const items = [{ json: {} }, { json: {} }];
		const { output, calls } = run(
			(itemIndex) => ({
				resource: 'contract',
				operation: 'sendAndWaitForSignature',
				signersInput: 'fields',
				signers: { signer: [itemIndex === 1 ? { name: 'Luis', email: 'not an email' } : ana] },
			}),
			{ items, http: answer({ Res: '10', ContratoId: 'C1', ReportId: 'R1' }) },
		);
		const error = await failure(output);
		expect(error.message).toMatch(/Email/);
		expect(error.context.itemIndex).toBe(1);
		expect(calls).toHaveLength(0);
	});

	it('refuses a Resume On Statuses that is not status codes, naming the field, before sending', async () => {
		for (const resumeOn of ['', 'signed', '1014, soon']) {
			const { output, calls } = sendAndWait({ resumeOn });
			const error = await failure(output);
			expect(error.message).toBe('Resume On Statuses must be status codes');
			expect(error.description).toMatch(/separated by commas, e\.g\. 1014/);
			expect(calls).toHaveLength(0);
		}
	});

	it('refuses more than 50 items and a wrong time limit before sending anything', async () => {
		const many = sendAndWait({}, { items: Array.from({ length: 51 }, () => ({ json: {} })) });
		const tooMany = await failure(many.output);
		expect(tooMany).toBeInstanceOf(NodeOperationError);
		expect(tooMany.message).toMatch(/at most 50 items/);
		expect(many.calls).toHaveLength(0);

		const wrong = sendAndWait({ limitWaitTime: true, waitAmount: 0 });
		expect((await failure(wrong.output)).message).toMatch(/Wait At Most/);
		expect(wrong.calls).toHaveLength(0);
	});

	it('waits only for the contracts that were sent (Continue On Fail), and not at all when none was', async () => {
		const items = [{ json: {} }, { json: {} }];
		const parameters = (itemIndex: number) => ({
			resource: 'contract',
			operation: 'sendAndWaitForSignature',
			signersInput: 'fields',
			signers: { signer: [itemIndex === 0 ? { name: '' } : ana] },
		});
		const some = run(parameters, {
			items,
			continueOnFail: true,
			http: answer({ Res: '10', ContratoId: 'C9', ReportId: 'R9' }),
		});
		await some.output;
		expect(some.executeData.data.main[0].map((item) => item.json)).toEqual([
			{ error: expect.stringMatching(/Signer 1/), timedOut: true },
			{ contractId: 'C9', reportId: 'R9', resumeTokenSha256: expect.any(String), timedOut: true },
		]);
		expect(some.waitTill()).toBeDefined();

		const none = run(() => parameters(0), { items, continueOnFail: true });
		await none.output;
		expect(none.waitTill()).toBeUndefined();
	});
});

describe('resuming', () => {
	const sent = (contractId: string) => ({
		contractId,
		reportId: `R-${contractId}`,
		resumeTokenSha256: resumeTokenDigest(TEST_RESUME_TOKEN),
		timedOut: true,
	});
	const prepared = [sent('C1'), { error: 'Signer 1 Name is required', timedOut: true }];
	const pdf = samplePdf('signed');
	/** Lofirmo with each contract at its status; PDFs for the certified ones (or a failing download) */
	const lofirmo =
		(statuses: Record<string, string>, download: 'ok' | 'fails' = 'ok'): HttpHandler =>
		async (options) => {
			const body = options.body as IDataObject;
			if (String(options.url).includes('Descargar'))
				return download === 'ok'
					? { statusCode: 200, headers: { 'content-type': 'application/pdf' }, body: pdf }
					: { statusCode: 200, headers: { 'content-type': 'application/pdf' }, body: 'not a pdf' };
			return {
				statusCode: 200,
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify([status(statuses[String(body.Contratoid)] ?? '11')]),
			};
		};
	const status = (estado: string): IDataObject => ({
		Res: '1',
		Estado: estado,
		FechaEnvio: '2026-11-30 10:00',
		FechaFirma: '2026-11-30 11:00',
		Firmantes: '1',
		Firmados: '1',
	});

	function resume(
		body: IDataObject,
		http: HttpHandler,
		{ token = TEST_RESUME_TOKEN, items = prepared as IDataObject[] } = {},
	) {
		return callWebhook(Lofirmo, {
			parameters: { resumeOn: '1014', downloadPdf: true, binaryPropertyName: 'data' },
			body,
			query: { signature: token },
			credentials: { lofirmoApi: STUB_CREDENTIALS },
			http,
			evaluate: () => JSON.stringify(items),
		});
	}

	it('re-reads the status, downloads the certified PDF and carries on with one item per input item', async () => {
		const result = await resume({ contractId: 'C1', status: '1014' }, lofirmo({ C1: '1014' }));
		expect(result.httpCalls.map((call) => call.options.url)).toEqual([
			'/EstadoContrato',
			'/DescargarContrato',
		]);
		expect(result.responseData.webhookResponse).toEqual({ resumed: true });
		expect(result.items.map((item) => item.json)).toEqual([
			expect.objectContaining({
				contractId: 'C1',
				status: '1014',
				signedAt: '2026-11-30 11:00',
				timedOut: false,
				downloadError: null,
			}),
			{ error: 'Signer 1 Name is required', timedOut: false },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(Buffer.from(result.items[0].binary!.data.data, 'base64')).toEqual(pdf);
	});

	it('carries on only once every contract of the run is final, each item with its own PDF', async () => {
		const items = [sent('C1'), sent('C2')];
		const early = await resume({ contractId: 'C1', status: '1014' }, lofirmo({ C1: '1014' }), {
			items,
		});
		expect(early.responseData).toEqual({
			webhookResponse: { resumed: false, waitingFor: 2, reason: 'contract C2 is at 11' },
		});
		expect(early.httpCalls).toHaveLength(2);

		const all = await resume(
			{ contractId: 'C2', status: '1014' },
			lofirmo({ C1: '1014', C2: '1014' }),
			{
				items,
			},
		);
		expect(all.items.map((item) => [item.json.contractId, item.binary?.data.fileName])).toEqual([
			['C1', 'lofirmo-contract-C1.pdf'],
			['C2', 'lofirmo-contract-C2.pdf'],
		]);
	});

	it('carries on without the PDF, saying why, when its download fails; a status other than 1014 downloads nothing', async () => {
		const failed = await resume(
			{ contractId: 'C1', status: '1014' },
			lofirmo({ C1: '1014' }, 'fails'),
		);
		expect(failed.items[0].binary).toBeUndefined();
		expect(failed.items[0].json.downloadError).toMatch(/PDF/);

		const declined = await callWebhook(Lofirmo, {
			parameters: { resumeOn: '1014, 9000', downloadPdf: true, binaryPropertyName: 'data' },
			body: { contractId: 'C1', status: '9000' },
			query: { signature: TEST_RESUME_TOKEN },
			credentials: { lofirmoApi: STUB_CREDENTIALS },
			http: lofirmo({ C1: '9000' }),
			evaluate: () => JSON.stringify([sent('C1')]),
		});
		expect(declined.items[0].json).toMatchObject({ status: '9000', timedOut: false });
		expect(declined.httpCalls.map((call) => call.options.url)).toEqual(['/EstadoContrato']);
	});

	it('asks to be called again (503) when Lofirmo does not yet say what the certified report said', async () => {
		const result = await resume({ contractId: 'C1', status: '1014' }, lofirmo({ C1: '11' }));
		expect(result.responseData).toEqual({ noWebhookResponse: true });
		expect(result.response.statusCode).toBe(503);
		expect(JSON.parse(result.response.body!)).toMatchObject({ resumed: false });
	});

	it('answers a call naming no contract of its own (or not at its item), or a status it does not resume on, without calling Lofirmo', async () => {
		const http = jest.fn(lofirmo({ C1: '1014' }));
		for (const body of [
			{ contractId: 'C7', status: '1014' },
			{ status: '1014' },
			{ contractId: 'C1', status: '1014', itemIndex: 1 },
			{ contractId: 'C1', status: '11' },
		]) {
			const result = await resume(body, http);
			expect(result.responseData.workflowData).toBeUndefined();
		}
		expect(http).not.toHaveBeenCalled();
	});

	it('refuses a wrong token itself (n8n 1.x checks none) with 401, calling nothing', async () => {
		const http = jest.fn(answer(status('1014')));
		const result = await resume({ contractId: 'C1', status: '1014' }, http, {
			token: 'ef'.repeat(32),
		});
		expect(result.responseData).toEqual({ noWebhookResponse: true });
		expect(result.response.statusCode).toBe(401);
		expect(http).not.toHaveBeenCalled();
	});

	it('never fails the waiting execution: a Lofirmo error is logged and answered 503, to be called again', async () => {
		const result = await resume({ contractId: 'C1', status: '1014' }, answer({ Res: '-3' }));
		expect(result.responseData).toEqual({ noWebhookResponse: true });
		expect(result.response.statusCode).toBe(503);
		expect(result.logs.some((entry) => entry.level === 'warn')).toBe(true);
	});
});
