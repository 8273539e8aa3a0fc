/**
 * `npm run bench`: Kontor at scale in real Chromium. Generates BENCH_COUNT (default 50,000)
 * realistic German contacts into the app's store, measures cold start, search, opening a contact
 * and the JS heap, measures the cold start of the naive design (one Y.Doc with y-indexeddb) for
 * comparison, prints a table and writes the figures to bench/results/. Not part of `npm test`.
 *
 *   BENCH_COUNT=2000 npx tsx bench/run-bench.ts   # quick run against the current build
 */
import path from 'node:path';
import { withRig } from './rig';
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
	await withRig(
		'npm run bench',
		async () => {
			console.log('Building the benchmark bundles ...');
			return buildBundles();
		},
		async ({ bundles, browser, baseURL, loadAtStart }) => {
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
			for (const file of await writeReport(report))
				console.log(`Wrote ${path.relative(process.cwd(), file)}`);
		}
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
