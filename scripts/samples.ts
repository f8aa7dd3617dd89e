/**
 * The sample workflows shipped in workflows/, and what a running n8n needs to use them against the sandbox:
 * credentials, environment, import, activation. Shared by the end-to-end tests and `npm run dev`.
 *
 * How the samples fit together (one Lofirmo account has one report URL):
 *   1. "CRM deal won → send contract": Webhook (the CRM's event) → Lofirmo: Contract → Send.
 *   2. "signed → storage": Lofirmo Trigger (the account's report URL; Basic auth; 1014 and 5100 only, certified
 *      PDF attached) → Switch: PDF missing → Stop and Error with the reason; contract → write the PDF into
 *      $LOFIRMO_SIGNED_DIR; identity → write the certificate there too, then Execute Workflow → sample 3.
 *   3. "identity check first": Webhook (a new customer) → Lofirmo: Identity Verification → Send Request; and,
 *      called by sample 2 with the 5100 report: Remove Duplicates (one contract per verification, as Lofirmo may
 *      re-send a report) → IF likeness ≥ 80 and liveness passed → Lofirmo: Contract → Send to the person on the
 *      ID card (`result.DNI.Nombre`, `result.DNI.DNI`, `mobile`).
 *   4. "MCP server of Lofirmo tools": MCP Server Trigger (Bearer auth) serving Lofirmo tools to an outside AI
 *      assistant: Send_contract, Get_contract_status, Download_contract_PDF, Send_identity_check, Get_credits,
 *      their inputs filled by the model with `$fromAI`.
 *   5. "CRM deal won → send and wait for signature → signed PDF": Webhook (the CRM's event, answered at once) →
 *      Lofirmo: Contract → Send and Wait for Signature, woken up by sample 2's trigger when the report comes →
 *      write the certified PDF → a Set node where the user's CRM update goes.
 * On n8n 2.x a workflow that calls another can only be published once the callee is: sample 3 before sample 2.
 */
import axios from 'axios';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	activateWorkflow,
	createApiKey,
	deactivateWorkflow,
	importCredentials,
	importWorkflows,
	REPO_ROOT,
	setupOwner,
	type N8nHandle,
} from './n8n-harness';

/** The credentials the sample workflows refer to (by these ids and names; re-pick your own after a UI import). */
export const SAMPLE_CREDENTIALS = {
	api: { id: 'lofirmoSandboxApi', name: 'Lofirmo (sandbox)' },
	webhook: { id: 'lofirmoSandboxHook', name: 'Lofirmo reports (sandbox)' },
	mcp: { id: 'lofirmoSampleMcpToken', name: 'Lofirmo MCP server token (sample)' },
} as const;

/** The sandbox's default account (sandbox/README.md). */
export const SANDBOX_ACCOUNT = { user: 'sandbox-user', token: 'sandbox-token' } as const;

/** The Basic auth the sample Lofirmo Trigger requires; the sandbox (or the Lofirmo panel) must send the same. */
export const SAMPLE_WEBHOOK_AUTH = {
	user: 'lofirmo-sandbox',
	password: 'Sandbox-Reports-Passw0rd',
} as const;

/**
 * The Bearer token MCP clients must send to the sample MCP server (sample 4): anyone who reaches that URL can send
 * contracts, so it is never left open. Put your own long random token into the credential before exposing n8n.
 */
export const SAMPLE_MCP_TOKEN = 'lofirmo-sample-mcp-token-change-me';

/** The environment variable the sample "signed → storage" reads the PDF folder from (`$env.LOFIRMO_SIGNED_DIR`). */
export const SIGNED_DIR_ENV = 'LOFIRMO_SIGNED_DIR';

export const WORKFLOWS_DIR = path.join(REPO_ROOT, 'workflows');

/** n8n's MCP Server Trigger, which serves the tools connected to it to MCP clients (sample 4). */
export const MCP_TRIGGER = '@n8n/n8n-nodes-langchain.mcpTrigger';

