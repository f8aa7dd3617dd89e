/**
 * Reads a V8 CPU profile (`node --cpu-prof`) over a time window: self time per function and per code owner, and
 * what the time spent under our package's frames went to (our own code, or which n8n helper it called).
 */
export interface CpuProfile {
	nodes: Array<{
		id: number;
		callFrame: { functionName: string; url: string; lineNumber: number };
		children?: number[];
	}>;
	/** µs, the profiling clock */
	startTime: number;
	endTime: number;
	samples: number[];
	/** µs between samples */
	timeDeltas: number[];
}

export interface Cost {
	name: string;
	owner: string;
	ms: number;
}

export interface ProfileSummary {
	/** the window's CPU time seen by the sampler (idle excluded), ms */
	busyMs: number;
	idleMs: number;
	/** self time by code owner, largest first */
	byOwner: Cost[];
	/** self time by function, largest first */
	byFunction: Cost[];
	/** time with one of our package's frames on the stack */
	underOurCodeMs: number;
	/** that time split by what ran: our own code, or the first frame below ours (an n8n helper we called) */
	underOurCode: Cost[];
}

export const OUR_OWNER = 'n8n-nodes-lofirmo (ours)';

const OWNERS: Array<[RegExp, string]> = [
	[/n8n-nodes-lofirmo/, OUR_OWNER],
	[/node_modules\/n8n-core\//, 'n8n-core'],
	[/node_modules\/n8n-workflow\//, 'n8n-workflow'],
	[/@n8n\/expression-runtime|isolated-vm/, 'n8n expression engine'],
	[/@n8n\/backend-network|node_modules\/axios\//, 'n8n HTTP client (axios)'],
	[/node_modules\/(@n8n\/typeorm|typeorm|sqlite3|pg)\//, 'database (typeorm, sqlite3)'],
	[/node_modules\/n8n\/dist\//, 'n8n (cli)'],
	[/node_modules\/@n8n\//, 'n8n (@n8n/*)'],
	[/^node:/, 'Node.js built-ins'],
	[/node_modules\//, 'other packages'],
];

/** Who a frame's code belongs to, from its script URL (V8's pseudo-frames by their name). */
export function ownerOf(frame: { functionName: string; url: string }): string {
	if (!frame.url) {
		if (frame.functionName === '(garbage collector)') return 'garbage collector';
		if (frame.functionName === '(idle)') return 'idle';
		if (frame.functionName === '(program)') return 'V8 / native';
		return 'V8 / native';
	}
	return OWNERS.find(([pattern]) => pattern.test(frame.url))?.[1] ?? 'other code';
}

function frameName(frame: { functionName: string; url: string; lineNumber: number }): string {
	const file = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '');
	return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

/**
 * Sums the samples whose time falls in [fromMs, toMs] after the profile started. A sample's weight is the time to
 * the next sample, as Chrome's DevTools counts it.
 */
export function summariseProfile(
	profile: CpuProfile,
	window: { fromMs: number; toMs: number },
): ProfileSummary {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);

	const owners = new Map<string, number>();
	const functions = new Map<string, Cost>();
	const under = new Map<string, Cost>();
	let busyUs = 0;
	let idleUs = 0;
	let underUs = 0;
	const add = (map: Map<string, Cost>, name: string, owner: string, us: number) => {
		const entry = map.get(name) ?? { name, owner, ms: 0 };
		entry.ms += us / 1000;
		map.set(name, entry);
	};

	let at = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		at += profile.timeDeltas[i] ?? 0;
		const weight = profile.timeDeltas[i + 1] ?? 0;
		const ms = at / 1000;
		if (ms < window.fromMs || ms > window.toMs) continue;
		const leaf = byId.get(profile.samples[i]);
		if (!leaf) continue;
		const owner = ownerOf(leaf.callFrame);
		if (owner === 'idle') {
			idleUs += weight;
			continue;
		}
		busyUs += weight;
		owners.set(owner, (owners.get(owner) ?? 0) + weight);
		add(functions, frameName(leaf.callFrame), owner, weight);

		// the stack, leaf first: is one of our frames on it, and what did the deepest one call?
		let calledFromOurs: (typeof profile.nodes)[number] | undefined;
		let child = leaf;
		for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
			const node = byId.get(id)!;
			if (ownerOf(node.callFrame) === OUR_OWNER) {
				calledFromOurs = node === leaf ? node : child;
				break;
			}
			child = node;
		}
		if (calledFromOurs) {
			underUs += weight;
			const callee = calledFromOurs.callFrame;
			const calleeOwner = ownerOf(callee);
			add(
				under,
				calleeOwner === OUR_OWNER ? 'our own code' : frameName(callee),
				calleeOwner,
				weight,
			);
		}
	}

	const sorted = (map: Map<string, Cost>) =>
		[...map.values()].sort((a, b) => b.ms - a.ms).map((c) => ({ ...c, ms: round(c.ms) }));
	return {
		busyMs: round(busyUs / 1000),
		idleMs: round(idleUs / 1000),
		byOwner: [...owners.entries()]
			.map(([owner, us]) => ({ name: owner, owner, ms: round(us / 1000) }))
			.sort((a, b) => b.ms - a.ms),
		byFunction: sorted(functions),
		underOurCodeMs: round(underUs / 1000),
		underOurCode: sorted(under),
	};
}

function round(value: number): number {
	return Math.round(value * 10) / 10;
}
