/**
 * Reproduces n8n's exit race (scripts/n8n/cli.ts) and proves the harness is immune to it: runs a failing and a
 * succeeding workflow through `n8n execute` N times each (default 30) and counts how each process ended and
 * whether the harness still read the right outcome. Not part of CI (about 6 s a run); exits 1 when any run was
 * misjudged or printed no run data.
 *
 *   npm run build && bash scripts/install-n8n.sh && npx ts-node --transpile-only -P tsconfig.dev.json scripts/cli-exit-loop.ts [N]
 */
import { importWorkflows, runWorkflowCli, type N8nTarget } from './n8n-harness';

const WORKFLOWS = { loopFail: 'error', loopOk: 'success' } as const;

const workflow = (id: keyof typeof WORKFLOWS) => ({
	id,
	name: `exit loop: ${WORKFLOWS[id]}`,
	active: false,
	settings: { executionOrder: 'v1' },
	pinData: {},
	connections: { Start: { main: [[{ node: 'Step', type: 'main', index: 0 }]] } },
	nodes: [
		{
			id: `${id}-start`,
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		WORKFLOWS[id] === 'error'
			? {
					id: `${id}-step`,
					name: 'Step',
					type: 'n8n-nodes-base.stopAndError',
					typeVersion: 1,
					position: [200, 0],
					parameters: { errorMessage: 'exit loop: deliberate failure' },
				}
			: {
					id: `${id}-step`,
					name: 'Step',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [200, 0],
					parameters: {},
				},
	],
});

async function main(): Promise<void> {
	const runs = Number(process.argv[2] ?? 30);
	const target: N8nTarget = { version: 2, dataDir: 'cli-exit-loop', port: 5990 };
	await importWorkflows(target, [workflow('loopFail'), workflow('loopOk')]);
	const endings: Record<string, number> = {};
	let misjudged = 0;
	for (let run = 1; run <= runs; run++) {
		for (const id of Object.keys(WORKFLOWS) as Array<keyof typeof WORKFLOWS>) {
			let ending: string;
			try {
				const result = await runWorkflowCli(target, id);
				ending = `${id}: exit ${result.code}, signal ${result.signal}, outcome ${result.outcome}`;
				if (result.outcome !== WORKFLOWS[id]) misjudged++;
			} catch (error) {
				ending = `${id}: harness error ${(error as Error).message.split('\n')[0]}`;
				misjudged++;
			}
			endings[ending] = (endings[ending] ?? 0) + 1;
		}
		process.stdout.write(`\r${run}/${runs}`);
	}
	console.log(`\n${JSON.stringify({ runs, endings, misjudged }, null, 2)}`);
	process.exitCode = misjudged === 0 ? 0 : 1;
}

void main();
