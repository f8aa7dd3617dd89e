/** What the tests call a complete PDF: the `%PDF-` header and, within its last KiB, the `%%EOF` marker. */
export function isPdf(data: Buffer): boolean {
	if (data.length < 16 || data.subarray(0, 5).toString('latin1') !== '%PDF-') return false;
	return data.subarray(Math.max(0, data.length - 1024)).includes('%%EOF', 0, 'latin1');
}
