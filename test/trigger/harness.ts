/**
 * Calls a trigger's webhook() the way n8n's own `testWebhookTriggerNode` does (packages/nodes-base/test/nodes/
 * TriggerHelpers.ts in n8n-io/n8n, not published): through an `IWebhookFunctions` mocked with jest-mock-extended.
 * Parameters get the description's defaults, as n8n fills them in; what the node writes to the HTTP response is
 * recorded, and so is everything it logs; binary and HTTP helpers are those of the shared test context (real HTTP
 * unless stubbed). With `plain`, the same functions come as a plain object instead of a mock (see WebhookCall).
 */
import type { IncomingHttpHeaders } from 'http';
import { mock } from 'jest-mock-extended';
import type {
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { createExecuteContext, recordingLogger } from '../helpers/n8n-context';
import type { HttpCall, HttpHandler, LogEntry, TestCredentials } from '../helpers/n8n-context';

export interface WebhookCall {
	parameters?: IDataObject;
	headers?: IncomingHttpHeaders;
	body?: unknown;
	rawBody?: Buffer;
	/** Credentials by type: `lofirmoWebhookApi` ({ user, password }) and `lofirmoApi` (TestCredentials). */
	credentials?: { lofirmoWebhookApi?: IDataObject; lofirmoApi?: TestCredentials };
	/** Replaces real HTTP for the Lofirmo API calls. */
	http?: HttpHandler;
	/** The node's typeVersion (default 1). */
	typeVersion?: number;
	/**
	 * The body as n8n leaves it for a webhook node of version 1.1 when it does not parse the content type: `rawBody`
	 * is on the request only once the node has called `req.readRawBody()`.
	 */
	unread?: boolean;
	/** What `req.readRawBody()` rejects with (a client that went away, a body over n8n's size limit). */
	readRawBodyError?: Error;
	/**
	 * A plain IWebhookFunctions (and helpers) holding only the functions above, instead of jest-mock-extended mocks:
	 * a call to anything else throws rather than returning undefined, and it is light enough for thousands of calls.
	 */
	plain?: boolean;
	/** What `this.evaluateExpression` answers (a webhook call evaluates only what n8n hands it this way). */
	evaluate?: (expression: string) => unknown;
	/** The request's query string, parsed (`signature` on a resume call). */
	query?: IDataObject;
	/** n8n's plain `helpers.httpRequest` (the trigger's call to a waiting execution's resume URL). */
	httpRequest?: (options: IHttpRequestOptions) => Promise<unknown>;
}

export interface RecordedResponse {
	statusCode?: number;
	headers: Record<string, string>;
	body?: string;
}

export interface WebhookResult {
	responseData: IWebhookResponseData;
	/** What the node wrote to the HTTP response itself (nothing when n8n answers for it). */
	response: RecordedResponse;
	/** The items emitted on the trigger's output; empty when nothing was emitted. */
	items: INodeExecutionData[];
	/** The Lofirmo API requests the node made. */
	httpCalls: HttpCall[];
	/** Everything the node logged through `this.logger`, in order. */
	logs: LogEntry[];
	/** How many times the node called `req.readRawBody()`. */
	rawBodyReads: number;
}

const NO_API_CREDENTIALS: TestCredentials = {
	apiUser: '',
	apiToken: '',
	baseUrl: 'http://127.0.0.1:9',
};

export async function callWebhook(
	Trigger: new () => INodeType,
	call: WebhookCall = {},
): Promise<WebhookResult> {
	const trigger = new Trigger();
	const { description } = trigger;
	const defaults = Object.fromEntries(
		description.properties.map((property) => [property.name, property.default]),
	);
	const parameters = { ...defaults, ...call.parameters } as INodeParameters;
	const node: INode = {
		id: '1',
		name: description.defaults.name ?? description.displayName,
		type: `n8n-nodes-lofirmo.${description.name}`,
		typeVersion: call.typeVersion ?? 1,
		position: [0, 0],
		parameters,
	};

	const apiCredentials = call.credentials?.lofirmoApi ?? NO_API_CREDENTIALS;
	const shared = createExecuteContext({
		parameters: {},
		credentials: apiCredentials,
		http: call.http,
		node,
	});
	const { entries, logger } = recordingLogger();
	const response: RecordedResponse = { headers: {} };
	const res = {
		status(statusCode: number) {
			response.statusCode = statusCode;
			return res;
		},
		json(body: unknown) {
			response.body = JSON.stringify(body);
			return res;
		},
		writeHead(statusCode: number, headers: Record<string, string> = {}) {
			response.statusCode = statusCode;
			Object.assign(response.headers, headers);
			return res;
		},
		end(body?: string) {
			response.body = body;
			return res;
		},
	};

	const helpers = {
		prepareBinaryData: shared.ctx.helpers.prepareBinaryData,
		httpRequestWithAuthentication: shared.ctx.helpers.httpRequestWithAuthentication,
		returnJsonArray: shared.ctx.helpers.returnJsonArray,
		...(call.httpRequest ? { httpRequest: call.httpRequest } : {}),
	} as IWebhookFunctions['helpers'];
	const headers = call.headers ?? {};
	let rawBodyReads = 0;
	const request = {
		headers,
		body: call.body,
		rawBody: call.unread ? undefined : call.rawBody,
		async readRawBody() {
			rawBodyReads++;
			if (call.readRawBodyError) throw call.readRawBodyError;
			// n8n's form parser has consumed a multipart body: its stream cannot be read again
			const body = call.body as { data?: unknown; files?: unknown } | undefined;
			if (body?.data !== undefined && body.files !== undefined)
				throw new Error('Request body stream was aborted or is not readable');
			request.rawBody ??= call.rawBody ?? Buffer.alloc(0);
		},
	};
	const functions = {
		helpers: call.plain ? helpers : mock<IWebhookFunctions['helpers']>(helpers),
		logger,
		getNode: () => node,
		getMode: () => 'webhook' as const,
		getTimezone: () => 'Europe/Madrid',
		getBodyData: () => call.body as IDataObject,
		getHeaderData: () => headers,
		getQueryData: () => call.query ?? {},
		getRequestObject: () => request as never,
		getResponseObject: () => res as never,
		getNodeParameter: ((name: string, fallback?: unknown) => parameters[name] ?? fallback) as never,
		evaluateExpression: ((expression: string) => {
			if (!call.evaluate) throw new Error(`no expression was expected: ${expression}`);
			return call.evaluate(expression);
		}) as never,
		getCredentials: (async (type: string) => {
			const found = (call.credentials as Record<string, object> | undefined)?.[type];
			if (!found) throw new Error(`Node does not have any credentials set for "${type}"`);
			return { ...found };
		}) as never,
	};
	const context = call.plain
		? (functions as unknown as IWebhookFunctions)
		: mock<IWebhookFunctions>(functions);

	const responseData = await trigger.webhook!.call(context);
	return {
		responseData,
		response,
		items: responseData.workflowData?.[0] ?? [],
		httpCalls: shared.calls,
		logs: entries,
		rawBodyReads,
	};
}

/** An `Authorization` header for HTTP Basic auth. */
export function basicAuthHeader(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
