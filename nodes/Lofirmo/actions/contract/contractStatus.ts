/**
 * Contract → Get Status: where a contract stands now. Lofirmo recommends the webhook (Lofirmo Trigger) for
 * status changes; this is for an occasional check.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { contractParameters } from '../../shared/contractReference';
import { contractStatusLabel } from '../../shared/status';
import { lofirmoApiRequest, type LofirmoFunction, type LofirmoRun } from '../../transport';
import { contractReference, contractReferenceFields } from '../common/fields';
import { numberField, textField } from '../common/output';

export const option = {
	name: 'Get Status',
	value: 'contractStatus',
	description: 'Get the current status of a contract and how many signers have signed',
	action: 'Get the status of a contract',
} as const;

export const toolDescription =
	'Gets the current status of a contract sent with Lofirmo: the status code (11: sent, waiting for signatures; 1014: signed by everyone and certified), when it was sent and signed, and how many of its signers have signed. Free: spends no credits and messages nobody. Needs the contractId and reportId that sending the contract answered; Lofirmo cannot find a contract by person, name or reference.';

export const apiFunction: LofirmoFunction = {
	key: 'contractStatus',
	path: '/EstadoContrato',
	documented: false,
	changes: false,
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
		{
			json: {
				...reference,
				...statusFields(data),
				credits: numberField(data, 'Cred'),
				raw: data,
			},
		},
	];
}

/** Where a contract stands, from Lofirmo's status answer (also what a resumed Send and Wait for Signature outputs). */
export function statusFields(data: IDataObject): IDataObject {
	const status = textField(data, 'Estado');
	return {
		status,
		statusLabel: contractStatusLabel(status ?? undefined),
		// Spain time (CET/CEST), as Lofirmo writes it: YYYY-MM-DD HH:MM
		sentAt: textField(data, 'FechaEnvio'),
		signedAt: textField(data, 'FechaFirma'),
		signers: numberField(data, 'Firmantes'),
		signed: numberField(data, 'Firmados'),
	};
}
