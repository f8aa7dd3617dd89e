/**
 * The figures README.md's Reliability table quotes are the ones the suites last counted, as copied into
 * test/figures/latest.json by scripts/figures.ts --write (and written into the README by --readme).
 */
import { readFileSync } from 'fs';

import { check, QUOTES, README_FILE, readLatest, type Latest } from '../scripts/figures';

const readme = readFileSync(README_FILE, 'utf8');
const latest = readLatest();

it('quotes test/figures/latest.json exactly', () => {
	expect(check(readme, latest).disagreements).toEqual([]);
});

it('has figures for every suite the README quotes', () => {
	expect(QUOTES.map((quote) => quote.suite).filter((suite) => !latest[suite])).toEqual([]);
});

describe('the check itself', () => {
	const faults = latest.faults;
	const changed: Latest = {
		...latest,
		faults: {
			...faults,
			figures: { ...faults.figures, scenarios: Number(faults.figures.scenarios) + 1 },
		},
	};

	it('names a figure the README quotes wrongly, and --readme puts it right', () => {
		const result = check(readme, changed);
		expect(result.disagreements).toEqual([
			`README.md, Fault matrix: {scenarios} is ${faults.figures.scenarios}, test/figures/latest.json has ${Number(faults.figures.scenarios) + 1} (faults, ${faults.date})`,
		]);
		expect(check(result.rewritten, changed).disagreements).toEqual([]);
		expect(result.rewritten.length).toBe(readme.length);
	});

	it('names a quote the README lacks', () => {
		const lacking = readme.replace(/ scenarios · /, ' runs · ');
		expect(check(lacking, latest).disagreements).toEqual([
			expect.stringMatching(/^README\.md, Fault matrix: does not say "\d+ scenarios · /),
		]);
	});

	it('lists a suite without figures as not yet checked, not as a disagreement', () => {
		const result = check(
			readme,
			Object.fromEntries(Object.entries(latest).filter(([suite]) => suite !== 'faults')),
		);
		expect(result.disagreements).toEqual([]);
		expect(result.notYetChecked).toContain('faults (no figures in test/figures/latest.json)');
	});
});
