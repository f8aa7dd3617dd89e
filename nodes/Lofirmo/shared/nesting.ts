/**
 * How deep objects and lists may nest in what the nodes take in (a JSON field, a status report). Lofirmo's data nests
 * two or three levels; far deeper is a mapping mistake, and past a few thousand levels n8n cannot store the item.
 */
export const MAX_NESTING = 100;

/** Whether objects or lists are nested more than `max` levels deep (checked without recursion; bytes are one value). */
export function nestedDeeperThan(value: unknown, max = MAX_NESTING): boolean {
	const pending: Array<[unknown, number]> = [[value, 0]];
	for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
		const [current, depth] = next;
		if (current === null || typeof current !== 'object') continue;
		if (depth >= max) return true;
		if (current instanceof Uint8Array) continue;
		for (const child of Object.values(current)) pending.push([child, depth + 1]);
	}
	return false;
}
