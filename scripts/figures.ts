/**
 * The figures README.md's Reliability table quotes, kept to what the suites counted.
 *
 *   --write   copy test-output/reliability/*.json (what the suites last counted) into test/figures/latest.json,
 *             merged by suite name, each with the date its suite wrote it
 *   --check   (the default) every figure the README quotes must equal test/figures/latest.json: exit 1, naming
 *             each disagreement (test/readme.figures.test.ts runs this in CI)
 *   --readme  rewrite the quoted figures in README.md from test/figures/latest.json
 *
 * Run: npx ts-node --transpile-only -P tsconfig.dev.json scripts/figures.ts [--write] [--readme] [--check]
 *
 * A quote is a piece of a row's last cell, written from a template: `{key}` is a figure of the suite (a dotted path
 * reaches into an object; `{key:KB}` / `{key:MB}` show a byte count, `{key:s}` milliseconds as seconds). To quote
 * another suite, add a line to QUOTES.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface Quote {
	/** The row's suite name, as written in bold in its first cell. */
	row: string;
	/** The figures file the numbers come from (test-output/reliability/<suite>.json). */
	suite: string;
	text: string;
}

export const QUOTES: Quote[] = [
	{
		row: 'Webhook load',
		suite: 'webhook-load',
		text: 'sent {sent} · received {received} · lost {lost} · duplicated {duplicates} · mismatched {contentMismatches} · {pdfsVerified}/{withCertifiedPdf} PDFs byte for byte · answers p50 {answerMsP50:s} s, p99 {answerMsP99:s} s',
	},
	{
		row: 'Queue load',
		suite: 'queue-load',
		text: 'sent {sent} · received {received} · lost {lost} · duplicated {duplicates} · mismatched {contentMismatches} · {pdfsVerified}/{withCertifiedPdf} PDFs byte for byte · {enqueuedByWebhookProcessor} enqueued by the webhook processor, run by worker 0 / 1: {startedBy.worker-0} / {startedBy.worker-1} · {reportsRefusedAtFirst} refused (503) and taken when offered again · {pdfsReadableThroughMain}/{withCertifiedPdf} PDFs downloadable in the editor',
	},
	{
		row: 'Queue faults',
		suite: 'queue-faults',
		text: 'worker SIGKILLed mid-load: {workerKilled.answered} answered → {workerKilled.executedOnce} ran once, {workerKilled.executedTwice} twice, {workerKilled.lost} lost (failed by n8n) · webhook processor restarted between bursts: {webhookRestarted.answered} answered → {webhookRestarted.executedOnce} ran once, {webhookRestarted.lost} lost',
	},
	{
		row: 'Repeated deliveries',
		suite: 'webhook-dedupe',
		text: '{deliveries} deliveries → {passedDedupe} items, {duplicatesPassed} duplicates (limit 1)',
	},
	{
		row: 'Repeated deliveries',
		suite: 'webhook-dedupe-default-concurrency',
		text: '{duplicatesPassed} duplicates and {failedExecutions} failed executions on n8n defaults',
	},
	{
		row: 'Auth',
		suite: 'auth',
		text: '{refusedCases} bad headers → {executionsFromRefused} executions · {acceptedCases} good forms → {executionsFromAccepted}',
	},
	{
		row: 'Fuzzing',
		suite: 'fuzz',
		text: '{total} payloads: {trigger} trigger, {action} action node',
	},
	{
		row: 'Fault matrix',
		suite: 'faults',
		text: '{scenarios} scenarios · {faultsInjected} faults injected · {faultTypes} fault types',
	},
	{ row: 'Secrets', suite: 'secrets', text: '{nodeRunsChecked} node runs' },
	{
		row: 'Secrets',
		suite: 'secrets-e2e',
		text: '{executionsChecked} n8n executions, {logBytes:KB} KB of debug log, {dataAtRestBytes:MB} MB of data at rest: {found} found',
	},
	{
		row: 'Input validation table',
		suite: 'validation',
		text: '{cases} cases: {refused} refused, {sent} sent',
	},
];

export type Latest = Record<string, { date: string; figures: Record<string, unknown> }>;

const ROOT = path.join(__dirname, '..');
export const LATEST_FILE = path.join(ROOT, 'test', 'figures', 'latest.json');
export const README_FILE = path.join(ROOT, 'README.md');
const OUTPUT_DIR = path.join(ROOT, 'test-output', 'reliability');

const FORMATS: Record<string, (value: number) => string> = {
	'': (value) => value.toLocaleString('en-US'),
	KB: (bytes) => Math.round(bytes / 1024).toLocaleString('en-US'),
	MB: (bytes) => (bytes / 1024 / 1024).toFixed(1),
	s: (ms) => (ms / 1000).toFixed(1),
};

const PLACEHOLDER = /\{([\w.-]+)(?::(\w+))?\}/g;

/** A template's figure as the README shows it, or undefined when the suite has no such figure. */
function shown(figures: Record<string, unknown>, key: string, format = ''): string | undefined {
	const value = key
		.split('.')
		.reduce<unknown>(
			(at, part) =>
				at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined,
			figures,
		);
	if (typeof value === 'number') return (FORMATS[format] ?? FORMATS[''])(value);
	return typeof value === 'string' ? value : undefined;
}

