import 'fake-indexeddb/auto';
import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import * as Y from 'yjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { concurrent, covers, type HistoryEntry } from '../../src/lib/crdt';
import {
	isUuid,
	type ChannelId,
	newContactId,
	newGroupId,
	type ContactId,
	type ContactRow,
	type GroupId
} from '../../src/lib/domain';
import { StorageError, type KontorStore } from '../../src/lib/store';
import { mulberry32, pick, type Rng } from '../factories';
import {
	StoreTabs,
	addChannel,
	addGroup,
	byKey,
	create,
	edit,
	freshDbName,
	removeGroup,
	rowOf,
	set,
	setParent
} from './helpers';
import { concurrentWith, lastChange } from '../history-oracle';

const tabs = new StoreTabs();
afterEach(() => {
	vi.restoreAllMocks();
	tabs.closeAll();
});

/** A company in Berlin with a phone and group `group`, created by "Anna Schmidt". */
async function company(store: KontorStore, group: GroupId = newGroupId()): Promise<ContactId> {
	return create(store, 'company', {
		fields: { companyName: 'Müller Maschinenbau GmbH', city: 'Berlin' },
		edits: [addChannel('phone', '030 1234567'), addGroup(group)]
	});
}

/** The id of the contact's only channel. */
async function channelId(store: KontorStore, id: ContactId): Promise<ChannelId> {
	const contact = await store.loadContact(id);
	const channel = contact?.channels[0];
	if (!channel) throw new Error('no channel');
	return channel.id;
}

