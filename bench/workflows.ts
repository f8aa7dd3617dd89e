/**
 * The workflows the bench imports into n8n. Each starts with a webhook (production URL, answered at once), so runs
 * happen in the running server exactly as users' workflows do, and their executions are read back from the API.
 */
import { randomUUID } from 'node:crypto';

import { codeNodeSource } from './code-node-parse';

export const CREDENTIALS = {
	lofirmo: { id: 'benchLofirmoApi', name: 'Lofirmo (bench sandbox)' },
	basicAuth: { id: 'benchSandboxBasic', name: 'Sandbox Basic auth (bench)' },
} as const;

/** n8n 2.40.7's latest versions of the core nodes used here */
const WEBHOOK_VERSION = 2.1;
const CODE_VERSION = 2;
const HTTP_REQUEST_VERSION = 4.5;

/** The node every action/PDF workflow measures (same name in all of them). */
export const MEASURED_NODE = 'Node under test';
export const MAKE_ITEMS_NODE = 'Make items';

export interface BenchWorkflow {
	id: string;
	name: string;
	/** the path after /webhook/ of its production URL */
	webhookPath: string;
	json: Record<string, unknown>;
}

interface NodeJson {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	webhookId?: string;
	credentials?: Record<string, { id: string; name: string }>;
}

function workflow(id: string, name: string, webhookPath: string, chain: NodeJson[]): BenchWorkflow {
	const nodes = chain.map((node, index) => ({
		id: randomUUID(),
		position: [index * 240, 0],
		...node,
	}));
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < chain.length; i++) {
		connections[chain[i].name] = { main: [[{ node: chain[i + 1].name, type: 'main', index: 0 }]] };
	}
	if (id.length > 21) throw new Error(`workflow id ${id} is longer than n8n allows (21)`);
	return {
		id,
		name,
		webhookPath,
		json: {
			id,
			name,
			active: false,
			settings: { executionOrder: 'v1' },
			tags: [],
			pinData: {},
			nodes,
			connections,
		},
	};
}

