/**
 * Runs the chosen operation for each input item (one after another, or a batch at a time: Options → Batching), pairs
 * every output with its item, keeps the items' order, and honours Continue On Fail.
 */
import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { LofirmoRun } from '../transport';
import { readBatching } from './common/batching';
import { findOperation } from './operations';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	// both are set in the editor and cannot vary per item (noDataExpression)
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = findOperation(resource, operation);
	const batching = readBatching(this);
	// everything the items of this run share (the credential, a refused credential, Get Credits' answer)
	const run = new LofirmoRun(this);

	const runItem = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		try {
			if (!handler) {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" is not supported for "${resource}"`,
					{
						itemIndex,
					},
				);
			}
			const results = await handler.execute.call(this, itemIndex, run);
			return results.map((result) => ({ ...result, pairedItem: { item: itemIndex } }));
		} catch (error) {
			if (this.continueOnFail()) {
				return [{ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } }];
			}
			throw asNodeError(this.getNode(), error, itemIndex);
		}
	};

	const returnData: INodeExecutionData[] = [];
	for (let start = 0; start < items.length; start += batching.size) {
		if (start > 0 && batching.intervalMs > 0) await sleep(batching.intervalMs);
		const batch = Array.from(
			{ length: Math.min(batching.size, items.length - start) },
			(_, i) => start + i,
		);
		// every item of a batch is answered before the first failure (in item order) stops the node
		const settled = await Promise.allSettled(batch.map(runItem));
		for (const outcome of settled) {
			if (outcome.status === 'rejected') throw outcome.reason;
			returnData.push(...outcome.value);
		}
	}
	return [handler?.finish ? await handler.finish.call(this, returnData, run) : returnData];
}

/** Our own errors already carry the item and a description; anything else is wrapped so n8n shows it properly. */
function asNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
