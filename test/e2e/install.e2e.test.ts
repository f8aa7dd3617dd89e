/**
 * Installed the way users install it: by name, from an npm registry, into a real n8n 2.x that starts without it.
 *
 * The package is published with `npm publish` (the repo's `files`, its built dist/) to a local Verdaccio, with a
 * patch-bumped copy as the next release; n8n reaches it as registry.npmjs.org through a loopback proxy (why:
 * scripts/n8n/registry.ts). Then, through the calls the Settings → Community Nodes page makes: install, the nodes and
 * credentials appear, the samples run, update, restart, uninstall, restart; `N8N_COMMUNITY_PACKAGES` on a second
 * n8n; n8n's package scanner against the published package; and in queue mode an install on main reaching the
 * webhook processor and the workers through n8n's own announcement.
 *
 *   npm run build && bash scripts/install-n8n.sh --with-queue --with-registry && \
 *     npx jest -c test/e2e/jest.config.js test/e2e/install.e2e.test.ts
 */
import axios from 'axios';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	activateWorkflow,
	communityPackages,
	createApiKey,
	credentialTypes,
	executionTrail,
	nodeTypes,
	PACKAGE_NAME,
	REPO_ROOT,
	resolveDataDir,
	scanPublishedPackage,
	setupOwner,
	startN8n,
	startQueueStack,
	startRegistry,
	type InstalledPackage,
	type N8nHandle,
	type PublishReport,
	type QueueStack,
	type Registry,
} from '../../scripts/n8n-harness';
import { sampleN8nEnv, setupSamples } from '../../scripts/samples';
import { startSandbox, type Sandbox } from '../helpers/sandbox';
import {
	crmDeal,
	describeRow,
	executionIds,
	expectContractStored,
	expectSuccess,
	IDS,
	newExecutions,
	post,
	sendDeal,
	signAndCertify,
	WAIT_MS,
	type SamplesRun,
} from './samples.support';

const REGISTRY_PORT = 5770; // its proxy: 5771
const N8N_PORT = 5772; // broker 5773
const ENV_LIST_PORT = 5774; // broker 5775
const QUEUE_BASE_PORT = 5780; // 5780-5789

const OUR_NODES = [`${PACKAGE_NAME}.lofirmo`, `${PACKAGE_NAME}.lofirmoTrigger`];
const OUR_CREDENTIALS = ['lofirmoApi', 'lofirmoWebhookApi'];

