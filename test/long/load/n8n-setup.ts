/**
 * An n8n made ready for the load suites: owner, API key, the Lofirmo credentials (API on the sandbox; the webhook's
 * Basic auth), workflows built around a Lofirmo Trigger, imported and active.
 */
import {
	activateWorkflow,
	createApiKey,
	importCredentials,
	importWorkflows,
	setupOwner,
	type N8nHandle,
} from '../../../scripts/n8n-harness';
import { TOKEN, USER } from '../../helpers/sandbox';

/** What the trigger's credential expects, and so what every delivery sends. */
export const HOOK_AUTH = { user: 'lofirmo-load', password: 'Load-Reports-Passw0rd-7' };
const CREDS = {
	api: { id: 'lofirmoLoadApi', name: 'Lofirmo (load sandbox)' },
	webhook: { id: 'lofirmoLoadHook', name: 'Lofirmo reports (load)' },
};
export const TRIGGER = 'Lofirmo reports';
/** the NoOp after the trigger in the load workflow */
export const DONE = 'Done';

export interface WorkflowSpec {
	id: string;
	webhookId: string;
	json: Record<string, unknown>;
}

function node(
	id: string,
	name: string,
	type: string,
	typeVersion: number,
	x: number,
	parameters: Record<string, unknown>,
) {
	return { id: `${id}-${x}`, name, type, typeVersion, position: [x, 0], parameters };
}

/** The Lofirmo Trigger with Basic auth, downloading certified PDFs or not. */
function triggerNode(workflowId: string, webhookId: string, downloadPdf: boolean) {
	return {
		...node(workflowId, TRIGGER, 'n8n-nodes-lofirmo.lofirmoTrigger', 1, 0, {
			authentication: 'basicAuth',
			downloadPdf,
		}),
		webhookId,
		credentials: {
			lofirmoWebhookApi: CREDS.webhook,
			...(downloadPdf ? { lofirmoApi: CREDS.api } : {}),
		},
	};
}

/** A node after the trigger. */
export interface Step {
	name: string;
	type: string;
	typeVersion: number;
	parameters?: Record<string, unknown>;
}

/** A NoOp named `name`. */
export const noOp = (name: string): Step => ({ name, type: 'n8n-nodes-base.noOp', typeVersion: 1 });

/**
 * A workflow of the Lofirmo Trigger (Basic auth, downloading certified PDFs or not) and then `steps`, one after the
 * other.
 */
export function triggerWorkflow(
	spec: { id: string; webhookId: string; name: string },
	downloadPdf: boolean,
	steps: Step[],
): WorkflowSpec {
	const { id, webhookId, name } = spec;
	const connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	> = {};
	const names = [TRIGGER, ...steps.map((step) => step.name)];
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return {
		id,
		webhookId,
		json: {
			id,
			name,
			active: false,
			settings: { executionOrder: 'v1' },
			pinData: {},
			nodes: [
				triggerNode(id, webhookId, downloadPdf),
				...steps.map((step, i) =>
					node(id, step.name, step.type, step.typeVersion, 240 * (i + 1), step.parameters ?? {}),
				),
			],
			connections,
		},
	};
}

/** The load workflow: the trigger, downloading certified PDFs, into a NoOp. */
export const loadWorkflow = (spec: { id: string; webhookId: string; name: string }) =>
	triggerWorkflow(spec, true, [noOp(DONE)]);

/** The trigger's production URL on the n8n that answers production webhooks. */
export const hookUrl = (webhookBaseUrl: string, webhookId: string) =>
	`${webhookBaseUrl}/webhook/${webhookId}/lofirmo`;

/**
 * Owner, API key, the credentials and `workflows` on `n8n` (the main process), each activated and waited for
 * where production webhooks answer (`webhookBaseUrl`: the same n8n, or a queue's webhook processor).
 */
export async function prepareInstance(
	n8n: N8nHandle,
	opts: { sandboxUrl: string; workflows: WorkflowSpec[]; webhookBaseUrl: string },
): Promise<void> {
	await setupOwner(n8n);
	await createApiKey(n8n);
	await importCredentials(n8n, [
		{
			...CREDS.api,
			type: 'lofirmoApi',
			data: { apiUser: USER, apiToken: TOKEN, baseUrl: opts.sandboxUrl, pathOverrides: '{}' },
		},
		{ ...CREDS.webhook, type: 'lofirmoWebhookApi', data: { ...HOOK_AUTH } },
	]);
	await importWorkflows(
		n8n,
		opts.workflows.map((w) => w.json),
	);
	for (const workflow of opts.workflows)
		await activateWorkflow(n8n, workflow.id, hookUrl(opts.webhookBaseUrl, workflow.webhookId));
}
