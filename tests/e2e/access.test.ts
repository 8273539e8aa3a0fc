/**
 * Rights and deletion between two members, in two Chromium contexts against a real server of their
 * own, all through the UI: the admin shares a contact read-only with a member and takes it away
 * again, then deletes a contact the member is changing offline; the member's device drops it, the
 * pending change with it, and says so.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill, heading, setUpTeam, startAppServer, untilPhase } from './app';
import { launchBrowser, newAppPage, waitFor, type AppPage } from './browser';

const PASSWORD = 'Kontor-Test-2026';
const NOT_FOUND = 'Dieser Kontakt existiert auf diesem Gerät nicht.';
const EMPTY_LIST = 'Noch keine Kontakte. Legen Sie eine Firma oder Person an.';
let browser: Browser;
let app: Awaited<ReturnType<typeof startAppServer>>;
let baseURL: string;

beforeAll(async () => {
	app = await startAppServer('access');
	baseURL = app.baseURL;
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await app?.close();
});

/** The list row whose name is exactly `name`. */
function listRow(page: Page, name: string): Locator {
	return page
		.locator('#contact-list [role=option]')
		.filter({ has: page.locator('a.name', { hasText: new RegExp(`^${name}$`) }) });
}

async function visible(locator: Locator): Promise<void> {
	await waitFor(async () => expect(await locator.isVisible()).toBe(true), { timeout: 15_000 });
}

/** How many contacts the list says it shows; null while it is still counting. */
async function readCount(page: Page): Promise<number | null> {
	const texts = await page
		.getByRole('status')
		.filter({ hasText: /^\d+ Kontakte?$/ })
		.allTextContents();
	return texts.length === 1 ? Number.parseInt(texts[0] ?? '', 10) : null;
}

/** How many contacts the list shows, once it has counted them. */
async function listCount(page: Page): Promise<number> {
	return waitFor(async () => {
		const count = await readCount(page);
		expect(count).not.toBeNull();
		return count ?? 0;
	});
}

/** Waits until the list has counted `count` contacts, none of them named `name`. */
async function listsWithout(page: Page, name: string, count: number): Promise<void> {
	await waitFor(
		async () => {
			expect(await readCount(page)).toBe(count);
			expect(await listRow(page, name).count()).toBe(0);
		},
		{ timeout: 15_000 }
	);
}

/** A new company named `name`, created on `page`; returns its path once the server has it. */
async function newCompany(page: Page, name: string): Promise<string> {
	await page.getByRole('button', { name: '+ Neue Firma' }).click();
	await visible(page.getByLabel('Firma', { exact: true }));
	await fill(page, 'Firma', name);
	await fill(page, 'Ort', 'Köln');
	await waitFor(async () => expect(await heading(page)).toBe(name));
	await untilPhase(page, 'synced');
	return new URL(page.url()).pathname;
}

/** Opens the contact `name` from the list once sync has brought it. */
async function openFromList(page: Page, name: string): Promise<void> {
	await page.goto('/');
	await waitFor(async () => expect(await listRow(page, name).count()).toBe(1), { timeout: 15_000 });
	await listRow(page, name).locator('a.name').click();
	await waitFor(async () => expect(await heading(page)).toBe(name));
}

/** The "Zugriff" tab of the open contact, once its rights are shown. */
async function accessPanel(page: Page): Promise<Locator> {
	await page.getByRole('tab', { name: 'Zugriff' }).click();
	const panel = page.getByRole('tabpanel', { name: 'Zugriff' });
	await visible(panel.getByRole('button', { name: 'Zugriffsrechte speichern' }));
	return panel;
}

/** Saves the rights in `panel` and waits for the panel's confirmation. */
async function saveAccess(panel: Locator): Promise<void> {
	const done = panel.getByRole('status').filter({ hasText: 'Zugriffsrechte gespeichert.' });
	expect(await done.count()).toBe(0);
	await panel.getByRole('button', { name: 'Zugriffsrechte speichern' }).click();
	await waitFor(async () => expect(await done.count()).toBe(1), { timeout: 15_000 });
}