/** The fixed ids of the sample workflows (as in their JSON files). */
export const SAMPLE_WORKFLOW_IDS = {
	crmDealWon: 'lofirmoSampleCrmDeal',
	signedToStorage: 'lofirmoSampleSigned',
	identityCheckFirst: 'lofirmoSampleIdentity',
	mcpServer: 'lofirmoSampleMcp',
	sendAndWait: 'lofirmoSampleWaitSign',
} as const;

export interface SampleSetup {
	/** sample 1: POST `{ dealId, contact: { name, email, phone, taxId } }` */
	crmWebhookUrl: string;
	/** sample 3: POST `{ name, mobile }` */
	newCustomerWebhookUrl: string;
	/** sample 2: the Lofirmo Trigger's production URL, where Lofirmo (the sandbox) sends its reports */
	reportsWebhookUrl: string;
	/** sample 4: the MCP Server Trigger's URL (streamable HTTP), where an MCP client finds the Lofirmo tools */
	mcpServerUrl: string;
	/** sample 5: POST `{ dealId, contact: { … } }` as for sample 1; the execution then waits for the signature */
	crmWaitWebhookUrl: string;
	/** where sample 2 writes the PDFs (absolute) */
	signedDir: string;
	/** what the reports must carry as HTTP Basic auth */
	webhookAuth: { user: string; password: string };
	/** what MCP clients must send to sample 4: `Authorization: Bearer <mcpToken>` */
	mcpToken: string;
}

interface WorkflowNode {
	name: string;
	type: string;
	webhookId?: string;
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

interface WorkflowJson extends Record<string, unknown> {
	id: string;
	name: string;
	nodes: WorkflowNode[];
}

/** The sample workflows: every JSON file in workflows/, in file-name order (1-…, 2-…, 3-…). */
export function sampleWorkflows(): Array<Record<string, unknown>> {
	return fs
		.readdirSync(WORKFLOWS_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(
				fs.readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8'),
			) as WorkflowJson;
			if (typeof workflow.id !== 'string' || !Array.isArray(workflow.nodes)) {
				throw new Error(`workflows/${file} is not an n8n workflow with a fixed id`);
			}
			return workflow;
		});
}

/**
 * The environment n8n needs for the samples; pass it to startN8n({ env }).
 * - LOFIRMO_SIGNED_DIR: the folder sample 2 writes to, read with `$env` in its file names;
 * - N8N_BLOCK_ENV_ACCESS_IN_NODE=false: n8n 2.x blocks `$env` by default (1.x allows it). This lets every
 *   expression and Code node read n8n's environment, so keep secrets out of it or edit the folder into the
 *   two "Save …" nodes instead;
 * - N8N_RESTRICT_FILE_ACCESS_TO: n8n 2.x lets the Read/Write Files node touch only these folders (default
 *   ~/.n8n-files); 1.x allows everything unless it is set.
 */
export function sampleN8nEnv(signedDir: string): Record<string, string> {
	const dir = path.resolve(signedDir);
	return {
		[SIGNED_DIR_ENV]: dir,
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		N8N_RESTRICT_FILE_ACCESS_TO: dir,
	};
}

function findNode(workflows: WorkflowJson[], workflowId: string, type: string): WorkflowNode {
	const workflow = workflows.find((w) => w.id === workflowId);
	const node = workflow?.nodes.find((n) => n.type === type);
	if (!node) throw new Error(`sample workflow ${workflowId} has no ${type} node`);
	return node;
}

/** Production URLs of the samples' webhooks, as n8n registers them (base: `http://127.0.0.1:<port>`). */
export function sampleWebhookUrls(
	baseUrl: string,
): Pick<
	SampleSetup,
	| 'crmWebhookUrl'
	| 'newCustomerWebhookUrl'
	| 'reportsWebhookUrl'
	| 'mcpServerUrl'
	| 'crmWaitWebhookUrl'
