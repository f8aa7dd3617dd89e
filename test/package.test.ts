/** What ships: only dist/, README and LICENSE; no runtime dependencies; n8n-workflow as the one peer. */
import { execFileSync } from 'child_process';
import { join } from 'path';

const root = join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json');

it('packs only dist/, README, LICENSE and package.json', () => {
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}),
	) as Array<{ files: Array<{ path: string }> }>;
	const outside = packed.files
		.map((f) => f.path)
		.filter((p) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(p));
	expect(outside).toEqual([]);
});

it('has no runtime dependencies and n8n-workflow only as a peer', () => {
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(pkg.license).toBe('MIT');
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
});

it('lists the built nodes and credentials n8n must load', () => {
	expect(pkg.n8n.nodes).toEqual([
		'dist/nodes/Lofirmo/Lofirmo.node.js',
		'dist/nodes/Lofirmo/LofirmoTrigger.node.js',
	]);
	expect(pkg.n8n.credentials).toEqual([
		'dist/credentials/LofirmoApi.credentials.js',
		'dist/credentials/LofirmoWebhookApi.credentials.js',
	]);
});
