import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The user and password Lofirmo must send (HTTP Basic auth) when it calls the Lofirmo Trigger's URL. Nothing here
 * is sent anywhere: the trigger only compares what arrives with it. Kept in a credential so n8n stores it encrypted.
 */
export class LofirmoWebhookApi implements ICredentialType {
	name = 'lofirmoWebhookApi';

	displayName = 'Lofirmo Webhook API';

	icon: Icon = { light: 'file:../icons/lofirmo.svg', dark: 'file:../icons/lofirmo.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-lofirmo#lofirmo-trigger';

	properties: INodeProperties[] = [
		{
			displayName:
				'Enter the same user and password in the Lofirmo panel, where you set the URL for real-time reports with Basic authentication',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Use a long random value: anyone who knows it can post reports to the trigger',
		},
	];
}
