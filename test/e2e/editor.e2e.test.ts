/**
 * Editor check in a real browser: headless Chromium (Debian's package, driven by playwright-core) against the
 * pinned real n8n 2.x with our packed package loaded as a user gets it, on a fresh data folder.
 *
 * 1. signs in through n8n's sign-in page (owner created by the harness), closing any onboarding modal;
 * 2. new workflow → node creator → "Lofirmo" → Contract action "Send": the panel shows Resource "Contract",
 *    Operation "Send", Signers Input, Signers (with a signer's fields), Additional Fields (with its options) and
 *    the credential slot, whose "Connect to Lofirmo" opens the "Lofirmo API" credential form; the "Docs" links
 *    lead to our npm page;
 * 3. new workflow → "Lofirmo" → trigger "On contract status changed": the panel shows the Test and Production
 *    webhook URLs (`/webhook/<id>/lofirmo`) and our notice about the Lofirmo panel, word for word as the node
 *    type n8n serves defines it (HTML tags aside);
 * 4. our icons: n8n lists light and dark icon URLs for our node types, both answer 200 with an SVG, every icon
 *    request the browser made answered 200, the canvas nodes' <img> decoded, the dark one is used under a dark
 *    colour scheme, and nothing in the browser log (console, page errors, HTTP errors) mentions our package.
 *
 * Screenshots: test-output/screenshots/editor-*.png (ignored). With UPDATE_DOCS_SCREENSHOT=1 the Contract → Send
 * panel is also copied to docs/editor-contract-send.png (the README's image). Failures leave a screenshot, the
 * DOM and the browser log in test-output/editor/. n8n's log: .n8n-cache/runs/editor/n8n.log.
 *
 * Needs `npm run build`, scripts/install-n8n.sh and Chromium (`bash scripts/install-n8n.sh --with-chromium`). Run:
 *   npx jest -c test/e2e/jest.config.js test/e2e/editor
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import {
	builtPackageContents,
	DEFAULT_OWNER,
	PACKAGE_NAME,
	REPO_ROOT,
	setupOwner,
	startN8n,
	type N8nHandle,
} from '../../scripts/n8n-harness';
import {
	BrowserWatch,
	ensureDir,
	FAILURE_DIR,
	imageLoaded,
	launchChromium,
	normalise,
	screenshot,
	step,
	timings,
	waitForTexts,
	waitForValue,
	waitUntil,
} from './editor/browser';
import {
	canvasNode,
	closeNdv,
	dismissed,
	installOnboardingHandler,
	ndvDocsLink,
	openAppInCreator,
	openNdv,
	openNewWorkflow,
	parameterLabels,
	pickFromApp,
	SEL,
	signIn as signInPage,
	webhookUrls,
} from './editor/n8n-editor';

const PORT = Number(process.env.E2E_EDITOR_PORT ?? 5750);
const VIEWPORT = { width: 1280, height: 800 };
const DOCS_SCREENSHOT = path.join(REPO_ROOT, 'docs', 'editor-contract-send.png');

const ACTION_TYPE = `${PACKAGE_NAME}.lofirmo`;
const TRIGGER_TYPE = `${PACKAGE_NAME}.lofirmoTrigger`;
/** what the creator shows for our Contract → Send operation (its `action` text) */
const SEND_ACTION = 'Send a contract for signature';
/** n8n names trigger entries "On <event option name, lower case>" */
const CONTRACT_TRIGGER = 'On contract status changed';
/** where our "Docs" links lead (n8n appends utm parameters) */
const DOCS_URL = new RegExp(`^https://www\\.npmjs\\.com/package/${PACKAGE_NAME}\\b`);
/** any browser event mentioning our package or its icons counts against us */
const OURS = /lofirmo/i;

interface NodeTypeInfo {
	name: string;
	iconUrl?: string | { light?: string; dark?: string };
	properties?: Array<{ name: string; type: string; displayName: string }>;
}