/** The last cell of the Reliability row whose first cell names the suite in bold, and where it starts in the text. */
function figuresCell(readme: string, row: string): { text: string; start: number } | undefined {
	const line = readme.split('\n').find((l) => l.startsWith(`| **${row}**`));
	if (line === undefined) return undefined;
	const text = line.slice(line.lastIndexOf('|', line.length - 2) + 1, line.lastIndexOf('|')).trim();
	return { text, start: readme.indexOf(line) + line.lastIndexOf(text) };
}

/** The template as a pattern: its words literally, each figure as whatever the README has there. */
function pattern(template: string): RegExp {
	const parts = template.split(PLACEHOLDER);
	let source = '';
	// split() with two groups gives: text, key, format, text, key, format, …, text
	for (let i = 0; i < parts.length; i += 3) {
		source += parts[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		// a figure ends where the next words start, or at the first space when it ends the template
		if (i + 1 < parts.length) source += parts[i + 3] ? '([^\\s|]+?)' : '([^\\s|]+)';
	}
	return new RegExp(source);
}

export interface Result {
	/** One line per figure the README quotes wrongly, or a quote it lacks. */
	disagreements: string[];
	notYetChecked: string[];
	/** The README with every checkable quote written from latest.json. */
	rewritten: string;
}

export function check(readme: string, latest: Latest): Result {
	const disagreements: string[] = [];
	const notYetChecked: string[] = [];
	const edits: Array<{ start: number; end: number; text: string }> = [];
	for (const quote of QUOTES) {
		const suite = latest[quote.suite];
		if (!suite) {
			notYetChecked.push(`${quote.suite} (no figures in test/figures/latest.json)`);
			continue;
		}
		const cell = figuresCell(readme, quote.row);
		if (!cell) {
			disagreements.push(`README.md has no Reliability row "**${quote.row}**"`);
			continue;
		}
		const placeholders = [...quote.text.matchAll(PLACEHOLDER)];
		const want = placeholders.map(([, key, format]) => shown(suite.figures, key, format));
		const missing = placeholders.filter((_, i) => want[i] === undefined).map(([, key]) => key);
		if (missing.length > 0) {
			disagreements.push(
				`${quote.suite}: latest.json has no figure ${missing.join(', ')} for "${quote.text}"`,
			);
			continue;
		}
		const rendered = placeholders.reduce(
			(text, [placeholder], i) => text.replace(placeholder, want[i]!),
			quote.text,
		);
		const found = pattern(quote.text).exec(cell.text);
		if (!found) {
			disagreements.push(
				`README.md, ${quote.row}: does not say "${rendered}" (${quote.suite}, template "${quote.text}")`,
			);
			continue;
		}
		placeholders.forEach(([placeholder], i) => {
			if (found[i + 1] !== want[i]) {
				disagreements.push(
					`README.md, ${quote.row}: ${placeholder} is ${found[i + 1]}, test/figures/latest.json has ${want[i]} (${quote.suite}, ${suite.date})`,
				);
			}
		});
		edits.push({
			start: cell.start + found.index,
			end: cell.start + found.index + found[0].length,
			text: rendered,
		});
	}
	const rewritten = edits
		.sort((a, b) => b.start - a.start)
		.reduce((text, edit) => text.slice(0, edit.start) + edit.text + text.slice(edit.end), readme);
	return { disagreements, notYetChecked, rewritten };
}

export function readLatest(file = LATEST_FILE): Latest {
	return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Latest) : {};
}

/** latest.json with the suites' figure files merged in, by suite name. */
function merged(latest: Latest): Latest {
	const next: Latest = { ...latest };
	const files = existsSync(OUTPUT_DIR)
		? readdirSync(OUTPUT_DIR).filter((f) => f.endsWith('.json'))
		: [];
	for (const file of files) {
		const full = path.join(OUTPUT_DIR, file);
		next[path.basename(file, '.json')] = {
			date: statSync(full).mtime.toISOString().slice(0, 10),
			figures: JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown>,
		};
		console.log(`copied ${file}`);
	}
	if (files.length === 0)
		console.log(
			`nothing to copy: ${path.relative(ROOT, OUTPUT_DIR)} has no figures (run npx jest first)`,
		);
	return Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
}

function main(args: string[]): number {
	if (args.includes('--write')) {
		writeFileSync(LATEST_FILE, `${JSON.stringify(merged(readLatest()), null, 2)}\n`);
	}
	const readme = readFileSync(README_FILE, 'utf8');
	const result = check(readme, readLatest());
	if (args.includes('--readme') && result.rewritten !== readme) {
		writeFileSync(README_FILE, result.rewritten);
		console.log('README.md: figures rewritten from test/figures/latest.json');
		return main(args.filter((arg) => arg !== '--readme' && arg !== '--write'));
	}
	for (const suite of result.notYetChecked) console.log(`not yet checked: ${suite}`);
	for (const line of result.disagreements) console.error(`disagrees: ${line}`);
	if (result.disagreements.length === 0)
		console.log('README.md quotes test/figures/latest.json correctly');
	return result.disagreements.length === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
