/** Identity Verification → Download Certificate against a stubbed Lofirmo. */
import { binaryBuffer } from '../../../../helpers/n8n-context';
import { answer, failure, run, samplePdf, sentBody } from '../../support';

describe('Identity Verification → Download Certificate', () => {
	it('downloads the certificate as binary data', async () => {
		const pdf = samplePdf('identity');
		const { output, calls } = run(
			{
				resource: 'identityVerification',
				operation: 'downloadIdentityCertificate',
				verificationId: '1994779988',
				binaryPropertyName: 'data',
			},
			{ http: answer(pdf) },
		);
		const [[item]] = await output;
		expect(calls[0].options.url).toBe('/DescargarCertificadoVerificacion');
		expect(sentBody(calls)).toEqual({ Id: '1994779988', Resp: 'JSON' });
		expect(binaryBuffer(item).equals(pdf)).toBe(true);
		expect(item.binary!.data).toMatchObject({
			mimeType: 'application/pdf',
			fileName: 'lofirmo-identity-1994779988.pdf',
		});
		expect(item.json).toEqual({
			verificationId: '1994779988',
			document: 'identityCertificate',
			fileName: 'lofirmo-identity-1994779988.pdf',
			fileSize: pdf.length,
			binaryProperty: 'data',
		});
	});

	it.each([
		['', 'Verification ID is empty'],
		['12ab', 'Verification ID must be a whole number'],
	])('refuses the ID "%s" without calling Lofirmo', async (verificationId, message) => {
		const { output, calls } = run(
			{
				resource: 'identityVerification',
				operation: 'downloadIdentityCertificate',
				verificationId,
				binaryPropertyName: 'data',
			},
			{ http: answer(samplePdf()) },
		);
		expect((await failure(output)).message).toBe(message);
		expect(calls).toHaveLength(0);
	});
});
