/** Outgoing reports: vendor shapes, the three formats, Basic auth, ordering, and failures that do not hurt the server. */
import { createServer } from 'http';
import type { AddressInfo } from 'net';

import {
	call,
	control,
	decodeReport,
	sendContract,
	sendIdentity,
	startReceiver,
	startSandbox,
	type Receiver,
	type Sandbox,
} from './support';

/** The vendor's examples, verbatim (seeds/contracts-api-3.1.txt and seeds/identity-verification-api-3.0.txt). */
const VENDOR_CONTRACT = {
	Servicio: 'CONTRATACION',
	ContratoID: 'ASYYFRE5492-HN776TFD',
	ReportID: '299846332',
	Resultado: '11',
	FechaEnvio: '2021-10-10 10:10',
	FechaFirma: '2021-10-10 10:10',
	NumFirmantes: '2',
	NumFimados: '1',
	Referencia: 'Su referencia si la indicó',
	TipoFirma: '3',
};
const VENDOR_IDENTITY = {
	Servicio: 'VERIFICACION_IDENTIDAD',
	ID: '299846332',
	FechaEnvio: '2021-10-10 10:10',
	Estado: '5001',
	UltimaActualizacion: '2021-10-10 10:10',
	Acceso: '{"Fecha":"2021-09-04 19:37:21","IP":"85.10.20.221","Puerto":"11892"}',
	Telefono: '34600000000',
	DNIAnverso: '00000000T',
	DNIReverso: '00000000T',
	DNISolicitado: '00000000T',
	Posicion:
		'{"Direccion":"C. de las calles, 8B, 28333 Madrid, Spain","Coordenadas":{"Longitud":"-1.6592592","Latitud":"4.4577993","Altura":75.70229058041491,"Precision":15.265999794006348}}',
	Dispositivo:
		'{"browser":"Chrome 92.0.4515.131","SysOp":"Android 11","displayResolution":"360 x 800"}',
	Result:
		'{"Resultado":93.957847595214844,"DNIAnverso":"00000000T","DNIReverso":"00000000T","AnversoReversoCoinciden":"Si","DNISolicitado":"","DNISolicitadoCoincide":"N\\/A","DNI":{"Edad":66,"FechaNacimiento":"18\\/12\\/1955","DNI":"00000000T","Nacionalidad":"ESP","Pais":"ESP","Nombre":"APARICIO GARCIA,RAFAEL","NumeroSerie":"BGT78666","TipoDocumento":"ID-1","Sexo":"M","FechaExpira":"19\\/10\\/2027","Caducado":"No"},"ProcesoRelizadoMismaPersona":"Si","Barba":"No","Bigote":"No","GafasLectura":"No","GafasSol":"No","Sexo":"Hombre con probabilidad de 99.599784851074%","RangoAparenteEdad":"44-62","Dispositivo":"Android.v11-Chrome.v92.0.4515.131","ParecidoPersonaDNI":93.957847595214844,"PruebaDeVida":"Si"}',
};
const ENCODED_FIELDS = ['Acceso', 'Posicion', 'Dispositivo', 'Result'] as const;
const CONTENT_TYPES = {
	json: 'application/json',
	form: 'application/x-www-form-urlencoded',
	multipart: 'multipart/form-data',
};

/** Keys (in order) and value types, recursively: what must match the vendor's examples. */
function shape(value: unknown): unknown {
	if (typeof value !== 'object' || value === null) return typeof value;
	return Object.entries(value).map(([key, child]) => [key, shape(child)]);
}

let sb: Sandbox;
let receiver: Receiver;
const AUTH = { user: 'hook-user', password: 'hook-pass' };

beforeAll(async () => {
	[sb, receiver] = await Promise.all([startSandbox(), startReceiver()]);
});
afterAll(async () => Promise.all([sb.stop(), receiver.close()]));
beforeEach(() => {
	sb.reset();
	receiver.received.length = 0;
	receiver.status = 200;
});

describe.each(['json', 'form', 'multipart'] as const)('in %s format with Basic auth', (format) => {
	beforeEach(() => sb.setWebhook({ url: receiver.url, format, auth: AUTH }));

	it('reports each contract change in the vendor shape', async () => {
		const { contratoId, reportId } = await sendContract(sb, {
			Referenciausuario: 'ref-7',
			Tipofirma: '2',
		});
		const signed = await sb.signContract(contratoId);
		expect(signed.webhook).toEqual({ status: 200 });
		await sb.certifyContract(contratoId);

		expect(receiver.received).toHaveLength(3);
		for (const request of receiver.received) {
			expect(request.headers['content-type']?.split(';')[0]).toBe(CONTENT_TYPES[format]);
			expect(request.headers.authorization).toBe(
				`Basic ${Buffer.from('hook-user:hook-pass').toString('base64')}`,
			);
		}
		const reports = receiver.received.map(decodeReport);
		for (const report of reports) expect(shape(report)).toEqual(shape(VENDOR_CONTRACT));
		expect(reports.map((r) => [r.Resultado, r.NumFimados])).toEqual([
			['11', '0'],
			['11', '1'],
			['1014', '2'],
		]);
		expect(reports[2]).toEqual({
			Servicio: 'CONTRATACION',
			ContratoID: contratoId,
			ReportID: reportId,
			Resultado: '1014',
			FechaEnvio: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/),
			FechaFirma: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/),
			NumFirmantes: '2',
			NumFimados: '2',
			Referencia: 'ref-7',
			TipoFirma: '2',
		});
		expect(reports[0].FechaFirma).toBe('');
		expect(sb.webhookDeliveries.map((d) => [d.format, d.status, d.payload.Resultado])).toEqual([
			[format, 200, '11'],
			[format, 200, '11'],
			[format, 200, '1014'],
		]);
	});

	it('reports identity changes with four JSON-encoded fields shaped like the vendor example', async () => {
		const id = await sendIdentity(sb, { Dni: '12345678Z' });
		const completed = await sb.completeIdentity(id, { score: 91.5 });
		expect(completed.webhook).toEqual({ status: 200 });

		const [sent, done] = receiver.received.map(decodeReport);
		expect(shape(sent)).toEqual(shape(VENDOR_IDENTITY));
		expect(shape(done)).toEqual(shape(VENDOR_IDENTITY));
		// nothing known yet when just sent
		expect(sent).toMatchObject({
			ID: id,
			Estado: '5001',
			Telefono: '34600000001',
			DNISolicitado: '12345678Z',
			DNIAnverso: '',
			Result: '',
		});
		expect(done).toMatchObject({
			ID: id,
			Estado: '5100',
			DNIAnverso: '12345678Z',
			DNIReverso: '12345678Z',
		});
		for (const field of ENCODED_FIELDS) {
			expect(shape(JSON.parse(done[field]))).toEqual(shape(JSON.parse(VENDOR_IDENTITY[field])));
		}
		expect(JSON.parse(done.Result)).toMatchObject({
			Resultado: 91.5,
			ParecidoPersonaDNI: 91.5,
			DNISolicitado: '12345678Z',
		});
	});
});

