/**
 * Measures Kontor itself in real Chromium: seeds the app's database through the app's own store,
 * then cold start, search, opening contacts and the JS heap. Every page of the context gets the
 * probe bundle before the app runs, and all waiting happens inside the page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Bundles } from './bundle';
import type { FirstRows, Keystroke, OpenResult, SeedResult } from './page-api';
import { QUERIES } from './queries';

export interface QueryFigures {
	query: string;
	/** Latency of each keystroke, in ms, and the results of the last one. */
	keystrokes: number[];
	results: number;
}

export interface KontorFigures {
	seed: SeedResult & { storageMB: number | null };
	/** The uncounted first launch after seeding and settling. */
	warmupMs: number;
	coldStartRuns: number[];
	/** Navigation to the complete list (every key loaded, count shown), per run. */
	fullListRuns: number[];
	queries: QueryFigures[];
	opens: OpenResult[];
	heap: { afterColdStart: HeapFigures; afterUse: HeapFigures };
}

const COLD_STARTS = 5;
/**
 * After writing 50,000 contacts the browser compacts its IndexedDB files in the background for a
 * while; a launch right then measures the import's aftermath, not the app. So the runner pauses,
 * and does one launch that is reported but not counted.
 */
const SETTLE_MS = 10_000;
const OPENS = 30;

/** Forwards the browser's progress lines and errors to the terminal. */
function forwardConsole(context: BrowserContext): void {
	context.on('console', (message) => {
		const text = message.text();
		// The seed bundle brings its own copy of Yjs into the app's page; its documents never meet
		// the app's, so Yjs's warning about two copies does not apply there.
		if (text.startsWith('Yjs was already imported')) return;
		if (message.type() === 'error') console.error(`[browser] ${text}`);
		else if (/^(seed|naive seed):/.test(text)) console.log(`  ${text}`);
	});
	context.on('weberror', (error) => console.error(`[browser] uncaught: ${error.error().message}`));
}

/** A page's memory after a full garbage collection, in MB. */
export interface HeapFigures {
	/** The V8 JavaScript heap: what the target is about. */
	jsMB: number;
	/** Blink's own garbage-collected heap (DOM and other embedder objects). */
	embedderMB: number;
	/** Backing stores of ArrayBuffers and typed arrays, outside the JS heap. */
	arrayBuffersMB: number;
}

/**
 * Measures the page's heaps after a full garbage collection. Strings Blink hands to JavaScript
 * (such as IndexedDB keys) can be external: their characters live outside all three figures.
 */
export async function measureHeap(page: Page): Promise<HeapFigures> {
	const cdp = await page.context().newCDPSession(page);
	try {
		await cdp.send('HeapProfiler.collectGarbage');
		const usage: { usedSize: number; embedderHeapUsedSize?: number; backingStorageSize?: number } =
			await cdp.send('Runtime.getHeapUsage');
		return {
			jsMB: usage.usedSize / 2 ** 20,
			embedderMB: (usage.embedderHeapUsedSize ?? 0) / 2 ** 20,
			arrayBuffersMB: (usage.backingStorageSize ?? 0) / 2 ** 20
		};
	} finally {
		await cdp.detach();
	}
}

async function seedStore(context: BrowserContext, bundles: Bundles, count: number, seed: number) {
	const page = await context.newPage();
	try {
		await page.goto('/');
		await page.waitForSelector('#contact-search', { timeout: 60_000 });
		// Installed service worker: later cold starts load the app shell from its cache, as a PWA does.
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await page.addScriptTag({ content: bundles.seed });
		const result = await page.evaluate(
			([n, s]) => {
				if (!window.KontorBench) throw new Error('seed bundle missing');
				return window.KontorBench.seed(n, s);
			},
			[count, seed] as const
		);
		const storage = await page.evaluate(() => navigator.storage.estimate());
		return { ...result, storageMB: storage.usage === undefined ? null : storage.usage / 2 ** 20 };
	} finally {
		await page.close();
	}
}

/** One launch of the app: first rows painted, and the complete list painted (ms since navigation). */
interface Launch {
	page: Page;
	rows: FirstRows;
	fullListMs: number;
}

