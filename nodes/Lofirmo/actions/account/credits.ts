/**
 * Account → Get Credits: the credits left in the account. Lofirmo treats repeated calls for the same credits as
 * spam, so one run asks once and gives that answer to every input item.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { lofirmoApiRequest, type LofirmoFunction, type LofirmoRun } from '../../transport';
import { numberField } from '../common/output';
import type { LofirmoProperties } from '../node.type';

export const option = {
	name: 'Get Credits',
	value: 'credits',
	description: 'Get the number of credits left in the Lofirmo account',
	action: 'Get the account credits',
} as const;

export const toolDescription =
	'Gets how many credits are left in the Lofirmo account. Free: spends no credits and messages nobody. Sending a contract or an identity verification request spends credits; check here first when unsure there are enough.';

export const apiFunction: LofirmoFunction = {
	key: 'credits',
	path: '/GetCreditos',
	documented: false,
	changes: false,
};

export const properties: LofirmoProperties = [];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: LofirmoRun,
): Promise<INodeExecutionData[]> {
	const data = await run.once(apiFunction.key, () =>
		lofirmoApiRequest.call(this, apiFunction, {}, { itemIndex, run }),
	);
	return [{ json: { credits: numberField(data, 'Cred'), raw: data } }];
}
