/**
 * Fault matrix (issue 8, suite 4): every operation of the Lofirmo node against the real sandbox over HTTP, with each
 * fault the sandbox can inject. For every operation × fault: how many attempts reached the sandbox (only transient
 * failures, i.e. HTTP 5xx, a timeout, a reset or cut connection, are retried, at most 3 times; never a
 * 401, an HTTP 4xx, a negative `Res`, a non-PDF or an incomplete PDF; and a call that changes something, a send,
 * cancel or continue, only after a 503, since after the others it may have been processed), the error the user sees (message and
 * description, with the API's own code for a negative `Res`), and that a bad PDF never becomes binary output, with
 * Continue On Fail too (the item holds only the error, the other items go on). Transient faults that clear up within
 * the attempts end in a normal answer. Which operations may be repeated, and how often, is written here by hand (what
 * README.md promises), never read from the package, so a wrong flag or limit there fails these tests.
 *
 * Each scenario has its own sandbox, faults are scoped to one function, and all scenarios run at once, so the
 * back-off sleeps (real, 400 ms then 1200 ms) overlap. The transport's 30 s timeout is capped for the timeout
 * scenarios only (cappedHttp); a separate test checks what the transport asked for. The figures go to
 * test-output/reliability/faults.json.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { resources } from '../../nodes/Lofirmo/actions/operations';
import type { FaultOptions } from '../../sandbox/faults';
import { binaryBuffer, realHttp, type HttpHandler } from '../helpers/n8n-context';
import { countFigures } from '../helpers/figures';
import { MAX_TRIES } from '../helpers/retry-promise';
import {
	ALWAYS,
	cappedHttp,
	OPERATION_NAMES,
	OPERATIONS,
	opParameters,
	PDF_OPERATIONS,
	runNode,
	world,
	type NodeRun,
	type Operation,
} from './support';

/** A timeout scenario's HTTP timeout, and how long the sandbox holds a delayed answer (well past it). */
const TIMEOUT_CAP_MS = 1000;
const DELAY_MS = 4000;

type Fault = Omit<FaultOptions, 'fn'>;

interface Scenario {
	name: string;
	fault: Fault;
	/** Only these operations (default: all). */
	ops?: Operation[];
	http?: HttpHandler;
	continueOnFail?: boolean;
	/** Input items per operation (default 1). */
	items?: number;
}

interface Outcome {
	run: NodeRun;
	/** Requests of this operation the sandbox received. */
	attempts: number;
	/** Of those, how many an injected fault shaped. */
	faulted: number;
}

type Result = Partial<Record<Operation, Outcome>>;

/** Injects the fault into every operation's own function, runs all the operations at once, counts the attempts. */
async function play(scenario: Scenario): Promise<Result> {
	const { sb, credentials, parameters } = await world();
	try {
		const ops = scenario.ops ?? OPERATION_NAMES;
		sb.addFault(ops.map((fn) => ({ ...scenario.fault, fn })));
		const before = sb.requests.length;
		const runs = await Promise.all(
			ops.map((op) =>
				runNode(opParameters(op, parameters[op]), {
					credentials,
					http: scenario.http ?? realHttp,
					continueOnFail: scenario.continueOnFail,
					items: Array.from({ length: scenario.items ?? 1 }, (): INodeExecutionData => ({
						json: {},
					})),
				}),
			),
		);
		const requests = sb.requests.slice(before);
		return Object.fromEntries(
			ops.map((op, index) => {
				const mine = requests.filter((request) => request.fn === op);
				return [
					op,
					{ run: runs[index], attempts: mine.length, faulted: mine.filter((r) => r.fault).length },
				];
			}),
		);
	} finally {
		await sb.stop();
	}
}

const transient = (fault: Fault, http?: HttpHandler): Scenario => ({
	name: '',
	fault: { ...fault, times: ALWAYS },
	http,
});

const FAILING: Record<string, Scenario> = {
	'HTTP 500': transient({ type: 'status', status: 500 }),
	'HTTP 502': transient({ type: 'status', status: 502 }),
	'HTTP 503': transient({ type: 'status', status: 503 }),
	'HTTP 504': transient({ type: 'status', status: 504 }),
	timeout: transient({ type: 'delay', ms: DELAY_MS }, cappedHttp(TIMEOUT_CAP_MS)),
	'connection reset': transient({ type: 'drop' }),
	'connection cut mid-answer': transient({ type: 'truncate' }),
	'answer cut short but well framed': {
		name: '',
		fault: { type: 'truncate-complete', times: ALWAYS },
	},
	'JSON error instead of a PDF': { name: '', fault: { type: 'notpdf', times: ALWAYS } },
	'negative Res': { name: '', fault: { type: 'negative', res: '-37', times: ALWAYS } },
	'HTTP 401': { name: '', fault: { type: 'unauthorized', times: ALWAYS } },
	'HTTP 404': { name: '', fault: { type: 'status', status: 404, times: ALWAYS } },
};

