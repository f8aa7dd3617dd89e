/**
 * Queue mode under load and faults (long): n8n 2.x as a team runs it across machines (scripts/n8n/queue.ts):
 * PostgreSQL, Redis, a main process (editor, REST; production webhooks off), a webhook processor (`n8n webhook`,
 * where the Lofirmo Trigger's `webhook()` runs and its PDFs are downloaded) and two workers (`n8n worker`, the rest
 * of every execution), each with its own copy of our packed package; binary data in the database. Everything on
 * n8n's defaults, as users get them.
 *
 * The sender offers a report n8n refused with 503 again: under load n8n's database monitor can find its pool of two
 * connections (DB_POSTGRESDB_POOL_SIZE) busy past its ping timeout, and then n8n answers every request 503
 * "Database is not ready!" before running anything, for a moment. The figures count those refusals.
 *
 * 1. The load of the single-process suite (load/run.ts): 1,000 reports at concurrency 50, both services, JSON /
 *    form / multipart, 100 certified with their PDFs downloaded by the trigger, posted to the webhook processor.
 *    Asserted as there (none lost, none twice, each execution carries exactly its report, every stored PDF byte for
 *    byte the one the sandbox served, one download each), and from n8n's own log lines: the webhook processor
 *    enqueued every execution and exactly one worker started each. The split between the workers is recorded, not
 *    asserted. The PDFs are read from n8n's `binary_data` table: n8n 2.40.7 stores binary data made in a webhook
 *    under the execution id `temp` and in database mode never moves it to the execution (restoreBinaryDataId only
 *    renames file paths), so main's /rest/binary-data refuses every one (404); the figures count how many it gives.
 * 2. A worker SIGKILLed in the middle of a load (when a count of reports has been answered), started again later
 *    in the load. n8n fails, and does not re-run, the jobs the dead worker held (the test says why); asserted is
 *    only what holds whatever the timing: every delivery answered, one execution record per report, none left
 *    running, what succeeded carries its report, no job started twice, and the counts add up. Recorded: how many
 *    ran once, twice, were lost, the final statuses, how long n8n took to fail the dead worker's jobs.
 * 3. The webhook processor restarted (SIGTERM, as a deploy does) between two bursts, while the first burst's jobs
 *    may still be queued or running: every report of both bursts runs once, enqueued by the process it reached.
 *
 * Figures: test-output/reliability/queue-load.json, queue-faults.json (both fault tests, written only when both
 * ran). Ports 5960-5969 only (the stack's layout).
 *
 *   N8N_CACHE_DIR=… npx jest -c test/long/jest.config.js test/long/queue-load.long.test.ts
 */
import {
	executionTrail,
	listExecutions,
	startQueueStack,
	type N8nHandle,
	type PublicExecution,
	type QueueStack,
} from '../../scripts/n8n-harness';
import { recordFigures } from '../helpers/figures';
import { startSandbox, type Sandbox } from '../helpers/sandbox';
import { answered2xx, sendAll, type Sent } from './load/delivery';
import { settledExecutions, unfinished } from './load/executions';
import { carriedReport, watchInFlight } from './load/in-flight';
import {
	DONE,
	hookUrl,
	loadWorkflow,
	noOp,
	prepareInstance,
	triggerWorkflow,
} from './load/n8n-setup';
import { reportOutcomes, type Outcomes } from './load/outcomes';
import { attachedPdfs, databaseOwners, hashInDatabase, readableThroughN8n } from './load/pdfs';
import {
	certifiedReports,
	outgoingInTurn,
	syntheticReports,
	type ReportPayload,
	type Templates,
} from './load/reports';
import { expectCleanLoad, LOAD, runLoad } from './load/run';
import { countBy } from './load/tally';

