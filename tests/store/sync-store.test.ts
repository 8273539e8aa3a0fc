/**
 * The store's side of sync, without a server: the outbox every local change writes, the order and
 * skipping of `pendingPushes`, acknowledgements, received batches with the cursor in their
 * transaction, incomplete updates, repairs by state vector, and the upgrade that queues the
 * documents of a database from before sync.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import * as Y from 'yjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	LOCAL_ORIGIN,
	WORKSPACE_DOC_ID,
	applyContactEdits,
	applyWorkspaceEdits,
	captureEdit,
	concurrent,
	initContact,
	newContactDoc,
	newWorkspaceDoc,
	readContact,
	snapshotJson,
	type HistoryEntry
} from '../../src/lib/crdt';
import {
	emptyContactFields,
	newContactId,
	newGroupId,
	uuidv7,
	type AccessInfo,
	type ContactId
} from '../../src/lib/domain';
import { createDatabase } from '../../src/lib/store/db';
import {
	KontorStore,
	StorageError,
	type PendingPush,
	type PushAck,
	type ReceivedItem
} from '../../src/lib/store';
import { StoreTabs, addChannel, create, edit, freshDbName, recordChanges, rowOf, set } from './helpers';

const tabs = new StoreTabs();
afterEach(() => {
	vi.restoreAllMocks();
	tabs.closeAll();
});

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

type Table = 'updates' | 'history' | 'contacts' | 'meta' | 'outbox';

/** Makes IndexedDB `method` calls on the object store `table` throw, as a full disk does. */
function failOn(table: Table, method: 'add' | 'put'): void {
	const original = FakeObjectStore.prototype[method];
	vi.spyOn(FakeObjectStore.prototype, method).mockImplementation(function (
		this: InstanceType<typeof FakeObjectStore>,
		...args
	) {
		if (this.name === table) throw quota();
		return original.apply(this, args);
	});
}

/**
 * Lets `Date.now()` advance a millisecond per call. The outbox is read in the order of its ids,
 * UUIDv7s, which follow the edit order only across milliseconds; here every edit gets its own.
 */
function tickingClock(): void {
	let now = Date.now();
	vi.spyOn(Date, 'now').mockImplementation(() => (now += 1));
}

/** A document holding `updates`, as a server or another device that has exactly these would. */
function docOf(updates: readonly Uint8Array[], id: string): Y.Doc {
	const doc = new Y.Doc({ guid: id });
	for (const update of updates) Y.applyUpdate(doc, update);
	return doc;
}

const all = (store: KontorStore): Promise<PendingPush[]> => store.pendingPushes(1000);

/** How many history entries of `docId` the database `name` holds, in its table and on update records. */
async function storedCopies(name: string, docId: string): Promise<number> {
	const db = createDatabase(name);
	try {
		const [kept, records] = await Promise.all([
			db.history.where('[docId+time]').between([docId, 0], [docId, Infinity]).count(),
			db.updates.where('[docId+seq]').between([docId, 0], [docId, Infinity]).toArray()
		]);
		return kept + records.reduce((sum, r) => sum + (r.entries?.length ?? 0), 0);
	} finally {
		db.close();
	}
}

/** A company in Berlin whose city was then changed to Köln: two changes, two outbox records. */
async function movedCompany(store: KontorStore): Promise<ContactId> {
	const id = await create(store, 'company', {
		fields: { companyName: 'Müller Maschinenbau GmbH', city: 'Berlin' },
		edits: [addChannel('phone', '030 1234567')]
	});
	await edit(store, id, [set('city', 'Köln')]);
	return id;
}

