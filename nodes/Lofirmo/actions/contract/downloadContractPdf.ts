/** Contract → Download PDF: the certificate of a signed contract, or a signer's copy, as binary data. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { createChecks } from '../common/checks';
import { binaryPropertyField, contractReference, contractReferenceFields } from '../common/fields';
import { pdfItem } from '../common/output';

/** `Doc` values and the file-name suffix of each. */
const DOCUMENTS = { CERTIFICADO: 'certificate', FIRMANTE: 'signer-copy' } as const;
type Document = keyof typeof DOCUMENTS;

const properties: INodeProperties[] = [
	...contractReferenceFields,
	{
		displayName: 'Document',
		name: 'document',
		type: 'options',
		options: [
			{
				name: 'Certificate',
				value: 'CERTIFICADO',
				description: 'The certificate with the signed document, ready once the contract is signed and certified (status 1014)',
			},
			{ name: 'Signer Copy', value: 'FIRMANTE', description: "The signers' copy of the document" },
		],
		default: 'CERTIFICADO',
		description: 'Which PDF to download. Sent as `Doc`.',
	},
	binaryPropertyField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contract'], operation: ['downloadContractPdf'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const reference = contractReference(this, itemIndex);
	const Doc = createChecks(this, itemIndex).oneOf(
		'Document',
		this.getNodeParameter('document', itemIndex),
		Object.keys(DOCUMENTS) as Document[],
	);
	return [
		await pdfItem(this, itemIndex, 'downloadContractPdf', { ...reference, Doc }, `${reference.Contratoid}-${DOCUMENTS[Doc]}.pdf`, {
			contractId: reference.Contratoid,
			reportId: reference.Reportid,
			document: Doc,
		}),
	];
}
