/** Identity Verification → Send Request against a stubbed Lofirmo. */
import { DateTime } from 'luxon';
import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { answer, failure, run, sentBody } from '../../support';

const SENT = { Res: '10', ID: '1994779988', Cred: '11999' };

function sendIdentity(mobile: unknown, additionalFields: Record<string, unknown> = {}) {
	return run(
		{ resource: 'identityVerification', operation: 'sendIdentity', mobile, additionalFields },
		{ http: answer(SENT) },
	);
}

describe('Identity Verification → Send Request', () => {
	it('sends the mobile as international digits and types the answer', async () => {
		const { output, calls } = sendIdentity('+34 600-000-001');
		const [[item]] = await output;
		expect(calls[0].options).toMatchObject({ method: 'POST', url: '/VerificarIdentidad' });
		expect(sentBody(calls)).toEqual({ Telefono: '34600000001', Resp: 'JSON' });
		expect(item.json).toEqual({
			verificationId: '1994779988',
			credits: 11999,
			scheduledFor: null,
			raw: SENT,
		});
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
		[
			'a picked date without offset (workflow time zone)',
			'2030-07-01T15:10:00',
			'2030-07-01 15:10',
		],
		[
			'a Luxon DateTime',
			DateTime.fromISO('2030-07-01T22:30:00-01:00', { setZone: true }),
			'2030-07-02 01:30',
		],
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
		[
			'a long sender',
			'34600000001',
			{ senderName: 'A very long sender' },
			'Sender Name is too long (18 characters)',
		],
		[
			'a schedule that is no date',
			'34600000001',
			{ scheduledFor: 'tomorrow' },
			'Scheduled For is not a valid date and time',
		],
		[
			'a schedule on a day that does not exist',
			'34600000001',
			{ scheduledFor: '2030-02-30 10:00' },
			'Scheduled For is not a valid date and time',
		],
	])('refuses %s without calling Lofirmo', async (_, mobile, additionalFields, message) => {
		const { output, calls } = sendIdentity(mobile, additionalFields);
		const error = await failure(output);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(error.description).toBeTruthy();
		expect(calls).toHaveLength(0);
	});
});