describe('recording', () => {
	it('stores each edit with author, device, time, changes and its state before', async () => {
		const store = await tabs.open(freshDbName());
		await store.setAuthor('  Anna Schmidt ');
		const t0 = Date.now();
		const id = await company(store);
		await edit(store, id, [set('city', 'Köln')]);
		const t1 = Date.now();

		const history = await store.history(id);
		expect(history).toHaveLength(2);
		const [latest, creation] = history as [HistoryEntry, HistoryEntry];
		expect(latest).toMatchObject({
			docId: id,
			author: { id: '', name: 'Anna Schmidt' },
			device: store.deviceId,
			changes: [{ path: ['fields', 'city'], from: 'Berlin', to: 'Köln' }]
		});
		expect(isUuid(latest.id)).toBe(true);
		expect(latest.time).toBeGreaterThanOrEqual(t0);
		expect(latest.time).toBeLessThanOrEqual(t1);
		expect(latest.svBefore).toBeInstanceOf(Uint8Array);
		expect(latest.clockEnd).toBeGreaterThan(Y.decodeStateVector(latest.svBefore).get(latest.client) ?? 0);
		expect(covers(latest, creation)).toBe(true);
		expect(concurrent(latest, creation)).toBe(false);

		// The creating edit lists every value it set, channels and groups included.
		expect(creation.author.name).toBe('Anna Schmidt');
		expect(creation.changes).toContainEqual({ path: ['fields', 'kind'], from: undefined, to: 'company' });
		expect(creation.changes).toContainEqual({
			path: ['fields', 'companyName'],
			from: undefined,
			to: 'Müller Maschinenbau GmbH'
		});
		const channel = await channelId(store, id);
		expect(creation.changes).toContainEqual({
			path: ['channels', channel],
			from: undefined,
			to: expect.objectContaining({ kind: 'phone', value: '030 1234567', normalized: '+49301234567' })
		});
	});

	it('lists the history newest first, in the order the edits were made', async () => {
		const store = await tabs.open(freshDbName());
		const id = await company(store);
		const cities = ['Köln', 'Bonn', 'Hamburg', 'Dresden', 'München', 'Kiel'];
		// Several edits can fall into one millisecond; the order must still be the order of the edits.
		for (const city of cities) await edit(store, id, [set('city', city)]);
		const history = await store.history(id);
		expect(history.slice(0, -1).map((e) => e.changes[0]?.to)).toEqual([...cities].reverse());
		for (const [i, entry] of history.entries()) {
			const older = history[i + 1];
			if (older) expect(covers(entry, older)).toBe(true);
		}
		expect(lastChange(history, ['fields', 'city'])?.change).toEqual({
			path: ['fields', 'city'],
			from: 'München',
			to: 'Kiel'
		});
	});

	it('records channels, groups, parent and inheritance toggles with no code of their own', async () => {
		const store = await tabs.open(freshDbName());
		const group = newGroupId();
		const parent = await company(store, group);
		const person = await create(store, 'person', { fields: { lastName: 'Schäfer' } });
		await edit(store, person, [setParent(parent), set('inheritAddress', true), set('inheritGroups', true)]);
		await edit(store, person, [addChannel('email', 'Anna@Firma.DE', 'invoice'), addGroup(group)]);
		const mail = await channelId(store, person);
		await edit(store, person, [{ type: 'updateChannel', id: mail, patch: { label: 'Büro' } }]);
		await edit(store, person, [removeGroup(group), { type: 'removeChannel', id: mail }]);

		const changes = (await store.history(person)).slice(0, -1).map((e) => e.changes);
		expect(changes).toEqual([
			[
				{
					path: ['channels', mail],
					from: expect.objectContaining({ kind: 'email', value: 'Anna@Firma.DE', label: 'Büro' }),
					to: undefined
				},
				{ path: ['groups', group], from: true, to: undefined }
			],
			[{ path: ['channels', mail, 'label'], from: '', to: 'Büro' }],
			[
				{
					path: ['channels', mail],
					from: undefined,
					to: expect.objectContaining({ normalized: 'anna@firma.de', purpose: 'invoice' })
				},
				{ path: ['groups', group], from: undefined, to: true }
			],
			[
				{ path: ['fields', 'inheritAddress'], from: false, to: true },
				{ path: ['fields', 'inheritGroups'], from: false, to: true },
				{ path: ['fields', 'parentId'], from: null, to: parent }
			]
		]);
	});

	it('records the author at the time of each edit, and nothing for an edit that changes nothing', async () => {
		const store = await tabs.open(freshDbName());
		await store.setAuthor('Anna Schmidt');
		const id = await company(store);
		await store.setAuthor('Bernd Weber');
		await edit(store, id, [set('city', 'Köln')]);
		await edit(store, id, [set('city', 'Köln')]);
		const history = await store.history(id);
		expect(history.map((e) => e.author.name)).toEqual(['Bernd Weber', 'Anna Schmidt']);
		expect(await store.history(newContactId())).toEqual([]);
	});

	it('records workspace edits too', async () => {
		const store = await tabs.open(freshDbName());
		const group = { id: newGroupId(), name: 'Kunden', color: '#336699' };
		await store.editWorkspace([{ type: 'putGroup', group }]);
		await store.editWorkspace([{ type: 'putGroup', group: { ...group, name: 'Stammkunden' } }]);
		await store.editWorkspace([{ type: 'removeGroup', id: group.id }]);
		const history = await store.history('workspace');
		expect(history.map((e) => e.changes)).toEqual([
			[{ path: ['groups', group.id], from: { name: 'Stammkunden', color: '#336699' }, to: undefined }],
			[{ path: ['groups', group.id, 'name'], from: 'Kunden', to: 'Stammkunden' }],
			[{ path: ['groups', group.id], from: undefined, to: { name: 'Kunden', color: '#336699' } }]
		]);
	});
});

