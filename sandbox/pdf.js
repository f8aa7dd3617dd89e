// @ts-check
// Small, valid PDF 1.4 files with one visible page of text, built by hand (no dependencies).

/** @typedef {{ title: string, lines: string[], padToBytes?: number }} PdfContent */

/** One padding buffer, grown on demand and shared by every padded PDF, so large files cost no copy per request. */
let padding = Buffer.alloc(0);

/**
 * @param {number} length
 */
function paddingBytes(length) {
	if (padding.length < length) padding = Buffer.alloc(length, '% sandbox padding\n');
	return padding.subarray(0, length);
}

/**
 * Text for a PDF string literal in WinAnsi (Latin-1) encoding: escapes `\ ( )`, replaces what Helvetica cannot show.
 * @param {string} text
 */
function pdfString(text) {
	const latin1 = text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);
	return `(${latin1})`;
}

/**
 * The PDF as a list of buffers to write one after the other. The padding (when asked for) is a shared buffer,
 * not a copy: write the parts, or `Buffer.concat` them for a single buffer.
 * @param {PdfContent} content
 * @returns {Buffer[]}
 */
function makePdfParts({ title, lines, padToBytes = 0 }) {
	const text = [
		`BT /F1 16 Tf 56 780 Td ${pdfString(title)} Tj ET`,
		`BT /F1 11 Tf 16 TL 56 748 Td ${lines.map((line) => `${pdfString(line)} '`).join(' ')} ET`,
	].join('\n');
	const stream = Buffer.from(text, 'latin1');
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
		`<< /Length ${stream.length} >>\nstream\n${stream.toString('latin1')}\nendstream`,
		`<< /Title ${pdfString(title)} /Producer (Lofirmo sandbox) >>`,
	];
	const unpadded = assemble(objects, null);
	const size = unpadded.reduce((sum, part) => sum + part.length, 0);
	if (padToBytes <= size) return unpadded;
	// an unreferenced stream object: readers skip it; the rest of the file is unchanged
	return assemble(objects, paddingBytes(padToBytes - size));
}

/**
 * Lays out the objects with a byte-exact cross-reference table.
 * @param {string[]} objects bodies of objects 1..n
 * @param {Buffer | null} pad content of an extra, unreferenced stream object
 * @returns {Buffer[]}
 */
function assemble(objects, pad) {
	// the binary comment line marks the file as binary for transfer tools, as the PDF spec recommends
	let head = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
	const offsets = objects.map((body, index) => {
		const offset = head.length;
		head += `${index + 1} 0 obj\n${body}\nendobj\n`;
		return offset;
	});
	let padLength = 0;
	let tail = '';
	if (pad) {
		offsets.push(head.length);
		head += `${objects.length + 1} 0 obj\n<< /Length ${pad.length} >>\nstream\n`;
		tail = '\nendstream\nendobj\n';
		padLength = pad.length;
	}
	const xrefOffset = head.length + padLength + tail.length;
	const size = offsets.length + 1;
	tail += `xref\n0 ${size}\n0000000000 65535 f \n`;
	tail += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
	tail += `trailer\n<< /Size ${size} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
	/** @type {Buffer[]} */
	const parts = [Buffer.from(head, 'latin1')];
	if (pad) parts.push(pad);
	parts.push(Buffer.from(tail, 'latin1'));
	return parts;
}

/**
 * A valid one-page PDF 1.4 showing a title and lines of text, padded to at least `padToBytes` if given.
 * @param {PdfContent} content
 * @returns {Buffer}
 */
function makePdf(content) {
	return Buffer.concat(makePdfParts(content));
}

module.exports = { makePdf, makePdfParts };
