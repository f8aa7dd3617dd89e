// @ts-check
// The vendor's function names, result codes and status codes, and the sandbox's own error types.

/**
 * Function key → default function name. `EnviarContrato` and `VerificarIdentidad` are documented by the vendor;
 * the others are our best reading of unpublished paths, hence overridable through `options.paths`.
 */
const DEFAULT_FUNCTION_NAMES = Object.freeze({
	sendContract: 'EnviarContrato',
	continueFlow: 'ContinuarFlujo',
	cancelContract: 'CancelarContrato',
	contractStatus: 'EstadoContrato',
	downloadContractPdf: 'DescargarContrato',
	credits: 'GetCreditos',
	sendIdentity: 'VerificarIdentidad',
	downloadIdentityCertificate: 'DescargarCertificadoVerificacion',
});

/** @typedef {keyof typeof DEFAULT_FUNCTION_NAMES} FunctionKey */

/** @type {FunctionKey[]} */
const FUNCTION_KEYS = /** @type {FunctionKey[]} */ (Object.keys(DEFAULT_FUNCTION_NAMES));

/**
 * `Res` values. The positive ones come from the vendor's examples. Every negative one is SANDBOX-ONLY: the vendor
 * has not published its error codes, so a client must show the raw code and never depend on these meanings.
 *
 * | Res  | meaning                                                                        | HTTP |
 * | ---- | ------------------------------------------------------------------------------ | ---- |
 * | 10   | send or credits succeeded (vendor example)                                     | 200  |
 * | 1    | continue, cancel or status succeeded (vendor example)                          | 200  |
 * | -1   | authentication failed                                                          | 401  |
 * | -2   | missing or invalid parameter, body or Resp; `Error` names it                   | 200  |
 * | -3   | unknown contract or identity request (for this account)                        | 200  |
 * | -4   | not enough credits                                                             | 200  |
 * | -5   | continue-flow limit reached (2 per contract per day, Spain time)               | 200  |
 * | -6   | wrong state: cancel/continue a finished contract, download before it is ready  | 200  |
 * | -404 | unknown function                                                               | 404  |
 * | -405 | method other than POST                                                         | 405  |
 * | -413 | body larger than 64 MiB                                                        | 413  |
 */
const RES = Object.freeze({
	SENT: '10',
	OK: '1',
	AUTH: '-1',
	INVALID: '-2',
	UNKNOWN: '-3',
	CREDITS: '-4',
	LIMIT: '-5',
	STATE: '-6',
	NO_FUNCTION: '-404',
	METHOD: '-405',
	TOO_LARGE: '-413',
});

/**
 * Status codes. 11, 1014 (signed and certified), 5001 and 5100 (certificate ready) appear in the vendor's documents;
 * the sandbox uses 11 as "in progress" and 5001 as "sent". 9000 (cancelled) is SANDBOX-ONLY: the vendor's code for
 * a cancelled contract is not published.
 */
const STATUS = Object.freeze({
	CONTRACT_SENT: '11',
	CONTRACT_CERTIFIED: '1014',
	CONTRACT_CANCELLED: '9000',
	IDENTITY_SENT: '5001',
	IDENTITY_CERTIFIED: '5100',
});

/** A vendor-function failure, answered as `[{"Res":"<res>","Error":"<message>"}]`. */
class ApiError extends Error {
	/**
	 * @param {string} res negative `Res` code
	 * @param {string} message names the offending parameter first
	 */
	constructor(res, message) {
		super(message);
		this.res = res;
	}
}

/** A control-endpoint failure, answered with this HTTP status and `{ ok: false, error }`. */
class ControlError extends Error {
	/**
	 * @param {number} httpStatus
	 * @param {string} message
	 */
	constructor(httpStatus, message) {
		super(message);
		this.httpStatus = httpStatus;
	}
}

module.exports = { DEFAULT_FUNCTION_NAMES, FUNCTION_KEYS, RES, STATUS, ApiError, ControlError };
