/**
 * The transport over real HTTP against the sandbox: unwrapping, case-insensitive keys, `Res` errors with the raw
 * code, the PDF check, retries only on transient faults (counted on the sandbox side), and no token in any error.
 */
import { Readable } from 'node:stream';
import type { IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import {
	lofirmoApiRequest,
	lofirmoDownloadPdf,
	LofirmoRun,
	parseApiAnswer,
	resolvePath,
	type StoredPdf,
} from '../../nodes/Lofirmo/transport';
import { LOFIRMO_FUNCTIONS } from '../../nodes/Lofirmo/actions/operations';
import { getField } from '../../nodes/Lofirmo/shared/fields';
import { apiFailure as failure } from '../helpers/api-failure';
import { isPdf } from '../helpers/pdf';
import { MAX_TRIES } from '../helpers/retry-promise';
import {
	createExecuteContext,
	realHttp,
	type HttpHandler,
	type TestCredentials,
} from '../helpers/n8n-context';
import { useSandbox, USER } from '../helpers/sandbox';

const env = useSandbox();

function context(overrides: Partial<TestCredentials> = {}) {
	return createExecuteContext({ parameters: {}, credentials: { ...env.credentials, ...overrides } })
		.ctx;
}

async function sendContract(): Promise<{ contractId: string; reportId: string }> {
	const data = await lofirmoApiRequest.call(context(), LOFIRMO_FUNCTIONS.sendContract, {
		Firmantes: [{ Nombre: 'Ana Test', Email: 'ana@example.com' }],
	});
	return {
		contractId: String(getField(data, 'ContratoId')),
		reportId: String(getField(data, 'ReportId')),
	};
}

/** Everything an error could show a user or a log: message, description, and its serialised form. */
function errorText(error: NodeApiError): string {
	return [
		error.message,
		error.description,
		JSON.stringify(error),
		JSON.stringify(error.cause ?? null),
		String(error.stack),
	].join('\n');
}

describe('JSON functions', () => {
	it('POSTs with Resp=JSON and unwraps the one-element array', async () => {
		const data = await lofirmoApiRequest.call(context(), LOFIRMO_FUNCTIONS.credits);
		expect(getField(data, 'res')).toBe('10');
		expect(Number(getField(data, 'cred'))).toBeGreaterThan(0);
		const [request] = env.sb.requests;
		expect(request).toMatchObject({ fn: 'credits', method: 'POST', auth: 'ok' });
		expect(request.params.resp).toBe('JSON');
	});

	it('uses a path from the credential Path Overrides', async () => {
		// the sandbox routes by function name, case-insensitively, under any prefix
		const ctx = context({
			pathOverrides: JSON.stringify({ credits: '/custom/prefix/getcreditos' }),
		});
		await lofirmoApiRequest.call(ctx, LOFIRMO_FUNCTIONS.credits);
		expect(env.sb.requests[0].path).toBe('/custom/prefix/getcreditos');
	});

	it('turns a negative Res into a NodeApiError that shows the raw code, without retrying', async () => {
		const error = await failure(
			lofirmoApiRequest.call(context(), LOFIRMO_FUNCTIONS.sendContract, { Firmantes: [] }),
		);
		const shown = env.sb.requests[0].res;
		expect(Number(shown)).toBeLessThan(0);
		expect(error.message).toContain(`Res ${shown}`);
		expect(env.sb.requests).toHaveLength(1);
	});

	it('treats a missing or zero Res as an error', async () => {
		env.sb.addFault({ fn: 'credits', type: 'negative', res: '0' });
		const error = await failure(lofirmoApiRequest.call(context(), LOFIRMO_FUNCTIONS.credits));
		expect(error.message).toContain('Res 0');
	});

	it('refuses wrong credentials once, with a clear message and no retry', async () => {
		const error = await failure(
			lofirmoApiRequest.call(context({ apiToken: 'wrong-token' }), LOFIRMO_FUNCTIONS.credits),
		);
		expect(error.message).toMatch(/refused the API User or API Token/);
		expect(error.httpCode).toBe('401');
		expect(env.sb.requests).toHaveLength(1);
		expect(env.sb.requests[0].auth).toBe('bad');
	});
});

describe('retries', () => {
	it.each([
		['HTTP 503', { type: 'status', status: 503 }],
		['a dropped connection', { type: 'drop' }],
	])('retries %s and succeeds on a later try', async (_name, fault) => {
		env.sb.addFault({ fn: 'credits', ...fault, times: 2 });
		const data = await lofirmoApiRequest.call(context(), LOFIRMO_FUNCTIONS.credits);
		expect(getField(data, 'Res')).toBe('10');
		expect(env.sb.requests).toHaveLength(3);
	});

	it(`gives up after ${MAX_TRIES} tries of a transient fault and says so`, async () => {
		env.sb.addFault({ fn: 'credits', type: 'status', status: 502, times: 10 });
		const error = await failure(lofirmoApiRequest.call(context(), LOFIRMO_FUNCTIONS.credits));
		expect(error.message).toContain('HTTP 502');
		expect(error.description).toContain(`tried ${MAX_TRIES} times`);
		expect(env.sb.requests).toHaveLength(MAX_TRIES);
	});

	it.each([
		['HTTP 401', { type: 'unauthorized' }],
		['HTTP 400', { type: 'status', status: 400 }],
		['a negative Res', { type: 'negative', res: '-2' }],
	])('never retries %s', async (_name, fault) => {
		env.sb.addFault({ fn: 'credits', ...fault, times: 5 });
		await failure(lofirmoApiRequest.call(context(), LOFIRMO_FUNCTIONS.credits));
		expect(env.sb.requests).toHaveLength(1);
	});

	it('after a refused credential, sends nothing more in the same run', async () => {
		env.sb.addFault({ fn: 'credits', type: 'unauthorized', times: 5 });
		const ctx = context();
		const run = new LofirmoRun(ctx);
		const first = await failure(
			lofirmoApiRequest.call(ctx, LOFIRMO_FUNCTIONS.credits, {}, { run }),
		);
		const second = await failure(
			lofirmoApiRequest.call(
				ctx,
				LOFIRMO_FUNCTIONS.contractStatus,
				{ Contratoid: '1', Reportid: '2' },
				{ run },
			),
		);
		expect([first.message, second.message]).toEqual([
			'Lofirmo refused the API User or API Token',
			'Lofirmo refused the API User or API Token',
		]);
		expect(second.description).toMatch(
			/^Lofirmo refused them for an earlier item of this run, so this one was not sent/,
		);
		expect(env.sb.requests).toHaveLength(1);
	});

	it('repeats a send whose connection was refused: it never reached Lofirmo', async () => {
		let tries = 0;
		const refusedTwice = async (options: IHttpRequestOptions, credentials: TestCredentials) => {
			if (++tries <= 2)
				throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
					code: 'ECONNREFUSED',
				});
			return await realHttp(options, credentials);
		};
		const { ctx } = createExecuteContext({
			parameters: {},
			credentials: env.credentials,
			http: refusedTwice,
		});
		const data = await lofirmoApiRequest.call(ctx, LOFIRMO_FUNCTIONS.sendContract, {
			Firmantes: [{ Nombre: 'Ana', Email: 'a@b.es' }],
		});
		expect(getField(data, 'ContratoId')).toBeTruthy();
		expect(tries).toBe(3);
		expect(env.sb.requests.filter((r) => r.fn === 'sendContract')).toHaveLength(1);
	});

	it('does not repeat a send after a 500: Lofirmo may have carried it out', async () => {
		env.sb.addFault({ fn: 'sendContract', type: 'status', status: 500, times: 5 });
		const error = await failure(
			lofirmoApiRequest.call(context(), LOFIRMO_FUNCTIONS.sendContract, {
				Firmantes: [{ Nombre: 'Ana', Email: 'a@b.es' }],
			}),
		);
		expect(error.message).toBe('Lofirmo may have received this request, but answered HTTP 500');
		expect(env.sb.requests).toHaveLength(1);
	});
});

