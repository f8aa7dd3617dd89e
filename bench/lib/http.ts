/**
 * A minimal HTTP client on Node's own `http` with a keep-alive Agent: the floor of the action scenario and the
 * load generator of the trigger scenario. No axios here, so what is measured is Node and the server only.
 */
import * as http from 'node:http';

export interface HttpAnswer {
	status: number;
	body: Buffer;
	headers: http.IncomingHttpHeaders;
	/** from the start of the request to the end of the response body */
	ms: number;
}

export interface RequestOptions {
	method?: string;
	headers?: Record<string, string>;
	/** a string or Buffer is sent as is; anything else as JSON */
	body?: unknown;
	timeoutMs?: number;
}

export class KeepAliveClient {
	readonly agent: http.Agent;

	constructor(maxSockets = 16) {
		this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
	}

	request(url: string, opts: RequestOptions = {}): Promise<HttpAnswer> {
		const headers: Record<string, string> = { ...opts.headers };
		let payload: Buffer | undefined;
		if (opts.body !== undefined) {
			if (Buffer.isBuffer(opts.body)) payload = opts.body;
			else if (typeof opts.body === 'string') payload = Buffer.from(opts.body);
			else {
				payload = Buffer.from(JSON.stringify(opts.body));
				headers['content-type'] ??= 'application/json';
			}
			headers['content-length'] = String(payload.length);
		}
		const started = performance.now();
		return new Promise<HttpAnswer>((resolve, reject) => {
			const req = http.request(
				url,
				{ method: opts.method ?? (payload ? 'POST' : 'GET'), headers, agent: this.agent },
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () =>
						resolve({
							status: res.statusCode ?? 0,
							body: Buffer.concat(chunks),
							headers: res.headers,
							ms: performance.now() - started,
						}),
					);
					res.on('error', reject);
				},
			);
			req.setTimeout(opts.timeoutMs ?? 60_000, () =>
				req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 60_000} ms: ${url}`)),
			);
			req.on('error', reject);
			req.end(payload);
		});
	}

	async json<T = unknown>(url: string, opts: RequestOptions = {}): Promise<T> {
		const answer = await this.request(url, opts);
		const text = answer.body.toString('utf8');
		if (answer.status < 200 || answer.status >= 300) {
			throw new Error(`${opts.method ?? 'GET'} ${url} → ${answer.status} ${text.slice(0, 300)}`);
		}
		return (text === '' ? undefined : JSON.parse(text)) as T;
	}

	close(): void {
		this.agent.destroy();
	}
}

/** Runs task(0..count-1) with at most `concurrency` in flight; resolves with the results in index order. */
export async function runPool<T>(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<T>,
): Promise<T[]> {
	const results = new Array<T>(count);
	let next = 0;
	const worker = async () => {
		for (;;) {
			const index = next++;
			if (index >= count) return;
			results[index] = await task(index);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
	return results;
}

export function basicAuth(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export const sleep = (msToWait: number) =>
	new Promise<void>((resolve) => setTimeout(resolve, msToWait));
