import Dexie, { type EntityTable } from 'dexie';
import type { HistoryEntry } from '../crdt';
import type { ContactRow } from '../domain';

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
	// History lives in its own table, written in the same transaction as its update; compaction
	// merges updates but never touches it.
	db.version(2).stores({ history: 'id, docId, [docId+time]' });
	return db;
}
