/** Injected faults: each type, matching by function, consumption in order, and how they are logged. */
import http from 'http';

import {
	call,
	control,
	isWholePdf,
	sendContract,
	startSandbox,
	TOKEN,
	USER,
	type Sandbox,
} from './support';

let sb: Sandbox;
let pdfRef: { Contratoid: string; Reportid: string };

beforeAll(async () => {
	sb = await startSandbox();
});
afterAll(async () => sb.stop());
beforeEach(async () => {
	sb.reset();
	const { contratoId, reportId } = await sendContract(sb);
	await sb.certifyContract(contratoId);
	pdfRef = { Contratoid: contratoId, Reportid: reportId };
	sb.requests.length = 0;
});

it('status: answers that HTTP status, as many times as asked, then normally', async () => {
	sb.addFault({ fn: 'credits', type: 'status', times: 2 });
	const first = await call(sb, 'GetCreditos');
	expect(first.status).toBe(503);
	expect(first.text).toBe('Injected fault: HTTP 503\n');
	expect((await call(sb, 'GetCreditos')).status).toBe(503);
	expect((await call(sb, 'GetCreditos')).first.Res).toBe('10');
	expect(sb.requests.map((r) => [r.status, r.res, r.fault])).toEqual([
		[503, null, 'status'],
		[503, null, 'status'],
		[200, '10', undefined],
	]);
	sb.addFault({ type: 'status', status: 429 });
	expect((await call(sb, 'EnviarContrato')).status).toBe(429);
});

it('delay: answers normally after the delay', async () => {
	sb.addFault({ fn: 'credits', type: 'delay', ms: 300, times: 1 });
	const finished: string[] = [];
	const delayed = call(sb, 'GetCreditos').then((reply) => (finished.push('delayed'), reply));
	// a call sent after it, without the fault, is answered first: order, not a clock, shows the delay
	await call(sb, 'GetCreditos').then(() => finished.push('prompt'));
	const reply = await delayed;
	expect(finished).toEqual(['prompt', 'delayed']);
	expect(reply.first.Res).toBe('10');
	expect(sb.requests[0]).toMatchObject({ status: 200, res: '10', fault: 'delay' });
});

it('drop: resets the connection without an answer', async () => {
	sb.addFault({ fn: 'credits', type: 'drop' });
	await expect(call(sb, 'GetCreditos')).rejects.toMatchObject({
		code: expect.stringMatching(/ECONNRESET|ERR_BAD_RESPONSE/),
	});
	expect(sb.requests[0]).toMatchObject({ fn: 'credits', status: null, res: null, fault: 'drop' });
	expect((await call(sb, 'GetCreditos')).first.Res).toBe('10');
});

it('truncate: promises the whole PDF and cuts the connection halfway', async () => {
	const whole = await call(sb, 'DescargarContrato', pdfRef);
	sb.addFault({ fn: 'downloadContractPdf', type: 'truncate' });
	const received = await rawDownload();
	expect(received.contentLength).toBe(whole.body.length);
	expect(received.bytes).toBe(Math.floor(whole.body.length / 2));
	expect(received.error).toBeTruthy();
	expect(sb.requests[1]).toMatchObject({ status: 200, fault: 'truncate' });
	// an ordinary HTTP client sees an error too
	sb.addFault({ fn: 'downloadContractPdf', type: 'truncate' });
	await expect(call(sb, 'DescargarContrato', pdfRef)).rejects.toThrow();
	expect(isWholePdf((await call(sb, 'DescargarContrato', pdfRef)).body)).toBe(true);
});

it('truncate-complete: sends a well-framed half PDF', async () => {
	const whole = await call(sb, 'DescargarContrato', pdfRef);
	sb.addFault({ fn: 'downloadContractPdf', type: 'truncate-complete' });
	const half = await call(sb, 'DescargarContrato', pdfRef);
	expect(half.status).toBe(200);
	expect(half.headers['content-type']).toBe('application/pdf');
	expect(half.body.equals(whole.body.subarray(0, Math.floor(whole.body.length / 2)))).toBe(true);
	expect(half.body.subarray(0, 5).toString()).toBe('%PDF-');
	expect(half.body.includes('%%EOF')).toBe(false);
});

