/**
 * `npm run bench:profile`: where the time of one 1,000-item Contract → Send run goes inside n8n. Starts the sandbox
 * and n8n (its own data folder, port 5850) with `--cpu-prof`, runs the bench's "Lofirmo, default" workflow once
 * with 200 items (warm-up) and once with 1,000, stops n8n (which writes the profile), and sums the samples taken
 * while the 1,000-item execution ran: self time by code owner and by function, and what the time under our node's
 * frames went to. Prints the tables and writes bench/results/profile-action.json and .md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPO_ROOT, stopAll } from '../scripts/n8n-harness';
import {
	OUR_OWNER,
	summariseProfile,
	type Cost,
	type CpuProfile,
	type ProfileSummary,
} from './lib/cpuprofile';
import { executionWithData, startBenchN8n, type BenchN8n } from './lib/n8n';
import {
	startSandboxProcess,
	SANDBOX_TOKEN,
	SANDBOX_USER,
	type SandboxProcess,
} from './lib/sandbox';
import { actionN8nRun } from './scenarios/action';
import { actionWorkflows, ACTION_WORKFLOW_IDS } from './workflows';

const ITEMS = 1000;
const WARMUP_ITEMS = 200;
const PORTS = { sandbox: 4110, n8n: 5850 };
const TOP = 25;

async function main(): Promise<number> {
	const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lofirmo-profile-'));
	let sandbox: SandboxProcess | undefined;
	let n8n: BenchN8n | undefined;
	try {
		sandbox = await startSandboxProcess(PORTS.sandbox, {
			accounts: [{ user: SANDBOX_USER, token: SANDBOX_TOKEN, credits: 1_000_000_000 }],
		});
		n8n = await startBenchN8n({
			name: 'profile',
			port: PORTS.n8n,
			sandboxUrl: sandbox.url,
			workflows: actionWorkflows(sandbox).filter((w) => w.id === ACTION_WORKFLOW_IDS.ours),
			// the task runner (a child) gets the flag too and writes a profile of its own: only n8n's is read
			env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` },
		});
		const { pid, spawnedAt } = n8n.handle;
		console.log(`n8n ready (pid ${pid}); warm-up ${WARMUP_ITEMS} items, then ${ITEMS}…`);
		const warmup = await actionN8nRun(n8n, sandbox, 'ours', WARMUP_ITEMS);
		const run = await actionN8nRun(n8n, sandbox, 'ours', ITEMS);
		if (!warmup.valid || !run.valid || !run.executionId)
			throw new Error(`the run was not valid: ${warmup.invalidReason ?? run.invalidReason}`);
		const execution = await executionWithData(n8n, run.executionId);
		await n8n.stop();
		n8n = undefined;

		const file = fs.readdirSync(profileDir).find((name) => name.includes(`.${pid}.`));
		if (!file) throw new Error(`n8n (pid ${pid}) wrote no profile into ${profileDir}`);
		const profile = JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile;
		// the profile's clock starts with the process: the execution's wall-clock times, less the spawn time
		const window = {
			fromMs: Date.parse(execution.startedAt) - spawnedAt,
			toMs: Date.parse(execution.stoppedAt ?? execution.startedAt) - spawnedAt,
		};
		const summary = summariseProfile(profile, window);
		const result = {
			items: ITEMS,
			executionMs: window.toMs - window.fromMs,
			nodeMs: run.timeMs,
			window,
			note: "V8 CPU profile of n8n's main process (--cpu-prof, 1 ms sampling) over the 1,000-item execution; ms are CPU ms seen by the sampler; per item = ÷ 1,000. The window is placed from n8n's own startedAt/stoppedAt less the time n8n was spawned (a few ms of error).",
			...summary,
			byFunction: summary.byFunction.slice(0, TOP),
			ourFunctions: summary.byFunction.filter((c) => c.owner === OUR_OWNER).slice(0, 10),
		};
		const out = path.join(REPO_ROOT, 'bench', 'results');
		fs.writeFileSync(path.join(out, 'profile-action.json'), `${JSON.stringify(result, null, 2)}\n`);
		const markdown = report(result);
		fs.writeFileSync(path.join(out, 'profile-action.md'), markdown);
		console.log(`\n${markdown}\nWrote bench/results/profile-action.json and .md`);
		return 0;
	} finally {
		await stopAll(n8n?.handle);
		await sandbox?.stop();
		fs.rmSync(profileDir, { recursive: true, force: true });
	}
}

function report(
	result: ProfileSummary & { executionMs: number; nodeMs: number | null; ourFunctions: Cost[] },
): string {
	const perItem = (ms: number) => `${((ms / ITEMS) * 1000).toFixed(0)} µs`;
	const table = (title: string, costs: Cost[], withOwner: boolean) =>
		[
			`| ${title} | ${withOwner ? 'owner | ' : ''}CPU ms | per item |`,
			`| --- | ${withOwner ? '--- | ' : ''}---: | ---: |`,
			...costs.map(
				(c) =>
					`| ${c.name.replace(/\|/g, '\\|')} | ${withOwner ? `${c.owner} | ` : ''}${c.ms} | ${perItem(c.ms)} |`,
			),
		].join('\n');
	return [
		`# Where 1,000 × Contract → Send goes (n8n's main process, one run)`,
		'',
		`Execution ${result.executionMs} ms (node ${result.nodeMs} ms); CPU seen by the sampler ${result.busyMs} ms, idle ${result.idleMs} ms.`,
		'',
		table('code owner (self time)', result.byOwner, false),
		'',
		`Under our node's frames: ${result.underOurCodeMs} ms (${perItem(result.underOurCodeMs)} per item), by what ran:`,
		'',
		table('our code, or the first n8n frame it called', result.underOurCode.slice(0, 15), true),
		'',
		table('our own functions (self time)', result.ourFunctions, false),
		'',
		table(`top ${TOP} functions (self time)`, result.byFunction, true),
		'',
	].join('\n');
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(
			`bench:profile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
		);
		process.exit(1);
	},
);
