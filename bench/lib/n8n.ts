/**
 * A real n8n for the bench, through scripts/n8n-harness.ts: fresh data folder, owner, API key, credentials
 * pointing at the bench sandbox, the bench workflows imported and active. Plus what the scenarios read back:
 * executions (public API, `includeData=false` while polling) and the main process's memory (/proc).
 */
import * as fs from 'node:fs';

import {
	activateWorkflow,
	createApiKey,
	getExecution,
	importCredentials,
	importWorkflows,
	setupOwner,
	startN8n,
	type N8nHandle,
	type PublicExecution,
} from '../../scripts/n8n-harness';
import { KeepAliveClient, sleep } from './http';
import { SANDBOX_TOKEN, SANDBOX_USER } from './sandbox';
import { CREDENTIALS, type BenchWorkflow } from '../workflows';

export interface BenchN8n {
	handle: N8nHandle;
	/** workflow id → production webhook URL */
	urls: Map<string, string>;
	/** the public API, over its own keep-alive connection */
	api: KeepAliveClient;
	stop(): Promise<void>;
}

export async function startBenchN8n(opts: {
	name: string;
	port: number;
	sandboxUrl: string;
	/** the sandbox over HTTPS, for the credential of the action rows over HTTPS */
	sandboxTlsUrl?: string;
	workflows: BenchWorkflow[];
	env?: Record<string, string>;
}): Promise<BenchN8n> {
	const handle = await startN8n({
		version: 2,
		port: opts.port,
		dataDir: `bench-${opts.name}`,
		fresh: true,
		env: opts.env,
		startTimeoutMs: 180_000,
	});
	try {
		return await provisionBenchN8n(handle, { ...opts, stop: () => handle.stop() });
	} catch (error) {
		await handle.stop();
		throw error;
	}
}

/**
 * Owner, API key, the bench's credentials (pointing at the sandbox) and workflows in a running n8n, activated and
 * answering at `webhookBaseUrl` (default the handle itself; in queue mode the webhook processor). `stop` is what
 * the returned BenchN8n's stop() stops besides its API connection.
 */
export async function provisionBenchN8n(
	handle: N8nHandle,
	opts: {
		sandboxUrl: string;
		sandboxTlsUrl?: string;
		workflows: BenchWorkflow[];
		webhookBaseUrl?: string;
		stop: () => Promise<void>;
	},
): Promise<BenchN8n> {
	const api = new KeepAliveClient(4);
	try {
		await setupOwner(handle);
		await createApiKey(handle);
		const lofirmo = (baseUrl: string) => ({
			type: 'lofirmoApi',
			data: { apiUser: SANDBOX_USER, apiToken: SANDBOX_TOKEN, baseUrl, pathOverrides: '{}' },
		});
		await importCredentials(handle, [
			{ ...CREDENTIALS.lofirmo, ...lofirmo(opts.sandboxUrl) },
			...(opts.sandboxTlsUrl
				? [{ ...CREDENTIALS.lofirmoTls, ...lofirmo(opts.sandboxTlsUrl) }]
				: []),
			{
				...CREDENTIALS.basicAuth,
				type: 'httpBasicAuth',
				data: { user: SANDBOX_USER, password: SANDBOX_TOKEN },
			},
			{
				...CREDENTIALS.triggerAuth,
				type: 'lofirmoWebhookApi',
				data: { user: SANDBOX_USER, password: SANDBOX_TOKEN },
			},
		]);
		await importWorkflows(
			handle,
			opts.workflows.map((w) => w.json),
		);
		const urls = new Map<string, string>();
		for (const workflow of opts.workflows) {
			const url = `${opts.webhookBaseUrl ?? handle.baseUrl}/webhook/${workflow.webhookPath}`;
			await activateWorkflow(handle, workflow.id, url);
			urls.set(workflow.id, url);
		}
		return {
			handle,
			urls,
			api,
			async stop() {
				api.close();
				await opts.stop();
			},
		};
	} catch (error) {
		api.close();
		throw error;
	}
}

export interface ExecutionSummary {
	id: string;
	status: string;
	startedAt: string;
	stoppedAt: string | null;
}

/**
 * Executions of a workflow with an id above `afterId`, newest first. The API leaves out only the executions the
 * answering process is running itself: in regular mode that hides running ones (not always those just created), in
 * queue mode main lists queued and running executions too (workers run them). See `isFinished`.
 */
