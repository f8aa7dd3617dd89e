/** The sandbox over HTTPS (the bench's "real Lofirmo" row: a TLS handshake per request, as n8n makes one). */
import https from 'https';

import { createSandbox } from '../../sandbox/server';
import { makeLoopbackCertificate, type LoopbackCertificate } from '../../scripts/tls';
import { TOKEN, USER } from './support';

let certificate: LoopbackCertificate;

beforeAll(() => {
	certificate = makeLoopbackCertificate();
});
afterAll(() => certificate.remove());

it('serves the same API over HTTPS with the certificate it is given, trusted through it alone', async () => {
	const sb = createSandbox({ quiet: true });
	await sb.start(0);
	const { url } = await sb.startTls(0, { key: certificate.key, cert: certificate.cert });
	try {
		expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
		const post = (ca?: string) =>
			new Promise<{ status: number; body: string }>((resolve, reject) => {
				const req = https.request(`${url}/GetCreditos`, {
					method: 'POST',
					ca,
					headers: {
						Authorization: `Basic ${Buffer.from(`${USER}:${TOKEN}`).toString('base64')}`,
						'Content-Type': 'application/json',
					},
				});
				req.on('response', (res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () =>
						resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
					);
				});
				req.on('error', reject);
				req.end(JSON.stringify({ Resp: 'JSON' }));
			});

		const answer = await post(certificate.cert);
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.body)).toEqual([expect.objectContaining({ Res: '10' })]);
		expect(sb.requests).toEqual([expect.objectContaining({ fn: 'credits', status: 200 })]);
		// without it the certificate is refused: the test proves the trust comes from the certificate made here
		await expect(post()).rejects.toThrow(/self-signed|self signed/i);
	} finally {
		await sb.stop();
	}
});
