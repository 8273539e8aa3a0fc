/**
 * `npm run bench:history`: what history costs, in real Chromium. Measures how much recording
 * history adds to an edit (the same edits with and without it, in the page), the end-to-end
 * `KontorStore.editContact` time, the bytes a history entry adds, and how fast the "Verlauf" tab of
 * a contact with HISTORY_EDITS (default 1,000) edits renders. Prints a table and writes the figures
 * to bench/results/history-<date>.json and history-latest.json. Not part of `npm test`.
 *
 *   npx tsx bench/run-history-bench.ts                      # against the current build
 *   HISTORY_EDITS=200 npx tsx bench/run-history-bench.ts    # a quick look
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../sync-server/static-server';
import { launchBrowser } from '../tests/e2e/browser';
import { buildHistoryBundles } from './bundle';
import { buildHistoryReport, formatByKind, formatHistoryTable, writeHistoryReport } from './history-report';
import { measureHistory } from './measure-history';
import { describeEnvironment, positiveInt } from './report';

async function main(): Promise<void> {
	const count = positiveInt('HISTORY_EDITS', 1000);
	const seed = positiveInt('BENCH_SEED', 20_250_101);
	const buildDir = fileURLToPath(new URL('../build', import.meta.url));
	if (!existsSync(path.join(buildDir, 'index.html')))
		throw new Error(
			`No production build in ${buildDir}: run \`npm run build\` first (npm run bench:history does).`
		);

	const loadAtStart = os.loadavg();
	if ((loadAtStart[0] ?? 0) > os.cpus().length / 2)
		console.warn(
			`Warning: load average ${loadAtStart[0]?.toFixed(1)} — other work on this machine will skew the timings.`
		);
	console.log('Building the history benchmark bundles ...');
	const bundles = await buildHistoryBundles();
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kontor-bench-data-'));
	let server: RunningServer | null = null;
	let browser: Browser | null = null;
	try {
		server = await startServer({ port: 0, host: '127.0.0.1', buildDir, dataDir });
		const baseURL = `http://127.0.0.1:${server.port}`;
		browser = await launchBrowser();
		console.log(`Kontor at ${baseURL}, Chromium ${browser.version()}, ${os.cpus().length} cores`);

		const figures = await measureHistory(browser, baseURL, bundles, count, seed);
		const report = buildHistoryReport(
			describeEnvironment(browser.version(), loadAtStart),
			count,
			seed,
			figures
		);
		console.log(`\n## Kontor history benchmark, one contact with ${count.toLocaleString('en')} edits\n`);
		console.log(formatHistoryTable(report));
		console.log(`\n${formatByKind(report)}\n`);
		console.log(
			`Timer step in the recording page ${report.recording.timerStepMs} ms (cross-origin isolated: ${report.recording.crossOriginIsolated})`
		);
		console.log(
			`Load average at start ${report.environment.loadAverage.start.join(' ')}, at end ${report.environment.loadAverage.end.join(' ')}`
		);
		for (const file of await writeHistoryReport(report))
			console.log(`Wrote ${path.relative(process.cwd(), file)}`);
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
