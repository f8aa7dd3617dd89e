import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { binaryPropertyName } from './shared/binaryProperty';
import { checkBasicAuth, TriggerAuthorizationError, writeRefusal } from './trigger/authorization';
import { fetchCertificate } from './trigger/certificate';
import { isWanted, reportFilter } from './trigger/filters';
import { readBody, writeBodyFailure } from './trigger/body';
import { readPayload } from './trigger/payload';
import { CONTRACT_EVENT, normaliseReport, type Report } from './trigger/report';
import { waitingExecutionOf, wakeWaitingExecution } from './trigger/resume';
import {
	DEFAULT_TIME_LIMIT_SECONDS,
	MAX_TIME_LIMIT_SECONDS,
	properties,
} from './trigger/versionDescription';

export class LofirmoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lofirmo Trigger',
		name: 'lofirmoTrigger',
		icon: { light: 'file:../../icons/lofirmo.svg', dark: 'file:../../icons/lofirmo.dark.svg' },
		group: ['trigger'],
		// 1.1: n8n no longer evaluates an expression on every request and leaves unparsed bodies to the node
		// (trigger/body.ts); 1 stays as it was for the workflows that use it
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{$parameter["events"].length === 1 ? ($parameter["events"][0] === "contractStatusChanged" ? "Contract reports" : "Identity reports") : "All reports"}}',
		description:
			'Starts the workflow when Lofirmo reports a contract or identity verification status change',
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
		properties,
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
			try {
				await checkBasicAuth.call(this);
			} catch (error) {
				if (error instanceof TriggerAuthorizationError) {
					writeRefusal.call(this, error);
					return { noWebhookResponse: true };
				}
				throw new NodeOperationError(this.getNode(), error as Error);
			}
		}

		const body = await readBody.call(this);
		if ('failure' in body) {
			writeBodyFailure.call(this, body.failure);
			return { noWebhookResponse: true };
		}
		const { rawBody } = body;
		const headers = this.getHeaderData();
		const payload = readPayload(this.getBodyData(), headers['content-type'], rawBody);
		const report = normaliseReport(payload);
		// a contract sent by Send and Wait for Signature: wake its execution up, whatever this workflow's filters say
		const waiting =
			report.event === CONTRACT_EVENT ? waitingExecutionOf.call(this, report) : undefined;
		if (waiting) {
			// beside the report, not before it: Lofirmo gets its answer without waiting for the resumed node
			void wakeWaitingExecution.call(this, waiting.code, report);
			report.waitingExecution = waiting.item;
		}

		const filter = reportFilter(
			this.getNodeParameter('events', []),
			this.getNodeParameter('statusCodes', []),
			this.getNodeParameter('otherStatusCodes', ''),
		);
		if (!isWanted(report, filter))
			return { webhookResponse: { received: true, ignored: 'filtered' } };

		const item: INodeExecutionData = { json: report };
		if (this.getNodeParameter('downloadPdf', false) === true) {
			await attachCertificate.call(this, item, report);
		}
		return { workflowData: [[item]], webhookResponse: { received: true } };
	}
}

async function attachCertificate(
	this: IWebhookFunctions,
	item: INodeExecutionData,
	report: Report,
): Promise<void> {
	const property = binaryPropertyName(this.getNodeParameter('binaryPropertyName', 'data'));
	const limit = Number(this.getNodeParameter('downloadTimeLimit', DEFAULT_TIME_LIMIT_SECONDS));
	const seconds =
		Number.isFinite(limit) && limit > 0
			? Math.min(limit, MAX_TIME_LIMIT_SECONDS)
			: DEFAULT_TIME_LIMIT_SECONDS;
	const outcome = await fetchCertificate.call(this, report, property, seconds);
	if (outcome === undefined) return;
	item.json.downloadError = outcome.downloadError;
	if (outcome.binary) item.binary = outcome.binary;
}
