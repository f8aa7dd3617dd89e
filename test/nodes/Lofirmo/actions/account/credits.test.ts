/** Account → Get Credits against a stubbed Lofirmo. */
import { answer, run, sentBody } from '../../support';

describe('Account → Get Credits', () => {
	it('returns the credits as a number', async () => {
		const { output, calls } = run(
			{ resource: 'account', operation: 'credits' },
			{ http: answer({ Res: '10', Cred: '12000' }) },
		);
		const [[item]] = await output;
		expect(calls[0].options.url).toBe('/GetCreditos');
		expect(sentBody(calls)).toEqual({ Resp: 'JSON' });
		expect(item.json).toEqual({ credits: 12000, raw: { Res: '10', Cred: '12000' } });
	});

	it('asks once per execution however many items come in (repeated credit calls count as spam)', async () => {
		const { output, calls } = run(
			{ resource: 'account', operation: 'credits' },
			{
				http: answer({ Res: '10', Cred: '500' }),
				items: [{ json: {} }, { json: {} }, { json: {} }],
			},
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
