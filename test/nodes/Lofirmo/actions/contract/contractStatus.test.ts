/** Contract → Get Status against a stubbed Lofirmo. */
import { answer, contract, reference, run, sentBody, sentReference } from '../../support';

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
			http: answer({
				res: '1',
				estado: '11',
				fechaenvio: '2021-10-10 10:10',
				FECHAFIRMA: '',
				firmantes: '2',
				firmados: '0',
			}),
		});
		const [[item]] = await output;
		expect(item.json).toMatchObject({
			status: '11',
			statusLabel: null,
			signedAt: null,
			signers: 2,
			signed: 0,
			credits: null,
		});
	});
});
