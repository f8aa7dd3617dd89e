/**
 * Contract → Send and Wait for Signature: sends each item's contract as Send does, with a resume code appended to the
 * user reference, then pauses the execution (in n8n's database, for days if need be) until the Lofirmo Trigger, which
 * receives the reports with that reference echoed, calls the execution's resume URL. The resumed node is
 * sendAndWait.resume.ts; the code is shared/resumeCode.ts; the design, with what n8n does at each step, is
 * docs/design/send-and-wait.md.
 *
 * What survives the wait: n8n saves the waiting node's input items with the execution and hands them back both to
 * webhook() on resume and, at the time limit, as the node's output. So once every item is sent, those items are
 * replaced by one "prepared" item per input item (its contract, `timedOut: true`): what resume reads, and what the
 * node outputs if the time limit comes first.
 */
import { randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';

import { binaryPropertyField } from '../../shared/binaryProperty';
import {
	makeResumeReference,
	resumeTokenDigest,
	tokenFromResumeUrl,
} from '../../shared/resumeCode';
import { CONTRACT_CERTIFIED } from '../../shared/status';
import { lofirmoApiRequest, type LofirmoRun } from '../../transport';
import type { LofirmoProperties } from '../node.type';
import * as sendContract from './sendContract';

export const option = {
	name: 'Send and Wait for Signature',
	value: 'sendAndWaitForSignature',
	description:
		'Send a contract, then pause the workflow until it is signed and certified, and carry on with the signed PDF (uses credits)',
	action: 'Send a contract and wait for its signature',
} as const;

export const toolDescription =
	'Do not call this tool: it would send a contract (it spends credits and messages real people) and then pause the workflow until the contract is signed, which a tool call cannot wait for, so it refuses to run as a tool. To send a contract use Send, then Get Status.';

/** The same call as Send: one contract per item. */
export const apiFunction = sendContract.apiFunction;

/** More items than this in one run are refused before anything is sent: each final report re-reads every contract. */
export const MAX_ITEMS = 50;

export const properties: LofirmoProperties = [
	...sendContract.properties,
	{
		displayName:
			'The workflow pauses here until every contract of this run reaches a status below. The Lofirmo Trigger must be active (in any workflow) with its URL in the Lofirmo panel: it receives the reports and wakes this workflow up.',
		name: 'waitNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Resume On Statuses',
		name: 'resumeOn',
		// read again when the execution resumes, where the items are no longer the CRM's
		noDataExpression: true,
		type: 'string',
		default: CONTRACT_CERTIFIED,
		placeholder: `e.g. ${CONTRACT_CERTIFIED}`,
		description: `Status codes at which the workflow carries on, comma-separated, as Lofirmo sends them. ${CONTRACT_CERTIFIED} = signed and certified (documented). Lofirmo publishes no codes for declined or expired contracts: add any you know.`,
	},
	{
		displayName: 'Limit Wait Time',
		name: 'limitWaitTime',
		noDataExpression: true,
		type: 'boolean',
		default: false,
		description:
			'Whether to carry on after a while even if not every contract is signed. The items then say timedOut: true; Get Status tells where each contract stands.',
	},
	{
		displayName: 'Wait At Most',
		name: 'waitAmount',
		noDataExpression: true,
		type: 'number',
		default: 7,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { limitWaitTime: [true] } },
	},
	{
		displayName: 'Unit',
		name: 'waitUnit',
		noDataExpression: true,
		type: 'options',
		default: 'days',
		displayOptions: { show: { limitWaitTime: [true] } },
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
	},
	{
		displayName: 'Download Certified PDF',
		name: 'downloadPdf',
		noDataExpression: true,
		type: 'boolean',
		default: true,
		description: `Whether to download each contract's certified PDF when it reaches ${CONTRACT_CERTIFIED}, and attach it to the item`,
	},
	binaryPropertyField({
		displayName: 'Put PDF in Field',
		displayOptions: { show: { downloadPdf: [true] } },
		description: 'The name of the binary field the PDF is attached to',
	}),
];

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** What every item of the run shares: the execution to resume and its token (made once per run). */
interface ResumeTarget extends IDataObject {
	executionId: string;
	token: string;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: LofirmoRun,
): Promise<INodeExecutionData[]> {
	if (this.getNode().type.endsWith('Tool')) {
		throw new NodeOperationError(
			this.getNode(),
			'Send and Wait for Signature cannot run as an AI tool',
			{
				itemIndex,
				description:
					'A tool call cannot wait days for a signature. Nothing was sent. Give the agent Contract → Send and Contract → Get Status instead.',
			},
		);
	}
	if (this.getInputData().length > MAX_ITEMS) {
		throw new NodeOperationError(
			this.getNode(),
			`Send and Wait for Signature takes at most ${MAX_ITEMS} items per run`,
			{
				itemIndex,
				description: `This run has ${this.getInputData().length}. Nothing was sent. Start one execution per deal (the usual case: one item), e.g. with Execute Workflow calling a workflow that holds this node, one item per call and "Wait for Sub-Workflow Completion" off. (Loop Over Items would wait for each contract before sending the next.)`,
			},
		);
	}
	waitUntil(this); // a wrong time limit or Resume On is refused before anything is sent
	checkResumeOn(this);
	// the run waits for every item, so every item is checked before the first is sent: a bad third item must not
	// leave two contracts sent and the node failed (with Continue On Fail each item stands alone)
	if (!this.continueOnFail())
		await run.once('everyItemChecked', async () => {
			for (let i = 0; i < this.getInputData().length; i++) sendContract.contractBody(this, i);
			return {};
		});
	const body = sendContract.contractBody(this, itemIndex);
	const { executionId, token } = (await run.once('resumeTarget', async () =>
		resumeTarget(this),
	)) as ResumeTarget;
	body.Referenciausuario = makeResumeReference(
		typeof body.Referenciausuario === 'string' ? body.Referenciausuario : '',
		executionId,
		token,
		itemIndex,
	);
	const data = await lofirmoApiRequest.call(this, apiFunction, body, { itemIndex, run });
	return [{ json: { ...sendContract.sentContract(data), waitingForSignature: true } }];
}

