/**
 * Fuzzing (issue 8, suite 3): more than 10,000 generated and mutated payloads at the two places where outside data
 * enters the package.
 *
 * - The trigger's webhook(): vendor reports mutated field by field and byte by byte, delivered as JSON, form,
 *   multipart, text and untyped bodies, wrong content types, empty bodies, 1 MB fields, 5,000-level nesting,
 *   invalid UTF-8 and `__proto__` / `constructor` / `prototype` keys. Every authenticated payload is emitted exactly
 *   once, with its raw data kept (byte for byte when it could not be parsed) and the problems listed in
 *   `parseErrors`, and the item can be stored by n8n (it serialises); or it is answered with a clear refusal
 *   (401, or `ignored: filtered` when the user's filter excludes it). Nothing is silently dropped.
 * - The action node's inputs: every JSON field (Signers (JSON), Documents (JSON)) with generated and mutated JSON
 *   text and any value an expression can give, and every other field of every operation with such values. Each
 *   input is either sent (exactly one request) or refused with a NodeOperationError whose message names the field,
 *   with a short description, and no request at all. Each field is fuzzed on its own, with values it accepts mixed
 *   in, and must have been both sent and refused.
 *
 * Everything is generated from a fixed seed, so each run, and each test run alone (`-t`), is the same.
 *
 * Throughout, no built-in prototype is polluted. An unhandled rejection would fail the test it happens in (Jest).
 * The counts go to test-output/reliability/fuzz.json (PLAN, below: written only when a whole run counted them).
 */
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mutatedReport, nestedValue, setOwn, TRICKY_TEXTS } from '../trigger/arbitraries';
import {
	CONTRACT_REPORT,
	CONTRACT_REPORT_JSON,
	deliveries,
	IDENTITY_REPORT,
	IDENTITY_REPORT_JSON,
	type Delivery,
} from '../trigger/fixtures';
import { countFigures, recordFigures } from '../helpers/figures';
import {
	basicAuthHeader,
	callTrigger,
	pollution,
	runNode,
	STUB_CREDENTIALS,
	stubLofirmo,
	type TriggerResult,
} from './support';

/** Runs of each property (perField: of each field of the action node). */
const RUNS = {
	vendorMutations: 1800,
	rawBodies: 1800,
	parsedBodies: 800,
	authHeaders: 500,
	filtered: 300,
	jsonField: 1100,
	unparsableJson: 400,
	perField: 65,
};

// Every payload fuzzed is seeded: a run is the same each time, so a field's "sent" and "refused" are always both met.
fc.configureGlobal({ seed: 13 });

const EVENTS = ['contractStatusChanged', 'identityVerificationStatusChanged', 'unknown'];
const DANGEROUS_KEYS = [
	'__proto__',
	'constructor',
	'prototype',
	'toString',
	'valueOf',
	'hasOwnProperty',
	'__defineGetter__',
];
const REPORT_KEYS = [
	...new Set([...Object.keys(CONTRACT_REPORT), ...Object.keys(IDENTITY_REPORT)]),
];
const MB = 1024 * 1024;
const HUGE = 'x'.repeat(MB);
const DEPTH = 5000;
/** Invalid UTF-8: a lone continuation byte, a cut 2-byte sequence, an overlong '/', a UTF-16 surrogate, 0xFF. */
const INVALID_UTF8 = [
	[0x80],
	[0xc3, 0x28],
	[0xc0, 0xaf],
	[0xed, 0xa0, 0x80],
	[0xff],
	[0xf8, 0x88, 0x80, 0x80, 0x80],
];

const deepObject = (depth: number, leaf: unknown = 'bottom'): unknown => {
	let value: unknown = leaf;
	for (let i = 0; i < depth; i++) value = { a: value };
	return value;
};
const deepArrayText = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const deepObjectText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

// ---- arbitraries ---------------------------------------------------------------------------------------------

const key = fc.oneof(
	fc.string(),
	fc.constantFrom(...DANGEROUS_KEYS),
	fc.constantFrom(...REPORT_KEYS),
	fc.constantFrom(...REPORT_KEYS).map((k) => k.toLowerCase()),
);
const leaf = fc.oneof(
	{
		arbitrary: fc.oneof(
			fc.string(),
			fc.string({ unit: 'binary' }),
			fc.integer(),
			fc.double(),
			fc.boolean(),
			fc.constant(null),
		),
		weight: 30,
	},
	{
		arbitrary: fc.constantFrom(...TRICKY_TEXTS, ' ', '-1', '1e400', '{"__proto__":{"polluted":1}}'),
		weight: 10,
	},
	{
		arbitrary: fc.constantFrom(
			'CONTRATACION',
			'VERIFICACION_IDENTIDAD',
			'contratacion',
			' CONTRATACION ',
		),
		weight: 5,
	},
	// long and deep values are rare here (and the 1 MB and 5,000-level ones hand-made below) to keep runs fast
	{ arbitrary: fc.constant('Ñ'.repeat(5_000)), weight: 1 },
);
const value = nestedValue(key, leaf);

const anyReport = fc.oneof(
	// vendor examples with fields deleted, replaced, re-cased, added, or their JSON-encoded fields mangled
	{
		arbitrary: mutatedReport({
			key,
			value,
			encode: ['Acceso', 'Posicion', 'Dispositivo', 'Result'],
		}),
		weight: 4,
	},
	{ arbitrary: fc.dictionary(key, value), weight: 1 },
	{ arbitrary: fc.object({ key, withNullPrototype: true }), weight: 1 },
);

