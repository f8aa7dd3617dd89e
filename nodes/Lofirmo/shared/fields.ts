/** Reading Lofirmo's data (answers, reports, headers) the way the API reads parameter names. */
import type { IDataObject } from 'n8n-workflow';

/** Looks a key up ignoring case, as the API does. */
export function getField(data: IDataObject, key: string): IDataObject[string] {
	if (key in data) return data[key];
	const wanted = key.toLowerCase();
	const found = Object.keys(data).find((k) => k.toLowerCase() === wanted);
	return found === undefined ? undefined : data[found];
}
