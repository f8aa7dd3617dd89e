/** The profile reader of `npm run bench:profile`: window, owners, and what time under our frames went to. */
import { ownerOf, summariseProfile, type CpuProfile } from '../../bench/lib/cpuprofile';

const OURS =
	'file:///x/.n8n/nodes/node_modules/n8n-nodes-lofirmo/dist/nodes/Lofirmo/Lofirmo.node.js';
const CORE =
	'file:///x/node_modules/n8n-core/dist/execution-engine/node-execution-context/utils.js';
const WORKFLOW = 'file:///x/node_modules/n8n-workflow/dist/cjs/expression.js';

/** root → execute (ours) → { getNodeParameter (core) → evaluate (workflow), buildBody (ours) }; root → idle */
const profile: CpuProfile = {
	nodes: [
		{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 6] },
		{ id: 2, callFrame: { functionName: 'execute', url: OURS, lineNumber: 9 }, children: [3, 5] },
		{
			id: 3,
			callFrame: { functionName: 'getNodeParameter', url: CORE, lineNumber: 0 },
			children: [4],
		},
		{ id: 4, callFrame: { functionName: 'evaluate', url: WORKFLOW, lineNumber: 41 } },
		{ id: 5, callFrame: { functionName: 'buildBody', url: OURS, lineNumber: 99 } },
		{ id: 6, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
	],
	startTime: 0,
	endTime: 10_000,
	// one sample per ms: evaluate ×3, buildBody ×2, idle ×2, then evaluate ×2 outside the window
	samples: [4, 4, 4, 5, 5, 6, 6, 4, 4, 4],
	timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

it('names the owner of a frame from its script', () => {
	expect(ownerOf({ functionName: 'x', url: OURS })).toBe('n8n-nodes-lofirmo (ours)');
	expect(ownerOf({ functionName: 'x', url: CORE })).toBe('n8n-core');
	expect(ownerOf({ functionName: 'x', url: 'node:internal/http' })).toBe('Node.js built-ins');
	expect(ownerOf({ functionName: '(garbage collector)', url: '' })).toBe('garbage collector');
});

it('sums the window only, by owner, by function, and splits the time under our frames by callee', () => {
	// samples at 1..10 ms, each weighing the time to the next; the window keeps 1..7 ms
	const summary = summariseProfile(profile, { fromMs: 1, toMs: 7 });
	expect(summary.busyMs).toBe(5);
	expect(summary.idleMs).toBe(2);
	expect(summary.byOwner).toEqual([
		{ name: 'n8n-workflow', owner: 'n8n-workflow', ms: 3 },
		{ name: 'n8n-nodes-lofirmo (ours)', owner: 'n8n-nodes-lofirmo (ours)', ms: 2 },
	]);
	expect(summary.byFunction[0]).toMatchObject({
		name: expect.stringMatching(/^evaluate n8n-workflow/),
		ms: 3,
	});
	expect(summary.underOurCodeMs).toBe(5);
	expect(summary.underOurCode).toEqual([
		{ name: expect.stringMatching(/^getNodeParameter n8n-core/), owner: 'n8n-core', ms: 3 },
		{ name: 'our own code', owner: 'n8n-nodes-lofirmo (ours)', ms: 2 },
	]);
});
