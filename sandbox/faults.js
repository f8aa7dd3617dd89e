// @ts-check
// Injected faults for retry and error-handling tests, consumed in order by the requests they match.
const { ControlError, FUNCTION_KEYS } = require('./codes');

/**
 * @typedef {'status' | 'delay' | 'drop' | 'truncate' | 'truncate-complete' | 'notpdf' | 'negative' | 'unauthorized'}
 *   FaultType
 */
/**
 * @typedef {object} FaultOptions
 * @property {string} [fn] function key, or '*' (default) for any function
 * @property {FaultType | (string & {})} type checked when added, so a widened string is accepted
 * @property {number} [status] for 'status' (default 503)
 * @property {number} [ms] for 'delay' (default 1000)
 * @property {string} [res] for 'negative' (default '-2')
 * @property {number} [times] how many matching requests it hits (default 1)
 */
/** @typedef {{ fn: string, type: FaultType, status: number, ms: number, res: string, times: number }} Fault */

/** @type {FaultType[]} */
const TYPES = [
	'status',
	'delay',
	'drop',
	'truncate',
	'truncate-complete',
	'notpdf',
	'negative',
	'unauthorized',
];

/**
 * @param {unknown} value
 * @returns {Fault}
 */
function fault(value) {
	if (typeof value !== 'object' || value === null)
		throw new ControlError(400, 'fault: expected an object');
	const options = /** @type {Record<string, unknown>} */ (value);
	const { fn = '*', type, status = 503, ms = 1000, res = '-2', times = 1 } = options;
	if (
		typeof fn !== 'string' ||
		(fn !== '*' && !(/** @type {string[]} */ (FUNCTION_KEYS).includes(fn)))
	) {
		throw new ControlError(400, `fault.fn: must be '*' or one of ${FUNCTION_KEYS.join(', ')}`);
	}
	if (typeof type !== 'string' || !(/** @type {string[]} */ (TYPES).includes(type))) {
		throw new ControlError(400, `fault.type: must be one of ${TYPES.join(', ')}`);
	}
	if (!Number.isInteger(status) || Number(status) < 100 || Number(status) > 599) {
		throw new ControlError(400, 'fault.status: must be an HTTP status 100-599');
	}
	if (typeof ms !== 'number' || !(ms >= 0))
		throw new ControlError(400, 'fault.ms: must be a number of milliseconds');
	if (typeof res !== 'string') throw new ControlError(400, 'fault.res: must be a string');
	if (!Number.isInteger(times) || Number(times) < 1) {
		throw new ControlError(400, 'fault.times: must be a positive integer');
	}
	return {
		fn,
		type: /** @type {FaultType} */ (type),
		status: Number(status),
		ms,
		res,
		times: Number(times),
	};
}

class FaultQueue {
	/** @type {Fault[]} */
	#pending = [];

	/** @param {FaultOptions | FaultOptions[]} faults */
	add(faults) {
		const list = (Array.isArray(faults) ? faults : [faults]).map(fault);
		this.#pending.push(...list);
	}

	clear() {
		this.#pending = [];
	}

	/**
	 * Consumes one use of the first fault matching the function.
	 * @param {string} fn
	 * @returns {Fault | null}
	 */
	take(fn) {
		const index = this.#pending.findIndex((f) => f.fn === '*' || f.fn === fn);
		if (index < 0) return null;
		const found = this.#pending[index];
		found.times -= 1;
		if (found.times === 0) this.#pending.splice(index, 1);
		return found;
	}
}

module.exports = { FaultQueue };
