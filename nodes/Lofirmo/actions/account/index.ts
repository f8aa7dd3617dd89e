import type { INodeProperties } from 'n8n-workflow';

import * as credits from './credits';

/** The operations of this resource by their `operation` value. */
export const operations = { credits };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Credits',
				value: 'credits',
				description: 'Get the number of credits left in the Lofirmo account',
				action: 'Get the account credits',
			},
		],
		default: 'credits',
	},
	...credits.description,
];
