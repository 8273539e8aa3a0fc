/** Steps the end-to-end tests take through Kontor's UI, by labels and roles as a user would. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { waitFor } from './browser';

/** Types into a labelled field and leaves it, which saves the value; waits until it is stored. */
export async function fill(page: Page, label: string, value: string): Promise<void> {
	const field = page.getByLabel(label, { exact: true });
	await field.fill(value);
	await field.press('Tab');
	await waitFor(async () =>
		expect(
			await page
				.getByRole('status')
				.filter({ hasText: /^(Gespeichert|Saved)$/ })
				.count()
		).toBe(1)
	);
}

/** The open contact's heading. */
export async function heading(page: Page): Promise<string> {
	return (await page.locator('article.contact h1').textContent()) ?? '';
}
