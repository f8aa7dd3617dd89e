/**
 * Shared by the reliability suites: the Lofirmo node run in the fake n8n context with its logger recorded, the
 * trigger's webhook() with a recorded logger and response, a sandbox with an HTTP timeout we can shorten, the
 * prototype-pollution probe. (Figures: test/helpers/figures.ts.)
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { Lofirmo } from '../../nodes/Lofirmo/Lofirmo.node';
import { LofirmoTrigger } from '../../nodes/Lofirmo/LofirmoTrigger.node';
import {
	createExecuteContext,
	realHttp,
	recordingLogger,
	type HttpCall,
	type HttpHandler,
	type LogEntry,
	type TestCredentials,
} from '../helpers/n8n-context';
import { MAX_TRIES } from '../helpers/retry-promise';
import { startSandbox, TOKEN, USER, type Sandbox } from '../helpers/sandbox';
import {
	basicAuthHeader,
	callWebhook,
	type WebhookCall,
	type WebhookResult,
} from '../trigger/harness';

export const node = new Lofirmo();

/** Every operation of the action node, with its resource. */
export const OPERATIONS = {
	sendContract: 'contract',
	continueFlow: 'contract',
	cancelContract: 'contract',
	contractStatus: 'contract',
	downloadContractPdf: 'contract',
	sendIdentity: 'identityVerification',
	downloadIdentityCertificate: 'identityVerification',
	credits: 'account',
} as const;
export type Operation = keyof typeof OPERATIONS;
export const OPERATION_NAMES = Object.keys(OPERATIONS) as Operation[];
export const PDF_OPERATIONS: Operation[] = ['downloadContractPdf', 'downloadIdentityCertificate'];

/** Enough uses of a fault that every try meets it. */
export const ALWAYS = MAX_TRIES + 3;

export interface NodeRun {
	/** The output of the node, or undefined when it threw. */
	output?: INodeExecutionData[][];
	error?: unknown;
	calls: HttpCall[];
	logs: LogEntry[];
}

export interface RunOptions {
	credentials: TestCredentials;
	http?: HttpHandler;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
}

/** Runs the Lofirmo node once and settles: never throws, the outcome is in the result. */
export async function runNode(
	parameters: Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>),
	options: RunOptions,
): Promise<NodeRun> {
	const { ctx, calls } = createExecuteContext({
		// values are `unknown` on purpose: expressions can hand a node anything
		parameters: parameters as IDataObject | ((itemIndex: number) => IDataObject),
		credentials: options.credentials,
		http: options.http,
		items: options.items,
		continueOnFail: options.continueOnFail,
		description: node.description,
	});
	const { entries, logger } = recordingLogger();
	(ctx as unknown as { logger: unknown }).logger = logger;
	try {
		const output = await node.execute.call(ctx as IExecuteFunctions);
		return { output, calls, logs: entries };
	} catch (error) {
		return { error, calls, logs: entries };
	}
}

/** The parameters an operation needs, on top of the given ones. */
export function opParameters(op: Operation, extra: IDataObject = {}): IDataObject {
	return { resource: OPERATIONS[op], operation: op, ...extra };
}

export function isNodeError(error: unknown): error is NodeApiError | NodeOperationError {
	return error instanceof NodeApiError || error instanceof NodeOperationError;
}

/**
 * Real HTTP whose timeout is capped, so a test never waits the transport's own 30 s; what the transport asked for
 * stays in the recorded calls (they are recorded before this handler runs). `calls`: only the first that many
 * requests to each URL are capped, so an answer that follows a timeout is not itself held to the cap (a loaded
 * machine may take longer than the cap to give it).
 */
export function cappedHttp(capMs: number, calls = Infinity): HttpHandler {
	const made = new Map<string, number>();
	return (options, credentials) => {
		const url = String(options.url);
		const before = made.get(url) ?? 0;
		made.set(url, before + 1);
		const timeout = before < calls ? Math.min(options.timeout ?? capMs, capMs) : options.timeout;
		return realHttp({ ...options, timeout }, credentials);
	};
}

export interface World {
	sb: Sandbox;
	credentials: TestCredentials;
	/** The fields each operation needs to succeed in this sandbox. */
	parameters: Record<Operation, IDataObject>;
}

