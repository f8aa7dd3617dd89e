/**
 * The one way this package talks to Lofirmo, by job: request.ts sends a call and retries it, failures.ts says what
 * went wrong and whether trying again is safe, answer.ts reads what Lofirmo answered, errors.ts words the errors,
 * pdf.ts streams and checks downloaded PDFs, run.ts is what one node run remembers.
 */
export { parseApiAnswer } from './answer';
export { DEFAULT_BASE_URL, type LofirmoFunction } from './endpoints';
export { lofirmoDownloadPdf, type DownloadOptions, type StoredPdf } from './pdf';
export { lofirmoApiRequest, resolvePath, type RequestOptions } from './request';
export { CREDENTIAL_TYPE, LofirmoRun, type LofirmoContext } from './run';
