/**
 * What the transport knows of a Lofirmo function. Each operation file declares the one it calls (the two PDF
 * downloads are declared in shared/downloads.ts, as the trigger calls them too); actions/operations.ts lists them all
 * for the credential, the README table and the tests.
 *
 * Only two paths are published by the vendor (`/EnviarContrato`, `/VerificarIdentidad`). The others are our best
 * reading of the vendor's naming and are NOT confirmed: a user can override any of them in the credential ("Path
 * Overrides") without editing code.
 */
export interface LofirmoFunction {
	/** Its name in the credential's Path Overrides. */
	readonly key: string;
	readonly path: string;
	/** Whether the vendor published the path. */
	readonly documented: boolean;
	/**
	 * The call does something (sends, charges credits, uses one of the 2 daily continues). Sending it twice is not the
	 * same as once, so it is repeated only when it surely never reached Lofirmo (see request.ts).
	 */
	readonly changes: boolean;
}

/** Not published for API 3.x: the legacy v2 API lived under www.lofirmo.com/api/v2, so this is our reading. */
export const DEFAULT_BASE_URL = 'https://www.lofirmo.com/api/v3';
