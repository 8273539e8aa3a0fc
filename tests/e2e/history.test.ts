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

/** Waits until the button named `name` is there (a saved channel entry names its value in it). */
async function until(page: Page, name: string, count = 1): Promise<void> {
	await waitFor(async () =>
		expect(await page.getByRole('button', { name, exact: true }).count()).toBe(count)
	);
}

/** The history panel's text, whitespace collapsed. */
async function historyText(page: Page): Promise<string> {
	const text = await page.getByRole('tabpanel', { name: 'Verlauf' }).textContent();
	return (text ?? '').replace(/\s+/g, ' ');
}

describe('change history in the browser', () => {
	let app: AppPage;

	beforeAll(async () => {
		app = await newAppPage(browser, baseURL);
	});

	afterAll(async () => {
		await app?.close();
	});

	it('shows who changed what, explains each field, and restores a deleted e-mail', async () => {
		const { page } = app;
		await page.goto('/settings');
		const profile = page.getByLabel('Ihr Name (erscheint im Änderungsverlauf)', { exact: true });
		await profile.fill('Erika Muster');
		await profile.press('Tab');
		await page.reload();
		await waitFor(async () => expect(await profile.inputValue()).toBe('Erika Muster'));

		await page.goto('/');
		await page.getByRole('button', { name: '+ Neue Firma' }).click();
		await waitFor(async () => expect(await page.getByLabel('Firma', { exact: true }).isVisible()).toBe(true));
		await fill(page, 'Firma', 'Verlauf Test GmbH');
		await waitFor(async () => expect(await heading(page)).toBe('Verlauf Test GmbH'));

		// A phone number with a label, then a new number.
		await page.getByRole('button', { name: 'Telefon hinzufügen' }).click();
		await page.keyboard.type('030 1234567');
		await page.keyboard.press('Enter');
		await until(page, 'Telefon 030 1234567 entfernen');
		await fill(page, 'Bezeichnung (Telefon 030 1234567)', 'Zentrale');
		await waitFor(async () =>
			expect(await page.getByLabel('Telefon Zentrale', { exact: true }).count()).toBe(1)
		);
		await fill(page, 'Telefon Zentrale', '030 7654321');
		await until(page, 'Telefon 030 7654321 entfernen');

		// An e-mail address, added and deleted again.
		await page.getByRole('button', { name: 'E-Mail hinzufügen' }).click();
		await page.keyboard.type('buchhaltung@firma.de');
		await page.keyboard.press('Enter');
		await until(page, 'E-Mail buchhaltung@firma.de entfernen');
		await page.getByRole('button', { name: 'E-Mail buchhaltung@firma.de entfernen', exact: true }).click();
		await until(page, 'E-Mail buchhaltung@firma.de entfernen', 0);

		await page.reload();
		await waitFor(async () => expect(await heading(page)).toBe('Verlauf Test GmbH'));
		const today = await page.evaluate(() =>
			new Intl.DateTimeFormat('de', { dateStyle: 'medium' }).format(new Date())
		);

		await page.getByRole('tab', { name: 'Verlauf' }).click();
		await waitFor(async () => {
			const text = await historyText(page);
			expect(text).toContain('Telefon Zentrale: 030 1234567 → 030 7654321');
			expect(text).toContain('E-Mail gelöscht: buchhaltung@firma.de');
			expect(text).toContain('Kontakt angelegt (Firma)');
		});
		const deleted = page
			.getByRole('tabpanel', { name: 'Verlauf' })
			.locator('li')
			.filter({ hasText: 'E-Mail gelöscht: buchhaltung@firma.de' })
			.first();
		const deletedText = (await deleted.textContent()) ?? '';
		expect(deletedText).toContain('Erika Muster');
		expect(deletedText).toContain('dieses Gerät');
		expect(deletedText).toContain(today);

		// Arrow keys move between the tabs.
		await page.getByRole('tab', { name: 'Verlauf' }).focus();
		await page.keyboard.press('ArrowLeft');
		await waitFor(async () =>
			expect(await page.getByRole('tab', { name: 'Stammdaten' }).getAttribute('aria-selected')).toBe('true')
		);
		expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Stammdaten');

		// The phone entry explains where its value came from, on hover and on keyboard focus.
		const phone = page.getByRole('textbox', { name: 'Telefon Zentrale', exact: true });
		const tooltip = page.getByRole('tooltip').filter({ hasText: 'Vorher: 030 1234567' });
		await phone.hover();
		await waitFor(async () => expect(await tooltip.isVisible()).toBe(true));
		const tip = (await tooltip.textContent()) ?? '';
		expect(tip).toContain('Erika Muster');
		expect(tip).toContain(today);
		await page.mouse.move(0, 0);
		await waitFor(async () => expect(await tooltip.isVisible()).toBe(false));
		await phone.focus();
		await waitFor(async () => expect(await tooltip.isVisible()).toBe(true));
		await page.keyboard.press('Escape');
		await waitFor(async () => expect(await tooltip.isVisible()).toBe(false));

		// A tooltip at the right edge of the window stays inside it.
		await page.getByRole('combobox', { name: 'Land', exact: true }).focus();
		const edgeTip = page.getByRole('tooltip').filter({ visible: true });
		await waitFor(async () => {
			const box = await edgeTip.boundingBox();
			expect(box).not.toBeNull();
			expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(page.viewportSize()?.width ?? 0);
		});

		// Restore the deleted e-mail from the history: it is back in the form, and the restore is history too.
		await page.getByRole('tab', { name: 'Verlauf' }).click();
		await page.getByRole('button', { name: 'E-Mail buchhaltung@firma.de wiederherstellen' }).click();
		await waitFor(async () =>
			expect((await historyText(page)).indexOf('E-Mail hinzugefügt: buchhaltung@firma.de')).toBeLessThan(
				(await historyText(page)).indexOf('E-Mail gelöscht: buchhaltung@firma.de')
			)
		);
		await page.getByRole('tab', { name: 'Stammdaten' }).click();
		await waitFor(async () =>
			expect(await page.getByRole('textbox', { name: 'E-Mail', exact: true }).inputValue()).toBe(
				'buchhaltung@firma.de'
			)
		);
		expect(app.errors).toEqual([]);
	});
});
