/**
 * What became of each report delivered to a queue-mode n8n: executed once, executed twice (its job started by two
 * workers), or lost (answered 2xx, yet no execution of it succeeded), with the final status of every execution and
 * which process enqueued and which worker started it (n8n's own log lines, scripts/n8n/queue.ts executionTrail).
 */
import type { ExecutionTrail, PublicExecution } from '../../../scripts/n8n-harness';
import { checkExecution } from './content';
import { answered2xx, answerOf, type Sent } from './delivery';
import { carriedReport } from './in-flight';
import { unfinished } from './executions';
import { countBy, tally } from './tally';

export interface Outcomes {
	/** the figures: every count below adds up to the deliveries made */
	figures: {
		sent: number;
		answers: Record<string, number>;
		/** deliveries answered 2xx: the sender took them as delivered */
		answered: number;
		/** 503 answers n8n gave before it took a report (each report refused was offered again) */
		refusals: number;
		executions: number;
		/** final status of every execution (`new` / `running` if any never ended) */
		statuses: Record<string, number>;
		/** answered reports whose execution succeeded, its job started by one worker */
		executedOnce: number;
		/** answered reports whose execution's job was started by two workers or more (a re-run) */
		executedTwice: number;
		/** answered reports with no execution that succeeded */
		lost: number;
		/** … of which the execution that failed is known (read while it was unfinished) */
		lostIdentified: number;
		/** executions whose report is known neither from their data nor from the watcher */
		unidentified: number;
		/** who enqueued the executions and who started them, by role (`webhook`, `worker-0`, …) */
		enqueuedBy: Record<string, number>;
		startedBy: Record<string, number>;
		/** executions no worker logged starting (dequeued by a worker that died before it logged) */
		neverStarted: number;
		/** the error message of each failed execution, tallied (first 100 characters) */
		errors: Record<string, number>;
	};
	/** what an execution that succeeded got wrong about its report (content, items) */
	problems: string[];
	/** reports with more than one execution record (`key×n`) */
	duplicatedRecords: string[];
	/** answered reports none of whose executions succeeded */
	lostKeys: string[];
	/** executions that have not ended */
	unfinished: string[];
}

const errorMessage = (execution: PublicExecution) =>
	String(
		(execution.data?.resultData?.error as { message?: string } | undefined)?.message ?? '(none)',
	).slice(0, 100);

/**
 * Sorts every delivery into its outcome. `carried`: execution id → report for executions read while unfinished
 * (in-flight.ts), for those whose data n8n replaced when it failed them.
 */
export function reportOutcomes(opts: {
	sent: Sent[];
	executions: PublicExecution[];
	trail: ExecutionTrail;
	carried: Map<string, string>;
}): Outcomes {
	const { sent, executions, trail } = opts;
	const byKey = new Map(sent.map((s) => [s.key, s]));
	const answered = sent.filter(answered2xx);
	const problems: string[] = [];
	const byReport = new Map<string, PublicExecution[]>();
	let unidentified = 0;
	for (const execution of executions) {
		const key = carriedReport(execution) ?? opts.carried.get(execution.id);
		if (key === undefined) unidentified++;
		else byReport.set(key, [...(byReport.get(key) ?? []), execution]);
		if (execution.status === 'success') problems.push(...checkExecution(execution, byKey).problems);
	}
	const starts = (execution: PublicExecution) => trail.startedBy.get(execution.id) ?? [];
	const outcomeOf = (key: string) => {
		const ran = byReport.get(key) ?? [];
		if (ran.some((e) => starts(e).length > 1)) return 'twice';
		if (ran.some((e) => e.status === 'success')) return 'once';
		return 'lost';
	};
	const outcomes = countBy(answered, (s) => outcomeOf(s.key));
	const lostKeys = answered.filter((s) => outcomeOf(s.key) === 'lost').map((s) => s.key);
	const failed = executions.filter((e) => e.status !== 'success');
	return {
		figures: {
			sent: sent.length,
			answers: tally(sent, answerOf),
			answered: answered.length,
			refusals: sent.reduce((n, s) => n + s.refusals, 0),
			executions: executions.length,
			statuses: tally(executions, (e) => e.status),
			executedOnce: outcomes.get('once') ?? 0,
			executedTwice: outcomes.get('twice') ?? 0,
			lost: outcomes.get('lost') ?? 0,
			lostIdentified: lostKeys.filter((k) => byReport.has(k)).length,
			unidentified,
			enqueuedBy: tally(executions, (e) => trail.enqueuedBy.get(e.id) ?? '(none)'),
			startedBy: tally(
				executions.flatMap((e) => starts(e)),
				(role) => role,
			),
			neverStarted: executions.filter((e) => starts(e).length === 0).length,
			errors: tally(failed, errorMessage),
		},
		problems,
		duplicatedRecords: [...byReport]
			.filter(([, ran]) => ran.length > 1)
			.map(([key, ran]) => `${key}×${ran.length}`),
		lostKeys,
		unfinished: executions.filter(unfinished).map((e) => `${e.id} ${e.status}`),
	};
}
