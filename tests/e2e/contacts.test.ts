import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fill, heading } from './app';
import { launchBrowser, newAppPage, waitFor, type AppPage } from './browser';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
});

async function newCompany(page: Page, name: string, city: string): Promise<void> {
	await page.getByRole('button', { name: '+ Neue Firma' }).click();
	await waitFor(async () => expect(await page.getByLabel('Firma', { exact: true }).isVisible()).toBe(true));
	await fill(page, 'Firma', name);
	await fill(page, 'Straße', 'Industriestraße 7');
	await fill(page, 'PLZ', '50667');
	await fill(page, 'Ort', city);
	await waitFor(async () => expect(await heading(page)).toBe(name));
}

/** The list row whose name is exactly `name` (a person's row also mentions its company). */
function listRow(page: Page, name: string) {
	return page
		.locator('#contact-list [role=option]')
		.filter({ has: page.locator('a.name', { hasText: new RegExp(`^${name}$`) }) });
}

async function listNames(page: Page): Promise<string[]> {
	return page.locator('#contact-list [role=option] a.name').allTextContents();
}

describe('contacts in the browser', () => {
	let app: AppPage;

	beforeAll(async () => {
		app = await newAppPage(browser, baseURL);
	});

	afterAll(async () => {
		await app?.close();
	});

	it('inherits the company address into a contact person and finds the person by the company city', async () => {
		const { page } = app;
		await page.goto('/');
		await newCompany(page, 'Hartmann Logistik GmbH', 'Köln');

		await page.getByRole('button', { name: '+ Ansprechpartner hinzufügen' }).click();
		await waitFor(async () =>
			expect(await page.getByLabel('Vorname', { exact: true }).isVisible()).toBe(true)
		);
		await fill(page, 'Vorname', 'Jonas');
		await fill(page, 'Nachname', 'Weber');
		await waitFor(async () => expect(await heading(page)).toBe('Weber, Jonas'));

		const city = page.getByLabel('Ort', { exact: true });
		expect(await city.inputValue()).toBe('Köln');
		expect(await city.getAttribute('readonly')).not.toBeNull();
		const inherited = page.getByText('geerbt von').first();
		expect(await inherited.textContent()).toContain('Hartmann Logistik GmbH');

		// Change the company's city: the person shows it at once and is found by it.
		await inherited.getByRole('link', { name: 'Hartmann Logistik GmbH' }).click();
		await waitFor(async () => expect(await heading(page)).toBe('Hartmann Logistik GmbH'));
		await fill(page, 'Ort', 'Bonn');
		await page.getByRole('searchbox', { name: 'Suchen' }).fill('Bonn');
		await waitFor(async () =>
			expect(await listNames(page)).toEqual(['Hartmann Logistik GmbH', 'Weber, Jonas'])
		);

		await listRow(page, 'Weber, Jonas').click();
		await waitFor(async () => expect(await heading(page)).toBe('Weber, Jonas'));
		expect(await page.getByLabel('Ort', { exact: true }).inputValue()).toBe('Bonn');
		expect(await listRow(page, 'Weber, Jonas').textContent()).toContain('bei Hartmann Logistik GmbH');
	});

	it('keeps everything after a reload and works offline after the first visit', async () => {
		const { page, context } = app;
		await page.goto('/');
		await waitFor(async () => expect(await listNames(page)).toContain('Weber, Jonas'));
		// The service worker has precached the app shell once it is active and controls the page.
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await page.reload();
		await waitFor(async () =>
			expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
		);

		await context.setOffline(true);
		try {
			await page.reload();
			await waitFor(async () =>
				expect(await listNames(page)).toEqual(['Hartmann Logistik GmbH', 'Weber, Jonas'])
			);
			await listRow(page, 'Hartmann Logistik GmbH').click();
			await waitFor(async () => expect(await heading(page)).toBe('Hartmann Logistik GmbH'));
			expect(await page.getByLabel('Ort', { exact: true }).inputValue()).toBe('Bonn');
			expect(await page.getByRole('status').filter({ hasText: 'Offline' }).count()).toBe(1);
			// An edit made offline is kept too.
			await fill(page, 'Straße', 'Rheinweg 3');
			await page.reload();
			await waitFor(async () => expect(await heading(page)).toBe('Hartmann Logistik GmbH'));
			expect(await page.getByLabel('Straße', { exact: true }).inputValue()).toBe('Rheinweg 3');
		} finally {
			await context.setOffline(false);
		}
	});

	it('refuses an invalid e-mail address and a phone number that is not valid for the country', async () => {
		const { page } = app;
		await page.goto('/');
		await newCompany(page, 'Zander Elektro KG', 'Berlin');
		await page.getByRole('button', { name: 'E-Mail hinzufügen' }).click();
		await page.keyboard.type('info@zander');
		await page.keyboard.press('Enter');
		await waitFor(async () =>
			expect(await page.getByRole('alert').allTextContents()).toContain('Keine gültige E-Mail-Adresse.')
		);
		await page.keyboard.press('Escape');
		await page.getByRole('button', { name: 'Telefon hinzufügen' }).click();
		await page.keyboard.type('030 12');
		await page.keyboard.press('Enter');
		await waitFor(async () =>
			expect(await page.getByRole('alert').allTextContents()).toContain(
				'Diese Nummer ist für Deutschland nicht gültig.'
			)
		);
		await page.reload();
		await waitFor(async () => expect(await heading(page)).toBe('Zander Elektro KG'));
		expect(await page.getByText('Noch keine Telefonnummern oder E-Mail-Adressen.').isVisible()).toBe(true);
	});

	it('shows edits made in another tab without a reload, and merges concurrent edits', async () => {
		const { page, context } = app;
		await page.goto('/');
		await listRow(page, 'Zander Elektro KG').click();
		await waitFor(async () => expect(await heading(page)).toBe('Zander Elektro KG'));
		const other = await context.newPage();
		try {
			await other.goto(page.url());
			await waitFor(async () => expect(await heading(other)).toBe('Zander Elektro KG'));

			await fill(page, 'Straße', 'Am Markt 1');
			await waitFor(async () =>
				expect(await other.getByLabel('Straße', { exact: true }).inputValue()).toBe('Am Markt 1')
			);

			// Both tabs edit different fields at the same time; both edits survive everywhere.
			await Promise.all([fill(page, 'PLZ', '10117'), fill(other, 'Notizen', 'Rückruf am Montag')]);
			for (const tab of [page, other]) {
				await waitFor(async () => {
					expect(await tab.getByLabel('PLZ', { exact: true }).inputValue()).toBe('10117');
					expect(await tab.getByLabel('Notizen', { exact: true }).inputValue()).toBe('Rückruf am Montag');
				});
			}
		} finally {
			await other.close();
		}
	});

	it('refuses a move that would make a company its own ancestor', async () => {
		const { page } = app;
		await page.goto('/');
		await listRow(page, 'Hartmann Logistik GmbH').click();
		await waitFor(async () => expect(await heading(page)).toBe('Hartmann Logistik GmbH'));
		// Put Hartmann under Zander ...
		await page.getByRole('button', { name: 'Zuordnung ändern' }).click();
		await page.getByRole('combobox', { name: 'Übergeordneten Kontakt suchen' }).fill('Zander');
		await page
			.getByRole('listbox', { name: 'Übergeordneten Kontakt suchen' })
			.getByRole('option', { name: /Zander Elektro KG/ })
			.click();
		await waitFor(async () =>
			expect(await page.locator('section', { hasText: 'Gehört zu Firma' }).first().textContent()).toContain(
				'Zander Elektro KG'
			)
		);
		// ... then try to put Zander under Hartmann.
		await listRow(page, 'Zander Elektro KG').click();
		await waitFor(async () => expect(await heading(page)).toBe('Zander Elektro KG'));
		await page.getByRole('button', { name: 'Zuordnung ändern' }).click();
		await page.getByRole('combobox', { name: 'Übergeordneten Kontakt suchen' }).fill('Hartmann');
		await page
			.getByRole('listbox', { name: 'Übergeordneten Kontakt suchen' })
			.getByRole('option', { name: /Hartmann Logistik GmbH/ })
			.click();
		await waitFor(async () =>
			expect(await page.getByRole('alert').allTextContents()).toContain(
				'Diese Zuordnung ist nicht möglich: Der Kontakt wäre dann sein eigener Vorgänger.'
			)
		);
	});

	it('can be used by keyboard and switched to English', async () => {
		const { page } = app;
		await page.goto('/');
		const search = page.getByRole('searchbox', { name: 'Suchen' });
		await search.fill('Weber');
		await waitFor(async () => expect(await listNames(page)).toEqual(['Weber, Jonas']));
		await search.press('ArrowDown');
		await search.press('Enter');
		await waitFor(async () => expect(await heading(page)).toBe('Weber, Jonas'));

		await page.getByRole('combobox', { name: 'Sprache der Oberfläche' }).selectOption('en');
		await waitFor(async () =>
			expect(await page.getByLabel('First name', { exact: true }).inputValue()).toBe('Jonas')
		);
		expect(await page.getByRole('link', { name: 'Contacts' }).isVisible()).toBe(true);
		await page.getByRole('combobox', { name: 'Interface language' }).selectOption('de');
		await waitFor(async () =>
			expect(await page.getByLabel('Vorname', { exact: true }).inputValue()).toBe('Jonas')
		);
	});
});
