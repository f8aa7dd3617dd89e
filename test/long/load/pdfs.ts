/**
 * The certified PDFs of a load: what n8n stored for each execution, read back through n8n's own binary-data
 * endpoint, against what the sandbox served for that contract or verification (it records the SHA-256 of every PDF
 * it serves), and which downloads the trigger made.
 */
import axios from 'axios';
import * as crypto from 'node:crypto';

import type { N8nHandle, PublicExecution } from '../../../scripts/n8n-harness';
import type { Sandbox } from '../../helpers/sandbox';
import { nodeItems } from './executions';
import { TRIGGER } from './n8n-setup';
import { keyOf, type ReportPayload } from './reports';

type SandboxRequest = Sandbox['requests'][number];

const PDF_FUNCTIONS = ['downloadContractPdf', 'downloadIdentityCertificate'];

/** The contract or verification a request or a report is about. */
const contractOrVerification = (request: SandboxRequest) =>
	String(request.params.contratoid ?? request.params.id);

/** What a PDF n8n stored holds, read back through n8n's own binary-data endpoint (owner session). */
export async function storedPdf(n8n: N8nHandle, binaryId: string): Promise<Buffer> {
	const res = await axios.get(`${n8n.baseUrl}/rest/binary-data`, {
		params: { id: binaryId, action: 'download' },
		headers: { cookie: n8n.owner!.cookie, 'browser-id': 'lofirmo-e2e-browser' },
		responseType: 'arraybuffer',
		proxy: false,
		timeout: 15_000,
		validateStatus: () => true,
	});
	if (res.status !== 200) throw new Error(`binary ${binaryId} → ${res.status}`);
	return Buffer.from(res.data as ArrayBuffer);
}

const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * Every PDF attached to a trigger item, read back from `n8n` (the process serving the editor's REST API), compared
 * byte for byte (SHA-256) with the one the sandbox served for that report's own contract or verification among
 * `served` (the sandbox's requests during the load). Returns how many were compared and each mismatch.
 */
export async function compareStoredPdfs(
	n8n: N8nHandle,
	executions: PublicExecution[],
	served: SandboxRequest[],
): Promise<{ checked: number; problems: string[] }> {
	const servedHash = new Map(
		served.filter((r) => r.pdfSha256).map((r) => [contractOrVerification(r), r.pdfSha256]),
	);
	const problems: string[] = [];
	let checked = 0;
	for (const execution of executions) {
		const [item] = nodeItems(execution, TRIGGER);
		const id = item?.binary?.data?.id;
		if (!id) continue;
		const raw = item.json.raw as ReportPayload;
		const own = String(raw.Servicio === 'CONTRATACION' ? raw.ContratoID : raw.ID);
		if (sha256(await storedPdf(n8n, id)) !== servedHash.get(own))
			problems.push(
				`${keyOf(raw)}: the attached PDF is not byte for byte the one served for ${own}`,
			);
		checked++;
	}
	return { checked, problems };
}

/** The PDF downloads among the sandbox's requests, as `<function>:<id>`, sorted. */
export const pdfDownloads = (requests: SandboxRequest[]) =>
	requests
		.filter((r) => r.fn !== null && PDF_FUNCTIONS.includes(r.fn))
		.map((r) => `${r.fn}:${contractOrVerification(r)}`)
		.sort();

/** One download per certified report, as pdfDownloads lists them. */
export const expectedDownloads = (certified: ReportPayload[]) =>
	certified
		.map((p) =>
			p.Servicio === 'CONTRATACION'
				? `downloadContractPdf:${p.ContratoID}`
				: `downloadIdentityCertificate:${p.ID}`,
		)
		.sort();
