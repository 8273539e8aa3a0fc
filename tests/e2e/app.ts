/** Steps the end-to-end tests take through Kontor's UI, by labels and roles as a user would. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { startKontorServer, type KontorServer } from '../../sync-server/server';
import { waitFor } from './browser';

/** A sync server of the test's own, serving the built app, over a fresh data folder. */
export async function startAppServer(
	name: string
): Promise<{ server: KontorServer; baseURL: string; close: () => Promise<void> }> {
	const dataDir = await mkdtemp(path.join(tmpdir(), `kontor-e2e-${name}-`));
	const server = await startKontorServer({
		port: 0,
		host: '127.0.0.1',
		buildDir: fileURLToPath(new URL('../../build', import.meta.url)),
		dataDir,
		scryptN: 2 ** 12
	});
	return {
		server,
		baseURL: `http://127.0.0.1:${server.port}`,
		close: async () => {
			await server.close();
			await rm(dataDir, { recursive: true, force: true });
		}
	};
}

/** The phase the header's sync indicator shows (offline, syncing, synced, ...). */
async function syncPhase(page: Page): Promise<string | null> {
	return page.locator('header .sync').getAttribute('data-phase');
}

/** Waits until the sync indicator shows `expected`. */
export async function untilPhase(page: Page, expected: string, timeout = 15_000): Promise<void> {
	await waitFor(async () => expect(await syncPhase(page)).toBe(expected), { timeout });
}

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

/**
 * Anna sets the server up through "Server einrichten" (workspace "Muster GmbH") on page `a` and
 * invites Bernd, who accepts the link on page `b`; returns once both devices are synchronised.
 */
export async function setUpTeam(a: Page, b: Page, password: string): Promise<void> {
	await a.goto('/');
	await untilPhase(a, 'local');
	await a.getByRole('link', { name: 'Server einrichten' }).click();
	await a.getByLabel('Ihr Name', { exact: true }).fill('Anna Admin');
	await a.getByLabel('E-Mail-Adresse', { exact: true }).fill('anna@example.com');
	await a.getByLabel('Passwort', { exact: true }).fill(password);
	await a.getByLabel('Passwort wiederholen', { exact: true }).fill(password);
	await a.getByLabel('Name des Arbeitsbereichs', { exact: true }).fill('Muster GmbH');
	await a.getByRole('button', { name: 'Konto anlegen' }).click();
	await untilPhase(a, 'synced');

	await a.goto('/settings');
	await a.getByLabel('E-Mail-Adresse', { exact: true }).fill('bernd@example.com');
	await a.getByRole('button', { name: 'Einladungslink erstellen' }).click();
	const link = a.getByLabel('Einladungslink', { exact: true });
	await waitFor(async () => expect(await link.inputValue()).toContain('/invite#'));
	await b.goto(await link.inputValue());
	await waitFor(async () =>
		expect(await b.getByText('Einladung in den Arbeitsbereich Muster GmbH').count()).toBe(1)
	);
	await b.getByLabel('Ihr Name', { exact: true }).fill('Bernd Berger');
	await b.getByLabel('Passwort', { exact: true }).fill(password);
	await b.getByLabel('Passwort wiederholen', { exact: true }).fill(password);
	await b.getByRole('button', { name: 'Konto anlegen und beitreten' }).click();
	await untilPhase(b, 'synced');
}