/** Bytes of a vendor example (JSON or form), mutated: bytes flipped, inserted (invalid UTF-8 too), cut or repeated. */
const mutatedBytes = fc
	.tuple(
		fc.constantFrom(
			Buffer.from(CONTRACT_REPORT_JSON),
			Buffer.from(IDENTITY_REPORT_JSON),
			Buffer.from(new URLSearchParams(CONTRACT_REPORT).toString()),
			Buffer.from(new URLSearchParams(IDENTITY_REPORT).toString()),
		),
		fc.array(
			fc.oneof(
				fc.record({
					op: fc.constant('flip' as const),
					at: fc.nat(),
					byte: fc.integer({ min: 0, max: 255 }),
				}),
				fc.record({
					op: fc.constant('insert' as const),
					at: fc.nat(),
					bytes: fc.constantFrom(...INVALID_UTF8),
				}),
				fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
				fc.record({
					op: fc.constant('repeat' as const),
					at: fc.nat(),
					length: fc.integer({ min: 1, max: 40 }),
				}),
			),
			{ minLength: 1, maxLength: 5 },
		),
	)
	.map(([original, mutations]) => {
		let bytes = Buffer.from(original);
		for (const m of mutations) {
			const at = bytes.length === 0 ? 0 : m.at % bytes.length;
			if (m.op === 'flip') bytes[at] = m.byte;
			if (m.op === 'insert')
				bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
			if (m.op === 'cut') bytes = bytes.subarray(0, at);
			if (m.op === 'repeat')
				bytes = Buffer.concat([
					bytes.subarray(0, at),
					bytes.subarray(at, at + m.length),
					bytes.subarray(at),
				]);
		}
		return bytes;
	});

const rawBytes = fc.oneof(
	{ arbitrary: mutatedBytes, weight: 6 },
	{ arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), weight: 2 },
	{ arbitrary: fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)), weight: 1 },
	{ arbitrary: fc.constantFrom(...INVALID_UTF8).map((b) => Buffer.from(b)), weight: 1 },
);

/**
 * Content types n8n does not parse (it then hands the node only `rawBody`), and text/plain (it also gives the body
 * decoded as UTF-8 text).
 */
const unparsedType = fc.constantFrom(
	undefined,
	'',
	'text/plain',
	'text/plain; charset=iso-8859-1',
	'text/html',
	'application/javascript',
	'application/octet-stream',
	'application/pdf',
	'image/png',
	'x/y',
	';;;',
	'multipart/mixed',
);

/** A body in a content type n8n does not parse, as n8n hands it over. */
const rawDelivery: fc.Arbitrary<Delivery & { bytes: Buffer }> = fc
	.tuple(unparsedType, rawBytes)
	.map(([type, bytes]) => ({
		headers: type === undefined ? ({} as Record<string, string>) : { 'content-type': type },
		body: type?.startsWith('text/plain') ? bytes.toString('utf8') : undefined,
		rawBody: bytes,
		bytes,
	}));

/** A body n8n parsed (JSON, form, multipart) that is not a report: arrays, scalars, odd multipart shapes. */
const oddParsedDelivery: fc.Arbitrary<Delivery> = fc.oneof(
	value.map((body) => {
		const text = JSON.stringify(body) ?? 'null';
		return {
			headers: { 'content-type': 'application/json' },
			body: JSON.parse(text),
			rawBody: Buffer.from(text),
		};
	}),
	fc
		.array(anyReport, { maxLength: 3 })
		.map((reports) => ({ headers: { 'content-type': 'application/json' }, body: reports })),
	anyReport.map((report) => ({
		headers: { 'content-type': 'multipart/form-data; boundary=x' },
		body: { data: report, files: { file: { size: 3 } } },
	})),
	anyReport.map((report) => ({
		headers: { 'content-type': 'multipart/form-data; boundary=x' },
		body: { files: report },
	})),
	value.map((data) => ({
		headers: { 'content-type': 'multipart/form-data; boundary=x' },
		body: { data },
	})),
);

// ---- trigger checks ------------------------------------------------------------------------------------------

const AUTH = { lofirmoWebhookApi: { user: 'lofirmo', password: 'right-password' } };
const RIGHT = basicAuthHeader('lofirmo', 'right-password');

/** The payload was emitted exactly once, as an item n8n can store, its problems listed, its raw data kept. */
function expectEmitted(result: TriggerResult, bytes?: Buffer): IDataObject {
	expect(result.response.statusCode).toBeUndefined();
	expect(result.responseData.webhookResponse).toEqual({ received: true });
	expect(result.items).toHaveLength(1);
	const json = result.items[0].json;
	expect(EVENTS).toContain(json.event);
	expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
	const parseErrors = json.parseErrors as Array<{ field: unknown; error: unknown }>;
	expect(Array.isArray(parseErrors)).toBe(true);
	for (const problem of parseErrors) {
		expect(typeof problem.field).toBe('string');
		expect(typeof problem.error).toBe('string');
		// clear and short: a 1 MB field must not make a 1 MB error
		expect((problem.error as string).length).toBeLessThan(300);
	}
	// n8n stores items as JSON: an item it cannot serialise would fail the execution after the vendor got its 200
	expect(() => JSON.stringify(result.items)).not.toThrow();
	const unparsed = parseErrors.some(
		(p) => p.field === 'body' && /neither JSON nor form/.test(String(p.error)),
	);
	if (unparsed && bytes) {
		// the raw data is kept byte for byte, whatever its encoding
		expect(typeof json.raw).toBe('string');
		const raw = json.raw as string;
		expect(Buffer.from(raw, 'utf8').equals(bytes) || Buffer.from(raw, 'latin1').equals(bytes)).toBe(
			true,
		);
	}
	expect(pollution()).toBeUndefined();
	return json;
}

async function deliver(delivery: Delivery, parameters: IDataObject = {}) {
	return callTrigger({
		...delivery,
		headers: { ...delivery.headers, authorization: RIGHT },
		parameters: { authentication: 'basicAuth', ...parameters },
		credentials: AUTH,
	});
}

// ---- hand-made extremes at the trigger ------------------------------------------------------------------------

/** Title, delivery, and the bytes sent when raw must keep them exactly. */
const TRIGGER_EXTREMES: Array<[string, Delivery, Buffer?]> = [];
const add = (title: string, delivery: Delivery, bytes?: Buffer) =>
	TRIGGER_EXTREMES.push([title, delivery, bytes]);

// empty bodies
add('an empty JSON object', deliveries.json({}));
add('an empty form', deliveries.form({}));
add('an empty multipart', deliveries.multipart({}));
add('an empty text body', {
	headers: { 'content-type': 'text/plain' },
	body: '',
	rawBody: Buffer.alloc(0),
});
add('no body and no content type', { headers: {}, body: undefined });
add('a null body', { headers: { 'content-type': 'application/json' }, body: null });
add('only whitespace', {
	headers: { 'content-type': 'text/plain' },
	body: ' \r\n\t',
	rawBody: Buffer.from(' \r\n\t'),
});
add('only a byte-order mark', {
	headers: {},
	body: undefined,
	rawBody: Buffer.from([0xef, 0xbb, 0xbf]),
});
add('multipart with files only', {
	headers: { 'content-type': 'multipart/form-data; boundary=x' },
	body: { data: {}, files: { f: {} } },
});

