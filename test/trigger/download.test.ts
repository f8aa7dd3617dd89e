/**
 * "Download Certified PDF": on a certified report (contract 1014, identity 5100) the trigger downloads the
 * certificate with the Lofirmo API credential, over real HTTP from the sandbox, and attaches it to the item.
 * Any failure still emits the report, with `downloadError`.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { LofirmoTrigger } from '../../nodes/Lofirmo/LofirmoTrigger.node';
import { LOFIRMO_FUNCTIONS } from '../../nodes/Lofirmo/actions/operations';
import { getField } from '../../nodes/Lofirmo/shared/fields';
import { lofirmoApiRequest } from '../../nodes/Lofirmo/transport';
import { binaryBuffer, createExecuteContext, type TestCredentials } from '../helpers/n8n-context';
import { isPdf } from '../helpers/pdf';
import { startSandbox, TOKEN, USER, type Sandbox } from '../helpers/sandbox';
import { CONTRACT_REPORT, deliveries, IDENTITY_REPORT, without } from './fixtures';
import { callWebhook, type WebhookCall } from './harness';

const DOWNLOAD = { downloadPdf: true };

function certifiedContract(contractId: string, reportId: string) {
	return { ...CONTRACT_REPORT, ContratoID: contractId, ReportID: reportId, Resultado: '1014' };
}

function certifiedIdentity(id: string) {
	return { ...IDENTITY_REPORT, ID: id, Estado: '5100' };
}

async function emitted(fields: object, call: WebhookCall) {
	const result = await callWebhook(LofirmoTrigger, { ...deliveries.json(fields), ...call });
	expect(result.items).toHaveLength(1);
	return { item: result.items[0], httpCalls: result.httpCalls };
}

describe('with the sandbox, over real HTTP', () => {
	let sb: Sandbox;
	const credentials = (): TestCredentials => ({ apiUser: USER, apiToken: TOKEN, baseUrl: sb.url });
	beforeAll(async () => (sb = await startSandbox()));
	afterAll(async () => sb.stop());

	async function api(fn: 'sendContract' | 'sendIdentity', body: IDataObject): Promise<IDataObject> {
		return await lofirmoApiRequest.call(
			createExecuteContext({ parameters: {}, credentials: credentials() }).ctx,
			LOFIRMO_FUNCTIONS[fn],
			body,
		);
	}

	async function signedContract(): Promise<{ contractId: string; reportId: string }> {
		const sent = await api('sendContract', {
			Firmantes: [{ Nombre: 'Ana Test', Email: 'ana@example.com' }],
		});
		const contractId = String(getField(sent, 'ContratoId'));
		await sb.certifyContract(contractId);
		return { contractId, reportId: String(getField(sent, 'ReportId')) };
	}

	it('attaches the certified contract PDF to the report', async () => {
		const { contractId, reportId } = await signedContract();
		const { item } = await emitted(certifiedContract(contractId, reportId), {
			parameters: DOWNLOAD,
			credentials: { lofirmoApi: credentials() },
		});
		expect(item.json).toMatchObject({ contractId, status: '1014', downloadError: null });
		expect(item.binary?.data).toMatchObject({
			mimeType: 'application/pdf',
			fileName: `lofirmo-contract-${contractId}.pdf`,
		});
		const pdf = binaryBuffer(item);
		expect(isPdf(pdf)).toBe(true);
		expect(pdf.toString('latin1')).toContain(`ContratoID: ${contractId}`);
	});

	it('attaches the identity verification certificate, under the chosen binary field', async () => {
		const sent = await api('sendIdentity', { Telefono: '34600000001' });
		const id = String(getField(sent, 'ID'));
		await sb.completeIdentity(id);
		const { item } = await emitted(certifiedIdentity(id), {
			parameters: { ...DOWNLOAD, binaryPropertyName: 'certificate' },
			credentials: { lofirmoApi: credentials() },
		});
		expect(item.json).toMatchObject({ verificationId: id, downloadError: null });
		expect(Object.keys(item.binary ?? {})).toEqual(['certificate']);
		expect(isPdf(binaryBuffer(item, 'certificate'))).toBe(true);
	});

	it('emits the report with downloadError when Lofirmo refuses the download', async () => {
		const { item } = await emitted(certifiedContract('NO-SUCH-CONTRACT', '1'), {
			parameters: DOWNLOAD,
			credentials: { lofirmoApi: credentials() },
		});
		expect(item.json).toMatchObject({ contractId: 'NO-SUCH-CONTRACT', status: '1014' });
		expect(item.json.downloadError).toEqual(
			expect.stringContaining('Lofirmo rejected the request'),
		);
		expect(item.binary).toBeUndefined();
	});

	it('emits the report with downloadError when the API credential is wrong', async () => {
		const { contractId, reportId } = await signedContract();
		const { item } = await emitted(certifiedContract(contractId, reportId), {
			parameters: DOWNLOAD,
			credentials: { lofirmoApi: { ...credentials(), apiToken: 'wrong-token' } },
		});
		expect(item.json.downloadError).toEqual(
			expect.stringContaining('refused the API User or API Token'),
		);
		expect(String(item.json.downloadError)).not.toContain('wrong-token');
		expect(item.binary).toBeUndefined();
	});
});

describe('without reaching Lofirmo', () => {
	const noHttp = jest.fn(async () => {
		throw new Error('no request expected');
	});
	beforeEach(() => noHttp.mockClear());

	it('downloads nothing for a status that has no certificate', async () => {
		const { item, httpCalls } = await emitted(CONTRACT_REPORT, {
			parameters: DOWNLOAD,
			http: noHttp,
		});
		expect(httpCalls).toEqual([]);
		expect(item.json).not.toHaveProperty('downloadError');
		expect(item.binary).toBeUndefined();
	});

	it('downloads nothing when the option is off', async () => {
		const { item, httpCalls } = await emitted(certifiedContract('A', '1'), { http: noHttp });
		expect(httpCalls).toEqual([]);
		expect(item.json).not.toHaveProperty('downloadError');
	});

	it('says why when a certified report lacks the ids to download with', async () => {
		const { item, httpCalls } = await emitted(without(certifiedContract('A', '1'), 'ReportID'), {
			parameters: DOWNLOAD,
			http: noHttp,
		});
		expect(httpCalls).toEqual([]);
		expect(item.json.downloadError).toMatch(/no ContratoID or no ReportID/);
	});

	it('says why when the node has no Lofirmo API credential', async () => {
		const { item } = await emitted(certifiedIdentity('7'), { parameters: DOWNLOAD, http: noHttp });
		expect(item.json.downloadError).toMatch(/credentials/);
	});

	it('stops the download and passes the report on without the PDF when the time limit passes', async () => {
		const signals: AbortSignal[] = [];
		// a server that never answers; like n8n's helper, the request ends only when its signal aborts it
		const neverAnswers = (options: IHttpRequestOptions) =>
			new Promise<never>((_resolve, reject) => {
				const signal = options.abortSignal as AbortSignal;
				signals.push(signal);
				signal.addEventListener('abort', () => reject(new Error('canceled')));
			});
		const { item } = await emitted(certifiedIdentity('7'), {
			parameters: { ...DOWNLOAD, downloadTimeLimit: 0.2 },
			credentials: { lofirmoApi: { apiUser: 'u', apiToken: 't', baseUrl: 'http://127.0.0.1:9' } },
			http: neverAnswers,
		});
		expect(item.json.downloadError).toMatch(/did not arrive within 0.2 seconds/);
		expect(item.binary).toBeUndefined();
		expect(signals).toHaveLength(1);
		expect(signals[0].aborted).toBe(true);
	});
});
