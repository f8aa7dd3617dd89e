/**
 * The Lofirmo Trigger's Basic auth in the pinned real n8n 2.x, over real HTTP: every wrong, missing, malformed or
 * oversized Authorization header gets 401 (431 from Node's parser for a header past its 16 KB limit) and starts
 * ZERO executions; each accepted form of the right credentials starts exactly one, carrying its own report. The
 * 401 answer says nothing but that authorization is required. A trigger whose credential has no password answers
 * 500 (the node is misconfigured, not the caller) and starts nothing either.
 *
 * What is accepted (RFC 7617 / RFC 7235): the scheme `Basic` in any case, one or more spaces before the token,
 * `user:password` encoded as UTF-8 then base64, split at the first colon (so the password may hold colons).
 *
 *   npm run build && npx jest -c test/e2e/jest.config.js test/e2e/auth.e2e.test.ts
 */
import * as http from 'node:http';
import * as net from 'node:net';

import {
	activateWorkflow,
	createApiKey,
	importCredentials,
	importWorkflows,
	listExecutions,
	setupOwner,
	startN8n,
	type N8nHandle,
	type PublicExecution,
} from '../../scripts/n8n-harness';
import { recordFigures } from '../helpers/figures';
import { describeRow, executionIds, newExecutions, nodeOutput, WAIT_MS } from './samples.support';

const PORT = 5910;
const DATA_DIR = 'auth-e2e';

/** a colon inside the password and a non-ASCII letter: the split rule and the UTF-8 charset both matter */
const AUTH = { user: 'lofirmo-hook', password: 'Añil:Hook-Passw0rd' };
const b64 = (text: string, encoding: BufferEncoding = 'utf8') =>
	Buffer.from(text, encoding).toString('base64');
const RIGHT = b64(`${AUTH.user}:${AUTH.password}`);

const CREDS = {
	good: { id: 'lofirmoAuthHook', name: 'Lofirmo reports (auth e2e)' },
	empty: { id: 'lofirmoAuthEmpty', name: 'Lofirmo reports (no password)' },
};
const GUARDED = { id: 'lofirmoAuthGuarded', webhookId: '7a2b3c4d-0000-4000-8000-000000005910' };
const MISCONFIGURED = {
	id: 'lofirmoAuthNoPass',
	webhookId: '7a2b3c4d-0000-4000-8000-000000005911',
};
const TRIGGER = 'Lofirmo reports';

const triggerWorkflow = (
	id: string,
	webhookId: string,
	credential: { id: string; name: string },
) => ({
	id,
	name: `auth e2e: ${id}`,
	active: false,
	settings: { executionOrder: 'v1' },
	pinData: {},
	nodes: [
		{
			id: `${id}-trigger`,
			name: TRIGGER,
			type: 'n8n-nodes-lofirmo.lofirmoTrigger',
			typeVersion: 1,
			position: [0, 0],
			webhookId,
			parameters: { authentication: 'basicAuth' },
			credentials: { lofirmoWebhookApi: credential },
		},
		{
			id: `${id}-done`,
			name: 'Done',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [240, 0],
			parameters: {},
		},
	],
	connections: { [TRIGGER]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
});

/** A header as sent: one value, several (duplicate header lines), or none. */
type AuthHeader = string | string[] | undefined;

interface Answer {
	status: number | null;
	headers: http.IncomingHttpHeaders;
	body: string;
	error?: string;
}

/** A POST with exactly the headers given (node:http, so nothing is normalised or added but Host and length). */
function rawPost(
	url: string,
	authorization: AuthHeader,
	body: string,
	extra: Record<string, string> = {},
): Promise<Answer> {
	return new Promise((resolve) => {
		const payload = Buffer.from(body);
		const request = http.request(url, {
			method: 'POST',
			agent: false,
			signal: AbortSignal.timeout(WAIT_MS),
		});
		request.setHeader('Content-Type', 'application/json');
		request.setHeader('Content-Length', payload.length);
		for (const [name, value] of Object.entries(extra)) request.setHeader(name, value);
		if (authorization !== undefined) request.setHeader('Authorization', authorization);
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve({
					status: response.statusCode ?? null,
					headers: response.headers,
					body: Buffer.concat(chunks).toString('utf8'),
				}),
			);
			response.on('error', (error) =>
				resolve({
					status: response.statusCode ?? null,
					headers: response.headers,
					body: Buffer.concat(chunks).toString('utf8'),
					error: error.message,
				}),
			);
		});
		request.on('error', (error) =>
			resolve({ status: null, headers: {}, body: '', error: error.message }),
		);
		request.end(payload);
	});
}

