/** An identity verification's life: send (5001), complete (5100), certificate download. */
import { call, control, isWholePdf, sendIdentity, startSandbox, type Sandbox } from './support';

let sb: Sandbox;

beforeAll(async () => {
	sb = await startSandbox();
});
afterAll(async () => sb.stop());
beforeEach(() => sb.reset());

it('is sent at 5001, completed at 5100, and only then gives its certificate', async () => {
	const id = await sendIdentity(sb, { Dni: '12345678Z', Fecha: '2030-05-01 15:10' });
	expect(sb.state.identities.get(id)).toMatchObject({
		status: '5001',
		phone: '34600000001',
		requestedDni: '12345678Z',
		sentAt: '2030-05-01 15:10',
		result: null,
	});

	const early = await call(sb, 'DescargarCertificadoVerificacion', { Id: id });
	expect(early.first).toEqual({
		Res: '-6',
		Error: expect.stringMatching(/^Id: certificate not ready \(Estado 5001\)/),
	});

	const completed = await control(sb, 'POST', `/identity/${id}/complete`, { score: 88.5 });
	expect(completed.status).toBe(200);
	expect(completed.data).toMatchObject({
		ok: true,
		identity: {
			status: '5100',
			dniFront: '12345678Z',
			dniBack: '12345678Z',
			result: { Resultado: 88.5, ParecidoPersonaDNI: 88.5, DNISolicitadoCoincide: 'Si' },
		},
		webhook: null,
	});

	const pdf = await call(sb, 'DescargarCertificadoVerificacion', { Id: Number(id) });
	expect(pdf.headers['content-type']).toBe('application/pdf');
	expect(isWholePdf(pdf.body)).toBe(true);
	expect(pdf.body.toString('latin1')).toContain(`ID: ${id}`);

	expect((await control(sb, 'POST', `/identity/${id}/complete`)).status).toBe(409);
});

it('uses a default score and document number when none are given', async () => {
	const id = await sendIdentity(sb);
	const { identity } = await sb.completeIdentity(id);
	expect(identity.dniFront).toBe('00000000T');
	expect(identity.result).toMatchObject({
		Resultado: expect.any(Number),
		DNISolicitado: '',
		DNISolicitadoCoincide: 'N/A',
	});
});

it('refuses bad ids, other accounts and bad control input', async () => {
	expect((await call(sb, 'DescargarCertificadoVerificacion', {})).first).toEqual({
		Res: '-2',
		Error: 'Id: required',
	});
	const unknown = await call(sb, 'DescargarCertificadoVerificacion', { Id: '42' });
	expect(unknown.first).toEqual({ Res: '-3', Error: 'Id: no identity request 42' });
	const id = await sendIdentity(sb);
	expect((await control(sb, 'POST', `/identity/${id}/complete`, { score: 101 })).status).toBe(400);
	expect((await control(sb, 'POST', `/identity/${id}/complete`, { score: '90' })).status).toBe(400);
	expect((await control(sb, 'POST', '/identity/42/complete')).status).toBe(404);
	expect((await control(sb, 'POST', '/identity/42/status', { code: '5002' })).status).toBe(404);

	const two = await startSandbox({
		accounts: [
			{ user: 'a', token: 'ta', credits: 10 },
			{ user: 'b', token: 'tb', credits: 10 },
		],
	});
	try {
		const sent = await call(
			two,
			'VerificarIdentidad',
			{ Telefono: '34600000001' },
			{ auth: { username: 'a', password: 'ta' } },
		);
		await two.completeIdentity(String(sent.first.ID));
		const asB = await call(
			two,
			'DescargarCertificadoVerificacion',
			{ Id: sent.first.ID },
			{ auth: { username: 'b', password: 'tb' } },
		);
		expect(asB.first.Res).toBe('-3');
	} finally {
		await two.stop();
	}
});

it('lets a test set any status code', async () => {
	const id = await sendIdentity(sb);
	const set = await control(sb, 'POST', `/identity/${id}/status`, { code: 5050 });
	expect(set.data).toMatchObject({ ok: true, identity: { status: '5050' } });
	await sb.setIdentityStatus(id, '5100');
	expect((await call(sb, 'DescargarCertificadoVerificacion', { Id: id })).status).toBe(200);
});
