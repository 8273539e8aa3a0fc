/**
 * The history benchmark in one browser context. In a blank page of the app's origin: the recording
 * benchmark, then one contact edited `count` times through the app's store. Then the app itself at
 * /contacts/<id>: after one uncounted launch (it installs the service worker), fresh page loads,
 * each timing the first opening of the "Verlauf" tab and then repeated openings after switching
 * back to "Stammdaten". All timing happens inside the pages.
 */
import v8 from 'node:v8';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Bundles } from './bundle';
import type { HistorySeedResult, PlainEntry, RecordingResult, TabOpen } from './history-api';

/** A page of the app's origin that is not the app: the seeding runs there undisturbed. */
const BLANK_PATH = '/__kontor-bench/blank';
const FRESH_LOADS = 5;
const SWITCHES = 5;
/** Pause after the form is painted and between tab switches: a person looks before clicking. */
const SETTLE_MS = 500;
/** The author the store records; the timeline shows the name. */
const AUTHOR = 'Anna Becker';

/** One fresh load of the contact's page. */
export interface PageLoad {
	/** Navigation start to the form painted. */
	formMs: number;
	/** The first opening of the history tab in this page. */
	first: TabOpen;
	/** Openings after switching back to "Stammdaten". */
	switches: TabOpen[];
}

export interface HistoryFigures {
	recording: RecordingResult;
	seed: Omit<HistorySeedResult, 'entries'> & {
		entryCount: number;
		/** Each stored history entry, serialized as IndexedDB stores values (V8 structured clone). */
		entryBytes: number[];
		/** The same entries as JSON (what a sync message would carry), for comparison. */
		entryJsonBytes: number[];
		svBeforeBytes: number[];
	};
	warmup: PageLoad;
	loads: PageLoad[];
}

function forwardConsole(context: BrowserContext): void {
	context.on('console', (message) => {
		const text = message.text();
		if (message.type() === 'error') console.error(`[browser] ${text}`);
		else if (text.startsWith('history seed:')) console.log(`  ${text}`);
	});
	context.on('weberror', (error) => console.error(`[browser] uncaught: ${error.error().message}`));
}

/** Sizes of the stored entries: V8's serializer is what Chromium's IndexedDB writes values with. */
function entrySizes(entries: readonly PlainEntry[]) {
	const restored = entries.map((e) => ({ ...e, svBefore: new Uint8Array(e.svBefore) }));
	return {
		entryBytes: restored.map((e) => v8.serialize(e).byteLength),
		entryJsonBytes: entries.map((e) => Buffer.byteLength(JSON.stringify(e))),
		svBeforeBytes: entries.map((e) => e.svBefore.length)
	};
}

/**
 * Recording benchmark and seeding, in a blank, cross-origin isolated page of the app's origin
 * (isolation gives `performance.now()` 5 µs steps instead of 100 µs).
 */
async function recordAndSeed(
	context: BrowserContext,
	bundle: string,
	count: number,
	seed: number
): Promise<Pick<HistoryFigures, 'recording' | 'seed'>> {
	const isolated = {
		'Cross-Origin-Opener-Policy': 'same-origin',
		'Cross-Origin-Embedder-Policy': 'require-corp'
	};
	await context.route(`**${BLANK_PATH}`, (route) =>
		route.fulfill({
			contentType: 'text/html',
			headers: isolated,
			body: '<!doctype html><title>bench</title>'
		})
	);
	const page = await context.newPage();
	try {
		await page.goto(BLANK_PATH);
		await page.addScriptTag({ content: bundle });
		console.log(`Recording: ${count} edits with and without history ...`);
		const recording = await page.evaluate(
			([n, s]) => {
				if (!window.KontorHistoryBench) throw new Error('history bundle missing');
				return window.KontorHistoryBench.recording(n, s);
			},
			[count, seed] as const
		);
		console.log(`Seeding one contact with ${count} edits through KontorStore.editContact ...`);
		const { entries, ...seeded } = await page.evaluate(
			([n, s, author]) => {
				if (!window.KontorHistoryBench) throw new Error('history bundle missing');
				return window.KontorHistoryBench.seedHistory(n, s, author);
			},
			[count, seed, AUTHOR] as const
		);
		return { recording, seed: { ...seeded, entryCount: entries.length, ...entrySizes(entries) } };
	} finally {
		await page.close();
		await context.unroute(`**${BLANK_PATH}`);
	}
}

function openHistory(page: Page): Promise<TabOpen> {
	return page.evaluate(() => {
		if (!window.KontorHistoryProbe) throw new Error('history probe missing');
		return window.KontorHistoryProbe.openHistory();
	});
}

/** A fresh page at the contact: form painted, first opening of the tab, then repeated ones. */
async function loadContact(context: BrowserContext, id: string, switches: number): Promise<PageLoad> {
	const page = await context.newPage();
	try {
		await page.goto(`/contacts/${id}`, { waitUntil: 'domcontentloaded' });
		const formMs = await page.evaluate(() => {
			if (!window.KontorHistoryProbe) throw new Error('history probe missing');
			return window.KontorHistoryProbe.formPainted;
		});
		await page.waitForTimeout(SETTLE_MS);
		const first = await openHistory(page);
		const again: TabOpen[] = [];
		for (let i = 0; i < switches; i++) {
			await page.evaluate((settle) => window.KontorHistoryProbe?.openData(settle), SETTLE_MS);
			again.push(await openHistory(page));
		}
		// The service worker that the first launch installed serves the later ones, as for a PWA.
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		return { formMs, first, switches: again };
	} finally {
		await page.close();
	}
}

const describe = (open: TabOpen): string =>
	`first ${open.firstMs.toFixed(0)} ms, all ${open.items} ${open.completeMs.toFixed(0)} ms`;

export async function measureHistory(
	browser: Browser,
	baseURL: string,
	bundles: Bundles,
	count: number,
	seed: number
): Promise<HistoryFigures> {
	const context = await browser.newContext({
		baseURL,
		locale: 'de-DE',
		timezoneId: 'Europe/Berlin',
		viewport: { width: 1280, height: 800 }
	});
	try {
		forwardConsole(context);
		const seeded = await recordAndSeed(context, bundles.seed, count, seed);
		await context.addInitScript({ content: bundles.probe });
		const { id } = seeded.seed;
		console.log(`History tab of /contacts/${id}: one warm-up load, then ${FRESH_LOADS} fresh loads ...`);
		const warmup = await loadContact(context, id, 0);
		console.log(`  warm-up: form ${warmup.formMs.toFixed(0)} ms, ${describe(warmup.first)} (not counted)`);
		const loads: PageLoad[] = [];
		for (let run = 0; run < FRESH_LOADS; run++) {
			const load = await loadContact(context, id, SWITCHES);
			loads.push(load);
			const again = load.switches.map((s) => s.completeMs.toFixed(0)).join(', ');
			console.log(
				`  load ${run + 1}: form ${load.formMs.toFixed(0)} ms; tab ${describe(load.first)}; again: all ${again} ms`
			);
		}
		return { ...seeded, warmup, loads };
	} finally {
		await context.close();
	}
}