/**
 * Whether an operation may be sent again after a transient fault that may have come after Lofirmo carried it out
 * (a 5xx other than 503, a timeout, a cut answer). A send, cancel or continue may not: Lofirmo would do it twice
 * (a second contract, credits charged twice, one of the 2 daily continues). Reading is harmless to repeat.
 */
const REPEATABLE: Record<Operation, boolean> = {
	sendContract: false,
	continueFlow: false,
	cancelContract: false,
	contractStatus: true,
	downloadContractPdf: true,
	sendIdentity: false,
	downloadIdentityCertificate: true,
	credits: true,
};
const READING = OPERATION_NAMES.filter((op) => REPEATABLE[op]);
/** The operations whose path the vendor published (the others are our reading of its naming). */
const PUBLISHED_PATHS: Operation[] = ['sendContract', 'sendIdentity'];

// the hand-written lists cover every API function the node calls (a new one must be put in them, with its answer);
// Send and Wait for Signature sends with Send's function and request (sendAndWait.test.ts), so Send's rows are its own
it('covers every API function of the node, each under its own resource', () => {
	const fromPackage = [
		...new Set(
			resources.flatMap((resource) =>
				resource.operations.map((op) => `${op.apiFunction.key} (${resource.option.value})`),
			),
		),
	].sort();
	expect(OPERATION_NAMES.map((op) => `${op} (${OPERATIONS[op]})`).sort()).toEqual(fromPackage);
	expect(Object.keys(REPEATABLE).sort()).toEqual([...OPERATION_NAMES].sort());
});

const RECOVERING: Record<string, Scenario & { attempts: number }> = {
	'HTTP 503 twice, then answered': {
		name: '',
		fault: { type: 'status', status: 503, times: MAX_TRIES - 1 },
		attempts: MAX_TRIES,
	},
	'connection reset once, then answered': {
		name: '',
		fault: { type: 'drop', times: 1 },
		attempts: 2,
		ops: READING,
	},
	'timeout once, then answered': {
		name: '',
		fault: { type: 'delay', ms: DELAY_MS, times: 1 },
		http: cappedHttp(TIMEOUT_CAP_MS, 1),
		attempts: 2,
		ops: READING,
	},
	'connection cut mid-answer once, then answered': {
		name: '',
		fault: { type: 'truncate', times: 1 },
		attempts: 2,
		ops: READING,
	},
};

const BAD_PDF_FAULTS = [
	'answer cut short but well framed',
	'JSON error instead of a PDF',
	'negative Res',
	'connection cut mid-answer',
];
const CONTINUE_ON_FAIL: Record<string, Scenario> = Object.fromEntries(
	BAD_PDF_FAULTS.map((name) => [
		name,
		{ ...FAILING[name], ops: PDF_OPERATIONS, continueOnFail: true },
	]),
);
/** Two items, the fault hits the first item's download only. */
const SECOND_ITEM_GOES_ON: Record<string, Scenario> = Object.fromEntries(
	['JSON error instead of a PDF', 'answer cut short but well framed'].map((name) => [
		name,
		{
			name,
			fault: { ...FAILING[name].fault, times: 1 },
			ops: PDF_OPERATIONS,
			continueOnFail: true,
			items: 2,
		},
	]),
);

const results = new Map<string, Result>();
const key = (group: string, name: string) => `${group}: ${name}`;
const GROUPS = {
	failing: FAILING,
	recovering: RECOVERING,
	continueOnFail: CONTINUE_ON_FAIL,
	secondItem: SECOND_ITEM_GOES_ON,
};

/** Sums a number over every operation run of every scenario played. */
const sumOutcomes = (of: (outcome: Outcome) => number) =>
	[...results.values()].reduce(
		(sum, result) => sum + Object.values(result).reduce((n, outcome) => n + of(outcome!), 0),
		0,
	);

// played all at once in beforeAll, whatever tests `-t` picks, so the figures are whole unless a scenario threw
const figures = countFigures(
	'faults',
	{
		scenarios: Object.values(GROUPS).reduce(
			(sum, scenarios) => sum + Object.keys(scenarios).length,
			0,
		),
	},
	(counts) => ({
		...counts,
		operationRuns: sumOutcomes(() => 1),
		requests: sumOutcomes((outcome) => outcome.attempts),
		faultsInjected: sumOutcomes((outcome) => outcome.faulted),
		faultTypes: new Set(Object.values(FAILING).map((s) => s.fault.type)).size,
	}),
);