// 1 MB in each field, each way it can come
for (const [name, report] of [
	['contract', CONTRACT_REPORT],
	['identity', IDENTITY_REPORT],
] as const) {
	for (const field of Object.keys(report)) {
		add(`a 1 MB ${name} ${field} as JSON`, deliveries.json({ ...report, [field]: HUGE }));
	}
	add(
		`a 1 MB ${name} report field as a form`,
		deliveries.form({ ...report, Referencia: HUGE, Result: HUGE }),
	);
	add(
		`a 1 MB ${name} report field as multipart`,
		deliveries.multipart({ ...report, Servicio: HUGE }),
	);
	add(`a 1 MB key in a ${name} report`, deliveries.json({ ...report, [HUGE]: 'x' }));
}
add(
	'a 1 MB untyped body',
	{ headers: {}, body: undefined, rawBody: Buffer.from(HUGE) },
	Buffer.from(HUGE),
);
add(
	'1 MB of random bytes',
	{
		headers: { 'content-type': 'application/octet-stream' },
		body: undefined,
		rawBody: pseudoRandomBytes(MB),
	},
	pseudoRandomBytes(MB),
);

// 5,000 levels of nesting, parsed by n8n and as text the trigger parses itself
add(
	'a 5,000-level object in a JSON report',
	jsonDelivery(withDeep(CONTRACT_REPORT, 'Referencia', deepObjectText(DEPTH))),
);
add(
	'a 5,000-level array in a JSON report',
	jsonDelivery(withDeep(IDENTITY_REPORT, 'Result', deepArrayText(DEPTH))),
);
add('a 5,000-level object as the whole body', jsonDelivery(deepObjectText(DEPTH)));
add('a 5,000-level array as the whole body', jsonDelivery(deepArrayText(DEPTH)));
for (const field of ['Acceso', 'Posicion', 'Dispositivo', 'Result']) {
	add(
		`a 5,000-level JSON text in ${field}`,
		deliveries.json({ ...IDENTITY_REPORT, [field]: deepObjectText(DEPTH) }),
	);
	add(
		`a 5,000-level JSON array text in ${field} (form)`,
		deliveries.form({ ...IDENTITY_REPORT, [field]: deepArrayText(DEPTH) }),
	);
}
add('a 5,000-level JSON text body with a wrong type', {
	headers: { 'content-type': 'text/plain' },
	body: deepObjectText(DEPTH),
	rawBody: Buffer.from(deepObjectText(DEPTH)),
});
add('a 5,000-level JSON array body, untyped', {
	headers: {},
	body: undefined,
	rawBody: Buffer.from(deepArrayText(DEPTH)),
});
add(
	'a 5,000-level report wrapped in an array',
	jsonDelivery(`[${withDeep(CONTRACT_REPORT, 'NumFirmantes', deepObjectText(DEPTH))}]`),
);

// invalid UTF-8, where n8n does not decode it for us
for (const bad of INVALID_UTF8) {
	const json = Buffer.concat([
		Buffer.from(CONTRACT_REPORT_JSON.replace('indicó', 'indic')),
		Buffer.from(bad),
	]);
	add(
		`JSON text with invalid UTF-8 ${Buffer.from(bad).toString('hex')} after it, untyped`,
		{ headers: {}, body: undefined, rawBody: json },
		json,
	);
	const [before, after] = CONTRACT_REPORT_JSON.split('indicó');
	const inside = Buffer.concat([
		Buffer.from(`${before}indic`),
		Buffer.from(bad),
		Buffer.from(after),
	]);
	add(
		`JSON text with invalid UTF-8 ${Buffer.from(bad).toString('hex')} inside a value, as text/plain`,
		{ headers: { 'content-type': 'text/plain' }, body: inside.toString('utf8'), rawBody: inside },
	);
}
const latin1 = Buffer.from(CONTRACT_REPORT_JSON, 'latin1');
add('a Latin-1 (ISO-8859-1) JSON report, untyped', {
	headers: { 'content-type': 'application/octet-stream' },
	body: undefined,
	rawBody: latin1,
});
const latin1Form = Buffer.from(
	'Servicio=CONTRATACION&ContratoID=1&Resultado=11&Referencia=Su referencia si la indic\xf3',
	'latin1',
);
add('a Latin-1 form, untyped', { headers: {}, body: undefined, rawBody: latin1Form });
const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28, 0x80, 0x0a]);
add(
	'pure binary garbage',
	{ headers: { 'content-type': 'image/png' }, body: undefined, rawBody: garbage },
	garbage,
);

// prototype-pollution keys, in every delivery
const attacks = [
	'{"__proto__":{"polluted":"yes"},"Servicio":"CONTRATACION","ContratoID":"1","Resultado":"1014"}',
	'{"constructor":{"prototype":{"polluted":"yes"}},"Servicio":"VERIFICACION_IDENTIDAD","ID":"1","Estado":"5100"}',
	'{"Servicio":"VERIFICACION_IDENTIDAD","ID":"1","Estado":"5100","Result":"{\\"__proto__\\":{\\"polluted\\":\\"yes\\"}}"}',
	'[{"__proto__":{"isAdmin":true},"prototype":{"polluted":"yes"}}]',
];
for (const text of attacks) {
	add(`JSON ${text.slice(0, 40)}…`, {
		headers: { 'content-type': 'application/json' },
		body: JSON.parse(text),
		rawBody: Buffer.from(text),
	});
	add(`text ${text.slice(0, 40)}…`, {
		headers: { 'content-type': 'text/plain' },
		body: text,
		rawBody: Buffer.from(text),
	});
	add(`untyped ${text.slice(0, 40)}…`, {
		headers: {},
		body: undefined,
		rawBody: Buffer.from(text),
	});
}
for (const form of [
	'__proto__[polluted]=yes&Servicio=CONTRATACION',
	'constructor[prototype][polluted]=yes',
	'__proto__=polluted&prototype=x&Servicio=x',
]) {
	add(`untyped form ${form}`, { headers: {}, body: undefined, rawBody: Buffer.from(form) });
	add(`multipart ${form}`, {
		headers: { 'content-type': 'multipart/form-data; boundary=x' },
		body: { data: Object.fromEntries(new URLSearchParams(form)), files: {} },
	});
}
const nullProto = Object.assign(Object.create(null) as IDataObject, CONTRACT_REPORT);
setOwn(nullProto, '__proto__', { polluted: 'yes' });
add('a form n8n parsed into a null-prototype object with a __proto__ key', {
	headers: { 'content-type': 'application/x-www-form-urlencoded' },
	body: nullProto,
});