describe('the outbox', () => {
	/** Each case changes documents of a store that holds `movedCompany` and returns the documents it changed. */
	const cases: [string, (store: KontorStore, company: ContactId) => Promise<string[]>][] = [
		[
			'creating a contact',
			async (store) => [await create(store, 'person', { fields: { lastName: 'Schäfer' } })]
		],
		[
			'editing a contact',
			async (store, company) => {
				await edit(store, company, [set('zip', '50667'), addChannel('email', 'info@mueller.de')]);
				return [company];
			}
		],
		[
			'restoring a value from the history',
			async (store, company) => {
				expect(await store.restore(company, ['fields', 'city'], 'Berlin')).toBeNull();
				return [company];
			}
		],
		[
			'importing contacts',
			async (store) => {
				const result = await store.importContacts([
					{ kind: 'company', fields: { companyName: 'Schmidt & Söhne KG' } },
					{ kind: 'person', fields: { lastName: 'Weiß' } }
				]);
				if (!result.ok) throw new Error('import refused');
				return result.ids;
			}
		],
		[
			'editing the workspace',
			async (store) => {
				await store.editWorkspace([
					{ type: 'putGroup', group: { id: newGroupId(), name: 'Kunden', color: '#336699' } }
				]);
				return [WORKSPACE_DOC_ID];
			}
		]
	];

	it.each(cases)(
		'holds exactly one record per document after %s, with its update and history entries',
		async (_label, act) => {
			const store = await tabs.open(freshDbName());
			const company = await movedCompany(store);
			const known = [company, WORKSPACE_DOC_ID];
			const pendingBefore = new Set((await all(store)).map((p) => p.id));
			const historyBefore = new Map<string, Set<string>>();
			const stateBefore = new Map<string, Uint8Array>();
			for (const id of known) {
				historyBefore.set(id, new Set((await store.history(id)).map((e) => e.id)));
				stateBefore.set(id, await store.encodeState(id));
			}

			const changed = await act(store, company);

			const added = (await all(store)).filter((p) => !pendingBefore.has(p.id));
			expect(added.map((p) => p.docId).sort()).toEqual([...changed].sort());
			for (const docId of changed) {
				const [push] = added.filter((p) => p.docId === docId);
				if (!push) throw new Error(`no record for ${docId}`);
				// The record carries the history entries the change recorded, and nothing else.
				const seen = historyBefore.get(docId) ?? new Set<string>();
				const entries = (await store.history(docId)).filter((e) => !seen.has(e.id));
				expect(entries).toHaveLength(1);
				expect(push.entries).toEqual(entries);
				expect(push.id).toBe(entries[0]?.id);
				// Its update takes what the document was before to what it is now.
				const before = stateBefore.get(docId);
				const doc = docOf(before ? [before, push.update] : [push.update], docId);
				expect(Y.encodeStateVector(doc)).toEqual(await store.stateVector(docId));
				expect(snapshotJson(doc)).toEqual(snapshotJson(docOf([await store.encodeState(docId)], docId)));
			}
		}
	);

	it('gets no record for an edit that changes nothing, or one that is refused', async () => {
		const store = await tabs.open(freshDbName());
		const company = await movedCompany(store);
		const before = await all(store);
		expect(await store.editContact(company, [set('city', 'Köln')])).toEqual({ ok: true });
		expect(await store.editContact(company, [set('country', 'Absurdistan')])).toMatchObject({
			ok: false,
			error: 'countryInvalid'
		});
		expect(await store.restore(company, ['fields', 'city'], 'Köln')).toBeNull();
		expect(await all(store)).toEqual(before);
	});

	it('keeps neither update nor entry when the outbox record cannot be written', async () => {
		const name = freshDbName();
		const store = await tabs.open(name);
		const company = await movedCompany(store);
		const contact = await store.loadContact(company);
		const history = await store.history(company);
		const pending = await all(store);

		failOn('outbox', 'add');
		await expect(store.editContact(company, [set('city', 'Bonn')])).rejects.toMatchObject({ code: 'quota' });
		vi.restoreAllMocks();

		expect(await all(store)).toEqual(pending);
		expect(await store.history(company)).toEqual(history);
		expect(await store.loadContact(company)).toEqual(contact);
		expect(await (await tabs.open(name)).loadContact(company)).toEqual(contact);
	});

	it('gives pending changes oldest first, at most `limit`, leaving out the ones in `skip`', async () => {
		tickingClock();
		const store = await tabs.open(freshDbName());
		const first = await movedCompany(store);
		const second = await create(store, 'person', { fields: { lastName: 'Öztürk', parentId: first } });
		await edit(store, first, [set('street', 'Domplatz 1')]);
		await store.editWorkspace([
			{ type: 'putGroup', group: { id: newGroupId(), name: 'Kunden', color: '#336699' } }
		]);
		const made = [first, first, second, first, WORKSPACE_DOC_ID];

		const pushes = await all(store);
		expect(pushes.map((p) => p.docId)).toEqual(made);
		const times = pushes.map((p) => p.entries[0]?.time ?? 0);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		const ids = pushes.map((p) => p.id);
		expect((await store.pendingPushes(2)).map((p) => p.id)).toEqual(ids.slice(0, 2));
		expect(
			(await store.pendingPushes(2, new Set([ids[0] as string, ids[2] as string]))).map((p) => p.id)
		).toEqual([ids[1], ids[3]]);
		expect(await store.pendingPushes(10, new Set(ids))).toEqual([]);
		expect(await store.pendingCount()).toBe(5);
	});

	it('drops one refused change from the outbox and keeps it in the document', async () => {
		const store = await tabs.open(freshDbName());
		const company = await movedCompany(store);
		const [creation, move] = await all(store);
		await store.dropPush(move?.id as string);
		expect((await all(store)).map((p) => p.id)).toEqual([creation?.id]);
		expect((await store.loadContact(company))?.city).toBe('Köln');
	});
});

