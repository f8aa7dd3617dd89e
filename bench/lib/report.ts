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
	/** tables of their own, printed after the main table */
	tables?: ExtraTable[];
}

/**
 * A table of its own beside the main one, for figures that do not fit its five columns (e.g. CPU per process):
 * a title, column names, rows of cells and lines of notes printed under it.
 */
export interface ExtraTable {
	title: string;
	columns: string[];
	rows: string[][];
	notes: string[];
}

const COLUMNS: Array<{ key: Exclude<keyof TableRow, 'section'>; title: string }> = [
	{ key: 'variant', title: 'Variant' },
	{ key: 'median', title: 'Median' },
	{ key: 'spread', title: 'Spread (min–max)' },
	{ key: 'ratio', title: 'Ratio' },
	{ key: 'notes', title: 'Notes' },
];

/** A heading line (printed across the columns) or a row of cells. */
type GridEntry = { heading: string } | { cells: string[] };

function mainEntries(rows: TableRow[]): GridEntry[] {
	const out: GridEntry[] = [];
	let section: string | undefined;
	for (const row of rows) {
		if (row.section !== section) {
			section = row.section;
			out.push({ heading: section });
		}
		out.push({ cells: COLUMNS.map(({ key }) => row[key]) });
	}
	return out;
}

/** Aligned columns; a heading starts a group, with an empty line before the next one. */
function textGrid(columns: string[], entries: GridEntry[]): string {
	const rows = entries.flatMap((e) => ('cells' in e ? [e.cells] : []));
	const widths = columns.map((title, c) =>
		Math.max(title.length, ...rows.map((cells) => (cells[c] ?? '').length)),
	);
	const line = (values: string[]) =>
		values
			.map((v, c) => v.padEnd(widths[c]))
			.join('  ')
			.trimEnd();
	const out = [line(columns), widths.map((w) => '─'.repeat(w)).join('  ')];
	entries.forEach((entry, i) => {
		if ('cells' in entry) out.push(line(entry.cells));
		else out.push(...(i > 0 ? [''] : []), entry.heading);
	});
	return out.join('\n').trimEnd();
}

/** The same in Markdown: a heading is a bold row. */
function markdownGrid(columns: string[], entries: GridEntry[]): string {
	const escape = (text: string) => text.replace(/\|/g, '\\|');
	const out = [`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`];
	for (const entry of entries) {
		out.push(
			'cells' in entry
				? `| ${entry.cells.map(escape).join(' | ')} |`
				: `| **${escape(entry.heading)}** |${' |'.repeat(columns.length - 1)}`,
		);
	}
	return out.join('\n');
}

/** Aligned columns; each scenario starts with its heading line. */
export function textTable(rows: TableRow[]): string {
	return textGrid(
		COLUMNS.map((c) => c.title),
		mainEntries(rows),
	);
}

/** The same in Markdown: a bold heading row per scenario. */
export function markdownTable(rows: TableRow[]): string {
	return markdownGrid(
		COLUMNS.map((c) => c.title),
		mainEntries(rows),
	);
}

/** An extra table for the terminal: its title, the grid, its notes. */
export function textExtraTable(table: ExtraTable): string {
	const grid = textGrid(
		table.columns,
		table.rows.map((cells) => ({ cells })),
	);
	return [table.title, grid, ...table.notes].join('\n');
}

/** The same in Markdown: the title in bold, the notes as a list. */
export function markdownExtraTable(table: ExtraTable): string {
	const grid = markdownGrid(
		table.columns,
		table.rows.map((cells) => ({ cells })),
	);
	return [`**${table.title}**`, '', grid, '', ...table.notes.map((n) => `- ${n}`)].join('\n');
}
