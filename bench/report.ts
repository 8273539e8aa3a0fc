/**
 * Turns the measured figures into the report: percentiles, targets, the markdown table printed to
 * the terminal, and the JSON files under bench/results/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { HeapFigures, KontorFigures } from './measure-kontor';
import type { NaiveFigures } from './measure-naive';

/** The issue's targets at 50,000 contacts. */
export const TARGETS = { coldStartMs: 1000, searchP95Ms: 50, openP95Ms: 50, heapMB: 150 } as const;

export interface Environment {
	node: string;
	chromium: string;
	cores: number;
	cpu: string;
	memoryGB: number;
	platform: string;
	/** 1-, 5- and 15-minute load averages when the run started and ended: other work skews timings. */
	loadAverage: { start: number[]; end: number[] };
}

/** A positive integer from the environment variable `name`, or `fallback` when it is unset. */
export function positiveInt(name: string, fallback: number): number {
	const raw = process.env[name];
	const value = raw === undefined || raw === '' ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < 1)
		throw new Error(`${name} must be a positive integer, got ${raw}`);
	return value;
}

/** The machine and browser a run measured on; `loadAtStart` is `os.loadavg()` when it began. */
export function describeEnvironment(chromium: string, loadAtStart: readonly number[]): Environment {
	const cpu = os.cpus();
	return {
		node: process.version,
		chromium,
		cores: cpu.length,
		cpu: cpu[0]?.model ?? 'unknown',
		memoryGB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
		platform: `${os.platform()} ${os.release()}`,
		loadAverage: {
			start: loadAtStart.map((l) => Number(l.toFixed(2))),
			end: os.loadavg().map((l) => Number(l.toFixed(2)))
		}
	};
}

