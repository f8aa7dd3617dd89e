/** Runs the Lofirmo node in the fake n8n context, with a stubbed Lofirmo (unit tests) or real HTTP (integration). */
import type { IDataObject, IHttpRequestOptions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { Lofirmo } from '../../../nodes/Lofirmo/Lofirmo.node';
import {
	createExecuteContext,
	type HttpHandler,
	type TestCredentials,
} from '../../helpers/n8n-context';

export const node = new Lofirmo();

/** A contract as the operations on a sent contract take it, and as they send it. */
export const reference = { contractId: 'ASYYFRE5492-HN776TFD', reportId: '299846332' };
export const sentReference = {
	Contratoid: 'ASYYFRE5492-HN776TFD',
	Reportid: '299846332',
	Resp: 'JSON',
};

/** The parameters of a contract operation on `reference`. */
export const contract = (operation: string, extra = {}) => ({
	resource: 'contract',
	operation,
	...reference,
	...extra,
});

export const STUB_CREDENTIALS: TestCredentials = {
	apiUser: 'user',
	apiToken: 'token',
	baseUrl: 'https://lofirmo.test/api',
};

export interface RunOptions {
	credentials?: TestCredentials;
	http?: HttpHandler;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	resumeUrl?: string;
	/** e.g. the tool variant's type */
	node?: Partial<INode>;
}

type Parameters = Record<string, unknown>;

/**
 * Executes the node once; parameters are one object for all items or a function of the item index. Values are
 * `unknown` on purpose: expressions can hand a node anything (Dates, DateTimes, arrays in text fields).
 */
export function run(
	parameters: Parameters | ((itemIndex: number) => Parameters),
	options: RunOptions = {},
) {
	const { ctx, calls, executeData, waitTill } = createExecuteContext({
		parameters: parameters as IDataObject | ((itemIndex: number) => IDataObject),
		credentials: options.credentials ?? STUB_CREDENTIALS,
		http: options.http,
		items: options.items,
		continueOnFail: options.continueOnFail,
		description: node.description,
		resumeUrl: options.resumeUrl,
		node: options.node,
	});
	return { output: node.execute.call(ctx), calls, executeData, waitTill };
}

/** A stub Lofirmo that answers every call with the given body (an object is sent as the usual one-element array). */
export function answer(body: IDataObject | Buffer | string, statusCode = 200): HttpHandler {
	return async () => ({
		statusCode,
		body: Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify([body]),
		headers: { 'content-type': Buffer.isBuffer(body) ? 'application/pdf' : 'application/json' },
	});
}

/** The JSON body of the n-th request the node sent. */
export function sentBody(calls: Array<{ options: IHttpRequestOptions }>, index = 0): IDataObject {
	return calls[index].options.body as IDataObject;
}

/** Awaits a run that must fail and returns its n8n error. */
export async function failure(
	promise: Promise<unknown>,
): Promise<NodeOperationError | NodeApiError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
		throw error;
	}
	throw new Error('expected the node to fail');
}

/** A small but complete PDF, as Lofirmo sends one. */
export function samplePdf(text = 'Lofirmo test'): Buffer {
	return Buffer.from(
		`%PDF-1.4\n1 0 obj << /Title (${text}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
		'latin1',
	);
}
