/**
 * The latest figures of the reliability suites (payloads fuzzed, faults injected, reports sent / received / lost …),
 * one JSON file per suite in test-output/reliability/ (git-ignored), for the README's Reliability section
 * (scripts/figures.ts copies them into test/figures/latest.json and checks the README against it).
 * One file each, because jest runs suites in parallel.
 */
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';

export const FIGURES_DIR = path.join(__dirname, '..', '..', 'test-output', 'reliability');

export function recordFigures(name: string, figures: object, { quiet = false } = {}): void {
	mkdirSync(FIGURES_DIR, { recursive: true });
	writeFileSync(path.join(FIGURES_DIR, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
	if (!quiet) console.log(`[reliability] ${name}: ${JSON.stringify(figures)}`);
}

/**
 * Counters for a suite's figures, which the tests increment as they go. When the suite ends they are written, but
 * only if each reached what the suite planned: a run narrowed with `jest -t`, or one a failure cut short, would
 * otherwise leave partial figures behind to be copied into the README. `summary` adds totals and the like.
 */
export function countFigures<K extends string>(
	name: string,
	planned: Record<K, number>,
	summary: (counts: Record<K, number>) => object = (counts) => counts,
): Record<K, number> {
	const counts = Object.fromEntries(Object.keys(planned).map((key) => [key, 0])) as Record<
		K,
		number
	>;
	afterAll(() => {
		const sum = (figures: Record<K, number>) =>
			Object.values<number>(figures).reduce((a, b) => a + b, 0);
		if ((Object.keys(planned) as K[]).every((key) => counts[key] === planned[key]))
			recordFigures(name, summary(counts));
		else
			console.log(
				`[reliability] ${name}: figures not written, this run counted ${sum(counts)} of the ${sum(planned)} it plans (narrowed with -t, or cut short)`,
			);
	});
	return counts;
}
