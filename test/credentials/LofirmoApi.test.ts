/**
 * The credential's "test connection": its request (with n8n's expressions resolved against the credential values)
 * is sent over real HTTP to the sandbox with the Basic auth its `authenticate` declares.
 */
import axios from 'axios';
import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	IDataObject,
} from 'n8n-workflow';
import { Expression } from 'n8n-workflow';

import { LofirmoApi } from '../../credentials/LofirmoApi.credentials';
import { LOFIRMO_FUNCTIONS } from '../../nodes/Lofirmo/actions/operations';
import { resolvePath } from '../../nodes/Lofirmo/transport';
import { startSandbox, TOKEN, USER, type Sandbox } from '../helpers/sandbox';

const credential = new LofirmoApi();

/** What n8n does with every request of a node using the credential: hands it to `authenticate`. */
async function authenticate(credentials: IDataObject) {
	const authenticated = await (
		credential.authenticate as Exclude<LofirmoApi['authenticate'], IAuthenticateGeneric>
	)(credentials as ICredentialDataDecryptedObject, { url: '/' });
	return authenticated as { auth: { username: string; password: string } };
}
let sb: Sandbox;

beforeAll(async () => {
	sb = await startSandbox();
});
afterAll(async () => sb.stop());
beforeEach(() => sb.reset());

/**
 * Resolves `={{ … }}` with n8n-workflow's own evaluator and its global context, as n8n does for a credential test: its
 * parser refuses some JavaScript that Node runs (`catch {}` without a binding) and its sandbox some access (computed
 * keys), so plain JavaScript would pass expressions that fail in the editor.
 */
function resolve(value: unknown, credentials: IDataObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const data = { $credentials: credentials };
	Expression.initializeGlobalContext(data);
	return Expression.resolveWithoutWorkflow(value.slice(1), data);
}

async function runCredentialTest(values: IDataObject) {
	const credentials = { ...defaults(), ...values };
	const { request } = credential.test;
	const { auth } = await authenticate(credentials);
	return axios.request({
		method: request.method,
		baseURL: resolve(request.baseURL, credentials) as string,
		url: resolve(request.url, credentials) as string,
		data: request.body,
		auth,
		validateStatus: () => true,
	});
}

function defaults(): IDataObject {
	return Object.fromEntries(credential.properties.map((p) => [p.name, p.default])) as IDataObject;
}

it('passes with good credentials, calling the credits function', async () => {
	const response = await runCredentialTest({
		apiUser: USER,
		apiToken: TOKEN,
		baseUrl: `${sb.url}/`,
	});
	expect(response.status).toBe(200);
	expect(response.data[0].Res).toBe('10');
	expect(sb.requests.map((r) => r.fn)).toEqual(['credits']);
});

it('fails with a wrong token', async () => {
	const response = await runCredentialTest({ apiUser: USER, apiToken: 'nope', baseUrl: sb.url });
	expect(response.status).toBe(401);
});

it('follows a credits path override', async () => {
	const response = await runCredentialTest({
		apiUser: USER,
		apiToken: TOKEN,
		baseUrl: sb.url,
		pathOverrides: '{"credits":"/v9/GetCreditos"}',
	});
	expect(response.status).toBe(200);
	expect(sb.requests[0].path).toBe('/v9/GetCreditos');
});

it.each([
	undefined,
	'',
	'{}',
	'not json',
	'{"credits":"Creditos"}',
	'{"credits":"  "}',
	'{"credits":42}',
	{ credits: '/x/GetCreditos' },
])('calls the credits path the nodes call, for Path Overrides %p', (pathOverrides) => {
	const url = resolve(credential.test.request.url, { ...defaults(), pathOverrides });
	expect(url).toBe(resolvePath(LOFIRMO_FUNCTIONS.credits, pathOverrides));
});

it('keeps the token in a password field and sends it only through authenticate', () => {
	const token = credential.properties.find((p) => p.name === 'apiToken');
	expect(token?.typeOptions?.password).toBe(true);
	expect(JSON.stringify(credential.test)).not.toContain('apiToken');
});
