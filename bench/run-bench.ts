/**
 * `npm run bench`: Kontor at scale in real Chromium. Generates BENCH_COUNT (default 50,000)
 * realistic German contacts into the app's store, measures cold start, search, opening a contact
 * and the JS heap, measures the cold start of the naive design (one Y.Doc with y-indexeddb) for
 * comparison, prints a table and writes the figures to bench/results/. Not part of `npm test`.
 *
 *   BENCH_COUNT=2000 npx tsx bench/run-bench.ts   # quick run against the current build
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../sync-server/static-server';
import { launchBrowser } from '../tests/e2e/browser';
import { buildBundles } from './bundle';
import { measureKontor } from './measure-kontor';
import { measureNaive } from './measure-naive';
import {
	buildReport,
	describeEnvironment,
	formatSlowest,
	formatTable,
	positiveInt,
	writeReport
} from './report';

async function main(): Promise<void> {
	const count = positiveInt('BENCH_COUNT', 50_000);
	const seed = positiveInt('BENCH_SEED', 20_250_101);
	const buildDir = fileURLToPath(new URL('../build', import.meta.url));
	if (!existsSync(path.join(buildDir, 'index.html')))
		throw new Error(`No production build in ${buildDir}: run \`npm run build\` first (npm run bench does).`);

	const loadAtStart = os.loadavg();
	if ((loadAtStart[0] ?? 0) > os.cpus().length / 2)
		console.warn(
			`Warning: load average ${loadAtStart[0]?.toFixed(1)} — other work on this machine will skew the timings.`
		);
	console.log('Building the benchmark bundles ...');
	const bundles = await buildBundles();
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kontor-bench-data-'));
	let server: RunningServer | null = null;
	let browser: Browser | null = null;
	try {
		server = await startServer({ port: 0, host: '127.0.0.1', buildDir, dataDir });
		const baseURL = `http://127.0.0.1:${server.port}`;
		browser = await launchBrowser();
		console.log(`Kontor at ${baseURL}, Chromium ${browser.version()}, ${os.cpus().length} cores`);

		const kontor = await measureKontor(browser, baseURL, bundles, count, seed);
		const naive = await measureNaive(browser, baseURL, bundles.seed, count, seed);
		const report = buildReport(
			describeEnvironment(browser.version(), loadAtStart),
			count,
			seed,
			kontor,
			naive
		);
		console.log(`\n## Kontor benchmark, ${count.toLocaleString('en')} contacts\n`);
		console.log(formatTable(report));
		console.log(`\n${formatSlowest(report)}`);
		console.log(
			`Load average at start ${report.environment.loadAverage.start.join(' ')}, at end ${report.environment.loadAverage.end.join(' ')}`
		);
		for (const file of await writeReport(report)) console.log(`Wrote ${path.relative(process.cwd(), file)}`);
	} finally {
		await browser?.close();
		await server?.close();
		await rm(dataDir, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
