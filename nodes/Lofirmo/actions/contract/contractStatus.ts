/**
 * Contract → Get Status: where a contract stands now. Lofirmo recommends the webhook (Lofirmo Trigger) for
 * status changes; this is for an occasional check.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { contractStatusLabel } from '../../shared/status';
import { lofirmoApiRequest } from '../../transport';
import { contractReference, contractReferenceFields } from '../common/fields';
import { numberField, textField } from '../common/output';

export const description = updateDisplayOptions(
	{ show: { resource: ['contract'], operation: ['contractStatus'] } },
	contractReferenceFields,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const reference = contractReference(this, itemIndex);
	const data = await lofirmoApiRequest.call(this, 'contractStatus', reference, { itemIndex });
	const status = textField(data, 'Estado');
	return [
		{
			json: {
				contractId: reference.Contratoid,
				reportId: reference.Reportid,
				status,
				statusLabel: contractStatusLabel(status ?? undefined),
				// Spain time (CET/CEST), as Lofirmo writes it: YYYY-MM-DD HH:MM
				sentAt: textField(data, 'FechaEnvio'),
				signedAt: textField(data, 'FechaFirma'),
				signers: numberField(data, 'Firmantes'),
				signed: numberField(data, 'Firmados'),
				credits: numberField(data, 'Cred'),
				raw: data,
			},
		},
	];
}
