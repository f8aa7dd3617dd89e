/** Helpers for the sandbox's own tests: raw HTTP calls to it, and a local receiver for its webhooks. */
import http from 'http';
import type { AddressInfo } from 'net';

import axios from 'axios';

import { TOKEN, USER, type Sandbox } from '../helpers/sandbox';

export { startSandbox, TOKEN, USER, type Sandbox } from '../helpers/sandbox';

export type Params = Record<string, unknown>;

export interface Reply {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
	/** The body as text. */
	text: string;
	/** The first element of a JSON array body. */
	first: Record<string, unknown>;
}

export interface CallOptions {
	/** Basic credentials; null sends none. Default: the sandbox account. */
	auth?: { username: string; password: string } | null;
	/** Send application/x-www-form-urlencoded (arrays and objects JSON-encoded) instead of JSON. */
	form?: boolean;
	/** Add Resp=JSON (default true). */
	resp?: boolean;
	method?: string;
}

/** POSTs to a vendor function by path and returns the raw reply; never throws on an HTTP status. */
export async function call(
	sb: Sandbox,
	path: string,
	params: Params = {},
	options: CallOptions = {},
): Promise<Reply> {
	const all = options.resp === false ? params : { ...params, Resp: 'JSON' };
	const data = options.form ? formBody(all) : all;
	const response = await axios.request<ArrayBuffer>({
		url: `${sb.url}/${path.replace(/^\//, '')}`,
		method: options.method ?? 'POST',
		data: options.method === 'GET' ? undefined : data,
		auth:
			options.auth === undefined
				? { username: USER, password: TOKEN }
				: (options.auth ?? undefined),
		responseType: 'arraybuffer',
		validateStatus: () => true,
	});
	const body = Buffer.from(response.data);
	const text = body.toString('utf8');
	let first: Record<string, unknown> = {};
	try {
		const parsed = JSON.parse(text);
		if (Array.isArray(parsed)) first = parsed[0];
	} catch {
		// not JSON: a PDF or the old text format
	}
	return {
		status: response.status,
		headers: response.headers as Record<string, string>,
		body,
		text,
		first,
	};
}

export function formBody(params: Params): URLSearchParams {
	const form = new URLSearchParams();
	for (const [name, value] of Object.entries(params)) {
		form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	return form;
}

/** POSTs (or GETs) a control endpoint. */
export async function control(sb: Sandbox, method: string, path: string, body?: unknown) {
	const response = await axios.request({
		url: `${sb.url}/_sandbox${path}`,
		method,
		data: body,
		validateStatus: () => true,
	});
	return { status: response.status, data: response.data };
}

export const SIGNERS = [
	{ Nombre: 'Ana Test', NIF: '00000000T', Email: 'ana@example.com' },
	{ Nombre: 'Bruno Test', Telefono: '34600000001' },
];

/** Sends a two-signer contract and returns its ids. */
export async function sendContract(
	sb: Sandbox,
	params: Params = {},
): Promise<{ contratoId: string; reportId: string }> {
	const reply = await call(sb, 'EnviarContrato', { Firmantes: SIGNERS, ...params });
	expect(reply.first.Res).toBe('10');
	return { contratoId: String(reply.first.ContratoId), reportId: String(reply.first.ReportId) };
}

export async function sendIdentity(sb: Sandbox, params: Params = {}): Promise<string> {
	const reply = await call(sb, 'VerificarIdentidad', { Telefono: '34600000001', ...params });
	expect(reply.first.Res).toBe('10');
	return String(reply.first.ID);
}

export interface Received {
	headers: http.IncomingHttpHeaders;
	body: string;
}

export interface Receiver {
	url: string;
	received: Received[];
	/** HTTP status the receiver answers with. */
	status: number;
	close(): Promise<void>;
}

/** A local server that records what it receives, standing in for the user's report script. */
export async function startReceiver(): Promise<Receiver> {
	const receiver: Receiver = {
		url: '',
		received: [],
		status: 200,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			receiver.received.push({
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			});
			res.writeHead(receiver.status).end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	return receiver;
}

/** Reads a report from any of the three formats into a plain object. */
export function decodeReport({ headers, body }: Received): Record<string, string> {
	const type = headers['content-type'] ?? '';
	if (type === 'application/json') return JSON.parse(body);
	if (type === 'application/x-www-form-urlencoded')
		return Object.fromEntries(new URLSearchParams(body));
	const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(type)?.[1];
	if (!boundary) throw new Error(`unexpected content type ${type}`);
	const parts = body.split(`--${boundary}`);
	expect(parts.pop()).toBe('--\r\n');
	expect(parts.shift()).toBe('');
	return Object.fromEntries(
		parts.map((part) => {
			const match =
				/^\r\nContent-Disposition: form-data; name="([^"]+)"\r\n\r\n([\s\S]*)\r\n$/.exec(part);
			if (!match) throw new Error(`bad multipart part ${JSON.stringify(part)}`);
			return [match[1], match[2]];
		}),
	);
}

/** Whether a buffer is a whole PDF: the header, and `%%EOF` at the end. */
export function isWholePdf(body: Buffer): boolean {
	return (
		body.subarray(0, 5).toString('latin1') === '%PDF-' &&
		body.toString('latin1').trimEnd().endsWith('%%EOF')
	);
}
