/**
 * Every Lofirmo function the package calls, in one place.
 *
 * Only two paths are published by the vendor (`/EnviarContrato`, `/VerificarIdentidad`). The others are our
 * best reading of the vendor's naming and are NOT confirmed: a user can override any of them in the credential
 * ("Path Overrides") without editing code. The README lists this table.
 */
export const LOFIRMO_FUNCTIONS = {
	sendContract: { path: '/EnviarContrato', documented: true },
	continueFlow: { path: '/ContinuarFlujo', documented: false },
	cancelContract: { path: '/CancelarContrato', documented: false },
	contractStatus: { path: '/EstadoContrato', documented: false },
	downloadContractPdf: { path: '/DescargarContrato', documented: false },
	credits: { path: '/GetCreditos', documented: false },
	sendIdentity: { path: '/VerificarIdentidad', documented: true },
	downloadIdentityCertificate: { path: '/DescargarCertificadoVerificacion', documented: false },
} as const;

export type LofirmoFunction = keyof typeof LOFIRMO_FUNCTIONS;

/** Not published for API 3.x: the legacy v2 API lived under www.lofirmo.com/api/v2, so this is our reading. */
export const DEFAULT_BASE_URL = 'https://www.lofirmo.com/api/v3';
