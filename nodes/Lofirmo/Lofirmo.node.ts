import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { properties, subtitle } from './actions/versionDescription';

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
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
