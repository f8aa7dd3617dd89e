/**
 * The body's bytes, as the trigger's version needs them. For a webhook node of version 1, n8n evaluates
 * `$parameter.options.binaryData` on every request and then reads every body itself. From version 1.1 it evaluates
 * nothing, parses JSON, text, form, XML and multipart bodies as before, and leaves any other body unread (cli
 * webhook-helpers `parseRequestBody`, in n8n 1.x and 2.x): the node reads those itself, after the auth check.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

interface WebhookRequest {
	rawBody?: unknown;
	readRawBody?: () => Promise<void>;
}

/** A body that could not be read: answered the way n8n answers it for version 1, and no execution starts. */
export interface BodyReadFailure {
	responseCode: 400 | 413;
	message: string;
}

export async function readBody(
	this: IWebhookFunctions,
): Promise<{ rawBody: unknown } | { failure: BodyReadFailure }> {
	const request = this.getRequestObject() as WebhookRequest | undefined;
	if (this.getNode().typeVersion <= 1 || request?.rawBody !== undefined)
		return { rawBody: request?.rawBody };
	// n8n's form parser consumed a multipart body; its fields are in getBodyData()
	if (parsedForm(this.getBodyData())) return { rawBody: undefined };
	if (typeof request?.readRawBody !== 'function') {
		this.logger.warn('Lofirmo Trigger: n8n gave no way to read the request body');
		return { rawBody: undefined };
	}
	try {
		await request.readRawBody();
	} catch (error) {
		const tooLarge =
			(error as { type?: unknown }).type === 'entity.too.large' ||
			(error as { status?: unknown }).status === 413;
		return {
			failure: tooLarge
				? { responseCode: 413, message: 'The report is larger than n8n accepts' }
				: { responseCode: 400, message: 'The report body could not be read' },
		};
	}
	return { rawBody: request.rawBody };
}

export function writeBodyFailure(this: IWebhookFunctions, failure: BodyReadFailure): void {
	const response = this.getResponseObject();
	response.writeHead(failure.responseCode, { 'Content-Type': 'text/plain; charset=utf-8' });
	response.end(failure.message);
}

function parsedForm(body: unknown): boolean {
	return typeof body === 'object' && body !== null && 'data' in body && 'files' in body;
}
