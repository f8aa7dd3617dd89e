/** Contract → Continue Signature Flow against a stubbed Lofirmo. */
import { answer, contract, reference, run, sentBody, sentReference } from '../../support';

it('Continue Signature Flow posts the contract reference', async () => {
	const { output, calls } = run(contract('continueFlow'), { http: answer({ Res: '1' }) });
	const [[item]] = await output;
	expect(calls[0].options.url).toBe('/ContinuarFlujo');
	expect(sentBody(calls)).toEqual(sentReference);
	expect(item.json).toEqual({ ...reference, continued: true, raw: { Res: '1' } });
});
