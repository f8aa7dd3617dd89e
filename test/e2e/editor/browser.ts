/**
 * Headless Chromium (Debian's package) driven by playwright-core, for the editor check.
 *
 * - Playwright's own browser downloads cannot reach their hosts here, so we point it at /usr/bin/chromium
 *   (`bash scripts/install-n8n.sh --with-chromium` installs it; CHROMIUM_PATH overrides the path).
 * - Everything outside 127.0.0.1 is aborted in the browser: the test must not depend on the network, and
 *   Chromium would otherwise keep retrying unreachable hosts. What was aborted is recorded (`blocked`).
 * - Failures leave a screenshot, the DOM and the browser log in test-output/editor/ (see `step`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	chromium,
	type Browser,
	type BrowserContext,
	type Locator,
	type Page,
} from 'playwright-core';

import { REPO_ROOT } from '../../../scripts/n8n-harness';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** As root Chromium needs --no-sandbox; without the background-networking flags it floods the closed network. */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export const OUTPUT_DIR = path.join(REPO_ROOT, 'test-output');
export const SCREENSHOT_DIR = path.join(OUTPUT_DIR, 'screenshots');
export const FAILURE_DIR = path.join(OUTPUT_DIR, 'editor');

export async function launchChromium(): Promise<Browser> {
	if (!fs.existsSync(CHROMIUM_PATH)) {
		throw new Error(
			`Chromium is missing at ${CHROMIUM_PATH}: the editor check needs Debian's chromium package. ` +
				'Install it with `bash scripts/install-n8n.sh --with-chromium` (or `apt-get install -y chromium`), ' +
				'or point CHROMIUM_PATH at another Chromium.',
		);
	}
	return chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: CHROMIUM_ARGS,
		headless: true,
		timeout: 30_000,
	});
}

export interface BrowserEvent {
	/** ms since the watch started */
	at: number;
	kind: 'console' | 'pageerror' | 'response' | 'requestfailed' | 'blocked';
	text: string;
	url?: string;
	status?: number;
}

/**
 * Records what the browser reports: console errors and warnings, uncaught page errors, HTTP errors, failed
 * and blocked requests, and every response whose URL matches `watchUrl` (our icons).
 */
export class BrowserWatch {
	readonly events: BrowserEvent[] = [];
	readonly watched: Array<{ url: string; status: number; contentType: string }> = [];
	private readonly t0 = Date.now();

	constructor(
		readonly context: BrowserContext,
		private readonly localOrigin: string,
		private readonly watchUrl: RegExp,
	) {}

	async attach(): Promise<void> {
		const local = this.localOrigin;
		await this.context.route(
			(url) => url.origin !== local && url.protocol !== 'data:' && url.protocol !== 'blob:',
			async (route) => {
				this.push({
					kind: 'blocked',
					text: `${route.request().method()} ${route.request().url()}`,
					url: route.request().url(),
				});
				await route.abort('blockedbyclient');
			},
		);
		this.context.on('page', (page) => this.attachPage(page));
		for (const page of this.context.pages()) this.attachPage(page);
	}

	private attachPage(page: Page): void {
		page.on('console', (msg) => {
			if (msg.type() !== 'error' && msg.type() !== 'warning') return;
			const loc = msg.location();
			this.push({ kind: 'console', text: `[${msg.type()}] ${msg.text()}`, url: loc?.url });
		});
		page.on('pageerror', (error) =>
			this.push({ kind: 'pageerror', text: `${error.name}: ${error.message}` }),
		);
		page.on('requestfailed', (req) => {
			const failure = req.failure()?.errorText ?? 'failed';
			// our own route aborts are recorded as 'blocked' already
			if (failure.includes('ERR_BLOCKED_BY_CLIENT')) return;
			this.push({
				kind: 'requestfailed',
				text: `${req.method()} ${req.url()} ${failure}`,
				url: req.url(),
			});
		});
		page.on('response', (res) => {
			const url = res.url();
			if (this.watchUrl.test(url)) {
				this.watched.push({
					url,
					status: res.status(),
					contentType: res.headers()['content-type'] ?? '',
				});
			}
			if (res.status() >= 400)
				this.push({
					kind: 'response',
					text: `${res.status()} ${res.request().method()} ${url}`,
					url,
					status: res.status(),
				});
		});
	}

	private push(event: Omit<BrowserEvent, 'at'>): void {
		this.events.push({ at: Date.now() - this.t0, ...event });
	}

	/**
	 * Events that mention `pattern` in their text or URL, leaving out the requests we blocked and the console
	 * lines Chromium prints for them ("Failed to load resource: net::ERR_BLOCKED_BY_CLIENT").
	 */
	problemsMatching(pattern: RegExp): BrowserEvent[] {
		return this.events.filter(
			(e) =>
				e.kind !== 'blocked' &&
				!e.text.includes('ERR_BLOCKED_BY_CLIENT') &&
				(pattern.test(e.text) || (e.url !== undefined && pattern.test(e.url))),
		);
	}

