/** Options → Batching: how many items are in flight at once, their order, and where a failure stops the node. */
import type { IDataObject } from 'n8n-workflow';

import type { HttpHandler } from '../../../../helpers/n8n-context';
import { failure, run } from '../../support';

const status = (i: number, extra: IDataObject = {}) => ({
	resource: 'contract',
	operation: 'contractStatus',
	contractId: `C${i}`,
	reportId: `${100 + i}`,
	...extra,
});
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ json: { i } }));

/** A Lofirmo whose answers take a few ms, not all the same (so they come back out of order); counts overlapping calls. */
function slowLofirmo() {
	let inFlight = 0;
	const seen = { maxInFlight: 0, started: [] as string[] };
	const http: HttpHandler = async (options) => {
		const body = options.body as IDataObject;
		seen.started.push(String(body.Contratoid));
		inFlight++;
		seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
		await new Promise((resolve) => setTimeout(resolve, 20 - (seen.started.length % 5)));
		inFlight--;
		if (body.Contratoid === 'C4')
			return { statusCode: 200, body: JSON.stringify([{ Res: '-3' }]), headers: {} };
		return { statusCode: 200, body: JSON.stringify([{ Res: '1', Estado: '11' }]), headers: {} };
	};
	return { http, seen };
}

it('sends items one after another when Batching is not added', async () => {
	const lofirmo = slowLofirmo();
	const { output } = run((i) => status(i === 4 ? 5 : i), { http: lofirmo.http, items: items(6) });
	await output;
	expect(lofirmo.seen.maxInFlight).toBe(1);
});

it('sends a batch of items at once and keeps the output in item order', async () => {
	const lofirmo = slowLofirmo();
	const batching = { options: { batching: { batch: { batchSize: 3, batchInterval: 0 } } } };
	const { output } = run((i) => status(i === 4 ? 5 : i, batching), {
		http: lofirmo.http,
		items: items(7),
	});
	const [result] = await output;
	expect(lofirmo.seen.maxInFlight).toBe(3);
	expect(result.map((item) => [item.json.contractId, item.pairedItem])).toEqual(
		[0, 1, 2, 3, 5, 5, 6].map((id, i) => [`C${id}`, { item: i }]),
	);
});

it('without Continue On Fail, lets the failing batch finish, stops there and names the item', async () => {
	const lofirmo = slowLofirmo();
	const batching = { options: { batching: { batch: { batchSize: 3 } } } };
	const error = await failure(
		run((i) => status(i, batching), { http: lofirmo.http, items: items(9) }).output,
	);
	expect(error.message).toContain('Res -3');
	expect(error.context.itemIndex).toBe(4);
	// batches [0-2] and [3-5] went out; [6-8] did not
	expect(lofirmo.seen.started.sort()).toEqual(['C0', 'C1', 'C2', 'C3', 'C4', 'C5']);
});

it('with Continue On Fail, puts the error item in its place', async () => {
	const lofirmo = slowLofirmo();
	const batching = { options: { batching: { batch: { batchSize: 4 } } } };
	const { output } = run((i) => status(i, batching), {
		http: lofirmo.http,
		items: items(6),
		continueOnFail: true,
	});
	const [result] = await output;
	expect(result.map((item) => item.json.error ?? item.json.contractId)).toEqual([
		'C0',
		'C1',
		'C2',
		'C3',
		expect.stringContaining('Res -3'),
		'C5',
	]);
});

it.each([0, 51, 2.5])('refuses %p items per batch before sending anything', async (batchSize) => {
	const lofirmo = slowLofirmo();
	const batching = { options: { batching: { batch: { batchSize } } } };
	const error = await failure(
		run((i) => status(i, batching), { http: lofirmo.http, items: items(2) }).output,
	);
	expect(error.message).toBe('Items per Batch must be a whole number from 1 to 50');
	expect(lofirmo.seen.started).toEqual([]);
});