function webhookNode(path: string): NodeJson {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: WEBHOOK_VERSION,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

// ---------------------------------------------------------------------------------------------------------
// 1. Action throughput: webhook {count} → Code makes `count` items → Contract: Send, one call per item
// ---------------------------------------------------------------------------------------------------------

export type ActionVariant = 'ours' | 'oursBatch' | 'http' | 'httpBatch';

/** The batching both nodes get in the "batched" variants: 10 items at a time, no pause. */
export const BATCHING = { batch: { batchSize: 10, batchInterval: 0 } };

const MAKE_ITEMS_JS = [
	'const count = Number($input.first().json.body.count);',
	'const items = [];',
	"for (let i = 0; i < count; i++) items.push({ json: { name: 'Signer ' + i, email: 'signer' + i + '@example.com' } });",
	'return items;',
].join('\n');

function sendContractNode(variant: ActionVariant, sandboxUrl: string): NodeJson {
	if (variant === 'ours' || variant === 'oursBatch') {
		return {
			name: MEASURED_NODE,
			type: 'n8n-nodes-lofirmo.lofirmo',
			typeVersion: 1,
			parameters: {
				resource: 'contract',
				operation: 'sendContract',
				signersInput: 'fields',
				signers: { signer: [{ name: '={{ $json.name }}', email: '={{ $json.email }}' }] },
				additionalFields: {},
				// the node's batching option (same shape as the HTTP Request node's); ignored by builds without it
				...(variant === 'oursBatch' ? { options: { batching: BATCHING } } : {}),
			},
			credentials: { lofirmoApi: CREDENTIALS.lofirmo },
		};
	}
	return {
		name: MEASURED_NODE,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: HTTP_REQUEST_VERSION,
		parameters: {
			method: 'POST',
			url: `${sandboxUrl}/EnviarContrato`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpBasicAuth',
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			// the body our node sends for one signer with a name and an email
			jsonBody:
				'={{ { "Firmantes": [{ "Nombre": $json.name, "Email": $json.email }], "Resp": "JSON" } }}',
			options: variant === 'httpBatch' ? { batching: BATCHING } : {},
		},
		credentials: { httpBasicAuth: CREDENTIALS.basicAuth },
	};
}

export const ACTION_WORKFLOW_IDS: Record<ActionVariant, string> = {
	ours: 'benchActOurs',
	oursBatch: 'benchActOursBatch',
	http: 'benchActHttp',
	httpBatch: 'benchActHttpBatch',
};

export function actionWorkflows(sandboxUrl: string): BenchWorkflow[] {
	return (Object.keys(ACTION_WORKFLOW_IDS) as ActionVariant[]).map((variant) => {
		const path = `bench-action-${variant.toLowerCase()}`;
		return workflow(ACTION_WORKFLOW_IDS[variant], `Bench: action ${variant}`, path, [
			webhookNode(path),
			{
				name: MAKE_ITEMS_NODE,
				type: 'n8n-nodes-base.code',
				typeVersion: CODE_VERSION,
				parameters: { mode: 'runOnceForAllItems', language: 'javaScript', jsCode: MAKE_ITEMS_JS },
			},
			sendContractNode(variant, sandboxUrl),
		]);
	});
}

// ---------------------------------------------------------------------------------------------------------
// 2. Trigger ingest: our trigger (parse only) / Webhook + Code parsing the same / bare Webhook
// ---------------------------------------------------------------------------------------------------------

export type TriggerVariant = 'ours' | 'webhookCode' | 'bareWebhook';

export const TRIGGER_WORKFLOW_IDS: Record<TriggerVariant, string> = {
	ours: 'benchTrigOurs',
	webhookCode: 'benchTrigWebhookCode',
	bareWebhook: 'benchTrigBare',
};

export const TRIGGER_NODE = {
	ours: 'Lofirmo Trigger',
	webhookCode: 'Parse report',
	bareWebhook: 'Webhook',
} as const;

export function triggerWorkflows(): BenchWorkflow[] {
	const webhookId = randomUUID();
	const ours = workflow(
		TRIGGER_WORKFLOW_IDS.ours,
		'Bench: Lofirmo Trigger',
		`${webhookId}/lofirmo`,
		[
			{
				name: TRIGGER_NODE.ours,
				type: 'n8n-nodes-lofirmo.lofirmoTrigger',
				typeVersion: 1,
				webhookId,
				parameters: {
					authentication: 'none',
					events: ['contractStatusChanged', 'identityVerificationStatusChanged'],
					statusCodes: [],
					otherStatusCodes: '',
					downloadPdf: false,
				},
			},
		],
	);
	const codePath = 'bench-trigger-webhook-code';
	const webhookCode = workflow(
		TRIGGER_WORKFLOW_IDS.webhookCode,
		'Bench: Webhook + Code parsing',
		codePath,
		[
			webhookNode(codePath),
			{
				name: TRIGGER_NODE.webhookCode,
				type: 'n8n-nodes-base.code',
				typeVersion: CODE_VERSION,
				parameters: {
					mode: 'runOnceForAllItems',
					language: 'javaScript',
					jsCode: codeNodeSource(),
				},
			},
		],
	);
	const barePath = 'bench-trigger-bare';
	const bare = workflow(TRIGGER_WORKFLOW_IDS.bareWebhook, 'Bench: bare Webhook', barePath, [
		webhookNode(barePath),
	]);
	return [ours, webhookCode, bare];
}

// ---------------------------------------------------------------------------------------------------------
// 3. Large PDF: webhook {contractId, reportId} → download the certificate
// ---------------------------------------------------------------------------------------------------------

export type PdfVariant = 'ours' | 'http';

export const PDF_WORKFLOW_IDS: Record<PdfVariant, string> = {
	ours: 'benchPdfOurs',
	http: 'benchPdfHttp',
};

export function pdfWorkflows(sandboxUrl: string): BenchWorkflow[] {
	const oursPath = 'bench-pdf-ours';
	const ours = workflow(PDF_WORKFLOW_IDS.ours, 'Bench: PDF via Lofirmo node', oursPath, [
		webhookNode(oursPath),
		{
			name: MEASURED_NODE,
			type: 'n8n-nodes-lofirmo.lofirmo',
			typeVersion: 1,
			parameters: {
				resource: 'contract',
				operation: 'downloadContractPdf',
				contractId: '={{ $json.body.contractId }}',
				reportId: '={{ $json.body.reportId }}',
				document: 'CERTIFICADO',
				binaryPropertyName: 'data',
			},
			credentials: { lofirmoApi: CREDENTIALS.lofirmo },
		},
	]);
	const httpPath = 'bench-pdf-http';
	const http = workflow(PDF_WORKFLOW_IDS.http, 'Bench: PDF via HTTP Request', httpPath, [
		webhookNode(httpPath),
		{
			name: MEASURED_NODE,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: HTTP_REQUEST_VERSION,
			parameters: {
				method: 'POST',
				url: `${sandboxUrl}/DescargarContrato`,
				authentication: 'genericCredentialType',
				genericAuthType: 'httpBasicAuth',
				sendBody: true,
				contentType: 'json',
				specifyBody: 'json',
				jsonBody:
					'={{ { "Contratoid": $json.body.contractId, "Reportid": $json.body.reportId, "Doc": "CERTIFICADO", "Resp": "JSON" } }}',
				options: { response: { response: { responseFormat: 'file', outputPropertyName: 'data' } } },
			},
			credentials: { httpBasicAuth: CREDENTIALS.basicAuth },
		},
	]);
	return [ours, http];
}