describe('acknowledge', () => {
	it('removes the acknowledged changes, stamps exactly their entries and writes the cursor', async () => {
		tickingClock();
		const store = await tabs.open(freshDbName());
		const first = await movedCompany(store);
		const second = await create(store, 'person', { fields: { lastName: 'Öztürk' } });
		const [creation, move, person] = (await all(store)) as [PendingPush, PendingPush, PendingPush];
		const changes = recordChanges(store);
		const anna = { id: crypto.randomUUID(), name: 'Anna Admin' };
		const acks: PushAck[] = [
			{ id: creation.id, serverTime: 1_000, author: anna },
			{ id: person.id, serverTime: 2_000, author: anna }
		];

		await store.acknowledge(acks, 12);

		expect((await all(store)).map((p) => p.id)).toEqual([move.id]);
		expect(await store.syncValue('syncCursor')).toBe(12);
		const [moved, created] = (await store.history(first)) as [HistoryEntry, HistoryEntry];
		expect(created).toEqual({ ...creation.entries[0], author: anna, serverTime: 1_000 });
		expect(moved).toEqual(move.entries[0]);
		expect(moved.serverTime).toBeUndefined();
		expect(moved.author.id).toBe('');
		expect(await store.history(second)).toEqual([{ ...person.entries[0], author: anna, serverTime: 2_000 }]);
		expect(changes).toHaveLength(1);
		expect(changes[0]?.docIds.sort()).toEqual([first, second].sort());
		expect(changes[0]?.rowIds).toEqual([]);
		expect(changes[0]?.remote).toBe(false);
	});

	it('takes an acknowledgement a second time without changing anything but the cursor', async () => {
		const store = await tabs.open(freshDbName());
		const company = await movedCompany(store);
		const [creation] = await all(store);
		const ack = { id: creation?.id as string, serverTime: 1_000, author: { id: 'u1', name: 'Anna' } };
		await store.acknowledge([ack], 1);
		const history = await store.history(company);
		const changes = recordChanges(store);

		await store.acknowledge([{ ...ack, serverTime: 5_000, author: { id: 'u2', name: 'Mallory' } }], 3);

		expect(await store.history(company)).toEqual(history);
		expect(await store.pendingCount()).toBe(1);
		expect(await store.syncValue('syncCursor')).toBe(3);
		expect(changes).toEqual([]);
	});
});

