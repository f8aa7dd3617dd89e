/**
 * The status reports the load suites send: certified ones the sandbox really made (their PDFs exist), made-up
 * in-progress ones, each keyed by its identity, and the order and format each is sent in.
 */
import axios from 'axios';
import * as http from 'node:http';

import { TOKEN, USER, type Sandbox } from '../../helpers/sandbox';

export type Format = 'json' | 'form' | 'multipart';
export const FORMATS: Format[] = ['json', 'form', 'multipart'];
export type ReportPayload = Record<string, string>;

/** A report as it is sent: its identity, its encoding, its fields. */
export interface Outgoing {
	key: string;
	format: Format;
	payload: ReportPayload;
}

/** Templates for made-up reports: one in-progress report of each service, as the sandbox wrote them. */
export interface Templates {
	contract: ReportPayload;
	identity: ReportPayload;
}

/** The report's identity: service and contract or verification id. */
export const keyOf = (payload: ReportPayload) =>
	`${payload.Servicio}:${payload.ContratoID ?? payload.ID}`;

/** A certified report (contract 1014, identity 5100): the trigger downloads its PDF. */
export const isCertified = (payload: ReportPayload) =>
	payload.Resultado === '1014' || payload.Estado === '5100';

/** A deterministic shuffle (xorshift), so a failing run can be replayed. */
export function shuffled<T>(items: T[], seed: number): T[] {
	const out = [...items];
	let s = seed >>> 0 || 1;
	const next = () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 0x100000000;
	};
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

/** The reports in a replayable shuffled order, the formats taken in turn (JSON, form, multipart, JSON, …). */
export function outgoingInTurn(reports: ReportPayload[], seed: number): Outgoing[] {
	return shuffled(reports, seed).map((payload, i) => ({
		key: keyOf(payload),
		format: FORMATS[i % FORMATS.length],
		payload,
	}));
}

/** Vendor API call on the sandbox with the account's Basic auth; returns the one-element answer. */
async function sandboxApi(
	sb: Sandbox,
	fn: string,
	params: Record<string, unknown>,
): Promise<Record<string, string>> {
	const res = await axios.post(
		`${sb.url}/${fn}`,
		{ Resp: 'JSON', ...params },
		{
			auth: { username: USER, password: TOKEN },
			proxy: false,
			timeout: 15_000,
			validateStatus: () => true,
		},
	);
	const [answer] = res.data as Array<Record<string, string>>;
	if (res.status !== 200 || answer?.Res !== '10')
		throw new Error(`${fn} → ${res.status} ${JSON.stringify(res.data)}`);
	return answer;
}

/**
 * Contracts and verifications the sandbox really holds, certified; returns the reports the sandbox made for them
 * (captured by a throwaway receiver, so n8n sees none of them yet): the certified ones and, as templates for the
 * rest of the load, one in-progress report of each service.
 */
export async function certifiedReports(
	sb: Sandbox,
	counts: { contracts: number; identities: number },
): Promise<{ certified: ReportPayload[]; templates: Templates }> {
	const receiver = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => res.writeHead(200).end());
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	const { port } = receiver.address() as { port: number };
	try {
		sb.setWebhook({ url: `http://127.0.0.1:${port}/capture`, format: 'json' });
		for (let i = 0; i < counts.contracts; i++) {
			const { ContratoId } = await sandboxApi(sb, 'EnviarContrato', {
				Firmantes: [
					{ Nombre: `Signer ${i}`, Email: `signer.${i}@example.com`, Telefono: '34600000001' },
				],
				Referenciausuario: `load-certified-${i}`,
				Mensaje: 'Please sign: [LINK]',
			});
			await sb.certifyContract(ContratoId);
		}
		for (let i = 0; i < counts.identities; i++) {
			const { ID } = await sandboxApi(sb, 'VerificarIdentidad', {
				Telefono: `346110${String(i).padStart(5, '0')}`,
			});
			await sb.completeIdentity(ID, { score: 70 + (i % 30) });
		}
		await sb.flushWebhooks();
	} finally {
		sb.setWebhook(null);
		await new Promise((resolve) => receiver.close(resolve));
	}
	const payloads = sb.webhookDeliveries.map((d) => d.payload as ReportPayload);
	const certified = payloads.filter(isCertified);
	const contract = payloads.find((p) => p.Resultado === '11');
	const identity = payloads.find((p) => p.Estado === '5001');
	if (!contract || !identity || certified.length !== counts.contracts + counts.identities) {
		throw new Error(
			`the sandbox did not report as expected: ${payloads.map((p) => p.Resultado ?? p.Estado).join(',')}`,
		);
	}
	return { certified, templates: { contract, identity } };
}

/** In-progress reports with made-up ids (12 digits: the sandbox's own ids have 10, so they never meet). */
export function syntheticReports(
	count: number,
	firstId: number,
	templates: Templates,
): ReportPayload[] {
	return Array.from({ length: count }, (_, i) => {
		const id = String(firstId + i);
		if (i % 2 === 0) {
			return {
				...templates.contract,
				ContratoID: id,
				ReportID: String(firstId + 500_000 + i),
				Resultado: i % 10 === 0 ? '9000' : '11',
				Referencia: `load-${id}`,
			};
		}
		return {
			...templates.identity,
			ID: id,
			Estado: '5001',
			Telefono: `3461${String(i).padStart(7, '0')}`,
		};
	});
}
