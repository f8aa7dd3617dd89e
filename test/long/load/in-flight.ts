/**
 * Which report each execution carries, also for executions n8n later fails without their data.
 *
 * In queue mode, when a worker dies with a job, n8n fails the job once its lock expires and the enqueuing process
 * records the execution as failed with the error alone (`WorkflowRunner.processError` writes `runData: {}`), so
 * afterwards nothing in the execution says which report it carried. Until then it does: a webhook's execution is
 * stored with the trigger's items waiting in its node execution stack, and a worker adds the trigger's run. So a
 * watcher reads every unfinished execution once, while it is unfinished.
 */
import {
	getExecution,
	listExecutions,
	type N8nHandle,
	type PublicExecution,
} from '../../../scripts/n8n-harness';
import { nodeItems, unfinished, type Item } from './executions';
import { TRIGGER } from './n8n-setup';
import { keyOf, type ReportPayload } from './reports';

const POLL_MS = 1_000;

type StackEntry = { node?: { name?: string }; data?: { main?: Array<Item[] | null> } };

/** The report an execution carries: the trigger's run if it has one, else the trigger's items still waiting. */
export function carriedReport(execution: PublicExecution): string | undefined {
	const [ran] = nodeItems(execution, TRIGGER);
	const stack = (execution.data?.executionData as { nodeExecutionStack?: StackEntry[] } | undefined)
		?.nodeExecutionStack;
	const waiting = stack?.find((entry) => entry.node?.name === TRIGGER)?.data?.main?.[0]?.[0];
	const raw = (ran ?? waiting)?.json.raw;
	return raw && typeof raw === 'object' ? keyOf(raw as ReportPayload) : undefined;
}

export interface InFlightWatch {
	/** stops watching; returns execution id → the report it carried, for every unfinished execution it read */
	stop(): Promise<{ carried: Map<string, string>; unreadable: string[]; pollErrors: number }>;
}

/** Reads each unfinished execution of `workflowId` once, every second, until stopped. */
export function watchInFlight(n8n: N8nHandle, workflowId: string): InFlightWatch {
	const carried = new Map<string, string>();
	const unreadable = new Set<string>();
	let pollErrors = 0;
	let stopping = false;
	const poll = async () => {
		const listed = await listExecutions(n8n, workflowId, { includeData: false });
		for (const { id } of listed.filter(unfinished)) {
			if (carried.has(id)) continue;
			const key = carriedReport(await getExecution(n8n, id, true));
			if (key === undefined) unreadable.add(id);
			else {
				carried.set(id, key);
				unreadable.delete(id);
			}
		}
	};
	const loop = (async () => {
		while (!stopping) {
			// a poll that fails (n8n busy past the client's timeout) is counted; the next one tries again
			await poll().catch(() => pollErrors++);
			await new Promise((r) => setTimeout(r, POLL_MS));
		}
	})();
	return {
		async stop() {
			stopping = true;
			await loop;
			return { carried, unreadable: [...unreadable], pollErrors };
		},
	};
}
