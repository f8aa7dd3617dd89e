/** Contract → Cancel: closes a contract that is not finished; reminders stop. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { lofirmoApiRequest } from '../../transport';
import { contractReference, contractReferenceFields } from '../common/fields';
import { numberField } from '../common/output';

export const description = updateDisplayOptions(
	{ show: { resource: ['contract'], operation: ['cancelContract'] } },
	contractReferenceFields,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const reference = contractReference(this, itemIndex);
	const data = await lofirmoApiRequest.call(this, 'cancelContract', reference, { itemIndex });
	return [
		{
			json: {
				contractId: reference.Contratoid,
				reportId: reference.Reportid,
				cancelled: true,
				credits: numberField(data, 'Cred'),
				raw: data,
			},
		},
	];
}
