/** Parameter checks as the vendor documents them, and the credits they cost. */
import { call, SIGNERS, startSandbox, type Params, type Sandbox } from './support';

let sb: Sandbox;

beforeAll(async () => {
	sb = await startSandbox();
});
afterAll(async () => sb.stop());
beforeEach(() => sb.reset());

/** The vendor's request example, with a Mensaje that holds the [LINK] tag the vendor requires. */
const VENDOR_EXAMPLE = {
	Firmantes: '[{"Nombre":"Pedro Pérez","NIF":"00000000T","Email":"destinatario@eldominio.com"}]',
	Flujotrabajo: '238754787',
	Firmasemisor: '[{"ID":1865998}]',
	Documentos: '[{"Tipo":"PLANTILLA","PLANTILLA":"120958967","ACEPTACION":"NO"}]',
	Documentossolicitados:
		'[{"Texto":"Por favor, cargue o haga una foto del anverso de su DNI","Firmante":"0"}]',
	Personalizacion: '{"Nombre_de_Empresa":"La empresa","CIF":"B800000000"}',
	Tipofirma: '3',
	Remitente: 'MiEmpresa',
	Mensaje: 'Firme aqui: [LINK]',
	Mediocomunicacion: 'EMAIL',
	Tipodocumento: 'Contrato',
	Verificacionidentidad: 'NO',
	Minparecidoverificacion: '80',
	Referenciausuario: 'NombreFirmante-NombreEmpresa-DNI',
	Accesible: 'SI',
	Alternamedios: 'SI',
	Recordatorios: '3',
	Fechalimite: '2021-10-10',
	Idioma: 'es',
	Minimocheck: '1',
	Maximocheck: '1',
};