/**
 * The same over a bare socket, for a header past Node's limit: the server answers 431 and closes while a normal
 * client is still writing (it would see only EPIPE); the socket reads what the server sent, when the kernel's reset
 * has not discarded it.
 */
function socketPost(url: string, authorization: string, body: string): Promise<Answer> {
	const { hostname, port, pathname } = new URL(url);
	return new Promise((resolve) => {
		let text = '';
		const socket = net.connect(Number(port), hostname);
		socket.setTimeout(WAIT_MS, () => socket.destroy(new Error('timed out')));
		socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
		const done = (error?: Error) => {
			const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
			const [head, ...rest] = text.split('\r\n\r\n');
			resolve({
				status: status ? Number(status[1]) : null,
				headers: { raw: head },
				body: rest.join('\r\n\r\n'),
				...(error && !status ? { error: error.message } : {}),
			});
		};
		socket.on('error', done);
		socket.on('close', () => done());
		const payload = Buffer.from(body);
		socket.write(
			`POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n` +
				`Content-Length: ${payload.length}\r\nAuthorization: ${authorization}\r\nConnection: close\r\n\r\n`,
		);
		socket.end(payload);
	});
}

const report = (contractId: string) =>
	JSON.stringify({
		Servicio: 'CONTRATACION',
		ContratoID: contractId,
		ReportID: '1',
		Resultado: '11',
		FechaEnvio: '2025-03-01 10:00',
	});

/** What a refusal must never echo: the password (or its parts), the right token, the password in base64. */
const leaks = (text: string) =>
	[AUTH.password, 'Hook-Passw0rd', RIGHT, b64(AUTH.password)].filter((secret) =>
		text.includes(secret),
	);

/** The refused cases: name, Authorization header(s), other headers. */
const REFUSED: Array<{ name: string; authorization: AuthHeader; extra?: Record<string, string> }> =
	[
		{ name: 'no Authorization header', authorization: undefined },
		{
			name: 'wrong password',
			authorization: `Basic ${b64(`${AUTH.user}:Añil:Hook-Passw0rd-wrong`)}`,
		},
		{
			name: 'password without its part after the colon',
			authorization: `Basic ${b64(`${AUTH.user}:Añil`)}`,
		},
		{ name: 'wrong user', authorization: `Basic ${b64(`someone-else:${AUTH.password}`)}` },
		{
			name: 'user in another case (users are case-sensitive)',
			authorization: `Basic ${b64(`LOFIRMO-HOOK:${AUTH.password}`)}`,
		},
		{ name: 'empty user and password', authorization: `Basic ${b64(':')}` },
		{ name: 'user only', authorization: `Basic ${b64(`${AUTH.user}:`)}` },
		{
			name: 'the right password as the user',
			authorization: `Basic ${b64(`${AUTH.password}:${AUTH.user}`)}`,
		},
		{
			name: 'credentials encoded as Latin-1 instead of UTF-8',
			authorization: `Basic ${b64(`${AUTH.user}:${AUTH.password}`, 'latin1')}`,
		},
		{ name: '"Basic" with no value', authorization: 'Basic' },
		{ name: '"Basic" and a space, no value', authorization: 'Basic ' },
		{ name: 'not base64', authorization: 'Basic !!not*base64??' },
		{
			name: 'base64 of text without a colon',
			authorization: `Basic ${b64(`${AUTH.user}${AUTH.password}`)}`,
		},
		{ name: 'the right token, then another word', authorization: `Basic ${RIGHT} extra` },
		{ name: 'the right token, no scheme', authorization: RIGHT },
		{ name: 'scheme glued to the token', authorization: `Basic${RIGHT}` },
		{ name: 'another scheme spelled like Basic', authorization: `BasicAuth ${RIGHT}` },
		{ name: 'Bearer with the right token', authorization: `Bearer ${RIGHT}` },
		{ name: 'Bearer with the password', authorization: `Bearer ${AUTH.password}` },
		{
			name: 'Digest',
			authorization: `Digest username="${AUTH.user}", realm="Lofirmo Trigger", nonce="abc", uri="/", response="0123456789abcdef0123456789abcdef"`,
		},
		// Node keeps the first of duplicate Authorization headers (and discards the rest)
		{
			name: 'two Authorization headers, the wrong one first',
			authorization: [`Basic ${b64(`${AUTH.user}:nope`)}`, `Basic ${RIGHT}`],
		},
		{
			name: 'the right credentials in Proxy-Authorization only',
			authorization: undefined,
			extra: { 'Proxy-Authorization': `Basic ${RIGHT}` },
		},
		{
			name: "a long header (12 KB, under Node's limit)",
			authorization: `Basic ${'QUJD'.repeat(3 * 1024)}`,
		},
		{
			name: "a very long header (64 KB, over Node's 16 KB limit)",
			authorization: `Basic ${'QUJD'.repeat(16 * 1024)}`,
		},
		{
			name: 'a long run of spaces before an invalid token',
			authorization: `Basic${' '.repeat(8 * 1024)}!`,
		},
	];

