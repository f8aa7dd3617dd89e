/**
 * A report whose reference carries a Send and Wait for Signature resume code: the trigger calls that execution's
 * resume URL on its own n8n, beside emitting the report as always; a code that cannot be used calls nothing.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { LofirmoTrigger } from '../../nodes/Lofirmo/LofirmoTrigger.node';
import { makeResumeReference } from '../../nodes/Lofirmo/shared/resumeCode';
import { CONTRACT_REPORT } from './fixtures';
import { callWebhook, type WebhookResult } from './harness';

const TOKEN = 'cd'.repeat(32);
const CODED = makeResumeReference('Deal 4711', '88', TOKEN, 1);
/** `$execution.resumeUrl` in a webhook call: no execution yet, so n8n puts a placeholder id */
const OWN_RESUME_URL = 'http://n8n.test/webhook-waiting/__UNKNOWN__';

interface Answer {
	statusCode: number;
	body: unknown;
}

async function report(
	fields: IDataObject,
	answers: Answer[],
	parameters: IDataObject = {},
): Promise<{ result: WebhookResult; calls: IHttpRequestOptions[] }> {
	const calls: IHttpRequestOptions[] = [];
	const result = await callWebhook(LofirmoTrigger, {
		typeVersion: 1.1,
		parameters,
		headers: { 'content-type': 'application/json' },
		body: { ...CONTRACT_REPORT, ...fields },
		evaluate: () => OWN_RESUME_URL,
		httpRequest: async (options) => {
			calls.push(options);
			const answer = answers.shift() ?? { statusCode: 200, body: { resumed: true } };
			return { ...answer, headers: {} };
		},
	});
	return { result, calls };
}

/** The call runs in the background: wait until it has logged what happened (a bound, not a measure). */
async function logged(result: WebhookResult, count = 1): Promise<void> {
	for (let i = 0; i < 2000 && result.logs.length < count; i++)
		await new Promise((r) => setTimeout(r, 5));
}

it("calls the execution's resume URL on its own n8n with the report, and emits the report as always", async () => {
	const { result, calls } = await report({ Referencia: CODED, Resultado: '1014' }, []);
	await logged(result);
	expect(calls).toEqual([
		expect.objectContaining({
			method: 'POST',
			url: `http://n8n.test/webhook-waiting/88/lofirmo-signature?signature=${TOKEN}`,
			body: {
				contractId: CONTRACT_REPORT.ContratoID,
				reportId: CONTRACT_REPORT.ReportID,
				status: '1014',
				itemIndex: 1,
			},
		}),
	]);
	expect(result.items).toHaveLength(1);
	expect(result.items[0].json).toMatchObject({
		reference: CODED,
		status: '1014',
		waitingExecution: { executionId: '88', itemIndex: 1 },
	});
	expect(result.logs).toEqual([expect.objectContaining({ level: 'info' })]);
});

it('uses the Resume URL Base when set, and wakes the execution even for a report this workflow filters out', async () => {
	const { result, calls } = await report({ Referencia: CODED, Resultado: '1014' }, [], {
		resumeUrlBase: 'http://127.0.0.1:5678/webhook-waiting/',
		statusCodes: ['5100'],
	});
	await logged(result);
	expect(calls.map((call) => call.url)).toEqual([
		`http://127.0.0.1:5678/webhook-waiting/88/lofirmo-signature?signature=${TOKEN}`,
	]);
	expect(result.responseData.webhookResponse).toEqual({ received: true, ignored: 'filtered' });
});

it('tries again while n8n says the execution is still running', async () => {
	const running = { statusCode: 409, body: { message: 'The execution "88" is running already.' } };
	const { result, calls } = await report({ Referencia: CODED }, [
		running,
		{ statusCode: 200, body: {} },
	]);
	await logged(result);
	expect(calls).toHaveLength(2);
	expect(result.logs).toEqual([expect.objectContaining({ level: 'info' })]);
});

it('gives up after about five minutes of 503s (the waiting node could not check), and says so', async () => {
	jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
	try {
		const busy = { statusCode: 503, body: { resumed: false, error: 'Lofirmo answered HTTP 502' } };
		const { result, calls } = await report(
			{ Referencia: CODED },
			Array.from({ length: 20 }, () => busy),
		);
		for (let i = 0; i < 20 && result.logs.length === 0; i++)
			await jest.advanceTimersByTimeAsync(60_000);
		expect(calls).toHaveLength(11);
		expect(result.logs).toEqual([
			expect.objectContaining({
				level: 'warn',
				message: expect.stringMatching(/HTTP 503 after 11 tries/),
			}),
		]);
	} finally {
		jest.useRealTimers();
	}
});

it('logs what n8n refused (a wrong token, a finished execution) and still emits the report', async () => {
	const { result } = await report({ Referencia: CODED }, [
		{ statusCode: 401, body: { error: 'Invalid token' } },
	]);
	await logged(result);
	expect(result.items).toHaveLength(1);
	expect(result.logs).toEqual([
		expect.objectContaining({ level: 'warn', message: expect.stringMatching(/HTTP 401/) }),
	]);
});

it('calls nothing for a reference without a code, and logs a damaged code without calling', async () => {
	const plain = await report({ Referencia: 'Deal 4711' }, []);
	expect(plain.calls).toHaveLength(0);
	expect(plain.result.items[0].json.waitingExecution).toBeUndefined();
	expect(plain.result.logs).toEqual([]);

	const damaged = await report(
		{ Referencia: CODED.slice(0, -1) + (CODED.endsWith('0') ? '1' : '0') },
		[],
	);
	expect(damaged.calls).toHaveLength(0);
	expect(damaged.result.items).toHaveLength(1);
	expect(damaged.result.logs).toEqual([
		expect.objectContaining({ level: 'warn', message: expect.stringMatching(/cannot be used/) }),
	]);
});
