import type { INodeProperties } from 'n8n-workflow';

import * as downloadIdentityCertificate from './downloadIdentityCertificate';
import * as sendIdentity from './sendIdentity';

/** The operations of this resource by their `operation` value. */
export const operations = { downloadIdentityCertificate, sendIdentity };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['identityVerification'] } },
		options: [
			{
				name: 'Download Certificate',
				value: 'downloadIdentityCertificate',
				description: 'Download the PDF certificate of a finished identity verification (status 5100)',
				action: 'Download an identity verification certificate',
			},
			{
				name: 'Send Request',
				value: 'sendIdentity',
				description: 'Text a person a link to verify their identity by video with their ID card (uses credits)',
				action: 'Send an identity verification request',
			},
		],
		default: 'sendIdentity',
	},
	...sendIdentity.description,
	...downloadIdentityCertificate.description,
];
