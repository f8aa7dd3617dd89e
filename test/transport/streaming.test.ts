/**
 * PDFs are streamed into n8n's binary store, never held whole by the node: what the store receives, how a body that
 * is not a PDF is stopped, and that the credential is read once per node run.
 */
import { Readable } from 'node:stream';
import type { IBinaryData, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { LOFIRMO_FUNCTIONS } from '../../nodes/Lofirmo/actions/operations';
import { lofirmoApiRequest, lofirmoDownloadPdf, LofirmoRun } from '../../nodes/Lofirmo/transport';
import { createExecuteContext, type HttpHandler } from '../helpers/n8n-context';
import { useSandbox } from '../helpers/sandbox';

const env = useSandbox({ pdfPadBytes: 3 * 1024 * 1024 });
const FILE = { fileName: 'certificate.pdf' };

/** The fake context, with a binary store that records what it was handed and reads streams chunk by chunk. */
function storeSpy(http?: HttpHandler) {
	const seen = { inputs: [] as string[], chunks: 0, bytes: 0 };
	const { ctx, calls } = createExecuteContext({
		parameters: {},
		credentials: env.credentials,
		http,
	});
	ctx.helpers.prepareBinaryData = async (input: Buffer | Readable): Promise<IBinaryData> => {
		seen.inputs.push(Buffer.isBuffer(input) ? 'buffer' : 'stream');
		if (!Buffer.isBuffer(input)) {
			for await (const chunk of input) {
				seen.chunks++;
				seen.bytes += (chunk as Buffer).length;
			}
		}
		return { data: 'filesystem-v2', id: 'filesystem-v2:stored', mimeType: 'application/pdf' };
	};
	return { ctx, calls, seen };
}

async function certifiedContract() {
	const { ctx } = storeSpy();
	const sent = await lofirmoApiRequest.call(ctx, LOFIRMO_FUNCTIONS.sendContract, {
		Firmantes: [{ Nombre: 'Ana', Email: 'a@b.es' }],
	});
	const Contratoid = String(sent.ContratoId);
	await env.sb.certifyContract(Contratoid);
	return { Contratoid, Reportid: String(sent.ReportId), Doc: 'CERTIFICADO' };
}

it('hands the PDF to the binary store as a stream, chunk by chunk, and reports its size', async () => {
	const body = await certifiedContract();
	const { ctx, calls, seen } = storeSpy();
	const pdf = await lofirmoDownloadPdf.call(ctx, LOFIRMO_FUNCTIONS.downloadContractPdf, body, FILE);
	expect(calls[0].options.encoding).toBe('stream');
	expect(seen.inputs).toEqual(['stream']);
	expect(seen.chunks).toBeGreaterThan(1);
	expect(pdf.fileSize).toBe(seen.bytes);
	expect(pdf.fileSize).toBeGreaterThan(3 * 1024 * 1024);
	expect(pdf.binary.id).toBe('filesystem-v2:stored');
});

it('stops a long body that is not a PDF instead of storing all of it, and says what came', async () => {
	const junk = Buffer.alloc(5 * 1024 * 1024, 'x');
	const http: HttpHandler = async () => ({
		statusCode: 200,
		body: Readable.from([junk.subarray(0, 1024 * 1024), junk.subarray(1024 * 1024)]),
		// not text/html: a web page on this path is reported as a wrong path (unpublished-paths.test.ts)
		headers: { 'content-type': 'application/octet-stream' },
	});
	const { ctx, seen } = storeSpy(http);
	const error = await lofirmoDownloadPdf
		.call(ctx, LOFIRMO_FUNCTIONS.downloadContractPdf, {}, FILE)
		.catch((e: unknown) => e);
	expect(error).toBeInstanceOf(NodeApiError);
	expect((error as NodeApiError).message).toBe('Lofirmo did not return a PDF file');
	expect((error as NodeApiError).description).toMatch(/bytes of application\/octet-stream: xxxx/);
	expect(seen.bytes).toBeLessThan(junk.length);
});

it('calls a cut-off PDF incomplete even when its text has lines that look like key: value', async () => {
	const cut = Buffer.from(
		'%PDF-1.7\n<x:xmpmeta>\n  xmlns:dc="http://purl.org/dc/elements/1.1/"\nError: nothing\n',
		'latin1',
	);
	const http: HttpHandler = async () => ({
		statusCode: 200,
		body: Readable.from([cut]),
		headers: {},
	});
	const { ctx } = storeSpy(http);
	const error = await lofirmoDownloadPdf
		.call(ctx, LOFIRMO_FUNCTIONS.downloadContractPdf, {}, FILE)
		.catch((e: unknown) => e);
	expect((error as NodeApiError).message).toMatch(/^The PDF from Lofirmo is incomplete/);
});

it("says when n8n's binary store fails, and does not download again", async () => {
	const body = await certifiedContract();
	const { ctx, calls } = storeSpy();
	ctx.helpers.prepareBinaryData = async (input: Buffer | Readable) => {
		if (!Buffer.isBuffer(input)) input.destroy();
		throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
	};
	const error = await lofirmoDownloadPdf
		.call(ctx, LOFIRMO_FUNCTIONS.downloadContractPdf, body, FILE)
		.catch((e: unknown) => e);
	expect((error as NodeApiError).message).toBe('The PDF could not be stored in n8n');
	expect((error as NodeApiError).description).toMatch(/ENOSPC/);
	expect(calls).toHaveLength(1);
});

// n8n's request helper reads (and decrypts) the credential again for every request unless it is handed the one read
it("reads the Lofirmo credential and the node's reference to it once for all the calls of a node run, n8n's request helper included", async () => {
	let reads = 0;
	const { ctx } = createExecuteContext({ parameters: {}, credentials: env.credentials });
	const getCredentials = ctx.getCredentials.bind(ctx);
	ctx.getCredentials = async (type: string) => {
		reads++;
		return await getCredentials(type);
	};
	// n8n's getNode() deep-copies the node: the credential reference is read from it once per run too
	let nodeCopies = 0;
	const getNode = ctx.getNode.bind(ctx);
	ctx.getNode = () => {
		nodeCopies++;
		return getNode();
	};
	const run = new LofirmoRun(ctx);
	for (let i = 0; i < 3; i++)
		await lofirmoApiRequest.call(ctx, LOFIRMO_FUNCTIONS.credits, {}, { run });
	expect(reads).toBe(1);
	expect(nodeCopies).toBe(1);
});

it('asks n8n for the real time limits: 30 s for a JSON call, 5 min for a PDF', async () => {
	const { ctx, calls } = storeSpy();
	await lofirmoApiRequest.call(ctx, LOFIRMO_FUNCTIONS.credits);
	await lofirmoDownloadPdf.call(
		ctx,
		LOFIRMO_FUNCTIONS.downloadContractPdf,
		await certifiedContract(),
		FILE,
	);
	expect(calls.map((call: { options: IHttpRequestOptions }) => call.options.timeout)).toEqual([
		30_000, 300_000,
	]);
});