describe('sending a contract', () => {
	it.each([
		['the vendor example (JSON)', VENDOR_EXAMPLE, false],
		['the vendor example (form)', VENDOR_EXAMPLE, true],
		['Recordatorios 14 (days between reminders, not capped at 10)', { Recordatorios: 14 }, false],
		['Mediocomunicacion as a number', { Mediocomunicacion: 2 }, false],
		['Mediocomunicacion SMS', { Mediocomunicacion: 'SMS' }, false],
		['Remitente of 11 characters', { Remitente: 'ABCDEFGHIJK' }, false],
		['a leap day', { Fechalimite: '2028-02-29' }, false],
		[
			'Minparecidoverificacion 0 and 100',
			{ Minparecidoverificacion: 0, Minimocheck: 0, Maximocheck: 100 },
			false,
		],
		['empty optional fields', { Remitente: '', Mensaje: '', Fechalimite: '' }, true],
		[
			'signer keys in any case',
			{ Firmantes: [{ nombre: 'Ana', TELEFONO: '351912345678' }] },
			false,
		],
	])('accepts %s', async (_name, params: Params, form) => {
		const reply = await call(sb, 'EnviarContrato', { Firmantes: SIGNERS, ...params }, { form });
		expect(reply.first).toMatchObject({ Res: '10' });
	});

	it('returns the counts of signers and documents and keeps the request on the contract', async () => {
		const reply = await call(sb, 'EnviarContrato', VENDOR_EXAMPLE);
		expect(reply.first).toMatchObject({ Firmantes: '1', Documentos: '1' });
		const contract = sb.state.contracts.get(String(reply.first.ContratoId))!;
		expect(contract.params.documentos).toEqual([
			{ Tipo: 'PLANTILLA', PLANTILLA: '120958967', ACEPTACION: 'NO' },
		]);
		expect(contract.params.personalizacion).toEqual({
			Nombre_de_Empresa: 'La empresa',
			CIF: 'B800000000',
		});
		expect(contract.params.recordatorios).toBe('3');
	});

	it.each([
		['no Firmantes', { Firmantes: undefined }, /^Firmantes: required/],
		['empty Firmantes', { Firmantes: [] }, /^Firmantes: needs at least one signer/],
		['Firmantes not an array', { Firmantes: 'Ana' }, /^Firmantes: must be a JSON array/],
		[
			'Firmantes that are not objects',
			{ Firmantes: ['Ana'] },
			/^Firmantes\[0\]: must be an object/,
		],
		[
			'a signer without Nombre',
			{ Firmantes: [{ Email: 'a@example.com' }] },
			/^Firmantes\[0\]\.Nombre: required/,
		],
		[
			'a signer without Email or Telefono',
			{ Firmantes: [{ Nombre: 'Ana' }] },
			/^Firmantes\[0\]: needs an Email or a Telefono/,
		],
		[
			'a mobile with +',
			{ Firmantes: [{ Nombre: 'Ana', Telefono: '+34600000001' }] },
			/^Firmantes\[0\]\.Telefono:/,
		],
		[
			'a mobile too short',
			{ Firmantes: [SIGNERS[0], { Nombre: 'B', Telefono: '12345' }] },
			/^Firmantes\[1\]\.Telefono:/,
		],
		[
			'a bad email',
			{ Firmantes: [{ Nombre: 'Ana', Email: 'ana.example.com' }] },
			/^Firmantes\[0\]\.Email:/,
		],
		[
			'Remitente of 12 characters',
			{ Remitente: 'ABCDEFGHIJKL' },
			/^Remitente: at most 11 characters/,
		],
		[
			'a Mensaje without [LINK]',
			{ Mensaje: 'Firme por favor' },
			/^Mensaje: must contain the \[LINK\] tag/,
		],
		[
			'a Fechalimite in another format',
			{ Fechalimite: '10/10/2025' },
			/^Fechalimite: must be a date YYYY-MM-DD/,
		],
		[
			'a Fechalimite that does not exist',
			{ Fechalimite: '2025-02-30' },
			/^Fechalimite: not a real date/,
		],
		['Tipofirma 5', { Tipofirma: 5 }, /^Tipofirma: must be at most 4/],
		['Tipofirma 0', { Tipofirma: '0' }, /^Tipofirma: must be at least 1/],
		['Tipofirma text', { Tipofirma: 'BIOMETRICA' }, /^Tipofirma: must be an integer/],
		['Mediocomunicacion 4', { Mediocomunicacion: 4 }, /^Mediocomunicacion: must be one of/],
		[
			'Verificacionidentidad QUIZAS',
			{ Verificacionidentidad: 'QUIZAS' },
			/^Verificacionidentidad:/,
		],
		[
			'Minparecidoverificacion 101',
			{ Minparecidoverificacion: 101 },
			/^Minparecidoverificacion: must be at most 100/,
		],
		['Accesible 1', { Accesible: 1 }, /^Accesible:/],
		['Alternamedios YES', { Alternamedios: 'YES' }, /^Alternamedios:/],
		['Recordatorios 0', { Recordatorios: 0 }, /^Recordatorios: must be at least 1/],
		['Recordatorios 2.5', { Recordatorios: 2.5 }, /^Recordatorios: must be an integer/],
		['Idioma fr', { Idioma: 'fr' }, /^Idioma: must be one of ES, PT, EN/],
		[
			'Minimocheck above Maximocheck',
			{ Minimocheck: 3, Maximocheck: 1 },
			/^Minimocheck: must not exceed Maximocheck/,
		],
		[
			'Personalizacion that is not JSON',
			{ Personalizacion: 'string' },
			/^Personalizacion: must be a JSON object/,
		],
		['Firmasemisor without ID', { Firmasemisor: [{ Id2: 1 }] }, /^Firmasemisor\[0\]\.ID: required/],
		[
			'Documentos not an array',
			{ Documentos: { Tipo: 'PDF' } },
			/^Documentos: must be a JSON array/,
		],
		[
			'Documentossolicitados without Texto',
			{ Documentossolicitados: [{ Firmante: '0' }] },
			/Texto: required/,
		],
		[
			'Documentossolicitados for a signer that is not there',
			{ Documentossolicitados: [{ Texto: 'DNI', Firmante: '2' }] },
			/Firmante: must be at most 1/,
		],
		[
			'Referenciausuario as an object',
			{ Referenciausuario: { a: 1 } },
			/^Referenciausuario: must be a string/,
		],
	])('refuses %s with Res -2 naming the parameter', async (_name, params: Params, error) => {
		const reply = await call(sb, 'EnviarContrato', { Firmantes: SIGNERS, ...params });
		expect(reply.status).toBe(200);
		expect(reply.first).toEqual({ Res: '-2', Error: expect.stringMatching(error) });
		expect(sb.state.contracts.size).toBe(0);
	});
});