beforeAll(async () => {
	await Promise.all(
		Object.entries(GROUPS).flatMap(([group, scenarios]) =>
			Object.entries(scenarios).map(async ([name, scenario]) => {
				results.set(key(group, name), await play(scenario));
				figures.scenarios++;
			}),
		),
	);
}, 60_000);

function outcome(group: string, name: string, op: Operation): Outcome {
	const found = results.get(key(group, name))?.[op];
	if (!found) throw new Error(`no result for ${group} / ${name} / ${op}`);
	return found;
}

function apiError(run: NodeRun): NodeApiError {
	expect(run.output).toBeUndefined();
	expect(run.error).toBeInstanceOf(NodeApiError);
	return run.error as NodeApiError;
}

interface Expected {
	attempts: number;
	message: RegExp;
	description: RegExp;
	httpCode?: string | null;
}

const retried = (message: RegExp, httpCode: string | null): Expected => ({
	attempts: MAX_TRIES,
	message,
	description: new RegExp(`tried ${MAX_TRIES} times`),
	httpCode,
});

/** A call that changes something, after a failure that may have come after Lofirmo processed it: tried once. */
const notRepeated = (httpCode: string | null): Expected => ({
	attempts: 1,
	message:
		/^Lofirmo may have received this request, but (answered HTTP 5\d\d|no answer came back)$/,
	description:
		/It was not sent again, because Lofirmo may already have processed it.*Check it in the Lofirmo panel/,
	httpCode,
});

/** What each fault must produce, per operation. */
function expected(name: string, op: Operation): Expected {
	const pdf = PDF_OPERATIONS.includes(op);
	const changes = !REPEATABLE[op];
	switch (name) {
		case 'HTTP 503':
			return retried(new RegExp(`^Lofirmo answered ${name}$`), name.slice(5));
		case 'HTTP 500':
		case 'HTTP 502':
		case 'HTTP 504':
			return changes
				? notRepeated(name.slice(5))
				: retried(new RegExp(`^Lofirmo answered ${name}$`), name.slice(5));
		case 'timeout':
		case 'connection reset':
		case 'connection cut mid-answer':
			return changes ? notRepeated(null) : retried(/^Could not reach Lofirmo$/, null);
		case 'answer cut short but well framed':
			return pdf
				? {
						attempts: 1,
						message: /^The PDF from Lofirmo is incomplete/,
						description: /stop before the end of the document/,
					}
				: {
						attempts: 1,
						message: /with something that is not the expected JSON$/,
						description: /^Received: /,
					};
		case 'JSON error instead of a PDF':
			// the sandbox answers `Res -6` as text/plain where the function's answer (a PDF, or JSON) was expected
			return {
				attempts: 1,
				message: /^Lofirmo rejected the request \(Res -6\)$/,
				description: /Lofirmo says: injected: no PDF\. Result code -6 .*not repeated/,
			};
		case 'negative Res':
			return {
				attempts: 1,
				message: /^Lofirmo rejected the request \(Res -37\)$/,
				description: /Result code -37 from \/\w+\..*not repeated/,
			};
		case 'HTTP 401':
			return {
				attempts: 1,
				message: /^Lofirmo refused the API User or API Token$/,
				description: /API User and API Token.*not repeated/,
				httpCode: '401',
			};
		case 'HTTP 404':
			// only the two sends' paths are published by Lofirmo; a 404 elsewhere says the path may be wrong
			return PUBLISHED_PATHS.includes(op)
				? {
						attempts: 1,
						message: /^Lofirmo answered HTTP 404$/,
						description: /not retried/,
						httpCode: '404',
					}
				: {
						attempts: 1,
						message: /^Lofirmo answered \/\w+ with HTTP 404: the path may be wrong$/,
						description: /not published by Lofirmo.*Path Overrides.*not repeated/,
						httpCode: '404',
					};
		default:
			throw new Error(`no expectation for ${name}`);
	}
}

describe.each(Object.keys(FAILING))('%s', (name) => {
	it.each(OPERATION_NAMES)(
		'%s: the right number of attempts, then a clear error and no output',
		(op) => {
			const { run, attempts, faulted } = outcome('failing', name, op);
			const want = expected(name, op);
			expect({ attempts, faulted }).toEqual({ attempts: want.attempts, faulted: want.attempts });
			const error = apiError(run);
			expect(error.message).toMatch(want.message);
			expect(error.description).toMatch(want.description);
			if (want.httpCode !== undefined) expect(error.httpCode).toBe(want.httpCode);
			// shown against the item it happened to
			expect(error.context.itemIndex).toBe(0);
		},
	);
});