/**
 * A sandbox of its own (free port) with a contract in each state the operations need (certified, open, to cancel),
 * a finished identity check, and each operation's fields. The account is the sandbox's default one unless given.
 */
export async function world(
	account: { user: string; token: string } = { user: USER, token: TOKEN },
): Promise<World> {
	const sb = await startSandbox({ accounts: [{ ...account, credits: 1000 }] });
	const credentials: TestCredentials = {
		apiUser: account.user,
		apiToken: account.token,
		baseUrl: sb.url,
	};
	const signers = {
		signersInput: 'fields',
		signers: { signer: [{ name: 'Ana García', email: 'ana@example.com' }] },
	};
	const first = async (run: Promise<NodeRun>) => {
		const { output, error } = await run;
		if (!output) throw error;
		return output[0][0].json;
	};
	const [certified, open, toCancel, identity] = await Promise.all([
		first(runNode(opParameters('sendContract', signers), { credentials })),
		first(runNode(opParameters('sendContract', signers), { credentials })),
		first(runNode(opParameters('sendContract', signers), { credentials })),
		first(runNode(opParameters('sendIdentity', { mobile: '34600000001' }), { credentials })),
	]);
	await sb.certifyContract(String(certified.contractId));
	await sb.completeIdentity(String(identity.verificationId));
	const ref = (sent: IDataObject) => ({ contractId: sent.contractId, reportId: sent.reportId });
	return {
		sb,
		credentials,
		parameters: {
			sendContract: signers,
			continueFlow: ref(open),
			cancelContract: ref(toCancel),
			contractStatus: ref(certified),
			downloadContractPdf: { ...ref(certified), document: 'CERTIFICADO' },
			sendIdentity: { mobile: '34600000001' },
			downloadIdentityCertificate: { verificationId: identity.verificationId },
			credits: {},
		},
	};
}

/** A small but complete PDF. */
export function samplePdf(text = 'Lofirmo reliability'): Buffer {
	return Buffer.from(
		`%PDF-1.4\n1 0 obj << /Title (${text}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
		'latin1',
	);
}

/** A stub Lofirmo that answers every JSON function with success and every PDF function with a PDF. */
export const stubLofirmo: HttpHandler = async (options) => {
	const pdf = /Descargar/i.test(String(options.url));
	return {
		statusCode: 200,
		body: pdf
			? samplePdf()
			: JSON.stringify([
					{ Res: '10', ContratoId: '1994779988', ReportId: '1994779989', ID: '77', Cred: '100' },
				]),
		headers: { 'content-type': pdf ? 'application/pdf' : 'application/json' },
	};
};

export const STUB_CREDENTIALS: TestCredentials = {
	apiUser: 'user',
	apiToken: 'token',
	baseUrl: 'https://lofirmo.test/api',
};

// ---- trigger ---------------------------------------------------------------------------------------------------

export type TriggerCall = Omit<WebhookCall, 'plain'>;
export type TriggerResult = WebhookResult;

/**
 * The trigger's webhook() through test/trigger/harness.ts with a plain IWebhookFunctions (the methods the node uses;
 * anything else would throw), light enough for thousands of calls; what it logs is in `logs`.
 */
export function callTrigger(call: TriggerCall = {}): Promise<TriggerResult> {
	return callWebhook(LofirmoTrigger, { ...call, plain: true });
}

export { basicAuthHeader };

// ---- prototype pollution -------------------------------------------------------------------------------------

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const snapshot = () =>
	PROTOTYPES.map((proto) => Object.getOwnPropertyNames(proto).sort().join(','));
const before = snapshot();

/** Names a polluted built-in prototype, or undefined when all are as they were when this module loaded. */
export function pollution(): string | undefined {
	const now = snapshot();
	const changed = now.findIndex((names, index) => names !== before[index]);
	if (changed >= 0)
		return `${['Object', 'Array', 'Function', 'String'][changed]}.prototype gained or lost a property`;
	const probe = {} as IDataObject;
	for (const key of ['polluted', 'isAdmin', 'Nombre', 'Email', 'Servicio', 'ContratoID']) {
		if (key in probe) return `Object.prototype.${key} is set`;
	}
	return undefined;
}