describe('the trigger', () => {
	const kinds = Object.values(deliveries);

	it('emits every mutated vendor report, however it is delivered', async () => {
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...kinds), anyReport, async (kind, report) => {
				expectEmitted(await deliver(kind(report)));
				counts.triggerVendorMutations++;
			}),
			{ numRuns: RUNS.vendorMutations },
		);
	});

	it('emits every raw body of a type n8n does not parse, its bytes kept exactly when it cannot be read', async () => {
		await fc.assert(
			fc.asyncProperty(rawDelivery, async ({ bytes, ...delivery }) => {
				expectEmitted(await deliver(delivery), bytes);
				counts.triggerRawBodies++;
			}),
			{ numRuns: RUNS.rawBodies },
		);
	});

	it('emits parsed bodies that are not a report: arrays, scalars, odd multipart shapes', async () => {
		await fc.assert(
			fc.asyncProperty(oddParsedDelivery, async (delivery) => {
				expectEmitted(await deliver(delivery));
				counts.triggerParsedBodies++;
			}),
			{ numRuns: RUNS.parsedBodies },
		);
	});

	it('answers 401 to every Authorization header but the right one, and emits nothing', async () => {
		const header = fc.oneof(
			fc.string(),
			fc.string({ unit: 'binary' }),
			fc.tuple(fc.string(), fc.string()).map(([u, p]) => basicAuthHeader(u, p)),
			fc.constantFrom(
				'Basic',
				'Basic ',
				'Bearer right-password',
				basicAuthHeader('lofirmo', 'right-password '),
			),
			fc.constantFrom(
				basicAuthHeader('Lofirmo', 'right-password'),
				basicAuthHeader('lofirmo', 'RIGHT-PASSWORD'),
			),
			fc.constant(`Basic ${'A'.repeat(100_000)}`),
		);
		await fc.assert(
			fc.asyncProperty(header, fc.constantFrom(...kinds), async (authorization, kind) => {
				const result = await callTrigger({
					...kind(CONTRACT_REPORT),
					headers: { ...kind(CONTRACT_REPORT).headers, authorization },
					parameters: { authentication: 'basicAuth' },
					credentials: AUTH,
				});
				expect(result.items).toEqual([]);
				expect(result.response.statusCode).toBe(401);
				expect(result.response.body).toBe('Authorization is required');
				expect(result.responseData).toEqual({ noWebhookResponse: true });
				counts.triggerAuthHeaders++;
			}),
			{ numRuns: RUNS.authHeaders },
		);
	});

	it('with filters set, emits exactly the reports the filters let through and answers "ignored: filtered" to the others', async () => {
		// the Other Status Codes a user may type, and the codes they mean (split here by hand, not by the package)
		const typed: Record<string, string[]> = {
			'': [],
			'11': ['11'],
			'11, 5001': ['11', '5001'],
			' ,;': [],
			'1014;5100': ['1014', '5100'],
		};
		const filters = fc.record({
			events: fc.subarray(['contractStatusChanged', 'identityVerificationStatusChanged']),
			statusCodes: fc.subarray(['1014', '5100']),
			otherStatusCodes: fc.constantFrom(...Object.keys(typed)),
		});
		const seen = { emitted: 0, filtered: 0 };
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...kinds),
				anyReport,
				filters,
				async (kind, report, parameters) => {
					// what the report is: its event and status, as the trigger reads it with no filter
					const [unfiltered] = (await deliver(kind(report))).items;
					const event = unfiltered.json.event as string;
					const status = unfiltered.json.status as string | null;
					// README (Events, Status Codes): no event or code picked means all; a report of an unknown service,
					// or with no status, always passes
					const codes = [...parameters.statusCodes, ...typed[parameters.otherStatusCodes]];
					const wanted =
						event === 'unknown' ||
						((parameters.events.length === 0 || parameters.events.includes(event)) &&
							(codes.length === 0 || status === null || codes.includes(status)));

					const result = await deliver(kind(report), parameters);
					if (wanted) {
						expect(expectEmitted(result)).toEqual(unfiltered.json);
						seen.emitted++;
					} else {
						expect(result.items).toEqual([]);
						expect(result.responseData).toEqual({
							webhookResponse: { received: true, ignored: 'filtered' },
						});
						seen.filtered++;
					}
					counts.triggerFiltered++;
				},
			),
			{ numRuns: RUNS.filtered },
		);
		// both sides of the filter were really met
		expect(seen.emitted).toBeGreaterThan(0);
		expect(seen.filtered).toBeGreaterThan(0);
	});

	describe('hand-made extremes', () => {
		it.each(TRIGGER_EXTREMES)('emits %s', async (_title, delivery, bytes) => {
			const json = expectEmitted(await deliver(delivery), bytes);
			// raw is empty only when nothing was sent
			if (json.raw === null)
				expect(isEmptyBody(delivery.body) && !delivery.rawBody?.length).toBe(true);
			counts.triggerSpecial++;
		});

		it('keeps a 1 MB field whole in raw and in the output', async () => {
			const json = expectEmitted(
				await deliver(deliveries.json({ ...CONTRACT_REPORT, Referencia: HUGE })),
			);
			expect(json.reference).toBe(HUGE);
			expect((json.raw as IDataObject).Referencia).toBe(HUGE);
		});

		it('keeps a __proto__ key as a plain key of raw, never as a prototype', async () => {
			const text = attacks[0];
			const json = expectEmitted(
				await deliver({
					headers: { 'content-type': 'application/json' },
					body: JSON.parse(text),
					rawBody: Buffer.from(text),
				}),
			);
			const raw = json.raw as IDataObject;
			expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
			expect(Object.prototype.hasOwnProperty.call(raw, '__proto__')).toBe(true);
			expect(raw.polluted).toBeUndefined();
			expect(json).toMatchObject({
				event: 'contractStatusChanged',
				contractId: '1',
				status: '1014',
			});
		});

		it('reads a Latin-1 report sent with no content type, accents intact, and says how it was read', async () => {
			const json = expectEmitted(await deliver({ headers: {}, body: undefined, rawBody: latin1 }));
			expect(json).toMatchObject({
				event: 'contractStatusChanged',
				reference: 'Su referencia si la indicó',
			});
			expect(json.parseErrors).toEqual([
				{ field: 'body', error: expect.stringMatching(/not valid UTF-8.*Latin-1/) },
			]);
		});

		it('keeps a JSON-encoded identity field nested 5,000 levels deep as the text sent, and says why', async () => {
			const text = deepObjectText(DEPTH);
			const json = expectEmitted(
				await deliver(deliveries.json({ ...IDENTITY_REPORT, Result: text })),
			);
			expect(json.result).toBe(text);
			expect(json.parseErrors).toEqual([
				{ field: 'Result', error: expect.stringMatching(/nested more than \d+ levels/i) },
			]);
			expect(json.access).toEqual({
				Fecha: '2021-09-04 19:37:21',
				IP: '85.10.20.221',
				Puerto: '11892',
			});
		});

		it('keeps the text of a body nested 5,000 levels deep as raw, and the rest of the report', async () => {
			const text = withDeep(CONTRACT_REPORT, 'Referencia', deepObjectText(DEPTH));
			const json = expectEmitted(await deliver(jsonDelivery(text)));
			expect(json).toMatchObject({
				event: 'contractStatusChanged',
				contractId: 'ASYYFRE5492-HN776TFD',
				status: '11',
				reference: null,
			});
			expect(json.raw).toBe(text);
			expect(json.parseErrors).toEqual([
				{ field: 'Referencia', error: expect.stringMatching(/nested more than \d+ levels/i) },
			]);
		});
	});
});

