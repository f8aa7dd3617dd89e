import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CONTRACT_CERTIFIED, IDENTITY_CERTIFIED } from './shared/status';
import { basicAuthMatches } from './trigger/basicAuth';
import { fetchCertificate } from './trigger/certificate';
import { isWanted, reportFilter } from './trigger/filters';
import { readPayload } from './trigger/payload';
import { CONTRACT_EVENT, IDENTITY_EVENT, normaliseReport, type Report } from './trigger/report';

const REALM = 'Lofirmo Trigger';
const DEFAULT_TIME_LIMIT_SECONDS = 20;
/** Lofirmo will not wait longer than this for an answer anyway; it also keeps the timer in range. */
const MAX_TIME_LIMIT_SECONDS = 300;

export class LofirmoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lofirmo Trigger',
		name: 'lofirmoTrigger',
		icon: { light: 'file:../../icons/lofirmo.svg', dark: 'file:../../icons/lofirmo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{$parameter["events"].length === 1 ? ($parameter["events"][0] === "contractStatusChanged" ? "Contract reports" : "Identity reports") : "All reports"}}',
		description: 'Starts the workflow when Lofirmo reports a contract or identity verification status change',
		eventTriggerDescription: 'Waiting for Lofirmo to send a report to the Test URL',
		activationMessage: 'Lofirmo reports sent to the Production URL now start this workflow.',
		defaults: { name: 'Lofirmo Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'lofirmoWebhookApi',
				required: true,
				displayOptions: { show: { authentication: ['basicAuth'] } },
				testedBy: 'lofirmoWebhookApiTest',
			},
			{
				name: 'lofirmoApi',
				required: true,
				displayOptions: { show: { downloadPdf: [true] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// n8n answers once the execution is created, before the workflow runs, so Lofirmo gets its 200 quickly
				responseMode: 'onReceived',
				// empty, so n8n answers with webhook()'s `webhookResponse` (unset, it would send the text "firstEntryJson")
				responseData: '',
				path: 'lofirmo',
			},
		],
		properties: [
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
						description: 'Lofirmo must send the user and password of the credential; other calls get HTTP 401',
					},
					{ name: 'None', value: 'none', description: 'Anyone who knows the URL can post reports' },
				],
				default: 'none',
				description: 'Whether the URL accepts only calls with the user and password set in the Lofirmo panel',
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
					{ name: `${IDENTITY_CERTIFIED} - Identity Verified, Certificate Ready`, value: IDENTITY_CERTIFIED },
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
			{
				displayName: 'Put PDF in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				displayOptions: { show: { downloadPdf: [true] } },
				description: 'The name of the binary field the PDF is attached to',
			},
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
		],
	};

	methods = {
		credentialTest: {
			// Nothing remote to test (Lofirmo calls n8n, not the other way round): check the credential is usable.
			async lofirmoWebhookApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const { user, password } = credential.data ?? {};
				return user && password
					? { status: 'OK', message: 'User and password are set' }
					: { status: 'Error', message: 'Enter both a user and a password' };
			},
		},
	};

	// Lofirmo has no API to register, list or remove webhooks: the account owner pastes the URL into the Lofirmo
	// panel by hand. So there is nothing to check, create or delete on Lofirmo's side; these say so honestly.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		if (this.getNodeParameter('authentication', 'none') === 'basicAuth') {
			const refusal = await refuseUnauthenticated.call(this);
			if (refusal) return refusal;
		}

		const headers = this.getHeaderData();
		const request = this.getRequestObject() as { rawBody?: unknown } | undefined;
		const payload = readPayload(this.getBodyData(), headers['content-type'], request?.rawBody);
		const report = normaliseReport(payload);

		const filter = reportFilter(
			this.getNodeParameter('events', []),
			this.getNodeParameter('statusCodes', []),
			this.getNodeParameter('otherStatusCodes', ''),
		);
		if (!isWanted(report, filter)) return { webhookResponse: { received: true, ignored: 'filtered' } };

		const item: INodeExecutionData = { json: report };
		if (this.getNodeParameter('downloadPdf', false) === true) {
			await attachCertificate.call(this, item, report);
		}
		return { workflowData: [[item]], webhookResponse: { received: true } };
	}
}

/** Answers 401 (or 500 if the node has no usable credential) when the call lacks the right Basic auth. */
async function refuseUnauthenticated(this: IWebhookFunctions): Promise<IWebhookResponseData | undefined> {
	let expected: IDataObject | undefined;
	try {
		expected = await this.getCredentials<IDataObject>('lofirmoWebhookApi');
	} catch (error) {
		this.logger.warn('Lofirmo Trigger: its Basic Auth credential could not be read', { error });
	}
	const user = expected?.user;
	const password = expected?.password;
	const response = this.getResponseObject();
	if (typeof user !== 'string' || typeof password !== 'string' || user === '' || password === '') {
		// the node is misconfigured, not the caller: a 5xx makes Lofirmo see the failure instead of losing the report
		response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
		response.end('The Lofirmo Trigger has no user and password set for Basic Auth');
		return { noWebhookResponse: true };
	}
	if (basicAuthMatches(this.getHeaderData().authorization, { user, password })) return undefined;
	response.writeHead(401, {
		'WWW-Authenticate': `Basic realm="${REALM}", charset="UTF-8"`,
		'Content-Type': 'text/plain; charset=utf-8',
	});
	response.end('Authorization is required');
	return { noWebhookResponse: true };
}

async function attachCertificate(this: IWebhookFunctions, item: INodeExecutionData, report: Report): Promise<void> {
	const property = String(this.getNodeParameter('binaryPropertyName', 'data')).trim() || 'data';
	const limit = Number(this.getNodeParameter('downloadTimeLimit', DEFAULT_TIME_LIMIT_SECONDS));
	const seconds = Number.isFinite(limit) && limit > 0 ? Math.min(limit, MAX_TIME_LIMIT_SECONDS) : DEFAULT_TIME_LIMIT_SECONDS;
	const outcome = await fetchCertificate.call(this, report, property, seconds);
	if (outcome === undefined) return;
	item.json.downloadError = outcome.downloadError;
	if (outcome.binary) item.binary = outcome.binary;
}