> {
	const workflows = sampleWorkflows() as WorkflowJson[];
	const base = baseUrl.replace(/\/+$/, '');
	// n8n's Webhook node: /webhook/<path>; a node with a fixed path in its description: /webhook/<webhookId>/<path>
	const webhookPath = (id: string) =>
		String(findNode(workflows, id, 'n8n-nodes-base.webhook').parameters?.path);
	const trigger = findNode(
		workflows,
		SAMPLE_WORKFLOW_IDS.signedToStorage,
		'n8n-nodes-lofirmo.lofirmoTrigger',
	);
	if (!trigger.webhookId)
		throw new Error('the Lofirmo Trigger of the signed → storage sample has no fixed webhookId');
	const mcpServer = findNode(workflows, SAMPLE_WORKFLOW_IDS.mcpServer, MCP_TRIGGER);
	return {
		crmWebhookUrl: `${base}/webhook/${webhookPath(SAMPLE_WORKFLOW_IDS.crmDealWon)}`,
		newCustomerWebhookUrl: `${base}/webhook/${webhookPath(SAMPLE_WORKFLOW_IDS.identityCheckFirst)}`,
		reportsWebhookUrl: `${base}/webhook/${trigger.webhookId}/lofirmo`,
		// the MCP Server Trigger (typeVersion 2, streamable HTTP) answers at /mcp/<path>
		mcpServerUrl: `${base}/mcp/${String(mcpServer.parameters?.path)}`,
		crmWaitWebhookUrl: `${base}/webhook/${webhookPath(SAMPLE_WORKFLOW_IDS.sendAndWait)}`,
	};
}

/** Ids of the workflows a workflow calls with Execute Workflow (from the database, by id). */
function calledWorkflows(workflow: WorkflowJson): string[] {
	return workflow.nodes
		.filter((node) => node.type === 'n8n-nodes-base.executeWorkflow')
		.map((node) => {
			const ref = node.parameters?.workflowId as string | { value?: unknown } | undefined;
			return typeof ref === 'string' ? ref : String(ref?.value ?? '');
		})
		.filter((id) => id !== '');
}

/** Callees before callers (n8n 2.x refuses to publish a workflow whose sub-workflows are not published). */
function activationOrder(workflows: WorkflowJson[]): WorkflowJson[] {
	const ordered: WorkflowJson[] = [];
	const visit = (workflow: WorkflowJson, trail: string[]) => {
		if (ordered.includes(workflow)) return;
		if (trail.includes(workflow.id))
			throw new Error(
				`sample workflows call each other in a loop: ${[...trail, workflow.id].join(' → ')}`,
			);
		for (const id of calledWorkflows(workflow)) {
			const callee = workflows.find((w) => w.id === id);
			if (!callee)
				throw new Error(`sample workflow ${workflow.id} calls ${id}, which is not in workflows/`);
			visit(callee, [...trail, workflow.id]);
		}
		ordered.push(workflow);
	};
	for (const workflow of workflows) visit(workflow, []);
	return ordered;
}

/** The production webhook URL of one sample workflow, to wait for after activation. */
function webhookUrlOf(
	workflow: WorkflowJson,
	urls: ReturnType<typeof sampleWebhookUrls>,
): string | undefined {
	switch (workflow.id) {
		case SAMPLE_WORKFLOW_IDS.crmDealWon:
			return urls.crmWebhookUrl;
		case SAMPLE_WORKFLOW_IDS.identityCheckFirst:
			return urls.newCustomerWebhookUrl;
		case SAMPLE_WORKFLOW_IDS.signedToStorage:
			return urls.reportsWebhookUrl;
		case SAMPLE_WORKFLOW_IDS.mcpServer:
			return urls.mcpServerUrl;
		case SAMPLE_WORKFLOW_IDS.sendAndWait:
			return urls.crmWaitWebhookUrl;
		default:
			return undefined;
	}
}

/**
 * Imports the sample credentials (pointing at sandboxUrl) and workflows into a running n8n, activates them, waits
 * until their production webhooks answer; returns the URLs.
 *
 * Creates the owner session and an API key on the handle when it has none. Re-running it on the same n8n is safe:
 * credentials are updated (the sandbox URL may change); workflows are deactivated, replaced with the repo's
 * version and activated again (`workflows: 'keep'` keeps workflows that already exist, e.g. edited in the editor).
 */
