/** The sandbox's transport: routing, POST only, Basic auth, JSON and form bodies, answers, the request log. */
import http from 'http';
import type { Socket } from 'net';

import { LOFIRMO_FUNCTIONS, operations } from '../../nodes/Lofirmo/actions/operations';
import { DEFAULT_FUNCTION_NAMES, createSandbox } from '../../sandbox/server';
import { call, control, SIGNERS, startSandbox, TOKEN, USER, type Sandbox } from './support';

let sb: Sandbox;

beforeAll(async () => {
	sb = await startSandbox();
});
afterAll(async () => sb.stop());
beforeEach(() => sb.reset());

describe('routing', () => {
	it('serves every function where the package calls it by default', () => {
		const paths = Object.fromEntries(
			Object.entries(LOFIRMO_FUNCTIONS).map(([key, { path }]) => [key, path.slice(1)]),
		);
		expect(DEFAULT_FUNCTION_NAMES).toEqual(paths);
	});

	it.each(operations.map(({ option, apiFunction }) => [option.value, apiFunction.path]))(
		'serves the API function of the %s operation (%s)',
		async (_operation, path) => {
			await call(sb, path);
			expect(sb.requests[0].fn).not.toBeNull();
			expect(sb.requests[0].status).not.toBe(404);
		},
	);

	it.each([
		'/GetCreditos',
		'/getcreditos',
		'/api/v3/GetCreditos',
		'/any/prefix/GETCREDITOS',
		'//GetCreditos',
	])('routes %s by its last segment, case-insensitively', async (path) => {
		const reply = await call(sb, path);
		expect(reply.first).toEqual({ Res: '10', Cred: '1000' });
		expect(sb.requests[0]).toMatchObject({ fn: 'credits', path });
	});

	it('answers an unknown function with 404 and Res -404', async () => {
		const reply = await call(sb, '/api/v3/NoSuchFunction');
		expect(reply.status).toBe(404);
		expect(reply.first).toEqual({ Res: '-404', Error: 'Unknown function "NoSuchFunction"' });
		expect(sb.requests[0]).toMatchObject({ fn: null, status: 404, res: '-404' });
	});

	it.each(['GET', 'PUT', 'DELETE'])('refuses %s with 405', async (method) => {
		const reply = await call(sb, 'GetCreditos', {}, { method });
		expect(reply.status).toBe(405);
		expect(reply.headers.allow).toBe('POST');
		expect(reply.first.Res).toBe('-405');
	});

	it('follows options.paths and drops the default name it replaces', async () => {
		const custom = await startSandbox({
			paths: { credits: '/v9/Creditos', sendContract: 'Enviar' },
		});
		try {
			expect((await call(custom, '/v9/creditos')).first.Res).toBe('10');
			expect((await call(custom, 'GetCreditos')).status).toBe(404);
			expect((await call(custom, 'x/Enviar', { Firmantes: SIGNERS })).first.Res).toBe('10');
			expect(
				(await call(custom, 'VerificarIdentidad', { Telefono: '34600000001' })).first.Res,
			).toBe('10');
		} finally {
			await custom.stop();
		}
	});

	it('refuses unknown keys in options.paths', () => {
		expect(() => createSandbox({ paths: { nope: 'X' } as never })).toThrow(/unknown function keys/);
	});
});