describe('one transaction with its update', () => {
	const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

	/** Makes IndexedDB `method` calls on the object store `table` throw, as a full disk does. */
	function failOn(table: 'history' | 'updates' | 'contacts', method: 'add' | 'put'): void {
		const original = FakeObjectStore.prototype[method];
		vi.spyOn(FakeObjectStore.prototype, method).mockImplementation(function (
			this: InstanceType<typeof FakeObjectStore>,
			...args
		) {
			if (this.name === table) throw quota();
			return original.apply(this, args);
		});
	}

	it.each([
		['the history entry', 'history', 'add'],
		['the update', 'updates', 'add'],
		['the projection row', 'contacts', 'put']
	] as const)('stores neither update nor entry when %s cannot be written', async (_label, table, method) => {
		const name = freshDbName();
		const store = await tabs.open(name);
		const id = await company(store);
		const contact = await store.loadContact(id);
		const history = await store.history(id);
		const count = await store.updateCount(id);

		failOn(table, method);
		const editing = store.editContact(id, [set('city', 'Köln')]);
		await expect(editing).rejects.toBeInstanceOf(StorageError);
		await expect(editing).rejects.toMatchObject({ code: 'quota' });
		vi.restoreAllMocks();

		expect(await store.updateCount(id)).toBe(count);
		expect(await store.history(id)).toEqual(history);
		expect(await store.loadContact(id)).toEqual(contact);
		const fresh = await tabs.open(name);
		expect(await fresh.loadContact(id)).toEqual(contact);
		expect(await fresh.history(id)).toEqual(history);

		// Once there is room again, the next edit is stored with its entry.
		await edit(store, id, [set('city', 'Bonn')]);
		expect((await store.history(id))[0]?.changes).toEqual([
			{ path: ['fields', 'city'], from: 'Berlin', to: 'Bonn' }
		]);
	});

	it('stores neither when a restore cannot write its entry', async () => {
		const store = await tabs.open(freshDbName());
		const id = await company(store);
		await edit(store, id, [set('city', 'Köln')]);
		const history = await store.history(id);
		failOn('history', 'add');
		await expect(store.restore(id, ['fields', 'city'], 'Berlin')).rejects.toMatchObject({ code: 'quota' });
		vi.restoreAllMocks();
		expect(await store.history(id)).toEqual(history);
		expect((await store.loadContact(id))?.city).toBe('Köln');
	});

	it('keeps neither a received update nor its entries when their record cannot be stored', async () => {
		const a = await tabs.open(freshDbName());
		const b = await tabs.open(freshDbName());
		const id = await company(a);
		const item = { docId: id, update: await a.encodeState(id), entries: await a.history(id) };
		// Received entries ride on their update's record.
		failOn('updates', 'add');
		await expect(b.receive([item])).rejects.toMatchObject({ code: 'quota' });
		vi.restoreAllMocks();
		expect(await b.updateCount(id)).toBe(0);
		expect(await b.loadContact(id)).toBeNull();
		expect(await b.history(id)).toEqual([]);
		expect(await b.count()).toBe(0);
		// and the same item goes through once there is room
		await b.receive([item]);
		expect(await b.loadContact(id)).toEqual(await a.loadContact(id));
		expect(await b.history(id)).toEqual(await a.history(id));
	});

	it('imports nothing when the creation entries cannot be stored', async () => {
		const store = await tabs.open(freshDbName());
		failOn('history', 'add');
		await expect(
			store.importContacts([
				{ kind: 'company', fields: { companyName: 'Müller GmbH' } },
				{ kind: 'person', fields: { lastName: 'Schäfer' } }
			])
		).rejects.toBeInstanceOf(StorageError);
		vi.restoreAllMocks();
		expect(await store.count()).toBe(0);
		expect(await store.rebuildProjection()).toBe(0);
	});
});