describe('n8n editor in a real browser (headless Chromium)', () => {
	let n8n: N8nHandle | undefined;
	let browser: Browser | undefined;
	let context: BrowserContext | undefined;
	let page: Page | undefined;
	let watch: BrowserWatch | undefined;
	let signingIn: Promise<void> | undefined;
	const shots: string[] = [];
	const t0 = Date.now();

	const base = () => n8n!.baseUrl;
	/** Signs in through the sign-in page once, whichever test comes first (each test also holds alone, `-t`). */
	const signIn = () =>
		(signingIn ??= step(page, 'sign in', watch, () => signInPage(page!, base(), DEFAULT_OWNER)));
	const needSession = async () => {
		await signIn();
		return page!;
	};

	beforeAll(async () => {
		const built = builtPackageContents();
		if (built.nodes.length === 0 || built.missing.length > 0) {
			throw new Error(
				`dist/ is not built or incomplete (run \`npm run build\`): missing ${built.missing.join(', ') || 'nodes'}`,
			);
		}
		// Chromium first: a missing browser fails in a second with the install hint, before n8n starts
		browser = await step(undefined, 'launch chromium', undefined, launchChromium);
		n8n = await step(undefined, 'start n8n', undefined, () =>
			startN8n({ version: 2, port: PORT, dataDir: 'editor', fresh: true }),
		);
		console.log(
			`n8n ${n8n.install.n8nVersion} ready in ${n8n.startupMs} ms on ${n8n.baseUrl}; Chromium ${browser.version()}`,
		);
		await step(undefined, 'create owner', undefined, () => setupOwner(n8n!));

		context = await browser.newContext({
			viewport: VIEWPORT,
			baseURL: n8n.baseUrl,
			colorScheme: 'light',
			locale: 'en-US',
			timezoneId: 'UTC',
		});
		context.setDefaultTimeout(15_000);
		context.setDefaultNavigationTimeout(30_000);
		watch = new BrowserWatch(context, new URL(n8n.baseUrl).origin, /\/icons\//);
		await watch.attach();
		page = await context.newPage();
		await installOnboardingHandler(page);
	}, 150_000);

	afterAll(async () => {
		// whatever happened: browser closed, n8n stopped
		await browser
			?.close()
			.catch((error: unknown) => console.warn(`closing Chromium: ${String(error)}`));
		await n8n?.stop();
		if (watch) {
			const file = path.join(ensureDir(FAILURE_DIR), 'browser-events.log');
			fs.writeFileSync(file, watch.format());
		}
		console.log(
			[
				`editor check total ${Date.now() - t0} ms`,
				...timings.map(
					(t) => `  ${t.ok ? 'ok  ' : 'FAIL'} ${String(t.ms).padStart(6)} ms  ${t.name}`,
				),
				`onboarding modals dismissed: ${dismissed.join(', ') || 'none'}`,
				`screenshots: ${shots.map((s) => path.relative(REPO_ROOT, s)).join(', ') || 'none'}`,
				`browser events (all, incl. n8n's own): ${watch?.events.length ?? 0}, see test-output/editor/browser-events.log`,
			].join('\n'),
		);
	}, 60_000);

	it('signs in through the sign-in page', () => signIn(), 60_000);

	it('adds Lofirmo → Contract → Send and shows its fields', async () => {
		const p = await needSession();
		await step(p, 'contract send', watch, async () => {
			await openNewWorkflow(p, base());
			const creator = await openAppInCreator(p, 'Lofirmo', 'Lofirmo');
			await pickFromApp(creator, 'Actions', SEND_ACTION);
			const ndv = await openNdv(p);

			await waitForTexts(ndv.locator(SEL.ndvTitle), [SEND_ACTION]);
			await waitForValue(ndv.locator(`${SEL.param('resource')} input`), 'Contract');
			await waitForValue(ndv.locator(`${SEL.param('operation')} input`), 'Send');
			await waitForValue(ndv.locator(`${SEL.param('signersInput')} input`), 'Using Fields Below');
			const labels = await parameterLabels(ndv);
			expect(labels).toEqual(
				expect.arrayContaining([
					'Resource',
					'Operation',
					'Signers Input',
					'Signers',
					'Additional Fields',
				]),
			);
			// credential slot: "Credential" with the empty state naming our service
			await waitForTexts(ndv.locator(SEL.credentialsSlot), ['Credential', 'Connect to Lofirmo']);
			const actionDocs = await ndvDocsLink(ndv);
			console.log(`action Docs link: ${actionDocs}`);
			expect(actionDocs).toMatch(DOCS_URL);
			await waitForTexts(ndv.locator('[data-test-id="fixed-collection-signers"]'), ['Add Signer']);
			shots.push(await screenshot(p, 'editor-contract-send'));
			if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
				fs.mkdirSync(path.dirname(DOCS_SCREENSHOT), { recursive: true });
				fs.copyFileSync(shots[shots.length - 1], DOCS_SCREENSHOT);
			}

			// a signer's fields
			await ndv
				.locator('[data-test-id="fixed-collection-signers"] [data-test-id="fixed-collection-add"]')
				.click();
			await waitUntil('the signer fields', async () => {
				const now = await parameterLabels(ndv);
				const missing = ['Name', 'Tax ID (NIF)', 'Email', 'Mobile'].filter((l) => !now.includes(l));
				return missing.length === 0 || `missing ${missing.join(', ')} in ${now.join(' | ')}`;
			});
			shots.push(await screenshot(p, 'editor-contract-send-signer'));

			// two collections: Additional Fields (an "Add Field" select), then Options (an "Add Option" button, Batching)
			const collections = ndv.locator('[data-test-id="collection-parameter-add"]');
			await expect(collections.nth(1).innerText()).resolves.toMatch(/Add Option/);
			// the Additional Fields options (opened and closed again by clicking the "Add Field" select)
			const addField = collections.nth(0);
			await addField.click();
			const options = p.locator('.el-select-dropdown__item').filter({ visible: true });
			await options.first().waitFor({ state: 'visible', timeout: 5_000 });
			const optionTexts = (await options.allInnerTexts()).map(normalise);
			expect(optionTexts).toEqual(
				expect.arrayContaining(['Deadline', 'Language', 'Signature Type', 'User Reference']),
			);
			await addField.click();
			await options.first().waitFor({ state: 'hidden', timeout: 5_000 });

			// the credential: "Connect to Lofirmo" opens the "Lofirmo API" form (closed by its button: Escape
			// would close the NDV too)
			await ndv.locator(SEL.credentialsEmpty).click();
			const modal = p.locator(SEL.credentialModal);
			await modal.waitFor({ state: 'visible' });
			await waitForTexts(modal, ['Lofirmo API', 'API User', 'API Token', 'Base URL']);
			const credentialDocs = await modal
				.getByRole('link', { name: /^\s*docs\s*$/i })
				.first()
				.getAttribute('href');
			console.log(`credential docs link: ${credentialDocs}`);
			expect(credentialDocs).toMatch(DOCS_URL);
			shots.push(await screenshot(p, 'editor-contract-send-credential'));
			await modal.locator(SEL.dialogClose).first().click();
			await modal.waitFor({ state: 'hidden', timeout: 5_000 });

			await closeNdv(p);
			const node = canvasNode(p, SEND_ACTION);
			await node.waitFor({ state: 'visible' });
			console.log(`canvas node: "${normalise(await node.innerText())}"`);
			shots.push(await screenshot(p, 'editor-contract-send-canvas'));
		});
	}, 60_000);

	it('adds the Lofirmo Trigger and shows the webhook URLs and the Lofirmo panel notice', async () => {
		const p = await needSession();
		await step(p, 'trigger', watch, async () => {
			const types = (await (
				await context!.request.get('/types/nodes.json')
			).json()) as NodeTypeInfo[];
			const trigger = types.find((t) => t.name === TRIGGER_TYPE);
			const noticeSource = trigger?.properties?.find((prop) => prop.type === 'notice')?.displayName;
			expect(noticeSource).toBeDefined();
			// n8n renders the notice as sanitized HTML: compare the text
			const expectedNotice = normalise(noticeSource!.replace(/<[^>]+>/g, ''));

			await openNewWorkflow(p, base());
			const creator = await openAppInCreator(p, 'Lofirmo', 'Lofirmo');
			await pickFromApp(creator, 'Triggers', CONTRACT_TRIGGER);
			const ndv = await openNdv(p);
			await waitForTexts(ndv.locator(SEL.ndvTitle), ['Lofirmo Trigger']);
			await waitForTexts(ndv.locator(SEL.param('events')), ['Contract Status Changed']);
			const triggerDocs = await ndvDocsLink(ndv);
			console.log(`trigger Docs link: ${triggerDocs}`);
			expect(triggerDocs).toMatch(DOCS_URL);

			const urls = await webhookUrls(ndv);
			const id = /\/webhook\/([^/]+)\/lofirmo$/.exec(urls.production)?.[1];
			expect(urls.method).toBe('POST');
			expect(urls.production).toMatch(new RegExp(`^${base()}/webhook/[0-9a-f-]{36}/lofirmo$`));
			expect(urls.test).toBe(`${base()}/webhook-test/${id}/lofirmo`);
			console.log(`webhook URLs: ${urls.method} ${urls.production} (test: ${urls.test})`);

			const notice = ndv.locator(SEL.notice).filter({ hasText: 'Lofirmo user panel' });
			await notice.waitFor({ state: 'visible' });
			const noticeText = normalise(await notice.innerText());
			expect(noticeText).toBe(expectedNotice);
			expect(noticeText).toContain('Production URL');
			const box = await notice.boundingBox();
			expect(box && box.y >= 0 && box.y + box.height <= VIEWPORT.height).toBe(true);
			// back to the Production URL tab, as a user would copy it
			await ndv.locator(SEL.webhookProductionTab).click();
			shots.push(await screenshot(p, 'editor-trigger-webhook'));

			await closeNdv(p);
			await canvasNode(p, 'Lofirmo Trigger').waitFor({ state: 'visible' });
			shots.push(await screenshot(p, 'editor-trigger-canvas'));
		});
	}, 60_000);

	it('loads our node icons (light and dark) with no browser errors about our package', async () => {
		const p = await needSession();
		await step(p, 'icons', watch, async () => {
			// what n8n tells the editor, and what those URLs answer
			const types = (await (
				await context!.request.get('/types/nodes.json')
			).json()) as NodeTypeInfo[];
			const iconUrls = new Set<string>();
			for (const name of [ACTION_TYPE, TRIGGER_TYPE]) {
				const type = types.find((t) => t.name === name);
				expect(type).toBeDefined();
				const icon = type!.iconUrl;
				expect(typeof icon === 'object' && icon.light && icon.dark).toBeTruthy();
				const { light, dark } = icon as { light: string; dark: string };
				expect(light).toMatch(new RegExp(`^icons/${PACKAGE_NAME}/`));
				iconUrls.add(light).add(dark);
			}
			for (const url of iconUrls) {
				const res = await context!.request.get(`/${url}`);
				const body = await res.text();
				expect({
					url,
					status: res.status(),
					type: res.headers()['content-type'],
					svg: body.includes('<svg'),
				}).toEqual({
					url,
					status: 200,
					type: expect.stringMatching(/^image\/svg\+xml/),
					svg: true,
				});
			}

			// what the browser fetched and drew (light colour scheme), on a canvas of this test's own
			await openNewWorkflow(p, base());
			await pickFromApp(
				await openAppInCreator(p, 'Lofirmo', 'Lofirmo'),
				'Triggers',
				CONTRACT_TRIGGER,
			);
			await openNdv(p);
			await closeNdv(p);
			const ours = watch!.watched.filter((r) => r.url.includes(`/icons/${PACKAGE_NAME}/`));
			expect(ours.length).toBeGreaterThan(0);
			expect(ours.filter((r) => r.status !== 200)).toEqual([]);
			const img = canvasNode(p, 'Lofirmo Trigger')
				.locator(`img[src*="/icons/${PACKAGE_NAME}/"]`)
				.first();
			await waitUntil('the trigger icon to load', async () => {
				const state = await imageLoaded(img);
				return (state.loaded && state.src.endsWith('/lofirmo.svg')) || JSON.stringify(state);
			});

			// dark colour scheme: the editor switches to the dark icon
			await p.emulateMedia({ colorScheme: 'dark' });
			await waitUntil('the dark icon to load', async () => {
				const state = await imageLoaded(img);
				return (state.loaded && state.src.endsWith('/lofirmo.dark.svg')) || JSON.stringify(state);
			});
			shots.push(await screenshot(p, 'editor-trigger-canvas-dark'));
			await p.emulateMedia({ colorScheme: 'light' });

			// nothing in the browser log about our package (n8n's own unrelated noise is only logged)
			const problems = watch!.problemsMatching(OURS);
			expect(watch!.format(problems)).toBe('');
			const iconProblems = watch!.events.filter(
				(e) => e.kind !== 'blocked' && e.url?.includes('/icons/') && (e.status ?? 0) >= 400,
			);
			expect(watch!.format(iconProblems)).toBe('');
		});
	}, 60_000);
});
