/** Runs the chosen operation for each input item, pairs every output with its item, and honours Continue On Fail. */
import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as account from './account';
import * as contract from './contract';
import * as identityVerification from './identityVerification';

interface Operation {
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
}

const resources: Record<string, Record<string, Operation>> = {
	contract: contract.operations,
	identityVerification: identityVerification.operations,
	account: account.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];
	// both are set in the editor and cannot vary per item (noDataExpression)
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler: Operation | undefined = resources[resource]?.[operation];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (!handler) {
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`, {
					itemIndex,
				});
			}
			const results = await handler.execute.call(this, itemIndex);
			returnData.push(...results.map((result) => ({ ...result, pairedItem: { item: itemIndex } })));
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
				continue;
			}
			throw asNodeError(this.getNode(), error, itemIndex);
		}
	}
	return [returnData];
}

/** Our own errors already carry the item and a description; anything else is wrapped so n8n shows it properly. */
function asNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
