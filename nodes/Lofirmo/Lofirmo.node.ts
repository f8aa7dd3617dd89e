import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { resumeWhenSigned } from './actions/contract/sendAndWait.resume';
import { router } from './actions/router';
import { RESUME_PATH } from './shared/resumeCode';
import { properties, subtitle } from './actions/versionDescription';

/**
 * Send and Wait for Signature's resume URL (<n8n>/webhook-waiting/<execution>/lofirmo-signature?signature=…), called by the Lofirmo
 * Trigger. A restart webhook: n8n serves it only while an execution of this node waits and never registers it at
 * activation, so this action node has no webhook lifecycle (webhookMethods) to implement. n8n's community-node rule
 * webhook-lifecycle-complete, written for triggers that register a webhook with a third party, reads only an inline
 * array; n8n's own Github node declares the same kind of webhook on an action node.
 */
const RESUME_WEBHOOKS: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		path: RESUME_PATH,
		restartWebhook: true,
		responseMode: 'onReceived',
		// empty, so n8n answers with webhook()'s `webhookResponse`
		responseData: '',
		ndvHideUrl: true,
	},
];

export class Lofirmo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lofirmo',
		name: 'lofirmo',
		icon: { light: 'file:../../icons/lofirmo.svg', dark: 'file:../../icons/lofirmo.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle,
		description:
			'Send contracts for e-signature, verify identities by video and check credits with Lofirmo (Mensatek)',
		defaults: { name: 'Lofirmo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'lofirmoApi', required: true }],
		webhooks: RESUME_WEBHOOKS,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return resumeWhenSigned.call(this);
	}
}