/**
 * Once every item is sent: the prepared items replace the node's input in the execution (what resume reads, and the
 * output at the time limit), and the execution waits. Items whose send failed (Continue On Fail) keep their error and
 * are not waited for; when none was sent, nothing waits.
 */
export async function finish(
	this: IExecuteFunctions,
	output: INodeExecutionData[],
	run: LofirmoRun,
): Promise<INodeExecutionData[]> {
	const sentAny = output.some((item) => typeof item.json.contractId === 'string');
	// n8n 1.x checks no token before calling webhook(): the node checks it itself, against this digest
	const tokenDigest = sentAny
		? resumeTokenDigest(
				((await run.once('resumeTarget', async () => resumeTarget(this))) as ResumeTarget).token,
			)
		: undefined;
	const prepared = this.getInputData().map((_, itemIndex): INodeExecutionData => {
		const sent = output.find((item) => pairedIndex(item) === itemIndex)?.json ?? {};
		const json: IDataObject =
			typeof sent.contractId === 'string'
				? {
						contractId: sent.contractId,
						reportId: sent.reportId ?? null,
						resumeTokenSha256: tokenDigest,
					}
				: { error: sent.error ?? 'The contract was not sent' };
		return { json: { ...json, timedOut: true }, pairedItem: { item: itemIndex } };
	});
	if (!sentAny) return output;
	// the stack entry n8n saves with the waiting execution: replacing its array leaves the parent's items untouched
	this.getExecuteData().data.main[0] = prepared;
	await this.putExecutionToWait(waitUntil(this));
	return output;
}

async function resumeTarget(ctx: IExecuteFunctions): Promise<ResumeTarget> {
	const resumeUrl = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	// n8n 2.x puts its own token in the resume URL and checks it; n8n 1.x has none, and a code needs one
	const token = tokenFromResumeUrl(resumeUrl) ?? randomBytes(32).toString('hex');
	return { executionId: ctx.getExecutionId(), token };
}

/** The Resume On Statuses as the resumed node reads them: the codes, comma-separated. */
export function statusCodes(text: unknown): Set<string> {
	return new Set(
		String(text ?? '')
			.split(',')
			.map((code) => code.trim())
			.filter(Boolean),
	);
}

/** Resume On Statuses holds at least one code and only codes, or nothing is sent. */
function checkResumeOn(ctx: IExecuteFunctions): void {
	const text = String(ctx.getNodeParameter('resumeOn', 0) ?? '');
	const codes = [...statusCodes(text)];
	if (codes.length === 0 || codes.some((code) => !/^\d+$/.test(code))) {
		throw new NodeOperationError(ctx.getNode(), 'Resume On Statuses must be status codes', {
			description: `Got "${text}". Enter Lofirmo status codes separated by commas, e.g. ${CONTRACT_CERTIFIED} (signed and certified).`,
		});
	}
}

function waitUntil(ctx: IExecuteFunctions): Date {
	if (ctx.getNodeParameter('limitWaitTime', 0, false) !== true) return WAIT_INDEFINITELY;
	const amount = Number(ctx.getNodeParameter('waitAmount', 0, 7));
	const unit = ctx.getNodeParameter('waitUnit', 0, 'days') as keyof typeof UNIT_MS;
	if (!Number.isFinite(amount) || amount <= 0 || !(unit in UNIT_MS)) {
		throw new NodeOperationError(ctx.getNode(), 'Wait At Most must be a positive number', {
			description: 'Set how long to wait, e.g. 7 days, or turn Limit Wait Time off.',
		});
	}
	return new Date(Date.now() + amount * UNIT_MS[unit]);
}

function pairedIndex(item: INodeExecutionData): number | undefined {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'number' ? paired : paired?.item;
}
