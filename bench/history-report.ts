/**
 * The history benchmark's report: percentiles, the targets, the markdown table printed to
 * the terminal, and the JSON files bench/results/history-<date>.json and history-latest.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TabOpen } from './history-api';
import type { HistoryFigures } from './measure-history';
import { percentile, type Environment } from './report';

/** The targets: recording adds at most 2 ms to an edit; the whole tab of 1,000 edits in 100 ms. */
export const HISTORY_TARGETS = { overheadMs: 2, tabCompleteMs: 100 } as const;

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/** p50, p95 and max of per-edit times, in ms with µs digits. */
function perEdit(values: readonly number[]) {
	return {
		n: values.length,
		p50: round(percentile(values, 50), 3),
		p95: round(percentile(values, 95), 3),
		max: round(Math.max(...values), 3),
		mean: round(mean(values), 3)
	};
}

/** Median and max of tab openings, in ms. */
function tabRuns(runs: readonly TabOpen[]) {
	const first = runs.map((r) => r.firstMs);
	const complete = runs.map((r) => r.completeMs);
	return {
		n: runs.length,
		first: { median: round(percentile(first, 50)), max: round(Math.max(...first)) },
		complete: { median: round(percentile(complete, 50)), max: round(Math.max(...complete)) },
		items: [...new Set(runs.map((r) => r.items))],
		elements: [...new Set(runs.map((r) => r.elements))],
		runs: runs.map((r) => ({ firstMs: round(r.firstMs), completeMs: round(r.completeMs), items: r.items }))
	};
}

function byKind<T extends { kind: string }>(items: readonly T[], value: (item: T) => number) {
	const kinds = new Map<string, number[]>();
	for (const item of items) kinds.set(item.kind, [...(kinds.get(item.kind) ?? []), value(item)]);
	return Object.fromEntries([...kinds].map(([kind, values]) => [kind, perEdit(values)]));
}

export function buildHistoryReport(environment: Environment, count: number, seed: number, f: HistoryFigures) {
	const { edits } = f.recording;
	const overhead = edits.map((e) => e.withMs - e.withoutMs);
	const recording = {
		edits: edits.length,
		warmupNotCounted: f.recording.warmup,
		crossOriginIsolated: f.recording.isolated,
		timerStepMs: round(f.recording.timerStepMs, 4),
		withHistoryMs: perEdit(edits.map((e) => e.withMs)),
		withoutHistoryMs: perEdit(edits.map((e) => e.withoutMs)),
		overheadMs: perEdit(overhead),
		overheadByKindMs: byKind(edits, (e) => e.withMs - e.withoutMs),
		updateBytes: {
			withHistory: round(mean(edits.map((e) => e.updateBytesWith))),
			withoutHistory: round(mean(edits.map((e) => e.updateBytesWithout)))
		},
		docBytes: f.recording.docBytes
	};
	const s = f.seed;
	const store = {
		editContactMs: perEdit(s.edits.map((e) => e.ms)),
		editContactByKindMs: byKind(s.edits, (e) => e.ms),
		historyEntries: s.entryCount,
		historyReadMs: round(s.historyReadMs),
		updateRecordsAfterCompaction: s.updateRecords,
		entryBytes: {
			meanStructuredClone: round(mean(s.entryBytes)),
			p95StructuredClone: percentile(s.entryBytes, 95),
			meanJson: round(mean(s.entryJsonBytes)),
			meanSvBefore: round(mean(s.svBeforeBytes)),
			totalStructuredClone: s.entryBytes.reduce((a, b) => a + b, 0)
		}
	};
	const fresh = tabRuns(f.loads.map((l) => l.first));
	const switches = tabRuns(f.loads.flatMap((l) => l.switches));
	const tab = {
		freshLoads: f.loads.length,
		formPaintedMs: {
			median: round(
				percentile(
					f.loads.map((l) => l.formMs),
					50
				)
			),
			runs: f.loads.map((l) => round(l.formMs))
		},
		firstOpenAfterLoad: fresh,
		afterSwitchingBack: switches,
		warmupNotCounted: { formMs: round(f.warmup.formMs), ...tabRuns([f.warmup.first]).runs[0] }
	};
	return {
		date: new Date().toISOString(),
		environment,
		edits: count,
		seed,
		contactId: s.id,
		targets: HISTORY_TARGETS,
		pass: {
			overhead: recording.overheadMs.p95 <= HISTORY_TARGETS.overheadMs,
			tabFirstOpen: fresh.complete.median <= HISTORY_TARGETS.tabCompleteMs,
			tabAgain: switches.complete.median <= HISTORY_TARGETS.tabCompleteMs
		},
		recording,
		store,
		tab,
		/** Every edit in order (the store got the same script): its kind, the times with and without history, `editContact`. */
		raw: {
			kinds: edits.map((e) => e.kind),
			withMs: edits.map((e) => round(e.withMs, 3)),
			withoutMs: edits.map((e) => round(e.withoutMs, 3)),
			editContactMs: s.edits.map((e) => round(e.ms, 2))
		}
	};
}