describe('PDF functions', () => {
	const FILE = { fileName: 'contract.pdf' };
	const bytesOf = (pdf: StoredPdf) => Buffer.from(pdf.binary.data, 'base64');

	it('returns a certified contract as a verified PDF', async () => {
		const { contractId, reportId } = await sendContract();
		await env.sb.certifyContract(contractId);
		const pdf = await lofirmoDownloadPdf.call(
			context(),
			LOFIRMO_FUNCTIONS.downloadContractPdf,
			{
				Contratoid: contractId,
				Reportid: reportId,
				Doc: 'CERTIFICADO',
			},
			FILE,
		);
		expect(isPdf(bytesOf(pdf))).toBe(true);
	});

	it('reports the API code when a JSON error comes instead of the PDF (not yet certified)', async () => {
		const { contractId, reportId } = await sendContract();
		const error = await failure(
			lofirmoDownloadPdf.call(
				context(),
				LOFIRMO_FUNCTIONS.downloadContractPdf,
				{ Contratoid: contractId, Reportid: reportId },
				FILE,
			),
		);
		expect(error.message).toMatch(/rejected the request \(Res -\d+\)/);
	});

	it('rejects a non-PDF body answered with a success status', async () => {
		const { contractId, reportId } = await sendContract();
		await env.sb.certifyContract(contractId);
		env.sb.addFault({ fn: 'downloadContractPdf', type: 'notpdf' });
		const error = await failure(
			lofirmoDownloadPdf.call(
				context(),
				LOFIRMO_FUNCTIONS.downloadContractPdf,
				{ Contratoid: contractId, Reportid: reportId },
				FILE,
			),
		);
		expect(error.message).toMatch(/Res -\d+|did not return a PDF/);
	});

	it('rejects a well-framed but cut-off PDF and does not retry it', async () => {
		const { contractId, reportId } = await sendContract();
		await env.sb.certifyContract(contractId);
		env.sb.addFault({ fn: 'downloadContractPdf', type: 'truncate-complete' });
		const before = env.sb.requests.length;
		const error = await failure(
			lofirmoDownloadPdf.call(
				context(),
				LOFIRMO_FUNCTIONS.downloadContractPdf,
				{ Contratoid: contractId, Reportid: reportId },
				FILE,
			),
		);
		expect(error.message).toMatch(/incomplete/);
		expect(env.sb.requests.length - before).toBe(1);
	});

	it('retries a transfer cut mid-body and returns the whole file', async () => {
		const { contractId, reportId } = await sendContract();
		await env.sb.certifyContract(contractId);
		env.sb.addFault({ fn: 'downloadContractPdf', type: 'truncate' });
		const pdf = await lofirmoDownloadPdf.call(
			context(),
			LOFIRMO_FUNCTIONS.downloadContractPdf,
			{
				Contratoid: contractId,
				Reportid: reportId,
			},
			FILE,
		);
		expect(isPdf(bytesOf(pdf))).toBe(true);
		expect(env.sb.requests.filter((r) => r.fn === 'downloadContractPdf')).toHaveLength(2);
	});

	// the package's own check, fed exact bytes: a PDF is stored only with its `%PDF-` header and, within its last
	// KiB, its `%%EOF` marker (what n8n stores must be the whole file)
	const pdfBody = '%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n';
	it.each([
		['a complete PDF is stored', pdfBody, 'stored'],
		[
			'a PDF with 1,000 bytes after its %%EOF (the marker still in its last KiB) is stored',
			`${pdfBody}${' '.repeat(1000)}`,
			'stored',
		],
		[
			'a PDF with 1,100 bytes after its %%EOF is refused as incomplete',
			`${pdfBody}${' '.repeat(1100)}`,
			/incomplete/,
		],
		['the first 20 bytes of a PDF are refused as incomplete', pdfBody.slice(0, 20), /incomplete/],
		['a PDF without %%EOF is refused as incomplete', pdfBody.replace('%%EOF', ''), /incomplete/],
		[
			'%%EOF without the %PDF- header is refused as not a PDF',
			pdfBody.replace('%PDF-', '%PDX-'),
			/did not return a PDF/,
		],
		['a JSON error is refused with its Res code', '[{"Res":"-6"}]', /Res -6/],
		['an empty body is refused as not a PDF', '', /did not return a PDF/],
	])('the PDF check: %s', async (_title, body, outcome) => {
		const http: HttpHandler = async () => ({
			statusCode: 200,
			body: Readable.from([Buffer.from(body, 'latin1')]),
			headers: {},
		});
		const { ctx } = createExecuteContext({ parameters: {}, credentials: env.credentials, http });
		const download = lofirmoDownloadPdf.call(
			ctx,
			LOFIRMO_FUNCTIONS.downloadContractPdf,
			{ Contratoid: '1', Reportid: '2' },
			FILE,
		);
		if (outcome === 'stored') expect(bytesOf(await download).toString('latin1')).toBe(body);
		else expect((await failure(download)).message).toMatch(outcome);
	});
});

