/**
 * What an execution of a load workflow must hold for the report it carried: exactly one trigger item whose fields
 * and whole raw payload are the report sent, no parse errors, the PDF attached when the report is certified (and
 * none otherwise), and that item on through the workflow's last node.
 */
import type { PublicExecution } from '../../../scripts/n8n-harness';
import { nodeItems } from './executions';
import { DONE, TRIGGER } from './n8n-setup';
import { isCertified, keyOf, type Outgoing, type ReportPayload } from './reports';

/** What the trigger's item must say for the report sent. */
function expectedItem(p: ReportPayload): Record<string, unknown> {
	return p.Servicio === 'CONTRATACION'
		? {
				event: 'contractStatusChanged',
				contractId: p.ContratoID,
				reportId: p.ReportID,
				status: p.Resultado,
				reference: p.Referencia,
			}
		: {
				event: 'identityVerificationStatusChanged',
				verificationId: p.ID,
				status: p.Estado,
				mobile: p.Telefono,
			};
}

/** The report one execution carried (its key) and what in it differs from the report sent under that key. */
export function checkExecution(
	execution: PublicExecution,
	byKey: Map<string, Outgoing>,
): { key?: string; problems: string[] } {
	const problems: string[] = [];
	const items = nodeItems(execution, TRIGGER);
	if (execution.status !== 'success')
		problems.push(`execution ${execution.id} ended ${execution.status}`);
	if (items.length !== 1) {
		problems.push(`execution ${execution.id}: ${items.length} trigger items`);
		return { problems };
	}
	const { json, binary } = items[0];
	const raw = json.raw as ReportPayload;
	const key = raw && typeof raw === 'object' ? keyOf(raw) : `?${execution.id}`;
	const report = byKey.get(key);
	if (!report) {
		problems.push(`execution ${execution.id}: a report nobody sent (${key})`);
		return { key, problems };
	}
	const p = report.payload;
	const expected = expectedItem(p);
	const got = Object.fromEntries(Object.keys(expected).map((k) => [k, json[k]]));
	if (JSON.stringify(got) !== JSON.stringify(expected))
		problems.push(`${key}: item ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`);
	if (JSON.stringify(raw) !== JSON.stringify(p))
		problems.push(`${key} (${report.format}): raw payload differs from the one sent`);
	if (!Array.isArray(json.parseErrors) || json.parseErrors.length !== 0)
		problems.push(`${key}: parseErrors ${JSON.stringify(json.parseErrors)}`);
	if (isCertified(p)) {
		const file =
			p.Servicio === 'CONTRATACION'
				? `lofirmo-contract-${p.ContratoID}.pdf`
				: `lofirmo-identity-${p.ID}.pdf`;
		if (json.downloadError !== null)
			problems.push(`${key}: downloadError ${JSON.stringify(json.downloadError)}`);
		if (binary?.data?.fileName !== file || !binary.data.id)
			problems.push(`${key}: binary ${JSON.stringify(binary?.data ?? null)}`);
	} else if (binary !== undefined || 'downloadError' in json) {
		problems.push(
			`${key}: no certificate expected, got ${JSON.stringify({ binary, downloadError: json.downloadError })}`,
		);
	}
	if (nodeItems(execution, DONE).length !== 1)
		problems.push(
			`${key}: the NoOp after the trigger got ${nodeItems(execution, DONE).length} items`,
		);
	return { key, problems };
}
