/**
 * The n8n editor (UI of n8n 2.40.7) as the editor check drives it. Selectors are n8n's own `data-test-id`
 * attributes, found by inspecting the DOM of the pinned version; the few places without one are noted.
 *
 * Quirks of 2.40.7 seen while writing this:
 * - The sign-in page probes `GET /rest/login` first and logs a 401 to the console: normal before a session.
 * - On an empty workflow the creator opens in "What triggers this workflow?" mode. Searching "Lofirmo" shows one
 *   entry, "Lofirmo" (trigger and action node merged into one app, described with the trigger's text); clicking
 *   it opens "Node details" with "Triggers (n)" expanded and "Actions (n)" collapsed. Actions are listed per
 *   resource ("Contract Actions" …) by their `action` text; triggers are named "On <event option, lower case>".
 * - Picking an action as the first step also adds n8n's manual trigger and opens the new node's panel (NDV);
 *   the node is named after the action ("Send a contract for signature").
 * - Select parameters render their current label as the value of an <input> inside
 *   `parameter-input-<name>`, not as text.
 * - Escape in the credential modal also closes the NDV underneath: close modals with their close button.
 * - The webhook URLs section of a trigger has no data-test-id (`.webhooks`, headline "Webhook URLs"); inside it
 *   `radio-button-test` / `radio-button-production` switch the URL shown in `.webhook-url`.
 * - Community nodes make the browser ask https://registry.npmjs.org/<package> for stats (blocked here).
 * - Icons of community packages are served at `/icons/<package>/<path in the package>`; `/types/nodes.json`
 *   lists them as `iconUrl: { light, dark }` and the editor picks `dark` under a dark colour scheme.
 */
import type { Locator, Page } from 'playwright-core';

import { normalise, waitForTexts } from './browser';

export const SEL = {
	signIn: {
		email: 'input[name="emailOrLdapLoginId"]',
		password: 'input[name="password"]',
		submit: '[data-test-id="form-submit-button"]',
	},
	/** present on every signed-in page */
	signedIn: '[data-test-id="project-home-menu-item"], [data-test-id="main-sidebar-settings"]',
	canvasPlus: '[data-test-id="canvas-plus-button"]',
	nodeCreatorPlus: '[data-test-id="node-creator-plus-button"]',
	creator: '[data-test-id="node-creator"]',
	creatorSearch: '[data-test-id="node-creator-search-bar"]',
	creatorItem: '[data-test-id="item-iterator-item"]',
	creatorItemName: '[data-test-id="node-creator-item-name"]',
	creatorCategory: '[data-test-id="node-creator-category-item"]',
	ndv: '[data-test-id="ndv"]',
	ndvClose: '[data-test-id="ndv-close-button"]',
	ndvTitle: '[data-test-id="node-title-container"]',
	ndvParameters: '[data-test-id="node-parameters"]',
	inputLabel: '[data-test-id="input-label"]',
	credentialsSlot: '[data-test-id="node-credentials-slot"]',
	credentialsEmpty: '[data-test-id="node-credentials-empty-state"]',
	credentialModal: '[data-test-id="editCredential-modal"]',
	dialogClose: '.el-dialog__headerbtn, [aria-label="Close this dialog"]',
	canvasNode: '[data-test-id="canvas-node"]',
	param: (name: string) => `[data-test-id="parameter-input-${name}"]`,
	/** no data-test-id on this section in 2.40.7 */
	webhooks: '.webhooks',
	webhookUrl: '.webhook-url',
	webhookTestTab: '[data-test-id="radio-button-test"]',
	webhookProductionTab: '[data-test-id="radio-button-production"]',
	notice: '.notice[role="alert"]',
};

/**
 * Onboarding and survey modals a fresh instance may show over the editor (names from the 2.40.7 bundle; the
 * harness turns personalization off, the rest depend on n8n's own timing and settings).
 */
const ONBOARDING_MODALS = [
	'[data-test-id="personalization-form"]',
	'[data-test-id="personalization-modal"]',
	'[data-test-id="communityPlusEnrollment-modal"]',
	'[data-test-id="whatsNew-modal"]',
	'[data-test-id="npsSurvey-modal"]',
	'[data-test-id="nps-survey-modal"]',
	'[data-test-id="trialIntroModal-modal"]',
	'[data-test-id="mcpOnboardingModal-modal"]',
].join(', ');

const DISMISS_BUTTON = /^(get started|skip|not now|maybe later|close|dismiss|got it|no thanks)$/i;

export const dismissed: string[] = [];

async function dismissOne(modal: Locator): Promise<void> {
	const id = (await modal.getAttribute('data-test-id').catch(() => null)) ?? 'modal';
	const button = modal.getByRole('button', { name: DISMISS_BUTTON }).first();
	const close = modal.locator(SEL.dialogClose).first();
	if (await button.isVisible().catch(() => false)) await button.click({ timeout: 5_000 });
	else if (await close.isVisible().catch(() => false)) await close.click({ timeout: 5_000 });
	else await modal.page().keyboard.press('Escape');
	await modal.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
	dismissed.push(id);
}

/** Closes any onboarding/survey modal now and, through Playwright's locator handler, whenever one shows up. */
export async function installOnboardingHandler(page: Page): Promise<void> {
	// visible ones only: n8n keeps some of these modals hidden in the DOM all the time
	await page.addLocatorHandler(
		page.locator(ONBOARDING_MODALS).filter({ visible: true }).first(),
		(modal) => dismissOne(modal),
		{
			noWaitAfter: true,
		},
	);
}

