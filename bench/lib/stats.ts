/** Small statistics and formatting helpers for the bench (no dependencies). */

export interface Summary {
	/** how many values were summarised */
	n: number;
	median: number;
	min: number;
	max: number;
}

export function summarize(values: number[]): Summary | null {
	const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	if (sorted.length === 0) return null;
	return {
		n: sorted.length,
		median: quantile(sorted, 0.5),
		min: sorted[0],
		max: sorted[sorted.length - 1],
	};
}

/** Linear-interpolated quantile of an ascending list (q in 0..1). */
export function quantile(sorted: number[], q: number): number {
	if (sorted.length === 0) return NaN;
	const pos = (sorted.length - 1) * q;
	const lower = Math.floor(pos);
	const upper = Math.ceil(pos);
	return sorted[lower] + (sorted[upper] - sorted[lower]) * (pos - lower);
}

/** The quantile of an unsorted list (copied, not changed). */
export function percentile(values: number[], q: number): number {
	return quantile(
		[...values].sort((a, b) => a - b),
		q,
	);
}

/** a / b, or null when either is missing or b is 0 */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
	if (
		a === null ||
		a === undefined ||
		b === null ||
		b === undefined ||
		!Number.isFinite(a) ||
		!Number.isFinite(b) ||
		b === 0
	) {
		return null;
	}
	return a / b;
}

export function round(value: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/** 1234 → "1,234"; 12.345 → "12.3" (3 significant digits below 100). */
export function num(value: number | null | undefined): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
	const abs = Math.abs(value);
	if (abs >= 100) return Math.round(value).toLocaleString('en-US');
	if (abs >= 10) return value.toFixed(1);
	if (abs >= 1) return value.toFixed(2);
	return value.toPrecision(2);
}

export function ms(value: number | null | undefined): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
	return value >= 10_000 ? `${num(value / 1000)} s` : `${num(value)} ms`;
}

export function mb(bytes: number | null | undefined): string {
	if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return 'n/a';
	return `${num(bytes / MIB)} MB`;
}

/** 0.93× · 1.25× · 13.0× */
export function times(value: number | null | undefined): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
	return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

export const MIB = 1024 * 1024;

/** "713–780 ms" (one unit for both ends: seconds when the larger is ≥ 10 s) */
export function msRange(summary: Summary | null): string {
	if (!summary) return 'n/a';
	return summary.max >= 10_000
		? `${num(summary.min / 1000)}–${num(summary.max / 1000)} s`
		: `${num(summary.min)}–${num(summary.max)} ms`;
}

/** "6.47–8.50 MB" */
export function mbRange(summary: Summary | null): string {
	if (!summary) return 'n/a';
	return `${num(summary.min / MIB)}–${num(summary.max / MIB)} MB`;
}
