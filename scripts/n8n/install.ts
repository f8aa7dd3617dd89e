/**
 * Where the real n8n lives (installed by scripts/install-n8n.sh into .n8n-cache/) and how our package is put into
 * an n8n data folder: the packed package (`npm pack`, so only what is published) unpacked into
 * <dataDir>/.n8n/nodes/node_modules/n8n-nodes-lofirmo, where n8n finds community packages.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type N8nVersion = 1 | 2;

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** where scripts/install-n8n.sh installs (N8N_CACHE_DIR overrides, as for the script) */
export const CACHE_DIR = process.env.N8N_CACHE_DIR
	? path.resolve(process.env.N8N_CACHE_DIR)
	: path.join(REPO_ROOT, '.n8n-cache');
export const RUNS_DIR = path.join(CACHE_DIR, 'runs');
export const PACKAGE_NAME = 'n8n-nodes-lofirmo';

export interface N8nInstall {
	version: N8nVersion;
	/** the n8n CLI script (node_modules/n8n/bin/n8n) */
	n8nBin: string;
	/** the Node executable n8n runs on */
	nodeBin: string;
	/** prepended to PATH for n8n and its task runners */
	pathPrefix: string;
	/** the n8n version installed there */
	n8nVersion: string;
}

/** Where scripts/install-n8n.sh put n8n (throws with a hint when it is not installed). */
export function n8nInstall(version: N8nVersion): N8nInstall {
	const dir = path.join(CACHE_DIR, version === 2 ? 'n8n-2' : 'n8n-1');
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const hint = `run: scripts/install-n8n.sh${version === 1 ? ' v1' : ''}`;
	if (!fs.existsSync(n8nBin) || !fs.existsSync(path.join(dir, '.installed'))) {
		throw new Error(`n8n ${version}.x is not installed in ${dir} (${hint})`);
	}
	let nodeBin = process.execPath;
	let pathPrefix = '';
	if (version === 2) {
		const node24Dir = path.join(CACHE_DIR, 'node24', 'node_modules', 'node', 'bin');
		nodeBin = path.join(node24Dir, 'node');
		if (!fs.existsSync(nodeBin)) throw new Error(`Node 24 is missing at ${nodeBin} (${hint})`);
		pathPrefix = node24Dir;
	}
	const n8nVersion = (
		JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8')) as {
			version: string;
		}
	).version;
	return { version, n8nBin, nodeBin, pathPrefix, n8nVersion };
}

/** True when scripts/install-n8n.sh has installed this line (for `describe.skip`-style guards). */
export function isN8nInstalled(version: N8nVersion): boolean {
	try {
		n8nInstall(version);
		return true;
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------------------------------------------------
// Loading our package
// ---------------------------------------------------------------------------------------------------------

export type PackageMode =
	/** `npm pack` the repo and unpack it: exactly the published files (default) */
	| 'pack'
	/** symlink the repo root: fastest, but our code then resolves n8n-workflow from the repo's node_modules */
	| 'symlink'
	/** do not touch <dataDir>/.n8n/nodes */
	| 'none';

/**
 * Compiled nodes and credentials found in the repo's dist/ (what n8n can load right now), and the files the
 * package.json "n8n" section lists that dist/ lacks (n8n then fails to load the whole package).
 */
export function builtPackageContents(): {
	nodes: string[];
	credentials: string[];
	missing: string[];
} {
	const walk = (dir: string, suffix: string): string[] => {
		if (!fs.existsSync(dir)) return [];
		const out: string[] = [];
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) out.push(...walk(full, suffix));
			else if (entry.name.endsWith(suffix)) out.push(path.relative(REPO_ROOT, full));
		}
		return out.sort();
	};
	const manifest = (
		JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
			n8n?: { nodes?: string[]; credentials?: string[] };
		}
	).n8n;
	const listed = [...(manifest?.nodes ?? []), ...(manifest?.credentials ?? [])];
	return {
		nodes: walk(path.join(REPO_ROOT, 'dist', 'nodes'), '.node.js'),
		credentials: walk(path.join(REPO_ROOT, 'dist', 'credentials'), '.credentials.js'),
		missing: listed.filter((file) => !fs.existsSync(path.join(REPO_ROOT, file))),
	};
}

export function installOurPackage(install: N8nInstall, n8nFolder: string, mode: PackageMode): void {
	if (mode === 'none') return;
	const nodesDir = path.join(n8nFolder, 'nodes');
	const modulesDir = path.join(nodesDir, 'node_modules');
	const target = path.join(modulesDir, PACKAGE_NAME);
	fs.mkdirSync(modulesDir, { recursive: true });
	fs.rmSync(target, { recursive: true, force: true });

	const ourPackage = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		version: string;
	};
	// what n8n writes itself when a user installs a community package from the UI
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify(
			{
				name: 'installed-nodes',
				private: true,
				dependencies: { [PACKAGE_NAME]: ourPackage.version },
			},
			null,
			2,
		),
	);

	if (mode === 'symlink') {
		fs.symlinkSync(REPO_ROOT, target, 'dir');
	} else {
		const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lofirmo-pack-'));
		try {
			// --ignore-scripts: no prepack/prepare hooks; we pack whatever dist/ holds now
			const out = execFileSync(
				'npm',
				['pack', '--json', '--ignore-scripts', '--pack-destination', tmp],
				{ cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
			);
			const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
			fs.mkdirSync(target, { recursive: true });
			execFileSync(
				'tar',
				['-xzf', path.join(tmp, filename), '-C', target, '--strip-components=1'],
				{
					timeout: 60_000,
				},
			);
		} finally {
			fs.rmSync(tmp, { recursive: true, force: true });
		}
	}

	// The peer dependency resolves to the n8n-workflow of the n8n under test (one instance, like production;
	// without this, node resolution would climb to the repo's own node_modules).
	const workflowLink = path.join(modulesDir, 'n8n-workflow');
	fs.rmSync(workflowLink, { recursive: true, force: true });
	const n8nWorkflow = path.join(
		path.dirname(path.dirname(path.dirname(install.n8nBin))),
		'n8n-workflow',
	);
	if (fs.existsSync(n8nWorkflow)) fs.symlinkSync(n8nWorkflow, workflowLink, 'dir');
}