export async function dismissOnboarding(page: Page): Promise<void> {
	const modals = page.locator(ONBOARDING_MODALS);
	for (let i = 0; i < 5; i++) {
		const visible = modals.filter({ visible: true }).first();
		if (!(await visible.isVisible().catch(() => false))) return;
		await dismissOne(visible);
	}
}

/** Signs in through n8n's own sign-in form. */
export async function signIn(
	page: Page,
	baseUrl: string,
	owner: { email: string; password: string },
): Promise<void> {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
	await page.locator(SEL.signIn.email).fill(owner.email);
	await page.locator(SEL.signIn.password).fill(owner.password);
	await page.locator(SEL.signIn.submit).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 20_000 });
	await page.locator(SEL.signedIn).first().waitFor({ state: 'visible', timeout: 20_000 });
	await dismissOnboarding(page);
}

/** Opens a new, empty workflow and waits for its canvas. */
export async function openNewWorkflow(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
	await dismissOnboarding(page);
	await page.locator(SEL.canvasPlus).waitFor({ state: 'visible', timeout: 20_000 });
}

/** A creator entry by its exact visible name. */
export function creatorItem(creator: Locator, name: string): Locator {
	const exact = new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
	return creator
		.locator(SEL.creatorItem)
		.filter({ has: creator.page().locator(SEL.creatorItemName, { hasText: exact }) });
}

/**
 * Opens the node creator (the canvas "+"), searches `search` and opens the app entry `appName`;
 * returns the creator panel, then showing that app's triggers and actions.
 */
export async function openAppInCreator(
	page: Page,
	search: string,
	appName: string,
): Promise<Locator> {
	const plus = page.locator(SEL.canvasPlus);
	if (await plus.isVisible()) await plus.click();
	else await page.locator(SEL.nodeCreatorPlus).click();
	const creator = page.locator(SEL.creator);
	await creator.waitFor({ state: 'visible' });
	await creator.locator(SEL.creatorSearch).fill(search);
	const app = creatorItem(creator, appName);
	await app.first().waitFor({ state: 'visible', timeout: 10_000 });
	await app.first().click();
	// the app view: "Triggers (n)" / "Actions (n)" sections
	await creator.locator(SEL.creatorCategory).first().waitFor({ state: 'visible', timeout: 10_000 });
	return creator;
}

/** Clicks a trigger or action of the open app, expanding its section ("Triggers"/"Actions") if collapsed. */
export async function pickFromApp(
	creator: Locator,
	section: 'Triggers' | 'Actions',
	name: string,
): Promise<void> {
	const item = creatorItem(creator, name).first();
	// a short look first: clicking an already expanded section would collapse it
	const shown = await item
		.waitFor({ state: 'visible', timeout: 1_500 })
		.then(() => true)
		.catch(() => false);
	if (!shown) {
		await creator
			.locator(SEL.creatorCategory)
			.filter({ hasText: new RegExp(`^\\s*${section}\\b`) })
			.first()
			.click();
	}
	await item.waitFor({ state: 'visible', timeout: 10_000 });
	await item.click();
}

/** The href of the NDV header's "Docs" link (undefined when n8n shows none). */
export async function ndvDocsLink(ndv: Locator): Promise<string | undefined> {
	const link = ndv.getByRole('link', { name: /^\s*Docs\s*$/ }).first();
	if (!(await link.isVisible().catch(() => false))) return undefined;
	return (await link.getAttribute('href')) ?? undefined;
}

/** The open node panel (NDV), once its parameters are shown. */
export async function openNdv(page: Page): Promise<Locator> {
	const ndv = page.locator(SEL.ndv);
	await ndv.waitFor({ state: 'visible', timeout: 15_000 });
	await ndv.locator(SEL.ndvParameters).waitFor({ state: 'visible', timeout: 15_000 });
	return ndv;
}

export async function closeNdv(page: Page): Promise<void> {
	await page.locator(SEL.ndvClose).click();
	await page.locator(SEL.ndv).waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Visible parameter labels of the NDV's Parameters tab, in order (first line of each label). */
export async function parameterLabels(ndv: Locator): Promise<string[]> {
	const labels = ndv.locator(`${SEL.ndvParameters} ${SEL.inputLabel}`).filter({ visible: true });
	return (await labels.allInnerTexts()).map((t) => normalise(t.split('\n')[0] ?? ''));
}

/** The canvas node with this name (its label under the node). */
export function canvasNode(page: Page, name: string): Locator {
	return page.locator(SEL.canvasNode).filter({ hasText: name }).first();
}

/** Expands the trigger's "Webhook URLs" section and returns { test, production } URLs as the panel shows them. */
export async function webhookUrls(
	ndv: Locator,
): Promise<{ test: string; production: string; method: string }> {
	const section = ndv.locator(SEL.webhooks);
	await section.waitFor({ state: 'visible' });
	const tabs = section.locator(SEL.webhookTestTab);
	if (!(await tabs.isVisible())) await section.getByText('Webhook URLs', { exact: true }).click();
	await tabs.waitFor({ state: 'visible', timeout: 5_000 });
	const read = async (tab: string, kind: string): Promise<string> => {
		await section.locator(tab).click();
		const url = section.locator(SEL.webhookUrl).first();
		await waitForTexts(url, [`/${kind}/`]);
		return normalise(await url.innerText());
	};
	const test = await read(SEL.webhookTestTab, 'webhook-test');
	const production = await read(SEL.webhookProductionTab, 'webhook');
	const method = normalise(await section.locator('.http-method').first().innerText());
	return { test, production, method };
}