const repoVersion = (
	JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
/** the next release, as a patch bump of a copy (the repo's package.json is never edited) */
const nextVersion = repoVersion.replace(/(\d+)$/, (patch) => String(Number(patch) + 1));

async function loaded(n8n: N8nHandle): Promise<{ nodes: string[]; credentials: string[] }> {
	return {
		nodes: (await nodeTypes(n8n)).map((t) => t.name).filter((name) => OUR_NODES.includes(name)),
		credentials: (await credentialTypes(n8n))
			.map((c) => c.name)
			.filter((name) => OUR_CREDENTIALS.includes(name)),
	};
}

/** the package n8n has on disk, in the folder it installs community packages into */
function onDisk(n8n: N8nHandle): string | undefined {
	const file = path.join(
		n8n.dataDir,
		'.n8n',
		'nodes',
		'node_modules',
		PACKAGE_NAME,
		'package.json',
	);
	return fs.existsSync(file)
		? (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version
		: undefined;
}

async function listed(n8n: N8nHandle): Promise<InstalledPackage[]> {
	const res = await communityPackages(n8n, 'list');
	expect(res.status).toBe(200);
	return res.data as InstalledPackage[];
}

describeRow(2, 'installed by name from an npm registry, on n8n 2.x', () => {
	let registry: Registry;
	let sb: Sandbox;
	const published: PublishReport[] = [];

	beforeAll(async () => {
		registry = await startRegistry({ name: 'install-registry', port: REGISTRY_PORT });
		published.push(await registry.publish());
		sb = await startSandbox();
	}, 180_000);

	afterAll(async () => {
		await sb?.stop();
		await registry?.stop();
	});

	it('npm publish sends what a release holds: dist/ with every file package.json lists, README, LICENSE', () => {
		const [first] = published;
		expect(first.version).toBe(repoVersion);
		const files = first.files.map((f) => f.path);
		const outside = files.filter(
			(f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f),
		);
		expect(outside).toEqual([]);
		const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[]; credentials: string[] };
		};
		expect(files).toEqual(
			expect.arrayContaining([...manifest.n8n.nodes, ...manifest.n8n.credentials]),
		);
	});

	it("n8n's package scanner: its lint of the source and of the published tarball passes; its gate asks for npm provenance", async () => {
		const report = await scanPublishedPackage(registry, `${PACKAGE_NAME}@${repoVersion}`);
		console.log(
			[
				`scan-community-package ${PACKAGE_NAME}@${repoVersion} (exit ${report.cli.code}):`,
				report.cli.output.trim(),
				`its lint of the source: ${report.source.passed ? 'passed' : 'FAILED'}${report.source.details ? `\n${report.source.details}` : ''}`,
				`its lint of the published tarball: ${report.tarball.passed ? 'passed' : 'FAILED'}${report.tarball.details ? `\n${report.tarball.details}` : ''}`,
			].join('\n'),
		);
		expect(report.source).toEqual({ passed: true });
		expect(report.tarball).toEqual({ passed: true });
		// what stops a package published without provenance (this local one): the release workflow publishes with it
		expect(report.cli.output).toContain(
			`Provenance check failed for ${PACKAGE_NAME}@${repoVersion}`,
		);
		expect(report.cli.output).toContain('Package was not published with npm provenance');
		// and it read the package from the registry (the proxy served it)
		expect(registry.served).toEqual(expect.arrayContaining([`GET /${PACKAGE_NAME}`]));
	}, 300_000);

	describe('Settings → Community Nodes: install, update, uninstall', () => {
		const folder = 'install-ui';
		const signedDir = path.join(resolveDataDir(folder), 'signed');
		const env = () => ({ ...sampleN8nEnv(signedDir), ...registry.n8nEnv('n8n') });
		let n8n: N8nHandle | undefined;
		let samples: SamplesRun | undefined;
		const restart = async (extraEnv: Record<string, string> = {}) => {
			await n8n?.stop();
			n8n = undefined;
			n8n = await startN8n({
				version: 2,
				port: N8N_PORT,
				dataDir: folder,
				packageMode: 'none',
				env: { ...env(), ...extraEnv },
			});
			await setupOwner(n8n);
			await createApiKey(n8n);
			return n8n;
		};

		beforeAll(async () => {
			fs.rmSync(signedDir, { recursive: true, force: true });
			fs.mkdirSync(signedDir, { recursive: true });
			n8n = await startN8n({
				version: 2,
				port: N8N_PORT,
				dataDir: folder,
				fresh: true,
				packageMode: 'none',
				env: env(),
			});
			await setupOwner(n8n);
			await createApiKey(n8n);
		}, 180_000);

		afterAll(async () => {
			await n8n?.stop();
		});

		it('a fresh n8n has neither our nodes nor our credentials', async () => {
			expect(await loaded(n8n!)).toEqual({ nodes: [], credentials: [] });
			expect(onDisk(n8n!)).toBeUndefined();
		});

		it('installs n8n-nodes-lofirmo by name: the two nodes and both credentials appear', async () => {
			const servedBefore = registry.served.length;
			const res = await communityPackages(n8n!, 'install', PACKAGE_NAME);
			expect(res.status).toBe(200);
			expect(res.data).toMatchObject({
				packageName: PACKAGE_NAME,
				installedVersion: repoVersion,
				installedNodes: expect.arrayContaining(
					OUR_NODES.map((type) => expect.objectContaining({ type })),
				),
			});
			expect(await loaded(n8n!)).toEqual({
				nodes: expect.arrayContaining(OUR_NODES),
				credentials: expect.arrayContaining(OUR_CREDENTIALS),
			});
			expect(onDisk(n8n!)).toBe(repoVersion);
			// the page's list: installed, loaded, nothing newer on the registry
			const [listing] = await listed(n8n!);
			expect(listing).toMatchObject({
				packageName: PACKAGE_NAME,
				installedVersion: repoVersion,
				failedLoading: false,
			});
			expect(listing.updateAvailable).toBeUndefined();
			// n8n fetched it from "registry.npmjs.org": the package's metadata and its tarball
			const served = registry.served.slice(servedBefore);
			expect(served).toEqual(
				expect.arrayContaining([
					`GET /${PACKAGE_NAME}`,
					`GET /${PACKAGE_NAME}/-/${PACKAGE_NAME}-${repoVersion}.tgz`,
				]),
			);
			console.log(
				`install: the proxy served ${served.length} registry request(s); refused hosts so far: ${[...new Set(registry.refused)].join(', ') || 'none'}`,
			);
		});

		it('the sample workflows run on the installed package: CRM deal → contract sent; certified report → PDF stored', async () => {
			const setup = await setupSamples(n8n!, { sandboxUrl: sb.url, signedDir });
			sb.setWebhook({ url: setup.reportsWebhookUrl, format: 'json', auth: setup.webhookAuth });
			samples = { n8n: n8n!, sb, setup };
			const { contractId } = await sendDeal(samples, 'D-INSTALL-1');
			const before = await executionIds(n8n!, IDS.signedToStorage);
			expect((await signAndCertify(samples, contractId)).certified).toEqual({ status: 200 });
			const [execution] = await newExecutions(n8n!, IDS.signedToStorage, before);
			expectContractStored(samples, execution, contractId);
		});

		it(`${nextVersion} is published: the page offers it, its Update installs it, the workflows still run, and after a restart ${nextVersion} is what loads`, async () => {
			// the next release: a patch-bumped copy of the package, published the same way
			published.push(await registry.publish({ dir: registry.copyAtVersion(nextVersion) }));
			expect((await listed(n8n!))[0].updateAvailable).toBe(nextVersion);
			const res = await communityPackages(n8n!, 'update', PACKAGE_NAME);
			expect(res.status).toBe(200);
			expect(res.data).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: nextVersion });
			expect(onDisk(n8n!)).toBe(nextVersion);
			const run = { ...samples!, n8n: n8n! };
			await sendDeal(run, 'D-INSTALL-2');

			await restart();
			const after = { ...samples!, n8n: n8n! };
			expect(await listed(n8n!)).toEqual([
				expect.objectContaining({
					packageName: PACKAGE_NAME,
					installedVersion: nextVersion,
					failedLoading: false,
				}),
			]);
			expect((await listed(n8n!))[0].updateAvailable).toBeUndefined();
			expect(onDisk(n8n!)).toBe(nextVersion);
			expect(await loaded(n8n!)).toEqual({
				nodes: expect.arrayContaining(OUR_NODES),
				credentials: expect.arrayContaining(OUR_CREDENTIALS),
			});
			// the active workflows came back with the package: the CRM webhook answers and the contract is sent
			await activateWorkflow(n8n!, IDS.crmDealWon, samples!.setup.crmWebhookUrl);
			const before = await executionIds(n8n!, IDS.crmDealWon);
			const { contractId } = await sendDeal(after, 'D-INSTALL-3');
			const [execution] = await newExecutions(n8n!, IDS.crmDealWon, before);
			expectSuccess(execution);
			// and the Lofirmo Trigger: a certified report is stored (activated as the CRM's was: n8n resolves its node type
			// and answers its URL before the report is sent, so a start still loading the package cannot take it)
			await activateWorkflow(n8n!, IDS.signedToStorage, samples!.setup.reportsWebhookUrl);
			const reportsBefore = await executionIds(n8n!, IDS.signedToStorage);
			expect((await signAndCertify(after, contractId)).certified).toEqual({ status: 200 });
			const [stored] = await newExecutions(n8n!, IDS.signedToStorage, reportsBefore);
			expectContractStored(after, stored, contractId);
		});

		it('uninstalls as the page does: nodes and credentials gone; n8n starts again and says what happened to the workflows', async () => {
			const res = await communityPackages(n8n!, 'uninstall', PACKAGE_NAME);
			expect(res.status).toBe(200);
			expect(await loaded(n8n!)).toEqual({ nodes: [], credentials: [] });
			expect(onDisk(n8n!)).toBeUndefined();
			expect(await listed(n8n!)).toEqual([]);

			// restarted with the registry set in n8n's own setting, which an unlicensed n8n refuses (see below)
			await restart({ N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url });
			expect(await loaded(n8n!)).toEqual({ nodes: [], credentials: [] });
			// what n8n says about the workflows that used the nodes: nothing at start; they stay saved and active, and a
			// request to their webhook is refused naming the missing node, before any execution is created
			expect(n8n!.logs()).not.toMatch(/lofirmo/i);
			const saved = await axios.get(`${n8n!.baseUrl}/api/v1/workflows/${IDS.crmDealWon}`, {
				headers: { 'X-N8N-API-KEY': n8n!.apiKey! },
				proxy: false,
			});
			expect(saved.data).toMatchObject({ id: IDS.crmDealWon, active: true });
			const before = await executionIds(n8n!, IDS.crmDealWon);
			const sent = sb.requests.length;
			const crm = await post(samples!.setup.crmWebhookUrl, crmDeal('D-INSTALL-GONE'));
			expect({ status: crm.status, message: (crm.data as { message?: string }).message }).toEqual({
				status: 400,
				message: `Unrecognized node type: ${PACKAGE_NAME}.lofirmo`,
			});
			expect(n8n!.logs()).toContain(
				`Error in handling webhook request POST /webhook/lofirmo-crm-deal-won: Unrecognized node type: ${PACKAGE_NAME}.lofirmo`,
			);
			expect(await executionIds(n8n!, IDS.crmDealWon)).toEqual(before);
			expect(sb.requests.length).toBe(sent);

			// why the tests reach the registry through a proxy: N8N_COMMUNITY_PACKAGES_REGISTRY needs a licence
			const custom = await communityPackages(n8n!, 'install', PACKAGE_NAME);
			expect({ status: custom.status, message: custom.message }).toEqual({
				status: 500,
				message: expect.stringContaining(
					'Your license does not allow for feat:communityNodes:customRegistry',
				),
			});
		});
	});

	describe('N8N_COMMUNITY_PACKAGES (n8n 2.21+): the list installed at start', () => {
		let n8n: N8nHandle | undefined;
		afterAll(async () => {
			await n8n?.stop();
		});

		it(`a fresh n8n started with [{"name":"${PACKAGE_NAME}","version":"${repoVersion}"}] has the package, at that version`, async () => {
			n8n = await startN8n({
				version: 2,
				port: ENV_LIST_PORT,
				dataDir: 'install-env-list',
				fresh: true,
				packageMode: 'none',
				env: {
					...registry.n8nEnv('n8n-env-list'),
					N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true',
					N8N_COMMUNITY_PACKAGES: JSON.stringify([{ name: PACKAGE_NAME, version: repoVersion }]),
				},
			});
			await setupOwner(n8n);
			expect(n8n.logs()).toContain(
				`Installed community package '${PACKAGE_NAME}@${repoVersion}' from env`,
			);
			expect(await loaded(n8n)).toEqual({
				nodes: expect.arrayContaining(OUR_NODES),
				credentials: expect.arrayContaining(OUR_CREDENTIALS),
			});
			expect(onDisk(n8n)).toBe(repoVersion);
			// managed by the environment: the page's install is refused
			const refused = await communityPackages(n8n, 'update', PACKAGE_NAME);
			expect(refused.status).toBe(400);
			expect(refused.message).toMatch(/managed via environment variables/);
		});
	});

	describe('queue mode: an install on main reaches the webhook processor and the workers', () => {
		let stack: QueueStack | undefined;
		const name = 'install-queue';
		const signedDir = path.join(resolveDataDir(name), 'signed');

		beforeAll(async () => {
			fs.rmSync(signedDir, { recursive: true, force: true });
			fs.mkdirSync(signedDir, { recursive: true });
			stack = await startQueueStack({
				name,
				basePort: QUEUE_BASE_PORT,
				workers: 2,
				packageMode: 'none',
				env: { ...sampleN8nEnv(signedDir), ...registry.n8nEnv('queue') },
			});
			await setupOwner(stack.main);
			await createApiKey(stack.main);
		}, 420_000);

		afterAll(async () => {
			await stack?.stop();
		});

		it("installed on main by name, every other process installs it on n8n's announcement; a report through the webhook processor runs on a worker", async () => {
			const s = stack!;
			for (const { handle } of s.processes()) expect(onDisk(handle)).toBeUndefined();
			const res = await communityPackages(s.main, 'install', PACKAGE_NAME);
			expect(res.status).toBe(200);
			const { installedVersion } = res.data as InstalledPackage;

			// each process logs its own install (n8n's pub/sub command `community-package-install`)
			const others = s.processes().filter((p) => p.role !== 'main');
			const deadline = Date.now() + 120_000;
			const installed = (handle: N8nHandle) =>
				handle.logs().includes(`Community package installed: ${PACKAGE_NAME}`);
			while (others.some((p) => !installed(p.handle)) && Date.now() < deadline) {
				await new Promise((r) => setTimeout(r, 250));
			}
			expect(others.map((p) => ({ role: p.role, installed: installed(p.handle) }))).toEqual(
				others.map((p) => ({ role: p.role, installed: true })),
			);
			for (const { handle } of s.processes()) expect(onDisk(handle)).toBe(installedVersion);

			const setup = await setupSamples(s.main, {
				sandboxUrl: sb.url,
				signedDir,
				webhookBaseUrl: s.webhookBaseUrl,
			});
			sb.setWebhook({ url: setup.reportsWebhookUrl, format: 'json', auth: setup.webhookAuth });
			const run: SamplesRun = { n8n: s.main, sb, setup };
			const { contractId } = await sendDeal(run, 'D-INSTALL-Q');
			const before = await executionIds(s.main, IDS.signedToStorage);
			expect((await signAndCertify(run, contractId)).certified).toEqual({ status: 200 });
			const [execution] = await newExecutions(s.main, IDS.signedToStorage, before);
			expectContractStored(run, execution, contractId);
			// the Lofirmo Trigger answered on the webhook processor, the rest ran on a worker
			const until = Date.now() + WAIT_MS;
			let trail = executionTrail(s.processes());
			while (!trail.startedBy.get(execution.id) && Date.now() < until) {
				await new Promise((r) => setTimeout(r, 100));
				trail = executionTrail(s.processes());
			}
			expect({
				enqueuedBy: trail.enqueuedBy.get(execution.id),
				startedBy: trail.startedBy.get(execution.id),
			}).toEqual({ enqueuedBy: 'webhook', startedBy: [expect.stringMatching(/^worker-\d$/)] });
		});
	});
});
