import fc from 'fast-check';

import {
	makeResumeReference,
	parseResumeReference,
	readResumeReference,
	resumeUrl,
	tokenFromResumeUrl,
	webhookWaitingBase,
} from '../../nodes/Lofirmo/shared/resumeCode';

// a token as n8n 2.x makes it (generateSecureToken: 32 random bytes as hex)
const TOKEN = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const BASE32 = /^[0-9a-hjkmnp-tv-z]+$/;

function code(reference: string): string {
	return reference.split(' ').at(-1)!;
}

describe('resume code', () => {
	it('is made after the user reference, which stays first and readable', () => {
		const reference = makeResumeReference('Deal 4711 ACME', '1234', TOKEN, 0);
		expect(reference.startsWith('Deal 4711 ACME n8nwait-1234-0-')).toBe(true);
		const [marker, executionId, item, token, check] = code(reference).split('-');
		expect([marker, executionId, item]).toEqual(['n8nwait', '1234', '0']);
		expect(token).toHaveLength(52);
		expect(token).toMatch(BASE32);
		expect(check).toHaveLength(4);
		expect(check).toMatch(BASE32);
		expect(reference).toHaveLength(
			'Deal 4711 ACME '.length + 'n8nwait-1234-0-'.length + 52 + 1 + 4,
		);
	});

	it('is parsed back to what it was made from', () => {
		const reference = makeResumeReference('Deal 4711 ACME', '1234', TOKEN, 3);
		expect(parseResumeReference(reference)).toEqual({
			userReference: 'Deal 4711 ACME',
			executionId: '1234',
			token: TOKEN,
			itemIndex: 3,
		});
	});

	it('is the whole reference when the user gave none', () => {
		const reference = makeResumeReference('  ', '7', TOKEN, 0);
		expect(reference).toBe(code(reference));
		expect(parseResumeReference(reference)?.userReference).toBe('');
	});

	it('replaces a code already at the end of the user reference, so references do not grow', () => {
		const earlier = makeResumeReference('Deal 4711', '1', TOKEN, 0);
		const token = 'a'.repeat(64);
		const reference = makeResumeReference(earlier, '2', token, 1);
		expect(reference.startsWith('Deal 4711 n8nwait-2-1-')).toBe(true);
		expect(parseResumeReference(reference)).toEqual({
			userReference: 'Deal 4711',
			executionId: '2',
			token,
			itemIndex: 1,
		});
	});

	it('reads in either case and with the white space a panel may add', () => {
		const reference = makeResumeReference('Deal 4711', '1234', TOKEN.toUpperCase(), 0);
		const upper = `Deal 4711 ${code(reference).toUpperCase()}\n`;
		expect(parseResumeReference(upper)).toEqual(parseResumeReference(reference));
		expect(parseResumeReference(`Deal\t4711\t${code(reference)}`)?.userReference).toBe(
			'Deal\t4711',
		);
	});

	it('round-trips any reference, execution id, token and item', () => {
		fc.assert(
			fc.property(
				fc.string(),
				fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }),
				fc.uint8Array({ minLength: 32, maxLength: 32 }),
				fc.integer({ min: 0, max: 999_999 }),
				(own, id, bytes, item) => {
					const token = Buffer.from(bytes).toString('hex');
					const reference = makeResumeReference(own, id.toString(), token, item);
					const parsed = parseResumeReference(reference);
					expect(parsed).toMatchObject({ executionId: id.toString(), token, itemIndex: item });
					// the user's words survive (only trailing white space and a trailing code are dropped)
					expect(reference.startsWith(parsed!.userReference)).toBe(true);
					expect(own.trimEnd().startsWith(parsed!.userReference)).toBe(true);
				},
			),
		);
	});

	describe('refuses', () => {
		const reference = makeResumeReference('Deal 4711', '1234', TOKEN, 0);
		const word = code(reference);

		it.each([
			['a reference with no code', 'Deal 4711', 'none'],
			['an empty reference', '', 'none'],
			['a code in the middle of the reference', `${word} Deal 4711`, 'none'],
			['a code cut short', reference.slice(0, -1), 'invalid'],
			['a code cut in its token', reference.slice(0, -20), 'invalid'],
			['a code cut to its marker', 'Deal 4711 n8nwait-', 'invalid'],
			[
				'a code with a character outside the alphabet',
				reference.replace(/-(\w)(\w{51})-/, '-u$2-'),
				'invalid',
			],
			['a code with a part missing', reference.replace('-0-', '-'), 'invalid'],
			['an item index with a leading zero', reference.replace('-0-', '-00-'), 'invalid'],
		])('%s', (_, text, found) => {
			expect(readResumeReference(text).found).toBe(found);
			expect(parseResumeReference(text)).toBeUndefined();
		});

		it('a code whose checksum is wrong', () => {
			const check = word.slice(-4);
			const other = check[0] === '0' ? `1${check.slice(1)}` : `0${check.slice(1)}`;
			const text = reference.slice(0, -4) + other;
			expect(readResumeReference(text)).toEqual({
				found: 'invalid',
				reason: 'the checksum does not match',
			});
		});

		it('any single-character typo in the code', () => {
			const alphabet = '0123456789abcdefghjkmnpqrstvwxyz-';
			let tried = 0;
			for (let at = 'n8nwait-'.length; at < word.length; at++) {
				for (const char of alphabet) {
					if (char === word[at]) continue;
					const typo = `Deal 4711 ${word.slice(0, at)}${char}${word.slice(at + 1)}`;
					// a typo breaks the form or the checksum: it never names another execution or token
					expect(parseResumeReference(typo)).toBeUndefined();
					tried++;
				}
			}
			expect(tried).toBeGreaterThan(2000);
		});

		it('a token whose padding bits are not zero (a second spelling of the same token)', () => {
			// the last token character carries one bit of the token and four padding bits
			const tokenCode = word.split('-')[3];
			const last = '0123456789abcdefghjkmnpqrstvwxyz'.indexOf(tokenCode.at(-1)!);
			const respelt = tokenCode.slice(0, -1) + '0123456789abcdefghjkmnpqrstvwxyz'[last | 1];
			const body = `n8nwait-1234-0-${respelt}`;
			// give it a right checksum, so only the padding can refuse it
			const { createHash } = jest.requireActual<typeof import('crypto')>('crypto');
			const digest = createHash('sha256').update(body).digest();
			const bits = (digest[0] << 12) | (digest[1] << 4) | (digest[2] >> 4);
			let check = '';
			for (let shift = 15; shift >= 0; shift -= 5) {
				check += '0123456789abcdefghjkmnpqrstvwxyz'[(bits >> shift) & 31];
			}
			expect(readResumeReference(`${body}-${check}`)).toEqual({
				found: 'invalid',
				reason: 'the token is not canonical',
			});
		});
	});

	describe('is not made from', () => {
		it.each([
			['an execution id that is not decimal', 'abc', TOKEN, 0],
			['an empty execution id', '', TOKEN, 0],
			['a token that is too short', '1', TOKEN.slice(1), 0],
			['a token that is not hex', '1', 'g'.repeat(64), 0],
			['a negative item index', '1', TOKEN, -1],
			['a fractional item index', '1', TOKEN, 1.5],
			['an item index over the limit', '1', TOKEN, 1_000_000],
		])('%s', (_, executionId, token, item) => {
			expect(() => makeResumeReference('Deal', executionId, token, item)).toThrow();
		});
	});
});

