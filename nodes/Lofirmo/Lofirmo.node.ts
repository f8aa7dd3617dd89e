import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account';
import { optionsField } from './actions/common/batching';
import * as contract from './actions/contract';
import * as identityVerification from './actions/identityVerification';
import { router } from './actions/router';

const resourceFields: INodeProperties[] = [
	...contract.description,
	...identityVerification.description,
	...account.description,
];

// The canvas shows what the node does ("Send a contract for signature"), not the internal operation value.
const actionByOperation = Object.fromEntries(
	resourceFields
		.filter((field) => field.name === 'operation')
		.flatMap((field) => (field.options as INodePropertyOptions[]).map((option) => [option.value, option.action])),
);

export class Lofirmo implements INodeType {
	// eslint-disable-next-line n8n-nodes-base/node-class-description-missing-subtitle -- the subtitle is there; the rule only recognises a plain string
	description: INodeTypeDescription = {
		displayName: 'Lofirmo',
		name: 'lofirmo',
		icon: { light: 'file:../../icons/lofirmo.svg', dark: 'file:../../icons/lofirmo.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: `={{ ${JSON.stringify(actionByOperation)}[$parameter["operation"]] }}`,
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
			...resourceFields,
			optionsField,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
