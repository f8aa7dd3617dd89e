/**
 * The trigger's fields (n8n's versionDescription.ts pattern). The node class keeps the rest of its description inline:
 * n8n's community-node checks read its icon and credentials there.
 *
 * Versions live side by side the way n8n's Webhook node keeps its minor versions: one class, `version: [1, 1.1]` in
 * it (with `defaultVersion`), a field that differs shown with `displayOptions: { show: { '@version': [...] } }`, and
 * webhook() reading `this.getNode().typeVersion` where behaviour differs (1.1: how the body is read; the fields are
 * the same). A minor version changes a few fields and defaults; a VersionedNodeType (Airtable's way) would copy the
 * whole node per version, which pays off only for a rewrite.
 */
import type { INodeProperties } from 'n8n-workflow';

import { binaryPropertyField } from '../shared/binaryProperty';
import { CONTRACT_CERTIFIED, IDENTITY_CERTIFIED } from '../shared/status';
import { CONTRACT_EVENT, IDENTITY_EVENT } from './report';

export const DEFAULT_TIME_LIMIT_SECONDS = 20;
/** Lofirmo will not wait longer than this for an answer anyway; it also keeps the timer in range. */
export const MAX_TIME_LIMIT_SECONDS = 300;

export const properties: INodeProperties[] = [
	{
		displayName:
			'Lofirmo has no API to register webhooks, so set this up once in your Lofirmo user panel (API configuration, real-time reports): paste this node\'s Production URL (under Webhook URLs above), choose JSON (FORM-DATA works too) and, if you pick Basic Auth below, enter the same user and password there. Then activate the workflow. To try it first, click "Execute step" here (n8n then listens for a test event) and have Lofirmo send to the Test URL.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{
				name: 'Basic Auth',
				value: 'basicAuth',
				description:
					'Lofirmo must send the user and password of the credential; other calls get HTTP 401',
			},
			{ name: 'None', value: 'none', description: 'Anyone who knows the URL can post reports' },
		],
		default: 'none',
		description:
			'Whether the URL accepts only calls with the user and password set in the Lofirmo panel',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: [
			{
				name: 'Contract Status Changed',
				value: CONTRACT_EVENT,
				description: 'Reports with Servicio CONTRATACION',
			},
			{
				name: 'Identity Verification Status Changed',
				value: IDENTITY_EVENT,
				description: 'Reports with Servicio VERIFICACION_IDENTIDAD',
			},
		],
		default: [CONTRACT_EVENT, IDENTITY_EVENT],
		description:
			'Which reports start the workflow. None selected means all. A report of a service this node does not know always starts it, with event "unknown".',
	},
	{
		displayName: 'Status Codes',
		name: 'statusCodes',
		type: 'multiOptions',
		options: [
			{ name: `${CONTRACT_CERTIFIED} - Contract Signed and Certified`, value: CONTRACT_CERTIFIED },
			{
				name: `${IDENTITY_CERTIFIED} - Identity Verified, Certificate Ready`,
				value: IDENTITY_CERTIFIED,
			},
		],
		default: [],
		description:
			'Only reports with these statuses start the workflow. Leave empty (and Other Status Codes too) for every status. Lofirmo has published only these two codes. A report with no status always starts it.',
	},
	{
		displayName: 'Other Status Codes',
		name: 'otherStatusCodes',
		type: 'string',
		default: '',
		placeholder: 'e.g. 11, 5001',
		description: 'More status codes to accept, separated by commas, as Lofirmo sends them',
	},
	{
		displayName: 'Download Certified PDF',
		name: 'downloadPdf',
		type: 'boolean',
		default: false,
		description: `Whether to download the certified PDF when a contract reaches ${CONTRACT_CERTIFIED} or an identity verification reaches ${IDENTITY_CERTIFIED}, and attach it to the item. If the download fails the report still starts the workflow, with the error in downloadError.`,
	},
	binaryPropertyField({
		displayName: 'Put PDF in Field',
		displayOptions: { show: { downloadPdf: [true] } },
		description: 'The name of the binary field the PDF is attached to',
	}),
	{
		displayName: 'Download Time Limit (Seconds)',
		name: 'downloadTimeLimit',
		type: 'number',
		default: DEFAULT_TIME_LIMIT_SECONDS,
		typeOptions: { minValue: 1, maxValue: MAX_TIME_LIMIT_SECONDS },
		displayOptions: { show: { downloadPdf: [true] } },
		description:
			'Lofirmo waits for the answer while the PDF downloads. Past this limit the report starts the workflow without the PDF (with downloadError set), so Lofirmo does not time out and send it again.',
	},
	{
		displayName: 'Resume URL Base',
		name: 'resumeUrlBase',
		type: 'string',
		default: '',
		placeholder: 'e.g. http://127.0.0.1:5678/webhook-waiting',
		description:
			"Reports of contracts sent by Contract → Send and Wait for Signature wake the waiting workflow up through n8n's webhook-waiting address. Leave empty to use this n8n's own; set it when n8n cannot reach its own public URL (e.g. behind a proxy reachable only from outside).",
	},
];
