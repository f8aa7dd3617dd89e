/**
 * The sandbox (sandbox/) in a child process of its own (bench/sandbox-child.js, plain Node 20), driven through its
 * control endpoints: reset between runs, the request log to prove each run made its calls, certified contracts for
 * the PDF scenario. A child process rather than in-process: the bench process runs the floor client and the load
 * generators, and the sandbox must not share their event loop (n8n's calls to it would wait on the bench).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

import { basicAuth, KeepAliveClient } from './http';

export const SANDBOX_USER = 'sandbox-user';
export const SANDBOX_TOKEN = 'sandbox-token';

/** One entry of GET /_sandbox/requests (see RequestRecord in sandbox/server.js). */
export interface SandboxRequest {
	fn: string | null;
	path: string;
	status: number | null;
	res: string | null;
	auth: string;
	params: Record<string, unknown>;
}

export interface SandboxProcess {
	url: string;
	/** the same sandbox over HTTPS, when started with `tls` */
	tlsUrl?: string;
	port: number;
	pid: number;
	options: Record<string, unknown>;
	reset(): Promise<void>;
	requests(): Promise<SandboxRequest[]>;
	/** a contract sent and certified (1014), so its PDFs can be downloaded */
	certifiedContract(): Promise<{ contractId: string; reportId: string }>;
	/** the certificate of a certified contract, downloaded by the bench itself */
	downloadCertificate(contract: { contractId: string; reportId: string }): Promise<Buffer>;
	/** the Authorization header of the sandbox account */
	readonly authorization: string;
	stop(): Promise<void>;
}

/** `tls`: serve the same API over HTTPS too, on that port, with that PEM key and certificate. */
export async function startSandboxProcess(
	port: number,
	options: Record<string, unknown>,
	tls?: { port: number; key: string; cert: string },
): Promise<SandboxProcess> {
	const script = path.join(__dirname, '..', 'sandbox-child.js');
	const env: NodeJS.ProcessEnv = {
		...process.env,
		BENCH_SANDBOX_PORT: String(port),
		BENCH_SANDBOX_OPTIONS: JSON.stringify(options),
		...(tls ? { BENCH_SANDBOX_TLS: JSON.stringify(tls) } : {}),
	};
	delete env.NODE_OPTIONS;
	const child: ChildProcess = spawn(process.execPath, [script], {
		env,
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let output = '';
	const [url, tlsUrl] = await new Promise<[string, string | undefined]>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`the sandbox did not start within 15 s:\n${output}`)),
			15_000,
		);
		const onData = (chunk: Buffer) => {
			output += chunk.toString('utf8');
			const match = /READY (\S+)(?: (\S+))?\n/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve([match[1], match[2]]);
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the sandbox exited (code ${code}) before it was ready:\n${output}`));
		});
	});
	child.stdout!.resume();
	child.stderr!.resume();

	const client = new KeepAliveClient(4);
	const authorization = basicAuth(SANDBOX_USER, SANDBOX_TOKEN);
	const control = (route: string, method = 'GET', body?: unknown) =>
		client.json<Record<string, unknown>>(`${url}/_sandbox${route}`, {
			method,
			body: body ?? (method === 'POST' ? {} : undefined),
		});

	let stopped: Promise<void> | undefined;
	return {
		url,
		tlsUrl,
		port,
		pid: child.pid!,
		options,
		authorization,
		async reset() {
			await control('/reset', 'POST');
		},
		async requests() {
			return (await control('/requests')).requests as SandboxRequest[];
		},
		async certifiedContract() {
			const sent = await client.json<Array<Record<string, string>>>(`${url}/EnviarContrato`, {
				method: 'POST',
				headers: { authorization },
				body: { Firmantes: [{ Nombre: 'Bench Signer', Email: 'bench@example.com' }], Resp: 'JSON' },
			});
			const { ContratoId: contractId, ReportId: reportId, Res } = sent[0] ?? {};
			if (Res !== '10' || !contractId)
				throw new Error(`sandbox: could not send a contract: ${JSON.stringify(sent)}`);
			await control(`/contracts/${contractId}/certify`, 'POST');
			return { contractId, reportId };
		},
		async downloadCertificate({ contractId, reportId }) {
			const answer = await client.request(`${url}/DescargarContrato`, {
				method: 'POST',
				headers: { authorization },
				body: { Contratoid: contractId, Reportid: reportId, Doc: 'CERTIFICADO', Resp: 'JSON' },
				timeoutMs: 120_000,
			});
			if (answer.status !== 200 || answer.body.subarray(0, 5).toString('latin1') !== '%PDF-') {
				throw new Error(
					`sandbox: the certificate download answered ${answer.status} ${answer.body.subarray(0, 200).toString('utf8')}`,
				);
			}
			return answer.body;
		},
		stop() {
			stopped ??= new Promise<void>((resolve) => {
				client.close();
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
				child.once('exit', () => {
					clearTimeout(timer);
					resolve();
				});
				child.kill('SIGTERM');
			});
			return stopped;
		},
	};
}
