/**
 * Identity Verification → Send Request (`/VerificarIdentidad`): texts a person a link to verify their identity by
 * video with their ID card. It costs credits, so every value is checked before the call.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { lofirmoApiRequest } from '../../transport';
import { compact, createChecks, isBlank } from '../common/checks';
import { additionalFields, messageField, MOBILE_FORMAT, senderNameField } from '../common/fields';
import { numberField, textField } from '../common/output';

const properties: INodeProperties[] = [
	{
		displayName: 'Mobile',
		name: 'mobile',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 34600000001',
		description: `Mobile of the person to verify, ${MOBILE_FORMAT}. Sent as \`Telefono\`.`,
	},
	additionalFields([
		{
			displayName: 'Expected ID Number',
			name: 'expectedIdNumber',
			type: 'string',
			default: '',
			placeholder: 'e.g. 00000000T',
			description:
				'The ID card number you expect; the result then says whether the ID shown matches it. Sent as `Dni`.',
		},
		messageField('SMS the person receives with the verification link.'),
		{
			displayName: 'Scheduled For',
			name: 'scheduledFor',
			type: 'dateTime',
			default: '',
			description:
				'When to send the request; empty sends it now. Lofirmo reads Spain time (Europe/Madrid, CET/CEST): a picked date or an ISO date without offset is read in the workflow\'s time zone and converted; a date with an offset is converted; "YYYY-MM-DD HH:MM" is taken as Spain time. Sent as `Fecha`.',
		},
		senderNameField,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['identityVerification'], operation: ['sendIdentity'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const check = createChecks(this, itemIndex);
	const extra = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const given = (key: string) => !isBlank(extra[key]);

	const body = compact({
		Telefono: check.mobile('Mobile', this.getNodeParameter('mobile', itemIndex)),
		Mensaje: given('message') ? check.message(extra.message) : undefined,
		Dni: check.text(extra.expectedIdNumber, 'Expected ID Number'),
		Fecha: given('scheduledFor') ? check.schedule('Scheduled For', extra.scheduledFor) : undefined,
		Remitente: given('senderName') ? check.senderName(extra.senderName) : undefined,
	});

	const data = await lofirmoApiRequest.call(this, 'sendIdentity', body, { itemIndex });
	return [
		{
			json: {
				verificationId: textField(data, 'ID'),
				credits: numberField(data, 'Cred'),
				scheduledFor: (body.Fecha as string | undefined) ?? null,
				raw: data,
			},
		},
	];
}
