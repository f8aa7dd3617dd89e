/** A contract's life: send, status, continue (2 a day), sign, certify, download, cancel; ids checked per account. */
import {
	call,
	control,
	isWholePdf,
	sendContract,
	SIGNERS,
	startSandbox,
	type Sandbox,
} from './support';

let sb: Sandbox;

beforeAll(async () => {
	sb = await startSandbox();
});
afterAll(async () => sb.stop());
beforeEach(() => sb.reset());

const SPAIN_DATE = /^\d{4}-\d\d-\d\d \d\d:\d\d$/;

async function status(ids: { contratoId: string; reportId: string }) {
	return (await call(sb, 'EstadoContrato', { Contratoid: ids.contratoId, Reportid: ids.reportId }))
		.first;
}

it('goes from sent to signed to certified, with PDFs only at the end', async () => {
	const sent = await call(sb, 'EnviarContrato', {
		Firmantes: SIGNERS,
		Referenciausuario: 'ref-42',
		Tipofirma: 3,
	});
	expect(sent.first).toEqual({
		Res: '10',
		ContratoId: expect.stringMatching(/^\d{10}$/),
		ReportId: expect.stringMatching(/^\d{10}$/),
		Cred: '998',
		Firmantes: '2',
		Documentos: '0',
	});
	// distinct, so a client that mixes them up is caught
	expect(sent.first.ReportId).not.toBe(sent.first.ContratoId);
	const ids = { contratoId: String(sent.first.ContratoId), reportId: String(sent.first.ReportId) };
	const ref = { Contratoid: ids.contratoId, Reportid: ids.reportId };

	const initial = await status(ids);
	expect(initial).toEqual({
		Res: '1',
		Estado: '11',
		FechaEnvio: expect.stringMatching(SPAIN_DATE),
		FechaFirma: '',
		Firmantes: '2',
		Firmados: '0',
		Cred: '998',
	});

	const early = await call(sb, 'DescargarContrato', ref);
	expect(early.headers['content-type']).toBe('application/json');
	expect(early.first).toEqual({
		Res: '-6',
		Error: expect.stringMatching(/^Contratoid: not certified yet \(Estado 11\)/),
	});

	const signed = await control(sb, 'POST', `/contracts/${ids.contratoId}/sign`);
	expect(signed.status).toBe(200);
	expect(signed.data).toMatchObject({
		ok: true,
		contract: { signed: 1, status: '11' },
		webhook: null,
	});
	expect(await status(ids)).toMatchObject({
		Estado: '11',
		Firmados: '1',
		FechaFirma: expect.stringMatching(SPAIN_DATE),
	});

	const certified = await sb.certifyContract(ids.contratoId);
	expect(certified).toMatchObject({ contract: { status: '1014', signed: 2 }, webhook: null });
	expect(await status(ids)).toMatchObject({ Estado: '1014', Firmados: '2', Firmantes: '2' });

	for (const doc of [undefined, 'CERTIFICADO', 'FIRMANTE', 'firmante']) {
		const pdf = await call(sb, 'DescargarContrato', doc ? { ...ref, Doc: doc } : ref);
		expect(pdf.status).toBe(200);
		expect(pdf.headers['content-type']).toBe('application/pdf');
		expect(pdf.headers['content-length']).toBe(String(pdf.body.length));
		expect(isWholePdf(pdf.body)).toBe(true);
		const text = pdf.body.toString('latin1');
		expect(text).toContain(`ContratoID: ${ids.contratoId}`);
		expect(text).toContain(`Doc: ${(doc ?? 'CERTIFICADO').toUpperCase()}`);
	}
	// the log holds Res for JSON answers and null for PDFs
	const logged = sb.requests.filter((r) => r.fn === 'downloadContractPdf');
	expect(logged.map((r) => [r.status, r.res])).toEqual([
		[200, '-6'],
		...Array(4).fill([200, null]),
	]);

	const badDoc = await call(sb, 'DescargarContrato', { ...ref, Doc: 'OTRO' });
	expect(badDoc.first).toMatchObject({ Res: '-2', Error: expect.stringMatching(/^Doc:/) });
	expect((await call(sb, 'CancelarContrato', ref)).first).toMatchObject({ Res: '-6' });
	expect((await call(sb, 'ContinuarFlujo', ref)).first).toMatchObject({ Res: '-6' });
	expect((await control(sb, 'POST', `/contracts/${ids.contratoId}/sign`)).status).toBe(409);
	expect((await control(sb, 'POST', `/contracts/${ids.contratoId}/certify`)).status).toBe(409);
});

