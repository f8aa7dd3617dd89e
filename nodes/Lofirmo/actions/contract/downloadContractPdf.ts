/** Contract → Download PDF: the certificate of a signed contract, or a signer's copy, as binary data. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { binaryPropertyName } from '../../shared/binaryProperty';
import { CONTRACT_DOCUMENT_VALUES, CONTRACT_PDF, contractPdf } from '../../shared/downloads';
import type { LofirmoRun } from '../../transport';
import { createChecks } from '../common/checks';
import { contractReference, contractReferenceFields, outputFileField } from '../common/fields';
import { pdfItem } from '../common/output';
import type { LofirmoProperties } from '../node.type';

export const option = {
	name: 'Download PDF',
	value: 'downloadContractPdf',
	description: 'Download the certificate of a signed contract, or the signer copy, as a PDF file',
	action: 'Download a contract PDF',
} as const;

export const toolDescription =
	"Downloads a contract's PDF from Lofirmo, the signature certificate or the signers' copy, and checks that it is a complete PDF. Answers with the file name and size; the PDF itself stays in n8n and is not passed to the model. Free. Needs the contractId and reportId that sending the contract answered. Only once every signer has signed and Lofirmo has certified the contract (status 1014); before that it fails and says so.";

export const apiFunction = CONTRACT_PDF;

export const properties: LofirmoProperties = [
	...contractReferenceFields,
	{
		displayName: 'Document',
		name: 'document',
		type: 'options',
		options: [
			{
				name: 'Certificate',
				value: 'CERTIFICADO',
				description:
					'The certificate with the signed document, ready once the contract is signed and certified (status 1014)',
			},
			{ name: 'Signer Copy', value: 'FIRMANTE', description: "The signers' copy of the document" },
		],
		default: 'CERTIFICADO',
		description: 'Which PDF to download. Sent as `Doc`.',
	},
	outputFileField,
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: LofirmoRun,
): Promise<INodeExecutionData[]> {
	const reference = contractReference(this, itemIndex);
	const document = createChecks(this, itemIndex).oneOf(
		'Document',
		this.getNodeParameter('document', itemIndex),
		CONTRACT_DOCUMENT_VALUES,
	);
	const property = binaryPropertyName(this.getNodeParameter('binaryPropertyName', itemIndex));
	return [
		await pdfItem(this, { itemIndex, run }, contractPdf(reference, document), property, {
			...reference,
			document,
		}),
	];
}
