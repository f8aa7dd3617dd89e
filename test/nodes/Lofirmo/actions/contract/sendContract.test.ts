/** Contract → Send: the exact request body, JSON/fields signer input, and every check that stops a doomed send. */
import { DateTime } from 'luxon';
import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';

import { answer, failure, run, sentBody } from '../../support';

const SENT = {
	Res: '10',
	ContratoId: '1994779988',
	ReportId: '1994779989',
	Cred: '12000',
	Firmantes: '2',
	Documentos: '1',
};

const ana = { name: 'Ana García', email: 'ana@example.com' };

function send(extra: Record<string, unknown> = {}, signers: IDataObject[] = [ana]) {
	return run(
		{
			resource: 'contract',
			operation: 'sendContract',
			signersInput: 'fields',
			signers: { signer: signers },
			...extra,
		},
		{ http: answer(SENT) },
	);
}

describe('request body', () => {
	it('sends the signers as a JSON array, with Resp=JSON, and types the answer', async () => {
		const { output, calls } = send();
		const [[item]] = await output;
		expect(calls).toHaveLength(1);
		expect(calls[0].options).toMatchObject({
			method: 'POST',
			url: '/EnviarContrato',
			baseURL: 'https://lofirmo.test/api',
		});
		expect(calls[0].credentialType).toBe('lofirmoApi');
		expect(sentBody(calls)).toEqual({
			Firmantes: [{ Nombre: 'Ana García', Email: 'ana@example.com' }],
			Resp: 'JSON',
		});
		expect(item.json).toEqual({
			contractId: '1994779988',
			reportId: '1994779989',
			credits: 12000,
			signers: 2,
			documents: 1,
			raw: SENT,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('reads a mobile written with the 00 dialling prefix (as CRMs store Spanish numbers) as international', async () => {
		const { output, calls } = send({}, [{ name: 'Ana García', mobile: '0034 622 333 444' }]);
		await output;
		expect(sentBody(calls).Firmantes).toEqual([{ Nombre: 'Ana García', Telefono: '34622333444' }]);
	});

	it('maps every field to its documented API parameter', async () => {
		const { output, calls } = send(
			{
				additionalFields: {
					workflowId: '238754787',
					senderSignatures: '1865998, 1865999',
					documents: {
						template: [
							{ templateId: '120958967', acceptance: false },
							{ templateId: '5', acceptance: true },
						],
					},
					documentsJson: '[{"Tipo": "OTRO", "X": "1"}]',
					requestedDocuments: {
						document: [
							{ text: 'DNI', from: 'all' },
							{ text: 'Nómina', from: 'one', signerNumber: 2 },
						],
					},
					personalization: {
						variable: [
							{ name: 'Nombre_de_Empresa', value: 'La empresa' },
							{ name: 'CIF', value: 'B800000000' },
						],
					},
					signatureType: '3',
					senderName: 'MiEmpresa',
					message: 'Hola [NOMBRE] ([NIF]) de [EMPRESA], firme aquí: [LINK]',
					communicationChannel: '2',
					documentType: 'SEPA Mandate',
					identityVerification: true,
					minLikeness: 80,
					userReference: 'CUSTOMER-1',
					signersGetSignedDocument: true,
					alternateChannels: false,
					reminderInterval: 14,
					deadline: '2099-10-10',
					language: 'en',
					minCheckboxes: 1,
					maxCheckboxes: 2,
				},
			},
			[
				{
					name: ' Pedro Pérez ',
					taxId: '00000000T',
					email: 'pedro@example.com',
					mobile: '+34 600-000-001',
					variables: { variable: [{ name: '[EMPRESA]', value: 'ACME' }] },
				},
				{ name: 'Ana García', mobile: '34600000002' },
			],
		);
		await output;
		expect(sentBody(calls)).toEqual({
			Firmantes: [
				{
					Nombre: 'Pedro Pérez',
					NIF: '00000000T',
					Email: 'pedro@example.com',
					Telefono: '34600000001',
					EMPRESA: 'ACME',
				},
				{ Nombre: 'Ana García', Telefono: '34600000002' },
			],
			Flujotrabajo: '238754787',
			Firmasemisor: [{ ID: 1865998 }, { ID: 1865999 }],
			Documentos: [
				{ Tipo: 'PLANTILLA', PLANTILLA: '120958967', ACEPTACION: 'NO' },
				{ Tipo: 'PLANTILLA', PLANTILLA: '5', ACEPTACION: 'SI' },
				{ Tipo: 'OTRO', X: '1' },
			],
			Documentossolicitados: [
				{ Texto: 'DNI', Firmante: '0' },
				{ Texto: 'DNI', Firmante: '1' },
				{ Texto: 'Nómina', Firmante: '1' },
			],
			Personalizacion: { Nombre_de_Empresa: 'La empresa', CIF: 'B800000000' },
			Tipofirma: '3',
			Remitente: 'MiEmpresa',
			Mensaje: 'Hola [NOMBRE] ([NIF]) de [EMPRESA], firme aquí: [LINK]',
			Mediocomunicacion: '2',
			Tipodocumento: 'SEPA Mandate',
			Verificacionidentidad: 'SI',
			Minparecidoverificacion: 80,
			Referenciausuario: 'CUSTOMER-1',
			Accesible: 'SI',
			Alternamedios: 'NO',
			Recordatorios: 14,
			Fechalimite: '2099-10-10',
			Idioma: 'en',
			Minimocheck: 1,
			Maximocheck: 2,
			Resp: 'JSON',
		});
	});

	it('leaves out optional fields that were added but left empty', async () => {
		const { output, calls } = send({
			additionalFields: {
				workflowId: '',
				senderName: '',
				message: '  ',
				documents: {},
				personalization: {},
				senderSignatures: '',
			},
		});
		await output;
		expect(sentBody(calls)).toEqual({
			Firmantes: [{ Nombre: 'Ana García', Email: 'ana@example.com' }],
			Resp: 'JSON',
		});
	});

	it('accepts values as expressions give them: numbers as strings, booleans as words, dates as ISO or DateTime', async () => {
		const { output, calls } = send({
			additionalFields: {
				reminderInterval: '7',
				minLikeness: '90',
				identityVerification: 'no',
				signersGetSignedDocument: 'true',
				deadline: '2099-03-01T00:00:00',
				senderSignatures: [42, '43'],
			},
		});
		await output;
		expect(sentBody(calls)).toMatchObject({
			Recordatorios: 7,
			Minparecidoverificacion: 90,
			Verificacionidentidad: 'NO',
			Accesible: 'SI',
			Fechalimite: '2099-03-01',
			Firmasemisor: [{ ID: 42 }, { ID: 43 }],
		});

		const late = send({
			additionalFields: {
				deadline: DateTime.fromISO('2099-12-31T23:30:00-05:00', { setZone: true }),
			},
		});
		await late.output;
		// the day as written, not shifted to another time zone
		expect(sentBody(late.calls).Fechalimite).toBe('2099-12-31');
	});
});

describe('signers as JSON', () => {
	const jsonSend = (signersJson: unknown) =>
		run(
			{ resource: 'contract', operation: 'sendContract', signersInput: 'json', signersJson },
			{ http: answer(SENT) },
		);

	const signers = [
		{ Nombre: 'Pedro Pérez', NIF: '00000000T', Email: 'pedro@example.com', Empresa: 'ACME' },
		{ nombre: 'Ana', telefono: '+34 600 000 002' },
	];

	it('takes a JSON string', async () => {
		const { output, calls } = jsonSend(JSON.stringify(signers));
		await output;
		expect(sentBody(calls).Firmantes).toEqual([
			signers[0],
			{ nombre: 'Ana', telefono: '34600000002' },
		]);
	});

	it('takes an array an expression produced, and a single object', async () => {
		const fromArray = jsonSend(signers);
		await fromArray.output;
		expect(sentBody(fromArray.calls).Firmantes).toEqual([
			signers[0],
			{ nombre: 'Ana', telefono: '34600000002' },
		]);

		const fromObject = jsonSend({ Nombre: 'Solo', Email: 'solo@example.com' });
		await fromObject.output;
		expect(sentBody(fromObject.calls).Firmantes).toEqual([
			{ Nombre: 'Solo', Email: 'solo@example.com' },
		]);
	});

	it.each([
		['not JSON', '[{"Nombre": ', 'Signers (JSON) is not valid JSON'],
		['an empty array', '[]', 'No signers given'],
		['not objects', '["Ana"]', 'Signers (JSON) must be an array of objects'],
		[
			'English keys',
			[{ name: 'Ana', email: 'ana@example.com' }],
			'Signer 1 in Signers (JSON) has no name',
		],
		[
			'no way to reach',
			[{ Nombre: 'Ana', NIF: '1' }],
			'Signer 1 in Signers (JSON) has neither an email nor a mobile',
		],
		[
			'a bad mobile',
			[{ Nombre: 'Ana', Telefono: '12' }],
			'Signer 1 in Signers (JSON) "Telefono" is not a valid mobile number',
		],
	])('refuses %s without calling Lofirmo', async (_, value, message) => {
		const { output, calls } = jsonSend(value);
		const error = await failure(output);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(error.description).toBeTruthy();
		expect(calls).toHaveLength(0);
	});
});

describe('checks before sending', () => {
	it.each<[string, IDataObject, IDataObject[] | undefined, string]>([
		['no signers', {}, [], 'No signers given'],
		['a signer without name', {}, [{ email: 'a@example.com' }], 'Signer 1 has no name'],
		[
			'a signer without email or mobile',
			{},
			[{ name: 'Ana', taxId: '1' }],
			'Signer 1 has neither an email nor a mobile',
		],
		[
			'a bad email',
			{},
			[{ name: 'Ana', email: 'ana(at)example.com' }],
			'Signer 1 Email is not a valid email address',
		],
		[
			'a short mobile',
			{},
			[{ name: 'Ana', mobile: '+34 12' }],
			'Signer 1 Mobile is not a valid mobile number',
		],
		[
			'a mobile with letters',
			{},
			[{ name: 'Ana', mobile: '34600ABC001' }],
			'Signer 1 Mobile is not a valid mobile number',
		],
		[
			'a national mobile (one leading 0)',
			{},
			[{ name: 'Ana', mobile: '0622 333 444' }],
			'Signer 1 Mobile is not a valid mobile number',
		],
		[
			'a variable named like a signer field',
			{},
			[{ ...ana, variables: { variable: [{ name: 'email', value: 'x' }] } }],
			'Signer 1 has a variable named "email"',
		],
		[
			'a variable without name',
			{},
			[{ ...ana, variables: { variable: [{ name: ' ', value: 'x' }] } }],
			'Signer 1 Variables has a variable without a name',
		],
		[
			'a 12-character sender',
			{ senderName: 'MiEmpresaSAU' },
			undefined,
			'Sender Name is too long (12 characters)',
		],
		[
			'a message without [LINK]',
			{ message: 'Firme aquí: [link]' },
			undefined,
			'Message must contain [LINK]',
		],
		[
			'a deadline that is no date',
			{ deadline: '31/12/2030' },
			undefined,
			'Deadline is not a valid date',
		],
		[
			'a deadline on a day that does not exist',
			{ deadline: '2030-02-30' },
			undefined,
			'Deadline is not a valid date',
		],
		['a deadline in the past', { deadline: '2020-01-01' }, undefined, 'Deadline is in the past'],
		[
			'a likeness over 100',
			{ minLikeness: 101 },
			undefined,
			'Minimum Likeness % must be a whole number from 0 to 100',
		],
		[
			'a fractional likeness',
			{ minLikeness: 80.5 },
			undefined,
			'Minimum Likeness % must be a whole number from 0 to 100',
		],
		[
			'zero reminder days',
			{ reminderInterval: 0 },
			undefined,
			'Reminder Interval (Days) must be a whole number 1 or more',
		],
		[
			'min over max checkboxes',
			{ minCheckboxes: 3, maxCheckboxes: 2 },
			undefined,
			'Minimum Checkboxes is more than Maximum Checkboxes',
		],
		[
			'an unknown signature type',
			{ signatureType: '7' },
			undefined,
			'Signature Type has an unsupported value',
		],
		['an unknown language', { language: 'fr' }, undefined, 'Language has an unsupported value'],
		[
			'a non-boolean flag',
			{ alternateChannels: 'maybe' },
			undefined,
			'Alternate Channels must be true or false',
		],
		[
			'a non-numeric sender signature',
			{ senderSignatures: '1865998, abc' },
			undefined,
			'Sender Signatures has an invalid ID "abc"',
		],
		[
			'documents JSON that does not parse',
			{ documentsJson: '[{' },
			undefined,
			'Documents (JSON) is not valid JSON',
		],
		[
			'documents JSON that is not objects',
			{ documentsJson: '[1]' },
			undefined,
			'Documents (JSON) must be an array of objects',
		],
		[
			'a template without ID',
			{ documents: { template: [{ templateId: '' }] } },
			undefined,
			'Document 1 Template ID is empty',
		],
		[
			'a requested document for a signer that does not exist',
			{ requestedDocuments: { document: [{ text: 'DNI', from: 'one', signerNumber: 2 }] } },
			undefined,
			'Requested Document 1 Signer Number must be a whole number from 1 to 1',
		],
		[
			'a requested document without text',
			{ requestedDocuments: { document: [{ text: '' }] } },
			undefined,
			'Requested Document 1 Text is empty',
		],
		[
			'a duplicate personalization variable',
			{
				personalization: {
					variable: [
						{ name: 'CIF', value: '1' },
						{ name: 'cif', value: '2' },
					],
				},
			},
			undefined,
			'Personalization has the variable "cif" twice',
		],
	])(
		'refuses %s, naming the field, without calling Lofirmo',
		async (_, additionalFields, signers, message) => {
			const { output, calls } = send({ additionalFields }, signers ?? [ana]);
			const error = await failure(output);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(message);
			expect(error.description).toEqual(expect.any(String));
			expect(error.context.itemIndex).toBe(0);
			expect(calls).toHaveLength(0);
		},
	);

	it('accepts 14 days between reminders (the vendor caps the number of reminders, not the interval)', async () => {
		const { output, calls } = send({ additionalFields: { reminderInterval: 14 } });
		await output;
		expect(sentBody(calls).Recordatorios).toBe(14);
	});

	it('accepts an 11-character sender and equal min and max checkboxes', async () => {
		const { output, calls } = send({
			additionalFields: { senderName: 'MiEmpresaSA', minCheckboxes: 2, maxCheckboxes: 2 },
		});
		await output;
		expect(sentBody(calls)).toMatchObject({
			Remitente: 'MiEmpresaSA',
			Minimocheck: 2,
			Maximocheck: 2,
		});
	});
});

it('turns a negative Res into an error that shows the code', async () => {
	const { output, calls } = run(
		{
			resource: 'contract',
			operation: 'sendContract',
			signersInput: 'fields',
			signers: { signer: [ana] },
		},
		{ http: answer({ Res: '-5' }) },
	);
	const error = await failure(output);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error.message).toContain('Res -5');
	expect(calls).toHaveLength(1);
});