describe('durability', () => {
	it('survives compaction and a reopened store', async () => {
		const name = freshDbName();
		const store = await tabs.open(name);
		const id = await company(store);
		for (let i = 0; i < 10; i++) await edit(store, id, [set('street', `Hauptstraße ${i}`)]);
		const history = await store.history(id);
		expect(history).toHaveLength(11);

		await store.compact(id);
		expect(await store.updateCount(id)).toBe(1);
		expect(await store.history(id)).toEqual(history);

		const reopened = await tabs.open(name);
		expect(await reopened.history(id)).toEqual(history);
		// An edit made on the reloaded document (a new Yjs client) saw every earlier one.
		await edit(reopened, id, [set('city', 'Köln')]);
		const [latest, ...earlier] = await reopened.history(id);
		expect(earlier).toEqual(history);
		for (const entry of earlier) expect(covers(latest as HistoryEntry, entry)).toBe(true);
	});

	it('keeps every entry across automatic compaction', async () => {
		const store = await tabs.open(freshDbName());
		const id = await company(store);
		for (let i = 0; i < 70; i++) await edit(store, id, [set('notes', `Notiz ${i}`)]);
		await vi.waitFor(async () => expect(await store.updateCount(id)).toBeLessThan(70));
		const history = await store.history(id);
		expect(history).toHaveLength(71);
		expect(history[0]?.changes).toEqual([{ path: ['fields', 'notes'], from: 'Notiz 68', to: 'Notiz 69' }]);
	});
});

describe('restore', () => {
	it('writes the old value back as a new entry and leaves the earlier ones as they were', async () => {
		const store = await tabs.open(freshDbName());
		const id = await company(store);
		await edit(store, id, [set('city', 'Köln')]);
		await edit(store, id, [set('city', 'Bonn')]);
		const before = await store.history(id);
		const change = lastChange(before, ['fields', 'city'])?.change;
		expect(change).toEqual({ path: ['fields', 'city'], from: 'Köln', to: 'Bonn' });

		await store.restore(id, ['fields', 'city'], change?.from);

		expect((await store.loadContact(id))?.city).toBe('Köln');
		expect((await rowOf(store, id)).city).toBe('Köln');
		const after = await store.history(id);
		expect(after.slice(1)).toEqual(before);
		expect(after[0]).toMatchObject({
			device: store.deviceId,
			changes: [{ path: ['fields', 'city'], from: 'Bonn', to: 'Köln' }]
		});
	});

	it('brings a removed channel back, in the document, the row and search', async () => {
		const store = await tabs.open(freshDbName());
		const id = await company(store);
		const original = await store.loadContact(id);
		const channel = await channelId(store, id);
		await edit(store, id, [{ type: 'removeChannel', id: channel }]);
		expect(await store.listKeys({ query: '030 1234567' })).toEqual([]);
		expect((await rowOf(store, id)).phones).toEqual([]);

		const removal = lastChange(await store.history(id), ['channels', channel])?.change;
		expect(removal?.to).toBeUndefined();
		await store.restore(id, ['channels', channel], removal?.from);

		expect(await store.loadContact(id)).toEqual(original);
		const row = await rowOf(store, id);
		expect(row).toMatchObject({ phone: '030 1234567', phoneE164: '+49301234567', phones: ['+49301234567'] });
		expect(await store.listKeys({ query: '030 1234567' })).toEqual([row.key]);
		expect(await store.listKeys({ query: '+49 30 1234567' })).toEqual([row.key]);
		expect((await store.history(id))[0]?.changes).toEqual([
			{ path: ['channels', channel], from: undefined, to: removal?.from }
		]);
	});

	it('restores a phone number together with its normalized form, so search finds it again', async () => {
		const store = await tabs.open(freshDbName());
		const id = await company(store);
		const channel = await channelId(store, id);
		await edit(store, id, [{ type: 'updateChannel', id: channel, patch: { value: '089 7654321' } }]);
		expect(await store.listKeys({ query: '030 1234567' })).toEqual([]);

		const change = lastChange(await store.history(id), ['channels', channel, 'value'])?.change;
		expect(change).toMatchObject({ from: '030 1234567', to: '089 7654321' });
		await store.restore(id, ['channels', channel, 'value'], change?.from);

		const restored = (await store.loadContact(id))?.channels.find((c) => c.id === channel);
		expect(restored).toMatchObject({ value: '030 1234567', normalized: '+49301234567' });
		const row = await rowOf(store, id);
		expect(row.phoneE164).toBe('+49301234567');
		expect(await store.listKeys({ query: '030 1234567' })).toEqual([row.key]);
		expect(await store.listKeys({ query: '089 7654321' })).toEqual([]);
	});

	it('removes a group again (restoring "absent")', async () => {
		const store = await tabs.open(freshDbName());
		const group = newGroupId();
		const id = await create(store, 'person', { fields: { lastName: 'Schäfer' } });
		await edit(store, id, [addGroup(group)]);
		await store.restore(id, ['groups', group], undefined);
		expect((await store.loadContact(id))?.groups).toEqual([]);
		expect(await store.listKeys({ group })).toEqual([]);
		expect((await store.history(id))[0]?.changes).toEqual([
			{ path: ['groups', group], from: true, to: undefined }
		]);
	});

	it('refuses to restore a parent that would now make a cycle', async () => {
		const store = await tabs.open(freshDbName());
		const a = await create(store, 'company', { fields: { companyName: 'A GmbH' } });
		const b = await create(store, 'company', { fields: { companyName: 'B GmbH' } });
		await edit(store, a, [setParent(b)]);
		await edit(store, a, [setParent(null)]);
		await edit(store, b, [setParent(a)]);
		const count = await store.updateCount(a);

		expect(await store.restore(a, ['fields', 'parentId'], b)).toBe('cycle');
		expect((await store.loadContact(a))?.parentId).toBeNull();
		expect(await store.updateCount(a)).toBe(count);
		expect(await store.restore(b, ['fields', 'parentId'], null)).toBeNull();
		expect((await store.loadContact(b))?.parentId).toBeNull();
	});

	it('writes nothing when the value is already there', async () => {
		const store = await tabs.open(freshDbName());
		const id = await company(store);
		const count = await store.updateCount(id);
		await store.restore(id, ['fields', 'city'], 'Berlin');
		expect(await store.updateCount(id)).toBe(count);
		expect(await store.history(id)).toHaveLength(1);
	});

	it('creates nothing for a contact this device does not have', async () => {
		const store = await tabs.open(freshDbName());
		const id = newContactId();
		await store.restore(id, ['fields', 'city'], 'Köln');
		expect(await store.loadContact(id)).toBeNull();
		expect(await store.count()).toBe(0);
		expect(await store.history(id)).toEqual([]);
		expect(await store.updateCount(id)).toBe(0);
	});
});

