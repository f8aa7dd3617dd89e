/**
 * Every Lofirmo function the package calls, in one place.
 *
 * Only two paths are published by the vendor (`/EnviarContrato`, `/VerificarIdentidad`). The others are our
 * best reading of the vendor's naming and are NOT confirmed: a user can override any of them in the credential
 * ("Path Overrides") without editing code. The README lists this table.
 *
 * `changes`: the call does something (sends, charges credits, uses one of the 2 daily continues). Sending it twice
 * is not the same as once, so it is repeated only when it surely never reached Lofirmo (see the transport).
 */
export const LOFIRMO_FUNCTIONS = {
	sendContract: { path: '/EnviarContrato', documented: true, changes: true },
	continueFlow: { path: '/ContinuarFlujo', documented: false, changes: true },
	cancelContract: { path: '/CancelarContrato', documented: false, changes: true },
	contractStatus: { path: '/EstadoContrato', documented: false, changes: false },
	downloadContractPdf: { path: '/DescargarContrato', documented: false, changes: false },
	credits: { path: '/GetCreditos', documented: false, changes: false },
	sendIdentity: { path: '/VerificarIdentidad', documented: true, changes: true },
	downloadIdentityCertificate: { path: '/DescargarCertificadoVerificacion', documented: false, changes: false },
} as const;

export type LofirmoFunction = keyof typeof LOFIRMO_FUNCTIONS;

/** Not published for API 3.x: the legacy v2 API lived under www.lofirmo.com/api/v2, so this is our reading. */
export const DEFAULT_BASE_URL = 'https://www.lofirmo.com/api/v3';
