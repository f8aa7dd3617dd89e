/**
 * `npm run dev`: the whole thing on this machine, ready to click through.
 *
 * The sandbox (a local Lofirmo) on 127.0.0.1:4010, the pinned real n8n on 127.0.0.1:5678 with this package loaded
 * as a user installs it, the owner account, Lofirmo credentials pointing at the sandbox, and the sample workflows
 * imported and active (sample 4 is an MCP server whose URL is printed), with the sandbox sending its status reports
 * to the Lofirmo Trigger. Ctrl-C stops both.
 * Data lives in .n8n-cache/runs/dev and is reused by the next run (n8n itself was installed by the npm script).
 *
 * `npm run dev -- --queue [--workers=1|2]`: the same samples on n8n in queue mode, as teams run it at scale:
 * PostgreSQL and Redis (Debian's, installed when missing), main (editor) on N8N_PORT, a webhook processor on
 * N8N_PORT + 2 where the CRM and Lofirmo post, and workers (default 2). Started fresh each time, in
 * .n8n-cache/runs/dev-queue (scripts/n8n/queue.ts has the port layout).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { createSandbox } from '../sandbox/server';
import {
	CACHE_DIR,
	DEFAULT_OWNER,
	REPO_ROOT,
	setupOwner,
	startN8n,
	startQueueStack,
	type N8nHandle,
	type QueueStack,
} from './n8n-harness';
import { sampleN8nEnv, setupSamples } from './samples';

const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 4010);
const QUEUE = process.argv.includes('--queue');
const WORKERS = Number(
	process.argv.find((a) => a.startsWith('--workers='))?.slice('--workers='.length) ?? 2,
);

/** What runs: one n8n, or the queue-mode stack; `n8n` is where the editor and REST API are. */
interface Running {
	n8n: N8nHandle;
	webhookBaseUrl?: string;
	listening: string;
	logs: string;
	stop(): Promise<void>;
}

async function startOne(signedDir: string): Promise<Running> {
	console.log(`Starting n8n on port ${N8N_PORT} (first start ~15 s)…`);
	const n8n = await startN8n({
		version: 2,
		port: N8N_PORT,
		dataDir: 'dev',
		env: sampleN8nEnv(signedDir),
	});
	return {
		n8n,
		listening: `  Editor      ${n8n.baseUrl}`,
		logs: path.join(n8n.dataDir, 'n8n.log'),
		stop: () => n8n.stop(),
	};
}

async function startQueue(signedDir: string): Promise<Running> {
	// PostgreSQL and Redis from Debian's packages when missing (the npm script installed n8n itself)
	execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'install-n8n.sh'), '--with-queue'], {
		stdio: 'inherit',
	});
	console.log(
		`Starting n8n in queue mode: PostgreSQL, Redis, main, a webhook processor, ${WORKERS} worker(s) (~30 s)…`,
	);
	const stack: QueueStack = await startQueueStack({
		name: 'dev-queue',
		basePort: N8N_PORT,
		workers: WORKERS,
		env: sampleN8nEnv(signedDir),
	});
	const line = (what: string, where: string, does: string) =>
		`  ${what.padEnd(11)} ${where.padEnd(24)} ${does}`;
	const listening = [
		line(
			'Editor',
			stack.main.baseUrl,
			'main: editor, REST API, activation (no production webhooks)',
		),
		line('Webhooks', stack.webhookBaseUrl, 'webhook processor: the CRM and Lofirmo post here'),
		...stack.workers.map((worker, i) =>
			line(`worker-${i}`, `pid ${worker.pid}`, 'runs the executions it takes from the queue'),
		),
		line('PostgreSQL', `127.0.0.1:${stack.postgres.port}`, 'all state, binary data included'),
		line('Redis', `127.0.0.1:${stack.redis.port}`, 'the queue of executions'),
	].join('\n');
	return {
		n8n: stack.main,
		webhookBaseUrl: stack.webhookBaseUrl,
		listening,
		logs: `${path.dirname(stack.main.dataDir)}/<main|webhook|worker-N>/n8n.log`,
		stop: () => stack.stop(),
	};
}

