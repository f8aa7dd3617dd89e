/**
 * The workflows the bench imports into n8n. Each starts with a webhook (production URL, answered at once), so runs
 * happen in the running server exactly as users' workflows do, and their executions are read back from the API.
 */
import { randomUUID } from 'node:crypto';

import { codeNodeSource } from './code-node-parse';

export const CREDENTIALS = {
	lofirmo: { id: 'benchLofirmoApi', name: 'Lofirmo (bench sandbox)' },
	/** the same account, Base URL the sandbox's HTTPS address */
	lofirmoTls: { id: 'benchLofirmoApiTls', name: 'Lofirmo (bench sandbox, HTTPS)' },
	basicAuth: { id: 'benchSandboxBasic', name: 'Sandbox Basic auth (bench)' },
	/** what Lofirmo would send the trigger: the same user and password, as the Lofirmo Trigger's credential */
	triggerAuth: { id: 'benchTriggerAuth', name: 'Lofirmo Webhook (bench)' },
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

function webhookNode(path: string, basicAuth = false): NodeJson {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: WEBHOOK_VERSION,
		webhookId: randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'onReceived',
			options: {},
			...(basicAuth ? { authentication: 'basicAuth' } : {}),
		},
		...(basicAuth ? { credentials: { httpBasicAuth: CREDENTIALS.basicAuth } } : {}),
	};
}

// ---------------------------------------------------------------------------------------------------------
// 1. Action throughput: webhook {count} → Code makes `count` items → Contract: Send, one call per item
// ---------------------------------------------------------------------------------------------------------

export type ActionVariant = 'ours' | 'oursBatch' | 'http' | 'httpBatch' | 'oursTls' | 'httpTls';

/** What each variant is: which node, batched or not, over the sandbox's HTTP or HTTPS address. */
export const ACTION_VARIANTS: Record<
	ActionVariant,
	{ node: 'ours' | 'http'; batch: boolean; tls: boolean }
> = {
	ours: { node: 'ours', batch: false, tls: false },
	oursBatch: { node: 'ours', batch: true, tls: false },
	http: { node: 'http', batch: false, tls: false },
	httpBatch: { node: 'http', batch: true, tls: false },
	oursTls: { node: 'ours', batch: false, tls: true },
	httpTls: { node: 'http', batch: false, tls: true },
};

/** The batching both nodes get in the "batched" variants: 10 items at a time, no pause. */
export const BATCHING = { batch: { batchSize: 10, batchInterval: 0 } };

const MAKE_ITEMS_JS = [
	'const count = Number($input.first().json.body.count);',
	'const items = [];',
	"for (let i = 0; i < count; i++) items.push({ json: { name: 'Signer ' + i, email: 'signer' + i + '@example.com' } });",
	'return items;',
].join('\n');

function sendContractNode(variant: ActionVariant, baseUrl: string): NodeJson {
	const { node, batch, tls } = ACTION_VARIANTS[variant];
	if (node === 'ours') {
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
				...(batch ? { options: { batching: BATCHING } } : {}),
			},
			credentials: { lofirmoApi: tls ? CREDENTIALS.lofirmoTls : CREDENTIALS.lofirmo },
		};
	}
	return {
		name: MEASURED_NODE,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: HTTP_REQUEST_VERSION,
		parameters: {
			method: 'POST',
			url: `${baseUrl}/EnviarContrato`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpBasicAuth',
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			// the body our node sends for one signer with a name and an email
			jsonBody:
				'={{ { "Firmantes": [{ "Nombre": $json.name, "Email": $json.email }], "Resp": "JSON" } }}',
			options: batch ? { batching: BATCHING } : {},
		},
		credentials: { httpBasicAuth: CREDENTIALS.basicAuth },
	};
}

export const ACTION_WORKFLOW_IDS: Record<ActionVariant, string> = {
	ours: 'benchActOurs',
	oursBatch: 'benchActOursBatch',
	http: 'benchActHttp',
	httpBatch: 'benchActHttpBatch',
	oursTls: 'benchActOursTls',
	httpTls: 'benchActHttpTls',
};

