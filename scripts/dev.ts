/**
 * `npm run dev`: the whole thing on this machine, ready to click through.
 *
 * The sandbox (a local Lofirmo) on 127.0.0.1:4010, the pinned real n8n on 127.0.0.1:5678 with this package loaded
 * as a user installs it, the owner account, Lofirmo credentials pointing at the sandbox, and the sample workflows
 * imported and active, with the sandbox sending its status reports to the Lofirmo Trigger. Ctrl-C stops both.
 * Data lives in .n8n-cache/runs/dev and is reused by the next run (n8n itself was installed by the npm script).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { createSandbox } from '../sandbox/server';
import {
	CACHE_DIR,
	DEFAULT_OWNER,
	setupOwner,
	startN8n,
	stopAll,
	type N8nHandle,
} from './n8n-harness';
import { sampleN8nEnv, setupSamples } from './samples';

const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 4010);

async function main(): Promise<void> {
	const signedDir = path.join(CACHE_DIR, 'runs', 'dev-signed');
	fs.mkdirSync(signedDir, { recursive: true });

	const sandbox = createSandbox({ quiet: false });
	const { url: sandboxUrl } = await sandbox.start(SANDBOX_PORT);
	let n8n: N8nHandle | undefined;

	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the sandbox…');
		await stopAll(n8n);
		await sandbox.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	try {
		console.log(`Starting n8n on port ${N8N_PORT} (first start ~15 s)…`);
		n8n = await startN8n({
			version: 2,
			port: N8N_PORT,
			dataDir: 'dev',
			env: sampleN8nEnv(signedDir),
		});
		await setupOwner(n8n);
		// 'keep': a second run leaves workflows the user edited in the editor as they are
		const samples = await setupSamples(n8n, { sandboxUrl, signedDir, workflows: 'keep' });
		// what the account owner does once in the Lofirmo panel: report URL, format, Basic auth
		sandbox.setWebhook({
			url: samples.reportsWebhookUrl,
			format: 'json',
			auth: samples.webhookAuth,
		});

		console.log(`
n8n with n8n-nodes-lofirmo is ready.

  Editor      ${n8n.baseUrl}   (log in as ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password})
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
  Executions show up in the editor under each workflow's Executions tab.

Ctrl-C stops n8n and the sandbox.`);
	} catch (error) {
		console.error(
			`\nnpm run dev failed: ${error instanceof Error ? error.message : String(error)}`,
		);
		if (n8n) console.error(`n8n log: ${path.join(n8n.dataDir, 'n8n.log')}`);
		await stop(1);
	}
}

void main();
