/** Reading what n8n ran: executions once they have settled, the items a node put out, failures in a line each. */
import { listExecutions, type N8nHandle, type PublicExecution } from '../../../scripts/n8n-harness';

export type Item = {
	json: Record<string, unknown>;
	binary?: Record<string, { id?: string; fileName?: string; mimeType?: string }>;
};

/** An execution that has not ended yet (a `waiting` one, e.g. a Wait node, counts as ended here). */
export const unfinished = (execution: Pick<PublicExecution, 'status'>) =>
	execution.status === 'new' || execution.status === 'running';

/**
 * Waits until the workflow has at least `count` executions, none running; returns them all with their data. Polls
 * without data (1,000 executions with data is a heavy listing). No quiet period after: every report was answered
 * before this is called, and for a webhook answered on receipt n8n records the execution before it answers
 * (`WorkflowRunner.run` is awaited first, cli webhooks/webhook-helpers; in queue mode that includes enqueueing the
 * job), so any extra execution is already listed.
 */
export async function settledExecutions(
	n8n: N8nHandle,
	workflowId: string,
	count: number,
	timeoutMs: number,
): Promise<PublicExecution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const listed = await listExecutions(n8n, workflowId, { includeData: false });
		const running = listed.filter(unfinished).length;
		if (listed.length >= count && running === 0) break;
		if (Date.now() > deadline) {
			throw new Error(
				`timed out after ${timeoutMs} ms: ${listed.length} of ${count} executions, ${running} still running`,
			);
		}
		await new Promise((r) => setTimeout(r, 2_000));
	}
	return listExecutions(n8n, workflowId, { includeData: true });
}

/** The items a node put out on its first output, over all its runs. */
export function nodeItems(execution: PublicExecution, nodeName: string): Item[] {
	const runs = execution.data?.resultData?.runData?.[nodeName] as
		Array<{ data?: { main?: Array<Item[] | null> } }> | undefined;
	return (runs ?? []).flatMap((run) => run.data?.main?.[0] ?? []);
}

/** `<id> <status>: <error message>` for each execution given. */
export const describeFailures = (failed: PublicExecution[]) =>
	failed.map(
		(e) =>
			`${e.id} ${e.status}: ${String((e.data?.resultData?.error as { message?: string } | undefined)?.message ?? '').slice(0, 200)}`,
	);
