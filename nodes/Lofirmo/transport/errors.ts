/**
 * The errors the transport throws, and their text. They carry only what is put in them here: never the request
 * options (which hold the auth) nor a raw cause.
 */
import type { JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { LofirmoFunction } from './endpoints';
import type { LofirmoContext } from './run';

export interface ErrorParts {
	message: string;
	description: string;
	httpCode?: number;
	resultCode?: string;
}

/** Where an error is shown: the item the call was for. */
export interface ErrorPlace {
	itemIndex?: number;
}

export function apiError(
	ctx: LofirmoContext,
	fn: LofirmoFunction,
	place: ErrorPlace,
	parts: ErrorParts,
): NodeApiError {
	const response: JsonObject = { message: parts.message, function: fn.key };
	if (parts.resultCode !== undefined) response.res = parts.resultCode;
	return new NodeApiError(ctx.getNode(), response, {
		message: parts.message,
		description: parts.description,
		httpCode: parts.httpCode === undefined ? undefined : String(parts.httpCode),
		itemIndex: place.itemIndex,
	});
}

/** Lofirmo refused the credential now (`httpCode`), or for an earlier item of the run (no code). */
export function refusedError(
	ctx: LofirmoContext,
	fn: LofirmoFunction,
	place: ErrorPlace,
	httpCode: number | undefined,
) {
	return apiError(ctx, fn, place, {
		message: 'Lofirmo refused the API User or API Token',
		description:
			(httpCode === undefined
				? 'Lofirmo refused them for an earlier item of this run, so this one was not sent. '
				: '') +
			'Check the API User and API Token in the Lofirmo credential (Your Data → Configure Account in the Lofirmo panel). The request was not repeated: Lofirmo may block accounts that keep sending wrong credentials.',
		httpCode,
	});
}

/** A call that changes something failed in a way that leaves open whether Lofirmo carried it out. */
export function mayHaveArrivedError(
	ctx: LofirmoContext,
	fn: LofirmoFunction,
	place: ErrorPlace,
	failure: ErrorParts,
) {
	return apiError(ctx, fn, place, {
		...failure,
		message:
			failure.httpCode === undefined
				? 'Lofirmo may have received this request, but no answer came back'
				: `Lofirmo may have received this request, but answered HTTP ${failure.httpCode}`,
		description: `${failure.description}. It was not sent again, because Lofirmo may already have processed it and a second ${fn.path} would be carried out twice (credits, messages to the signer). Check it in the Lofirmo panel or with Get Status before running this item again.`,
	});
}

/** A failure after the last try, or one that trying again would not help. */
export function finalError(
	ctx: LofirmoContext,
	fn: LofirmoFunction,
	place: ErrorPlace,
	failure: ErrorParts & { transient: boolean },
	attempts: number,
) {
	return apiError(ctx, fn, place, {
		...failure,
		description:
			failure.description +
			(failure.transient
				? ` (tried ${attempts} times)`
				: ' (not retried: it would fail the same way)'),
	});
}

/** An answer whose `Res` is not a success code. */
export function rejectedError(
	ctx: LofirmoContext,
	fn: LofirmoFunction,
	place: ErrorPlace,
	answer: { resultCode: string; detail: string | undefined; httpCode: number },
) {
	return apiError(ctx, fn, place, {
		message: `Lofirmo rejected the request (Res ${answer.resultCode})`,
		description:
			(answer.detail ? `Lofirmo says: ${answer.detail}. ` : '') +
			`Result code ${answer.resultCode} from ${fn.path}. The vendor does not publish the meaning of each code: check the fields sent and your account (credits, permissions). The request was not repeated.`,
		httpCode: answer.httpCode,
		resultCode: answer.resultCode,
	});
}

/**
 * Lofirmo answered 404, or an HTML page, on a path it has not published (our reading of its naming) or on a path the
 * user set in Path Overrides: most likely the path is wrong, so the error says which key sets it and where the paths
 * are listed, instead of only the HTTP status.
 */
export function pathNotFoundError(
	ctx: LofirmoContext,
	fn: LofirmoFunction,
	place: ErrorPlace,
	answer: { path: string; overridden: boolean; httpCode: number; html: boolean; body: string },
) {
	const what = answer.html ? 'a web page instead of the API' : `HTTP ${answer.httpCode}`;
	const why = answer.overridden
		? `${answer.path} is the path set for "${fn.key}" in the credential's Path Overrides`
		: `${answer.path} is not published by Lofirmo: it is our reading of the vendor's naming for "${fn.key}"`;
	return apiError(ctx, fn, place, {
		message: `Lofirmo answered ${answer.path} with ${what}: the path may be wrong`,
		description:
			`${why}, and Lofirmo does not seem to serve it. If your Lofirmo documentation or support gives another path, set it in the Lofirmo credential's Path Overrides, e.g. {"${fn.key}": "/TheirPath"}; the README of n8n-nodes-lofirmo lists every key and path under "Endpoints". ` +
			`The request was not repeated. ${answer.body}`,
		httpCode: answer.httpCode,
	});
}

/** A failure that is neither the API's answer nor the network's, e.g. n8n could not store the file. */
export function unexpectedError(
	ctx: LofirmoContext,
	fn: LofirmoFunction,
	place: ErrorPlace,
	error: unknown,
	url: string | undefined,
) {
	return apiError(ctx, fn, place, {
		message: `The answer to ${url ?? fn.key} could not be processed`,
		description: safeMessage(error),
	});
}

/** The message of a network error, without anything that could hold a credential (URLs with userinfo, headers). */
export function safeMessage(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return message.replace(/\/\/[^/\s@]+@/g, '//').slice(0, 300);
}
