/**
 * Secrets (issue 8, suite 5, unit level): a recognisable API token, and a recognisable webhook password, never show
 * anywhere n8n would keep or display them. Every operation of the Lofirmo node runs against the sandbox with the
 * token through success, API errors (negative `Res`, HTTP 401), network failures (connection refused, reset,
 * timeout) and bad PDFs, with and without Continue On Fail; then the token, its Basic auth form and its base64 are
 * searched for in the output JSON (binary metadata included), the error (message, description, its JSON and its
 * full inspection, cause and context included), everything logged through the node's logger, and the request
 * options the node handed n8n (the token is added by n8n's authentication, never by the node).
 * The trigger gets the same treatment with the right, a wrong, and no Basic auth (the password must not appear in
 * its answer, output or logs), and with its certificate download failing every way (the API token must not appear
 * in `downloadError`).
 */
import { createServer } from 'net';
import { inspect } from 'util';
import type { IDataObject } from 'n8n-workflow';

import type { FaultOptions } from '../../sandbox/faults';
import { realHttp, type HttpHandler, type TestCredentials } from '../helpers/n8n-context';
import { CONTRACT_REPORT, deliveries, IDENTITY_REPORT } from '../trigger/fixtures';
import { countFigures } from '../helpers/figures';
import {
	ALWAYS,
	basicAuthHeader,
	callTrigger,
	cappedHttp,
	OPERATION_NAMES,
	opParameters,
	PDF_OPERATIONS,
	runNode,
	world,
	type NodeRun,
	type Operation,
	type TriggerResult,
	type World,
} from './support';

const API_USER = 'canary-user';
const API_TOKEN = 'TOKEN-LEAK-CANARY-7f3e9c';
const WEBHOOK_USER = 'lofirmo';
const WEBHOOK_PASSWORD = 'WEBHOOK-PASSWORD-CANARY-2b8d41';
const WRONG_PASSWORD = 'WRONG-PASSWORD-CANARY-91ac0e';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
/** Every form a secret could leak in: as is, in its Basic auth header, and base64 alone (also URL-safe). */
const forms = (user: string, secret: string) => [
	secret,
	b64(`${user}:${secret}`),
	b64(`${user}:${secret}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
	b64(secret).replace(/=+$/, ''),
	encodeURIComponent(secret),
];
const TOKEN_FORMS = forms(API_USER, API_TOKEN);
const PASSWORD_FORMS = [
	...forms(WEBHOOK_USER, WEBHOOK_PASSWORD),
	...forms(WEBHOOK_USER, WRONG_PASSWORD),
];

/** Everything about a value a user, a log or n8n's execution data could show. */
function exposed(value: unknown): string {
	let json = '';
	try {
		json = JSON.stringify(value) ?? '';
	} catch {
		json = '(not serialisable)';
	}
	return [
		json,
		inspect(value, { depth: 12, showHidden: true, maxStringLength: null, maxArrayLength: null }),
	].join('\n');
}

function errorParts(error: unknown): unknown[] {
	if (!(error instanceof Error)) return [error];
	const { message, stack } = error;
	const { description, context, cause } = error as Error & {
		description?: unknown;
		context?: unknown;
		cause?: unknown;
	};
	return [message, description, stack, cause, context, error];
}

function expectNoSecret(where: string, texts: string[], secrets: string[]) {
	for (const text of texts) {
		for (const secret of secrets) {
			if (text.includes(secret))
				throw new Error(
					`${where} holds the secret "${secret}": …${text.slice(Math.max(0, text.indexOf(secret) - 80), text.indexOf(secret) + 80)}…`,
				);
		}
	}
}

/** The node's output, error, logs and request options hold no form of the token. */
function expectRunClean(run: NodeRun) {
	expectNoSecret('the output', [exposed(run.output)], TOKEN_FORMS);
	expectNoSecret('the error', errorParts(run.error).map(exposed), TOKEN_FORMS);
	expectNoSecret('the logs', [exposed(run.logs)], TOKEN_FORMS);
	expectNoSecret('the request options', [exposed(run.calls)], TOKEN_FORMS);
}

interface Path {
	fault?: Omit<FaultOptions, 'fn'>;
	/** Only these operations (default: all). */
	ops?: Operation[];
	http?: HttpHandler;
	/** Point the credential at a port where nothing listens. */
	refused?: boolean;
	/** What the run must end in, so the path really was taken. */
	expect: 'output' | RegExp;
}

const PATHS: Record<string, Path> = {
	success: { expect: 'output' },
	'negative Res': { fault: { type: 'negative', res: '-9', times: ALWAYS }, expect: /Res -9/ },
	'HTTP 401': {
		fault: { type: 'unauthorized', times: ALWAYS },
		expect: /refused the API User or API Token/,
	},
	'HTTP 500': { fault: { type: 'status', status: 500, times: ALWAYS }, expect: /HTTP 500/ },
	'connection refused': { refused: true, expect: /Could not reach Lofirmo/ },
	'connection reset': {
		fault: { type: 'drop', times: ALWAYS },
		expect: /Could not reach Lofirmo|may have received this request, but no answer came back/,
	},
	timeout: {
		fault: { type: 'delay', ms: 4000, times: ALWAYS },
		http: cappedHttp(1000),
		expect: /Could not reach Lofirmo|may have received this request, but no answer came back/,
	},
	'JSON error instead of a PDF': {
		fault: { type: 'notpdf', times: ALWAYS },
		ops: PDF_OPERATIONS,
		expect: /Res -6/,
	},
	'incomplete PDF': {
		fault: { type: 'truncate-complete', times: ALWAYS },
		ops: PDF_OPERATIONS,
		expect: /incomplete/,
	},
};

/** A TCP port nothing listens on (taken, then freed). */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

type Runs = Record<string, Partial<Record<Operation, { plain: NodeRun; continued: NodeRun }>>>;
const runs: Runs = {};
const worlds: World[] = [];
/** Each path's operations run twice: plain, and with Continue On Fail. */
const figures = countFigures(
	'secrets',
	{
		nodeRunsChecked: Object.values(PATHS).reduce(
			(sum, path) => sum + 2 * (path.ops ?? OPERATION_NAMES).length,
			0,
		),
	},
	(counts) => ({ ...counts, paths: Object.keys(PATHS).length }),
);

beforeAll(async () => {
	await Promise.all(
		Object.entries(PATHS).map(async ([name, path]) => {
			const w = await world({ user: API_USER, token: API_TOKEN });
			worlds.push(w);
			const ops = path.ops ?? OPERATION_NAMES;
			// each run meets the fault on every attempt: twice the uses, for the plain and the Continue On Fail run
			if (path.fault)
				w.sb.addFault(
					ops.flatMap((fn) => [
						{ ...path.fault!, fn },
						{ ...path.fault!, fn },
					]),
				);
			const credentials: TestCredentials = path.refused
				? { ...w.credentials, baseUrl: `http://127.0.0.1:${await closedPort()}` }
				: w.credentials;
			runs[name] = {};
			await Promise.all(
				ops.map(async (op) => {
					const parameters = opParameters(op, w.parameters[op]);
					const [plain, continued] = await Promise.all([
						runNode(parameters, { credentials, http: path.http }),
						runNode(parameters, { credentials, http: path.http, continueOnFail: true }),
					]);
					runs[name][op] = { plain, continued };
				}),
			);
		}),
	);
}, 60_000);

