/**
 * The two PDF downloads, asked for the same way by the action node (Download PDF, Download Certificate) and by the
 * trigger (Download Certified PDF), with one naming rule for the files:
 * `lofirmo-contract-<contractId>.pdf` (the certificate), `lofirmo-contract-<contractId>-signer-copy.pdf`,
 * `lofirmo-identity-<verificationId>.pdf`. Characters other than letters, digits, `.`, `_` and `-` in an ID become `_`.
 */
import type { IDataObject } from 'n8n-workflow';

import type { LofirmoFunction } from '../transport/endpoints';
import { contractParameters, type ContractReference } from './contractReference';

export const CONTRACT_PDF: LofirmoFunction = {
	key: 'downloadContractPdf',
	path: '/DescargarContrato',
	documented: false,
	changes: false,
};

export const IDENTITY_CERTIFICATE: LofirmoFunction = {
	key: 'downloadIdentityCertificate',
	path: '/DescargarCertificadoVerificacion',
	documented: false,
	changes: false,
};

/** `Doc` values and what each adds to the file name. */
const CONTRACT_DOCUMENTS = { CERTIFICADO: '', FIRMANTE: '-signer-copy' } as const;
export type ContractDocument = keyof typeof CONTRACT_DOCUMENTS;
export const CONTRACT_DOCUMENT_VALUES = Object.keys(CONTRACT_DOCUMENTS) as ContractDocument[];

export interface PdfDownload {
	fn: LofirmoFunction;
	body: IDataObject;
	fileName: string;
}

export function contractPdf(contract: ContractReference, document: ContractDocument): PdfDownload {
	return {
		fn: CONTRACT_PDF,
		body: { ...contractParameters(contract), Doc: document },
		fileName: `lofirmo-contract-${fileSafe(contract.contractId)}${CONTRACT_DOCUMENTS[document]}.pdf`,
	};
}

export function identityCertificate(verificationId: string): PdfDownload {
	return {
		fn: IDENTITY_CERTIFICATE,
		body: { Id: verificationId },
		fileName: `lofirmo-identity-${fileSafe(verificationId)}.pdf`,
	};
}

function fileSafe(id: string): string {
	return id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
}