describe('secrets', () => {
	const token = 'TOKEN-must-never-show-9f3a1c';
	const basic = Buffer.from(`${USER}:${token}`).toString('base64');

	it.each([
		['wrong credentials', { type: 'unauthorized' }],
		['a 5xx', { type: 'status', status: 500, times: 5 }],
		['a dropped connection', { type: 'drop', times: 5 }],
		['a negative Res', { type: 'negative', res: '-9' }],
	])('keeps the token out of the error for %s', async (_name, fault) => {
		env.sb.addFault({ fn: 'credits', ...fault });
		const error = await failure(
			lofirmoApiRequest.call(context({ apiToken: token }), LOFIRMO_FUNCTIONS.credits),
		);
		const text = errorText(error);
		expect(text).not.toContain(token);
		expect(text).not.toContain(basic);
	});

	it('keeps the token out of a connection-refused error', async () => {
		const error = await failure(
			lofirmoApiRequest.call(
				context({ apiToken: token, baseUrl: 'http://127.0.0.1:9' }),
				LOFIRMO_FUNCTIONS.credits,
			),
		);
		expect(error.message).toContain('Could not reach Lofirmo');
		const text = errorText(error);
		expect(text).not.toContain(token);
		expect(text).not.toContain(basic);
	});
});

describe('helpers', () => {
	it('reads keys regardless of case', () => {
		expect(getField({ ContratoID: '7' }, 'contratoid')).toBe('7');
		expect(getField({ Res: '1' }, 'Res')).toBe('1');
		expect(getField({}, 'Res')).toBeUndefined();
	});

	it('unwraps arrays and bare objects, and reads the vendor old text format', () => {
		expect(parseApiAnswer(Buffer.from('[{"Res":"10"}]'))).toEqual({ Res: '10' });
		expect(parseApiAnswer(Buffer.from('{"Res":"1"}'))).toEqual({ Res: '1' });
		expect(parseApiAnswer(Buffer.from('Res=-2\nCred=5'))).toEqual({ Res: '-2', Cred: '5' });
		expect(parseApiAnswer(Buffer.from(''))).toBeUndefined();
		expect(parseApiAnswer(Buffer.from('%PDF-1.4 binary'))).toBeUndefined();
	});

	it('resolves paths from overrides given as JSON text or object, ignoring junk', () => {
		expect(resolvePath(LOFIRMO_FUNCTIONS.credits, undefined)).toBe('/GetCreditos');
		expect(resolvePath(LOFIRMO_FUNCTIONS.credits, '{"credits":"Creditos"}')).toBe('/Creditos');
		expect(resolvePath(LOFIRMO_FUNCTIONS.credits, { credits: '/x/GetCreditos' })).toBe(
			'/x/GetCreditos',
		);
		expect(resolvePath(LOFIRMO_FUNCTIONS.credits, 'not json')).toBe('/GetCreditos');
		expect(resolvePath(LOFIRMO_FUNCTIONS.sendContract, '{"credits":"/c"}')).toBe('/EnviarContrato');
	});
});
