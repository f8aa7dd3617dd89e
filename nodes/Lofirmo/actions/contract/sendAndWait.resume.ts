/**
 * Contract → Send and Wait for Signature, when n8n resumes it: the Lofirmo Trigger got a report whose reference carries
 * this execution's resume code and called its resume URL (n8n checked the token first). The report is only a hint:
 * the node re-reads the status of every contract it sent, and carries on only when all of them are in a Resume On
 * status, with one item per input item (the certified PDF attached when asked). Otherwise it answers and the execution
 * keeps waiting, unchanged: n8n saves nothing of a call that returns no workflowData.
 *
 * It never throws: n8n would end the waiting execution with that error. A Lofirmo error, or Lofirmo not yet saying
 * what the report said, is answered 503, which the trigger tries again for a few minutes: the certified report is the
 * last one, so no later report would wake the execution.
 */
import { timingSafeEqual } from 'crypto';
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { binaryPropertyName } from '../../shared/binaryProperty';
import { contractParameters } from '../../shared/contractReference';
import { contractPdf } from '../../shared/downloads';
import { resumeTokenDigest } from '../../shared/resumeCode';
import { CONTRACT_CERTIFIED } from '../../shared/status';
import { lofirmoApiRequest, lofirmoDownloadPdf, LofirmoRun } from '../../transport';
import { textField } from '../common/output';
import { apiFunction as contractStatus, statusFields } from './contractStatus';
import { statusCodes } from './sendAndWait';

interface Waiting {
	itemIndex: number;
	contractId: string;
	reportId: string;
}

export async function resumeWhenSigned(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	try {
		return await resume.call(this);
	} catch (error) {
		const message = (error as Error).message;
		this.logger.warn(
			`Lofirmo: a waiting Send and Wait for Signature could not check its contracts: ${message}`,
		);
		return tryAgainLater(this, message);
	}
}

async function resume(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const prepared = preparedItems(this);
	const waiting = prepared.flatMap((item, itemIndex): Waiting[] =>
		typeof item.json.contractId === 'string'
			? [
					{
						itemIndex,
						contractId: item.json.contractId,
						reportId: String(item.json.reportId ?? ''),
					},
				]
			: [],
	);
	const resumeOn = statusCodes(this.getNodeParameter('resumeOn', ''));

	// n8n 2.x checked the token before calling; n8n 1.x checks none, so it is checked here on every line
	if (!tokenMatches(this, prepared)) {
		this.getResponseObject().status(401).json({ error: 'Invalid token' });
		return { noWebhookResponse: true };
	}
	// the report as a hint: a call that names no contract of this node (at the item its code names), or a status it
	// does not resume on, costs no call to Lofirmo (which counts repeated calls as spam)
	const hint = this.getBodyData() as IDataObject;
	const named = waiting.find((w) => w.contractId === hint.contractId);
	if (!named || (typeof hint.itemIndex === 'number' && hint.itemIndex !== named.itemIndex))
		return stillWaiting(waiting.length, 'the report is about no contract this node sent');
	if (typeof hint.status === 'string' && !resumeOn.has(hint.status.trim()))
		return stillWaiting(waiting.length, `status ${hint.status} is not one to resume on`);

	const run = new LofirmoRun(this);
	const statuses = new Map<number, IDataObject>();
	for (const contract of waiting) {
		const data = await lofirmoApiRequest.call(
			this,
			contractStatus,
			contractParameters({ contractId: contract.contractId, reportId: contract.reportId }),
			{ run },
		);
		const status = textField(data, 'Estado');
		if (status === null || !resumeOn.has(status)) {
			const reason = `contract ${contract.contractId} is at ${status}`;
			// the report said this one is done: Lofirmo's status may lag its report, so ask to be called again
			return contract === named &&
				typeof hint.status === 'string' &&
				resumeOn.has(hint.status.trim())
				? tryAgainLater(this, `${reason} at Lofirmo, although its report said ${hint.status}`)
				: stillWaiting(waiting.length, reason);
		}
		statuses.set(contract.itemIndex, data);
	}

	const download = this.getNodeParameter('downloadPdf', true) === true;
	const property = binaryPropertyName(this.getNodeParameter('binaryPropertyName', 'data'));
	const items: INodeExecutionData[] = [];
	for (const [itemIndex, item] of prepared.entries()) {
		const data = statuses.get(itemIndex);
		const contract = waiting.find((w) => w.itemIndex === itemIndex);
		if (!data || !contract) {
			// its send failed under Continue On Fail: the error goes on as it was
			items.push({ json: { ...item.json, timedOut: false }, pairedItem: { item: itemIndex } });
			continue;
		}
		const fields = statusFields(data);
		const status = fields.status;
		const out: INodeExecutionData = {
			json: {
				contractId: contract.contractId,
				reportId: contract.reportId,
				...fields,
				timedOut: false,
				raw: data,
			},
			pairedItem: { item: itemIndex },
		};
		if (download && status === CONTRACT_CERTIFIED) {
			const pdf = contractPdf(contract, 'CERTIFICADO');
			try {
				const file = await lofirmoDownloadPdf.call(this, pdf.fn, pdf.body, {
					fileName: pdf.fileName,
					run,
				});
				out.binary = { [property]: file.binary };
				out.json.downloadError = null;
			} catch (error) {
				// the contract is signed: carry on, and say why the PDF is missing (Download PDF can fetch it later)
				out.json.downloadError = (error as Error).message;
			}
		}
		items.push(out);
	}
	return { workflowData: [items], webhookResponse: { resumed: true } };
}

/**
 * The items execute() left in the execution for this moment (see sendAndWait.ts): n8n gives them back as this node's
 * input, which only an expression reads in a webhook call.
 */
function preparedItems(ctx: IWebhookFunctions): INodeExecutionData[] {
	const text = ctx.evaluateExpression('{{ JSON.stringify($input.all().map((i) => i.json)) }}', 0);
	const list = jsonParse<IDataObject[]>(String(text ?? '[]'), { fallbackValue: [] });
	return list.map((json) => ({ json }));
}

function tokenMatches(ctx: IWebhookFunctions, prepared: INodeExecutionData[]): boolean {
	const stored = prepared.find((item) => typeof item.json.resumeTokenSha256 === 'string')?.json
		.resumeTokenSha256 as string | undefined;
	const given = (ctx.getQueryData() as IDataObject).signature;
	if (stored === undefined || typeof given !== 'string') return false;
	return timingSafeEqual(Buffer.from(resumeTokenDigest(given)), Buffer.from(stored));
}

/** 503: the trigger calls again (see trigger/resume.ts), and the execution keeps waiting meanwhile. */
function tryAgainLater(ctx: IWebhookFunctions, reason: string): IWebhookResponseData {
	ctx.getResponseObject().status(503).json({ resumed: false, error: reason });
	return { noWebhookResponse: true };
}

function stillWaiting(count: number, reason: string): IWebhookResponseData {
	return { webhookResponse: { resumed: false, waitingFor: count, reason } };
}