/** The accepted forms of the right credentials: each must start exactly one execution. */
const ACCEPTED: Array<{ name: string; authorization: string }> = [
	{ name: 'canonical', authorization: `Basic ${RIGHT}` },
	{ name: 'scheme in lower case', authorization: `basic ${RIGHT}` },
	{ name: 'scheme in upper case', authorization: `BASIC ${RIGHT}` },
	{ name: 'several spaces before the token', authorization: `Basic    ${RIGHT}` },
];

/**
 * The barrier that replaces "wait a while and see nothing": one more report with the right credentials, sent after
 * every earlier call was answered, must start its own execution. n8n starts a webhook's execution on the same
 * request before it moves on, so once this one is recorded and settled, anything the earlier calls could have
 * started is recorded too. Returns the executions of `workflowId` that are not in `before` and not the sentinel.
 */
async function afterSentinel(
	n8n: N8nHandle,
	workflowId: string,
	before: Set<string>,
): Promise<PublicExecution[]> {
	const sentinel = `sentinel-${Date.now()}-${Math.random().toString(36).slice(2)}`;
	const guardedBefore = workflowId === GUARDED.id ? before : await executionIds(n8n, GUARDED.id);
	const answer = await rawPost(
		`${n8n.baseUrl}/webhook/${GUARDED.webhookId}/lofirmo`,
		`Basic ${RIGHT}`,
		report(sentinel),
	);
	expect(answer.status).toBe(200);
	const isSentinel = (e: PublicExecution) =>
		nodeOutput(e, TRIGGER)[0]?.json.contractId === sentinel;
	const deadline = Date.now() + WAIT_MS;
	for (;;) {
		const fresh = (await listExecutions(n8n, GUARDED.id, { includeData: true })).filter(
			(e) => !guardedBefore.has(e.id),
		);
		if (fresh.some(isSentinel) && fresh.every((e) => e.status !== 'new' && e.status !== 'running'))
			break;
		if (Date.now() > deadline)
			throw new Error(`the sentinel report's execution was not recorded within ${WAIT_MS} ms`);
		await new Promise((r) => setTimeout(r, 250));
	}
	const all = await listExecutions(n8n, workflowId, { includeData: true });
	return all.filter((e) => !before.has(e.id) && !isSentinel(e));
}

