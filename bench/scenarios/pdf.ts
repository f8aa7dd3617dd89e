/**
 * 3. Large PDF: a certified PDF padded to ~50 MB (sandbox option pdfPadBytes) downloaded by our node
 * (Contract → Download PDF) and by the HTTP Request node (POST /DescargarContrato, response format File), in one
 * n8n per binary-data mode. Measured on n8n's main process (webhook executions run there in regular mode; no Code
 * node, so no task runner is involved): peak RSS growth = VmHWM after the execution − VmRSS before it, the peak
 * mark having been reset just before the run by writing "5" to /proc/<pid>/clear_refs (if that is refused, VmRSS
 * is sampled every 5 ms instead, and the JSON says so). Also the execution's wall time and the node's own time.
 */
import { isDeepStrictEqual } from 'node:util';

import { KeepAliveClient, sleep } from '../lib/http';
import {
	executionWallMs,
	executionWithData,
	lastExecutionId,
	nodeRun,
	procMemory,
	resetPeakRss,
	sampleRss,
	waitForNewExecutions,
	type BenchN8n,
} from '../lib/n8n';
import type { TableRow } from '../lib/report';
import type { SandboxProcess } from '../lib/sandbox';
import { mb, mbRange, ms, ratio, round, summarize, times } from '../lib/stats';
import { MEASURED_NODE, PDF_WORKFLOW_IDS, type PdfVariant } from '../workflows';

export interface PdfOptions {
	reps: number;
	warmups: number;
	/** the size of the certified PDF the sandbox serves, in bytes */
	fileBytes: number;
	log: (line: string) => void;
}

export interface PdfModeResult {
	mode: string;
	json: Record<string, unknown>;
	rows: TableRow[];
	warnings: string[];
}

interface Run {
	rep: number;
	warmup: boolean;
	executionId?: string;
	rssBeforeBytes: number;
	peakBytes: number;
	growthBytes: number;
	peakMethod: 'VmHWM after clear_refs' | 'VmRSS sampled every 5 ms';
	executionMs: number | null;
	nodeMs?: number | null;
	outputBytes?: number | null;
	valid: boolean;
	invalidReason?: string;
}

const LABELS: Record<PdfVariant, string> = {
	ours: 'Lofirmo',
	http: 'HTTP Request (File)',
};

/**
 * One n8n (one binary-data mode): warm-ups, then `reps` alternating runs of both variants. The execution data
 * (which in memory mode holds the file itself) is fetched only after every measurement of this n8n is done.
 */