/** A JSON body as n8n hands it over: parsed, and its bytes on rawBody. */
function jsonDelivery(text: string): Delivery {
	return {
		headers: { 'content-type': 'application/json' },
		body: JSON.parse(text),
		rawBody: Buffer.from(text),
	};
}

/** The JSON text of a report with one field replaced by the given JSON text (too deep for JSON.stringify). */
function withDeep(report: Readonly<Record<string, string>>, field: string, json: string): string {
	return JSON.stringify({ ...report, [field]: '@DEEP@' }).replace('"@DEEP@"', json);
}

function isEmptyBody(body: unknown): boolean {
	return (
		body === undefined ||
		body === null ||
		body === '' ||
		(typeof body === 'object' && Object.keys(body).length === 0)
	);
}

/** Deterministic bytes that are not UTF-8 (a linear congruential generator: no seed to keep). */
function pseudoRandomBytes(length: number): Buffer {
	const bytes = Buffer.alloc(length);
	let state = 12345;
	for (let i = 0; i < length; i++) {
		state = (state * 1103515245 + 12345) >>> 0;
		bytes[i] = state >>> 24;
	}
	return bytes;
}

// ---- the action node -----------------------------------------------------------------------------------------

/** Any value an n8n expression can hand a field. */
const expressionValue: fc.Arbitrary<unknown> = fc.oneof(
	{
		arbitrary: fc.oneof(
			fc.string(),
			fc.string({ unit: 'binary' }),
			fc.integer(),
			fc.double(),
			fc.boolean(),
			fc.constant(null),
			fc.constant(undefined),
		),
		weight: 20,
	},
	{ arbitrary: fc.date({ noInvalidDate: false }), weight: 2 },
	{ arbitrary: fc.jsonValue(), weight: 6 },
	{ arbitrary: fc.dictionary(key, value, { maxKeys: 4 }), weight: 3 },
	{ arbitrary: fc.object({ key, withNullPrototype: true, maxDepth: 2 }), weight: 1 },
	{
		arbitrary: fc.constantFrom(
			'34600000001',
			'+34 600 000 001',
			'ana@example.com',
			'2099-12-31',
			'2030-05-01 15:10',
			'Hola [LINK]',
			'[LINK]',
			'SI',
			'no',
			'1',
			'100',
			'0',
			'-1',
			'1.5',
			'Infinity',
			'NaN',
			'1e3',
		),
		weight: 6,
	},
	{
		arbitrary: fc.constantFrom('x'.repeat(5_000), deepObject(150), JSON.parse(deepArrayText(150))),
		weight: 1,
	},
);

/** JSON text for a JSON field: valid JSON of any shape, signer-like arrays, mutated valid text, and extremes. */
const signerObject = fc.dictionary(
	fc.oneof(
		fc.constantFrom(
			'Nombre',
			'NIF',
			'Email',
			'Telefono',
			'nombre',
			'EMAIL',
			'Empresa',
			...DANGEROUS_KEYS,
		),
		fc.string(),
	),
	expressionValue.filter((v) => v !== undefined),
	{ maxKeys: 5 },
);
const validSigners =
	'[{"Nombre":"Ana García","NIF":"00000000T","Email":"ana@example.com","Telefono":"34600000001"}]';
const validDocuments = '[{"Tipo":"PLANTILLA","PLANTILLA":"120958967","ACEPTACION":"NO"}]';
const mutatedText = (text: string) =>
	fc
		.array(
			fc.record({
				at: fc.nat(),
				cut: fc.nat({ max: 3 }),
				insert: fc.constantFrom(
					'',
					'"',
					',',
					'{',
					'}',
					'[',
					']',
					':',
					'x',
					'\\',
					'\u0000',
					'\uD800',
				),
			}),
			{ minLength: 1, maxLength: 4 },
		)
		.map((edits) =>
			edits.reduce((t, e) => {
				const at = e.at % (t.length + 1);
				return t.slice(0, at) + e.insert + t.slice(at + e.cut);
			}, text),
		);

