/**
 * Builds the benchmarks' browser bundles with Vite's `build()` API (library mode, IIFE):
 * `seed.js` (window.KontorBench: generator, store import, naive design) and `probe.js`
 * (window.KontorProbe: in-page timing, injected before the app runs); for the history benchmark
 * `history.js` (window.KontorHistoryBench) and `history-probe.js` (window.KontorHistoryProbe).
 * Output goes to bench/.cache/.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = fileURLToPath(new URL('.cache', import.meta.url));

export interface Bundles {
	seed: string;
	probe: string;
}

async function bundle(entry: string, name: string, fileName: string): Promise<string> {
	await build({
		configFile: false,
		root,
		logLevel: 'warn',
		publicDir: false,
		resolve: { alias: { $lib: fileURLToPath(new URL('../src/lib', import.meta.url)) } },
		define: { 'process.env.NODE_ENV': JSON.stringify('production') },
		build: {
			outDir,
			emptyOutDir: false,
			sourcemap: false,
			minify: true,
			reportCompressedSize: false,
			lib: {
				entry: fileURLToPath(new URL(entry, import.meta.url)),
				name,
				formats: ['iife'],
				fileName: () => fileName
			}
		}
	});
	return readFile(`${outDir}/${fileName}`, 'utf8');
}

export async function buildBundles(): Promise<Bundles> {
	const seed = await bundle('./seed-entry.ts', 'KontorBenchBundle', 'seed.js');
	const probe = await bundle('./probe-entry.ts', 'KontorProbeBundle', 'probe.js');
	return { seed, probe };
}

/** The history benchmark's bundles (bench/run-history-bench.ts). */
export async function buildHistoryBundles(): Promise<Bundles> {
	const seed = await bundle('./history-entry.ts', 'KontorHistoryBenchBundle', 'history.js');
	const probe = await bundle('./history-probe-entry.ts', 'KontorHistoryProbeBundle', 'history-probe.js');
	return { seed, probe };
}
