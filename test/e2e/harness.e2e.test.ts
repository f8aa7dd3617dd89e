/**
 * Exercises every helper of the real-n8n harness on both rows: n8n 2.x (main line) and n8n 1.x (compatibility
 * row, skipped when scripts/install-n8n.sh v1 has not been run). Also proves a reused data folder keeps the
 * owner, the imported credential and our package.
 */
import axios from 'axios';
import {
	activateWorkflow,
	createApiKey,
	credentialTypes,
	getExecution,
	importCredentials,
	importWorkflows,
	isN8nInstalled,
	nodeTypes,
	PACKAGE_NAME,
	runWorkflowCli,
	setupOwner,
	startN8n,
	stopAll,
	waitForExecutions,
	type CliExecution,
	type N8nHandle,
	type N8nVersion,
} from '../../scripts/n8n-harness';

const rows: Array<{ version: N8nVersion; port: number }> = [
	{ version: 2, port: 5720 },
	{ version: 1, port: 5730 },
];

const manualWorkflow = (id: string, failing: boolean) => ({
	id,
	name: failing ? 'harness: failing manual run' : 'harness: manual run',
	active: false,
	settings: { executionOrder: 'v1' },
	connections: { Start: { main: [[{ node: 'Step', type: 'main', index: 0 }]] } },
	pinData: {},
	nodes: [
		{
			id: `${id}-start`,
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		failing
			? {
					id: `${id}-step`,
					name: 'Step',
					type: 'n8n-nodes-base.stopAndError',
					typeVersion: 1,
					position: [200, 0],
					parameters: { errorMessage: 'harness: deliberate failure' },
				}
			: {
					id: `${id}-step`,
					name: 'Step',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [200, 0],
					parameters: {
						assignments: {
							assignments: [{ id: 'a1', name: 'greeting', value: '={{ "hi " + (1 + 1) }}', type: 'string' }],
						},
						options: {},
					},
				},
	],
});

/** fixed per workflow id (a production webhook is found by path; the id must just be stable and unique) */
const webhookIdFor = (id: string) => `5e0c1d2a-0000-4000-8000-${Buffer.from(id).toString('hex').slice(-12)}`;

const webhookWorkflow = (id: string, webhookPath: string) => ({
	id,
	name: 'harness: webhook',
	active: false,
	settings: { executionOrder: 'v1' },
	connections: {},
	pinData: {},
	nodes: [
		{
			id: `${id}-hook`,
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: webhookIdFor(id),
			parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', responseData: 'noData', options: {} },
		},
	],
});

describe.each(rows)('harness on n8n $version.x', ({ version, port }) => {
	const installed = isN8nInstalled(version);
	const maybe = installed ? it : it.skip;
	if (!installed) console.warn(`n8n ${version}.x not installed: run scripts/install-n8n.sh${version === 1 ? ' v1' : ''}`);

	let n8n: N8nHandle | undefined;
	const started: N8nHandle[] = [];
	const start = async (fresh: boolean) => {
		await stopAll(...started);
		n8n = await startN8n({ version, port, dataDir, fresh });
		started.push(n8n);
		return n8n;
	};
	afterAll(async () => {
		await stopAll(...started);
	});
	const cliFailure = (what: string, r: CliExecution) =>
		new Error(`${what}: exit ${r.code}, signal ${r.signal}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);

	const dataDir = `harness-v${version}`;
	const ok = `harnessOkV${version}`;
	const failing = `harnessFailV${version}`;
	const hook = `harnessHookV${version}`;
	const webhookPath = `lofirmo-e2e-harness-v${version}`;

	maybe('CLI import and execute, public API activation and executions', async () => {
		n8n = await start(true);
		console.log(`n8n ${n8n.install.n8nVersion}: fresh start ${n8n.startupMs} ms`);
		await setupOwner(n8n);
		await createApiKey(n8n);
		console.log(`n8n ${version}.x API key scopes: ${n8n.apiKeyScopes?.join(', ') ?? '(none sent)'}`);

		await importCredentials(n8n, [
			{
				id: `harnessCredV${version}`,
				name: 'Harness Lofirmo',
				type: 'lofirmoApi',
				data: { apiUser: 'user', apiToken: 'token', baseUrl: 'http://127.0.0.1:9', pathOverrides: '{}' },
			},
		]);
		await importWorkflows(n8n, [manualWorkflow(ok, false), manualWorkflow(failing, true), webhookWorkflow(hook, webhookPath)]);

		const good = await runWorkflowCli(n8n, ok);
		if (good.code !== 0) throw cliFailure('n8n execute (ok workflow)', good);
		const goodRun = good.result as { data: { resultData: { runData: Record<string, Array<{ data: { main: Array<Array<{ json: unknown }>> } }>> } } };
		expect(goodRun.data.resultData.runData.Step[0].data.main[0][0].json).toEqual({ greeting: 'hi 2' });

		const bad = await runWorkflowCli(n8n, failing);
		if (bad.code !== 1) throw cliFailure('n8n execute (failing workflow)', bad);
		console.log(`n8n ${version}.x CLI execute: ${good.durationMs} ms (ok), ${bad.durationMs} ms (failing)`);

		const url = `${n8n.baseUrl}/webhook/${webhookPath}`;
		await activateWorkflow(n8n, hook, url);
		const res = await axios.post(url, { n: 1 }, { validateStatus: () => true, proxy: false });
		expect(res.status).toBe(200);
		const [execution] = await waitForExecutions(n8n, hook, 1, 30_000);
		const full = await getExecution(n8n, execution.id);
		expect(full.status).toBe('success');
		expect(full.workflowId).toBe(hook);
		expect(full.data?.resultData?.runData?.Webhook).toHaveLength(1);
		await n8n.stop();
		expect(n8n.exited).toBe(true);
	});

	maybe('a reused data folder keeps the owner, credentials, the active webhook and our package', async () => {
		n8n = await start(false);
		console.log(`n8n ${n8n.install.n8nVersion}: reused start ${n8n.startupMs} ms`);
		await setupOwner(n8n); // owner exists: logs in
		expect((await credentialTypes(n8n)).map((c) => c.name)).toContain('lofirmoApi');
		expect((await nodeTypes(n8n)).map((t) => t.name)).toContain(`${PACKAGE_NAME}.lofirmo`);

		await createApiKey(n8n);
		const res = await axios.post(`${n8n.baseUrl}/webhook/${webhookPath}`, { n: 2 }, { validateStatus: () => true, proxy: false });
		expect(res.status).toBe(200);
		expect(await waitForExecutions(n8n, hook, 2, 30_000)).toHaveLength(2);
		await n8n.stop();
	});
});