describe('import', () => {
	it('records one creation entry per contact', async () => {
		const store = await tabs.open(freshDbName());
		await store.setAuthor('Anna Schmidt');
		const result = await store.importContacts([
			{ kind: 'company', fields: { companyName: 'Müller GmbH', city: 'Berlin' } },
			{ kind: 'person', fields: { lastName: 'Schäfer' }, edits: [addChannel('mobile', '0171 2345678')] },
			{ kind: 'person', fields: { lastName: 'Weiß' } }
		]);
		if (!result.ok) throw new Error('import refused');
		for (const id of result.ids) {
			const history = await store.history(id);
			expect(history).toHaveLength(1);
			expect(history[0]).toMatchObject({
				docId: id,
				author: { name: 'Anna Schmidt' },
				device: store.deviceId
			});
		}
		const [firm, person] = await Promise.all(result.ids.slice(0, 2).map((id) => store.history(id)));
		expect(firm?.[0]?.changes).toContainEqual({ path: ['fields', 'city'], from: undefined, to: 'Berlin' });
		expect(person?.[0]?.changes.filter((c) => c.path[0] === 'channels')).toEqual([
			{
				path: ['channels', expect.any(String)],
				from: undefined,
				to: expect.objectContaining({ kind: 'mobile', normalized: '+491712345678' })
			}
		]);
	});
});

