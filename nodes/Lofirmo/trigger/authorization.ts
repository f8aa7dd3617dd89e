/**
 * The trigger's Basic Auth: a call without the right user and password is refused with one typed error (as n8n's
 * Webhook node does with its WebhookAuthorizationError), and one place writes that refusal.
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { basicAuthMatches } from './basicAuth';

const REALM = 'Lofirmo Trigger';

export class TriggerAuthorizationError extends Error {
	constructor(
		readonly responseCode: 401 | 500,
		message: string,
	) {
		super(message);
		this.name = 'TriggerAuthorizationError';
	}
}

/** Throws a TriggerAuthorizationError unless the call carries the user and password of the node's credential. */
export async function checkBasicAuth(this: IWebhookFunctions): Promise<void> {
	let expected: IDataObject | undefined;
	try {
		expected = await this.getCredentials<IDataObject>('lofirmoWebhookApi');
	} catch (error) {
		this.logger.warn('Lofirmo Trigger: its Basic Auth credential could not be read', { error });
	}
	const user = expected?.user;
	const password = expected?.password;
	if (typeof user !== 'string' || typeof password !== 'string' || user === '' || password === '') {
		// the node is misconfigured, not the caller: a 5xx makes Lofirmo see the failure instead of losing the report
		throw new TriggerAuthorizationError(
			500,
			'The Lofirmo Trigger has no user and password set for Basic Auth',
		);
	}
	if (!basicAuthMatches(this.getHeaderData().authorization, { user, password })) {
		throw new TriggerAuthorizationError(401, 'Authorization is required');
	}
}

/** Answers the caller with the refusal, as plain text; a 401 says which auth to use. */
export function writeRefusal(this: IWebhookFunctions, error: TriggerAuthorizationError): void {
	const response = this.getResponseObject();
	response.writeHead(error.responseCode, {
		...(error.responseCode === 401
			? { 'WWW-Authenticate': `Basic realm="${REALM}", charset="UTF-8"` }
			: {}),
		'Content-Type': 'text/plain; charset=utf-8',
	});
	response.end(error.message);
}
