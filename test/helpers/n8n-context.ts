/**
 * A small stand-in for the `this` n8n gives a node's execute(): parameters per item, input items, credentials,
 * continueOnFail, binary helpers, and `httpRequestWithAuthentication` doing **real HTTP** (axios) with the
 * credential's Basic auth, the way n8n's own helper does: same option semantics, and network failures wrapped in a
 * NodeApiError whose cause still holds the request config (as n8n's does). Unit tests can swap `http` for a stub.
 */
import axios, { type AxiosRequestConfig } from 'axios';
import type { Readable } from 'node:stream';
import type {
	IAdditionalCredentialOptions,
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeProperties,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export interface TestCredentials {
	apiUser: string;
	apiToken: string;
	baseUrl: string;
	pathOverrides?: string;
}

export interface HttpCall {
	options: IHttpRequestOptions;
	credentialType: string;
}

export type HttpHandler = (
	options: IHttpRequestOptions,
	credentials: TestCredentials,
) => Promise<unknown>;

export interface ContextOptions {
	/** Node parameters: one object for all items, or a function of the item index. */
	parameters: IDataObject | ((itemIndex: number) => IDataObject);
	credentials: TestCredentials;
	items?: INodeExecutionData[];
	description?: INodeTypeDescription;
	continueOnFail?: boolean;
	/** Replace real HTTP (unit tests); default is real HTTP with Basic auth. */
	http?: HttpHandler;
	node?: Partial<INode>;
	/** What `$execution.resumeUrl` evaluates to (the only expression a node evaluates itself here) */
	resumeUrl?: string;
}

export interface TestContext {
	ctx: IExecuteFunctions;
	/** Every request the node asked n8n to send, in order. */
	calls: HttpCall[];
	/** The node's stack entry, as n8n saves it with a waiting execution */
	executeData: { data: { main: INodeExecutionData[][] } };
	/** What the node passed to putExecutionToWait, if it called it */
	waitTill: () => Date | undefined;
}

/** The execution id and resume URL (with n8n 2.x's 64-hex token) of the test contexts. */
export const TEST_EXECUTION_ID = '4711';
export const TEST_RESUME_TOKEN = 'ab'.repeat(32);
export const TEST_RESUME_URL = `http://n8n.test/webhook-waiting/${TEST_EXECUTION_ID}?signature=${TEST_RESUME_TOKEN}`;

export interface LogEntry {
	level: string;
	message: unknown;
	meta: unknown;
}

/** A logger that keeps every call, so a test can read what would have reached n8n's log. */
export function recordingLogger() {
	const entries: LogEntry[] = [];
	const at = (level: string) => (message: unknown, meta?: unknown) => {
		entries.push({ level, message, meta });
	};
	return {
		entries,
		logger: {
			debug: at('debug'),
			info: at('info'),
			warn: at('warn'),
			error: at('error'),
			verbose: at('verbose'),
		},
	};
}

export const realHttp: HttpHandler = async (options, credentials) => {
	const config: AxiosRequestConfig = {
		method: options.method ?? 'GET',
		baseURL: options.baseURL,
		url: options.url,
		data: options.body,
		headers: {
			...(options.json ? { Accept: 'application/json' } : {}),
			...(options.headers as object),
		},
		timeout: options.timeout,
		signal: options.abortSignal as AxiosRequestConfig['signal'],
		responseType: options.encoding as AxiosRequestConfig['responseType'],
		auth: { username: credentials.apiUser, password: credentials.apiToken },
		validateStatus: options.ignoreHttpStatusErrors ? () => true : undefined,
		maxBodyLength: Infinity,
		maxContentLength: Infinity,
	};
	const response = await axios.request(config);
	if (options.returnFullResponse) {
		return {
			body: response.data,
			headers: response.headers,
			statusCode: response.status,
			statusMessage: response.statusText,
		};
	}
	return response.data;
};

export function createExecuteContext(options: ContextOptions): TestContext {
	const calls: HttpCall[] = [];
	const items = options.items ?? [{ json: {} }];
	const http = options.http ?? realHttp;
	const node: INode = {
		id: 'test-node',
		name: 'Lofirmo',
		type: 'n8n-nodes-lofirmo.lofirmo',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		...options.node,
	};

	const executeData = { data: { main: [items] } };
	let waitTill: Date | undefined;
	const paramsFor = (itemIndex: number): IDataObject =>
		typeof options.parameters === 'function' ? options.parameters(itemIndex) : options.parameters;

	const ctx = {
		getNode: () => node,
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail ?? false,
		getTimezone: () => 'Europe/Madrid',
		getExecutionId: () => TEST_EXECUTION_ID,
		getExecuteData: () => executeData,
		async putExecutionToWait(date: Date) {
			waitTill = date;
		},
		evaluateExpression(expression: string) {
			if (expression.includes('$execution.resumeUrl')) return options.resumeUrl ?? TEST_RESUME_URL;
			throw new Error(`the test context evaluates no expression "${expression}"`);
		},
		getCredentials: async () => ({ ...options.credentials }) as unknown as IDataObject,
		getNodeParameter(name: string, itemIndex: number, ...rest: unknown[]) {
			const value = lookup(paramsFor(itemIndex), name);
			if (value !== undefined) return value;
			if (rest.length > 0) return rest[0];
			const fallback = defaultOf(options.description?.properties ?? [], name);
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		logger: { debug() {}, info() {}, warn() {}, error() {} },
		helpers: {
			async httpRequestWithAuthentication(
				credentialType: string,
				requestOptions: IHttpRequestOptions,
				additional?: IAdditionalCredentialOptions,
			) {
				calls.push({ options: structuredClone(requestOptions), credentialType });
				// like n8n-core: the credential the node passed, else read (and decrypted) again for this request
				const credentials =
					additional?.credentialsDecrypted?.data ??
					(await (ctx.getCredentials as (type: string) => Promise<IDataObject>)(credentialType));
				try {
					return await http(requestOptions, credentials as unknown as TestCredentials);
				} catch (error) {
					// n8n wraps every failure of this helper the same way (see n8n-core's authentication helper)
					throw new NodeApiError(node, error as never);
				}
			},
			// like n8n's default (in-memory) binary mode: a stream is read whole, and a stream error fails the call
			async prepareBinaryData(
				input: Buffer | Readable,
				fileName?: string,
				mimeType?: string,
			): Promise<IBinaryData> {
				const data = Buffer.isBuffer(input) ? input : Buffer.concat(await input.toArray());
				return {
					data: data.toString('base64'),
					mimeType: mimeType ?? 'application/octet-stream',
					fileName,
					fileExtension: fileName?.split('.').pop(),
					fileSize: `${data.length} B`,
				};
			},
			returnJsonArray(data: IDataObject | IDataObject[]): INodeExecutionData[] {
				return (Array.isArray(data) ? data : [data]).map((json) => ({ json }));
			},
			constructExecutionMetaData(
				data: INodeExecutionData[],
				{ itemData }: { itemData: { item: number } | Array<{ item: number }> },
			): INodeExecutionData[] {
				return data.map((entry) => ({ ...entry, pairedItem: itemData }));
			},
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, calls, executeData, waitTill: () => waitTill };
}

function lookup(params: IDataObject, path: string): unknown {
	let current: unknown = params;
	for (const key of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as IDataObject)[key];
	}
	return current;
}

function defaultOf(properties: INodeProperties[], path: string): unknown {
	const [first] = path.split('.');
	return properties.find((property) => property.name === first)?.default;
}

/** Decodes the binary emitted by a node in these tests. */
export function binaryBuffer(item: INodeExecutionData, property = 'data'): Buffer {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`item has no binary property "${property}"`);
	return Buffer.from(binary.data, 'base64');
}
