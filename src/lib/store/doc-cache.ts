import type * as Y from 'yjs';
import { applyUpdates } from '../crdt';
import type { KontorDexie, UpdateRecord } from './db';

/** The transaction origin of updates read back from the device database. */
export const STORAGE_ORIGIN = 'storage';

interface Entry {
	doc: Y.Doc;
	/** Highest stored update seq applied to `doc`. */
	lastSeq: number;
	/** Stored update rows for the document, to decide when to compact. */
	rows: number;
}

/**
 * Loaded documents, most recently used last. Only opened contacts are loaded (one Y.Doc each,
 * about 1 KB); lists and search never come here.
 */
export class DocCache {
	readonly #entries = new Map<string, Entry>();

	constructor(
		private readonly db: KontorDexie,
		private readonly create: (id: string) => Y.Doc,
		private readonly capacity = 64
	) {}

	/** The document with every stored update applied, loading it on first use. */
	async get(id: string): Promise<Entry> {
		const hit = this.#entries.get(id);
		if (hit) {
			this.#entries.delete(id);
			this.#entries.set(id, hit);
			return hit;
		}
		const doc = this.create(id);
		const rows = await this.db.updates.where('[docId+seq]').between([id, 0], [id, Infinity]).toArray();
		const entry: Entry = { doc, lastSeq: 0, rows: 0 };
		applyRows(entry, rows);
		// Another caller may have loaded it while we awaited; keep the first.
		const raced = this.#entries.get(id);
		if (raced) return raced;
		this.#entries.set(id, entry);
		this.#evict();
		return entry;
	}

	/** The entry if loaded, without loading it. */
	peek(id: string): Entry | undefined {
		return this.#entries.get(id);
	}

	/**
	 * Applies updates stored after the ones this document has seen (by another tab, or a concurrent
	 * write). Inside a transaction it sees every committed update, so what is projected next
	 * includes all of them.
	 */
	async catchUp(entry: Entry): Promise<boolean> {
		const id = entry.doc.guid;
		const rows = await this.db.updates
			.where('[docId+seq]')
			.between([id, entry.lastSeq + 1], [id, Infinity])
			.toArray();
		applyRows(entry, rows);
		return rows.length > 0;
	}

	/** Forgets a document, e.g. after its in-memory state could not be stored. */
	drop(id: string): void {
		this.#entries.get(id)?.doc.destroy();
		this.#entries.delete(id);
	}

	clear(): void {
		for (const e of this.#entries.values()) e.doc.destroy();
		this.#entries.clear();
	}

	#evict(): void {
		while (this.#entries.size > this.capacity) {
			const oldest = this.#entries.keys().next().value as string;
			this.drop(oldest);
		}
	}
}

function applyRows(entry: Entry, rows: UpdateRecord[]): void {
	if (rows.length === 0) return;
	applyUpdates(
		entry.doc,
		rows.map((r) => r.update),
		STORAGE_ORIGIN
	);
	for (const r of rows) entry.lastSeq = Math.max(entry.lastSeq, r.seq ?? 0);
	entry.rows += rows.length;
}

export type DocEntry = Entry;
