/** Turns Lofirmo's all-string answers into typed output, and downloaded PDFs into binary items. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { PdfDownload } from '../../shared/downloads';
import { getField } from '../../shared/fields';
import { lofirmoDownloadPdf, type LofirmoRun } from '../../transport';

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
 * Downloads a PDF straight into n8n's binary data store (see the transport) and makes the item that holds it, under
 * the binary property `property`.
 */
export async function pdfItem(
	ctx: IExecuteFunctions,
	place: { itemIndex: number; run: LofirmoRun },
	download: PdfDownload,
	property: string,
	json: IDataObject,
): Promise<INodeExecutionData> {
	const { fileName } = download;
	const pdf = await lofirmoDownloadPdf.call(ctx, download.fn, download.body, {
		...place,
		fileName,
	});
	return {
		json: { ...json, fileName, fileSize: pdf.fileSize, binaryProperty: property },
		binary: { [property]: pdf.binary },
	};
}
