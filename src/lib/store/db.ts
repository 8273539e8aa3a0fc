import Dexie, { cmp, type EntityTable, type Table } from 'dexie';
import * as Y from 'yjs';
import type { HistoryEntry } from '../crdt';
import { uuidv7, type AccessInfo, type ContactRow } from '../domain';

/** One stored Yjs update of one document, with who made it, when and where. */
export interface UpdateRecord {
	/** Local, auto-incremented: the order this device stored updates in. */
	seq?: number;
	/** Contact id, or the workspace document id. */
	docId: string;
	update: Uint8Array;
	/** Milliseconds since epoch, on the device that made the change. */
	time: number;
	device: string;
	author: string;
	/** True for a record that replaced several earlier ones (compaction). */
	compacted?: boolean;
	/**
	 * The document's rights as the server sent them with this record (a snapshot, or a change of
	 * rights, whose update is empty); the newest record that has them counts. Kept on the update
	 * records so that a first sync of 50,000 contacts writes no extra record per contact.
	 */
	access?: AccessInfo;
	/**
	 * The history entries that came with this update from another device, when the document was
	 * new to this device. Kept on its record, as the rights are, so a first sync writes no `history`
	 * record per contact; compaction moves them into `history`, where every other entry is.
	 */
	entries?: readonly StoredEntry[];
}

/** A history entry kept on its update record: the record names the document. */
export type StoredEntry = Omit<HistoryEntry, 'docId'>;

/**
 * A local change the sync server has not acknowledged yet: its update (a copy, so compaction of
 * `updates` cannot touch it) and the history entries recorded with it. The id is the push id the
 * server deduplicates by, so a resent change is stored once.
 */
export interface OutboxRecord {
	id: string;
	docId: string;
	update: Uint8Array;
	entryIds: string[];
}

/** Small key/value facts about this device: its id, the profile name. */
export interface MetaRecord {
	key: string;
	value: unknown;
}

export type KontorDexie = Dexie & {
	updates: EntityTable<UpdateRecord, 'seq'>;
	contacts: EntityTable<ContactRow, 'key'>;
	meta: EntityTable<MetaRecord, 'key'>;
	history: EntityTable<HistoryEntry, 'id'>;
	outbox: EntityTable<OutboxRecord, 'id'>;
};

export const DEFAULT_DB_NAME = 'kontor';

/**
 * Opens the device database. User edits use strict durability: Chromium's default "relaxed" mode
 * reports a transaction complete before the data reaches the disk, and an edit must survive a crash
 * once the UI says it is saved. Bulk work (imports, rebuilds) opens a relaxed instance instead.
 */
export function createDatabase(name: string, durability: 'strict' | 'relaxed' = 'strict'): KontorDexie {
	const db = new Dexie(name, { chromeTransactionDurability: durability }) as KontorDexie;
	db.version(1).stores({
		updates: '++seq, docId, [docId+seq]',
		// key = sortKey NUL id, so the table itself is in list order.
		contacts: 'key, &id, parentId, *filters, *tokens',
		meta: 'key'
	});
	// History lives in its own table, written in the same transaction as its update (the entries
	// of a document received new ride on its update record, see `UpdateRecord.entries`); compaction
	// merges updates and never drops an entry.
	db.version(2).stores({ history: 'id, docId, [docId+time]' });
	// Every local change waits in the outbox until the server acknowledges it. A database from
	// before sync holds changes no server has seen: each document goes into the outbox once, as its
	// whole state with all of its history, so connecting to a server uploads everything.
	db.version(3)
		.stores({ outbox: 'id, docId' })
		.upgrade(async (tx) => {
			const byDoc = new Map<string, Uint8Array[]>();
			await tx
				.table<UpdateRecord>('updates')
				.orderBy('seq')
				.each((r) => {
					const list = byDoc.get(r.docId);
					if (list) list.push(r.update);
					else byDoc.set(r.docId, [r.update]);
				});
			const entryIds = new Map<string, string[]>();
			await tx.table<HistoryEntry>('history').each((e) => {
				const list = entryIds.get(e.docId);
				if (list) list.push(e.id);
				else entryIds.set(e.docId, [e.id]);
			});
			const records: OutboxRecord[] = [...byDoc].map(([docId, updates]) => ({
				id: uuidv7(),
				docId,
				update: updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates),
				entryIds: entryIds.get(docId) ?? []
			}));
			await tx.table<OutboxRecord>('outbox').bulkAdd(records);
		});
	// Lookups by document use the compound indexes (Dexie reads `where('docId')` from their first
	// part); separate docId indexes only cost a write per record, 100,000 in a first sync of 50,000.
	db.version(4).stores({ updates: '++seq, [docId+seq]', history: 'id, [docId+time]' });
	// Rights per document arrive with snapshots: a device synced before they existed starts its
	// next sync afresh (its documents come again, idempotently, now with their rights).
	db.version(5)
		.stores({})
		.upgrade(async (tx) => {
			await tx.table<MetaRecord>('meta').delete('syncCursor');
		});
	// Customers are found by their different invoice recipient (the reference index of deletion).
	// Rows from before had no invoice recipients, so the index starts complete without a rebuild.
	db.version(6).stores({ contacts: 'key, &id, parentId, invoiceRecipientId, *filters, *tokens' });
	// No table changes: received history entries now ride on update records, which a tab still
	// running earlier code would drop when it compacts. The new version closes such tabs (their
	// store reports the database closed by a newer version) before this one writes any.
	db.version(7).stores({});
	return db;
}

/**
 * The records whose `index` (a property holding a string) equals one of `keys`, in no particular
 * order. Dexie's `anyOf` walks
 * one cursor from key to key, a round trip each (about 0.1 ms per key in Chromium, 7 s of a
 * 50,000-contact first sync). Keys that lie close together (a first sync receives documents in id
 * order) are read instead with one request over their range, as long as the range holds few other
 * records; scattered keys get one request each, all issued at once.
 */
export async function whereAnyOf<T, K, I>(
	table: Table<T, K, I>,
	index: string,
	keys: Iterable<string>
): Promise<T[]> {
	const wanted = [...new Set(keys)].sort(cmp);
	const [first, last] = [wanted[0], wanted[wanted.length - 1]];
	if (first === undefined || last === undefined) return [];
	if (wanted.length > 1) {
		const limit = wanted.length * 4 + 64;
		const inRange = await table.where(index).between(first, last, true, true).limit(limit).toArray();
		if (inRange.length < limit) {
			const set = new Set(wanted);
			return inRange.filter((record) => set.has((record as Record<string, string>)[index] as string));
		}
	}
	const lists = await Promise.all(wanted.map((key) => table.where(index).equals(key).toArray()));
	return lists.flat();
}
