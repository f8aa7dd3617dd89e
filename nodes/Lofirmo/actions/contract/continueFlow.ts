/**
 * Contract → Continue Signature Flow: pushes a contract on at once, e.g. resends the request to the next signer who
 * has not signed (trying the next channel when Alternate Channels is on). The vendor allows 2 per day per contract.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { lofirmoApiRequest } from '../../transport';
import { contractReference, contractReferenceFields } from '../common/fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['contract'], operation: ['continueFlow'] } },
	contractReferenceFields,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const reference = contractReference(this, itemIndex);
	const data = await lofirmoApiRequest.call(this, 'continueFlow', reference, { itemIndex });
	return [{ json: { contractId: reference.Contratoid, reportId: reference.Reportid, continued: true, raw: data } }];
}