describe('receive', () => {
	/** Everything `source` has of `docId`, as a snapshot from the server would bring it. */
	async function snapshot(source: KontorStore, docId: string): Promise<ReceivedItem> {
		return { docId, update: await source.encodeState(docId), entries: await source.history(docId) };
	}

	/** The change `push` as the server would relay it. */
	const relayed = (push: PendingPush): ReceivedItem => ({
		docId: push.docId,
		update: push.update,
		entries: push.entries
	});

	it('writes the cursor with the data, and leaves it alone without one', async () => {
		const a = await tabs.open(freshDbName());
		const b = await tabs.open(freshDbName());
		const company = await movedCompany(a);
		await b.receive([await snapshot(a, company)], { cursor: 7 });
		expect(await b.syncValue('syncCursor')).toBe(7);
		expect(await b.loadContact(company)).toEqual(await a.loadContact(company));
		await edit(a, company, [set('zip', '50667')]);
		const [latest] = (await all(a)).slice(-1);
		await b.receive([relayed(latest as PendingPush)]);
		expect(await b.syncValue('syncCursor')).toBe(7);
		expect((await b.loadContact(company))?.zip).toBe('50667');
		// What arrived from elsewhere is not this device's to send.
		expect(await b.pendingCount()).toBe(0);
	});

	it.each([
		['the update with its history entries', 'updates', 'add'],
		['a projection row', 'contacts', 'put'],
		['the cursor', 'meta', 'put']
	] as const)('stores neither data nor cursor when %s cannot be written', async (_label, table, method) => {
		const a = await tabs.open(freshDbName());
		const name = freshDbName();
		const b = await tabs.open(name);
		const known = await movedCompany(a);
		await b.receive([await snapshot(a, known)], { cursor: 3 });
		// Open in b's document cache, so a failed batch must not leave its update in memory.
		const before = await b.loadContact(known);
		const rows = await b.allRows();
		const history = await b.history(known);
		await edit(a, known, [set('city', 'Bonn')]);
		const fresh = await create(a, 'person', { fields: { lastName: 'Schäfer', parentId: known } });
		const [edited, created] = (await all(a)).slice(-2) as [PendingPush, PendingPush];
		const changes = recordChanges(b);

		failOn(table, method);
		const receiving = b.receive([relayed(created), relayed(edited)], { cursor: 5 });
		await expect(receiving).rejects.toBeInstanceOf(StorageError);
		await expect(receiving).rejects.toMatchObject({ code: 'quota' });
		vi.restoreAllMocks();

		expect(changes).toEqual([]);
		expect(await b.syncValue('syncCursor')).toBe(3);
		expect(await b.loadContact(known)).toEqual(before);
		expect(await b.loadContact(fresh)).toBeNull();
		expect(await b.history(known)).toEqual(history);
		expect(await b.history(fresh)).toEqual([]);
		expect(await b.allRows()).toEqual(rows);
		const reopened = await tabs.open(name);
		expect(await reopened.loadContact(known)).toEqual(before);
		expect(await reopened.syncValue('syncCursor')).toBe(3);

		// The same batch goes through once there is room.
		await b.receive([relayed(created), relayed(edited)], { cursor: 5 });
		expect(await b.syncValue('syncCursor')).toBe(5);
		expect(await b.loadContact(known)).toEqual(await a.loadContact(known));
		expect(await b.loadContact(fresh)).toEqual(await a.loadContact(fresh));
	});

	it('keeps the history of a document received new on its update record, of a known one in the history table, each entry shown once', async () => {
		const a = await tabs.open(freshDbName());
		const name = freshDbName();
		const b = await tabs.open(name);
		const id = await movedCompany(a);
		const expected = await a.history(id);
		expect(expected).toHaveLength(2);
		// New to b: no history record of its own, so the batch goes through while those fail.
		failOn('history', 'put');
		failOn('history', 'add');
		await b.receive([await snapshot(a, id)], { cursor: 2 });
		vi.restoreAllMocks();
		expect(await b.history(id)).toEqual(expected);
		expect(await storedCopies(name, id)).toBe(2);

		// Known to b (a resume by snapshots sends it again): the history table keeps each entry once.
		failOn('history', 'put');
		await expect(b.receive([await snapshot(a, id)], { cursor: 3 })).rejects.toBeInstanceOf(StorageError);
		vi.restoreAllMocks();
		await b.receive([await snapshot(a, id)], { cursor: 3 });
		await b.receive([await snapshot(a, id)], { cursor: 4 });
		expect(await b.updateCount(id)).toBe(3);
		expect(await storedCopies(name, id)).toBe(4);
		expect(await b.history(id)).toEqual(expected);

		// Compaction merges the records and keeps every entry, or else changes nothing.
		failOn('history', 'put');
		await expect(b.compact(id)).rejects.toBeInstanceOf(StorageError);
		vi.restoreAllMocks();
		expect(await b.updateCount(id)).toBe(3);
		expect(await b.history(id)).toEqual(expected);
		await b.compact(id);
		expect(await b.updateCount(id)).toBe(1);
		expect(await storedCopies(name, id)).toBe(2);
		expect(await b.history(id)).toEqual(expected);
		await edit(b, id, [set('zip', '50667')]);
		expect((await b.history(id)).slice(1)).toEqual(expected);
	});

	it("shows the server's stamp on an entry this device recorded and then received back", async () => {
		const a = await tabs.open(freshDbName());
		const id = await movedCompany(a);
		const pushes = await all(a);
		const stamp = { author: { id: 'u-anna', name: 'Anna Berg' }, serverTime: 1_800_000_000_000 };
		const stamped = pushes.map((p) => ({
			...relayed(p),
			entries: p.entries.map((e) => ({ ...e, ...stamp }))
		}));
		const own = await a.history(id);
		expect(own.map((e) => e.author.name)).not.toContain('Anna Berg');

		await a.receive(stamped);
		const shown = await a.history(id);
		expect(shown.map((e) => e.id)).toEqual(own.map((e) => e.id));
		expect(shown).toEqual(own.map((e) => ({ ...e, ...stamp })));
		await a.compact(id);
		expect(await a.history(id)).toEqual(shown);
	});

	it('projects a mixed batch as a rebuild does: new contacts, a child before its parent, a loaded contact, the workspace', async () => {
		const a = await tabs.open(freshDbName());
		const b = await tabs.open(freshDbName());
		const group = newGroupId();
		const known = await create(a, 'company', {
			fields: { companyName: 'Alt GmbH', street: 'Am Markt 3', zip: '10115', city: 'Berlin' }
		});
		await b.receive([await snapshot(a, known)]);
		// b has the company open, and a contact person of its own under it that takes its address.
		expect((await b.loadContact(known))?.city).toBe('Berlin');
		const local = await create(b, 'person', {
			fields: { lastName: 'Weiß', parentId: known, inheritAddress: true }
		});

		await edit(a, known, [set('city', 'Köln'), set('zip', '50667')]);
		const parent = await create(a, 'company', {
			fields: { companyName: 'Neu AG', street: 'Königsallee 12', zip: '40212', city: 'Düsseldorf' },
			edits: [{ type: 'addGroup', id: group }]
		});
		const child = await create(a, 'person', {
			fields: {
				firstName: 'Özlem',
				lastName: 'Öztürk',
				parentId: parent,
				inheritAddress: true,
				inheritGroups: true
			},
			edits: [addChannel('email', 'Oezlem@Neu.DE')]
		});
		await a.editWorkspace([{ type: 'putGroup', group: { id: group, name: 'Kunden', color: '#336699' } }]);
		const [moved] = (await all(a)).filter((p) => p.docId === known).slice(-1);
		const changes = recordChanges(b);

		const result = await b.receive(
			[
				await snapshot(a, child),
				await snapshot(a, parent),
				relayed(moved as PendingPush),
				await snapshot(a, WORKSPACE_DOC_ID)
			],
			{ cursor: 4 }
		);

		expect(result).toEqual({ incomplete: [] });
		expect(await rowOf(b, child)).toMatchObject({
			parentName: 'Neu AG',
			companyName: 'Neu AG',
			city: 'Düsseldorf',
			groups: [group],
			emails: ['oezlem@neu.de']
		});
		expect(await rowOf(b, local)).toMatchObject({ city: 'Köln', zip: '50667', addressFrom: known });
		expect((await b.loadContact(known))?.city).toBe('Köln');
		expect(await b.groups()).toEqual(await a.groups());
		for (const id of [child, parent, known]) expect(await b.history(id)).toEqual(await a.history(id));
		expect(changes).toHaveLength(1);
		expect(changes[0]?.docIds.sort()).toEqual([child, parent, known, WORKSPACE_DOC_ID].sort());
		expect(changes[0]?.rowIds.sort()).toEqual([child, parent, known, local].sort());
		// The batch's own rows come described, so the list can place them without reading them.
		const described = changes[0]?.rows ?? [];
		expect(described.map((r) => r.id).sort()).toEqual([child, parent, known].sort());
		for (const { id, key, filters } of described) {
			const row = await rowOf(b, id);
			expect({ key, filters }).toEqual({ key: row?.key, filters: row?.filters });
		}

		const live = await b.allRows();
		await b.rebuildProjection();
		expect(await b.allRows()).toEqual(live);
	});

	it("leaves the rows' keys out of a change another tab hears of (it may hear them out of order)", async () => {
		const name = freshDbName();
		const a = await tabs.open(name);
		const b = await tabs.open(name);
		const source = await tabs.open(freshDbName());
		const id = await create(source, 'company', { fields: { companyName: 'Fern GmbH' } });
		const here = recordChanges(a);
		const there = recordChanges(b);
		await a.receive([await snapshot(source, id)]);
		await vi.waitFor(() => expect(there).toHaveLength(1));
		expect(here[0]?.rows?.map((r) => r.id)).toEqual([id]);
		expect(there[0]).toMatchObject({ rowIds: [id], remote: true });
		expect(there[0]?.rows).toBeUndefined();
	});

	it('brings a contact opened while a batch for it was being stored up to date with the batch', async () => {
		const a = await tabs.open(freshDbName());
		const b = await tabs.open(freshDbName());
		const id = await movedCompany(a);
		const [creation, move] = (await all(a)).map(relayed) as [ReceivedItem, ReceivedItem];
		await b.receive([creation]);

		// The contact is opened just as the batch arrives: its load reads the database before the batch is in.
		const [opened] = await Promise.all([b.loadContact(id), b.receive([move])]);

		expect(opened?.city).toBe('Berlin');
		expect(await b.loadContact(id)).toEqual(await a.loadContact(id));
		expect((await rowOf(b, id)).city).toBe('Köln');
		// An edit made now is made on top of the received one, not beside it.
		await edit(b, id, [set('zip', '50667')]);
		const [latest, received] = (await b.history(id)) as [HistoryEntry, HistoryEntry];
		expect(received.id).toBe(move.entries?.[0]?.id);
		expect(concurrent(latest, received)).toBe(false);
		expect(await b.loadContact(id)).toMatchObject({ city: 'Köln', zip: '50667' });
	});

	it('reports a document as incomplete while an update it depends on is missing, and not once it arrives', async () => {
		tickingClock();
		const a = await tabs.open(freshDbName());
		const b = await tabs.open(freshDbName());
		const id = await movedCompany(a);
		await edit(a, id, [set('zip', '50667')]);
		const phone = (await a.loadContact(id))?.channels[0]?.id;
		if (!phone) throw new Error('no phone');
		await edit(a, id, [{ type: 'removeChannel', id: phone }]);
		const [creation, city, zip, removal] = (await all(a)).map(relayed) as [
			ReceivedItem,
			ReceivedItem,
			ReceivedItem,
			ReceivedItem
		];

		// Not on the device at all: the update waits for the contact's creation.
		expect(await b.receive([city])).toEqual({ incomplete: [id] });
		expect(await b.loadContact(id)).toBeNull();
		expect(await b.count()).toBe(0);
		expect(await b.receive([creation])).toEqual({ incomplete: [] });
		expect(await b.loadContact(id)).toMatchObject({ city: 'Köln', zip: '' });

		// Open on the device: the same with the document in memory.
		expect(await b.receive([removal])).toEqual({ incomplete: [id] });
		expect((await b.loadContact(id))?.zip).toBe('');
		expect(await b.receive([zip])).toEqual({ incomplete: [] });
		expect(await b.loadContact(id)).toEqual(await a.loadContact(id));
		expect(await rowOf(b, id)).toMatchObject({ zip: '50667', phone: '' });
		expect(await b.history(id)).toEqual(await a.history(id));
	});
});

