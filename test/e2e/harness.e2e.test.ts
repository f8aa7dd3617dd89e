/**
 * What the real-n8n harness does that the sample suites do not already prove, on both rows (n8n 2.x and the 1.x
 * compatibility row, see describeRow): `n8n execute` read by its run data (n8n may die at exit after the work, see
 * scripts/n8n/cli.ts), and a reused data folder that keeps the owner, the credential, the active webhook and our
 * package across a restart. Each test sets up what it needs in its own data folder.
 */
import axios from 'axios';
import * as fs from 'node:fs';

import {
	activateWorkflow,
	createApiKey,
	credentialTypes,
	getExecution,
	importCredentials,
	importWorkflows,
	nodeTypes,
	PACKAGE_NAME,
	resolveDataDir,
	runWorkflowCli,
	setupOwner,
	startN8n,
	stopAll,
	storedCredentials,
	waitForExecutions,
	type N8nHandle,
	type N8nVersion,
} from '../../scripts/n8n-harness';
import { manualWorkflow } from '../helpers/manual-workflow';
import { describeRow } from './samples.support';

const rows: Array<{ version: N8nVersion; port: number }> = [
	{ version: 2, port: 5720 },
	{ version: 1, port: 5730 },
];

/** fixed per workflow id (a production webhook is found by path; the id must just be stable and unique) */
const webhookIdFor = (id: string) =>
	`5e0c1d2a-0000-4000-8000-${Buffer.from(id).toString('hex').slice(-12)}`;

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
			parameters: {
				httpMethod: 'POST',
				path: webhookPath,
				responseMode: 'onReceived',
				responseData: 'noData',
				options: {},
			},
		},
	],
});

for (const { version, port } of rows) {
	describeRow(version, `harness on n8n ${version}.x`, () => {
		const started: N8nHandle[] = [];
		const start = async (dataDir: string, fresh: boolean) => {
			const n8n = await startN8n({ version, port, dataDir, fresh });
			started.push(n8n);
			return n8n;
		};
		afterEach(async () => {
			await stopAll(...started.splice(0));
		});

		it('n8n execute: the run data of a succeeding and of a failing workflow, read from what n8n printed', async () => {
			const target = { version, dataDir: `harness-cli-v${version}`, port };
			fs.rmSync(resolveDataDir(target.dataDir), { recursive: true, force: true });
			const ok = `harnessOkV${version}`;
			const failing = `harnessFailV${version}`;
			await importWorkflows(target, [manualWorkflow(ok, false), manualWorkflow(failing, true)]);

			const good = await runWorkflowCli(target, ok);
			expect(good.outcome).toBe('success');
			const goodRun = good.result as {
				data: {
					resultData: {
						runData: Record<string, Array<{ data: { main: Array<Array<{ json: unknown }>> } }>>;
					};
				};
			};
			expect(goodRun.data.resultData.runData.Step[0].data.main[0][0].json).toEqual({
				greeting: 'hi 2',
			});

			const bad = await runWorkflowCli(target, failing);
			expect(bad.outcome).toBe('error');
			const badRun = bad.result as {
				data: { resultData: { error: { message: string }; lastNodeExecuted: string } };
			};
			expect(badRun.data.resultData.error.message).toBe('harness: deliberate failure');
			expect(badRun.data.resultData.lastNodeExecuted).toBe('Step');
			console.log(
				`n8n ${version}.x CLI execute: ${good.durationMs} ms (ok, exit ${good.code}/${good.signal}), ${bad.durationMs} ms (failing, exit ${bad.code}/${bad.signal})`,
			);
		});

		it('a reused data folder keeps the owner, credentials, the active webhook and our package', async () => {
			const dataDir = `harness-reuse-v${version}`;
			const hook = `harnessHookV${version}`;
			const url = (n8n: N8nHandle) => `${n8n.baseUrl}/webhook/lofirmo-e2e-harness-v${version}`;
			const first = await start(dataDir, true);
			console.log(`n8n ${first.install.n8nVersion}: fresh start ${first.startupMs} ms`);
			await setupOwner(first);
			await createApiKey(first);
			await importCredentials(first, [
				{
					id: `harnessCredV${version}`,
					name: 'Harness Lofirmo',
					type: 'lofirmoApi',
					data: {
						apiUser: 'user',
						apiToken: 'token',
						baseUrl: 'http://127.0.0.1:9',
						pathOverrides: '{}',
					},
				},
			]);
			await importWorkflows(first, [webhookWorkflow(hook, `lofirmo-e2e-harness-v${version}`)]);
			await activateWorkflow(first, hook, url(first));
			expect(
				(await axios.post(url(first), { n: 1 }, { validateStatus: () => true, proxy: false }))
					.status,
			).toBe(200);
			const [execution] = await waitForExecutions(first, hook, 1, 30_000);
			const full = await getExecution(first, execution.id);
			expect(full).toMatchObject({ status: 'success', workflowId: hook });
			expect(full.data?.resultData?.runData?.Webhook).toHaveLength(1);
			await first.stop();
			expect(first.exited).toBe(true);

			const again = await start(dataDir, false);
			console.log(`n8n ${again.install.n8nVersion}: reused start ${again.startupMs} ms`);
			await setupOwner(again); // the owner exists: logs in
			expect((await credentialTypes(again)).map((c) => c.name)).toContain('lofirmoApi');
			expect(await storedCredentials(again)).toContainEqual(
				expect.objectContaining({ id: `harnessCredV${version}`, type: 'lofirmoApi' }),
			);
			expect((await nodeTypes(again)).map((t) => t.name)).toContain(`${PACKAGE_NAME}.lofirmo`);
			await createApiKey(again);
			expect(
				(await axios.post(url(again), { n: 2 }, { validateStatus: () => true, proxy: false }))
					.status,
			).toBe(200);
			expect(await waitForExecutions(again, hook, 2, 30_000)).toHaveLength(2);
		});
	});
}