it('continues the flow at most twice a day', async () => {
	const { contratoId, reportId } = await sendContract(sb);
	const ref = { Contratoid: contratoId, Reportid: reportId };
	expect((await call(sb, 'ContinuarFlujo', ref)).first).toEqual({ Res: '1' });
	expect((await call(sb, 'ContinuarFlujo', ref)).first).toEqual({ Res: '1' });
	expect((await call(sb, 'ContinuarFlujo', ref)).first).toEqual({
		Res: '-5',
		Error: expect.stringMatching(/^Contratoid: .*2 times today/),
	});
	// the limit is per contract
	const other = await sendContract(sb);
	expect(
		(await call(sb, 'ContinuarFlujo', { Contratoid: other.contratoId, Reportid: other.reportId }))
			.first.Res,
	).toBe('1');
});

it('cancels an unfinished contract once, into the sandbox-only code 9000', async () => {
	const ids = await sendContract(sb);
	const ref = { Contratoid: ids.contratoId, Reportid: ids.reportId };
	expect((await call(sb, 'CancelarContrato', ref)).first).toEqual({ Res: '1', Cred: '998' });
	expect(await status(ids)).toMatchObject({ Estado: '9000' });
	expect((await call(sb, 'CancelarContrato', ref)).first).toEqual({
		Res: '-6',
		Error: expect.stringMatching(/^Contratoid: contract is finished/),
	});
	expect((await call(sb, 'DescargarContrato', ref)).first.Res).toBe('-6');
	expect((await control(sb, 'POST', `/contracts/${ids.contratoId}/certify`)).status).toBe(409);
});

it('finds contracts only by the matching ContratoId + ReportId of the same account', async () => {
	const ids = await sendContract(sb);
	for (const fn of ['ContinuarFlujo', 'CancelarContrato', 'EstadoContrato', 'DescargarContrato']) {
		expect((await call(sb, fn, { Reportid: ids.reportId })).first).toEqual({
			Res: '-2',
			Error: 'Contratoid: required',
		});
		expect((await call(sb, fn, { Contratoid: ids.contratoId })).first).toEqual({
			Res: '-2',
			Error: 'Reportid: required',
		});
		expect(
			(await call(sb, fn, { Contratoid: ids.contratoId, Reportid: ids.contratoId })).first,
		).toMatchObject({
			Res: '-3',
			Error: expect.stringMatching(/^Reportid:/),
		});
		expect(
			(await call(sb, fn, { Contratoid: '1111111111', Reportid: ids.reportId })).first,
		).toMatchObject({
			Res: '-3',
			Error: 'Contratoid: no contract 1111111111',
		});
	}
	// numbers are fine: Reportid is an integer in the vendor's docs
	expect(
		(
			await call(sb, 'EstadoContrato', {
				Contratoid: ids.contratoId,
				Reportid: Number(ids.reportId),
			})
		).first.Res,
	).toBe('1');

	const two = await startSandbox({
		accounts: [
			{ user: 'a', token: 'ta', credits: 10 },
			{ user: 'b', token: 'tb', credits: 10 },
		],
	});
	try {
		const sent = await call(
			two,
			'EnviarContrato',
			{ Firmantes: SIGNERS },
			{ auth: { username: 'a', password: 'ta' } },
		);
		const ref = { Contratoid: sent.first.ContratoId, Reportid: sent.first.ReportId };
		expect(
			(await call(two, 'EstadoContrato', ref, { auth: { username: 'b', password: 'tb' } })).first
				.Res,
		).toBe('-3');
		expect(
			(await call(two, 'EstadoContrato', ref, { auth: { username: 'a', password: 'ta' } })).first
				.Res,
		).toBe('1');
	} finally {
		await two.stop();
	}
});

it('lets a test set any status code, and refuses unknown ids and bad codes', async () => {
	const ids = await sendContract(sb);
	const set = await control(sb, 'POST', `/contracts/${ids.contratoId}/status`, { code: '7777' });
	expect(set.data).toMatchObject({ ok: true, contract: { status: '7777' } });
	expect(await status(ids)).toMatchObject({ Estado: '7777' });
	await sb.setContractStatus(ids.contratoId, 1014);
	expect(
		(await call(sb, 'DescargarContrato', { Contratoid: ids.contratoId, Reportid: ids.reportId }))
			.status,
	).toBe(200);

	expect((await control(sb, 'POST', `/contracts/${ids.contratoId}/status`, {})).status).toBe(400);
	expect(
		(await control(sb, 'POST', `/contracts/${ids.contratoId}/status`, { code: ' ' })).status,
	).toBe(400);
	expect(await control(sb, 'POST', '/contracts/123/certify')).toEqual({
		status: 404,
		data: { ok: false, error: 'no contract 123' },
	});
	await expect(sb.signContract('123')).rejects.toThrow('no contract 123');
});

it('stops signing once every signer has signed', async () => {
	const { contratoId } = await sendContract(sb, { Firmantes: [SIGNERS[0]] });
	await sb.signContract(contratoId);
	await expect(sb.signContract(contratoId)).rejects.toThrow(/every signer/);
	expect((await sb.certifyContract(contratoId)).contract.status).toBe('1014');
});
