/**
 * Account → Get Credits: the credits left in the account. Lofirmo treats repeated calls for the same credits as
 * spam, so one execution asks once and gives that answer to every input item.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { lofirmoApiRequest } from '../../transport';
import { numberField } from '../common/output';

export const description: INodeProperties[] = [];

const answers = new WeakMap<IExecuteFunctions, Promise<IDataObject>>();

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	let answer = answers.get(this);
	if (!answer) {
		answer = lofirmoApiRequest.call(this, 'credits', {}, { itemIndex });
		answers.set(this, answer);
	}
	const data = await answer;
	return [{ json: { credits: numberField(data, 'Cred'), raw: data } }];
}