afterAll(async () => {
	await Promise.all(worlds.map((w) => w.sb.stop()));
});

it('the search finds the token where it is: in the error of the HTTP request n8n makes for the node', async () => {
	// proof that the checks below can fail: the request's own error holds the credential (axios keeps its config)
	const credentials = {
		apiUser: API_USER,
		apiToken: API_TOKEN,
		baseUrl: `http://127.0.0.1:${await closedPort()}`,
	};
	const error = await realHttp(
		{ method: 'POST', baseURL: credentials.baseUrl, url: '/GetCreditos', body: {} },
		credentials,
	).catch((e: unknown) => e);
	expect(() =>
		expectNoSecret('the raw request error', errorParts(error).map(exposed), TOKEN_FORMS),
	).toThrow(/holds the secret/);
});

describe.each(Object.entries(PATHS))('the Lofirmo node, %s', (name, path) => {
	it.each(path.ops ?? OPERATION_NAMES)(
		'%s: no form of the API token in output, error, logs or request options',
		(op) => {
			const found = runs[name][op];
			if (!found) throw new Error(`no run for ${name} / ${op}`);
			const { plain, continued } = found;
			if (path.expect === 'output') {
				expect(plain.error).toBeUndefined();
				expect(plain.output?.[0]).toHaveLength(1);
				if (PDF_OPERATIONS.includes(op)) expect(plain.output?.[0][0].binary?.data).toBeDefined();
			} else {
				expect((plain.error as Error)?.message).toMatch(path.expect);
				expect(continued.output?.[0][0].json.error).toMatch(path.expect);
			}
			expectRunClean(plain);
			expectRunClean(continued);
			figures.nodeRunsChecked += 2;
		},
	);
});

