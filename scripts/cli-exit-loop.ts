/**
 * Reproduces n8n's exit race (scripts/n8n/cli.ts) and proves the harness is immune to it: runs a failing and a
 * succeeding workflow through `n8n execute` N times each (default 30) and counts how each process ended and
 * whether the harness still read the right outcome. Not part of CI (about 6 s a run); exits 1 when any run was
 * misjudged or printed no run data.
 *
 *   npm run test:cli-exit [-- N]
 */
import { manualWorkflow } from '../test/helpers/manual-workflow';
import { importWorkflows, runWorkflowCli, type N8nTarget } from './n8n-harness';

const WORKFLOWS = { loopFail: 'error', loopOk: 'success' } as const;

async function main(): Promise<void> {
	const runs = Number(process.argv[2] ?? 30);
	const target: N8nTarget = { version: 2, dataDir: 'cli-exit-loop', port: 5990 };
	await importWorkflows(target, [
		manualWorkflow('loopFail', true),
		manualWorkflow('loopOk', false),
	]);
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
