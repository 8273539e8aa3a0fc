/**
 * First sync to a real device: the built app in Chromium, served by the Kontor server under test.
 * The user signs in through the app's login form; the time runs from submitting the form until the
 * list shows every contact (and, beside it, until the sync indicator says "synced"). Waiting happens
 * in the page (a mutation observer plus a 50 ms poll), so no Playwright round trip is inside the time.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../tests/e2e/browser';

export interface BrowserSyncFigures {
	chromium: string;
	/** Submit until the first row is listed. */
	firstRowsMs: number | null;
	/** Submit until the sync indicator shows "synced" for the first time. */
	syncedMs: number | null;
	/** Submit until the list holds every contact and is not busy; null when it did not within the timeout. */
	completeMs: number | null;
	/** The list size when the wait ended. */
	listed: number;
}

/** Thrown when the app has no working login form: the runner then falls back to a Node device. */
export class LoginUnavailable extends Error {
	override name = 'LoginUnavailable';
}

/** The in-page wait, as source text: the bench runs under tsx, whose helpers must not leak into the page. */
function waitScript(count: number, timeoutMs: number): string {
	return `(async () => {
		const count = ${count};
		const listSize = () => Number(document.querySelector('#contact-list [role=option]')?.getAttribute('aria-setsize') ?? 0);
		const form = document.querySelector('#login-email')?.closest('form');
		if (!form) throw new Error('no login form');
		const marks = { firstRowsMs: null, syncedMs: null, completeMs: null, listed: 0 };
		const start = performance.now();
		form.requestSubmit();
		await new Promise((resolve) => {
			let observer = null;
			let poll = 0;
			let limit = 0;
			const finish = () => {
				observer?.disconnect();
				clearInterval(poll);
				clearTimeout(limit);
				marks.listed = listSize();
				resolve();
			};
			const check = () => {
				const now = performance.now() - start;
				const size = listSize();
				if (marks.firstRowsMs === null && size > 0) marks.firstRowsMs = now;
				const phase = document.querySelector('[data-phase]')?.getAttribute('data-phase');
				if (marks.syncedMs === null && phase === 'synced') marks.syncedMs = now;
				const busy = document.querySelector('#contact-list')?.getAttribute('aria-busy');
				if (marks.completeMs === null && size === count && busy === 'false') marks.completeMs = now;
				if (marks.completeMs !== null && marks.syncedMs !== null) finish();
			};
			observer = new MutationObserver(check);
			observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
			poll = setInterval(check, 50);
			limit = setTimeout(finish, ${timeoutMs});
		});
		return marks;
	})()`;
}

async function listSize(page: Page): Promise<number> {
	return page
		.evaluate(
			`Number(document.querySelector('#contact-list [role=option]')?.getAttribute('aria-setsize') ?? 0)`
		)
		.then(Number)
		.catch(() => Number.NaN);
}

/** Signs in on a fresh browser profile and waits until the list shows `count` contacts. */
export async function browserFirstSync(
	baseURL: string,
	email: string,
	password: string,
	count: number,
	timeoutMs: number
): Promise<BrowserSyncFigures> {
	let browser: Browser | null = null;
	try {
		browser = await launchBrowser();
		const context = await browser.newContext({
			baseURL,
			locale: 'de-DE',
			timezoneId: 'Europe/Berlin',
			viewport: { width: 1280, height: 800 }
		});
		context.on('weberror', (error) => console.error(`[browser] uncaught: ${error.error().message}`));
		const page = await context.newPage();
		page.on('console', (message) => {
			if (message.type() === 'error') console.error(`[browser] ${message.text().slice(0, 300)}`);
		});
		await page.goto('/login');
		try {
			await page.waitForSelector('#login-email', { timeout: 20_000 });
			await page.waitForSelector('#login-password', { timeout: 1000 });
		} catch {
			throw new LoginUnavailable('the app shows no login form at /login');
		}
		await page.fill('#login-email', email);
		await page.fill('#login-password', password);
		const progress = setInterval(() => {
			void listSize(page).then((n) => {
				if (!Number.isNaN(n)) console.log(`  browser: ${n.toLocaleString('en')} contacts listed`);
			});
		}, 5000);
		let marks: Omit<BrowserSyncFigures, 'chromium'>;
		try {
			marks = (await page.evaluate(waitScript(count, timeoutMs))) as Omit<BrowserSyncFigures, 'chromium'>;
		} finally {
			clearInterval(progress);
		}
		if (marks.firstRowsMs === null && marks.syncedMs === null) {
			const alert = await page
				.locator('[role=alert]')
				.first()
				.textContent({ timeout: 500 })
				.catch(() => null);
			throw new LoginUnavailable(`signing in did not start a sync${alert ? ` (${alert.trim()})` : ''}`);
		}
		return { chromium: browser.version(), ...marks };
	} finally {
		await browser?.close();
	}
}
