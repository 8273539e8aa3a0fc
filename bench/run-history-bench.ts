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
import path from 'node:path';
import { buildHistoryBundles } from './bundle';
import { buildHistoryReport, formatByKind, formatHistoryTable, writeHistoryReport } from './history-report';
import { withRig } from './rig';
import { measureHistory } from './measure-history';
import { describeEnvironment, positiveInt } from './report';

async function main(): Promise<void> {
	const count = positiveInt('HISTORY_EDITS', 1000);
	const seed = positiveInt('BENCH_SEED', 20_250_101);
	await withRig(
		'npm run bench:history',
		async () => {
			console.log('Building the history benchmark bundles ...');
			return buildHistoryBundles();
		},
		async ({ bundles, browser, baseURL, loadAtStart }) => {
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
		}
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