const jsonInput: fc.Arbitrary<unknown> = fc.oneof(
	{ arbitrary: fc.json(), weight: 4 },
	{
		arbitrary: fc.array(signerObject, { maxLength: 4 }).map((list) => JSON.stringify(list)),
		weight: 4,
	},
	{ arbitrary: fc.array(signerObject, { maxLength: 4 }), weight: 2 },
	{ arbitrary: signerObject, weight: 1 },
	{ arbitrary: mutatedText(validSigners), weight: 4 },
	{ arbitrary: mutatedText(validDocuments), weight: 2 },
	{ arbitrary: expressionValue, weight: 3 },
	{
		arbitrary: fc.constantFrom(
			'',
			' ',
			'[]',
			'{}',
			'null',
			'[null]',
			'[[]]',
			'"text"',
			'42',
			'true',
			'[1,2]',
			'[{}]',
			'[{"__proto__":{"Nombre":"x","Email":"a@b.co"}}]',
			'[{"Nombre":"Ana","Email":"ana@example.com","__proto__":{"polluted":"yes"}}]',
			'[{"Nombre":"Ana","Email":"ana@example.com","constructor":{"prototype":{"polluted":"yes"}}}]',
			'{"Nombre":"Ana","Email":"ana@example.com"}',
			`[{"Nombre":"Ana","Email":"ana@example.com","Extra":${deepObjectText(150)}}]`,
			deepArrayText(150),
			`[${'{"a":1},'.repeat(1000)}{"a":1}]`,
		),
		weight: 2,
	},
);

interface Target {
	title: string;
	/** What the error message must name (case-insensitive). */
	names: RegExp;
	parameters: (input: unknown) => Params;
}

/** A field fuzzed on its own, with values it accepts (from its description and the vendor's documents). */
interface FieldTarget extends Target {
	valid: unknown[];
}

type Params = Record<string, unknown>;

const signer = { name: 'Ana García', email: 'ana@example.com' };
const sendContract = (extra: Params) => ({
	resource: 'contract',
	operation: 'sendContract',
	signersInput: 'fields',
	signers: { signer: [signer] },
	...extra,
});
const additional = (name: string) => (input: unknown) =>
	sendContract({ additionalFields: { [name]: input } });
const contractOp = (operation: string, field: string) => (input: unknown) => ({
	resource: 'contract',
	operation,
	contractId: '1994779988',
	reportId: '1994779989',
	[field]: input,
});
const identity = (extra: Params) => ({
	resource: 'identityVerification',
	operation: 'sendIdentity',
	mobile: '34600000001',
	...extra,
});

const JSON_TARGETS: Target[] = [
	{
		title: 'Send Contract › Signers (JSON)',
		names: /signers/i,
		parameters: (input) => ({
			resource: 'contract',
			operation: 'sendContract',
			signersInput: 'json',
			signersJson: input,
		}),
	},
	{
		title: 'Send Contract › Documents (JSON)',
		names: /Documents \(JSON\)/,
		parameters: additional('documentsJson'),
	},
];

const FIELD_TARGETS: FieldTarget[] = [
	{
		title: 'Send Contract › Signer Name',
		names: /Signer 1/,
		valid: ['Ana García', 'ACME, S.L.'],
		parameters: (input) => sendContract({ signers: { signer: [{ ...signer, name: input }] } }),
	},
	{
		title: 'Send Contract › Signer Tax ID',
		names: /Signer 1/,
		valid: ['00000000T', 'B12345678'],
		parameters: (input) => sendContract({ signers: { signer: [{ ...signer, taxId: input }] } }),
	},
	{
		title: 'Send Contract › Signer Email',
		names: /Signer 1/,
		valid: ['ana@example.com', 'a.b+c@sub.example.es', ' ANA@EXAMPLE.COM '],
		parameters: (input) => sendContract({ signers: { signer: [{ ...signer, email: input }] } }),
	},
	{
		title: 'Send Contract › Signer Mobile',
		names: /Signer 1/,
		valid: ['34600000001', '+34 600 000 001', 34600000001],
		parameters: (input) => sendContract({ signers: { signer: [{ ...signer, mobile: input }] } }),
	},
	{
		title: 'Send Contract › Signer Variables',
		names: /Signer 1/,
		valid: ['Cargo', 'Empresa'],
		parameters: (input) =>
			sendContract({
				signers: {
					signer: [{ ...signer, variables: { variable: [{ name: input, value: input }] } }],
				},
			}),
	},
	{
		title: 'Send Contract › Personalization',
		names: /Personalization/,
		valid: ['Cargo', 'ACME'],
		parameters: (input) =>
			sendContract({
				additionalFields: {
					personalization: {
						variable: [
							{ name: 'Empresa', value: input },
							{ name: input, value: 'x' },
						],
					},
				},
			}),
	},
	{
		title: 'Send Contract › Documents',
		names: /Document 1/,
		valid: ['yes', 'no', 'true', '1', true],
		parameters: (input) =>
			sendContract({
				additionalFields: { documents: { template: [{ templateId: input, acceptance: input }] } },
			}),
	},
	{
		title: 'Send Contract › Requested Documents',
		names: /Requested Document 1/,
		valid: [1, '1', ' 1 '],
		parameters: (input) =>
			sendContract({
				additionalFields: {
					requestedDocuments: { document: [{ text: input, from: 'one', signerNumber: input }] },
				},
			}),
	},
	...(
		[
			['workflowId', /Saved Workflow ID/, ['238754787']],
			['senderSignatures', /Sender Signatures/, ['1865998', '1865998, 1865999', 1865998]],
			['signatureType', /Signature Type/, ['1', '4', 2]],
			['senderName', /Sender Name/, ['Lofirmo', 'ACME SL', '12345678901']],
			['message', /Message/, ['Hola [NOMBRE], firme aquí: [LINK]', '[LINK]']],
			['communicationChannel', /Communication Channel/, ['1', '3', 2]],
			['documentType', /Document Type/, ['Contrato', 'NDA']],
			['identityVerification', /Identity Verification/, [true, false, 'yes', 'no', 'SI']],
			['minLikeness', /Minimum Likeness/, [0, 80, 100, '80']],
			['userReference', /User Reference/, ['CUSTOMER-1', 'pedido 42']],
			['signersGetSignedDocument', /Signers Get the Signed Document/, [true, false, 'sí', 'no']],
			['alternateChannels', /Alternate Channels/, [true, false, 'yes', 'NO']],
			['reminderInterval', /Reminder Interval/, [1, 3, 14, '7']],
			['deadline', /Deadline/, ['2099-12-31', '2096-02-29', '2099-12-31T00:00:00']],
			['language', /Language/, ['es', 'pt', 'en', 'EN']],
			['minCheckboxes', /Minimum Checkboxes/, [0, 1, '2']],
			['maxCheckboxes', /Maximum Checkboxes/, [0, 5, '3']],
		] as Array<[string, RegExp, FieldTarget['valid']]>
	).map(([name, names, valid]) => ({
		title: `Send Contract › ${names.source}`,
		names,
		valid,
		parameters: additional(name),
	})),
	{
		title: 'Send Identity › Mobile',
		names: /Mobile/,
		valid: ['34600000001', '+34 600 000 001'],
		parameters: (input) => identity({ mobile: input }),
	},
	{
		title: 'Send Identity › Message',
		names: /Message/,
		valid: ['Verifique su identidad: [LINK]', '[LINK]'],
		parameters: (input) => identity({ additionalFields: { message: input } }),
	},
	{
		title: 'Send Identity › Scheduled For',
		names: /Scheduled For/,
		valid: ['2030-05-01 15:10', '2030-05-01T13:10:00Z', '2030-05-01 23:59'],
		parameters: (input) => identity({ additionalFields: { scheduledFor: input } }),
	},
	{
		title: 'Send Identity › Sender Name',
		names: /Sender Name/,
		valid: ['Lofirmo', 'ACME SL'],
		parameters: (input) => identity({ additionalFields: { senderName: input } }),
	},
	{
		title: 'Send Identity › Expected ID Number',
		names: /Expected ID Number/,
		valid: ['00000000T', ' 00000000T '],
		parameters: (input) => identity({ additionalFields: { expectedIdNumber: input } }),
	},
	...['continueFlow', 'cancelContract', 'contractStatus', 'downloadContractPdf'].flatMap(
		(op): FieldTarget[] => [
			{
				title: `${op} › Contract ID`,
				names: /Contract ID/,
				valid: ['1994779988', 'ASYYFRE5492-HN776TFD'],
				parameters: contractOp(op, 'contractId'),
			},
			{
				title: `${op} › Report ID`,
				names: /Report ID/,
				valid: ['1994779989', ' 12 ', 12],
				parameters: contractOp(op, 'reportId'),
			},
		],
	),
	{
		title: 'downloadContractPdf › Document',
		names: /Document/,
		valid: ['CERTIFICADO', 'FIRMANTE'],
		parameters: contractOp('downloadContractPdf', 'document'),
	},
	{
		title: 'downloadIdentityCertificate › Verification ID',
		names: /Verification ID/,
		valid: ['123', 123, ' 77 '],
		parameters: (input) => ({
			resource: 'identityVerification',
			operation: 'downloadIdentityCertificate',
			verificationId: input,
		}),
	},
];