/** One device: a store of its own (its own database), and what it sends. */
interface Device {
	store: KontorStore;
	outbox: { docId: string; update: Uint8Array; entries: HistoryEntry[] }[];
}

/** Runs a local change and puts the update it made, with its entry, in the device's outbox. */
async function local(device: Device, id: ContactId, change: () => Promise<unknown>): Promise<HistoryEntry> {
	const known = new Set((await device.store.history(id)).map((e) => e.id));
	await change();
	const made = (await device.store.history(id)).filter((e) => !known.has(e.id));
	expect(made).toHaveLength(1);
	const entry = made[0] as HistoryEntry;
	const update = Y.diffUpdate(await device.store.encodeState(id), entry.svBefore);
	device.outbox.push({ docId: id, update, entries: [entry] });
	return entry;
}

/** Delivers `from`'s outbox to `to` one message at a time, in a random order, some twice. */
async function deliver(rng: Rng, from: Device, to: Device): Promise<void> {
	const messages = from.outbox.splice(0);
	const queue = [...messages, ...messages.filter(() => rng() < 0.3)];
	while (queue.length > 0) {
		const [message] = queue.splice(Math.floor(rng() * queue.length), 1);
		if (message) await to.store.receive([message]);
	}
}

/** Projection rows without `updatedAt`, which is when this device stored the row. */
async function rowsOf(store: KontorStore): Promise<Omit<ContactRow, 'updatedAt'>[]> {
	return byKey(await store.allRows()).map(({ updatedAt: _updatedAt, ...row }) => row);
}

