/**
 * Helpers for browser tests: the system Chromium driven by playwright-core (which never downloads a
 * browser), pages that report their console errors, and polling instead of sleeping.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const CHROMIUM_CANDIDATES = [
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome',
	'/usr/bin/google-chrome-stable'
];

/** The Chromium binary to use: `CHROME_PATH`, else the first one installed in a usual place. */
export function findChromium(): string {
	const configured = process.env.CHROME_PATH;
	if (configured) {
		if (!existsSync(configured)) {
			throw new Error(`CHROME_PATH is set to ${configured}, which does not exist.`);
		}
		return configured;
	}
	const found = CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
	if (!found) {
		throw new Error(
			`No Chromium found (looked for ${CHROMIUM_CANDIDATES.join(', ')}). ` +
				'Install one (Debian: `apt-get install chromium`) or set CHROME_PATH to a Chromium or Chrome binary.'
		);
	}
	return found;
}

/**
 * Launches a headless Chromium. Playwright gives every launch a fresh temporary profile, so tests
 * never see each other's IndexedDB, caches or service workers.
 */
export function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: findChromium(),
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--no-first-run',
			'--disable-sync',
			'--disable-quic'
		]
	});
}

/** A page in its own browser context, with what it reported as errors. */
export interface AppPage {
	readonly context: BrowserContext;
	readonly page: Page;
	/** Console errors and uncaught exceptions of the page, in order; also printed to the test output. */
	readonly errors: readonly string[];
	/** Closes the context (and with it the page and its storage). */
	close(): Promise<void>;
}

/**
 * Opens a page in a fresh context whose relative URLs resolve against `baseURL`. The page's console
 * errors and uncaught exceptions go to the test output, so a failing UI test shows what the app said.
 */
export async function newAppPage(browser: Browser, baseURL: string): Promise<AppPage> {
	const context = await browser.newContext({ baseURL, locale: 'de-DE', timezoneId: 'Europe/Berlin' });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('console', (message) => {
		if (message.type() !== 'error') return;
		const text = `console.error: ${message.text()}`;
		errors.push(text);
		console.error(`[browser] ${text}`);
	});
	page.on('pageerror', (error) => {
		const text = `uncaught: ${error.stack ?? error.message}`;
		errors.push(text);
		console.error(`[browser] ${text}`);
	});
	return { context, page, errors, close: () => context.close() };
}

/** Options for {@link waitFor}. */
export interface WaitForOptions {
	/** Give up after this many milliseconds (default 5000). */
	timeout?: number;
	/** Pause between attempts in milliseconds (default 50). */
	interval?: number;
}

/**
 * Polls until `assertion` stops throwing and returns its result; after `timeout` it rethrows the
 * assertion's last error, so the failure reads like the assertion itself. Use it instead of sleeps.
 */
export async function waitFor<T>(
	assertion: () => T | Promise<T>,
	{ timeout = 5000, interval = 50 }: WaitForOptions = {}
): Promise<T> {
	const deadline = Date.now() + timeout;
	for (;;) {
		try {
			return await assertion();
		} catch (error) {
			if (Date.now() >= deadline) throw error;
		}
		await new Promise((resolve) => setTimeout(resolve, interval));
	}
}
