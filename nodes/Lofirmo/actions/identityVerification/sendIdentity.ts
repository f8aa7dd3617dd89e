/**
 * Identity Verification → Send Request (`/VerificarIdentidad`): texts a person a link to verify their identity by
 * video with their ID card. It costs credits, so every value is checked before the call.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { lofirmoApiRequest, type LofirmoFunction, type LofirmoRun } from '../../transport';
import { compact, createChecks, optionalFields } from '../common/checks';
import { additionalFields, messageField, MOBILE_FORMAT, senderNameField } from '../common/fields';
import { numberField, textField } from '../common/output';
import type { LofirmoProperties } from '../node.type';

export const option = {
	name: 'Send Request',
	value: 'sendIdentity',
	description:
		'Text a person a link to verify their identity by video with their ID card (uses credits)',
	action: 'Send an identity verification request',
} as const;

export const toolDescription =
	"Sends a person an SMS with a link to verify their identity by video with their ID card. It spends credits of the Lofirmo account and messages a real person, so call it only when the user asked to verify this person, and never twice for one request. Needs the person's mobile with the country code, e.g. 34600000001. Answers with verificationId; the result comes later, once the person has finished (status 5100), and its certificate can then be downloaded with that verificationId.";

export const apiFunction: LofirmoFunction = {
	key: 'sendIdentity',
	path: '/VerificarIdentidad',
	documented: true,
	changes: true,
};

export const properties: LofirmoProperties = [
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

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: LofirmoRun,
): Promise<INodeExecutionData[]> {
	const check = createChecks(this, itemIndex);
	const optional = optionalFields(
		this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject,
	);
	const mobile = check.mobile('Mobile', this.getNodeParameter('mobile', itemIndex));
	const message = optional('message', (value) => check.message(value));
	const expectedIdNumber = optional('expectedIdNumber', (value) =>
		check.text('Expected ID Number', value),
	);
	const scheduledFor = optional('scheduledFor', (value) => check.schedule('Scheduled For', value));
	const senderName = optional('senderName', (value) => check.senderName(value));

	const body = compact({
		Telefono: mobile,
		Mensaje: message,
		Dni: expectedIdNumber,
		Fecha: scheduledFor,
		Remitente: senderName,
	});
	const data = await lofirmoApiRequest.call(this, apiFunction, body, { itemIndex, run });
	return [
		{
			json: {
				verificationId: textField(data, 'ID'),
				credits: numberField(data, 'Cred'),
				scheduledFor: scheduledFor ?? null,
				raw: data,
			},
		},
	];
}
