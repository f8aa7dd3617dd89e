/** Contract → Cancel against a stubbed Lofirmo. */
import { answer, contract, reference, run, sentBody, sentReference } from '../../support';

it('Cancel posts the contract reference and reports the credits', async () => {
	const { output, calls } = run(contract('cancelContract'), {
		http: answer({ Res: '1', Cred: '11990' }),
	});
	const [[item]] = await output;
	expect(calls[0].options.url).toBe('/CancelarContrato');
	expect(sentBody(calls)).toEqual(sentReference);
	expect(item.json).toEqual({
		...reference,
		cancelled: true,
		credits: 11990,
		raw: { Res: '1', Cred: '11990' },
	});
});