describe('rights and removal', () => {
	const snapshotOf = async (
		source: KontorStore,
		docId: string,
		access?: AccessInfo
	): Promise<ReceivedItem> => ({
		docId,
		update: await source.encodeState(docId),
		entries: await source.history(docId),
		...(access ? { access } : {})
	});
	const rights: AccessInfo = { ownerId: 'u-anna', everyone: 'read', users: { 'u-ben': 'edit' } };

	it('keeps the rights a snapshot brings, and takes later ones with their history entry and the cursor', async () => {
		const a = await tabs.open(freshDbName());
		const b = await tabs.open(freshDbName());
		const id = await movedCompany(a);
		expect(await b.accessOf(id)).toBeNull();
		await b.receive([await snapshotOf(a, id, rights)], { cursor: 3 });
		expect(await b.accessOf(id)).toEqual(rights);

		const changes = recordChanges(b);
		const entry = {
			id: uuidv7(),
			time: Date.now() + 60_000,
			author: { id: 'u-anna', name: 'Anna' },
			device: 'd',
			changes: [{ path: ['access', 'everyone'], from: 'read', to: 'none' }],
			svBefore: Y.encodeStateVector(new Y.Doc()),
			client: 0,
			clockEnd: 0,
			serverTime: Date.now() + 60_001
		};
		await b.applyAccess(id, { ...rights, everyone: 'none' }, [entry], 9);
		expect(await b.accessOf(id)).toEqual({ ...rights, everyone: 'none' });
		expect((await b.history(id))[0]).toEqual({ ...entry, docId: id });
		expect(await b.syncValue('syncCursor')).toBe(9);
		expect(changes).toEqual([{ docIds: [id], rowIds: [id], remote: false }]);
	});

	it('keeps the newest rights through edits and compaction', async () => {
		const a = await tabs.open(freshDbName());
		const b = await tabs.open(freshDbName());
		const id = await movedCompany(a);
		await b.receive([await snapshotOf(a, id, rights)]);
		await b.applyAccess(id, { ...rights, users: {} }, []);
		await edit(b, id, [set('zip', '50667')]);
		await b.compact(id);
		expect(await b.updateCount(id)).toBe(1);
		expect(await b.accessOf(id)).toEqual({ ...rights, users: {} });
		expect((await b.loadContact(id))?.zip).toBe('50667');
	});

	it('removes everything of a document, re-derives the contacts under it and moves the cursor', async () => {
		const a = await tabs.open(freshDbName());
		const b = await tabs.open(freshDbName());
		const company = await create(a, 'company', {
			fields: { companyName: 'Alt GmbH', street: 'Am Markt 3', zip: '10115', city: 'Berlin' }
		});
		const person = await create(a, 'person', {
			fields: { lastName: 'Weiß', parentId: company, inheritAddress: true }
		});
		await b.receive([await snapshotOf(a, company, rights), await snapshotOf(a, person)], { cursor: 2 });
		expect((await rowOf(b, person))?.city).toBe('Berlin');
		await edit(b, company, [set('zip', '10117')]);
		expect(await b.pendingCount()).toBe(1);

		expect(await b.removeDocument(company, 5)).toBe('Alt GmbH');
		expect(await b.loadContact(company)).toBeNull();
		expect(await b.history(company)).toEqual([]);
		expect(await b.updateCount(company)).toBe(0);
		expect(await b.accessOf(company)).toBeNull();
		expect(await b.pendingCount()).toBe(0);
		expect(await b.row(company)).toBeUndefined();
		const orphan = await rowOf(b, person);
		expect(orphan).toMatchObject({ city: '', parentName: '', addressFrom: null });
		expect(await b.syncValue('syncCursor')).toBe(5);
		// Removing what is not there changes nothing and names nothing.
		expect(await b.removeDocument(company)).toBe('');
		expect(await b.syncValue('syncCursor')).toBe(5);
	});
});

