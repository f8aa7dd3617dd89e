/** Contract → Send: the signers, given in fields or as JSON, and how they are read and checked. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { getField } from '../../shared/fields';
import { isBlank, type Checks } from '../common/checks';
import { keyValueField, keyValueObject, MOBILE_FORMAT } from '../common/fields';
import type { LofirmoProperties } from '../node.type';

/** Signer keys the node fills from its own fields; a signer variable may not reuse them. */
const SIGNER_KEYS = ['Nombre', 'NIF', 'Email', 'Telefono'];

export const signerFields: LofirmoProperties = [
	{
		displayName: 'Signers Input',
		name: 'signersInput',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Using Fields Below',
				value: 'fields',
				description: 'Enter each signer in the fields below',
			},
			{
				name: 'Using JSON',
				value: 'json',
				description: 'Give the whole signer list as JSON, e.g. mapped from a previous node',
			},
		],
		default: 'fields',
	},
	{
		displayName: 'Signers',
		name: 'signers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Signer',
		default: {},
		required: true,
		displayOptions: { show: { signersInput: ['fields'] } },
		description:
			'Who must sign, in signing order. Each signer needs a name and an email or a mobile. Sent as `Firmantes`.',
		options: [
			{
				displayName: 'Signer',
				name: 'signer',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						required: true,
						default: '',
						placeholder: 'e.g. Ana García',
						description:
							"Signer's full name, available in the message as [NOMBRE]. Sent as `Nombre`.",
					},
					{
						displayName: 'Tax ID (NIF)',
						name: 'taxId',
						type: 'string',
						default: '',
						placeholder: 'e.g. 00000000T',
						description:
							"Signer's tax ID (NIF/DNI), available in the message as [NIF]. Sent as `NIF`.",
					},
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						placeholder: 'name@email.com',
						default: '',
						description: "Signer's email address. Sent as `Email`.",
					},
					{
						displayName: 'Mobile',
						name: 'mobile',
						type: 'string',
						default: '',
						placeholder: 'e.g. 34600000001',
						description: `Signer's mobile ${MOBILE_FORMAT}. Sent as \`Telefono\` (the vendor has not published this key for contracts; it is the one its identity API uses).`,
					},
					keyValueField(
						{
							displayName: 'Variables',
							name: 'variables',
							placeholder: 'Add Variable',
							description:
								'Extra data for this signer that the message and templates can use, e.g. name "Empresa" is written [EMPRESA] in the message. Sent as extra keys of the signer.',
						},
						'Variable name without brackets, e.g. Empresa for [EMPRESA]',
					),
				],
			},
		],
	},
	{
		displayName: 'Signers (JSON)',
		name: 'signersJson',
		type: 'json',
		required: true,
		default: '[]',
		displayOptions: { show: { signersInput: ['json'] } },
		placeholder:
			'[{"Nombre": "Ana García", "NIF": "00000000T", "Email": "ana@example.com", "Telefono": "34600000001"}]',
		description:
			"A JSON array of signers with the API's keys: `Nombre` (required), `NIF`, `Email`, `Telefono` (an email or a mobile is required), plus any extra keys as message variables. A JSON string or an array/object from an expression both work. Sent as `Firmantes`.",
	},
];

/** The signer list from the fields or from JSON, each checked the same way. */
export function readSigners(
	ctx: IExecuteFunctions,
	itemIndex: number,
	check: Checks,
): IDataObject[] {
	const mode = ctx.getNodeParameter('signersInput', itemIndex, 'fields') as string;
	if (mode === 'json') {
		const list = check.objectList(
			'Signers (JSON)',
			ctx.getNodeParameter('signersJson', itemIndex, '[]'),
			'[{"Nombre": "Ana García", "Email": "ana@example.com"}]',
		);
		return checkSigners(check, list, 'json');
	}

	const rows = ((ctx.getNodeParameter('signers', itemIndex, {}) as IDataObject).signer ??
		[]) as IDataObject[];
	const signers = rows.map((row, index) => {
		const variables = keyValueObject(check, `Signer ${index + 1} Variables`, row.variables);
		const clash = Object.keys(variables).find((key) =>
			SIGNER_KEYS.some((own) => own.toLowerCase() === key.toLowerCase()),
		);
		if (clash !== undefined) {
			throw check.fail(
				`Signer ${index + 1} has a variable named "${clash}"`,
				`${SIGNER_KEYS.join(', ')} come from the signer's own fields; fill in those fields instead, or rename the variable.`,
			);
		}
		return {
			Nombre: row.name,
			NIF: row.taxId,
			Email: row.email,
			Telefono: row.mobile,
			...variables,
		};
	});
	return checkSigners(check, signers, 'fields');
}

/**
 * At least one signer; each with a name and an email or a mobile (Lofirmo needs a way to send the link).
 * Mobiles are normalised to international digits; keys are matched case-insensitively, as the API reads them.
 */
function checkSigners(
	check: Checks,
	signers: IDataObject[],
	mode: 'fields' | 'json',
): IDataObject[] {
	const names =
		mode === 'json'
			? {
					list: 'Signers (JSON)',
					name: '"Nombre"',
					taxId: '"NIF"',
					email: '"Email"',
					mobile: '"Telefono"',
				}
			: { list: 'Signers', name: 'Name', taxId: 'Tax ID (NIF)', email: 'Email', mobile: 'Mobile' };
	if (signers.length === 0) {
		throw check.fail('No signers given', `Add at least one signer to ${names.list}.`);
	}
	return signers.map((signer, index) => {
		const label = `Signer ${index + 1}${mode === 'json' ? ' in Signers (JSON)' : ''}`;
		const entries: Array<[string, unknown]> = [];
		for (const [key, value] of Object.entries(signer)) {
			const own = SIGNER_KEYS.find((name) => name.toLowerCase() === key.toLowerCase());
			if (own !== undefined && isBlank(value)) continue;
			if (own === 'Email') entries.push([key, check.email(`${label} ${names.email}`, value)]);
			else if (own === 'Telefono')
				entries.push([key, check.mobile(`${label} ${names.mobile}`, value)]);
			else if (own === 'Nombre') entries.push([key, check.text(`${label} ${names.name}`, value)]);
			else if (own === 'NIF') entries.push([key, check.text(`${label} ${names.taxId}`, value)]);
			else entries.push([key, typeof value === 'string' ? value.trim() : value]);
		}
		// fromEntries defines own properties: a "__proto__" key stays a plain key (an assignment would set the
		// prototype, and the signer would then seem to have a name or an email it does not have)
		const result = Object.fromEntries(entries) as IDataObject;
		if (isBlank(getField(result, 'Nombre'))) {
			throw check.fail(
				`${label} has no name`,
				`Fill in ${names.name}: Lofirmo addresses each signer by name.`,
			);
		}
		if (isBlank(getField(result, 'Email')) && isBlank(getField(result, 'Telefono'))) {
			throw check.fail(
				`${label} has neither an email nor a mobile`,
				`Fill in ${names.email} or ${names.mobile} (or both): Lofirmo sends the signing link there.`,
			);
		}
		return result;
	});
}