	format(events: BrowserEvent[] = this.events): string {
		return events
			.map((e) => `${String(e.at).padStart(6)} ms ${e.kind.padEnd(13)} ${e.text.slice(0, 400)}`)
			.join('\n');
	}
}

export function ensureDir(dir: string): string {
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

/** Saves a full-viewport screenshot under test-output/screenshots/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
	const file = path.join(ensureDir(SCREENSHOT_DIR), `${name}.png`);
	// animations: 'disabled' finishes CSS transitions first (modals fade in)
	await page.screenshot({ path: file, timeout: 15_000, animations: 'disabled' });
	return file;
}

/** Screenshot + DOM + browser log of a failed step, under test-output/editor/. Never throws. */
export async function saveFailure(
	page: Page | undefined,
	name: string,
	watch?: BrowserWatch,
	error?: unknown,
): Promise<string[]> {
	const dir = ensureDir(FAILURE_DIR);
	const base = path.join(dir, `failure-${name}`);
	const saved: string[] = [];
	const attempt = async (what: string, fn: () => Promise<void>) => {
		try {
			await fn();
			saved.push(what);
		} catch {
			/* the page may be gone; keep what we can */
		}
	};
	if (page && !page.isClosed()) {
		await attempt(`${base}.png`, async () => {
			await page.screenshot({ path: `${base}.png`, timeout: 10_000 });
		});
		await attempt(`${base}.html`, async () =>
			fs.writeFileSync(`${base}.html`, await page.content()),
		);
	}
	await attempt(`${base}.log`, async () =>
		fs.writeFileSync(
			`${base}.log`,
			[
				`url: ${page && !page.isClosed() ? page.url() : '(no page)'}`,
				`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
				'--- browser events ---',
				watch ? watch.format() : '(none recorded)',
			].join('\n'),
		),
	);
	return saved;
}

/** Step timings, printed at the end. */
export const timings: Array<{ name: string; ms: number; ok: boolean }> = [];

/**
 * Runs one step of the check; on failure saves the artefacts (see saveFailure) and rethrows with their paths.
 */
export async function step<T>(
	page: Page | undefined,
	name: string,
	watch: BrowserWatch | undefined,
	fn: () => Promise<T>,
): Promise<T> {
	const t0 = Date.now();
	try {
		const result = await fn();
		timings.push({ name, ms: Date.now() - t0, ok: true });
		return result;
	} catch (error) {
		timings.push({ name, ms: Date.now() - t0, ok: false });
		const saved = await saveFailure(
			page,
			name.replace(/[^a-z0-9]+/gi, '-').toLowerCase(),
			watch,
			error,
		);
		const message = error instanceof Error ? error.message : String(error);
		const wrapped = new Error(
			`step "${name}" failed: ${message}\nsaved: ${saved.map((f) => path.relative(REPO_ROOT, f)).join(', ') || 'nothing'}`,
		);
		if (error instanceof Error && error.stack)
			wrapped.stack = `${wrapped.message}\n--- original ---\n${error.stack}`;
		throw wrapped;
	}
}

/** Polls `probe` until it returns true (bounded); the last value goes into the error. */
export async function waitUntil(
	what: string,
	probe: () => Promise<boolean | string>,
	timeoutMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last: boolean | string = false;
	for (;;) {
		try {
			last = await probe();
		} catch (error) {
			last = error instanceof Error ? error.message : String(error);
		}
		if (last === true) return;
		if (Date.now() >= deadline)
			throw new Error(
				`timed out after ${timeoutMs} ms waiting for ${what}${typeof last === 'string' ? ` (last: ${last})` : ''}`,
			);
		await new Promise((r) => setTimeout(r, 150));
	}
}

/** Waits until an input (e.g. n8n's select) shows `expected` as its value. */
export async function waitForValue(
	input: Locator,
	expected: string,
	timeoutMs = 10_000,
): Promise<void> {
	await waitUntil(
		`value "${expected}" in ${input.toString()}`,
		async () => {
			const value = await input.inputValue({ timeout: 2_000 });
			return value === expected || `"${value}"`;
		},
		timeoutMs,
	);
}

/** Waits until the element's visible text contains every one of `texts`. */
export async function waitForTexts(
	locator: Locator,
	texts: string[],
	timeoutMs = 10_000,
): Promise<void> {
	await waitUntil(
		`${JSON.stringify(texts)} in ${locator.toString()}`,
		async () => {
			const text = normalise(await locator.innerText({ timeout: 2_000 }));
			const missing = texts.filter((t) => !text.includes(normalise(t)));
			return (
				missing.length === 0 || `missing ${JSON.stringify(missing)} in "${text.slice(0, 300)}"`
			);
		},
		timeoutMs,
	);
}

export function normalise(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

/** True when the <img> has finished loading and decoded to a non-empty image. */
export async function imageLoaded(
	img: Locator,
): Promise<{ src: string; loaded: boolean; width: number }> {
	return img.evaluate((el) => {
		const image = el as unknown as { src: string; complete: boolean; naturalWidth: number };
		return {
			src: image.src,
			loaded: image.complete && image.naturalWidth > 0,
			width: image.naturalWidth,
		};
	});
}
