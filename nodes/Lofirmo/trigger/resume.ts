/**
 * A report whose reference carries a resume code (made by Contract → Send and Wait for Signature) wakes the waiting
 * execution up: the trigger calls its resume URL on this n8n. That runs beside the report, never instead of it: the
 * report is emitted as always, and whatever happens to the call is logged, never an error for Lofirmo. n8n checks the
 * code's token (a wrong one gets 401), and the waiting node re-reads the contracts' status itself before it carries on.
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import {
	readResumeReference,
	resumeUrl,
	webhookWaitingBase,
	type ResumeCode,
} from '../shared/resumeCode';
import type { Report } from './report';

/**
 * Calls that may succeed later are tried again for about five minutes: 409 while n8n is still running the execution
 * (sending the other items, then saving it as waiting; longer with Batching or in queue mode), 503 when the waiting
 * node could not ask Lofirmo, or Lofirmo did not yet say what its report said. The certified report is the last one:
 * giving up early would leave the execution waiting for good.
 */
const RETRY_DELAYS_MS = [
	1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000, 60_000, 60_000, 60_000,
];
/** A resume re-reads every contract and may download their PDFs */
const CALL_TIMEOUT_MS = 300_000;

/** The waiting execution a report names, for the item (undefined when its reference carries no usable code). */
export function waitingExecutionOf(
	this: IWebhookFunctions,
	report: Report,
): { code: ResumeCode; item: IDataObject } | undefined {
	const reading = readResumeReference(String(report.reference ?? ''));
	if (reading.found === 'none') return undefined;
	if (reading.found === 'invalid') {
		this.logger.warn(
			`Lofirmo Trigger: the report's reference ends with a resume code that cannot be used (${reading.reason}); no waiting workflow is woken up`,
		);
		return undefined;
	}
	const { code } = reading;
	return { code, item: { executionId: code.executionId, itemIndex: code.itemIndex } };
}

/** Calls the resume URL in the background; what it answered is logged. */
export function wakeWaitingExecution(
	this: IWebhookFunctions,
	code: ResumeCode,
	report: Report,
): void {
	void callResumeUrl.call(this, code, report).catch((error: unknown) => {
		this.logger.warn(
			`Lofirmo Trigger: could not wake up waiting execution ${code.executionId}: ${(error as Error).message}`,
		);
	});
}

async function callResumeUrl(
	this: IWebhookFunctions,
	code: ResumeCode,
	report: Report,
): Promise<void> {
	const url = resumeUrl(waitingBaseUrl(this), code);
	const body = {
		contractId: report.contractId ?? null,
		reportId: report.reportId ?? null,
		status: report.status,
		itemIndex: code.itemIndex,
	};
	const where = `waiting execution ${code.executionId} (item ${code.itemIndex})`;
	for (let attempt = 0; ; attempt++) {
		const answer = await this.helpers.httpRequest({
			method: 'POST',
			url,
			body,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: CALL_TIMEOUT_MS,
		});
		const status = Number(answer.statusCode);
		const text = JSON.stringify(answer.body ?? '').slice(0, 300);
		const later = status === 503 || (status === 409 && /running/i.test(text));
		if (later && attempt < RETRY_DELAYS_MS.length) {
			await sleep(RETRY_DELAYS_MS[attempt]);
			continue;
		}
		if (status >= 200 && status < 300) {
			const resumed = (answer.body as IDataObject | undefined)?.resumed === true;
			this.logger.info(
				`Lofirmo Trigger: ${resumed ? 'woke up' : 'still waiting:'} ${where}: ${text}`,
			);
		} else {
			// 401 a wrong token, 404 an execution that is gone, 409 one that already finished, or tried for too long
			this.logger.warn(
				`Lofirmo Trigger: ${where} answered HTTP ${status}${later ? ` after ${attempt + 1} tries` : ''}: ${text}`,
			);
		}
		return;
	}
}

/**
 * n8n's webhook-waiting base URL: the Resume URL Base option, or this n8n's own. `$execution.resumeUrl` in a trigger's
 * webhook call is `<webhook-waiting base>/<placeholder id>`, so it names the base whatever n8n's endpoint settings.
 */
function waitingBaseUrl(ctx: IWebhookFunctions): string {
	const override = String(ctx.getNodeParameter('resumeUrlBase', '') ?? '').trim();
	if (override !== '') return override;
	const own = webhookWaitingBase(
		String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? ''),
	);
	if (own === undefined)
		throw new Error('n8n gave no webhook-waiting address: set Resume URL Base');
	return own;
}
