/** Contract → Download PDF against a stubbed Lofirmo. */
import { NodeApiError } from 'n8n-workflow';

import { binaryBuffer } from '../../../../helpers/n8n-context';
import {
	answer,
	contract,
	failure,
	reference,
	run,
	samplePdf,
	sentBody,
	sentReference,
} from '../../support';

describe('Download PDF', () => {
	it.each([
		['CERTIFICADO', ''],
		['FIRMANTE', '-signer-copy'],
	])('downloads the %s document as binary data', async (document, suffix) => {
		const pdf = samplePdf(document);
		const { output, calls } = run(
			contract('downloadContractPdf', { document, binaryPropertyName: 'contractPdf' }),
			{
				http: answer(pdf),
			},
		);
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
		const { output } = run(contract('downloadContractPdf', { document: 'CERTIFICADO' }), {
			http: answer(samplePdf()),
		});
		const [[item]] = await output;
		expect(Object.keys(item.binary!)).toEqual(['data']);
	});

	it('reports an error answer instead of a PDF with its Res code', async () => {
		const { output } = run(contract('downloadContractPdf', { document: 'CERTIFICADO' }), {
			http: answer({ Res: '-3' }),
		});
		const error = await failure(output);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('Res -3');
	});

	it('refuses a document type it does not know', async () => {
		const { output, calls } = run(contract('downloadContractPdf', { document: 'OTRO' }), {
			http: answer(samplePdf()),
		});
		expect((await failure(output)).message).toBe('Document has an unsupported value');
		expect(calls).toHaveLength(0);
	});
});
