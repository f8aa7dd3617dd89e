/**
 * A 404 or a web page on a path Lofirmo has not published (our reading of its naming) or one set in Path Overrides:
 * the error says the path may be wrong, which Path Overrides key sets it and where the README lists them, and nothing
 * is sent twice. A published path's 404 keeps the plain HTTP message.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { LOFIRMO_FUNCTIONS } from '../../nodes/Lofirmo/actions/operations';
import { lofirmoApiRequest, lofirmoDownloadPdf } from '../../nodes/Lofirmo/transport';
import { apiFailure as failure } from '../helpers/api-failure';
import { createExecuteContext, type TestCredentials } from '../helpers/n8n-context';

const CREDENTIALS: TestCredentials = {
	apiUser: 'user',
	apiToken: 'token',
	baseUrl: 'https://lofirmo.test/api',
	pathOverrides: '{}',
};

const HTML = '<!DOCTYPE html><html><head><title>Lofirmo</title></head><body>Not here</body></html>';

function stub(statusCode: number, body: string, contentType: string) {
	const calls: IHttpRequestOptions[] = [];
	const http = async (options: IHttpRequestOptions) => {
		calls.push(options);
		return { statusCode, body: Buffer.from(body), headers: { 'content-type': contentType } };
	};
	return { http, calls };
}

function call(
	fn: keyof typeof LOFIRMO_FUNCTIONS,
	answer: ReturnType<typeof stub>,
	pathOverrides = '{}',
) {
	const { ctx } = createExecuteContext({
		parameters: {},
		credentials: { ...CREDENTIALS, pathOverrides },
		http: answer.http,
	});
	return lofirmoApiRequest.call(ctx, LOFIRMO_FUNCTIONS[fn]);
}

describe('a path Lofirmo has not published', () => {
	it('404 names the path, says it is not published, and gives the Path Overrides key and the README section', async () => {
		const answer = stub(404, 'Not Found', 'text/plain');
		const error = await failure(call('contractStatus', answer));
		expect(error.message).toBe(
			'Lofirmo answered /EstadoContrato with HTTP 404: the path may be wrong',
		);
		expect(error.description).toContain(
			'/EstadoContrato is not published by Lofirmo: it is our reading of the vendor\'s naming for "contractStatus"',
		);
		expect(error.description).toContain('Path Overrides, e.g. {"contractStatus": "/TheirPath"}');
		expect(error.description).toContain(
			'README of n8n-nodes-lofirmo lists every key and path under "Endpoints"',
		);
		expect(error.description).toContain('Body: Not Found');
		expect(error.httpCode).toBe('404');
		expect(answer.calls).toHaveLength(1);
	});

	it('an HTML page (HTTP 200) is the same hint, for every path of our reading', async () => {
		const unpublished = Object.entries(LOFIRMO_FUNCTIONS).filter(([, fn]) => !fn.documented);
		expect(unpublished.map(([key]) => key).sort()).toEqual(
			[
				'cancelContract',
				'continueFlow',
				'contractStatus',
				'credits',
				'downloadContractPdf',
				'downloadIdentityCertificate',
			].sort(),
		);
		for (const [key, fn] of unpublished) {
			const answer = stub(200, HTML, 'text/html; charset=utf-8');
			const error = await failure(call(key as keyof typeof LOFIRMO_FUNCTIONS, answer));
			expect(error.message).toBe(
				`Lofirmo answered ${fn.path} with a web page instead of the API: the path may be wrong`,
			);
			expect(error.description).toContain(`{"${key}": "/TheirPath"}`);
			expect(answer.calls).toHaveLength(1);
		}
	});

	it('an HTML page without an HTML content type is recognised by its start', async () => {
		const answer = stub(200, `\n  ${HTML}`, 'text/plain');
		const error = await failure(call('credits', answer));
		expect(error.message).toMatch(/^Lofirmo answered \/GetCreditos with a web page/);
	});

	it('a PDF download answered with a web page gets the hint, not a PDF error', async () => {
		const answer = stub(200, HTML, 'text/html');
		const { ctx } = createExecuteContext({
			parameters: {},
			credentials: CREDENTIALS,
			http: answer.http,
		});
		const error = await failure(
			lofirmoDownloadPdf.call(
				ctx,
				LOFIRMO_FUNCTIONS.downloadContractPdf,
				{ ContratoID: '1' },
				{
					fileName: 'x.pdf',
				},
			),
		);
		expect(error.message).toBe(
			'Lofirmo answered /DescargarContrato with a web page instead of the API: the path may be wrong',
		);
		expect(error.description).toContain('{"downloadContractPdf": "/TheirPath"}');
	});
	it('a 500 web page on a path of our reading is a server error, retried as before', async () => {
		const html500 = stub(500, HTML, 'text/html');
		const error = await failure(call('credits', html500));
		expect(error.message).toBe('Lofirmo answered HTTP 500');
		expect(html500.calls).toHaveLength(3);
	});
});

describe('a path set in Path Overrides', () => {
	it('404 says the path comes from the override of that key', async () => {
		const answer = stub(404, 'Not Found', 'text/plain');
		const error = await failure(
			call('sendContract', answer, JSON.stringify({ sendContract: '/api/Enviar' })),
		);
		expect(error.message).toBe('Lofirmo answered /api/Enviar with HTTP 404: the path may be wrong');
		expect(error.description).toContain(
			'/api/Enviar is the path set for "sendContract" in the credential\'s Path Overrides',
		);
	});
});

describe('a path Lofirmo published', () => {
	it('404 keeps the plain message', async () => {
		const answer = stub(404, 'Not Found', 'text/plain');
		const error = await failure(call('sendContract', answer));
		expect(error.message).toBe('Lofirmo answered HTTP 404');
		expect(error.description).not.toMatch(/Path Overrides/);
		expect(answer.calls).toHaveLength(1);
	});
});