describe('two devices', () => {
	async function devices(): Promise<[Device, Device]> {
		const a = { store: await tabs.open(freshDbName()), outbox: [] };
		const b = { store: await tabs.open(freshDbName()), outbox: [] };
		await a.store.setAuthor('Anna Schmidt');
		await b.store.setAuthor('Bernd Weber');
		expect(a.store.deviceId).not.toBe(b.store.deviceId);
		return [a, b];
	}

	async function expectSame(a: Device, b: Device, ids: readonly ContactId[]): Promise<void> {
		for (const id of ids) {
			expect(await b.store.loadContact(id)).toEqual(await a.store.loadContact(id));
			expect(await b.store.history(id)).toEqual(await a.store.history(id));
		}
		expect(await rowsOf(b.store)).toEqual(await rowsOf(a.store));
	}

	it.each([1, 2, 3, 4, 5])(
		'gives equal contacts, history and rows whatever order updates arrive in (seed %i)',
		async (seed) => {
			const rng = mulberry32(seed);
			const [a, b] = await devices();
			const group = newGroupId();
			const other = newGroupId();
			const firm = await company(a.store, group);
			const entries = await a.store.history(firm);
			a.outbox.push({ docId: firm, update: await a.store.encodeState(firm), entries });
			await deliver(rng, a, b);
			const phone = await channelId(a.store, firm);

			// Both devices edit without hearing from each other.
			const editsA = [
				() => edit(a.store, firm, [set('city', 'Köln')]),
				() => edit(a.store, firm, [{ type: 'removeChannel', id: phone }]),
				() => edit(a.store, firm, [set('notes', 'Rückruf')]),
				() => edit(a.store, firm, [addGroup(other)])
			];
			const editsB = [
				() => edit(b.store, firm, [set('city', 'Bonn')]),
				() => edit(b.store, firm, [{ type: 'updateChannel', id: phone, patch: { label: 'Zentrale' } }]),
				() => edit(b.store, firm, [removeGroup(group)]),
				() => edit(b.store, firm, [addChannel('email', 'info@mueller.de', 'invoice')])
			];
			const made = new Map<string, HistoryEntry>();
			for (let i = 0; i < editsA.length; i++) {
				const [first, second] = rng() < 0.5 ? [a, b] : [b, a];
				for (const device of [first, second]) {
					const run = (device === a ? editsA : editsB)[i];
					if (run) {
						const entry = await local(device, firm, run);
						made.set(`${device === a ? 'a' : 'b'}${i}`, entry);
					}
				}
				// Sometimes one side hears from the other in between.
				if (rng() < 0.3) {
					const [from, to] = pick(rng, [
						[a, b],
						[b, a]
					]);
					await deliver(rng, from, to);
				}
			}
			await deliver(rng, a, b);
			await deliver(rng, b, a);
			await expectSame(a, b, [firm]);

			// A full exchange afterwards (state and history) changes nothing.
			const history = await a.store.history(firm);
			await a.store.receive([
				{ docId: firm, update: await b.store.encodeState(firm), entries: await b.store.history(firm) }
			]);
			await b.store.receive([{ docId: firm, update: await a.store.encodeState(firm), entries: history }]);
			await expectSame(a, b, [firm]);
			expect(await a.store.history(firm)).toEqual(history);
			expect(history).toHaveLength(1 + editsA.length + editsB.length);

			// Authors and devices are those of the device each edit was made on.
			const cityA = made.get('a0') as HistoryEntry;
			const cityB = made.get('b0') as HistoryEntry;
			expect(history.find((e) => e.id === cityA.id)).toMatchObject({
				author: { name: 'Anna Schmidt' },
				device: a.store.deviceId
			});
			expect(history.find((e) => e.id === cityB.id)).toMatchObject({
				author: { name: 'Bernd Weber' },
				device: b.store.deviceId
			});

			// A reloaded device still agrees.
			const reopened = { store: await tabs.open(b.store.databaseName), outbox: [] };
			await expectSame(a, reopened, [firm]);
		}
	);

	it("detects concurrent edits of the same field and keeps the winner's value", async () => {
		const rng = mulberry32(99);
		const [a, b] = await devices();
		const id = await company(a.store);
		a.outbox.push({ docId: id, update: await a.store.encodeState(id), entries: await a.store.history(id) });
		await deliver(rng, a, b);
		const phone = await channelId(a.store, id);

		const ea = await local(a, id, () => edit(a.store, id, [set('city', 'Köln')]));
		const eb = await local(b, id, () => edit(b.store, id, [set('city', 'Bonn')]));
		await deliver(rng, a, b);
		await deliver(rng, b, a);

		for (const device of [a, b]) {
			const history = await device.store.history(id);
			const [ha, hb] = [ea, eb].map((e) => history.find((h) => h.id === e.id)) as [
				HistoryEntry,
				HistoryEntry
			];
			expect(concurrent(ha, hb)).toBe(true);
			expect(concurrentWith(history, ha).map((e) => e.id)).toEqual([eb.id]);
			expect(concurrentWith(history, hb).map((e) => e.id)).toEqual([ea.id]);
			const city = (await device.store.loadContact(id))?.city;
			const winners = [ha, hb].filter((e) => e.changes[0]?.to === city);
			expect(winners).toHaveLength(1);
			expect((await rowOf(device.store, id)).city).toBe(city);
		}

		// Now both have seen both. A removes the phone (an edit that only deletes) while B, which saw
		// A's earlier edit but not this one, labels it.
		const removal = await local(a, id, () => edit(a.store, id, [{ type: 'removeChannel', id: phone }]));
		const label = await local(b, id, () =>
			edit(b.store, id, [{ type: 'updateChannel', id: phone, patch: { label: 'Zentrale' } }])
		);
		expect(covers(label, ea)).toBe(true);
		expect(covers(removal, eb)).toBe(true);
		expect(covers(label, removal)).toBe(false);
		expect(concurrent(removal, label)).toBe(true);
		await deliver(rng, b, a);
		await deliver(rng, a, b);
		for (const device of [a, b]) expect((await device.store.loadContact(id))?.channels).toEqual([]);
		await expectSame(a, b, [id]);
	});
});