describe('the Lofirmo Trigger', () => {
	const webhookCredentials = {
		lofirmoWebhookApi: { user: WEBHOOK_USER, password: WEBHOOK_PASSWORD },
	};

	function expectTriggerClean(result: TriggerResult, secrets: string[]) {
		expectNoSecret(
			'the trigger answer',
			[exposed(result.responseData), exposed(result.response)],
			secrets,
		);
		expectNoSecret('the trigger output', [exposed(result.items)], secrets);
		expectNoSecret('the trigger logs', [exposed(result.logs)], secrets);
		expectNoSecret('the trigger request options', [exposed(result.httpCalls)], secrets);
	}

	it.each([
		['the right user and password', basicAuthHeader(WEBHOOK_USER, WEBHOOK_PASSWORD), 'emitted'],
		['a wrong password', basicAuthHeader(WEBHOOK_USER, WRONG_PASSWORD), 401],
		['the password as the user', basicAuthHeader(WEBHOOK_PASSWORD, WEBHOOK_PASSWORD), 401],
		['no Authorization header', undefined, 401],
		['the password alone, unencoded', `Basic ${WEBHOOK_PASSWORD}`, 401],
		['the password as a Bearer token', `Bearer ${WEBHOOK_PASSWORD}`, 401],
		[
			'a right header with a trailing colon',
			basicAuthHeader(WEBHOOK_USER, `${WEBHOOK_PASSWORD}:`),
			401,
		],
	])(
		'with %s: the webhook password is in no answer, output or log',
		async (_title, authorization, outcome) => {
			for (const [kind, deliver] of Object.entries(deliveries)) {
				for (const report of [CONTRACT_REPORT, IDENTITY_REPORT]) {
					const delivery = deliver(report);
					const result = await callTrigger({
						...delivery,
						headers: {
							...delivery.headers,
							...(authorization === undefined ? {} : { authorization }),
						},
						parameters: { authentication: 'basicAuth' },
						credentials: webhookCredentials,
					});
					if (outcome === 'emitted') expect([kind, result.items.length]).toEqual([kind, 1]);
					else expect([kind, result.response.statusCode, result.items]).toEqual([kind, 401, []]);
					expectTriggerClean(result, PASSWORD_FORMS);
				}
			}
		},
	);

	it('with a report whose fields carry the Authorization header and the password, only what was sent comes out', async () => {
		// what Lofirmo sends is the user's own data and is kept; the credential itself is never added to it
		const result = await callTrigger({
			...deliveries.json(CONTRACT_REPORT),
			headers: {
				'content-type': 'application/json',
				authorization: basicAuthHeader(WEBHOOK_USER, WEBHOOK_PASSWORD),
			},
			parameters: { authentication: 'basicAuth' },
			credentials: webhookCredentials,
		});
		expect(result.items).toHaveLength(1);
		expect(Object.keys(result.items[0].json)).not.toContain('headers');
		expectTriggerClean(result, PASSWORD_FORMS);
	});

	describe('downloading the certified PDF with the API token', () => {
		const certified = (w: World) => ({
			...CONTRACT_REPORT,
			Resultado: '1014',
			ContratoID: String(w.parameters.downloadContractPdf.contractId),
			ReportID: String(w.parameters.downloadContractPdf.reportId),
		});
		const downloads: Record<
			string,
			{ fault?: Omit<FaultOptions, 'fn'>; refused?: boolean; downloadError: RegExp | null }
		> = {
			success: { downloadError: null },
			'negative Res': { fault: { type: 'negative', res: '-9' }, downloadError: /Res -9/ },
			'HTTP 401': {
				fault: { type: 'unauthorized' },
				downloadError: /refused the API User or API Token/,
			},
			'JSON error instead of a PDF': { fault: { type: 'notpdf' }, downloadError: /Res -6/ },
			'incomplete PDF': { fault: { type: 'truncate-complete' }, downloadError: /incomplete/ },
			'connection refused': { refused: true, downloadError: /Could not reach Lofirmo/ },
		};

		it.each(Object.entries(downloads))(
			'%s: the token is in no downloadError, output, answer or log',
			async (_name, download) => {
				const w = await world({ user: API_USER, token: API_TOKEN });
				try {
					if (download.fault) w.sb.addFault({ ...download.fault, fn: 'downloadContractPdf' });
					const lofirmoApi = download.refused
						? { ...w.credentials, baseUrl: `http://127.0.0.1:${await closedPort()}` }
						: w.credentials;
					const delivery = deliveries.json(certified(w));
					const result = await callTrigger({
						...delivery,
						headers: {
							...delivery.headers,
							authorization: basicAuthHeader(WEBHOOK_USER, WEBHOOK_PASSWORD),
						},
						parameters: { authentication: 'basicAuth', downloadPdf: true },
						credentials: { ...webhookCredentials, lofirmoApi },
					});
					expect(result.items).toHaveLength(1);
					const json = result.items[0].json as IDataObject;
					if (download.downloadError === null) {
						expect(json.downloadError).toBeNull();
						expect(result.items[0].binary?.data).toBeDefined();
					} else {
						expect(json.downloadError).toMatch(download.downloadError);
						expect(result.items[0].binary).toBeUndefined();
					}
					expectTriggerClean(result, [...TOKEN_FORMS, ...PASSWORD_FORMS]);
				} finally {
					await w.sb.stop();
				}
			},
		);
	});
});