async function main(): Promise<void> {
	const signedDir = path.join(CACHE_DIR, 'runs', 'dev-signed');
	fs.mkdirSync(signedDir, { recursive: true });

	const sandbox = createSandbox({ quiet: false });
	const { url: sandboxUrl } = await sandbox.start(SANDBOX_PORT);
	let running: Running | undefined;

	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log(`\nStopping ${QUEUE ? 'the queue-mode stack' : 'n8n'} and the sandbox…`);
		await running?.stop();
		await sandbox.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	try {
		running = QUEUE ? await startQueue(signedDir) : await startOne(signedDir);
		const { n8n } = running;
		await setupOwner(n8n);
		// 'keep': a second run leaves workflows the user edited in the editor as they are
		const samples = await setupSamples(n8n, {
			sandboxUrl,
			signedDir,
			workflows: 'keep',
			webhookBaseUrl: running.webhookBaseUrl,
		});
		// what the account owner does once in the Lofirmo panel: report URL, format, Basic auth
		sandbox.setWebhook({
			url: samples.reportsWebhookUrl,
			format: 'json',
			auth: samples.webhookAuth,
		});

		console.log(`
n8n with n8n-nodes-lofirmo is ready${QUEUE ? ' in queue mode' : ''}.

${running.listening}
              log in as ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}
  Logs        ${running.logs}
  Sandbox     ${sandboxUrl}   (a local Lofirmo: account sandbox-user / sandbox-token)
  Signed PDFs ${signedDir}

Try it:
  1. A deal closes in the CRM: the "CRM deal won → send contract" workflow sends a contract.
       curl -s -X POST ${samples.crmWebhookUrl} -H 'content-type: application/json' \\
         -d '{"dealId":"D-1001","contact":{"name":"Ana García","email":"ana@example.com","phone":"34600000001","taxId":"00000000T"}}'
  2. The signer signs and Lofirmo certifies it (the sandbox plays Lofirmo; use the contractId step 1 answered):
       curl -s -X POST ${sandboxUrl}/_sandbox/contracts/<contractId>/certify
     The report reaches the Lofirmo Trigger, and the certified PDF lands in the folder above.
  3. Identity check first: a video ID check, then the contract to the verified person.
       curl -s -X POST ${samples.newCustomerWebhookUrl} -H 'content-type: application/json' \\
         -d '{"name":"Luis Pérez","mobile":"34600000002"}'
       curl -s -X POST ${sandboxUrl}/_sandbox/identity/<verificationId>/complete
  4. An AI assistant uses Lofirmo through MCP: the "MCP server of Lofirmo tools" workflow serves Send_contract,
     Get_contract_status, Download_contract_PDF, Send_identity_check and Get_credits.
       MCP URL  ${samples.mcpServerUrl}   (streamable HTTP)
       Header   Authorization: Bearer ${samples.mcpToken}
     Client configuration: README, "Use with AI agents". The two Send tools spend credits and message people.
  5. One workflow from CRM event to signed PDF: "CRM deal won → send and wait for signature" sends the contract
     and waits (see it under the workflow's Executions as Waiting) until the report of step 2 wakes it up.
       curl -s -X POST ${samples.crmWaitWebhookUrl} -H 'content-type: application/json' \\
         -d '{"dealId":"D-1002","contact":{"name":"Ana García","email":"ana@example.com","phone":"34600000001","taxId":"00000000T"}}'
       curl -s -X POST ${sandboxUrl}/_sandbox/contracts/<contractId>/certify   (the contractId: in the execution)
     The same execution carries on with the certified PDF: deal-D-1002-signed.pdf in the folder above.
  Executions show up in the editor under each workflow's Executions tab.

Ctrl-C stops ${QUEUE ? 'every process' : 'n8n and the sandbox'}.`);
	} catch (error) {
		console.error(
			`\nnpm run dev failed: ${error instanceof Error ? error.message : String(error)}`,
		);
		if (running) console.error(`n8n log: ${running.logs}`);
		await stop(1);
	}
}

void main();