describe('queueRepair', () => {
	it('queues exactly what the server lacks, with no history entries', async () => {
		const store = await tabs.open(freshDbName());
		const id = await movedCompany(store);
		// The edit the server lacks only deletes: the repair must bring the deletion along.
		const phone = (await store.loadContact(id))?.channels[0]?.id;
		if (!phone) throw new Error('no phone');
		await edit(store, id, [{ type: 'removeChannel', id: phone }]);
		const [creation, move] = (await all(store)) as [PendingPush, PendingPush];
		// The server has the creation and the move, not the removal.
		const server = docOf([creation.update, move.update], id);
		const stateVector = Y.encodeStateVector(server);
		const pending = new Set((await all(store)).map((p) => p.id));
		const changes = recordChanges(store);

		expect(await store.queueRepair(id, stateVector)).toBe(true);

		const added = (await all(store)).filter((p) => !pending.has(p.id));
		expect(added).toHaveLength(1);
		const [repair] = added as [PendingPush];
		expect(repair).toMatchObject({ docId: id, entries: [] });
		// Only structs beyond what the server has, and together they bring it to this device's state.
		const { structs } = Y.decodeUpdate(repair.update);
		expect(structs.length).toBeGreaterThan(0);
		for (const struct of structs) {
			expect(struct.id.clock).toBeGreaterThanOrEqual(
				Y.decodeStateVector(stateVector).get(struct.id.client) ?? 0
			);
		}
		Y.applyUpdate(server, repair.update);
		expect(Y.encodeStateVector(server)).toEqual(await store.stateVector(id));
		expect(readContact(server)).toEqual(await store.loadContact(id));
		expect(readContact(server).channels).toEqual([]);
		expect(changes.map((c) => c.docIds)).toEqual([[id]]);
	});

	it('queues nothing for a server that has it all, deletions included, and everything for one without it', async () => {
		const store = await tabs.open(freshDbName());
		const id = await movedCompany(store);
		await store.editWorkspace([
			{ type: 'putGroup', group: { id: newGroupId(), name: 'Kunden', color: '#336699' } }
		]);
		const pending = await all(store);
		const changes = recordChanges(store);
		// Overwritten values are deletions: a diff against a full state vector still carries them.
		expect(Y.decodeUpdate(await store.encodeState(id)).ds.clients.size).toBeGreaterThan(0);

		expect(await store.queueRepair(id, await store.stateVector(id))).toBe(false);
		expect(await store.queueRepair(WORKSPACE_DOC_ID, await store.stateVector(WORKSPACE_DOC_ID))).toBe(false);
		expect(await all(store)).toEqual(pending);
		expect(changes).toEqual([]);

		expect(await store.queueRepair(id, Y.encodeStateVector(new Y.Doc()))).toBe(true);
		const [repair] = (await all(store)).filter((p) => !pending.some((q) => q.id === p.id));
		expect(readContact(docOf([repair?.update as Uint8Array], id))).toEqual(await store.loadContact(id));
	});
});

