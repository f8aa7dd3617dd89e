/** Contract → Cancel: closes a contract that is not finished; reminders stop. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { contractParameters } from '../../shared/contractReference';
import { lofirmoApiRequest, type LofirmoFunction, type LofirmoRun } from '../../transport';
import { contractReference, contractReferenceFields } from '../common/fields';
import { numberField } from '../common/output';

export const option = {
	name: 'Cancel',
	value: 'cancelContract',
	description: 'Cancel a contract that is not finished yet; reminders stop',
	action: 'Cancel a contract',
} as const;

export const toolDescription =
	'Cancels a contract that is not finished: its signers can no longer sign and reminders stop. It cannot be undone, and Lofirmo does not say that it gives credits back. Call it only when the user asked to cancel this contract. Needs the contractId and reportId that sending the contract answered.';

export const apiFunction: LofirmoFunction = {
	key: 'cancelContract',
	path: '/CancelarContrato',
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
	return [
		{ json: { ...reference, cancelled: true, credits: numberField(data, 'Cred'), raw: data } },
	];
}