export async function setupSamples(
	handle: N8nHandle,
	opts: {
		sandboxUrl: string;
		signedDir: string;
		workflows?: 'replace' | 'keep';
		/** where production webhooks answer (queue mode: the webhook processor; default the handle itself) */
		webhookBaseUrl?: string;
	},
): Promise<SampleSetup> {
	if (!handle.owner) await setupOwner(handle);
	if (!handle.apiKey) await createApiKey(handle);
	const signedDir = path.resolve(opts.signedDir);
	// n8n's Read/Write Files node writes into existing folders only
	fs.mkdirSync(signedDir, { recursive: true });

	await importCredentials(handle, [
		{
			...SAMPLE_CREDENTIALS.api,
			type: 'lofirmoApi',
			data: {
				apiUser: SANDBOX_ACCOUNT.user,
				apiToken: SANDBOX_ACCOUNT.token,
				baseUrl: opts.sandboxUrl,
				pathOverrides: '{}',
			},
		},
		{
			...SAMPLE_CREDENTIALS.webhook,
			type: 'lofirmoWebhookApi',
			data: { user: SAMPLE_WEBHOOK_AUTH.user, password: SAMPLE_WEBHOOK_AUTH.password },
		},
		{ ...SAMPLE_CREDENTIALS.mcp, type: 'httpBearerAuth', data: { token: SAMPLE_MCP_TOKEN } },
	]);

	const workflows = sampleWorkflows() as WorkflowJson[];
	const existing = await existingWorkflowIds(handle, workflows);
	const toImport =
		opts.workflows === 'keep' ? workflows.filter((w) => !existing.has(w.id)) : workflows;
	// deactivate through the server first, so it unregisters the webhooks it holds (the CLI import runs in
	// another process); callers before callees
	for (const workflow of [...activationOrder(toImport)].reverse()) {
		if (existing.has(workflow.id)) await deactivateWorkflow(handle, workflow.id);
	}
	if (toImport.length > 0) await importWorkflows(handle, toImport);

	const urls = sampleWebhookUrls(opts.webhookBaseUrl ?? handle.baseUrl);
	for (const workflow of activationOrder(workflows)) {
		await activateWorkflow(handle, workflow.id, webhookUrlOf(workflow, urls));
	}
	return {
		...urls,
		signedDir,
		webhookAuth: { ...SAMPLE_WEBHOOK_AUTH },
		mcpToken: SAMPLE_MCP_TOKEN,
	};
}

/** Which of the sample workflows exist already (public API, `workflow:read`). */
async function existingWorkflowIds(
	handle: N8nHandle,
	workflows: WorkflowJson[],
): Promise<Set<string>> {
	const found = new Set<string>();
	for (const workflow of workflows) {
		const res = await axios.get(
			`${handle.baseUrl}/api/v1/workflows/${encodeURIComponent(workflow.id)}`,
			{
				headers: { 'X-N8N-API-KEY': handle.apiKey ?? '' },
				validateStatus: () => true,
				timeout: 15_000,
				proxy: false,
			},
		);
		if (res.status === 200) found.add(workflow.id);
		else if (res.status !== 404)
			throw new Error(
				`GET /api/v1/workflows/${workflow.id} → ${res.status} ${JSON.stringify(res.data).slice(0, 300)}`,
			);
	}
	return found;
}

/**
 * Points the sandbox's reports at the samples' Lofirmo Trigger through its control endpoint (what the Lofirmo
 * panel's "real-time reports" setting does), with the Basic auth the trigger expects.
 */
export async function connectSandboxReports(
	sandboxUrl: string,
	setup: Pick<SampleSetup, 'reportsWebhookUrl' | 'webhookAuth'>,
	format: 'json' | 'form' | 'multipart' = 'json',
): Promise<void> {
	const res = await axios.post(
		`${sandboxUrl.replace(/\/+$/, '')}/_sandbox/webhook`,
		{ url: setup.reportsWebhookUrl, format, auth: setup.webhookAuth },
		{ validateStatus: () => true, timeout: 15_000, proxy: false },
	);
	if (res.status !== 200)
		throw new Error(
			`sandbox refused the webhook setting: ${res.status} ${JSON.stringify(res.data)}`,
		);
}
