/**
 * Property-based: thousands of random and mutated reports, delivered every way, at the parser and at webhook().
 * Nothing throws, every authenticated report is emitted exactly once (and nothing unauthenticated is), and no payload
 * can pollute Object.prototype.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { LofirmoTrigger } from '../../nodes/Lofirmo/LofirmoTrigger.node';
import { readPayload } from '../../nodes/Lofirmo/trigger/payload';
import { normaliseReport } from '../../nodes/Lofirmo/trigger/report';
import { mutatedReport, nestedValue, TRICKY_TEXTS } from './arbitraries';
import { deliveries, IDENTITY_REPORT, type Delivery } from './fixtures';
import { basicAuthHeader, callWebhook } from './harness';

const EVENTS = ['contractStatusChanged', 'identityVerificationStatusChanged', 'unknown'];
const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
const HUGE = 'Ñ'.repeat(100_000);

const key = fc.oneof(
	fc.string(),
	fc.constantFrom(...DANGEROUS_KEYS),
	fc.constantFrom(...Object.keys(IDENTITY_REPORT)),
);
const leaf = fc.oneof(
	{
		arbitrary: fc.oneof(
			fc.string(),
			fc.integer(),
			fc.double(),
			fc.boolean(),
			fc.constant(null),
			fc.json(),
		),
		weight: 30,
	},
	{
		arbitrary: fc.constantFrom(...TRICKY_TEXTS),
		weight: 10,
	},
	// rare, or the run gets slow: each one is copied, encoded and parsed several times
	{ arbitrary: fc.constant(HUGE), weight: 1 },
);
const value = nestedValue(key, leaf);

const anyReport = fc.oneof(
	// re-casing an inherited name ("toString", "__proto__") also copies its inherited value into the report
	mutatedReport({ key, value, recaseInherited: true }),
	fc.dictionary(key, value),
	fc.object({ key, withNullPrototype: true }),
);

/** A delivery of a report, or a raw body of any shape at all. */
const delivery: fc.Arbitrary<Delivery> = fc.oneof(
	fc
		.tuple(fc.constantFrom(...Object.values(deliveries)), anyReport)
		.map(([deliver, report]) => deliver(report)),
	fc.record({
		headers: fc.record({
			'content-type': fc.constantFrom(
				'application/json',
				'text/plain',
				'multipart/form-data',
				'x/y',
			),
		}),
		body: fc.oneof(value, fc.string(), fc.constant(undefined)),
		rawBody: fc.option(
			fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
			{ nil: undefined },
		),
	}),
);

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

afterAll(() => {
	expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
	expect(({} as IDataObject).polluted).toBeUndefined();
});

it('the parser never throws and always gives a serialisable report', () => {
	fc.assert(
		fc.property(delivery, ({ headers, body, rawBody }) => {
			const report = normaliseReport(readPayload(body, headers['content-type'], rawBody));
			expect(EVENTS).toContain(report.event);
			expect(Array.isArray(report.parseErrors)).toBe(true);
			expect(() => JSON.stringify(report)).not.toThrow();
			expect(Object.getPrototypeOf(report)).toBe(Object.prototype);
		}),
		{ numRuns: 3000 },
	);
});

it('webhook() emits every authenticated report exactly once and nothing else', async () => {
	const credentials = { lofirmoWebhookApi: { user: 'lofirmo', password: 'secret' } };
	await fc.assert(
		fc.asyncProperty(delivery, fc.boolean(), fc.boolean(), async (sent, authOn, authRight) => {
			const authorization = basicAuthHeader('lofirmo', authRight ? 'secret' : 'wrong');
			const { items, responseData, response } = await callWebhook(LofirmoTrigger, {
				...sent,
				headers: { ...sent.headers, authorization },
				parameters: { authentication: authOn ? 'basicAuth' : 'none' },
				credentials,
			});
			if (authOn && !authRight) {
				expect(items).toEqual([]);
				expect(response.statusCode).toBe(401);
				return;
			}
			expect(items).toHaveLength(1);
			expect(responseData.workflowData).toHaveLength(1);
			expect(EVENTS).toContain(items[0].json.event);
		}),
		{ numRuns: 1500 },
	);
});
