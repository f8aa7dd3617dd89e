/**
 * The results table: one row per scenario/variant, grouped under a heading line per scenario (what is measured,
 * how to read its ratios), for the terminal (aligned text) and for the README (Markdown).
 */

export interface TableRow {
	/** the scenario heading: what Median/Spread measure and which way the ratios go */
	section: string;
	variant: string;
	median: string;
	/** min–max over the valid repetitions */
	spread: string;
	ratio: string;
	notes: string;
}

export interface ScenarioOutcome {
	/** everything measured, for latest.json */
	json: Record<string, unknown>;
	rows: TableRow[];
	/** invalid runs and anything a reader must know */
	warnings: string[];
}

const COLUMNS: Array<{ key: Exclude<keyof TableRow, 'section'>; title: string }> = [
	{ key: 'variant', title: 'Variant' },
	{ key: 'median', title: 'Median' },
	{ key: 'spread', title: 'Spread (min–max)' },
	{ key: 'ratio', title: 'Ratio' },
	{ key: 'notes', title: 'Notes' },
];

function sections(rows: TableRow[]): Array<{ title: string; rows: TableRow[] }> {
	const out: Array<{ title: string; rows: TableRow[] }> = [];
	for (const row of rows) {
		const last = out[out.length - 1];
		if (last && last.title === row.section) last.rows.push(row);
		else out.push({ title: row.section, rows: [row] });
	}
	return out;
}

/** Aligned columns; each scenario starts with its heading line. */
export function textTable(rows: TableRow[]): string {
	const widths = COLUMNS.map(({ key, title }) =>
		Math.max(title.length, ...rows.map((row) => row[key].length)),
	);
	const line = (values: string[]) =>
		values
			.map((v, c) => v.padEnd(widths[c]))
			.join('  ')
			.trimEnd();
	const out = [line(COLUMNS.map((c) => c.title)), widths.map((w) => '─'.repeat(w)).join('  ')];
	for (const section of sections(rows)) {
		out.push(section.title);
		for (const row of section.rows) out.push(line(COLUMNS.map(({ key }) => row[key])));
		out.push('');
	}
	return out.join('\n').trimEnd();
}

/** The same in Markdown: a bold heading row per scenario. */
export function markdownTable(rows: TableRow[]): string {
	const escape = (text: string) => text.replace(/\|/g, '\\|');
	const out = [
		`| ${COLUMNS.map((c) => c.title).join(' | ')} |`,
		`| ${COLUMNS.map(() => '---').join(' | ')} |`,
	];
	for (const section of sections(rows)) {
		out.push(`| **${escape(section.title)}** |${' |'.repeat(COLUMNS.length - 1)}`);
		for (const row of section.rows)
			out.push(`| ${COLUMNS.map(({ key }) => escape(row[key])).join(' | ')} |`);
	}
	return out.join('\n');
}