describe('a database from before sync', () => {
	/** The schema of versions 1 and 2, as db.ts declares it. */
	function oldDatabase(name: string, version: 1 | 2): Dexie {
		const db = new Dexie(name);
		db.version(1).stores({
			updates: '++seq, docId, [docId+seq]',
			contacts: 'key, &id, parentId, *filters, *tokens',
			meta: 'key'
		});
		if (version === 2) db.version(2).stores({ history: 'id, docId, [docId+time]' });
		return db;
	}

	interface OldChange {
		update: Uint8Array;
		entry: HistoryEntry;
	}

	/** What a device made before sync: updates of a contact and of the workspace, each with its entry. */
	function localChanges(): { contact: ContactId; changes: OldChange[]; docs: Map<string, Y.Doc> } {
		const contact = newContactId();
		const doc = newContactDoc(contact);
		const workspace = newWorkspaceDoc();
		const changes: OldChange[] = [];
		let time = Date.now() - 60_000;
		const record = (target: Y.Doc, run: () => void) => {
			const captured = captureEdit(target, run);
			if (!captured) throw new Error('nothing captured');
			const { update, ...facts } = captured;
			time += 1_000;
			const entry = {
				id: uuidv7(time),
				docId: target.guid,
				time,
				author: { id: '', name: 'Anna' },
				device: 'old-device',
				...facts
			};
			changes.push({ update, entry });
		};
		record(doc, () => initContact(doc, { ...emptyContactFields('company'), companyName: 'Alt GmbH' }));
		record(doc, () => applyContactEdits(doc, [set('city', 'Bonn')]));
		const group = { id: newGroupId(), name: 'Kunden', color: '#336699' };
		record(workspace, () => applyWorkspaceEdits(workspace, [{ type: 'putGroup', group }], LOCAL_ORIGIN));
		record(doc, () => applyContactEdits(doc, [set('zip', '53111')]));
		return {
			contact,
			changes,
			docs: new Map([
				[contact as string, doc],
				[WORKSPACE_DOC_ID, workspace]
			])
		};
	}

	it('queues every document once, as its merged state with all of its history', async () => {
		const name = freshDbName();
		const { contact, changes, docs } = localChanges();
		const old = oldDatabase(name, 2);
		await old.open();
		await old.table('updates').bulkAdd(
			changes.map(({ update, entry }) => ({
				docId: entry.docId,
				update,
				time: entry.time,
				device: entry.device,
				author: 'Anna'
			}))
		);
		await old.table('history').bulkAdd(changes.map((c) => c.entry));
		old.close();

		const store = await tabs.open(name);
		const pushes = await all(store);
		expect(pushes.map((p) => p.docId).sort()).toEqual([contact, WORKSPACE_DOC_ID].sort());
		for (const push of pushes) {
			const doc = docs.get(push.docId) as Y.Doc;
			const merged = docOf([push.update], push.docId);
			expect(Y.encodeStateVector(merged)).toEqual(Y.encodeStateVector(doc));
			expect(snapshotJson(merged)).toEqual(snapshotJson(doc));
			const entries = changes.filter((c) => c.entry.docId === push.docId).map((c) => c.entry);
			expect(push.entries.map((e) => e.id).sort()).toEqual(entries.map((e) => e.id).sort());
		}
		expect(await store.loadContact(contact)).toEqual(readContact(docs.get(contact) as Y.Doc));
		store.close();
		// The upgrade runs once: opening again queues nothing more.
		expect(await (await tabs.open(name)).pendingCount()).toBe(2);
	});

	it('queues the documents of a version 1 database, which had no history', async () => {
		const name = freshDbName();
		const { contact, changes, docs } = localChanges();
		const old = oldDatabase(name, 1);
		await old.open();
		const time = Date.now();
		await old
			.table('updates')
			.bulkAdd(
				changes.map(({ update, entry }) => ({ docId: entry.docId, update, time, device: '', author: '' }))
			);
		old.close();

		const store = await tabs.open(name);
		const pushes = await all(store);
		expect(pushes.map((p) => p.docId).sort()).toEqual([contact, WORKSPACE_DOC_ID].sort());
		expect(pushes.map((p) => p.entries)).toEqual([[], []]);
		const [pushed] = pushes.filter((p) => p.docId === contact);
		expect(readContact(docOf([pushed?.update as Uint8Array], contact))).toEqual(
			readContact(docs.get(contact) as Y.Doc)
		);
	});

	it('queues nothing for an empty database', async () => {
		const name = freshDbName();
		const old = oldDatabase(name, 2);
		await old.open();
		old.close();
		expect(await (await tabs.open(name)).pendingCount()).toBe(0);
	});
});
