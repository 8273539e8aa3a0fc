/**
 * What the benchmark's browser bundles put on `window`, shared by the bundles (which implement it)
 * and the Node runner (which calls it through `page.evaluate`).
 */

/** Outcome of seeding the Kontor store. */
export interface SeedResult {
	/** Rows in the projection afterwards. */
	count: number;
	generateMs: number;
	importMs: number;
}

/** Outcome of seeding the naive single-document design. */
export interface NaiveSeedResult {
	count: number;
	generateMs: number;
	writeMs: number;
	/** Update records y-indexeddb stored, and their total size. */
	updates: number;
	bytes: number;
}

/** One cold start of the naive design; times are ms since the page's navigation started. */
export interface NaiveColdStart {
	/** First rows painted. */
	ms: number;
	/** y-indexeddb reported the document loaded. */
	syncedMs: number;
	/** All contacts read and sorted. */
	sortedMs: number;
	count: number;
}

/** `window.KontorBench`: seeding and the naive design (bench/seed-entry.ts). */
export interface BenchApi {
	seed(count: number, seed: number): Promise<SeedResult>;
	seedNaive(count: number, seed: number): Promise<NaiveSeedResult>;
	naiveColdStart(): Promise<NaiveColdStart>;
}

/** First rows of the app painted: ms since navigation start, and the list's size. */
export interface FirstRows {
	ms: number;
	setSize: number;
}

/** One keystroke: latency until its results were painted, and how many contacts matched. */
export interface Keystroke {
	ms: number;
	results: number;
}

/** One contact opened from the list. */
export interface OpenResult {
	ms: number;
	name: string;
	/** The kind as the contact page labels it (Firma / Person). */
	kind: string;
}

/** `window.KontorProbe`: measurements inside the app's pages (bench/probe-entry.ts). */
export interface ProbeApi {
	/** Resolves after the first frame that shows a contact row by name. */
	firstRows: Promise<FirstRows>;
	/** Resolves (ms since navigation) after the first frame whose list holds every seeded contact. */
	fullList: Promise<number>;
	/** Types `value` into the search field and waits until its results are painted. */
	search(value: string): Promise<Keystroke>;
	/**
	 * Scrolls the list to `index`, clicks that row (or the next one whose name differs from `avoid`)
	 * and waits until the contact's form is painted.
	 */
	openAt(index: number, avoid: string): Promise<OpenResult>;
}

declare global {
	interface Window {
		KontorBench?: BenchApi;
		KontorProbe?: ProbeApi;
		/** How many contacts the runner seeded; set before the probe runs. */
		kontorBenchCount?: number;
		/** The naive cold start of this page, started by the page itself (bench/measure-naive.ts). */
		naiveColdStart?: Promise<NaiveColdStart>;
		/** Keeps the naive design's document alive, so the heap measured afterwards includes it. */
		naiveKeepAlive?: unknown;
	}
}