describe('credits', () => {
	it('cost one per signer per contract and one per identity request, and nothing when a send fails', async () => {
		expect((await call(sb, 'EnviarContrato', { Firmantes: SIGNERS })).first.Cred).toBe('998');
		expect((await call(sb, 'EnviarContrato', { Firmantes: [SIGNERS[0]] })).first.Cred).toBe('997');
		expect(
			(await call(sb, 'EnviarContrato', { Firmantes: SIGNERS, Remitente: 'ABCDEFGHIJKL' })).first
				.Res,
		).toBe('-2');
		expect((await call(sb, 'VerificarIdentidad', { Telefono: '34600000001' })).first.Cred).toBe(
			'996',
		);
		expect((await call(sb, 'VerificarIdentidad', { Telefono: 'x' })).first.Res).toBe('-2');
		expect((await call(sb, 'GetCreditos')).first).toEqual({ Res: '10', Cred: '996' });
		expect(sb.state.credits()).toBe(996);
	});

	it('follow options.costs and refuse a send they cannot pay for with Res -4', async () => {
		const poor = await startSandbox({
			accounts: [{ user: 'sandbox-user', token: 'sandbox-token', credits: 10 }],
			costs: { contractPerSigner: 3, identity: 5 },
		});
		try {
			expect((await call(poor, 'EnviarContrato', { Firmantes: SIGNERS })).first.Cred).toBe('4');
			const refused = await call(poor, 'EnviarContrato', { Firmantes: SIGNERS });
			expect(refused.first).toEqual({
				Res: '-4',
				Error: 'Cred: not enough credits (4 left, 6 needed)',
			});
			expect((await call(poor, 'VerificarIdentidad', { Telefono: '34600000001' })).first.Res).toBe(
				'-4',
			);
			expect(poor.state.contracts.size).toBe(1);
			expect(poor.state.identities.size).toBe(0);
			expect(poor.state.credits()).toBe(4);
		} finally {
			await poor.stop();
		}
	});
});

describe('sending an identity verification', () => {
	it.each([
		['only Telefono', {}],
		[
			'every parameter',
			{
				Mensaje: 'Verifique: [LINK]',
				Dni: '00000000T',
				Fecha: '2030-05-01 15:10',
				Remitente: 'MiEmpresa',
			},
		],
		['an empty Fecha (send now)', { Fecha: '' }],
	])('accepts %s', async (_name, params: Params) => {
		const reply = await call(sb, 'VerificarIdentidad', { Telefono: '34600000001', ...params });
		expect(Object.keys(reply.first)).toEqual(['Res', 'ID', 'Cred']);
		expect(reply.first.Res).toBe('10');
		expect(reply.first.ID).toMatch(/^\d{10}$/);
	});

	it.each([
		['no Telefono', { Telefono: undefined }, /^Telefono: required/],
		[
			'a Telefono with spaces',
			{ Telefono: '34 600 000 001' },
			/^Telefono: mobile must be 6-15 digits/,
		],
		['a Telefono of 16 digits', { Telefono: '3460000000112345' }, /^Telefono:/],
		[
			'a Mensaje without [LINK]',
			{ Mensaje: 'Verifique' },
			/^Mensaje: must contain the \[LINK\] tag/,
		],
		['a Fecha without time', { Fecha: '2030-05-01' }, /^Fecha: must be a date YYYY-MM-DD HH:MM/],
		['a Fecha at 25:00', { Fecha: '2030-05-01 25:00' }, /^Fecha: not a real date/],
		[
			'Remitente of 12 characters',
			{ Remitente: 'ABCDEFGHIJKL' },
			/^Remitente: at most 11 characters/,
		],
	])('refuses %s with Res -2', async (_name, params: Params, error) => {
		const reply = await call(sb, 'VerificarIdentidad', { Telefono: '34600000001', ...params });
		expect(reply.first).toEqual({ Res: '-2', Error: expect.stringMatching(error) });
		expect(sb.state.identities.size).toBe(0);
	});
});
