/** Contract → Continue Signature Flow, Cancel, Get Status and Download PDF against a stubbed Lofirmo. */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { binaryBuffer } from '../../helpers/n8n-context';
import { answer, failure, run, samplePdf, sentBody } from './support';

const reference = { contractId: 'ASYYFRE5492-HN776TFD', reportId: '299846332' };
const sentReference = { Contratoid: 'ASYYFRE5492-HN776TFD', Reportid: '299846332', Resp: 'JSON' };

const contract = (operation: string, extra = {}) => ({ resource: 'contract', operation, ...reference, ...extra });

it('Continue Signature Flow posts the contract reference', async () => {
	const { output, calls } = run(contract('continueFlow'), { http: answer({ Res: '1' }) });
	const [[item]] = await output;
	expect(calls[0].options.url).toBe('/ContinuarFlujo');
	expect(sentBody(calls)).toEqual(sentReference);
	expect(item.json).toEqual({ ...reference, continued: true, raw: { Res: '1' } });
});

it('Cancel posts the contract reference and reports the credits', async () => {
	const { output, calls } = run(contract('cancelContract'), { http: answer({ Res: '1', Cred: '11990' }) });
	const [[item]] = await output;
	expect(calls[0].options.url).toBe('/CancelarContrato');
	expect(sentBody(calls)).toEqual(sentReference);
	expect(item.json).toEqual({ ...reference, cancelled: true, credits: 11990, raw: { Res: '1', Cred: '11990' } });
});

describe('Get Status', () => {
	it('types the answer and labels the documented status', async () => {
		const raw = {
			Res: '1',
			Estado: '1014',
			FechaEnvio: '2021-10-10 10:10',
			FechaFirma: '2021-10-10 10:15',
			Firmantes: '2',
			Firmados: '2',
			Cred: '12000',
		};
		const { output, calls } = run(contract('contractStatus'), { http: answer(raw) });
		const [[item]] = await output;
		expect(calls[0].options.url).toBe('/EstadoContrato');
		expect(sentBody(calls)).toEqual(sentReference);
		expect(item.json).toEqual({
			...reference,
			status: '1014',
			statusLabel: 'Signed and certified',
			sentAt: '2021-10-10 10:10',
			signedAt: '2021-10-10 10:15',
			signers: 2,
			signed: 2,
			credits: 12000,
			raw,
		});
	});

	it('passes an undocumented status through with a null label, and reads keys in any case', async () => {
		const { output } = run(contract('contractStatus'), {
			http: answer({ res: '1', estado: '11', fechaenvio: '2021-10-10 10:10', FECHAFIRMA: '', firmantes: '2', firmados: '0' }),
		});
		const [[item]] = await output;
		expect(item.json).toMatchObject({ status: '11', statusLabel: null, signedAt: null, signers: 2, signed: 0, credits: null });
	});
});

describe('Download PDF', () => {
	it.each([
		['CERTIFICADO', ''],
		['FIRMANTE', '-signer-copy'],
	])('downloads the %s document as binary data', async (document, suffix) => {
		const pdf = samplePdf(document);
		const { output, calls } = run(contract('downloadContractPdf', { document, binaryPropertyName: 'contractPdf' }), {
			http: answer(pdf),
		});
		const [[item]] = await output;
		expect(calls[0].options.url).toBe('/DescargarContrato');
		expect(sentBody(calls)).toEqual({ ...sentReference, Doc: document });
		expect(binaryBuffer(item, 'contractPdf').equals(pdf)).toBe(true);
		expect(item.binary!.contractPdf).toMatchObject({
			mimeType: 'application/pdf',
			fileName: `lofirmo-contract-ASYYFRE5492-HN776TFD${suffix}.pdf`,
		});
		expect(item.json).toEqual({
			...reference,
			document,
			fileName: `lofirmo-contract-ASYYFRE5492-HN776TFD${suffix}.pdf`,
			fileSize: pdf.length,
			binaryProperty: 'contractPdf',
		});
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('puts the file in "data" by default', async () => {
		const { output } = run(contract('downloadContractPdf', { document: 'CERTIFICADO' }), { http: answer(samplePdf()) });
		const [[item]] = await output;
		expect(Object.keys(item.binary!)).toEqual(['data']);
	});

	it('reports an error answer instead of a PDF with its Res code', async () => {
		const { output } = run(contract('downloadContractPdf', { document: 'CERTIFICADO' }), { http: answer({ Res: '-3' }) });
		const error = await failure(output);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('Res -3');
	});

	it('refuses a document type it does not know', async () => {
		const { output, calls } = run(contract('downloadContractPdf', { document: 'OTRO' }), { http: answer(samplePdf()) });
		expect((await failure(output)).message).toBe('Document has an unsupported value');
		expect(calls).toHaveLength(0);
	});
});

describe.each(['continueFlow', 'cancelContract', 'contractStatus', 'downloadContractPdf'])('%s checks the reference', (operation) => {
	it.each([
		[{ contractId: ' ' }, 'Contract ID is empty'],
		[{ reportId: '' }, 'Report ID is empty'],
		[{ reportId: 'abc' }, 'Report ID must be a whole number'],
	])('refuses %j without calling Lofirmo', async (override, message) => {
		const { output, calls } = run(contract(operation, { document: 'CERTIFICADO', ...override }), { http: answer({ Res: '1' }) });
		const error = await failure(output);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(error.description).toContain('Contract → Send');
		expect(calls).toHaveLength(0);
	});

	it('accepts IDs an expression gave as numbers', async () => {
		const { output, calls } = run(contract(operation, { document: 'CERTIFICADO', contractId: 1994779988, reportId: 1994779988 }), {
			http: operation === 'downloadContractPdf' ? answer(samplePdf()) : answer({ Res: '1' }),
		});
		await output;
		expect(sentBody(calls)).toMatchObject({ Contratoid: '1994779988', Reportid: '1994779988' });
	});
});
