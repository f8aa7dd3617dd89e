/**
 * 4. Package cost: what `npm pack` would publish (size, unpacked size, files), how long `require()` of each built
 * node file takes (a fresh Node process per measurement; n8n-workflow resolves from the repo's node_modules),
 * and how many runtime dependencies package.json declares.
 * Two require() times per node: cold (loading n8n-workflow included, as in a bare process) and with n8n-workflow
 * already loaded (what the node itself adds inside n8n, where n8n-workflow is always loaded).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { REPO_ROOT } from '../../scripts/n8n-harness';
import type { ScenarioOutcome, TableRow } from '../lib/report';
import { ms, msRange, num, round, summarize } from '../lib/stats';

export interface PackageOptions {
	requireReps: number;
	log: (line: string) => void;
}

const REQUIRE_PROBE = [
	"const { performance } = require('node:perf_hooks');",
	"if (process.argv[2] === 'preloaded') require('n8n-workflow');",
	'const t0 = performance.now();',
	'require(process.argv[1]);',
	'process.stdout.write(String(performance.now() - t0));',
].join('\n');

export function runPackageScenario(opts: PackageOptions): ScenarioOutcome {
	const warnings: string[] = [];
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		dependencies?: Record<string, string>;
		peerDependencies?: Record<string, string>;
		n8n?: { nodes?: string[] };
	};
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: REPO_ROOT,
			encoding: 'utf8',
			timeout: 120_000,
			stdio: ['ignore', 'pipe', 'pipe'],
		}),
	) as Array<{
		size: number;
		unpackedSize: number;
		entryCount: number;
		files: Array<{ path: string }>;
	}>;
	const tarball = packed[0];
	const runtimeDependencies = Object.keys(pkg.dependencies ?? {});

	const rows: TableRow[] = [];
	const section =
		'4 · Package cost · require() in a fresh Node process, n8n-workflow already loaded (as inside n8n)';
	rows.push({
		section,
		variant: 'npm pack: tarball / unpacked',
		median: `${num(tarball.size / 1024)} kB / ${num(tarball.unpackedSize / 1024)} kB`,
		spread: '',
		ratio: '',
		notes: `${tarball.entryCount} files · ${runtimeDependencies.length} runtime dependencies`,
	});

	const nodes: Record<string, unknown> = {};
	for (const file of pkg.n8n?.nodes ?? []) {
		const absolute = path.join(REPO_ROOT, file);
		if (!fs.existsSync(absolute)) {
			warnings.push(`package: ${file} is missing (run npm run build)`);
			continue;
		}
		const measure = (mode: 'cold' | 'preloaded') => {
			const values: number[] = [];
			for (let i = 0; i < opts.requireReps; i++) {
				const out = execFileSync(process.execPath, ['-e', REQUIRE_PROBE, absolute, mode], {
					cwd: REPO_ROOT,
					encoding: 'utf8',
					timeout: 60_000,
					env: { ...process.env, NODE_OPTIONS: '' },
				});
				values.push(Number(out));
			}
			return summarize(values);
		};
		const cold = measure('cold');
		const preloaded = measure('preloaded');
		nodes[file] = { coldMs: cold, withN8nWorkflowLoadedMs: preloaded };
		opts.log(
			`  package require(${path.basename(file)}): cold ${ms(cold?.median)}, n8n-workflow preloaded ${ms(preloaded?.median)}`,
		);
		rows.push({
			section,
			variant: `require(${path.basename(file)})`,
			median: ms(preloaded?.median),
			spread: msRange(preloaded),
			ratio: '',
			notes: `cold, n8n-workflow included: ${ms(cold?.median)} · ${opts.requireReps} runs`,
		});
	}

	return {
		json: {
			tarball: {
				sizeBytes: tarball.size,
				unpackedSizeBytes: tarball.unpackedSize,
				files: tarball.entryCount,
				sizeKiB: round(tarball.size / 1024, 1),
			},
			runtimeDependencies: { count: runtimeDependencies.length, names: runtimeDependencies },
			peerDependencies: pkg.peerDependencies ?? {},
			requireTime: {
				definition:
					"ms for require(<dist file>) in a fresh `node -e` process (the bench's Node), median of the repetitions; cold: n8n-workflow loaded by that require; withN8nWorkflowLoaded: require('n8n-workflow') done first, as inside n8n",
				repetitions: opts.requireReps,
				nodes,
			},
		},
		rows,
		warnings,
	};
}
