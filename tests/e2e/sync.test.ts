/**
 * Two devices in two Chromium contexts against a real server of their own: the admin sets the
 * server up and invites a member through the UI, both edit the same contact while offline, come
 * back, and end with the same contact and the same history, stamped by the server with their names.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill, heading, setUpTeam, startAppServer, untilPhase } from './app';
import { launchBrowser, newAppPage, waitFor, type AppPage } from './browser';

const PASSWORD = 'Kontor-Test-2026';
let browser: Browser;
let app: Awaited<ReturnType<typeof startAppServer>>;
let baseURL: string;

beforeAll(async () => {
	app = await startAppServer('sync');
	baseURL = app.baseURL;
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await app?.close();
});

/**
 * The history panel's entries, whitespace collapsed, with the device named neutrally: each device
 * calls itself "dieses Gerät" and the other one by its id.
 */
async function historyText(page: Page): Promise<string> {
	await page.getByRole('tab', { name: 'Verlauf' }).click();
	const panel = page.getByRole('tabpanel', { name: 'Verlauf' });
	await waitFor(async () => expect(await panel.locator('li').count()).toBeGreaterThan(0));
	const text = (await panel.textContent()) ?? '';
	await page.getByRole('tab', { name: 'Stammdaten' }).click();
	return text
		.replace(/\s+/g, ' ')
		.replace(/dieses Gerät|Gerät [0-9a-f]{6}/g, 'GERÄT')
		.trim();
}

async function value(page: Page, label: string): Promise<string> {
	return page.getByLabel(label, { exact: true }).inputValue();
}

describe('two devices syncing through the server', () => {
	let anna: AppPage;
	let bernd: AppPage;

	beforeAll(async () => {
		anna = await newAppPage(browser, baseURL);
		bernd = await newAppPage(browser, baseURL);
	});

	afterAll(async () => {
		await anna?.close();
		await bernd?.close();
	});

	it('sets up the server, invites a member and merges offline edits of both with the same history', async () => {
		const a = anna.page;
		const b = bernd.page;

		// Anna creates the first account and invites Bernd; both devices sync.
		await setUpTeam(a, b, PASSWORD);

		// Anna creates a company; it reaches Bernd.
		await a.goto('/');
		await a.getByRole('button', { name: '+ Neue Firma' }).click();
		await waitFor(async () => expect(await a.getByLabel('Firma', { exact: true }).isVisible()).toBe(true));
		await fill(a, 'Firma', 'Hartmann Logistik GmbH');
		await fill(a, 'Straße', 'Industriestraße 7');
		await untilPhase(a, 'synced');
		const contactPath = new URL(a.url()).pathname;
		await b.goto('/');
		const row = b.locator('#contact-list [role=option] a.name', { hasText: 'Hartmann Logistik GmbH' });
		await waitFor(async () => expect(await row.count()).toBe(1), { timeout: 15_000 });
		await row.click();
		await waitFor(async () => expect(await heading(b)).toBe('Hartmann Logistik GmbH'));
		expect(new URL(b.url()).pathname).toBe(contactPath);

		// Both go offline and edit the same contact: different fields, and the same field.
		await anna.context.setOffline(true);
		await bernd.context.setOffline(true);
		await untilPhase(a, 'offline');
		await untilPhase(b, 'offline');
		await fill(a, 'Ort', 'Köln');
		await fill(a, 'Straße', 'Am Hafen 1');
		await fill(b, 'PLZ', '50667');
		await fill(b, 'Straße', 'Ringstraße 2');
		expect(await value(a, 'PLZ')).toBe('');
		expect(await value(b, 'Ort')).toBe('');

		// Back online: both converge on one contact.
		await anna.context.setOffline(false);
		await bernd.context.setOffline(false);
		await untilPhase(a, 'synced', 30_000);
		await untilPhase(b, 'synced', 30_000);
		for (const page of [a, b]) {
			await waitFor(async () => expect(await value(page, 'Ort')).toBe('Köln'), { timeout: 15_000 });
			await waitFor(async () => expect(await value(page, 'PLZ')).toBe('50667'), { timeout: 15_000 });
		}
		const street = await value(a, 'Straße');
		expect(['Am Hafen 1', 'Ringstraße 2']).toContain(street);
		await waitFor(async () => expect(await value(b, 'Straße')).toBe(street));

		// The same history on both devices, with the names the server stamped.
		let annaHistory = '';
		await waitFor(
			async () => {
				annaHistory = await historyText(a);
				expect(annaHistory).toBe(await historyText(b));
			},
			{ timeout: 15_000 }
		);
		expect(annaHistory).toContain('Anna Admin');
		expect(annaHistory).toContain('Bernd Berger');
		expect(annaHistory).toContain('Köln');
		expect(annaHistory).toContain('50667');
		expect(anna.errors).toEqual([]);
		expect(bernd.errors).toEqual([]);
	});
});
