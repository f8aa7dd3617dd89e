/**
 * The 1,000-report load, wherever n8n runs it (one process, or a queue): the certified reports and made-up ones
 * shuffled, sent at concurrency 50 in the three formats, the executions read back once settled and checked by
 * content (each carries exactly the report sent), every PDF compared with what the sandbox served, and the figures.
 */
import type { N8nHandle, PublicExecution } from '../../../scripts/n8n-harness';
import type { Sandbox } from '../../helpers/sandbox';
import { answered2xx, answerOf, sendAll, type Sent } from './delivery';
import { checkExecution } from './content';
import { settledExecutions } from './executions';
import {
	compareStoredPdfs,
	expectedDownloads,
	hashThroughN8n,
	pdfDownloads,
	type StoredHash,
} from './pdfs';
import {
	outgoingInTurn,
	syntheticReports,
	type Outgoing,
	type ReportPayload,
	type Templates,
} from './reports';
import { countBy, tally } from './tally';

export const LOAD = {
	reports: 1000,
	concurrency: 50,
	certifiedContracts: 50,
	certifiedIdentities: 50,
};
/** a bound for waiting, never a timing assertion (n8n does ~30 executions/s on a 2-core machine) */
const SETTLE_MS = 300_000;
/** where the made-up reports' ids start, and the shuffle's seed (both as the suite has always used) */
const FIRST_SYNTHETIC_ID = 800_000_000_000;
const SEED = 5900;

export interface LoadRun {
	outgoing: Outgoing[];
	sent: Sent[];
	executions: PublicExecution[];
	sentKeys: Set<string>;
	/** how many of the reports were certified (each with a PDF to download) */
	certified: number;
	/** the report each execution carried, in the order listed */
	seen: string[];
	/** what differs from what was sent: content, statuses, PDFs */
	problems: string[];
	lost: string[];
	duplicated: string[];
	pdfsChecked: number;
	downloaded: string[];
	expectedDownloads: string[];
	figures: Record<string, unknown>;
}

/**
 * Sends the load to `url` and reads back what became of it from `n8n` (the process with the public API and the
 * binary-data endpoint): every execution of `workflowId` checked against the report it carried.
 */
export async function runLoad(opts: {
	n8n: N8nHandle;
	sb: Sandbox;
	url: string;
	workflowId: string;
	certified: ReportPayload[];
	templates: Templates;
	stop: AbortSignal;
	/** offer reports n8n refused with 503 again (delivery.ts); default: one try each */
	retryRefused?: boolean;
	/** how stored PDFs are read back (default: through `n8n`'s binary-data endpoint) */
	storedHash?: StoredHash;
}): Promise<LoadRun> {
	const { n8n, sb, certified } = opts;
	const reports = [
		...certified,
		...syntheticReports(LOAD.reports - certified.length, FIRST_SYNTHETIC_ID, opts.templates),
	];
	const outgoing = outgoingInTurn(reports, SEED);
	const sentKeys = new Set(outgoing.map((o) => o.key));
	if (sentKeys.size !== LOAD.reports)
		throw new Error(`${sentKeys.size} distinct reports made, ${LOAD.reports} wanted`);

	const requestsBefore = sb.requests.length;
	const t0 = Date.now();
	const sent = await sendAll(opts.url, outgoing, LOAD.concurrency, opts.stop, {
		retryRefused: opts.retryRefused,
	});
	const sendMs = Date.now() - t0;
	const executions = await settledExecutions(n8n, opts.workflowId, LOAD.reports, SETTLE_MS);
	const settledMs = Date.now() - t0;

	// what each execution carried, matched to what was sent by the report's identity
	const byKey = new Map(outgoing.map((o) => [o.key, o]));
	const problems: string[] = [];
	const seen: string[] = [];
	for (const execution of executions) {
		const checked = checkExecution(execution, byKey);
		if (checked.key !== undefined) seen.push(checked.key);
		problems.push(...checked.problems);
	}
	// every certified report's PDF, read back from n8n, is byte for byte the one the sandbox served for its own
	// contract or verification; one download per certificate, no more (no retries, no cross-talk)
	const during = sb.requests.slice(requestsBefore);
	const pdfs = await compareStoredPdfs(opts.storedHash ?? hashThroughN8n(n8n), executions, during);
	problems.push(...pdfs.problems);
	const downloaded = pdfDownloads(during);

	const counts = countBy(seen, (k) => k);
	const lost = [...sentKeys].filter((k) => !counts.has(k));
	const duplicated = [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k}×${n}`);
	const latencies = sent.map((s) => s.ms).sort((a, b) => a - b);
	const figures = {
		n8n: n8n.install.n8nVersion,
		at: new Date().toISOString(),
		sent: sent.length,
		concurrency: LOAD.concurrency,
		formats: tally(outgoing, (o) => o.format),
		services: tally(outgoing, (o) => o.payload.Servicio),
		withCertifiedPdf: certified.length,
		answers: tally(sent, answerOf),
		executions: executions.length,
		received: counts.size,
		lost: lost.length,
		duplicates: seen.length - counts.size,
		contentMismatches: problems.length,
		pdfsVerified: pdfs.checked,
		downloads: downloaded.length,
		sendSeconds: Math.round(sendMs / 100) / 10,
		allExecutedSeconds: Math.round(settledMs / 100) / 10,
		answerMsP50: latencies[Math.floor(latencies.length * 0.5)],
		answerMsP99: latencies[Math.floor(latencies.length * 0.99)],
		// with retries: how often n8n refused a report (503) before taking it, and how many reports that hit
		...(opts.retryRefused
			? {
					refusals: sent.reduce((n, s) => n + s.refusals, 0),
					reportsRefusedAtFirst: sent.filter((s) => s.refusals > 0).length,
				}
			: {}),
	};
	return {
		outgoing,
		sent,
		executions,
		sentKeys,
		certified: certified.length,
		seen,
		problems,
		lost,
		duplicated,
		pdfsChecked: pdfs.checked,
		downloaded,
		expectedDownloads: expectedDownloads(certified),
		figures,
	};
}

/** Every report answered 2xx and became exactly one execution carrying exactly it; every PDF the right one. */
export function expectCleanLoad(run: LoadRun): void {
	expect(run.sent.filter((s) => !answered2xx(s)).map((s) => `${s.key}: ${answerOf(s)}`)).toEqual(
		[],
	);
	expect(run.problems.slice(0, 20)).toEqual([]);
	expect(run.lost).toEqual([]);
	expect(run.duplicated).toEqual([]);
	expect(new Set(run.seen)).toEqual(run.sentKeys);
	expect(run.executions).toHaveLength(LOAD.reports);
	expect(run.pdfsChecked).toBe(run.certified);
	expect(run.downloaded).toEqual(run.expectedDownloads);
}
