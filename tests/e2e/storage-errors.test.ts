import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, newAppPage, waitFor } from './browser';

const baseURL = inject('baseURL');
let browser: Browser;

const UNAVAILABLE = 'Der Browser erlaubt keinen lokalen Speicher';
const NEWER_VERSION = 'Die gespeicherten Daten stammen von einer neueren Kontor-Version';

beforeAll(async () => {
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
});

/** The storage banner's text, once an alert starting with `start` is shown. */
async function banner(page: Page, start: string): Promise<string> {
	return waitFor(async () => {
		const texts = await page.getByRole('alert').allTextContents();
		const found = texts.find((text) => text.trim().startsWith(start));
		expect(found, `alerts: ${JSON.stringify(texts)}`).toBeDefined();
		return found!.trim();
	});
}

async function createCompany(page: Page, name: string): Promise<void> {
	await page.getByRole('button', { name: '+ Neue Firma' }).click();
	const field = page.getByLabel('Firma', { exact: true });
	await waitFor(async () => expect(await field.isVisible()).toBe(true));
	await field.fill(name);
	await field.press('Tab');
	await waitFor(async () => expect(await page.locator('article.contact h1').textContent()).toBe(name));
	await waitFor(async () =>
		expect(
			await page
				.getByRole('status')
				.filter({ hasText: /^Gespeichert$/ })
				.count()
		).toBe(1)
	);
}

/** Names in the contact list. */
async function listNames(page: Page): Promise<string[]> {
	return page.locator('#contact-list [role=option] a.name').allTextContents();
}

describe('storage errors in the browser', () => {
	it('explains that the browser allows no local storage when IndexedDB is missing', async () => {
		const app = await newAppPage(browser, baseURL);
		try {
			await app.page.addInitScript(() => {
				Object.defineProperty(window, 'indexedDB', { value: undefined });
			});
			await app.page.goto('/');

			expect(await banner(app.page, UNAVAILABLE)).toContain('(IndexedDB)');
			const alert = app.page.getByRole('alert').filter({ hasText: UNAVAILABLE });
			expect(await alert.getByRole('button', { name: 'Neu laden' }).count()).toBe(1);
			// Nothing pretends to work: no list and no way to create contacts.
			expect(await app.page.getByRole('button', { name: '+ Neue Firma' }).count()).toBe(0);
		} finally {
			await app.close();
		}
	});

	it('steps aside for a newer version of the database and keeps the data', async () => {
		const app = await newAppPage(browser, baseURL);
		try {
			const { page } = app;
			await page.goto('/');
			await createCompany(page, 'Versionstest GmbH');

			// Another (newer) Kontor opens the same database with a higher version.
			const versions = await page.evaluate(async () => {
				const info = (await indexedDB.databases()).find((db) => db.name === 'kontor');
				if (!info?.version) throw new Error('no database "kontor"');
				const db = await new Promise<IDBDatabase>((resolve, reject) => {
					const request = indexedDB.open('kontor', info.version! + 10);
					request.onsuccess = () => resolve(request.result);
					request.onerror = () => reject(request.error ?? new Error('open failed'));
					// The app must close its connection on "versionchange"; if it does not, this is blocked.
					request.onblocked = () => reject(new Error('blocked: the app kept the database open'));
				});
				const after = db.version;
				const stores = [...db.objectStoreNames];
				db.close();
				return { before: info.version, after, stores };
			});
			expect(versions.after).toBe(versions.before + 10);
			// The upgrade changed nothing but the version: the stores are all still there.
			expect(versions.stores).toEqual(expect.arrayContaining(['contacts', 'meta', 'updates']));

			const text = await banner(page, NEWER_VERSION);
			expect(text).toContain('Ihre Daten bleiben erhalten.');
			expect(
				await page.getByRole('alert').filter({ hasText: NEWER_VERSION }).getByRole('button').textContent()
			).toBe('Neu laden');

			// Nothing was lost: a freshly loaded Kontor in the same browser profile opens the upgraded
			// database (Dexie 4 accepts an installed version above its own) and lists the company.
			const fresh = await app.context.newPage();
			await fresh.goto('/');
			await waitFor(async () => expect(await listNames(fresh)).toEqual(['Versionstest GmbH']));
			expect(await fresh.getByRole('alert').filter({ hasText: NEWER_VERSION }).count()).toBe(0);
			expect(
				app.errors.filter((e) => e.startsWith('uncaught')),
				app.errors.join('\n')
			).toEqual([]);
		} finally {
			await app.close();
		}
	});
});
