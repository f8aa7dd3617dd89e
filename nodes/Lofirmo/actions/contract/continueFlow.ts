/**
 * Contract → Continue Signature Flow: pushes a contract on at once, e.g. resends the request to the next signer who
 * has not signed (trying the next channel when Alternate Channels is on). The vendor allows 2 per day per contract.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { contractParameters } from '../../shared/contractReference';
import { lofirmoApiRequest, type LofirmoFunction, type LofirmoRun } from '../../transport';
import { contractReference, contractReferenceFields } from '../common/fields';

export const option = {
	name: 'Continue Signature Flow',
	value: 'continueFlow',
	description:
		'Push a contract on now, e.g. resend the request to the next signer who has not signed. Lofirmo allows 2 per day per contract.',
	action: 'Continue the signature flow of a contract',
} as const;

export const toolDescription =
	"Pushes a contract's signature flow on now, e.g. sends the signing request again to the next signer who has not signed yet, so it messages that person. Lofirmo allows 2 per contract per day; a third call that day fails. Needs the contractId and reportId that sending the contract answered.";

export const apiFunction: LofirmoFunction = {
	key: 'continueFlow',
	path: '/ContinuarFlujo',
	documented: false,
	changes: true,
};

export const properties = contractReferenceFields;

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: LofirmoRun,
): Promise<INodeExecutionData[]> {
	const reference = contractReference(this, itemIndex);
	const data = await lofirmoApiRequest.call(this, apiFunction, contractParameters(reference), {
		itemIndex,
		run,
	});
	return [{ json: { ...reference, continued: true, raw: data } }];
}
