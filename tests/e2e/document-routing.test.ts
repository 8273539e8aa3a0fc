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

/** Adds an e-mail entry through the channel list and, when given, sets its purpose. */
async function addEmail(page: Page, address: string, purpose?: string): Promise<void> {
	await page.getByRole('button', { name: 'E-Mail hinzufügen' }).click();
	await page.keyboard.type(address);
	await page.keyboard.press('Enter');
	const remove = page.getByRole('button', { name: `E-Mail ${address} entfernen`, exact: true });
	await waitFor(async () => expect(await remove.count()).toBe(1));
	if (!purpose) return;
	const select = page.getByLabel(`Zweck (E-Mail ${address})`, { exact: true });
	await select.selectOption({ label: purpose });
	await waitFor(async () => expect(await select.inputValue()).not.toBe(''));
}

/** What the Belegversand panel says for a kind of document: address and rule, or why there is none. */
async function routing(page: Page, kind: string): Promise<string> {
	const row = page
		.getByRole('tabpanel', { name: 'Belegversand' })
		.getByRole('row')
		.filter({ has: page.getByRole('rowheader', { name: kind, exact: true }) });
	const cells = await row.getByRole('cell').allTextContents();
	return cells.map((c) => c.replace(/\s+/g, ' ').trim()).join(' | ');
}

describe('Belegversand in the browser', () => {
	let app: AppPage;

	beforeAll(async () => {
		app = await newAppPage(browser, baseURL);
	});

	afterAll(async () => {
		await app?.close();
	});

	it('routes each kind of document to its purpose e-mail, the customer’s document e-mail or the standard one', async () => {
		const { page } = app;
		await page.goto('/');
		await page.getByRole('button', { name: '+ Neue Firma' }).click();
		await waitFor(async () => expect(await page.getByLabel('Firma', { exact: true }).isVisible()).toBe(true));
		await fill(page, 'Firma', 'Belegversand Test GmbH');
		await waitFor(async () => expect(await heading(page)).toBe('Belegversand Test GmbH'));

		await addEmail(page, 'info@beleg-test.de');
		await addEmail(page, 'rechnung@beleg-test.de', 'Rechnung');
		await addEmail(page, 'lieferschein@beleg-test.de', 'Lieferschein');
		await addEmail(page, 'buchhaltung@beleg-test.de', 'Buchhaltung');

		// Without the customer role there is no Kunde tab; the checkbox under the name opens it.
		expect(await page.getByRole('tab', { name: 'Kunde', exact: true }).count()).toBe(0);
		await page.getByRole('checkbox', { name: 'Kunde', exact: true }).check();
		const customerTab = page.getByRole('tab', { name: 'Kunde', exact: true });
		await waitFor(async () => expect(await customerTab.count()).toBe(1));
		await customerTab.click();
		await fill(page, 'E-Mail für Belege', 'belege@beleg-test.de');

		await page.getByRole('tab', { name: 'Belegversand' }).click();
		await waitFor(async () =>
			expect(await routing(page, 'Rechnung')).toBe(
				'rechnung@beleg-test.de | Zweckgebundene E-Mail „Rechnung“'
			)
		);
		expect(await routing(page, 'Lieferschein')).toBe(
			'lieferschein@beleg-test.de | Zweckgebundene E-Mail „Lieferschein“'
		);
		expect(await routing(page, 'Angebot')).toBe(
			'belege@beleg-test.de | E-Mail für Belege aus dem Reiter Kunde'
		);
		expect(await routing(page, 'Storno')).toBe(
			'belege@beleg-test.de | E-Mail für Belege aus dem Reiter Kunde'
		);
		expect(await routing(page, 'Werbung')).toBe(
			'Gesperrt: keine Werbeeinwilligung erfasst (Datum und Quelle)'
		);
		expect(
			await page
				.getByRole('tabpanel', { name: 'Belegversand' })
				.getByText('Sehr geehrte Damen und Herren,')
				.count()
		).toBe(1);

		// Without the customer role the document e-mail no longer counts: the accounting e-mail does.
		await page.getByRole('checkbox', { name: 'Kunde', exact: true }).uncheck();
		await waitFor(async () => expect(await customerTab.count()).toBe(0));
		await waitFor(async () =>
			expect(await routing(page, 'Angebot')).toBe('buchhaltung@beleg-test.de | E-Mail der Buchhaltung')
		);
		expect(app.errors).toEqual([]);
	});
});
