/**
 * n8n's own check of a community package, `@n8n/scan-community-package` (a devDependency), run against the package
 * published to the local registry (scripts/n8n/registry.ts), as n8n runs it before it verifies a package.
 *
 * What the scanner does, in 0.32.0: reads the package from https://registry.npmjs.org, requires an npm provenance
 * attestation, fetches the source commit the attestation names from github.com, then lints that source
 * (`package.json`, `{nodes,credentials}/**`) and the published tarball (`**\/*.js`, `package.json`) with n8n's
 * community-node rules. A package published here has no provenance (that takes a CI run with an OIDC identity, see
 * .github/workflows/release.yml), so `cli` shows the scanner's verdict on exactly that; `source` and `tarball` are
 * its two lint legs (its own `analyzePackage`, its own file patterns) on this commit's source and on the tarball
 * downloaded from the registry.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { REPO_ROOT } from './install';
import { inheritedEnv } from './process';
import type { Registry } from './registry';

const run = promisify(execFile);

export interface ScanLeg {
	passed: boolean;
	message?: string;
	details?: string;
}

export interface ScanReport {
	/** `scan-community-package <spec>` as n8n runs it: its output and exit code */
	cli: { code: number; output: string };
	/** the scanner's lint of this commit's source, with its source patterns */
	source: ScanLeg;
	/** the scanner's lint of the tarball downloaded from the registry */
	tarball: ScanLeg;
}

function scannerDir(): string {
	return path.dirname(
		require.resolve('@n8n/scan-community-package/package.json', { paths: [REPO_ROOT] }),
	);
}

/** Runs the scanner against `spec` (e.g. `n8n-nodes-lofirmo@0.1.0`) with its registry traffic sent to `registry`. */
export async function scanPublishedPackage(registry: Registry, spec: string): Promise<ScanReport> {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lofirmo-scan-'));
	const env = { ...inheritedEnv(), ...registry.n8nEnv('scanner') };
	try {
		const cliPath = path.join(scannerDir(), 'scanner', 'cli.mjs');
		let cli: ScanReport['cli'];
		try {
			const { stdout, stderr } = await run(process.execPath, [cliPath, spec], {
				cwd: work,
				env,
				timeout: 180_000,
			});
			cli = { code: 0, output: stdout + stderr };
		} catch (error) {
			const { code, stdout, stderr } = error as { code?: number; stdout?: string; stderr?: string };
			cli = {
				code: typeof code === 'number' ? code : -1,
				output: `${stdout ?? ''}${stderr ?? ''}`,
			};
		}

		// the tarball exactly as npm serves it (the scanner's own download: `npm pack <spec>`, unpacked)
		const { stdout: packed } = await run('npm', ['pack', spec, '--quiet'], {
			cwd: work,
			env,
			timeout: 120_000,
		});
		const tarballDir = path.join(work, 'package');
		fs.mkdirSync(tarballDir);
		await run('tar', ['-xzf', packed.trim(), '-C', tarballDir, '--strip-components=1'], {
			cwd: work,
		});

		// the scanner is an ES module: its two legs run in a child Node with its own exports
		const scanner = pathToFileURL(path.join(scannerDir(), 'scanner', 'scanner.mjs')).href;
		const script = [
			`import { analyzePackage, SOURCE_FILE_PATTERNS } from ${JSON.stringify(scanner)};`,
			`const source = await analyzePackage(${JSON.stringify(REPO_ROOT)}, SOURCE_FILE_PATTERNS);`,
			`const tarball = await analyzePackage(${JSON.stringify(tarballDir)}, ['**/*.js', 'package.json']);`,
			'const leg = ({ passed, message, details }) => ({ passed, message, details });',
			'console.log(JSON.stringify({ source: leg(source), tarball: leg(tarball) }));',
		].join('\n');
		const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
			cwd: work,
			env,
			timeout: 300_000,
			maxBuffer: 16 * 1024 * 1024,
		});
		const legs = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Pick<
			ScanReport,
			'source' | 'tarball'
		>;
		return { cli, ...legs };
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}
