import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newGroupId, type ContactId } from '../../src/lib/domain';
import type { KontorStore } from '../../src/lib/store';
import {
	StoreTabs,
	addChannel,
	addGroup,
	byKey,
	create,
	edit,
	freshDbName,
	recordChanges,
	rowOf,
	set
} from './helpers';

/** The store compacts a document once it has this many update records (COMPACT_AFTER_ROWS). */
const COMPACT_AFTER = 64;

const tabs = new StoreTabs();
afterEach(() => tabs.closeAll());

/** Makes `n` small edits, each its own stored update. */
async function manyEdits(
	store: KontorStore,
	id: ContactId,
	n: number,
	onEach?: () => Promise<void>
): Promise<void> {
	for (let i = 0; i < n; i++) {
		await edit(store, id, i % 3 === 0 ? [set('notes', `Notiz ${i}`)] : [set('street', `Hauptstraße ${i}`)]);
		await onEach?.();
	}
}

describe('compaction', () => {
	it('leaves one update record that loads to the same contact', async () => {
		const name = freshDbName();
		const store = await tabs.open(name);
		const group = newGroupId();
		const id = await create(store, 'company', {
			fields: { companyName: 'Müller GmbH', city: 'Berlin' },
			edits: [addChannel('phone', '030 1234567'), addGroup(group)]
		});
		await manyEdits(store, id, 40);
		expect(await store.updateCount(id)).toBe(41);
		const before = await store.loadContact(id);
		const row = await rowOf(store, id);

		await store.compact(id);

		expect(await store.updateCount(id)).toBe(1);
		expect(await store.loadContact(id)).toEqual(before);
		expect(await rowOf(store, id)).toEqual(row);
		const fresh = await tabs.open(name);
		expect(await fresh.loadContact(id)).toEqual(before);
		expect(before).toMatchObject({ street: 'Hauptstraße 38', notes: 'Notiz 39', groups: [group] });

		// Editing continues on top of the compacted record, in this tab and in a freshly loaded one.
		await edit(store, id, [set('city', 'Köln')]);
		expect(await store.updateCount(id)).toBe(2);
		const later = await tabs.open(name);
		expect(await later.loadContact(id)).toMatchObject({ city: 'Köln', street: 'Hauptstraße 38' });
		// The projection still equals what the (compacted) documents give.
		const live = byKey(await store.allRows());
		await store.rebuildProjection();
		expect(byKey(await store.allRows())).toEqual(live);
	});

	it('does nothing to a document with a single record', async () => {
		const store = await tabs.open(freshDbName());
		const id = await create(store, 'person', { fields: { lastName: 'Weiß' } });
		await store.compact(id);
		expect(await store.updateCount(id)).toBe(1);
		expect((await store.loadContact(id))?.lastName).toBe('Weiß');
	});

	it('keeps the update count bounded by compacting on its own', async () => {
		const store = await tabs.open(freshDbName());
		const id = await create(store, 'company', { fields: { companyName: 'Müller GmbH' } });
		let most = 0;
		await manyEdits(store, id, 5 * COMPACT_AFTER, async () => {
			most = Math.max(most, await store.updateCount(id));
		});
		// Without compaction there would be 321 records.
		expect(most).toBeLessThan(2 * COMPACT_AFTER);
		await vi.waitFor(async () => expect(await store.updateCount(id)).toBeLessThanOrEqual(COMPACT_AFTER));
		expect(await store.loadContact(id)).toMatchObject({ street: `Hauptstraße ${5 * COMPACT_AFTER - 1}` });
	});

	it('loses nothing when another tab edits while one compacts', async () => {
		const name = freshDbName();
		const a = await tabs.open(name);
		const b = await tabs.open(name);
		const id = await create(a, 'company', { fields: { companyName: 'Müller GmbH' } });
		await manyEdits(a, id, 20);
		expect((await b.loadContact(id))?.street).toBe('Hauptstraße 19');
		const seenByA = recordChanges(a);

		await Promise.all([a.compact(id), b.editContact(id, [set('city', 'Dresden')])]);
		await edit(b, id, [set('zip', '01067')]);
		await vi.waitFor(() => expect(seenByA.filter((c) => c.remote).length).toBe(2));

		const expected = { street: 'Hauptstraße 19', city: 'Dresden', zip: '01067' };
		expect(await a.loadContact(id)).toMatchObject(expected);
		expect(await b.loadContact(id)).toMatchObject(expected);
		expect(await (await tabs.open(name)).loadContact(id)).toMatchObject(expected);
		expect(await rowOf(a, id)).toMatchObject({ city: 'Dresden', zip: '01067' });
	});

	it('compacts the workspace document too', async () => {
		const name = freshDbName();
		const store = await tabs.open(name);
		const group = { id: newGroupId(), name: 'Kunden', color: '#336699' };
		for (let i = 0; i < 10; i++)
			await store.editWorkspace([{ type: 'putGroup', group: { ...group, name: `Kunden ${i}` } }]);
		await store.compact('workspace');
		expect(await store.updateCount('workspace')).toBe(1);
		expect(await (await tabs.open(name)).groups()).toEqual([{ ...group, name: 'Kunden 9' }]);
	});
});