/** Opens the app in a new page and waits for its complete list; returns the page for further use. */
async function coldStart(context: BrowserContext): Promise<Launch> {
	const page = await context.newPage();
	await page.goto('/', { waitUntil: 'domcontentloaded' });
	const [rows, fullListMs] = await page.evaluate(() => {
		if (!window.KontorProbe) throw new Error('probe missing');
		return Promise.all([window.KontorProbe.firstRows, window.KontorProbe.fullList]);
	});
	return { page, rows, fullListMs };
}

function type(page: Page, value: string): Promise<Keystroke> {
	return page.evaluate((v) => {
		if (!window.KontorProbe) throw new Error('probe missing');
		return window.KontorProbe.search(v);
	}, value);
}

async function searchAll(page: Page): Promise<QueryFigures[]> {
	const figures: QueryFigures[] = [];
	for (const query of QUERIES) {
		await type(page, '');
		const keystrokes: number[] = [];
		let results = 0;
		for (let length = 1; length <= query.length; length++) {
			const stroke = await type(page, query.slice(0, length));
			keystrokes.push(stroke.ms);
			results = stroke.results;
		}
		figures.push({ query, keystrokes, results });
	}
	await type(page, '');
	return figures;
}

async function openMany(page: Page, count: number): Promise<OpenResult[]> {
	const opens: OpenResult[] = [];
	let previous = '';
	for (let i = 0; i < OPENS; i++) {
		// Spread over the whole list, so the rows (and their documents) are not next to each other.
		const index = Math.min(count - 1, Math.floor(((i + 0.5) * count) / OPENS));
		const opened = await page.evaluate(
			([at, avoid]) => {
				if (!window.KontorProbe) throw new Error('probe missing');
				return window.KontorProbe.openAt(at, avoid);
			},
			[index, previous] as const
		);
		opens.push(opened);
		previous = opened.name;
	}
	return opens;
}

export async function measureKontor(
	browser: Browser,
	baseURL: string,
	bundles: Bundles,
	count: number,
	seed: number
): Promise<KontorFigures> {
	const context = await browser.newContext({
		baseURL,
		locale: 'de-DE',
		timezoneId: 'Europe/Berlin',
		viewport: { width: 1280, height: 800 }
	});
	try {
		forwardConsole(context);
		await context.addInitScript({ content: `window.kontorBenchCount = ${count};\n${bundles.probe}` });
		console.log(`Seeding ${count.toLocaleString('en')} contacts into Kontor's store ...`);
		const seeded = await seedStore(context, bundles, count, seed);
		console.log(`  imported in ${(seeded.importMs / 1000).toFixed(1)} s`);

		console.log(
			`Cold start: settling ${SETTLE_MS / 1000} s, one warm-up launch, then ${COLD_STARTS} runs ...`
		);
		await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
		const warmup = await coldStart(context);
		console.log(`  warm-up: ${warmup.rows.ms.toFixed(0)} ms (not counted)`);
		await warmup.page.close();
		const coldStartRuns: number[] = [];
		const fullListRuns: number[] = [];
		let last: Launch | null = null;
		for (let run = 0; run < COLD_STARTS; run++) {
			if (last) await last.page.close();
			last = await coldStart(context);
			coldStartRuns.push(last.rows.ms);
			fullListRuns.push(last.fullListMs);
			console.log(
				`  run ${run + 1}: first rows ${last.rows.ms.toFixed(0)} ms, all ${count} ${last.fullListMs.toFixed(0)} ms`
			);
		}
		if (!last) throw new Error('no cold start');
		const { page } = last;
		const afterColdStart = await measureHeap(page);

		console.log(`Search: ${QUERIES.length} queries, typed key by key ...`);
		const queries = await searchAll(page);
		console.log(`Open: ${OPENS} contacts ...`);
		const opens = await openMany(page, count);
		const afterUse = await measureHeap(page);
		await page.close();
		return {
			seed: seeded,
			warmupMs: warmup.rows.ms,
			coldStartRuns,
			fullListRuns,
			queries,
			opens,
			heap: { afterColdStart, afterUse }
		};
	} finally {
		await context.close();
	}
}
