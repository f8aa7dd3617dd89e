import type { INodeProperties } from 'n8n-workflow';

import * as cancelContract from './cancelContract';
import * as continueFlow from './continueFlow';
import * as contractStatus from './contractStatus';
import * as downloadContractPdf from './downloadContractPdf';
import * as sendContract from './sendContract';

/** The operations of this resource by their `operation` value. */
export const operations = { cancelContract, continueFlow, contractStatus, downloadContractPdf, sendContract };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contract'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancelContract',
				description: 'Cancel a contract that is not finished yet; reminders stop',
				action: 'Cancel a contract',
			},
			{
				name: 'Continue Signature Flow',
				value: 'continueFlow',
				description:
					'Push a contract on now, e.g. resend the request to the next signer who has not signed. Lofirmo allows 2 per day per contract.',
				action: 'Continue the signature flow of a contract',
			},
			{
				name: 'Download PDF',
				value: 'downloadContractPdf',
				description: 'Download the certificate of a signed contract, or the signer copy, as a PDF file',
				action: 'Download a contract PDF',
			},
			{
				name: 'Get Status',
				value: 'contractStatus',
				description: 'Get the current status of a contract and how many signers have signed',
				action: 'Get the status of a contract',
			},
			{
				name: 'Send',
				value: 'sendContract',
				description: 'Send documents for electronic signature to one or more signers (uses credits)',
				action: 'Send a contract for signature',
			},
		],
		default: 'sendContract',
	},
	...sendContract.description,
	...continueFlow.description,
	...cancelContract.description,
	...contractStatus.description,
	...downloadContractPdf.description,
];