describe.each(Object.entries(RECOVERING))('%s', (name, scenario) => {
	it.each(scenario.ops ?? OPERATION_NAMES)(
		'%s: succeeds on a later attempt with the normal output',
		(op) => {
			const { run, attempts } = outcome('recovering', name, op);
			expect(run.error).toBeUndefined();
			expect(attempts).toBe(scenario.attempts);
			const [item] = run.output![0];
			if (PDF_OPERATIONS.includes(op)) {
				const pdf = binaryBuffer(item);
				expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
				expect(pdf.subarray(-1024).toString('latin1')).toContain('%%EOF');
			} else {
				expect(item.binary).toBeUndefined();
				expect(item.json.raw).toMatchObject({ Res: expect.stringMatching(/^[1-9]\d*$/) });
			}
		},
	);
});

describe('a bad PDF with Continue On Fail', () => {
	describe.each(BAD_PDF_FAULTS)('%s', (name) => {
		it.each(PDF_OPERATIONS)('%s: the item holds only the error, no binary', (op) => {
			const { run, attempts } = outcome('continueOnFail', name, op);
			const want = expected(name, op);
			expect(attempts).toBe(want.attempts);
			expect(run.error).toBeUndefined();
			expect(run.output).toEqual([
				[{ json: { error: expect.stringMatching(want.message) }, pairedItem: { item: 0 } }],
			]);
			expect(run.output![0][0].binary).toBeUndefined();
		});
	});

	describe.each(Object.keys(SECOND_ITEM_GOES_ON))('%s for the first of two items', (name) => {
		it.each(PDF_OPERATIONS)('%s: the first item holds only the error, the second its PDF', (op) => {
			const { run, attempts } = outcome('secondItem', name, op);
			expect(attempts).toBe(2);
			const [first, second] = run.output![0];
			expect(first).toEqual({
				json: { error: expect.stringMatching(expected(name, op).message) },
				pairedItem: { item: 0 },
			});
			expect(second.pairedItem).toEqual({ item: 1 });
			expect(binaryBuffer(second).subarray(0, 5).toString('latin1')).toBe('%PDF-');
		});
	});
});

it('asks n8n for the transport own timeouts (the tests above only shorten them)', () => {
	for (const op of OPERATION_NAMES) {
		const { run } = outcome('failing', 'timeout', op);
		expect(run.calls.length).toBeGreaterThan(0);
		for (const call of run.calls) {
			if (PDF_OPERATIONS.includes(op)) expect(call.options.timeout).toBeGreaterThanOrEqual(30_000);
			else expect(call.options.timeout).toBe(30_000);
		}
	}
});

describe('what the error tells, and what is never sent twice', () => {
	// n8n's wrapper says "The connection was aborted…" for a timeout too; the code in the cause (axios: ECONNABORTED
	// "timeout of 1000ms exceeded") must win, or a timeout is described as "ECONNRESET … perhaps the server is offline".
	it('describes a timeout as a timeout', () => {
		const error = apiError(outcome('failing', 'timeout', 'credits').run);
		expect(error.description).toMatch(/timed out|timeout|ETIMEDOUT|ECONNABORTED/i);
		expect(error.description).not.toMatch(/ECONNRESET/);
	});

	// A call whose answer was lost after Lofirmo processed it (connection cut mid-answer, or a timeout) must not be
	// sent again when it changes something: that would be a second contract or identity request (two messages, credits
	// charged twice), a second "continue" (2 a day are allowed), or a cancel failing with Res -6 although it worked.
	// The sandbox processes a call before cutting its answer, as a server does.
	it.each(['sendContract', 'sendIdentity', 'continueFlow', 'cancelContract'] as const)(
		'%s: a call Lofirmo processed but whose answer was cut is not sent again, and the error says so',
		async (op) => {
			const { sb, credentials, parameters } = await world();
			try {
				sb.addFault({ fn: op, type: 'truncate', times: 1 });
				const before = sb.requests.length;
				const run = await runNode(opParameters(op, parameters[op]), { credentials });
				const processed = sb.requests
					.slice(before)
					.filter((r) => r.fn === op && (r.fault === undefined || r.fault === 'truncate'));
				expect(processed).toHaveLength(1);
				const error = apiError(run);
				expect(error.message).toMatch(/^Lofirmo may have received this request/);
				expect(error.description).toMatch(/not sent again.*Check it in the Lofirmo panel/);
			} finally {
				await sb.stop();
			}
		},
	);
});