export async function executionsAfter(
	n8n: BenchN8n,
	workflowId: string,
	afterId: number,
): Promise<ExecutionSummary[]> {
	const out: ExecutionSummary[] = [];
	let cursor: string | undefined;
	for (let page = 0; page < 1000; page++) {
		const query = new URLSearchParams({ workflowId, includeData: 'false', limit: '250' });
		if (cursor) query.set('cursor', cursor);
		const body = await n8n.api.json<{ data: ExecutionSummary[]; nextCursor?: string | null }>(
			`${n8n.handle.baseUrl}/api/v1/executions?${query}`,
			{ headers: { 'X-N8N-API-KEY': n8n.handle.apiKey ?? '' } },
		);
		for (const execution of body.data) {
			if (Number(execution.id) <= afterId) return out;
			out.push(execution);
		}
		if (!body.nextCursor || body.data.length === 0) return out;
		cursor = body.nextCursor;
	}
	return out;
}

/** The id of the newest execution of a workflow, 0 when none. */
export async function lastExecutionId(n8n: BenchN8n, workflowId: string): Promise<number> {
	const query = new URLSearchParams({ workflowId, includeData: 'false', limit: '1' });
	const body = await n8n.api.json<{ data: ExecutionSummary[] }>(
		`${n8n.handle.baseUrl}/api/v1/executions?${query}`,
		{
			headers: { 'X-N8N-API-KEY': n8n.handle.apiKey ?? '' },
		},
	);
	return body.data.length ? Number(body.data[0].id) : 0;
}

/** Ended (success, error, crashed, …): n8n has set its stoppedAt. */
export function isFinished(execution: ExecutionSummary): boolean {
	return (
		execution.stoppedAt !== null && execution.status !== 'new' && execution.status !== 'running'
	);
}

/**
 * Waits until `count` executions after `afterId` have finished (`isFinished`), or until none has finished for
 * `idleMs` (then returns what there is: the rest were lost or never ran), or `timeoutMs` passed. Returns the
 * finished ones only.
 */
export async function waitForNewExecutions(
	n8n: BenchN8n,
	workflowId: string,
	afterId: number,
	count: number,
	opts: { timeoutMs?: number; idleMs?: number; intervalMs?: number } = {},
): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
	const idleMs = opts.idleMs ?? 10_000;
	let seen = -1;
	let lastChange = Date.now();
	for (;;) {
		const found = (await executionsAfter(n8n, workflowId, afterId)).filter(isFinished);
		if (found.length >= count) return found;
		if (found.length !== seen) {
			seen = found.length;
			lastChange = Date.now();
		}
		if (Date.now() - lastChange > idleMs || Date.now() > deadline) return found;
		await sleep(opts.intervalMs ?? 100);
	}
}

export async function executionWithData(n8n: BenchN8n, id: string): Promise<PublicExecution> {
	return getExecution(n8n.handle, id, true);
}

type RunEntry = {
	executionTime?: number;
	data?: {
		main?: Array<Array<{
			json: Record<string, unknown>;
			binary?: Record<string, Record<string, unknown>>;
		}> | null>;
	};
	error?: { message?: string };
};

/** The first run of a node in an execution: its own time, its output items, its error. */
export function nodeRun(execution: PublicExecution, node: string) {
	const run = execution.data?.resultData?.runData?.[node]?.[0] as RunEntry | undefined;
	return {
		ran: run !== undefined,
		executionTime: typeof run?.executionTime === 'number' ? run.executionTime : null,
		items: run?.data?.main?.[0] ?? [],
		error: run?.error?.message ?? null,
	};
}

/** Wall time of an execution, from n8n's own start and stop times. */
export function executionWallMs(execution: {
	startedAt: string;
	stoppedAt: string | null;
}): number | null {
	if (!execution.stoppedAt) return null;
	return Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt);
}

// ---------------------------------------------------------------------------------------------------------
// Memory of n8n's main process (/proc)
// ---------------------------------------------------------------------------------------------------------

/** VmRSS and VmHWM of a process, in bytes. */
export function procMemory(pid: number): { rss: number; hwm: number } {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (field: string) => {
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
		if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
		return Number(match[1]) * 1024;
	};
	return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * Resets the process's peak-RSS mark (VmHWM) to its current RSS by writing "5" to /proc/<pid>/clear_refs
 * (Linux ≥ 4.0, needs permission over the process). Returns false when that is not possible here.
 */
export function resetPeakRss(pid: number): boolean {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
	} catch {
		return false;
	}
	const { rss, hwm } = procMemory(pid);
	// after the reset the mark is the current RSS (allow for pages touched in between)
	return hwm <= rss + 4 * 1024 * 1024;
}

/** Samples VmRSS every `everyMs` until stopped (the fallback when the peak mark cannot be reset). */
export function sampleRss(pid: number, everyMs = 5): { stop(): number } {
	let peak = procMemory(pid).rss;
	const timer = setInterval(() => {
		try {
			peak = Math.max(peak, procMemory(pid).rss);
		} catch {
			/* process gone */
		}
	}, everyMs);
	return {
		stop() {
			clearInterval(timer);
			return peak;
		},
	};
}