it('reports without auth, and with a status code a test chose', async () => {
	sb.setWebhook({ url: receiver.url, format: 'json' });
	const id = await sendIdentity(sb);
	const changed = await control(sb, 'POST', `/identity/${id}/status`, { code: '5003' });
	expect(changed.data.webhook).toEqual({ status: 200 });
	expect(receiver.received[1].headers.authorization).toBeUndefined();
	expect(decodeReport(receiver.received[1]).Estado).toBe('5003');
});

it('reports a cancellation made through the API', async () => {
	sb.setWebhook({ url: receiver.url, format: 'json' });
	const { contratoId, reportId } = await sendContract(sb);
	await call(sb, 'CancelarContrato', { Contratoid: contratoId, Reportid: reportId });
	await sb.flushWebhooks();
	expect(receiver.received.map((r) => decodeReport(r).Resultado)).toEqual(['11', '9000']);
});

it('is configured through the control endpoints, and lists deliveries after they finish', async () => {
	const set = await control(sb, 'POST', '/webhook', { url: receiver.url, format: 'form' });
	expect(set).toEqual({ status: 200, data: { ok: true } });
	await sendContract(sb); // the API answers before its report is delivered
	const { data } = await control(sb, 'GET', '/webhook/deliveries');
	expect(data.deliveries).toEqual([
		{
			url: receiver.url,
			format: 'form',
			status: 200,
			payload: expect.objectContaining({ Resultado: '11' }),
		},
	]);
	expect((await control(sb, 'POST', '/webhook', { url: 'ftp://x' })).status).toBe(400);
	expect((await control(sb, 'POST', '/webhook', { url: receiver.url, format: 'xml' })).status).toBe(
		400,
	);
	expect((await control(sb, 'POST', '/webhook', null)).data).toEqual({ ok: true });
	await sendContract(sb);
	expect((await control(sb, 'GET', '/webhook/deliveries')).data.deliveries).toHaveLength(1);
});

it('records failed deliveries and keeps serving', async () => {
	receiver.status = 500;
	sb.setWebhook({ url: receiver.url, format: 'json' });
	const { contratoId } = await sendContract(sb);
	expect((await sb.signContract(contratoId)).webhook).toEqual({ status: 500 });

	sb.setWebhook({ url: 'http://127.0.0.1:9/nowhere', format: 'multipart' });
	const certified = await control(sb, 'POST', `/contracts/${contratoId}/certify`);
	expect(certified.status).toBe(200);
	expect(certified.data.webhook).toEqual({
		status: null,
		error: expect.stringMatching(/ECONNREFUSED/),
	});
	expect(sb.webhookDeliveries.map((d) => d.status)).toEqual([500, 500, null]);
	expect((await control(sb, 'GET', '/health')).status).toBe(200);
});

it('delivers in order even when changes come faster than deliveries', async () => {
	sb.setWebhook({ url: receiver.url, format: 'json' });
	const { contratoId } = await sendContract(sb);
	await Promise.all([sb.signContract(contratoId), sb.setContractStatus(contratoId, '12')]);
	await sb.certifyContract(contratoId);
	expect(receiver.received.map((r) => decodeReport(r).Resultado)).toEqual([
		'11',
		'11',
		'12',
		'1014',
	]);
});

it('takes the webhook from options, and reset() goes back to it', async () => {
	const other = await startSandbox({ webhook: { url: receiver.url, format: 'multipart' } });
	try {
		other.setWebhook(null);
		other.reset();
		await sendContract(other);
		await other.flushWebhooks();
		expect(other.webhookDeliveries).toEqual([
			expect.objectContaining({ format: 'multipart', status: 200 }),
		]);
	} finally {
		await other.stop();
	}
});

it('abandons a delivery that hangs when the sandbox stops', async () => {
	const silent = createServer(() => undefined); // never answers
	await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
	const other = await startSandbox({
		webhook: { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/` },
	});
	try {
		const { contratoId } = await sendContract(other);
		const pending = other.signContract(contratoId);
		await other.stop();
		expect(await pending).toMatchObject({ webhook: { status: null, error: expect.any(String) } });
	} finally {
		silent.closeAllConnections();
		await new Promise((resolve) => silent.close(resolve));
	}
});