export type HistoryReport = ReturnType<typeof buildHistoryReport>;

const ms = (value: number): string =>
	`${value.toLocaleString('en', { maximumFractionDigits: value < 1 ? 3 : value < 10 ? 2 : 1 })} ms`;
const ok = (pass: boolean): string => (pass ? 'yes' : '**NO**');
const medianMax = (m: { median: number; max: number }): string => `${ms(m.median)} / ${ms(m.max)}`;

/** The markdown table of the headline figures. */
export function formatHistoryTable(r: HistoryReport): string {
	const { recording: rec, store, tab } = r;
	const n = rec.edits.toLocaleString('en');
	const t = r.targets;
	const rows: [string, string, string, string][] = [
		[
			`recording overhead per edit p50 (with − without history, ${n} paired edits)`,
			ms(rec.overheadMs.p50),
			'',
			''
		],
		[
			'recording overhead per edit p95 / max',
			`${ms(rec.overheadMs.p95)} / ${ms(rec.overheadMs.max)}`,
			`p95 ≤ ${ms(t.overheadMs)}`,
			ok(r.pass.overhead)
		],
		[
			'edit with history p50 / p95 (in memory: capture + entry)',
			`${ms(rec.withHistoryMs.p50)} / ${ms(rec.withHistoryMs.p95)}`,
			'(info)',
			''
		],
		[
			'edit without history p50 / p95 (plain transaction + update)',
			`${ms(rec.withoutHistoryMs.p50)} / ${ms(rec.withoutHistoryMs.p95)}`,
			'(info)',
			''
		],
		[
			`store.editContact p50 / p95 / max (strict durability, with history, ${store.editContactMs.n} edits)`,
			`${ms(store.editContactMs.p50)} / ${ms(store.editContactMs.p95)} / ${ms(store.editContactMs.max)}`,
			'(info)',
			''
		],
		[
			'history entry stored per edit, mean (structured clone; JSON; of it state vector)',
			`${store.entryBytes.meanStructuredClone} B (${store.entryBytes.meanJson} B; ${store.entryBytes.meanSvBefore} B)`,
			'(info)',
			''
		],
		[
			'update per edit, mean, with / without history',
			`${rec.updateBytes.withHistory} B / ${rec.updateBytes.withoutHistory} B`,
			'(info)',
			''
		],
		[
			`history tab, first entries painted, median / max (${tab.afterSwitchingBack.n} openings after switching back)`,
			medianMax(tab.afterSwitchingBack.first),
			'(info)',
			''
		],
		[
			`history tab complete (${tab.afterSwitchingBack.items.join('/')} entries, ${tab.afterSwitchingBack.elements.join('/')} elements painted), median / max`,
			medianMax(tab.afterSwitchingBack.complete),
			`≤ ${ms(t.tabCompleteMs)}`,
			ok(r.pass.tabAgain)
		],
		[
			`history tab, first entries painted, first opening after a fresh load (${tab.freshLoads} loads), median / max`,
			medianMax(tab.firstOpenAfterLoad.first),
			'(info)',
			''
		],
		[
			'history tab complete, first opening after a fresh load, median / max',
			medianMax(tab.firstOpenAfterLoad.complete),
			`≤ ${ms(t.tabCompleteMs)}`,
			ok(r.pass.tabFirstOpen)
		],
		['fresh load of the contact page to the form painted, median', ms(tab.formPaintedMs.median), '(info)', '']
	];
	return [
		'| metric | value | target | ok |',
		'|---|---|---|---|',
		...rows.map((row) => `| ${row.join(' | ')} |`)
	].join('\n');
}

/** Recording overhead and store edit time by kind of edit, p50 / p95. */
export function formatByKind(r: HistoryReport): string {
	const lines = Object.entries(r.recording.overheadByKindMs).map(([kind, o]) => {
		const e = r.store.editContactByKindMs[kind];
		const store = e ? `; editContact ${ms(e.p50)} / ${ms(e.p95)}` : '';
		return `- ${kind} (${o.n}): overhead ${ms(o.p50)} / ${ms(o.p95)}${store}`;
	});
	return `By kind of edit, p50 / p95:\n${lines.join('\n')}`;
}

/** Writes bench/results/history-<date>.json and bench/results/history-latest.json; returns the paths. */
export async function writeHistoryReport(r: HistoryReport): Promise<string[]> {
	const dir = fileURLToPath(new URL('results/', import.meta.url));
	await mkdir(dir, { recursive: true });
	const json = `${JSON.stringify(r, null, '\t')}\n`;
	const paths = [`${dir}history-${r.date.replace(/[:.]/g, '-')}.json`, `${dir}history-latest.json`];
	for (const path of paths) await writeFile(path, json);
	return paths;
}
