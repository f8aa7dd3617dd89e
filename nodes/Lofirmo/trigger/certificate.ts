/**
 * The certified PDF of a report whose status says it is ready (contract `1014`, identity `5100`), downloaded with the
 * Lofirmo API credential. A failure never stops the report: the item carries `downloadError` instead. Lofirmo waits
 * for the trigger's HTTP answer while this runs, so the wait is bounded; past the limit the report goes on without
 * the PDF (the Lofirmo node can download it later).
 */
import type { IBinaryKeyData, IWebhookFunctions } from 'n8n-workflow';

import { contractPdf, identityCertificate, type PdfDownload } from '../shared/downloads';
import { CONTRACT_CERTIFIED, IDENTITY_CERTIFIED } from '../shared/status';
import { lofirmoDownloadPdf } from '../transport';
import { CONTRACT_EVENT, IDENTITY_EVENT, type Report } from './report';

export interface CertificateOutcome {
	binary?: IBinaryKeyData;
	downloadError: string | null;
}

/** What to download for this report, why it cannot be downloaded, or undefined when it has no certificate yet. */
function certificateDownload(report: Report): PdfDownload | { error: string } | undefined {
	if (report.event === CONTRACT_EVENT && report.status === CONTRACT_CERTIFIED) {
		const contractId = idText(report.contractId);
		const reportId = idText(report.reportId);
		if (!contractId || !reportId) {
			return {
				error:
					'The report has no ContratoID or no ReportID, so its certified PDF cannot be downloaded',
			};
		}
		return contractPdf({ contractId, reportId }, 'CERTIFICADO');
	}
	if (report.event === IDENTITY_EVENT && report.status === IDENTITY_CERTIFIED) {
		const id = idText(report.verificationId);
		if (!id) return { error: 'The report has no ID, so its certificate cannot be downloaded' };
		return identityCertificate(id);
	}
	return undefined;
}

/** Downloads the report's certificate if it has one; undefined when there is nothing to download. */
export async function fetchCertificate(
	this: IWebhookFunctions,
	report: Report,
	binaryProperty: string,
	timeLimitSeconds: number,
): Promise<CertificateOutcome | undefined> {
	const download = certificateDownload(report);
	if (download === undefined) return undefined;
	if ('error' in download) return { downloadError: download.error };

	// past the time limit the download is stopped, not left running in the background
	let limit: AbortSignal | undefined;
	try {
		limit = AbortSignal.timeout(timeLimitSeconds * 1000);
		const pdf = await lofirmoDownloadPdf.call(this, download.fn, download.body, {
			fileName: download.fileName,
			abortSignal: limit,
		});
		return { binary: { [binaryProperty]: pdf.binary }, downloadError: null };
	} catch (error) {
		if (limit?.aborted) {
			return {
				downloadError: `The PDF did not arrive within ${timeLimitSeconds} seconds, so the report was passed on without it. Download it with the Lofirmo node.`,
			};
		}
		return { downloadError: describe(error) };
	}
}

function idText(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

// The transport's errors hold only what it put in them (never the credential), so they can be shown as they are.
function describe(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	const description = (error as { description?: unknown }).description;
	return typeof description === 'string' && description !== ''
		? `${error.message}: ${description}`
		: error.message;
}