const STACK = { name: 'queue-load', basePort: 5960, workers: 2 };
/** which worker dies, after how many answered reports, and after how many it is started again */
const KILL = { reports: 400, worker: 1, killAfter: 130, restartAfter: 260 };
const RESTART = { burst: 150 };
/** a bound for waiting, never a timing assertion: n8n fails a dead worker's jobs 60-90 s after the death */
const SETTLE_MS = 300_000;
/**
 * The n8n settings that decide what becomes of a dead worker's jobs; none is set here (the figures record any the
 * environment sets, since then the run is not on n8n's defaults).
 */
const QUEUE_SETTINGS = [
	'QUEUE_WORKER_LOCK_DURATION',
	'QUEUE_WORKER_LOCK_RENEW_TIME',
	'QUEUE_WORKER_STALLED_INTERVAL',
	'QUEUE_WORKER_TIMEOUT',
	'N8N_CONCURRENCY_PRODUCTION_LIMIT',
	'N8N_GRACEFUL_SHUTDOWN_TIMEOUT',
];

const LOAD_WORKFLOW = loadWorkflow({
	id: 'lofirmoQueueLoad',
	webhookId: '6f1a0c55-0d7e-4c1a-9a51-000000005960',
	name: 'queue: webhook load',
});
/**
 * The fault workflows: the trigger, then a second of work on the worker (a Wait under 65 s sleeps in the
 * execution, holding its job) so that a worker killed under load is holding jobs, then the NoOp.
 */
const WORK = { name: 'Work (1 s)', type: 'n8n-nodes-base.wait', typeVersion: 1.1 };
const faultWorkflow = (spec: { id: string; webhookId: string; name: string }) =>
	triggerWorkflow(spec, false, [
		{ ...WORK, parameters: { resume: 'timeInterval', amount: 1, unit: 'seconds' } },
		noOp(DONE),
	]);
const KILL_WORKFLOW = faultWorkflow({
	id: 'lofirmoQueueKill',
	webhookId: '6f1a0c55-0d7e-4c1a-9a51-000000005961',
	name: 'queue: a worker killed under load',
});
const RESTART_WORKFLOW = faultWorkflow({
	id: 'lofirmoQueueRestart',
	webhookId: '6f1a0c55-0d7e-4c1a-9a51-000000005962',
	name: 'queue: webhook processor restarted',
});

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** What must hold after any fault, whatever its timing. */
function expectAccounted(outcome: Outcomes, executions: PublicExecution[], sent: Sent[]): void {
	const { figures } = outcome;
	// every delivery was answered 2xx in the end: the webhook processor was up whenever one was sent (a report it
	// refused with 503 was offered again; the figures count those)
	expect(figures.answers).toEqual({ 200: sent.length });
	// nothing silently vanishes: one execution record per answered report, each ended (none left running)
	expect(outcome.unfinished).toEqual([]);
	expect(executions).toHaveLength(figures.answered);
	expect(outcome.duplicatedRecords).toEqual([]);
	// what succeeded carries exactly its report
	expect(outcome.problems.slice(0, 20)).toEqual([]);
	// the counts add up: each lost report is one execution that did not succeed, and the other way round; those
	// whose report is unknown are exactly the lost ones not identified
	expect(figures.lost).toBe(executions.filter((e) => e.status !== 'success').length);
	expect(figures.lost - figures.lostIdentified).toBe(figures.unidentified);
	// n8n runs a job at most once: it sets Bull's maxStalledCount to 0 (scaling.service.js setupQueue), so a
	// stalled job is failed, never handed to a second worker
	expect(figures.executedTwice).toBe(0);
}