describe('rights and deletion between two members', () => {
	let anna: AppPage;
	let bernd: AppPage;
	let a: Page;
	let b: Page;

	// Anna sets the server up and invites Bernd, who joins on his own device.
	beforeAll(async () => {
		anna = await newAppPage(browser, baseURL);
		bernd = await newAppPage(browser, baseURL);
		a = anna.page;
		b = bernd.page;

		await setUpTeam(a, b, PASSWORD);
	});

	afterAll(async () => {
		await anna?.close();
		await bernd?.close();
	});

	it('shares a contact read-only with a member and takes it away again', async () => {
		const name = 'Schneider Werkzeugbau GmbH';
		await a.goto('/');
		const contactPath = await newCompany(a, name);
		await openFromList(b, name);
		expect(new URL(b.url()).pathname).toBe(contactPath);
		expect(await b.getByLabel('Firma', { exact: true }).isEditable()).toBe(true);

		// Anna: nobody else may see it, except Bernd, who may read it.
		let panel = await accessPanel(a);
		await panel.getByLabel('Zugriff für alle', { exact: true }).selectOption({ label: 'Niemand' });
		await panel
			.getByRole('combobox', { name: 'Mitglied', exact: true })
			.selectOption({ label: 'Bernd Berger' });
		await panel.getByRole('combobox', { name: 'Recht', exact: true }).selectOption({ label: 'Lesen' });
		await panel.getByRole('button', { name: 'Hinzufügen', exact: true }).click();
		expect(await panel.getByLabel('Recht für Bernd Berger', { exact: true }).inputValue()).toBe('read');
		await saveAccess(panel);

		// Bernd's form turns read-only: a banner says why, nothing can be changed or deleted.
		const banner = b.getByRole('note').filter({ hasText: 'Nur Lesezugriff' });
		await visible(banner);
		expect(await banner.textContent()).toContain('Eigentümer: Anna Admin');
		for (const label of ['Firma', 'Straße', 'PLZ', 'Ort']) {
			expect(await b.getByLabel(label, { exact: true }).isEditable(), label).toBe(false);
		}
		expect(await b.getByLabel('Land', { exact: true }).isDisabled()).toBe(true);
		expect(await b.getByRole('button', { name: 'Kontakt löschen' }).isDisabled()).toBe(true);
		expect(await b.getByLabel('Firma', { exact: true }).inputValue()).toBe(name);

		// Anna takes Bernd's right away again.
		panel = await accessPanel(a);
		await panel.getByRole('button', { name: 'Recht von Bernd Berger entfernen' }).click();
		expect(await panel.getByLabel('Recht für Bernd Berger', { exact: true }).count()).toBe(0);
		await saveAccess(panel);

		// Bernd's device drops the contact and says so.
		await visible(
			b
				.getByRole('alert')
				.filter({ hasText: `„${name}“ wurde von diesem Gerät entfernt: Sie haben keinen Zugriff mehr.` })
		);
		await visible(b.getByRole('alert').filter({ hasText: NOT_FOUND }));
		await visible(b.getByText(EMPTY_LIST));
		expect(await listRow(b, name).count()).toBe(0);

		// Also after a reload, and when opened by its address.
		await b.goto(contactPath);
		await visible(b.getByRole('alert').filter({ hasText: NOT_FOUND }));
		await untilPhase(b, 'synced');
		await visible(b.getByText(EMPTY_LIST));
		expect(await listRow(b, name).count()).toBe(0);

		// Anna still has it.
		expect(await listRow(a, name).count()).toBe(1);
		expect(anna.errors).toEqual([]);
		expect(bernd.errors).toEqual([]);
	});

	it('deletes a contact a member is changing offline; the member drops it and the change', async () => {
		const name = 'Becker Druck KG';
		await a.goto('/');
		await b.goto('/');
		const annaCount = await listCount(a);
		const berndCount = await listCount(b);
		const contactPath = await newCompany(a, name);
		await openFromList(b, name);
		// New contacts are open to everyone in the workspace: Bernd may edit it.
		expect(await b.getByLabel('Ort', { exact: true }).isEditable()).toBe(true);

		// Bernd, offline, changes the city.
		await bernd.context.setOffline(true);
		await untilPhase(b, 'offline');
		await fill(b, 'Ort', 'Mainz');
		expect(await b.getByLabel('Ort', { exact: true }).inputValue()).toBe('Mainz');

		// Meanwhile Anna deletes the contact.
		await a.getByRole('button', { name: 'Kontakt löschen' }).click();
		const dialog = a.getByRole('dialog', { name: `„${name}“ löschen?` });
		await visible(dialog);
		await dialog.getByRole('button', { name: 'Endgültig löschen' }).click();
		await waitFor(async () => expect(new URL(a.url()).pathname).toBe('/'));
		await listsWithout(a, name, annaCount);

		// Bernd comes back: his device drops the contact and his change, and tells him.
		await bernd.context.setOffline(false);
		await visible(b.getByRole('status').filter({ hasText: `„${name}“ wurde gelöscht.` }));
		await visible(b.getByRole('alert').filter({ hasText: NOT_FOUND }));
		await listsWithout(b, name, berndCount);
		// Synced means nothing is pending: the change went with the contact.
		await untilPhase(b, 'synced', 30_000);

		// It stays deleted on both devices.
		await a.reload();
		await b.reload();
		await untilPhase(a, 'synced');
		await untilPhase(b, 'synced');
		await listsWithout(a, name, annaCount);
		await listsWithout(b, name, berndCount);
		for (const [page, count] of [
			[a, annaCount],
			[b, berndCount]
		] as const) {
			await page.goto(contactPath);
			await visible(page.getByRole('alert').filter({ hasText: NOT_FOUND }));
			await untilPhase(page, 'synced');
			await listsWithout(page, name, count);
		}
		expect(anna.errors).toEqual([]);
		expect(bernd.errors).toEqual([]);
	});
});
