/**
 * n8n in queue mode for the bench (scripts/n8n/queue.ts): PostgreSQL, Redis, a main process (REST API, no
 * production webhooks), one webhook processor and 1-2 workers, provisioned like the regular-mode n8n (same owner,
 * credentials and workflows), with its production webhooks answering on the webhook processor. The scenarios
 * drive it through the same BenchN8n shape: `urls` point at the webhook processor, the API at main (which reads
 * every execution from PostgreSQL, whichever worker ran it).
 */
import { startQueueStack, type QueueStack } from '../../scripts/n8n-harness';
import type { CpuTarget } from './cpu';
import { provisionBenchN8n, type BenchN8n } from './n8n';
import type { BenchWorkflow } from '../workflows';

export interface BenchQueue {
	n8n: BenchN8n;
	stack: QueueStack;
	workers: number;
	/** every process of the stack, by role (`main`, `webhook`, `worker-<i>`, `postgres`, `redis`) */
	cpuTargets(): CpuTarget[];
	/** stops the whole stack */
	stop(): Promise<void>;
}

export async function startBenchQueue(opts: {
	name: string;
	basePort: number;
	workers: 1 | 2;
	sandboxUrl: string;
	workflows: BenchWorkflow[];
}): Promise<BenchQueue> {
	const stack = await startQueueStack({
		name: opts.name,
		basePort: opts.basePort,
		workers: opts.workers,
	});
	let stopped: Promise<void> | undefined;
	const stop = () => (stopped ??= stack.stop());
	try {
		const n8n = await provisionBenchN8n(stack.main, {
			sandboxUrl: opts.sandboxUrl,
			workflows: opts.workflows,
			webhookBaseUrl: stack.webhookBaseUrl,
			stop,
		});
		return {
			n8n,
			stack,
			workers: opts.workers,
			cpuTargets: () => [
				// each with its descendants: an n8n's task runners, PostgreSQL's backends
				...stack.processes().map(({ role, handle }) => ({
					role,
					pid: handle.pid,
					scope: 'tree' as const,
				})),
				{ role: 'postgres', pid: stack.postgres.pid, scope: 'tree' },
				{ role: 'redis', pid: stack.redis.pid, scope: 'tree' },
			],
			stop: () => n8n.stop(),
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
