/** Turns Lofirmo's all-string answers into typed output, and downloaded PDFs into binary items. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getField } from '../../transport';

/** A documented numeric field (credits, counts) as a number; `null` when missing or not a number. */
export function numberField(data: IDataObject, key: string): number | null {
	const value = getField(data, key);
	if (value === undefined || value === null || value === '') return null;
	const number = Number(value);
	return Number.isFinite(number) ? number : null;
}

/** An ID, date or code as a string; `null` when missing or empty. */
export function textField(data: IDataObject, key: string): string | null {
	const value = getField(data, key);
	return value === undefined || value === null || value === '' ? null : String(value);
}

/**
 * One output item holding a PDF. `prepareBinaryData` hands the file to n8n's binary data store, so a large
 * certificate does not stay in the workflow's memory.
 */
export async function pdfItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	pdf: Buffer,
	fileName: string,
	json: IDataObject,
): Promise<INodeExecutionData> {
	const property = String(ctx.getNodeParameter('binaryPropertyName', itemIndex)).trim() || 'data';
	const binary = await ctx.helpers.prepareBinaryData(pdf, fileName, 'application/pdf');
	return {
		json: { ...json, fileName, fileSize: pdf.length, binaryProperty: property },
		binary: { [property]: binary },
	};
}