/** Nearest-rank percentile (p in 0..100) of the values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
	return sorted[rank - 1] as number;
}

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

function roundHeap(heap: HeapFigures): HeapFigures {
	return {
		jsMB: round(heap.jsMB),
		embedderMB: round(heap.embedderMB),
		arrayBuffersMB: round(heap.arrayBuffersMB)
	};
}

function spread(values: readonly number[]) {
	return {
		n: values.length,
		p50: round(percentile(values, 50)),
		p95: round(percentile(values, 95)),
		max: round(Math.max(...values))
	};
}

export function buildReport(
	environment: Environment,
	count: number,
	seed: number,
	kontor: KontorFigures,
	naive: NaiveFigures
) {
	const coldStart = round(percentile(kontor.coldStartRuns, 50));
	const naiveColdStart = round(
		percentile(
			naive.coldStarts.map((c) => c.ms),
			50
		)
	);
	const finalKeystrokes = kontor.queries.map((q) => q.keystrokes[q.keystrokes.length - 1] ?? Number.NaN);
	const search = {
		lastKeystroke: spread(finalKeystrokes),
		allKeystrokes: spread(kontor.queries.flatMap((q) => q.keystrokes))
	};
	const open = spread(kontor.opens.map((o) => o.ms));
	const heap = {
		afterColdStart: roundHeap(kontor.heap.afterColdStart),
		afterUse: roundHeap(kontor.heap.afterUse)
	};
	return {
		date: new Date().toISOString(),
		environment,
		count,
		seed,
		targets: TARGETS,
		pass: {
			coldStart: coldStart <= TARGETS.coldStartMs,
			search: search.lastKeystroke.p95 <= TARGETS.searchP95Ms,
			open: open.p95 <= TARGETS.openP95Ms,
			heap: heap.afterUse.jsMB <= TARGETS.heapMB
		},
		kontor: {
			seed: kontor.seed,
			coldStartMs: {
				median: coldStart,
				runs: kontor.coldStartRuns.map((ms) => round(ms)),
				warmupNotCounted: round(kontor.warmupMs)
			},
			fullListMs: {
				median: round(percentile(kontor.fullListRuns, 50)),
				runs: kontor.fullListRuns.map((ms) => round(ms))
			},
			searchMs: {
				...search,
				queries: kontor.queries.map((q) => ({ ...q, keystrokes: q.keystrokes.map((ms) => round(ms)) }))
			},
			openMs: { ...open, runs: kontor.opens.map((o) => ({ ...o, ms: round(o.ms) })) },
			heap
		},
		naive: {
			seed: naive.seed,
			coldStartMs: {
				median: naiveColdStart,
				runs: naive.coldStarts.map((c) => ({ ...c, ms: round(c.ms) })),
				warmupNotCounted: { ...naive.warmup, ms: round(naive.warmup.ms) }
			},
			heap: roundHeap(naive.heap)
		},
		naiveToKontorColdStart: round(naiveColdStart / coldStart, 2)
	};
}

export type Report = ReturnType<typeof buildReport>;

const ms = (value: number): string => `${value.toLocaleString('en', { maximumFractionDigits: 1 })} ms`;
const mb = (value: number): string => `${value.toLocaleString('en', { maximumFractionDigits: 1 })} MB`;
const ok = (pass: boolean): string => (pass ? 'yes' : '**NO**');

/** The markdown table of the headline figures. */
export function formatTable(r: Report): string {
	const k = r.kontor;
	const rows: [string, string, string, string][] = [
		[
			`cold start, median of ${k.coldStartMs.runs.length} (navigation → first rows painted)`,
			ms(k.coldStartMs.median),
			`≤ ${ms(r.targets.coldStartMs)}`,
			ok(r.pass.coldStart)
		],
		[
			`cold start to the complete list (all ${r.count.toLocaleString('en')} keys, count shown), median`,
			ms(k.fullListMs.median),
			'(info)',
			''
		],
		[
			`search p50, last keystroke of ${k.searchMs.lastKeystroke.n} queries`,
			ms(k.searchMs.lastKeystroke.p50),
			'',
			''
		],
		[
			`search p95, last keystroke of ${k.searchMs.lastKeystroke.n} queries`,
			ms(k.searchMs.lastKeystroke.p95),
			`≤ ${ms(r.targets.searchP95Ms)}`,
			ok(r.pass.search)
		],
		[
			`search p50 / p95 / max, all ${k.searchMs.allKeystrokes.n} keystrokes`,
			`${ms(k.searchMs.allKeystrokes.p50)} / ${ms(k.searchMs.allKeystrokes.p95)} / ${ms(k.searchMs.allKeystrokes.max)}`,
			'(info)',
			''
		],
		[`open contact p50 (click → form painted, ${k.openMs.n} opens)`, ms(k.openMs.p50), '', ''],
		[
			'open contact, first of the session (loads the page code)',
			ms(k.openMs.runs[0]?.ms ?? Number.NaN),
			'(info)',
			''
		],
		[
			'open contact p95 / max',
			`${ms(k.openMs.p95)} / ${ms(k.openMs.max)}`,
			`p95 ≤ ${ms(r.targets.openP95Ms)}`,
			ok(r.pass.open)
		],
		['JS heap after cold start', mb(k.heap.afterColdStart.jsMB), '', ''],
		[
			'JS heap after cold start + search + opens',
			`${mb(k.heap.afterUse.jsMB)} (+ ${mb(k.heap.afterUse.embedderMB)} Blink heap, ${mb(k.heap.afterUse.arrayBuffersMB)} array buffers)`,
			`≤ ${mb(r.targets.heapMB)}`,
			ok(r.pass.heap)
		],
		[
			`naive cold start, median of ${r.naive.coldStartMs.runs.length} (one Y.Doc + y-indexeddb)`,
			ms(r.naive.coldStartMs.median),
			'',
			''
		],
		['naive JS heap after cold start', mb(r.naive.heap.jsMB), '', ''],
		['naive / Kontor cold start', `${r.naiveToKontorColdStart}×`, '', '']
	];
	const lines = [
		'| metric | value | target | ok |',
		'|---|---|---|---|',
		...rows.map((row) => `| ${row.join(' | ')} |`)
	];
	return lines.join('\n');
}

/** The slowest keystrokes, to see which prefixes cost the time. */
export function formatSlowest(r: Report, limit = 8): string {
	const strokes = r.kontor.searchMs.queries.flatMap((q) =>
		q.keystrokes.map((value, i) => ({ typed: q.query.slice(0, i + 1), value }))
	);
	const slowest = strokes.sort((a, b) => b.value - a.value).slice(0, limit);
	return `Slowest keystrokes: ${slowest.map((s) => `"${s.typed}" ${ms(s.value)}`).join(', ')}`;
}

/** Writes bench/results/bench-<date>.json and bench/results/latest.json; returns the paths. */
export async function writeReport(r: Report): Promise<string[]> {
	const dir = fileURLToPath(new URL('results/', import.meta.url));
	await mkdir(dir, { recursive: true });
	const json = `${JSON.stringify(r, null, '\t')}\n`;
	const paths = [`${dir}bench-${r.date.replace(/[:.]/g, '-')}.json`, `${dir}latest.json`];
	for (const path of paths) await writeFile(path, json);
	return paths;
}
