/**
 * The Lofirmo Trigger's webhook() fed with the vendor's own example reports, delivered every way Lofirmo can send
 * them: typed output, parsed nested fields, raw kept, filters, Basic auth, malformed and unknown reports.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { LofirmoTrigger } from '../../nodes/Lofirmo/LofirmoTrigger.node';
import { CONTRACT_REPORT, deliveries, IDENTITY_REPORT, without, type Delivery } from './fixtures';
import { basicAuthHeader, callWebhook, type WebhookCall } from './harness';

const SENT_ISO = '2021-10-10T08:10:00.000Z'; // 2021-10-10 10:10 in Madrid, summer time (UTC+2)

const CONTRACT_OUTPUT = {
	event: 'contractStatusChanged',
	service: 'CONTRATACION',
	contractId: 'ASYYFRE5492-HN776TFD',
	reportId: '299846332',
	status: '11',
	statusLabel: null,
	sentAt: '2021-10-10 10:10',
	sentAtIso: SENT_ISO,
	signedAt: '2021-10-10 10:10',
	signedAtIso: SENT_ISO,
	signers: 2,
	signed: 1,
	reference: 'Su referencia si la indicó',
	signatureType: 3,
	verificationUrl: 'https://www.lofirmo.com/csv/ASYYFRE5492-HN776TFD',
	raw: CONTRACT_REPORT,
	parseErrors: [],
};

const IDENTITY_OUTPUT = {
	event: 'identityVerificationStatusChanged',
	service: 'VERIFICACION_IDENTIDAD',
	verificationId: '299846332',
	status: '5001',
	statusLabel: null,
	sentAt: '2021-10-10 10:10',
	sentAtIso: SENT_ISO,
	lastUpdate: '2021-10-10 10:10',
	lastUpdateIso: SENT_ISO,
	mobile: '34600000000',
	idFront: '00000000T',
	idBack: '00000000T',
	idRequested: '00000000T',
	access: { Fecha: '2021-09-04 19:37:21', IP: '85.10.20.221', Puerto: '11892' },
	position: {
		Direccion: 'C. de las calles, 8B, 28333 Madrid, Spain',
		Coordenadas: {
			Longitud: '-1.6592592',
			Latitud: '4.4577993',
			Altura: 75.70229058041491,
			Precision: 15.265999794006348,
		},
	},
	device: { browser: 'Chrome 92.0.4515.131', SysOp: 'Android 11', displayResolution: '360 x 800' },
	result: expect.objectContaining({
		Resultado: 93.957847595214844,
		DNISolicitadoCoincide: 'N/A',
		DNI: expect.objectContaining({
			Edad: 66,
			FechaNacimiento: '18/12/1955',
			Nombre: 'APARICIO GARCIA,RAFAEL',
		}),
		ParecidoPersonaDNI: 93.957847595214844,
		PruebaDeVida: 'Si',
	}),
	raw: IDENTITY_REPORT,
	parseErrors: [],
};

function send(delivery: Delivery, call: WebhookCall = {}) {
	return callWebhook(LofirmoTrigger, { ...delivery, ...call });
}

async function emittedOne(delivery: Delivery, call: WebhookCall = {}): Promise<IDataObject> {
	const { items, responseData } = await send(delivery, call);
	expect(items).toHaveLength(1);
	expect(responseData.webhookResponse).toEqual({ received: true });
	return items[0].json;
}

async function expectIgnored(delivery: Delivery, reason: string, call: WebhookCall = {}) {
	const { responseData, response } = await send(delivery, call);
	expect(responseData).toEqual({ webhookResponse: { received: true, ignored: reason } });
	expect(response.statusCode).toBeUndefined(); // n8n answers 200 with the webhookResponse
}

describe('node description', () => {
	const { description } = new LofirmoTrigger();

	it('listens on one POST path and lets n8n answer as soon as the report is received', () => {
		// responseData '' makes n8n answer with webhookResponse ({ received: true }), checked in a real n8n 1.x and 2.x
		expect(description.webhooks).toEqual([
			expect.objectContaining({
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
			}),
		]);
		expect(description.inputs).toEqual([]);
	});

	it('tells the account owner what to paste into the Lofirmo panel and which options to pick', () => {
		const notice = description.properties.find((property) => property.type === 'notice');
		expect(notice?.displayName).toMatch(/Production URL/);
		expect(notice?.displayName).toMatch(/JSON/);
		expect(notice?.displayName).toMatch(/FORM-DATA/);
		expect(notice?.displayName).toMatch(/Basic Auth/);
		expect(notice?.displayName).toMatch(/Execute step/);
		expect(notice?.displayName).not.toMatch(/<b>/); // n8n strips markup from notices
	});

	it('asks for each credential only when its option is on', () => {
		expect(description.credentials).toEqual([
			expect.objectContaining({
				name: 'lofirmoWebhookApi',
				displayOptions: { show: { authentication: ['basicAuth'] } },
			}),
			expect.objectContaining({
				name: 'lofirmoApi',
				displayOptions: { show: { downloadPdf: [true] } },
			}),
		]);
	});

	it('registers nothing with Lofirmo, which has no webhook API', async () => {
		const hooks = new LofirmoTrigger().webhookMethods.default;
		const context = {} as never;
		await expect(hooks.checkExists.call(context)).resolves.toBe(true);
		await expect(hooks.create.call(context)).resolves.toBe(true);
		await expect(hooks.delete.call(context)).resolves.toBe(true);
	});

	it('tests the Basic auth credential for a user and a password', async () => {
		const test = new LofirmoTrigger().methods.credentialTest.lofirmoWebhookApiTest;
		const run = (data: ICredentialDataDecryptedObject) =>
			test.call({} as never, { id: '1', name: 'c', type: 'lofirmoWebhookApi', data });
		await expect(run({ user: 'lofirmo', password: 's3cret' })).resolves.toMatchObject({
			status: 'OK',
		});
		await expect(run({ user: 'lofirmo', password: '' })).resolves.toMatchObject({
			status: 'Error',
		});
	});
});

describe.each(Object.entries(deliveries))('the vendor examples sent as %s', (_kind, deliver) => {
	it('become a typed contract item, with the raw report kept', async () => {
		expect(await emittedOne(deliver(CONTRACT_REPORT))).toEqual(CONTRACT_OUTPUT);
	});

	it('become a typed identity item, its four JSON fields parsed', async () => {
		expect(await emittedOne(deliver(IDENTITY_REPORT))).toEqual(IDENTITY_OUTPUT);
	});
});

describe('output fields', () => {
	it('labels only the documented status codes and links the certified contract', async () => {
		const contract = await emittedOne(deliveries.json({ ...CONTRACT_REPORT, Resultado: '1014' }));
		expect(contract).toMatchObject({ status: '1014', statusLabel: 'Signed and certified' });
		const identity = await emittedOne(deliveries.json({ ...IDENTITY_REPORT, Estado: '5100' }));
		expect(identity).toMatchObject({ status: '5100', statusLabel: 'Verified, certificate ready' });
	});

	it('converts winter dates with the winter offset', async () => {
		const json = await emittedOne(
			deliveries.json({ ...CONTRACT_REPORT, FechaFirma: '2021-12-24 09:30' }),
		);
		expect(json).toMatchObject({
			signedAt: '2021-12-24 09:30',
			signedAtIso: '2021-12-24T08:30:00.000Z',
		});
	});

	it('reads keys in any case, as the vendor API does', async () => {
		const json = await emittedOne(
			deliveries.json({
				servicio: 'contratacion',
				ContratoId: 'ABC-1',
				REPORTID: '7',
				resultado: '1014',
				numfirmantes: '3',
				NUMFIMADOS: '3',
			}),
		);
		expect(json).toMatchObject({
			event: 'contractStatusChanged',
			contractId: 'ABC-1',
			reportId: '7',
			status: '1014',
		});
		expect(json).toMatchObject({ signers: 3, signed: 3, statusLabel: 'Signed and certified' });
	});

	it('keeps a number or date that does not parse as sent, and says why', async () => {
		const json = await emittedOne(
			deliveries.json({
				...CONTRACT_REPORT,
				NumFirmantes: 'dos',
				FechaEnvio: '10/10/2021',
				TipoFirma: '',
			}),
		);
		expect(json).toMatchObject({
			signers: 'dos',
			sentAt: '10/10/2021',
			sentAtIso: null,
			signatureType: null,
		});
		expect(json.parseErrors).toEqual([
			{ field: 'FechaEnvio', error: expect.stringContaining('Not a date') },
			{ field: 'NumFirmantes', error: expect.stringContaining('Not a whole number') },
		]);
	});

	it('emits a report whose nested JSON is malformed, the field kept as sent and listed in parseErrors', async () => {
		const json = await emittedOne(
			deliveries.form({
				...IDENTITY_REPORT,
				Result: '{"Resultado": 93.9,',
				Posicion: 'not json',
				Acceso: '',
			}),
		);
		expect(json).toMatchObject({
			result: '{"Resultado": 93.9,',
			position: 'not json',
			access: null,
		});
		expect(json.device).toEqual(IDENTITY_OUTPUT.device);
		expect(json.parseErrors).toEqual([
			{ field: 'Posicion', error: expect.stringContaining('Not valid JSON') },
			{ field: 'Result', error: expect.stringContaining('Not valid JSON') },
		]);
	});

	it('emits a report of an unknown service, flagged', async () => {
		const json = await emittedOne(
			deliveries.json({ Servicio: 'FIRMA_BIOMETRICA', Resultado: '42', Otro: 'x' }),
		);
		expect(json).toEqual({
			event: 'unknown',
			service: 'FIRMA_BIOMETRICA',
			status: '42',
			statusLabel: null,
			raw: { Servicio: 'FIRMA_BIOMETRICA', Resultado: '42', Otro: 'x' },
			parseErrors: [{ field: 'Servicio', error: 'Unknown service "FIRMA_BIOMETRICA"' }],
		});
	});

	it('emits a report with no service and one with missing required fields', async () => {
		const noService = await emittedOne(deliveries.json({ ID: '5' }));
		expect(noService).toMatchObject({ event: 'unknown', service: null, status: null });
		expect(noService.parseErrors).toEqual([{ field: 'Servicio', error: 'Missing' }]);

		const bare = await emittedOne(deliveries.json({ Servicio: 'CONTRATACION' }));
		expect(bare).toMatchObject({
			event: 'contractStatusChanged',
			contractId: null,
			status: null,
			verificationUrl: null,
		});
		expect(bare.parseErrors).toEqual([
			{ field: 'ContratoID', error: 'Missing' },
			{ field: 'Resultado', error: 'Missing' },
		]);
	});

	it('emits a body that is neither JSON nor a form with its text and a parse error', async () => {
		const json = await emittedOne({
			headers: { 'content-type': 'text/plain' },
			body: 'Servicio CONTRATACION ok',
		});
		expect(json).toMatchObject({ event: 'unknown', raw: 'Servicio CONTRATACION ok' });
		expect(json.parseErrors).toEqual([
			{ field: 'body', error: 'The body is neither JSON nor form data' },
			{ field: 'Servicio', error: 'Missing' },
		]);
	});

	it('emits even an empty request', async () => {
		const json = await emittedOne({ headers: {}, body: undefined, rawBody: Buffer.alloc(0) });
		expect(json).toMatchObject({ event: 'unknown', raw: null });
		expect(json.parseErrors).toEqual([
			{ field: 'body', error: 'The request had no body' },
			{ field: 'Servicio', error: 'Missing' },
		]);
	});
});

describe('filters', () => {
	it('passes only the chosen events', async () => {
		const parameters = { events: ['contractStatusChanged'] };
		await emittedOne(deliveries.json(CONTRACT_REPORT), { parameters });
		await expectIgnored(deliveries.json(IDENTITY_REPORT), 'filtered', { parameters });
	});

	it('treats no chosen event as every event', async () => {
		await emittedOne(deliveries.json(IDENTITY_REPORT), { parameters: { events: [] } });
	});

	it('passes only the chosen status codes, listed or typed', async () => {
		const listed = { statusCodes: ['1014'] };
		await emittedOne(deliveries.json({ ...CONTRACT_REPORT, Resultado: '1014' }), {
			parameters: listed,
		});
		await expectIgnored(deliveries.json(CONTRACT_REPORT), 'filtered', { parameters: listed });

		const typed = { statusCodes: ['5100'], otherStatusCodes: ' 11, 5001 ' };
		await emittedOne(deliveries.json(CONTRACT_REPORT), { parameters: typed });
		await emittedOne(deliveries.json(IDENTITY_REPORT), { parameters: typed });
		await expectIgnored(deliveries.json({ ...IDENTITY_REPORT, Estado: '5002' }), 'filtered', {
			parameters: typed,
		});
	});

	it('never filters out what it cannot classify: unknown service, missing status', async () => {
		const parameters = { events: ['identityVerificationStatusChanged'], statusCodes: ['5100'] };
		await emittedOne(deliveries.json({ Servicio: 'OTRO', Estado: '1' }), { parameters });
		await emittedOne(deliveries.json({ Estado: '1' }), { parameters });
		await emittedOne(deliveries.json(without(IDENTITY_REPORT, 'Estado')), { parameters });
		const blank = await emittedOne(deliveries.json({ ...IDENTITY_REPORT, Estado: ' ' }), {
			parameters,
		});
		expect(blank).toMatchObject({
			status: null,
			parseErrors: [{ field: 'Estado', error: 'Empty' }],
		});
	});
});

describe('Basic auth', () => {
	const credentials = { lofirmoWebhookApi: { user: 'lofirmo', password: 'pa:ss wörd' } };
	const parameters = { authentication: 'basicAuth' };
	const withAuth = (authorization?: string): Delivery => {
		const delivery = deliveries.json(CONTRACT_REPORT);
		return {
			...delivery,
			headers: { ...delivery.headers, ...(authorization ? { authorization } : {}) },
		};
	};

	it('accepts the right user and password', async () => {
		await emittedOne(withAuth(basicAuthHeader('lofirmo', 'pa:ss wörd')), {
			parameters,
			credentials,
		});
	});

	it.each([
		['no Authorization header', undefined],
		['a wrong password', basicAuthHeader('lofirmo', 'pa:ss word')],
		['a wrong user', basicAuthHeader('Lofirmo', 'pa:ss wörd')],
		['another scheme', 'Bearer pa:ss wörd'],
		['a header that is not base64 user:password', 'Basic bm9jb2xvbg=='],
	])('refuses %s with 401 and emits nothing', async (_case, authorization) => {
		const { responseData, response, items } = await send(withAuth(authorization), {
			parameters,
			credentials,
		});
		expect(responseData).toEqual({ noWebhookResponse: true });
		expect(items).toEqual([]);
		expect(response.statusCode).toBe(401);
		expect(response.headers['WWW-Authenticate']).toMatch(/^Basic realm="Lofirmo Trigger"/);
	});

	it('answers 500 and emits nothing when the node has no usable credential', async () => {
		for (const broken of [undefined, { user: 'lofirmo', password: '' }]) {
			const { responseData, response } = await send(withAuth(basicAuthHeader('lofirmo', '')), {
				parameters,
				credentials: { lofirmoWebhookApi: broken },
			});
			expect(responseData).toEqual({ noWebhookResponse: true });
			expect(response.statusCode).toBe(500);
		}
	});

	it('ignores the Authorization header when authentication is off', async () => {
		await emittedOne(withAuth('Basic garbage'));
	});
});