/** The action workflows; those over HTTPS only when the sandbox serves it (`tlsUrl`). */
export function actionWorkflows(sandbox: { url: string; tlsUrl?: string }): BenchWorkflow[] {
	return (Object.keys(ACTION_WORKFLOW_IDS) as ActionVariant[])
		.filter((variant) => !ACTION_VARIANTS[variant].tls || sandbox.tlsUrl)
		.map((variant) => {
			const path = `bench-action-${variant.toLowerCase()}`;
			const baseUrl = ACTION_VARIANTS[variant].tls ? sandbox.tlsUrl! : sandbox.url;
			return workflow(ACTION_WORKFLOW_IDS[variant], `Bench: action ${variant}`, path, [
				webhookNode(path),
				{
					name: MAKE_ITEMS_NODE,
					type: 'n8n-nodes-base.code',
					typeVersion: CODE_VERSION,
					parameters: { mode: 'runOnceForAllItems', language: 'javaScript', jsCode: MAKE_ITEMS_JS },
				},
				sendContractNode(variant, baseUrl),
			]);
		});
}

// ---------------------------------------------------------------------------------------------------------
// 2. Trigger ingest: our trigger (parse only) / Webhook + Code parsing the same / bare Webhook
// ---------------------------------------------------------------------------------------------------------

/**
 * ours: the Lofirmo Trigger as new nodes get it (1.1), parse only; oursV1: the same at typeVersion 1 (workflows made
 * before 1.1); oursAuth: 1.1 with Basic auth on; webhookCode: Webhook + Code doing the same parsing; bareWebhook:
 * the Webhook node alone; webhookAuth: the Webhook node alone with Basic auth on.
 */
export type TriggerVariant =
	'ours' | 'oursV1' | 'oursAuth' | 'webhookCode' | 'bareWebhook' | 'webhookAuth';

export const TRIGGER_WORKFLOW_IDS: Record<TriggerVariant, string> = {
	ours: 'benchTrigOurs',
	oursV1: 'benchTrigOursV1',
	oursAuth: 'benchTrigOursAuth',
	webhookCode: 'benchTrigWebhookCode',
	bareWebhook: 'benchTrigBare',
	webhookAuth: 'benchTrigBareAuth',
};

/** The variants whose requests carry the sandbox account's Basic auth header. */
export const TRIGGER_AUTH_VARIANTS: ReadonlySet<TriggerVariant> = new Set([
	'oursAuth',
	'webhookAuth',
]);

export const TRIGGER_NODE = {
	ours: 'Lofirmo Trigger',
	oursV1: 'Lofirmo Trigger',
	oursAuth: 'Lofirmo Trigger',
	webhookCode: 'Parse report',
	bareWebhook: 'Webhook',
	webhookAuth: 'Webhook',
} as const satisfies Record<TriggerVariant, string>;

function lofirmoTrigger(id: string, name: string, typeVersion: number, basicAuth: boolean) {
	const webhookId = randomUUID();
	return workflow(id, name, `${webhookId}/lofirmo`, [
		{
			name: TRIGGER_NODE.ours,
			type: 'n8n-nodes-lofirmo.lofirmoTrigger',
			typeVersion,
			webhookId,
			parameters: {
				authentication: basicAuth ? 'basicAuth' : 'none',
				events: ['contractStatusChanged', 'identityVerificationStatusChanged'],
				statusCodes: [],
				otherStatusCodes: '',
				downloadPdf: false,
			},
			...(basicAuth ? { credentials: { lofirmoWebhookApi: CREDENTIALS.triggerAuth } } : {}),
		},
	]);
}

/** The trigger workflows of `variants` (default all). */
export function triggerWorkflows(
	variants: readonly TriggerVariant[] = Object.keys(TRIGGER_WORKFLOW_IDS) as TriggerVariant[],
): BenchWorkflow[] {
	const ids = TRIGGER_WORKFLOW_IDS;
	const build: Record<TriggerVariant, () => BenchWorkflow> = {
		ours: () => lofirmoTrigger(ids.ours, 'Bench: Lofirmo Trigger', 1.1, false),
		oursV1: () => lofirmoTrigger(ids.oursV1, 'Bench: Lofirmo Trigger v1', 1, false),
		oursAuth: () => lofirmoTrigger(ids.oursAuth, 'Bench: Lofirmo Trigger, Basic auth', 1.1, true),
		webhookCode: () => {
			const path = 'bench-trigger-webhook-code';
			return workflow(ids.webhookCode, 'Bench: Webhook + Code parsing', path, [
				webhookNode(path),
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
			]);
		},
		bareWebhook: () =>
			workflow(ids.bareWebhook, 'Bench: bare Webhook', 'bench-trigger-bare', [
				webhookNode('bench-trigger-bare'),
			]),
		webhookAuth: () =>
			workflow(ids.webhookAuth, 'Bench: Webhook, Basic auth', 'bench-trigger-bare-auth', [
				webhookNode('bench-trigger-bare-auth', true),
			]),
	};
	return variants.map((variant) => build[variant]());
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