export async function runPdfMode(
	n8n: BenchN8n,
	sandbox: SandboxProcess,
	mode: { id: string; label: string },
	opts: PdfOptions,
): Promise<PdfModeResult> {
	const variants: PdfVariant[] = ['ours', 'http'];
	const runs = new Map<PdfVariant, Run[]>(variants.map((v) => [v, []]));
	const warnings: string[] = [];
	const pid = n8n.handle.pid;

	for (let rep = 0; rep < opts.warmups + opts.reps; rep++) {
		const warmup = rep < opts.warmups;
		const order = rep % 2 === 0 ? variants : [...variants].reverse();
		for (const variant of order) {
			const run = await downloadRun(n8n, sandbox, variant, pid);
			run.rep = rep - opts.warmups + 1;
			run.warmup = warmup;
			runs.get(variant)!.push(run);
			opts.log(
				`  pdf ${mode.id.padEnd(10)} ${variant.padEnd(5)} ${warmup ? 'warm-up' : `rep ${run.rep}  `} growth ${mb(run.growthBytes).padStart(8)}` +
					`  (rss before ${mb(run.rssBeforeBytes)}, peak ${mb(run.peakBytes)})  execution ${ms(run.executionMs)}` +
					(run.valid ? '' : `  INVALID: ${run.invalidReason}`),
			);
		}
	}

	// now read each execution's data: the node's time and the file it put out (in memory mode the data holds the file)
	for (const variant of variants) {
		for (const run of runs.get(variant)!) {
			if (!run.executionId) continue;
			const execution = await executionWithData(n8n, run.executionId);
			const node = nodeRun(execution, MEASURED_NODE);
			run.nodeMs = node.executionTime;
			const binary = node.items[0]?.binary?.data as
				{ bytes?: number; fileSize?: string; data?: string; id?: string } | undefined;
			run.outputBytes =
				typeof binary?.bytes === 'number'
					? binary.bytes
					: binary?.data && !binary.id
						? Buffer.byteLength(binary.data, 'base64')
						: null;
			if (run.valid && execution.status !== 'success') {
				run.valid = false;
				run.invalidReason = `execution ended "${execution.status}": ${node.error ?? ''}`;
			} else if (run.valid && run.outputBytes !== opts.fileBytes) {
				run.valid = false;
				run.invalidReason = `the node put out ${run.outputBytes ?? 'no'} bytes, not the ${opts.fileBytes} of the file`;
			}
			if (!run.valid)
				warnings.push(
					`pdf ${mode.id} ${variant} ${run.warmup ? 'warm-up' : `rep ${run.rep}`} invalid: ${run.invalidReason}`,
				);
		}
	}

	const stats = new Map(
		variants.map((variant) => {
			const valid = runs.get(variant)!.filter((r) => !r.warmup && r.valid);
			return [
				variant,
				{
					valid: valid.length,
					total: runs.get(variant)!.filter((r) => !r.warmup).length,
					growth: summarize(valid.map((r) => r.growthBytes)),
					execution: summarize(valid.map((r) => r.executionMs ?? NaN)),
					node: summarize(valid.map((r) => r.nodeMs ?? NaN)),
				},
			] as const;
		}),
	);

	const rows: TableRow[] = [];
	const variantJson: Record<string, unknown> = {};
	for (const variant of variants) {
		const s = stats.get(variant)!;
		const perFile = s.growth ? s.growth.median / opts.fileBytes : null;
		const vsHttp =
			variant === 'ours' ? ratio(s.growth?.median, stats.get('http')!.growth?.median) : null;
		const timeVsHttp =
			variant === 'ours' ? ratio(s.execution?.median, stats.get('http')!.execution?.median) : null;
		variantJson[variant] = {
			label: LABELS[variant],
			peakRssGrowthBytes: s.growth,
			growthPerFileSize: perFile === null ? null : round(perFile, 3),
			executionWallMs: s.execution,
			nodeMs: s.node,
			ratios:
				variant === 'ours'
					? {
							growthVsHttpRequest: vsHttp === null ? null : round(vsHttp, 3),
							executionTimeVsHttpRequest: timeVsHttp === null ? null : round(timeVsHttp, 3),
						}
					: null,
			validRuns: s.valid,
			runs: runs.get(variant),
		};
		rows.push({
			section: `3 · Large PDF: ${mb(opts.fileBytes)} certificate, Download PDF vs HTTP Request · peak RSS growth of n8n's main process · ratio = ours ÷ HTTP Request, lower is better`,
			variant: `${LABELS[variant]}, ${mode.label}`,
			median: s.growth ? `${mb(s.growth.median)} · ${times(perFile)} file` : 'n/a',
			spread: mbRange(s.growth),
			ratio: variant === 'ours' ? `${times(vsHttp)} RSS, ${times(timeVsHttp)} time` : '(reference)',
			notes: `exec ${ms(s.execution?.median)}, node ${ms(s.node?.median)} · ${s.valid}/${s.total} valid`,
		});
	}
	const methods = new Set([...runs.values()].flat().map((r) => r.peakMethod));
	return {
		mode: mode.id,
		json: { label: mode.label, n8nPid: pid, peakMethods: [...methods], variants: variantJson },
		rows,
		warnings,
	};
}

async function downloadRun(
	n8n: BenchN8n,
	sandbox: SandboxProcess,
	variant: PdfVariant,
	pid: number,
): Promise<Run> {
	const workflowId = PDF_WORKFLOW_IDS[variant];
	await sandbox.reset();
	const contract = await sandbox.certifiedContract();
	const before = await lastExecutionId(n8n, workflowId);
	// let the previous run's garbage settle before the baseline is read
	await sleep(1000);
	const rssBefore = procMemory(pid).rss;
	const hwmReset = resetPeakRss(pid);
	const sampler = hwmReset ? undefined : sampleRss(pid, 5);

	const client = new KeepAliveClient(1);
	let answerStatus = 0;
	try {
		answerStatus = (
			await client.request(n8n.urls.get(workflowId)!, { method: 'POST', body: contract })
		).status;
	} finally {
		client.close();
	}
	const [summary] = await waitForNewExecutions(n8n, workflowId, before, 1, {
		timeoutMs: 300_000,
		idleMs: 300_000,
		intervalMs: 50,
	});
	const peak = sampler ? sampler.stop() : procMemory(pid).hwm;
	const requests = await sandbox.requests();
	const downloads = requests.filter((r) => r.fn === 'downloadContractPdf');
	const run: Run = {
		rep: 0,
		warmup: false,
		executionId: summary?.id,
		rssBeforeBytes: rssBefore,
		peakBytes: peak,
		growthBytes: peak - rssBefore,
		peakMethod: hwmReset ? 'VmHWM after clear_refs' : 'VmRSS sampled every 5 ms',
		executionMs: summary ? executionWallMs(summary) : null,
		valid: true,
	};
	const sentAsOurs =
		downloads[0] &&
		isDeepStrictEqual(Object.keys(downloads[0].params).sort(), [
			'contratoid',
			'doc',
			'reportid',
			'resp',
		]);
	if (answerStatus !== 200)
		return { ...run, valid: false, invalidReason: `the webhook answered ${answerStatus}` };
	if (!summary) return { ...run, valid: false, invalidReason: 'no execution was recorded' };
	if (downloads.length !== 1 || downloads[0].status !== 200 || !sentAsOurs) {
		return {
			...run,
			valid: false,
			invalidReason: `the sandbox logged ${downloads.length} downloads (${downloads.map((d) => `${d.status} ${JSON.stringify(d.params)}`).join(', ')}), not 1 answered 200`,
		};
	}
	return run;
}
