/**
 * The latest figures of the reliability suites (payloads fuzzed, faults injected, reports sent / received / lost …),
 * one JSON file per suite in test-output/reliability/ (git-ignored), for the README's Reliability section.
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
