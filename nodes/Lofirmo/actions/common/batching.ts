/**
 * Options → Batching, as in n8n's HTTP Request node: how many items are sent to Lofirmo at the same time, and an
 * optional pause between batches. Without it, items are sent one after another.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import * as credits from '../account/credits';
import type { LofirmoProperties } from '../node.type';
import { createChecks } from './checks';

export const optionsField: LofirmoProperties[number] = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	// Get Credits calls Lofirmo once per run, whatever the items: there is nothing to batch
	displayOptions: { hide: { operation: [credits.option.value] } },
	options: [
		{
			displayName: 'Batching',
			name: 'batching',
			placeholder: 'Add Batching',
			type: 'fixedCollection',
			typeOptions: { multipleValues: false },
			default: { batch: {} },
			options: [
				{
					displayName: 'Batching',
					name: 'batch',
					values: [
						{
							displayName: 'Items per Batch',
							name: 'batchSize',
							type: 'number',
							typeOptions: { minValue: 1, maxValue: 50 },
							default: 10,
							description:
								'How many items are sent to Lofirmo at the same time (1 to 50). The next batch starts when every item of this one has its answer. Without Batching, items are sent one after another.',
						},
						{
							displayName: 'Batch Interval (Ms)',
							name: 'batchInterval',
							type: 'number',
							typeOptions: { minValue: 0 },
							default: 0,
							description:
								'Pause between batches, in milliseconds, e.g. to stay under a rate limit. 0 for none.',
						},
					],
				},
			],
		},
	],
};

export interface Batching {
	size: number;
	intervalMs: number;
}

/** The batching the user chose; one item at a time with no pause when the option is not added. */
export function readBatching(ctx: IExecuteFunctions): Batching {
	const batch = ctx.getNodeParameter('options.batching.batch', 0, {}) as IDataObject;
	const check = createChecks(ctx, 0);
	return {
		size:
			batch.batchSize === undefined ? 1 : check.integer('Items per Batch', batch.batchSize, 1, 50),
		intervalMs:
			batch.batchInterval === undefined
				? 0
				: check.integer('Batch Interval (Ms)', batch.batchInterval, 0),
	};
}
