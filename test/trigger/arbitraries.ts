/**
 * fast-check arbitraries shared by the trigger's property test (test/trigger/property.test.ts) and the fuzz suite
 * (test/reliability/fuzz.test.ts): nested values, and the vendor's example reports mutated field by field. Each
 * suite brings its own keys and leaves.
 */
import fc from 'fast-check';

import { CONTRACT_REPORT, IDENTITY_REPORT } from './fixtures';

/** Text that is almost JSON, a date or a status code: what a report parser trips on. */
export const TRICKY_TEXTS = ['', '{', '{"a":', '[1,2', 'null', '2021-02-30 10:10', '1014', '5100'];

/** defineProperty, not assignment: a "__proto__" key must be a plain key, as JSON.parse makes it. */
export function setOwn(target: Record<string, unknown>, name: string, value: unknown) {
	Object.defineProperty(target, name, {
		value,
		enumerable: true,
		configurable: true,
		writable: true,
	});
}

/** A leaf, or arrays (up to 3 entries) and objects (up to 4 keys) of such values, 3 levels deep at most. */
export function nestedValue(
	key: fc.Arbitrary<string>,
	leaf: fc.Arbitrary<unknown>,
): fc.Arbitrary<unknown> {
	return fc.letrec((tie) => ({
		value: fc.oneof({ maxDepth: 3 }, leaf, fc.array(tie('value'), { maxLength: 3 }), tie('object')),
		object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
	})).value;
}

export interface MutatedReportOptions {
	/** The fields to delete, set, re-case or add. */
	key: fc.Arbitrary<string>;
	/** What a field is set to. */
	value: fc.Arbitrary<unknown>;
	/**
	 * Adds the 'encode' mutation: one of these fields (the ones Lofirmo sends as JSON text) set to the JSON text of a
	 * value. Without it, only delete, set and recase.
	 */
	encode?: readonly string[];
	/**
	 * 'recase' also a name the report only inherits (checked with `in`, not as an own field): `toString` then adds
	 * an own `TOSTRING` holding Object.prototype.toString. Default: own fields only.
	 */
	recaseInherited?: boolean;
}

type Mutation =
	{ op: 'delete' | 'recase'; key: string } | { op: 'set' | 'encode'; key: string; value: unknown };

/** A vendor example with up to 6 mutations: fields deleted, replaced, re-cased, added (and encoded, if asked). */
export function mutatedReport(
	options: MutatedReportOptions,
): fc.Arbitrary<Record<string, unknown>> {
	const { key, value, encode } = options;
	const mutation: Array<fc.Arbitrary<Mutation>> = [
		fc.record({ op: fc.constant('delete' as const), key }),
		fc.record({ op: fc.constant('set' as const), key, value }),
		fc.record({ op: fc.constant('recase' as const), key }),
	];
	if (encode)
		mutation.push(
			fc.record({ op: fc.constant('encode' as const), key: fc.constantFrom(...encode), value }),
		);
	const has = (report: Record<string, unknown>, name: string) =>
		options.recaseInherited ? name in report : Object.prototype.hasOwnProperty.call(report, name);

	return fc
		.tuple(
			fc.constantFrom(CONTRACT_REPORT, IDENTITY_REPORT),
			fc.array(fc.oneof(...mutation), { maxLength: 6 }),
		)
		.map(([example, mutations]) => {
			const report: Record<string, unknown> = JSON.parse(JSON.stringify(example));
			for (const m of mutations) {
				const target = Object.keys(report).find((k) => k === m.key) ?? m.key;
				if (m.op === 'delete') delete report[target];
				if (m.op === 'set') setOwn(report, target, m.value);
				if (m.op === 'encode') setOwn(report, target, JSON.stringify(m.value) ?? 'undefined');
				if (m.op === 'recase' && has(report, target)) {
					const moved = report[target];
					delete report[target];
					setOwn(report, target.toUpperCase(), moved);
				}
			}
			return report;
		});
}