describe('n8n 2.x in queue mode (main, webhook processor, 2 workers; Lofirmo Trigger, Basic auth)', () => {
	let stack: QueueStack | undefined;
	let sb: Sandbox | undefined;
	let certified: ReportPayload[] = [];
	let templates: Templates;
	const stop = new AbortController();
	/** processes the suite killed or stopped: their logs hold part of the trail */
	const retired: Array<{ role: string; handle: N8nHandle }> = [];
	const trail = () => executionTrail([...retired, ...stack!.processes()]);
	const faults: { workerKilled?: object; webhookRestarted?: object } = {};

	beforeAll(async () => {
		sb = await startSandbox();
		({ certified, templates } = await certifiedReports(sb, {
			contracts: LOAD.certifiedContracts,
			identities: LOAD.certifiedIdentities,
		}));
		stack = await startQueueStack(STACK);
		await prepareInstance(stack.main, {
			sandboxUrl: sb.url,
			workflows: [LOAD_WORKFLOW, KILL_WORKFLOW, RESTART_WORKFLOW],
			webhookBaseUrl: stack.webhookBaseUrl,
		});
		console.log(
			`n8n ${stack.main.install.n8nVersion} in queue mode ready: ${stack
				.processes()
				.map(({ role, handle }) => `${role} ${handle.startupMs} ms`)
				.join(', ')}`,
		);
	}, 300_000);

	afterAll(async () => {
		stop.abort();
		if (faults.workerKilled && faults.webhookRestarted) {
			const worker = stack?.workers[0];
			recordFigures('queue-faults', {
				n8n: worker?.install.n8nVersion,
				at: new Date().toISOString(),
				workers: STACK.workers,
				workerConcurrency: Number(/Concurrency: (\d+)/.exec(worker?.logs() ?? '')?.[1]),
				settingsFromEnvironment: Object.fromEntries(
					QUEUE_SETTINGS.filter((name) => worker?.env[name] !== undefined).map((name) => [
						name,
						worker?.env[name],
					]),
				),
				...faults,
			});
		} else {
			console.log('[reliability] queue-faults: figures not written, both fault tests must run');
		}
		await stack?.stop();
		await sb?.stop();
	});

	it(`${LOAD.reports} reports into the webhook processor at concurrency ${LOAD.concurrency}: each becomes exactly one execution, enqueued by the webhook processor, run by one worker`, async () => {
		const run = await runLoad({
			n8n: stack!.main,
			sb: sb!,
			url: hookUrl(stack!.webhookBaseUrl, LOAD_WORKFLOW.webhookId),
			workflowId: LOAD_WORKFLOW.id,
			certified,
			templates,
			stop: stop.signal,
			retryRefused: true,
			// n8n refuses these binaries through its own endpoint (see the figures): read from its table instead
			storedHash: hashInDatabase(stack!.postgres),
		});
		const pdfIds = attachedPdfs(run.executions);
		const { enqueuedBy, startedBy } = trail();
		const roles = run.executions.map((e) => ({
			id: e.id,
			enqueuedBy: enqueuedBy.get(e.id),
			startedBy: startedBy.get(e.id) ?? [],
		}));
		const workers = stack!.workers.map((_, i) => `worker-${i}`);
		const ranBy = countBy(roles, (r) => r.startedBy.join(' + '));
		recordFigures('queue-load', {
			...run.figures,
			workers: STACK.workers,
			binaryDataMode: stack!.main.env.N8N_DEFAULT_BINARY_DATA_MODE,
			enqueuedByWebhookProcessor: roles.filter((r) => r.enqueuedBy === 'webhook').length,
			startedBy: Object.fromEntries(workers.map((w) => [w, ranBy.get(w) ?? 0])),
			startedByTwoWorkers: roles.filter((r) => r.startedBy.length > 1).length,
			pdfsReadableThroughMain: await readableThroughN8n(stack!.main, pdfIds),
			pdfOwnersInDatabase: await databaseOwners(stack!.postgres, pdfIds),
		});

		expectCleanLoad(run);
		expect(
			roles
				.filter(
					(r) =>
						r.enqueuedBy !== 'webhook' ||
						r.startedBy.length !== 1 ||
						!workers.includes(r.startedBy[0]),
				)
				.map((r) => `execution ${r.id}: enqueued by ${r.enqueuedBy}, started by [${r.startedBy}]`),
		).toEqual([]);
	}, 600_000);

	// What n8n 2.40.7 does with a dead worker's jobs (n8n/dist/scaling/scaling.service.js, setupQueue and
	// workflow-runner.js, enqueueExecution; bull/lib/commands/moveStalledJobsToWait-7.lua): a worker holds a Redis
	// lock per job (QUEUE_WORKER_LOCK_DURATION 60 s, renewed every QUEUE_WORKER_LOCK_RENEW_TIME 10 s). Every
	// QUEUE_WORKER_STALLED_INTERVAL (30 s) a living worker marks the active jobs; a marked job found without its lock
	// at the next check has stalled, and since n8n sets maxStalledCount to 0 it is failed ("job stalled more than
	// maxStalledCount"), never handed to another worker. The process that enqueued it (here the webhook processor)
	// hears of the failure and records the execution as failed with MaxStalledCountError, replacing its data.
	it(`a worker SIGKILLed in the middle of ${KILL.reports} reports, then started again: every answered report has one execution record, none is left running, none is run twice`, async () => {
		const s = stack!;
		const outgoing = outgoingInTurn(
			syntheticReports(KILL.reports, 810_000_000_000, templates),
			5961,
		);
		const killedRole = `worker-${KILL.worker} (killed)`;
		const watch = watchInFlight(s.main, KILL_WORKFLOW.id);
		let killedAt = 0;
		let killed: Promise<void> | undefined;
		let restarted: Promise<N8nHandle> | undefined;
		const t0 = Date.now();
		const sent = await sendAll(
			hookUrl(s.webhookBaseUrl, KILL_WORKFLOW.webhookId),
			outgoing,
			LOAD.concurrency,
			stop.signal,
			{
				retryRefused: true,
				onAnswer: (_, answers) => {
					if (answers === KILL.killAfter) {
						const victim = s.workers[KILL.worker];
						retired.push({ role: killedRole, handle: victim });
						killedAt = Date.now();
						killed = victim.kill();
						killed.catch(() => undefined); // awaited below
					}
					if (answers === KILL.restartAfter) {
						restarted = killed!.then(() => s.startWorker(KILL.worker));
						restarted.catch(() => undefined); // awaited below
					}
				},
			},
		);
		const sendMs = Date.now() - t0;
		await killed;
		const fresh = await restarted!;
		const answered = sent.filter(answered2xx).length;
		const executions = await settledExecutions(s.main, KILL_WORKFLOW.id, answered, SETTLE_MS);
		const settledAfterKillMs = Date.now() - killedAt;
		const inFlight = await watch.stop();

		const t = trail();
		const outcome = reportOutcomes({ sent, executions, trail: t, carried: inFlight.carried });
		const onKilled = executions.filter((e) => t.startedBy.get(e.id)?.includes(killedRole));
		const failedAfterKillMs = executions
			.filter((e) => e.status !== 'success' && e.stoppedAt)
			.map((e) => Date.parse(e.stoppedAt!) - killedAt)
			.sort((a, b) => a - b);
		faults.workerKilled = {
			reports: KILL.reports,
			concurrency: LOAD.concurrency,
			killedAfterAnswers: KILL.killAfter,
			restartedAfterAnswers: KILL.restartAfter,
			...outcome.figures,
			startedOnKilledWorker: onKilled.length,
			succeededOnKilledWorker: onKilled.filter((e) => e.status === 'success').length,
			failedFirstAfterKillMs: failedAfterKillMs[0] ?? null,
			failedLastAfterKillMs: failedAfterKillMs.at(-1) ?? null,
			settledAfterKillSeconds: seconds(settledAfterKillMs),
			restartedWorkerReadyMs: fresh.startupMs,
			sendSeconds: seconds(sendMs),
			inFlightRead: inFlight.carried.size,
			inFlightUnreadable: inFlight.unreadable.length,
			inFlightPollErrors: inFlight.pollErrors,
		};
		console.log(`[queue-faults] worker killed: ${JSON.stringify(faults.workerKilled)}`);

		expectAccounted(outcome, executions, sent);
	}, 600_000);

	// A deploy: SIGTERM to the webhook processor right after the first burst was answered, its jobs possibly still
	// queued or running. n8n's webhook command waits for the executions it enqueued (ActiveExecutions.shutdown) and
	// the workers persist what they run, whoever enqueued it. In n8n 2.40.7 that wait does not end by itself: an
	// execution whose job a worker finished before the enqueuer began waiting for it (Bull removes a finished job at
	// once, N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED 0, so job.finished() never hears of it) stays in the list for
	// good, and n8n would exit only at its 30 s shutdown timeout; the harness SIGKILLs after 10 s, as `docker stop`
	// does. The figures record what it was waiting for and how it ended.
	it(`the webhook processor restarted between two bursts of ${RESTART.burst}: every report of both runs once, enqueued by the process it reached`, async () => {
		const s = stack!;
		const outgoing = outgoingInTurn(
			syntheticReports(2 * RESTART.burst, 820_000_000_000, templates),
			5962,
		);
		const bursts = [outgoing.slice(0, RESTART.burst), outgoing.slice(RESTART.burst)];
		const url = hookUrl(s.webhookBaseUrl, RESTART_WORKFLOW.webhookId);
		const watch = watchInFlight(s.main, RESTART_WORKFLOW.id);

		const sent = await sendAll(url, bursts[0], LOAD.concurrency, stop.signal, {
			retryRefused: true,
		});
		// what was still running anywhere when the webhook processor was told to stop
		const listed = await Promise.all(
			[LOAD_WORKFLOW, KILL_WORKFLOW, RESTART_WORKFLOW].map((w) =>
				listExecutions(s.main, w.id, { includeData: false }),
			),
		);
		const old = s.webhook;
		const oldRole = 'webhook (before restart)';
		retired.push({ role: oldRole, handle: old });
		const t0 = Date.now();
		await old.stop();
		const stopMs = Date.now() - t0;
		const fresh = await s.restartWebhook();
		sent.push(
			...(await sendAll(url, bursts[1], LOAD.concurrency, stop.signal, { retryRefused: true })),
		);
		const answered = sent.filter(answered2xx).length;
		const executions = await settledExecutions(s.main, RESTART_WORKFLOW.id, answered, SETTLE_MS);
		const inFlight = await watch.stop();

		const t = trail();
		const outcome = reportOutcomes({ sent, executions, trail: t, carried: inFlight.carried });
		faults.webhookRestarted = {
			bursts: bursts.map((b) => b.length),
			concurrency: LOAD.concurrency,
			...outcome.figures,
			unfinishedWhenStopped: listed.flat().filter(unfinished).length,
			// what the old process said it was waiting for while it shut down, first and last
			activeWhenStopping: [...old.logs().matchAll(/Waiting for (\d+) active executions/g)]
				.map(([, n]) => Number(n))
				.filter((_, i, all) => i === 0 || i === all.length - 1),
			stopSeconds: seconds(stopMs),
			oldProcessExit: old.exit,
			restartedReadyMs: fresh.startupMs,
		};
		console.log(
			`[queue-faults] webhook processor restarted: ${JSON.stringify(faults.webhookRestarted)}`,
		);

		expectAccounted(outcome, executions, sent);
		expect(outcome.figures.lost).toBe(0);
		// each report's execution was enqueued by the webhook processor it reached
		const burstOf = new Map(bursts.flatMap((b, i) => b.map((o) => [o.key, i])));
		const enqueuers = [oldRole, 'webhook'];
		const wrongEnqueuer = executions.filter((e) => {
			const key = carriedReport(e) ?? inFlight.carried.get(e.id);
			return key === undefined || t.enqueuedBy.get(e.id) !== enqueuers[burstOf.get(key)!];
		});
		expect(
			wrongEnqueuer.map((e) => `execution ${e.id}: enqueued by ${t.enqueuedBy.get(e.id)}`),
		).toEqual([]);
	}, 600_000);
});
