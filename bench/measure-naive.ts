/**
 * Measures the naive design for comparison: all contacts in one Y.Doc persisted with y-indexeddb.
 * It runs in its own browser context on the same origin, with service workers blocked: the app's
 * service worker would answer every navigation with the app shell. The page is a bare HTML page
 * (served by a route) that carries the seed bundle inline and, for a cold start, starts loading at
 * once, so its timing starts at navigation like the app's does.
 */
import type { Browser, Page } from 'playwright-core';
import { measureHeap, type HeapFigures } from './measure-kontor';
import type { NaiveColdStart, NaiveSeedResult } from './page-api';

export interface NaiveFigures {
	seed: NaiveSeedResult;
	/** The uncounted first launch after seeding and settling, as for Kontor. */
	warmup: NaiveColdStart;
	coldStarts: NaiveColdStart[];
	heap: HeapFigures;
}

const NAIVE_PATH = '/naive-bench';
const COLD_STARTS = 3;
const SETTLE_MS = 10_000;

function naivePage(bundle: string, coldStart: boolean): string {
	// Keeps a "</script" inside the bundle from ending the inline script early.
	const script = bundle.replace(/<\/script/gi, '<\\/script');
	const start = coldStart
		? '<script>window.naiveColdStart = window.KontorBench.naiveColdStart();</script>'
		: '';
	return `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>naive</title></head><body><script>${script}</script>${start}</body></html>`;
}

function naiveColdStart(page: Page): Promise<NaiveColdStart> {
	return page.evaluate(() => {
		if (!window.naiveColdStart) throw new Error('naive cold start did not begin');
		return window.naiveColdStart;
	});
}

export async function measureNaive(
	browser: Browser,
	baseURL: string,
	seedBundle: string,
	count: number,
	seed: number
): Promise<NaiveFigures> {
	const context = await browser.newContext({ baseURL, serviceWorkers: 'block', locale: 'de-DE' });
	try {
		context.on('console', (message) => {
			if (message.type() === 'error') console.error(`[browser] ${message.text()}`);
			else if (message.text().startsWith('naive seed:')) console.log(`  ${message.text()}`);
		});
		await context.route(`**${NAIVE_PATH}*`, (route) =>
			route.fulfill({
				status: 200,
				contentType: 'text/html; charset=utf-8',
				body: naivePage(seedBundle, new URL(route.request().url()).searchParams.has('cold'))
			})
		);
		console.log(`Seeding the naive design (one Y.Doc, y-indexeddb) ...`);
		const seedPage = await context.newPage();
		await seedPage.goto(NAIVE_PATH);
		const seeded = await seedPage.evaluate(
			([n, s]) => {
				if (!window.KontorBench) throw new Error('seed bundle missing');
				return window.KontorBench.seedNaive(n, s);
			},
			[count, seed] as const
		);
		await seedPage.close();
		console.log(`  written in ${(seeded.writeMs / 1000).toFixed(1)} s, ${seeded.updates} updates`);

		console.log(`Naive cold start: settling, one warm-up launch, then ${COLD_STARTS} runs ...`);
		await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
		const runs: NaiveColdStart[] = [];
		let heap: HeapFigures | null = null;
		for (let run = 0; run <= COLD_STARTS; run++) {
			const page = await context.newPage();
			await page.goto(`${NAIVE_PATH}?cold`, { waitUntil: 'domcontentloaded' });
			const result = await naiveColdStart(page);
			runs.push(result);
			const label = run === 0 ? 'warm-up' : `run ${run}`;
			console.log(
				`  ${label}: ${result.ms.toFixed(0)} ms (${result.count} contacts)${run === 0 ? ' (not counted)' : ''}`
			);
			if (run === COLD_STARTS) heap = await measureHeap(page);
			await page.close();
		}
		const [warmup, ...coldStarts] = runs as [NaiveColdStart, ...NaiveColdStart[]];
		if (!heap) throw new Error('no naive cold start');
		return { seed: seeded, warmup, coldStarts, heap };
	} finally {
		await context.close();
	}
}
