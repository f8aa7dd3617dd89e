/** Counting things by a key, for figures. */
export function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
	return counts;
}

/** The same counts as a plain object (how figures are written). */
export const tally = <T>(items: T[], key: (item: T) => string): Record<string, number> =>
	Object.fromEntries(countBy(items, key));
