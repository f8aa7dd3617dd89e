import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account';
import * as contract from './actions/contract';
import * as identityVerification from './actions/identityVerification';
import { router } from './actions/router';

export class Lofirmo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lofirmo',
		name: 'lofirmo',
		icon: { light: 'file:../../icons/lofirmo.svg', dark: 'file:../../icons/lofirmo.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Send contracts for e-signature, verify identities by video and check credits with Lofirmo (Mensatek)',
		defaults: { name: 'Lofirmo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'lofirmoApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Contract', value: 'contract' },
					{ name: 'Identity Verification', value: 'identityVerification' },
				],
				default: 'contract',
			},
			...contract.description,
			...identityVerification.description,
			...account.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