it('notpdf: answers 200 with a JSON error as text/plain', async () => {
	sb.addFault({ fn: 'downloadContractPdf', type: 'notpdf' });
	const reply = await call(sb, 'DescargarContrato', pdfRef);
	expect(reply.status).toBe(200);
	expect(reply.headers['content-type']).toBe('text/plain');
	expect(JSON.parse(reply.text)).toEqual([{ Res: '-6', Error: 'injected: no PDF' }]);
	expect(sb.requests[0]).toMatchObject({ res: '-6', fault: 'notpdf' });
});

it('negative: answers that Res without doing anything', async () => {
	sb.addFault({ fn: 'sendContract', type: 'negative' });
	sb.addFault({ fn: 'sendContract', type: 'negative', res: '-9' });
	expect((await call(sb, 'EnviarContrato', {})).first).toEqual({ Res: '-2', Error: 'injected' });
	expect((await call(sb, 'EnviarContrato', {})).first).toEqual({ Res: '-9', Error: 'injected' });
	expect(sb.state.contracts.size).toBe(1); // only the one from beforeEach
	expect(sb.state.credits()).toBe(998);
});

it('unauthorized: answers 401 even to good credentials', async () => {
	sb.addFault({ type: 'unauthorized' });
	const reply = await call(sb, 'GetCreditos');
	expect(reply.status).toBe(401);
	expect(reply.first).toEqual({ Res: '-1', Error: 'Authentication failed' });
	expect(sb.requests[0]).toMatchObject({
		auth: 'ok',
		status: 401,
		res: '-1',
		fault: 'unauthorized',
	});
});

it('match by function, are consumed in order, and clear', async () => {
	sb.addFault([
		{ fn: 'sendContract', type: 'status', status: 500 },
		{ type: 'status', status: 502 },
		{ fn: 'credits', type: 'status', status: 504 },
	]);
	expect((await call(sb, 'GetCreditos')).status).toBe(502); // the sendContract fault does not match credits
	expect((await call(sb, 'GetCreditos')).status).toBe(504);
	expect((await call(sb, 'GetCreditos')).status).toBe(200);
	expect((await call(sb, 'EnviarContrato')).status).toBe(500);
	sb.addFault({ type: 'status', times: 3 });
	sb.clearFaults();
	expect((await call(sb, 'GetCreditos')).status).toBe(200);
});

it('are not applied to unknown functions or control endpoints', async () => {
	sb.addFault({ type: 'status' });
	expect((await call(sb, 'Nada')).status).toBe(404);
	expect((await control(sb, 'GET', '/health')).status).toBe(200);
	expect((await call(sb, 'GetCreditos')).status).toBe(503);
});

it('are set and cleared through the control endpoints, and refused when malformed', async () => {
	const added = await control(sb, 'POST', '/faults', [
		{ fn: 'credits', type: 'negative', res: '-7' },
	]);
	expect(added).toEqual({ status: 200, data: { ok: true } });
	expect((await call(sb, 'GetCreditos')).first.Res).toBe('-7');
	await control(sb, 'POST', '/faults', { type: 'drop', times: 5 });
	expect(await control(sb, 'DELETE', '/faults')).toEqual({ status: 200, data: { ok: true } });
	expect((await call(sb, 'GetCreditos')).first.Res).toBe('10');
	const malformed = [
		{ type: 'explode' },
		{ type: 'status', fn: 'nope' },
		{ type: 'status', times: 0 },
		{ type: 'status', status: 99 },
		'drop',
	];
	for (const bad of malformed) {
		expect((await control(sb, 'POST', '/faults', bad)).status).toBe(400);
	}
	expect(() => sb.addFault({ type: 'delay', ms: -1 })).toThrow(/fault\.ms/);
});

/** Downloads with a raw request, to see the promised length, the bytes that came and the error. */
function rawDownload(): Promise<{
	contentLength: number;
	bytes: number;
	error: Error | undefined;
}> {
	return new Promise((resolve, reject) => {
		const req = http.request(`${sb.url}/DescargarContrato`, {
			method: 'POST',
			auth: `${USER}:${TOKEN}`,
			headers: { 'Content-Type': 'application/json' },
		});
		req.on('response', (res) => {
			let bytes = 0;
			let error: Error | undefined;
			res.on('data', (chunk: Buffer) => (bytes += chunk.length));
			res.on('error', (e) => (error = e));
			res.on('close', () => {
				const incomplete = res.complete ? undefined : new Error('incomplete');
				resolve({
					contentLength: Number(res.headers['content-length']),
					bytes,
					error: error ?? incomplete,
				});
			});
		});
		req.on('error', reject);
		req.end(JSON.stringify({ ...pdfRef, Resp: 'JSON' }));
	});
}