describe('resume URL', () => {
	it("is n8n's webhook-waiting URL for the code's execution and Send and Wait's own path, with its token", () => {
		const parsed = parseResumeReference(makeResumeReference('Deal', '1234', TOKEN, 0))!;
		// the path: any other node of the execution waiting by then (a Wait node) answers 404, not this report
		expect(resumeUrl('https://n8n.example.com/webhook-waiting/', parsed)).toBe(
			`https://n8n.example.com/webhook-waiting/1234/lofirmo-signature?signature=${TOKEN}`,
		);
	});

	it("reads the token from n8n 2.x's $execution.resumeUrl, and none from n8n 1.x's", () => {
		expect(tokenFromResumeUrl(`http://localhost:5678/webhook-waiting/12?signature=${TOKEN}`)).toBe(
			TOKEN,
		);
		expect(tokenFromResumeUrl('http://localhost:5678/webhook-waiting/12')).toBeUndefined();
		expect(
			tokenFromResumeUrl('http://localhost:5678/webhook-waiting/12?signature=abc'),
		).toBeUndefined();
		expect(tokenFromResumeUrl('not a url')).toBeUndefined();
	});
});

describe("n8n's webhook-waiting base", () => {
	it.each([
		// what the trigger's webhook() reads from $execution.resumeUrl (measured on n8n 2.40.7 and 1.123.81)
		['http://127.0.0.1:5790/webhook-waiting/__UNKNOWN__', 'http://127.0.0.1:5790/webhook-waiting'],
		[
			'https://n8n.example.com/n8n/wait/__UNKNOWN__?signature=x',
			'https://n8n.example.com/n8n/wait',
		],
	])('is %s without its execution', (url, base) => expect(webhookWaitingBase(url)).toBe(base));

	it.each(['', 'not a url', 'http://host'])('is not read from %j', (url) =>
		expect(webhookWaitingBase(url)).toBeUndefined(),
	);
});