describe('authentication', () => {
	const failed = [{ Res: '-1', Error: 'Authentication failed' }];

	it.each([
		['missing', null, 'missing'],
		['a wrong token', { username: USER, password: 'wrong' }, 'bad'],
		['a wrong user', { username: 'someone', password: TOKEN }, 'bad'],
		['an empty token', { username: USER, password: '' }, 'bad'],
	])('refuses %s credentials with 401', async (_name, auth, logged) => {
		const reply = await call(sb, 'GetCreditos', {}, { auth });
		expect(reply.status).toBe(401);
		expect(JSON.parse(reply.text)).toEqual(failed);
		expect(sb.requests[0]).toMatchObject({
			fn: 'credits',
			auth: logged,
			status: 401,
			res: '-1',
			user: null,
		});
	});

	it('refuses an Authorization header that is not Basic', async () => {
		const status = await new Promise<number | undefined>((resolve, reject) => {
			const req = http.request(`${sb.url}/GetCreditos`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${TOKEN}` },
			});
			req.on('response', (res) => resolve(res.resume().statusCode));
			req.on('error', reject);
			req.end();
		});
		expect(status).toBe(401);
		expect(sb.requests[0].auth).toBe('bad');
	});

	it('serves several accounts, each with its own credits', async () => {
		const multi = await startSandbox({
			accounts: [
				{ user: 'a', token: 'ta', credits: 5 },
				{ user: 'b', token: 'tb', credits: 7 },
			],
		});
		try {
			expect(
				(await call(multi, 'GetCreditos', {}, { auth: { username: 'b', password: 'tb' } })).first
					.Cred,
			).toBe('7');
			expect(
				(await call(multi, 'GetCreditos', {}, { auth: { username: 'a', password: 'tb' } })).status,
			).toBe(401);
			expect(multi.state.credits('a')).toBe(5);
		} finally {
			await multi.stop();
		}
	});
});

describe('bodies and parameters', () => {
	it('accepts a JSON body', async () => {
		const reply = await call(sb, 'EnviarContrato', {
			Firmantes: SIGNERS,
			Tipofirma: 3,
			Referenciausuario: 'ref-1',
		});
		expect(reply.headers['content-type']).toBe('application/json');
		expect(reply.first.Res).toBe('10');
		expect(sb.requests[0].contentType).toBe('application/json');
		expect(sb.requests[0].params).toEqual({
			firmantes: SIGNERS,
			tipofirma: 3,
			referenciausuario: 'ref-1',
			resp: 'JSON',
		});
	});

	it('accepts a form body whose arrays and objects are JSON-encoded strings', async () => {
		const reply = await call(
			sb,
			'EnviarContrato',
			{ Firmantes: SIGNERS, Personalizacion: { CIF: 'B800000000' }, Mensaje: '[LINK] firme aqui' },
			{ form: true },
		);
		expect(reply.first.Res).toBe('10');
		expect(sb.requests[0].contentType).toMatch(/^application\/x-www-form-urlencoded/);
		expect(sb.requests[0].params).toEqual({
			firmantes: SIGNERS,
			personalizacion: { CIF: 'B800000000' },
			mensaje: '[LINK] firme aqui', // only array/object parameters are decoded
			resp: 'JSON',
		});
	});

	it('accepts JSON-encoded arrays inside a JSON body, as in the vendor example', async () => {
		const reply = await call(sb, 'EnviarContrato', { Firmantes: JSON.stringify(SIGNERS) });
		expect(reply.first).toMatchObject({ Res: '10', Firmantes: '2' });
	});

	it('reads parameter names in any case', async () => {
		const reply = await call(
			sb,
			'enviarcontrato',
			{ fIRMANTES: SIGNERS, REMITENTE: 'MiEmpresa', resp: 'json', recordatorios: '3' },
			{ resp: false, form: true },
		);
		expect(reply.first.Res).toBe('10');
		expect(Object.keys(sb.requests[0].params).sort()).toEqual([
			'firmantes',
			'recordatorios',
			'remitente',
			'resp',
		]);
	});

	it('takes numbers as numbers or strings', async () => {
		expect(
			(await call(sb, 'EnviarContrato', { Firmantes: SIGNERS, Tipofirma: 2, Recordatorios: 5 }))
				.first.Res,
		).toBe('10');
		expect(
			(await call(sb, 'EnviarContrato', { Firmantes: SIGNERS, Tipofirma: '2', Recordatorios: '5' }))
				.first.Res,
		).toBe('10');
	});

	it('answers a JSON body that is not an object with a negative Res', async () => {
		for (const body of ['[1,2]', '{broken', '"text"']) {
			const reply = await rawPost('/GetCreditos', body, 'application/json');
			expect(reply.status).toBe(200);
			expect(reply.text).toBe('Res=-2\n'); // no readable Resp, so the old format
		}
	});

	it('refuses other content types', async () => {
		const reply = await rawPost('/GetCreditos', 'Resp=JSON', 'text/plain');
		expect(reply.text).toMatch(/^Res=-2/);
		expect(sb.requests[0]).toMatchObject({ fn: 'credits', res: '-2' });
	});

	it('accepts an empty body', async () => {
		const reply = await rawPost('/GetCreditos', '', '');
		expect(reply.text).toBe('Res=10\n');
	});
});

describe('answers', () => {
	it('are a one-element array of strings', async () => {
		const reply = await call(sb, 'EnviarContrato', { Firmantes: SIGNERS });
		const parsed = JSON.parse(reply.text);
		expect(Array.isArray(parsed)).toBe(true);
		expect(parsed).toHaveLength(1);
		expect(Object.keys(parsed[0])).toEqual([
			'Res',
			'ContratoId',
			'ReportId',
			'Cred',
			'Firmantes',
			'Documentos',
		]);
		for (const value of Object.values(parsed[0])) expect(typeof value).toBe('string');
	});

	it('fall back to the old text format when Resp is missing', async () => {
		const ok = await call(sb, 'GetCreditos', {}, { resp: false });
		expect(ok.status).toBe(200);
		expect(ok.headers['content-type']).toMatch(/^text\/plain/);
		expect(ok.text).toBe('Res=10\n');
		const bad = await call(sb, 'EnviarContrato', {}, { resp: false });
		expect(bad.text).toBe('Res=-2\n');
	});

	it('refuse Resp values other than JSON', async () => {
		const reply = await call(sb, 'GetCreditos', { Resp: 'XML' }, { resp: false });
		expect(reply.first).toMatchObject({ Res: '-2', Error: expect.stringMatching(/^Resp:/) });
	});
});

describe('request log and console', () => {
	it('records every vendor request but no control request', async () => {
		await call(sb, 'GetCreditos');
		await call(sb, 'GetCreditos', {}, { auth: null });
		await control(sb, 'GET', '/health');
		expect(sb.requests).toHaveLength(2);
		expect(sb.requests[0]).toEqual({
			fn: 'credits',
			path: '/GetCreditos',
			method: 'POST',
			contentType: 'application/json',
			params: { resp: 'JSON' },
			auth: 'ok',
			user: USER,
			status: 200,
			res: '10',
			at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
		expect((await control(sb, 'GET', '/requests')).data.requests).toHaveLength(2);
	});

	it('never holds or prints the token or the Authorization header', async () => {
		const secret = 'TOKEN-never-shown-7c1e';
		const basic = Buffer.from(`${USER}:${secret}`).toString('base64');
		const lines: string[] = [];
		const spy = jest
			.spyOn(console, 'log')
			.mockImplementation((line: string) => void lines.push(line));
		const loud = createSandbox({ accounts: [{ user: USER, token: secret, credits: 10 }] });
		try {
			await loud.start(0);
			const auth = { username: USER, password: secret };
			await call(loud, 'EnviarContrato', { Firmantes: SIGNERS }, { auth });
			await call(loud, 'GetCreditos', {}, { auth: { username: USER, password: `${secret}x` } });
			const stored =
				JSON.stringify([loud.requests, loud.state]) +
				JSON.stringify((await control(loud, 'GET', '/state')).data);
			for (const text of [stored, lines.join('\n')]) {
				expect(text).not.toContain(secret);
				expect(text).not.toContain(basic);
				expect(text.toLowerCase()).not.toContain('authorization');
			}
			expect(lines).toContainEqual(
				expect.stringMatching(
					/^\[sandbox\] POST \/EnviarContrato sendContract 200 Res=10 \(user sandbox-user\) \d+ms$/,
				),
			);
			expect(lines).toContainEqual(
				expect.stringMatching(/GetCreditos credits 401 Res=-1 \(bad auth\)/),
			);
		} finally {
			spy.mockRestore();
			await loud.stop();
		}
	});
});

describe('control endpoints', () => {
	it('answer health, state, reset, and refuse unknown paths and methods', async () => {
		expect(await control(sb, 'GET', '/health')).toEqual({ status: 200, data: { ok: true } });
		await call(sb, 'EnviarContrato', { Firmantes: SIGNERS });
		const state = (await control(sb, 'GET', '/state')).data;
		expect(state.accounts).toEqual([{ user: USER, credits: 998 }]);
		expect(state.contracts).toHaveLength(1);
		expect((await control(sb, 'POST', '/reset')).data).toEqual({ ok: true });
		expect(sb.state.contracts.size).toBe(0);
		expect(sb.state.credits()).toBe(1000);
		expect(sb.requests).toHaveLength(0);
		expect((await control(sb, 'GET', '/nothing')).status).toBe(404);
		expect((await control(sb, 'GET', '/reset')).status).toBe(405);
		expect((await control(sb, 'POST', '/contracts/123/sign')).status).toBe(404);
	});

	it('refuse a body that is not JSON', async () => {
		const reply = await rawPost('/_sandbox/contracts/1/status', '{nope', 'application/json');
		expect(reply.status).toBe(400);
		expect(JSON.parse(reply.text)).toEqual({ ok: false, error: 'body: not JSON' });
	});
});

describe('lifecycle of the server', () => {
	it('starts on 127.0.0.1 and stops with keep-alive connections open, closing them', async () => {
		const other = createSandbox({ quiet: true });
		const { url, port } = await other.start(0);
		expect(url).toBe(`http://127.0.0.1:${port}`);
		expect(other.url).toBe(url);
		const agent = new http.Agent({ keepAlive: true });
		const socket = await new Promise<Socket>((resolve, reject) => {
			const req = http.request(`${url}/GetCreditos`, { method: 'POST', agent });
			req.on('response', (res) => res.resume().on('end', () => resolve(req.socket!)));
			req.on('error', reject);
			req.end();
		});
		const closed = new Promise((resolve) => socket.once('close', resolve));
		expect(socket.destroyed).toBe(false);
		await other.stop();
		await closed;
		agent.destroy();
	});
});

/** A POST with an exact body and content type. */
async function rawPost(
	path: string,
	body: string,
	contentType: string,
): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string> = {
			Authorization: `Basic ${Buffer.from(`${USER}:${TOKEN}`).toString('base64')}`,
		};
		if (contentType) headers['Content-Type'] = contentType;
		const req = http.request(`${sb.url}${path}`, { method: 'POST', headers });
		req.on('response', (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
			);
		});
		req.on('error', reject);
		req.end(body);
	});
}
