/** Identity Verification → Send Request / Download Certificate and Account → Get Credits against a stubbed Lofirmo. */
import { DateTime } from 'luxon';
import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { binaryBuffer } from '../../helpers/n8n-context';
import { answer, failure, run, samplePdf, sentBody } from './support';

const SENT = { Res: '10', ID: '1994779988', Cred: '11999' };

function sendIdentity(mobile: unknown, additionalFields: Record<string, unknown> = {}) {
	return run({ resource: 'identityVerification', operation: 'sendIdentity', mobile, additionalFields }, { http: answer(SENT) });
}

describe('Identity Verification → Send Request', () => {
	it('sends the mobile as international digits and types the answer', async () => {
		const { output, calls } = sendIdentity('+34 600-000-001');
		const [[item]] = await output;
		expect(calls[0].options).toMatchObject({ method: 'POST', url: '/VerificarIdentidad' });
		expect(sentBody(calls)).toEqual({ Telefono: '34600000001', Resp: 'JSON' });
		expect(item.json).toEqual({ verificationId: '1994779988', credits: 11999, scheduledFor: null, raw: SENT });
	});

	it('maps every field to its documented API parameter', async () => {
		const { output, calls } = sendIdentity('34600000001', {
			message: 'Verifique su identidad: [LINK]',
			expectedIdNumber: ' 00000000T ',
			scheduledFor: '2030-05-01 15:10',
			senderName: 'MiEmpresa',
		});
		const [[item]] = await output;
		expect(sentBody(calls)).toEqual({
			Telefono: '34600000001',
			Mensaje: 'Verifique su identidad: [LINK]',
			Dni: '00000000T',
			Fecha: '2030-05-01 15:10',
			Remitente: 'MiEmpresa',
			Resp: 'JSON',
		});
		expect(item.json.scheduledFor).toBe('2030-05-01 15:10');
	});

	it.each<[string, unknown, string]>([
		['an instant in UTC (summer time)', '2030-07-01T13:10:00.000Z', '2030-07-01 15:10'],
		['an instant in UTC (winter time)', '2030-01-15T13:10:00Z', '2030-01-15 14:10'],
		['an ISO date with an offset', '2030-07-01T09:10:00-04:00', '2030-07-01 15:10'],
		// the fake context's workflow time zone is Europe/Madrid
		['a picked date without offset (workflow time zone)', '2030-07-01T15:10:00', '2030-07-01 15:10'],
		['a Luxon DateTime', DateTime.fromISO('2030-07-01T22:30:00-01:00', { setZone: true }), '2030-07-02 01:30'],
		['a JS Date', new Date('2030-01-15T13:10:00Z'), '2030-01-15 14:10'],
		['Spain time with seconds', '2030-05-01 15:10:59', '2030-05-01 15:10'],
	])('converts %s to Spain time', async (_, scheduledFor, expected) => {
		const { output, calls } = sendIdentity('34600000001', { scheduledFor });
		await output;
		expect(sentBody(calls).Fecha).toBe(expected);
	});

	it.each<[string, unknown, IDataObject, string]>([
		['no mobile', '', {}, 'Mobile is not a valid mobile number'],
		['a too long mobile', '34 600 000 001 000 00', {}, 'Mobile is not a valid mobile number'],
		['a message without [LINK]', '34600000001', { message: 'Hola' }, 'Message must contain [LINK]'],
		['a long sender', '34600000001', { senderName: 'A very long sender' }, 'Sender Name is too long (18 characters)'],
		['a schedule that is no date', '34600000001', { scheduledFor: 'tomorrow' }, 'Scheduled For is not a valid date and time'],
		['a schedule on a day that does not exist', '34600000001', { scheduledFor: '2030-02-30 10:00' }, 'Scheduled For is not a valid date and time'],
	])('refuses %s without calling Lofirmo', async (_, mobile, additionalFields, message) => {
		const { output, calls } = sendIdentity(mobile, additionalFields);
		const error = await failure(output);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(error.description).toBeTruthy();
		expect(calls).toHaveLength(0);
	});
});

describe('Identity Verification → Download Certificate', () => {
	it('downloads the certificate as binary data', async () => {
		const pdf = samplePdf('identity');
		const { output, calls } = run(
			{ resource: 'identityVerification', operation: 'downloadIdentityCertificate', verificationId: '1994779988', binaryPropertyName: 'data' },
			{ http: answer(pdf) },
		);
		const [[item]] = await output;
		expect(calls[0].options.url).toBe('/DescargarCertificadoVerificacion');
		expect(sentBody(calls)).toEqual({ Id: '1994779988', Resp: 'JSON' });
		expect(binaryBuffer(item).equals(pdf)).toBe(true);
		expect(item.binary!.data).toMatchObject({ mimeType: 'application/pdf', fileName: 'lofirmo-identity-1994779988.pdf' });
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
			{ resource: 'identityVerification', operation: 'downloadIdentityCertificate', verificationId, binaryPropertyName: 'data' },
			{ http: answer(samplePdf()) },
		);
		expect((await failure(output)).message).toBe(message);
		expect(calls).toHaveLength(0);
	});
});

describe('Account → Get Credits', () => {
	it('returns the credits as a number', async () => {
		const { output, calls } = run({ resource: 'account', operation: 'credits' }, { http: answer({ Res: '10', Cred: '12000' }) });
		const [[item]] = await output;
		expect(calls[0].options.url).toBe('/GetCreditos');
		expect(sentBody(calls)).toEqual({ Resp: 'JSON' });
		expect(item.json).toEqual({ credits: 12000, raw: { Res: '10', Cred: '12000' } });
	});

	it('asks once per execution however many items come in (repeated credit calls count as spam)', async () => {
		const { output, calls } = run(
			{ resource: 'account', operation: 'credits' },
			{ http: answer({ Res: '10', Cred: '500' }), items: [{ json: {} }, { json: {} }, { json: {} }] },
		);
		const [items] = await output;
		expect(calls).toHaveLength(1);
		expect(items.map((item) => [item.json.credits, item.pairedItem])).toEqual([
			[500, { item: 0 }],
			[500, { item: 1 }],
			[500, { item: 2 }],
		]);
	});
});