/**
 * Values for one field: anything an expression can give, and as often values the field accepts and small edits of
 * them (a character cut, inserted or replaced), so that both outcomes, sent and refused, are met for every field.
 */
function fieldValue(valid: FieldTarget['valid']): fc.Arbitrary<unknown> {
	const texts = valid.filter((v): v is string => typeof v === 'string');
	return fc.oneof(
		{ arbitrary: expressionValue, weight: 2 },
		{ arbitrary: fc.constantFrom(...valid), weight: 1 },
		...(texts.length > 0
			? [{ arbitrary: fc.constantFrom(...texts).chain((text) => mutatedText(text)), weight: 1 }]
			: []),
	);
}

/** Sent with exactly one request, or refused naming the field with no request; nothing else. */
async function expectSentOrRefused(target: Target, input: unknown): Promise<'sent' | 'refused'> {
	const run = await runNode(target.parameters(input), {
		credentials: STUB_CREDENTIALS,
		http: stubLofirmo,
	});
	expect(pollution()).toBeUndefined();
	if (run.error === undefined) {
		expect(run.calls).toHaveLength(1);
		const items = run.output?.[0] as INodeExecutionData[];
		expect(items).toHaveLength(1);
		expect(() => JSON.stringify(items)).not.toThrow();
		return 'sent';
	}
	// the stub Lofirmo never fails, so the only acceptable error is the node's own check of the input
	const error = run.error as NodeOperationError;
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(run.calls).toHaveLength(0);
	expect(error.message).toMatch(new RegExp(target.names.source, 'i'));
	expect(error.message.length).toBeLessThan(200);
	expect(typeof error.description).toBe('string');
	expect((error.description as string).length).toBeGreaterThan(10);
	expect((error.description as string).length).toBeLessThan(600);
	return 'refused';
}

/** Inputs the action node must take: anything an expression can give, in every field. */
const ACTION_EXTREMES: Array<[string, unknown]> = [
	['a 1 MB string', HUGE],
	['a 1 MB JSON text', `[{"Nombre":"${HUGE}","Email":"ana@example.com","Tipo":"PLANTILLA"}]`],
	['a 5,000-level object', deepObject(DEPTH)],
	['a 5,000-level array', JSON.parse(deepArrayText(DEPTH))],
	['a 5,000-level JSON object text', deepObjectText(DEPTH)],
	['a 5,000-level JSON array text', deepArrayText(DEPTH)],
	[
		'a JSON list of 5,000-level signers',
		`[{"Nombre":"Ana","Email":"ana@example.com","Extra":${deepObjectText(DEPTH)}}]`,
	],
	['an object without a prototype', Object.create(null)],
	['an invalid Date', new Date(Number.NaN)],
	['a __proto__ JSON text', '{"__proto__":{"polluted":"yes"}}'],
];

/** Sent and refused inputs per fuzzed field, written with the figures to show both outcomes were exercised. */
const fieldOutcomes: Record<string, Outcomes> = {};
type Outcomes = Record<'sent' | 'refused', number>;

/** Runs a property over one target's inputs; each input must be sent once or refused, and both must happen. */
async function fuzzTarget(
	target: Target,
	inputs: fc.Arbitrary<unknown>,
	numRuns: number,
	counted: () => void,
) {
	const outcomes: Outcomes = { sent: 0, refused: 0 };
	await fc.assert(
		fc.asyncProperty(inputs, async (input) => {
			outcomes[await expectSentOrRefused(target, input)]++;
			counted();
		}),
		{ numRuns },
	);
	// a generator that never produces an accepted (or a refused) value would test half the field
	expect(outcomes.sent).toBeGreaterThan(0);
	expect(outcomes.refused).toBeGreaterThan(0);
	fieldOutcomes[target.title] = outcomes;
}

