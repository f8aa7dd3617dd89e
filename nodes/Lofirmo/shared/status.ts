/**
 * Status codes the vendor has documented, with what they mean. Every other code is passed through untouched with a
 * `null` label: the vendor publishes no list, so we never guess (examples also show contract `11` and identity
 * `5001`, with no meaning given).
 */
export const CONTRACT_STATUS_LABELS: Readonly<Record<string, string>> = {
	'1014': 'Signed and certified',
};

export const IDENTITY_STATUS_LABELS: Readonly<Record<string, string>> = {
	'5100': 'Verified, certificate ready',
};

/** Contract status meaning the certified PDF can be downloaded. */
export const CONTRACT_CERTIFIED = '1014';
/** Identity status meaning the verification certificate can be downloaded. */
export const IDENTITY_CERTIFIED = '5100';

export function contractStatusLabel(code: string | undefined): string | null {
	return code !== undefined && code in CONTRACT_STATUS_LABELS ? CONTRACT_STATUS_LABELS[code] : null;
}

export function identityStatusLabel(code: string | undefined): string | null {
	return code !== undefined && code in IDENTITY_STATUS_LABELS ? IDENTITY_STATUS_LABELS[code] : null;
}

/** Where anyone can view a certified contract by its ContratoID, the "CSV" (secure verification code). */
export function contractVerificationUrl(contractId: string): string {
	return `https://www.lofirmo.com/csv/${encodeURIComponent(contractId)}`;
}
