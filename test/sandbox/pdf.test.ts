/** The generated PDFs are structurally valid: byte-exact xref, trailer, stream lengths; padding shares one buffer. */
import { createHash } from 'crypto';

import { makePdf, makePdfParts } from '../../sandbox/pdf';
import { call, isWholePdf, sendContract, sendIdentity, startSandbox } from './support';

/** Checks what a PDF reader relies on; returns the file as Latin-1 text. */
function expectValidPdf(pdf: Buffer): string {
	const text = pdf.toString('latin1');
	expect(text.startsWith('%PDF-1.4\n')).toBe(true);
	expect(text.endsWith('%%EOF\n')).toBe(true);
	const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
	expect(text.slice(startxref, startxref + 5)).toBe('xref\n');
	const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref))!;
	expect(first).toBe('0');
	const entries = text
		.slice(startxref)
		.split('\n')
		.slice(2, 2 + Number(count));
	expect(entries[0]).toBe('0000000000 65535 f ');
	entries.slice(1).forEach((entry, index) => {
		expect(entry).toMatch(/^\d{10} 00000 n $/);
		const offset = Number(entry.slice(0, 10));
		expect(text.slice(offset, offset + 20)).toMatch(new RegExp(`^${index + 1} 0 obj\n`));
	});
	expect(text).toMatch(new RegExp(`trailer\n<< /Size ${count} /Root 1 0 R /Info 6 0 R >>`));
	for (const match of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
		const start = match.index! + match[0].length;
		expect(text.slice(start + Number(match[1]), start + Number(match[1]) + 10)).toBe('\nendstream');
	}
	return text;
}

it('makes a valid one-page PDF with the title and lines as visible text', () => {
	const text = expectValidPdf(
		makePdf({ title: 'Contrato 1234567890', lines: ['Doc: CERTIFICADO', 'a (b) \\ c', 'Pérez €'] }),
	);
	expect(text).toContain('/Type /Page ');
	expect(text).toContain('(Contrato 1234567890) Tj');
	expect(text).toContain('(a \\(b\\) \\\\ c)');
	expect(text).toContain('(P\xe9rez ?)'); // Latin-1 kept, what Helvetica cannot show replaced
});

it('pads to at least the asked size and stays valid', () => {
	const small = makePdf({ title: 'x', lines: [] });
	expect(makePdf({ title: 'x', lines: [], padToBytes: 10 }).equals(small)).toBe(true);
	const padded = makePdf({ title: 'x', lines: ['y'], padToBytes: 100_000 });
	expect(padded.length).toBeGreaterThanOrEqual(100_000);
	expect(padded.length).toBeLessThan(100_100);
	expectValidPdf(padded);
});

it('serves padded PDFs from a sandbox without copying the padding per request', async () => {
	const sb = await startSandbox({ pdfPadBytes: 2_000_000 });
	try {
		const { contratoId, reportId } = await sendContract(sb);
		await sb.certifyContract(contratoId);
		const id = await sendIdentity(sb);
		await sb.completeIdentity(id);
		const contract = await call(sb, 'DescargarContrato', {
			Contratoid: contratoId,
			Reportid: reportId,
		});
		const identity = await call(sb, 'DescargarCertificadoVerificacion', { Id: id });
		for (const pdf of [contract, identity]) {
			expect(pdf.body.length).toBeGreaterThanOrEqual(2_000_000);
			expect(isWholePdf(pdf.body)).toBe(true);
			expectValidPdf(pdf.body);
		}
		expect(identity.body.toString('latin1')).toContain(`ID: ${id}`);
		// what the sandbox records of each PDF it served lets a test compare a stored file byte for byte
		const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');
		expect(sb.requests.slice(-2).map((r) => r.pdfSha256)).toEqual([
			sha256(contract.body),
			sha256(identity.body),
		]);
	} finally {
		await sb.stop();
	}
});

it('shares one padding buffer between PDFs', () => {
	const a = makePdfParts({ title: 'a', lines: [], padToBytes: 50_000 });
	const b = makePdfParts({ title: 'bbbb', lines: ['longer'], padToBytes: 50_000 });
	expect(a).toHaveLength(3);
	expect(a[1].buffer).toBe(b[1].buffer);
});