// ---- figures ------------------------------------------------------------------------------------------------

/** What a whole run fuzzes; the figures are the counts, written only if they reach this. */
const PLAN = {
	triggerVendorMutations: RUNS.vendorMutations,
	triggerRawBodies: RUNS.rawBodies,
	triggerParsedBodies: RUNS.parsedBodies,
	triggerAuthHeaders: RUNS.authHeaders,
	triggerFiltered: RUNS.filtered,
	triggerSpecial: TRIGGER_EXTREMES.length,
	actionJsonFields: JSON_TARGETS.length * (RUNS.jsonField + RUNS.unparsableJson),
	actionFieldValues: FIELD_TARGETS.length * RUNS.perField,
	actionSpecial: (JSON_TARGETS.length + FIELD_TARGETS.length) * ACTION_EXTREMES.length,
};
type Counts = Record<keyof typeof PLAN, number>;
const total = (counts: Counts, prefix = '') =>
	Object.entries(counts).reduce((sum, [key, n]) => (key.startsWith(prefix) ? sum + n : sum), 0);
const counts = countFigures('fuzz', PLAN, (counted) => ({
	...counted,
	trigger: total(counted, 'trigger'),
	action: total(counted, 'action'),
	total: total(counted),
}));

describe('the action node', () => {
	it.each(JSON_TARGETS.map((t) => [t.title, t] as const))(
		'%s: each input is sent once or refused naming the field, with no request, and both happen',
		async (_title, target) => {
			await fuzzTarget(target, jsonInput, RUNS.jsonField, () => counts.actionJsonFields++);
		},
	);

	it.each(JSON_TARGETS.map((t) => [t.title, t] as const))(
		'%s: JSON text that does not parse is refused before any request',
		async (_title, target) => {
			await fc.assert(
				fc.asyncProperty(
					fc.oneof(mutatedText(validSigners), mutatedText(validDocuments), fc.string()),
					async (text) => {
						fc.pre(!parses(text) && text.trim() !== '');
						const run = await runNode(target.parameters(text), {
							credentials: STUB_CREDENTIALS,
							http: stubLofirmo,
						});
						expect(run.calls).toHaveLength(0);
						expect(run.error).toBeInstanceOf(NodeOperationError);
						expect((run.error as Error).message).toMatch(
							/(Signers|Documents) \(JSON\) is not valid JSON/,
						);
						counts.actionJsonFields++;
					},
				),
				{ numRuns: RUNS.unparsableJson },
			);
		},
	);

	it.each(FIELD_TARGETS.map((t) => [t.title, t] as const))(
		'%s: each value is sent once or refused naming the field, and both happen',
		async (_title, target) => {
			await fuzzTarget(
				target,
				fieldValue(target.valid),
				RUNS.perField,
				() => counts.actionFieldValues++,
			);
		},
	);

	describe('hand-made extremes', () => {
		it.each([...JSON_TARGETS, ...FIELD_TARGETS].map((t) => [t.title, t] as const))(
			`%s given ${ACTION_EXTREMES.map(([what]) => what).join(', ')}: each sent once or refused naming the field`,
			async (_title, target) => {
				for (const [what, input] of ACTION_EXTREMES) {
					try {
						await expectSentOrRefused(target, input);
					} catch (error) {
						throw new Error(`given ${what}: ${(error as Error).message}`);
					}
					counts.actionSpecial++;
				}
			},
		);

		it.each(JSON_TARGETS.map((t) => [t.title, t] as const))(
			'%s nested 5,000 levels deep is refused as too deep, with no request',
			async (_title, target) => {
				const run = await runNode(
					target.parameters(
						`[{"Nombre":"Ana","Email":"ana@example.com","X":${deepObjectText(DEPTH)}}]`,
					),
					{
						credentials: STUB_CREDENTIALS,
						http: stubLofirmo,
					},
				);
				expect(run.calls).toHaveLength(0);
				expect((run.error as Error).message).toMatch(/\((JSON)\) is nested too deeply/);
			},
		);
	});

	it.each([
		[
			'a __proto__ signer key cannot stand in for the name and email',
			'[{"__proto__":{"Nombre":"x","Email":"a@b.co"}}]',
		],
		[
			'a __proto__ signer key holding a valid email cannot hide an invalid one',
			'[{"Nombre":"Ana","Email":"not an email","__proto__":{"Email":"a@b.co"}}]',
		],
	])('Signers (JSON): %s', async (_title, text) => {
		const run = await runNode(JSON_TARGETS[0].parameters(text), {
			credentials: STUB_CREDENTIALS,
			http: stubLofirmo,
		});
		expect(run.calls).toHaveLength(0);
		expect(run.error).toBeInstanceOf(NodeOperationError);
		expect((run.error as Error).message).toMatch(/Signer 1 in Signers \(JSON\)/);
	});

	it('Signers (JSON): a __proto__ key of a valid signer is sent as a plain key, never as a prototype', async () => {
		const run = await runNode(
			JSON_TARGETS[0].parameters(
				'[{"Nombre":"Ana","Email":"ana@example.com","__proto__":{"polluted":"yes"}}]',
			),
			{
				credentials: STUB_CREDENTIALS,
				http: stubLofirmo,
			},
		);
		expect(run.error).toBeUndefined();
		const [sent] = (run.calls[0].options.body as IDataObject).Firmantes as IDataObject[];
		expect(Object.prototype.hasOwnProperty.call(sent, '__proto__')).toBe(true);
		expect(sent.polluted).toBeUndefined();
		expect(JSON.stringify(sent)).toBe(
			'{"Nombre":"Ana","Email":"ana@example.com","__proto__":{"polluted":"yes"}}',
		);
	});

	afterAll(() => {
		// only a whole run's outcomes: with `jest -t` some fields were not fuzzed
		if (Object.keys(fieldOutcomes).length === JSON_TARGETS.length + FIELD_TARGETS.length) {
			recordFigures('fuzz-action-outcomes', fieldOutcomes, { quiet: true });
		}
	});
});

function parses(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}

it('plans at least 10,000 payloads (its figures are written only if all of them ran), and no built-in prototype was polluted', () => {
	expect(total(PLAN)).toBeGreaterThanOrEqual(10_000);
	expect(pollution()).toBeUndefined();
});
