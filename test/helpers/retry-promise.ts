/**
 * What README.md promises about retries, written here by hand rather than read from the transport, so that a changed
 * limit in the package fails the tests instead of moving their expectations.
 */

/** A transient fault (HTTP 5xx, a timeout, a reset or cut connection) is tried at most this many times. */
export const MAX_TRIES = 3;
