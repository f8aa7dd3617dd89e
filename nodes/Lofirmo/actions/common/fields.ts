/** Field descriptions used by more than one operation, built once. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { binaryPropertyField } from '../../shared/binaryProperty';
import type { ContractReference } from '../../shared/contractReference';
import type { LofirmoProperties } from '../node.type';
import { createChecks, type Checks } from './checks';

/** Contract ID + Report ID: what Continue, Cancel, Get Status and Download PDF need to find a contract. */
export const contractReferenceFields: LofirmoProperties = [
	{
		displayName: 'Contract ID',
		name: 'contractId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1994779988',
		description:
			'The contract to act on: the "contractId" output of Contract → Send (or "ContratoID" of a trigger event). Sent as `Contratoid`.',
	},
	{
		displayName: 'Report ID',
		name: 'reportId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1994779988',
		description:
			'The "reportId" output of Contract → Send (or "ReportID" of a trigger event), a whole number. Sent as `Reportid`.',
	},
];

/** Reads and checks Contract ID + Report ID. */
export function contractReference(ctx: IExecuteFunctions, itemIndex: number): ContractReference {
	const check = createChecks(ctx, itemIndex);
	const hint = 'Map it from the output of Contract → Send or from a Lofirmo Trigger event.';
	return {
		contractId: check.required('Contract ID', ctx.getNodeParameter('contractId', itemIndex), hint),
		reportId: check.numericId('Report ID', ctx.getNodeParameter('reportId', itemIndex), hint),
	};
}

/** The optional fields of an operation, under "Additional Fields" as in n8n's own nodes. */
export function additionalFields(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options,
	};
}

/** How a mobile number is written, for the descriptions of mobile fields. */
export const MOBILE_FORMAT =
	'in international format with the country code, e.g. 34600000001 (spaces, + and dashes are removed)';

/** Where a download puts its PDF. */
export const outputFileField = binaryPropertyField({
	displayName: 'Put Output File in Field',
	hint: 'The name of the output binary field to put the PDF in',
	description:
		'Name of the binary field that receives the downloaded PDF, for the next nodes to read',
});

/** `Remitente`, used by both sends. */
export const senderNameField: INodeProperties = {
	displayName: 'Sender Name',
	name: 'senderName',
	type: 'string',
	default: '',
	placeholder: 'e.g. MyCompany',
	description:
		'What the SMS shows as "message from…", usually your brand. Sent as `Remitente`. Max 11 characters.',
};

/** `Mensaje`, used by both sends with a description of what that send's message can hold. */
export function messageField(description: string): INodeProperties {
	return {
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'e.g. Hello [NOMBRE], please sign here: [LINK]',
		description: `${description} Must contain [LINK], which Lofirmo replaces with the link. Sent as \`Mensaje\`.`,
	};
}

/** A list of name/value pairs (signer variables, template personalization). */
export function keyValueField(
	field: { displayName: string; name: string; placeholder: string; description: string },
	nameDescription: string,
): INodeProperties {
	return {
		...field,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						description: nameDescription,
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
					},
				],
			},
		],
	};
}

/**
 * The `{ variable: [{ name, value }] }` of a keyValueField as a plain object; names must be unique and non-empty,
 * and names and values single values (an expression can give an object or a list).
 */
export function keyValueObject(check: Checks, field: string, collection: unknown): IDataObject {
	const rows = ((collection as IDataObject | undefined)?.variable ?? []) as IDataObject[];
	const entries: Array<[string, string]> = [];
	rows.forEach((row, index) => {
		// "[EMPRESA]" is how a variable is written inside a message; the key itself has no brackets
		const name = check
			.text(`${field} variable ${index + 1} name`, row.name)
			.replace(/^\[(.*)\]$/, '$1');
		check.text(`${field} variable ${index + 1} value`, row.value);
		if (name === '')
			throw check.fail(
				`${field} has a variable without a name`,
				'Give every variable a name, or remove the empty row.',
			);
		if (entries.some(([key]) => key.toLowerCase() === name.toLowerCase())) {
			throw check.fail(
				`${field} has the variable "${name}" twice`,
				'Lofirmo reads names case-insensitively: keep one of them.',
			);
		}
		entries.push([name, row.value === undefined || row.value === null ? '' : String(row.value)]);
	});
	// built from entries so that a variable named "__proto__" is kept as a variable, not taken as the prototype
	return Object.fromEntries(entries);
}
