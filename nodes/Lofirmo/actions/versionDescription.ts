/**
 * The action node's fields and canvas subtitle (n8n's versionDescription.ts pattern), built from the operation files.
 * The node class keeps the rest of its description inline: n8n's community-node checks read its icon and credentials
 * there.
 */
import type { INodeProperties } from 'n8n-workflow';

import { optionsField } from './common/batching';
import { operations, resources } from './operations';

// The canvas shows what the node does ("Send a contract for signature"), not the internal operation value.
const actionByOperation = Object.fromEntries(
	operations.map(({ option }) => [option.value, option.action]),
);

export const subtitle = `={{ ${JSON.stringify(actionByOperation)}[$parameter["operation"]] }}`;

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources.map((resource) => resource.option),
		default: 'contract',
	},
	...resources.flatMap((resource) => resource.properties),
	optionsField,
];