describeRow(2, 'Lofirmo Trigger Basic auth in real n8n 2.x', () => {
	let n8n: N8nHandle | undefined;
	/**
	 * Counted as each test passes; written to test-output/reliability/auth.json when the suite ends, and only when all
	 * three passed (a run narrowed with -t, or cut short, would leave partial figures for the README).
	 */
	const figures: Record<string, unknown> = { n8n: '' };
	const passed = new Set<string>();
	const url = (webhookId: string) => `${n8n!.baseUrl}/webhook/${webhookId}/lofirmo`;

	beforeAll(async () => {
		n8n = await startN8n({ version: 2, port: PORT, dataDir: DATA_DIR, fresh: true });
		figures.n8n = n8n.install.n8nVersion;
		await setupOwner(n8n);
		await createApiKey(n8n);
		await importCredentials(n8n, [
			{ ...CREDS.good, type: 'lofirmoWebhookApi', data: { ...AUTH } },
			{ ...CREDS.empty, type: 'lofirmoWebhookApi', data: { user: AUTH.user, password: '' } },
		]);
		await importWorkflows(n8n, [
			triggerWorkflow(GUARDED.id, GUARDED.webhookId, CREDS.good),
			triggerWorkflow(MISCONFIGURED.id, MISCONFIGURED.webhookId, CREDS.empty),
		]);
		await activateWorkflow(n8n, GUARDED.id, url(GUARDED.webhookId));
		await activateWorkflow(n8n, MISCONFIGURED.id, url(MISCONFIGURED.webhookId));
	}, 240_000);

	afterAll(async () => {
		await n8n?.stop();
		if (passed.size === 3) recordFigures('auth', figures);
		else
			console.log(
				`[reliability] auth: figures not written, ${passed.size} of 3 tests passed in this run`,
			);
	});

	it(`${REFUSED.length} wrong, missing, malformed or oversized headers: 401 (431 past Node's header limit), nothing leaked, zero executions`, async () => {
		const before = await executionIds(n8n!, GUARDED.id);
		const answers: string[] = [];
		for (const [index, refused] of REFUSED.entries()) {
			const oversized = refused.name.includes('64 KB');
			const answer = oversized
				? await socketPost(
						url(GUARDED.webhookId),
						String(refused.authorization),
						report(`refused-${index}`),
					)
				: await rawPost(
						url(GUARDED.webhookId),
						refused.authorization,
						report(`refused-${index}`),
						refused.extra,
					);
			answers.push(`${refused.name}: ${answer.status ?? answer.error}`);
			if (oversized) {
				// Node's parser refuses it before n8n's routing: it answers 431 and closes, and when the rest of the
				// request is still arriving the kernel resets the connection, which can discard that answer before the
				// client reads it (seen once in a full e2e run). Either way nothing reached the trigger.
				expect({ case: refused.name, answer: answer.status === 431 ? 431 : answer.error }).toEqual({
					case: refused.name,
					answer: answer.status === 431 ? 431 : expect.stringMatching(/ECONNRESET|EPIPE/),
				});
				expect(leaks(JSON.stringify(answer))).toEqual([]);
				continue;
			}
			expect({ case: refused.name, status: answer.status }).toEqual({
				case: refused.name,
				status: 401,
			});
			// n8n passes our answer through untouched: a fixed text and the challenge, nothing about what was sent
			expect(answer.body).toBe('Authorization is required');
			expect(answer.headers['www-authenticate']).toBe(
				'Basic realm="Lofirmo Trigger", charset="UTF-8"',
			);
			expect(answer.headers['content-type']).toMatch(/^text\/plain/);
			const whole = JSON.stringify(answer);
			expect(leaks(whole)).toEqual([]);
			if (typeof refused.authorization === 'string' && refused.authorization.length > 12) {
				expect(whole).not.toContain(refused.authorization.slice(-12));
			}
		}
		console.log(`refused:\n  ${answers.join('\n  ')}`);
		// none of them became an execution
		const executions = await afterSentinel(n8n!, GUARDED.id, before);
		expect(executions).toEqual([]);
		figures.refusedCases = answers.length;
		figures.refusedAnswers = answers.reduce<Record<string, number>>((count, line) => {
			const status = line.slice(line.lastIndexOf(': ') + 2);
			count[status] = (count[status] ?? 0) + 1;
			return count;
		}, {});
		figures.executionsFromRefused = executions.length;
		passed.add('refused');
	});

	it(`${ACCEPTED.length} accepted forms of the right credentials: 200 and exactly one execution each, with its own report`, async () => {
		const before = await executionIds(n8n!, GUARDED.id);
		for (const [index, accepted] of ACCEPTED.entries()) {
			const answer = await rawPost(
				url(GUARDED.webhookId),
				accepted.authorization,
				report(`accepted-${index}`),
			);
			expect({ case: accepted.name, status: answer.status, body: answer.body }).toEqual({
				case: accepted.name,
				status: 200,
				body: JSON.stringify({ received: true }),
			});
		}
		await newExecutions(n8n!, GUARDED.id, before, ACCEPTED.length);
		const executions = await afterSentinel(n8n!, GUARDED.id, before);
		expect(executions).toHaveLength(ACCEPTED.length);
		const ids = executions.map((e) => {
			expect(e.status).toBe('success');
			const items = nodeOutput(e, TRIGGER);
			expect(items).toHaveLength(1);
			return items[0].json.contractId;
		});
		expect(ids.sort()).toEqual(ACCEPTED.map((_, index) => `accepted-${index}`).sort());
		figures.acceptedCases = ids.length;
		figures.executionsFromAccepted = executions.length;
		passed.add('accepted');
	});

	it('a trigger whose credential has no password answers 500 to every call, the right one included, and starts nothing', async () => {
		const before = await executionIds(n8n!, MISCONFIGURED.id);
		const statuses: Array<number | null> = [];
		for (const authorization of [undefined, `Basic ${b64(`${AUTH.user}:`)}`, `Basic ${RIGHT}`]) {
			const answer = await rawPost(
				url(MISCONFIGURED.webhookId),
				authorization,
				report('misconfigured'),
			);
			statuses.push(answer.status);
			expect(answer.status).toBe(500);
			expect(answer.body).toBe('The Lofirmo Trigger has no user and password set for Basic Auth');
		}
		const executions = await afterSentinel(n8n!, MISCONFIGURED.id, before);
		expect(executions).toEqual([]);
		figures.misconfiguredAnswered500 = statuses.filter((status) => status === 500).length;
		figures.executionsFromMisconfigured = executions.length;
		passed.add('misconfigured');
	});
});
