/**
 * The certified PDFs of a load: what n8n stored for each execution, read back through n8n's own binary-data
 * endpoint (or, where n8n refuses that, from its database table), against what the sandbox served for that
 * contract or verification (it records the SHA-256 of every PDF it serves), and which downloads the trigger made.
 */
import axios from 'axios';
import * as crypto from 'node:crypto';

import type { N8nHandle, PostgresHandle, PublicExecution } from '../../../scripts/n8n-harness';
import type { Sandbox } from '../../helpers/sandbox';
import { nodeItems } from './executions';
import { TRIGGER } from './n8n-setup';
import { keyOf, type ReportPayload } from './reports';

type SandboxRequest = Sandbox['requests'][number];

const PDF_FUNCTIONS = ['downloadContractPdf', 'downloadIdentityCertificate'];

/** The contract or verification a request or a report is about. */
const contractOrVerification = (request: SandboxRequest) =>
	String(request.params.contratoid ?? request.params.id);

/** A stored binary read back through n8n's own binary-data endpoint (owner session): its status and bytes. */
async function fetchStored(n8n: N8nHandle, binaryId: string) {
	const res = await axios.get(`${n8n.baseUrl}/rest/binary-data`, {
		params: { id: binaryId, action: 'download' },
		headers: { cookie: n8n.owner!.cookie, 'browser-id': 'lofirmo-e2e-browser' },
		responseType: 'arraybuffer',
		proxy: false,
		timeout: 15_000,
		validateStatus: () => true,
	});
	return { status: res.status, data: Buffer.from(res.data as ArrayBuffer) };
}

/** What a PDF n8n stored holds, read back through n8n's own binary-data endpoint. */
export async function storedPdf(n8n: N8nHandle, binaryId: string): Promise<Buffer> {
	const { status, data } = await fetchStored(n8n, binaryId);
	if (status !== 200) throw new Error(`binary ${binaryId} → ${status}`);
	return data;
}

/** How many of the binaries n8n's binary-data endpoint gives out (the editor's download and view buttons use it). */
export async function readableThroughN8n(n8n: N8nHandle, binaryIds: string[]): Promise<number> {
	let readable = 0;
	for (const id of binaryIds) if ((await fetchStored(n8n, id)).status === 200) readable++;
	return readable;
}

/** The file id of a binary-data id in binary mode `database` (`database:<file id>`). */
function databaseFileId(binaryId: string): string {
	const fileId = /^database:([0-9a-f-]{36})$/.exec(binaryId)?.[1];
	if (!fileId) throw new Error(`not a database binary-data id: ${binaryId}`);
	return fileId;
}

/**
 * What n8n's `binary_data` table says each binary belongs to, tallied (`execution:<id>` for an execution, and
 * `execution:temp` for one stored before its execution had an id and never attached to it).
 */
export async function databaseOwners(
	postgres: PostgresHandle,
	binaryIds: string[],
): Promise<Record<string, number>> {
	if (binaryIds.length === 0) return {};
	const ids = binaryIds.map((id) => `'${databaseFileId(id)}'`).join(',');
	const rows = await postgres.query(
		`SELECT "sourceType" || ':' || CASE WHEN "sourceId" = 'temp' THEN 'temp' ELSE '<its execution>' END, count(*) FROM binary_data WHERE "fileId" IN (${ids}) GROUP BY 1`,
	);
	return Object.fromEntries(rows.map(([owner, count]) => [owner, Number(count)]));
}

const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

/** The SHA-256 (hex) of what n8n stored under a binary-data id, undefined when nothing is stored under it. */
export type StoredHash = (binaryId: string) => Promise<string | undefined>;

/** Through n8n's own binary-data endpoint on `n8n` (the process serving the editor's REST API). */
export const hashThroughN8n =
	(n8n: N8nHandle): StoredHash =>
	async (binaryId) =>
		sha256(await storedPdf(n8n, binaryId));

/** Straight from n8n's `binary_data` table (binary mode `database`; the id is `database:<file id>`). */
export const hashInDatabase =
	(postgres: PostgresHandle): StoredHash =>
	async (binaryId) => {
		const rows = await postgres.query(
			`SELECT encode(sha256(data), 'hex') FROM binary_data WHERE "fileId" = '${databaseFileId(binaryId)}'`,
		);
		return rows[0]?.[0];
	};

/** The binary-data ids of the PDFs attached to trigger items. */
export const attachedPdfs = (executions: PublicExecution[]) =>
	executions.flatMap((e) => {
		const id = nodeItems(e, TRIGGER)[0]?.binary?.data?.id;
		return id ? [id] : [];
	});

/**
 * Every PDF attached to a trigger item, read back with `storedHash`, compared byte for byte (SHA-256) with the one
 * the sandbox served for that report's own contract or verification among `served` (the sandbox's requests during
 * the load). Returns how many were compared and each mismatch.
 */
export async function compareStoredPdfs(
	storedHash: StoredHash,
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
		if ((await storedHash(id)) !== servedHash.get(own))
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
