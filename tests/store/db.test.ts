/**
 * `whereAnyOf`, the lookup by many index keys that received batches, projections and rebuilds use:
 * one range read when the keys lie together, one request per key when they are scattered, and the
 * same records either way.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { IDBIndex as FakeIndex } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDatabase, whereAnyOf, type KontorDexie, type UpdateRecord } from '../../src/lib/store/db';

let db: KontorDexie | null = null;

afterEach(async () => {
	vi.restoreAllMocks();
	if (db) {
		db.close();
		await db.delete();
		db = null;
	}
});

/** Documents d000 … d099, each with `perDoc` stored updates. */
async function seeded(perDoc: number): Promise<KontorDexie> {
	db = createDatabase(`where-any-of-${Math.random()}`);
	const records: UpdateRecord[] = [];
	for (let d = 0; d < 100; d++) {
		for (let u = 0; u < perDoc; u++) {
			records.push({
				docId: `d${String(d).padStart(3, '0')}`,
				update: new Uint8Array([d, u]),
				time: 0,
				device: '',
				author: ''
			});
		}
	}
	await db.updates.bulkAdd(records);
	return db;
}

const docIds = (records: UpdateRecord[]) => [...new Set(records.map((r) => r.docId))].sort();

describe('whereAnyOf', () => {
	it('reads keys that lie together with one range request and leaves out the others in the range', async () => {
		const store = await seeded(2);
		const getAll = vi.spyOn(FakeIndex.prototype, 'getAll');
		const found = await store.transaction('r', store.updates, () =>
			whereAnyOf(store.updates, 'docId', ['d010', 'd012', 'd011', 'd014', 'd0125'])
		);
		expect(docIds(found)).toEqual(['d010', 'd011', 'd012', 'd014']);
		expect(found).toHaveLength(8);
		expect(getAll).toHaveBeenCalledTimes(1);
	});

	it('reads scattered keys one by one when their range holds too many other records', async () => {
		const store = await seeded(3);
		const getAll = vi.spyOn(FakeIndex.prototype, 'getAll');
		const found = await store.transaction('r', store.updates, () =>
			whereAnyOf(store.updates, 'docId', ['d000', 'd099', 'd050'])
		);
		expect(docIds(found)).toEqual(['d000', 'd050', 'd099']);
		expect(found).toHaveLength(9);
		// The range read gives up at its limit, then one request per key.
		expect(getAll).toHaveBeenCalledTimes(4);
	});

	it('returns each record once for repeated keys and nothing for no keys', async () => {
		const store = await seeded(1);
		expect(await whereAnyOf(store.updates, 'docId', ['d005', 'd005'])).toHaveLength(1);
		expect(await whereAnyOf(store.updates, 'docId', [])).toEqual([]);
		expect(await whereAnyOf(store.updates, 'docId', ['nothing'])).toEqual([]);
	});
});

describe('schema version 4', () => {
	it('drops the docId indexes the compound indexes cover, keeping every record findable by document', async () => {
		const name = `where-any-of-v3-${Math.random()}`;
		const old = new Dexie(name);
		old.version(3).stores({
			updates: '++seq, docId, [docId+seq]',
			contacts: 'key, &id, parentId, *filters, *tokens',
			meta: 'key',
			history: 'id, docId, [docId+time]',
			outbox: 'id, docId'
		});
		await old.table('updates').bulkAdd([
			{ docId: 'a', update: new Uint8Array([1]), time: 1, device: '', author: '' },
			{ docId: 'b', update: new Uint8Array([2]), time: 2, device: '', author: '' },
			{ docId: 'a', update: new Uint8Array([3]), time: 3, device: '', author: '' }
		]);
		old.close();

		db = createDatabase(name);
		await db.open();
		const indexes = (table: string) => db?.table(table).schema.indexes.map((i) => i.name);
		expect(indexes('updates')).toEqual(['[docId+seq]']);
		expect(indexes('history')).toEqual(['[docId+time]']);
		const found = await db.transaction('r', db.updates, () => whereAnyOf(db!.updates, 'docId', ['a']));
		expect(found.map((r) => Array.from(r.update))).toEqual([[1], [3]]);
		expect(await db.updates.where('docId').equals('b').count()).toBe(1);
	});
});

describe('schema version 7', () => {
	it('closes a connection of an earlier version, as a tab still running earlier code has', async () => {
		const name = `schema-v6-${Math.random()}`;
		const old = new Dexie(name);
		old.version(6).stores({
			updates: '++seq, [docId+seq]',
			contacts: 'key, &id, parentId, invoiceRecipientId, *filters, *tokens',
			meta: 'key',
			history: 'id, [docId+time]',
			outbox: 'id, docId'
		});
		await old.open();
		db = createDatabase(name);
		await db.open();
		expect(old.isOpen()).toBe(false);
		expect(db.verno).toBe(7);
	});
});
