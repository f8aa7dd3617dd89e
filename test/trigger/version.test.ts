/**
 * Version 1.1 of the Lofirmo Trigger: the same reports make the same items as version 1, with the body as n8n hands
 * it to a webhook node of version 1.1 (cli webhook-helpers `parseRequestBody`): JSON, form, text and multipart
 * parsed as before, any other content type left unread, for the node to read itself with `req.readRawBody()`.
 */
import { LofirmoTrigger } from '../../nodes/Lofirmo/LofirmoTrigger.node';
import { CONTRACT_REPORT, deliveries, IDENTITY_REPORT } from './fixtures';
import { basicAuthHeader, callWebhook } from './harness';

/** Whether n8n leaves this kind of body unread for a version 1.1 node. */
const UNREAD_BY_N8N: Record<keyof typeof deliveries, boolean> = {
	json: false,
	form: false,
	multipart: false,
	plainText: false,
	untyped: true,
};

it('has versions 1 and 1.1, and new nodes get 1.1', () => {
	const { description } = new LofirmoTrigger();
	expect(description.version).toEqual([1, 1.1]);
	expect(description.defaultVersion).toBe(1.1);
});

describe.each(Object.entries(deliveries))('a report sent as %s', (kind, deliver) => {
	const unread = UNREAD_BY_N8N[kind as keyof typeof deliveries];

	it.each([
		['contract', CONTRACT_REPORT],
		['identity', IDENTITY_REPORT],
	])(
		`makes the same %s item at 1.1 as at 1${unread ? ', reading the body n8n left unread' : ''}`,
		async (_report, fields) => {
			const v1 = await callWebhook(LofirmoTrigger, deliver(fields));
			const v11 = await callWebhook(LofirmoTrigger, {
				...deliver(fields),
				typeVersion: 1.1,
				unread,
			});
			expect(v11.items).toHaveLength(1);
			expect(v11.items).toEqual(v1.items);
			expect(v11.responseData).toEqual(v1.responseData);
			expect(v11.rawBodyReads).toBe(unread ? 1 : 0);
			expect(v1.rawBodyReads).toBe(0);
		},
	);
});

it('reads the body of a call only once its Basic auth passed', async () => {
	const call = (authorization: string) =>
		callWebhook(LofirmoTrigger, {
			...deliveries.untyped(CONTRACT_REPORT),
			headers: { 'content-type': 'application/octet-stream', authorization },
			typeVersion: 1.1,
			unread: true,
			parameters: { authentication: 'basicAuth' },
			credentials: { lofirmoWebhookApi: { user: 'lofirmo', password: 's3cret' } },
		});
	const refused = await call(basicAuthHeader('lofirmo', 'wrong'));
	expect(refused.response.statusCode).toBe(401);
	expect(refused.rawBodyReads).toBe(0);
	const accepted = await call(basicAuthHeader('lofirmo', 's3cret'));
	expect(accepted.items).toHaveLength(1);
	expect(accepted.rawBodyReads).toBe(1);
});

it.each([
	[
		'a client that went away',
		Object.assign(new Error('request aborted'), { type: 'request.aborted' }),
		400,
	],
	[
		"a body over n8n's size limit",
		Object.assign(new Error('request entity too large'), { type: 'entity.too.large' }),
		413,
	],
])('refuses %s with HTTP %s and starts nothing', async (_case, error, code) => {
	const result = await callWebhook(LofirmoTrigger, {
		...deliveries.untyped(CONTRACT_REPORT),
		typeVersion: 1.1,
		unread: true,
		readRawBodyError: error,
	});
	expect(result.responseData).toEqual({ noWebhookResponse: true });
	expect(result.items).toEqual([]);
	expect(result.response.statusCode).toBe(code);
});
