/** Delivering reports to a Lofirmo Trigger as Lofirmo would, many at once, and what each delivery got back. */
import * as http from 'node:http';

import { encodeReport } from '../../../sandbox/webhooks';
import { HOOK_AUTH } from './n8n-setup';
import type { Outgoing } from './reports';

/**
 * How long one delivery may take. The sandbox's own client gives up after 10 s; at concurrency 50 on a busy 2-core
 * machine n8n's answer can approach that (the figures record the latencies), so the load is not failed by the
 * machine's speed. A report is lost only if n8n never runs it, which the suites check.
 */
const SEND_TIMEOUT_MS = 60_000;

export interface Answer {
	/** the HTTP status, null when no answer came (`error` says why) */
	status: number | null;
	error?: string;
}

export interface Sent extends Outgoing, Answer {
	ms: number;
}

/** An answer n8n gave with a 2xx status: the report was taken. */
export const answered2xx = (answer: Answer) =>
	answer.status !== null && answer.status >= 200 && answer.status <= 299;

/** What an answer was, for tallies: the status, or the error when none came. */
export const answerOf = (answer: Answer) => String(answer.status ?? answer.error);

/** One report POSTed as Lofirmo would: the sandbox's own encoding of the format, Basic auth, a fresh connection. */
export function deliver(url: string, report: Outgoing, stop: AbortSignal): Promise<Answer> {
	const { contentType, body } = encodeReport(report.format, report.payload);
	const authorization = `Basic ${Buffer.from(`${HOOK_AUTH.user}:${HOOK_AUTH.password}`).toString('base64')}`;
	return new Promise((resolve) => {
		const request = http.request(url, {
			method: 'POST',
			agent: false,
			signal: AbortSignal.any([stop, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
			headers: {
				'Content-Type': contentType,
				'Content-Length': body.length,
				Authorization: authorization,
			},
		});
		request.on('response', (response) => {
			response.resume();
			response.on('end', () => resolve({ status: response.statusCode ?? null }));
			response.on('error', (error) =>
				resolve({ status: response.statusCode ?? null, error: error.message }),
			);
		});
		request.on('error', (error) => resolve({ status: null, error: error.message }));
		request.end(body);
	});
}

/** Sends every report, `concurrency` at a time; records each answer and how long it took. */
export async function sendAll(
	url: string,
	outgoing: Outgoing[],
	concurrency: number,
	stop: AbortSignal,
): Promise<Sent[]> {
	const results: Sent[] = new Array(outgoing.length);
	let next = 0;
	const worker = async () => {
		while (next < outgoing.length) {
			const index = next++;
			const report = outgoing[index];
			const t0 = Date.now();
			const answer = await deliver(url, report, stop);
			results[index] = { ...report, ...answer, ms: Date.now() - t0 };
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, outgoing.length) }, worker));
	return results;
}
