/** Identity Verification → Download Certificate: the PDF certificate of a finished verification (status 5100). */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { createChecks } from '../common/checks';
import { binaryPropertyField } from '../common/fields';
import { pdfItem } from '../common/output';

const properties: INodeProperties[] = [
	{
		displayName: 'Verification ID',
		name: 'verificationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1994779988',
		// the API spells this parameter `Id`
		// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-id
		description:
			'The "verificationId" output of Identity Verification → Send Request (or "ID" of a trigger event), a whole number. Sent as `Id`.',
	},
	binaryPropertyField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['identityVerification'], operation: ['downloadIdentityCertificate'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const hint = 'Map it from the output of Identity Verification → Send Request or from a Lofirmo Trigger event.';
	const Id = createChecks(this, itemIndex).numericId(
		'Verification ID',
		this.getNodeParameter('verificationId', itemIndex),
		hint,
	);

	return [
		await pdfItem(this, itemIndex, 'downloadIdentityCertificate', { Id }, `${Id}-identity-certificate.pdf`, {
			verificationId: Id,
			document: 'identityCertificate',
		}),
	];
}
