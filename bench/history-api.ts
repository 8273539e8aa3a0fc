/**
 * What the history benchmark's browser bundles put on `window`, shared by the bundles (which
 * implement it) and the Node runner (which calls it through `page.evaluate`). All times in ms.
 */
import type { EditKind } from './history-edits';

/** One edit of the recording benchmark, made twice on identical documents. */
export interface RecordedEdit {
	kind: EditKind;
	/** With history: `captureEdit` as the store calls it (changes, state vector, clock) and the entry built. */
	withMs: number;
	/** Without: the same edit in a plain transaction, its update collected. */
	withoutMs: number;
	/** The edit's update with history (`transactEdit` adds a throwaway insertion to delete-only edits) and without. */
	updateBytesWith: number;
	updateBytesWithout: number;
}

/** Outcome of the recording benchmark (bench/history-record.ts). */
export interface RecordingResult {
	edits: RecordedEdit[];
	/** Uncounted edits run first, on another pair of documents. */
	warmup: number;
	/** True when the page is cross-origin isolated (timer resolution 5 µs instead of 100 µs). */
	isolated: boolean;
	/** The smallest step of `performance.now()` seen in the page. */
	timerStepMs: number;
	/** Size of the contact's document before the edits and after them (Y.encodeStateAsUpdate). */
	docBytes: { before: number; after: number };
}

/** A stored history entry as it crosses to Node (typed arrays as plain arrays). */
export interface PlainEntry {
	id: string;
	docId: string;
	time: number;
	author: { id: string; name: string };
	device: string;
	changes: { path: string[]; from?: unknown; to?: unknown }[];
	svBefore: number[];
	client: number;
	clockEnd: number;
}

/** Outcome of seeding one contact with edits through `KontorStore.editContact`. */
export interface HistorySeedResult {
	id: string;
	/** Each `editContact` call, awaited one after another (strict durability). */
	edits: { kind: EditKind; ms: number }[];
	/** The contact's history as the store returns it (newest first), creation included. */
	entries: PlainEntry[];
	/** `KontorStore.history(id)` once all edits are stored: read and sort the entries. */
	historyReadMs: number;
	/** Update records left for the document (compaction merges them). */
	updateRecords: number;
}

/** `window.KontorHistoryBench` (bench/history-entry.ts), injected into a blank page of the app's origin. */
export interface HistoryBenchApi {
	recording(count: number, seed: number): RecordingResult;
	seedHistory(count: number, seed: number, author: string): Promise<HistorySeedResult>;
}

/** One opening of the history tab, timed from the click. */
export interface TabOpen {
	/** The first entries painted. */
	firstMs: number;
	/** The last entry in the DOM and painted. */
	completeMs: number;
	/** Entries the timeline rendered, and the elements in the tab's panel then. */
	items: number;
	elements: number;
}

/** `window.KontorHistoryProbe` (bench/history-probe-entry.ts), an init script of the app's pages. */
export interface HistoryProbeApi {
	/** Navigation start to the first frame that shows the contact's form. */
	formPainted: Promise<number>;
	/** Clicks the "Verlauf" tab and waits for the first and for the last entry to be painted. */
	openHistory(): Promise<TabOpen>;
	/** Clicks the "Stammdaten" tab, waits until the timeline is gone and painted, then `settleMs`. */
	openData(settleMs: number): Promise<void>;
}

declare global {
	interface Window {
		KontorHistoryBench?: HistoryBenchApi;
		KontorHistoryProbe?: HistoryProbeApi;
	}
}
