import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newGroupId, type ContactId } from '../../src/lib/domain';
import type { KontorStore, StoreChange } from '../../src/lib/store';
import { int, mulberry32, pick } from '../factories';
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
	set,
	setParent
} from './helpers';

const tabs = new StoreTabs();
let a: KontorStore;
let b: KontorStore;

beforeEach(async () => {
	const name = freshDbName();
	a = await tabs.open(name);
	b = await tabs.open(name);
});
afterEach(() => tabs.closeAll());

/** Waits until a tab has heard of a change to `docId` from another tab. */
async function heard(changes: StoreChange[], docId: string, times = 1): Promise<void> {
	await vi.waitFor(() => {
		expect(changes.filter((c) => c.remote && c.docIds.includes(docId)).length).toBeGreaterThanOrEqual(times);
	});
}

describe('two tabs on one database', () => {
	it('tells the other tab about an edit, and its loaded contact shows it', async () => {
		const id = await create(a, 'company', { fields: { companyName: 'Müller GmbH', city: 'Berlin' } });
		expect((await b.loadContact(id))?.city).toBe('Berlin');
		const seenByA = recordChanges(a);
		const seenByB = recordChanges(b);

		await edit(a, id, [set('city', 'Köln')]);

		await heard(seenByB, id);
		expect(seenByB).toEqual([{ docIds: [id], rowIds: [id], remote: true }]);
		expect(seenByA).toEqual([{ docIds: [id], rowIds: [id], remote: false }]);
		expect((await b.loadContact(id))?.city).toBe('Köln');
		expect((await rowOf(b, id)).city).toBe('Köln');
	});

	it('reports the rows of inheriting children to the other tab', async () => {
		const seenByB = recordChanges(b);
		const company = await create(a, 'company', { fields: { companyName: 'Müller GmbH', city: 'Berlin' } });
		const person = await create(a, 'person', {
			fields: { lastName: 'Schäfer', parentId: company, inheritAddress: true }
		});
		// Let the announcements of the two creations arrive first.
		await heard(seenByB, person);
		seenByB.length = 0;
		await edit(a, company, [set('city', 'Hamburg')]);
		await heard(seenByB, company);
		expect(seenByB[0]?.rowIds).toEqual(expect.arrayContaining([company, person]));
		expect((await rowOf(b, person)).city).toBe('Hamburg');
	});

	it('shows a contact created in one tab in the other tab list', async () => {
		const seenByB = recordChanges(b);
		const id = await create(a, 'person', { fields: { firstName: 'Anna', lastName: 'Schäfer' } });
		await heard(seenByB, id);
		expect(await b.listKeys({ query: 'schaefer' })).toEqual([(await rowOf(a, id)).key]);
		expect((await b.loadContact(id))?.lastName).toBe('Schäfer');
	});

	it('keeps both edits to different fields made at the same time', async () => {
		const id = await create(a, 'company', { fields: { companyName: 'Müller GmbH', city: 'Berlin' } });
		await b.loadContact(id);
		const seenByA = recordChanges(a);
		const seenByB = recordChanges(b);

		const group = newGroupId();
		const [ra, rb] = await Promise.all([
			a.editContact(id, [set('city', 'Köln'), set('zip', '50667')]),
			b.editContact(id, [set('street', 'Domplatz 1'), addGroup(group), addChannel('phone', '0221 123456')])
		]);
		expect(ra).toEqual({ ok: true });
		expect(rb).toEqual({ ok: true });
		await heard(seenByA, id);
		await heard(seenByB, id);

		const expected = { city: 'Köln', zip: '50667', street: 'Domplatz 1', groups: [group] };
		expect(await a.loadContact(id)).toMatchObject(expected);
		expect(await b.loadContact(id)).toMatchObject(expected);
		expect(await a.loadContact(id)).toEqual(await b.loadContact(id));
		expect(await rowOf(a, id)).toMatchObject({ ...expected, phoneE164: '+49221123456' });
		// The projection row written last saw both updates: it equals a rebuild from the documents.
		const live = byKey(await a.allRows());
		await b.rebuildProjection();
		expect(byKey(await a.allRows())).toEqual(live);
	});

	it('converges when both tabs set the same field at the same time', async () => {
		const id = await create(a, 'company', { fields: { companyName: 'Müller GmbH', city: 'Berlin' } });
		await b.loadContact(id);
		const seenByA = recordChanges(a);
		const seenByB = recordChanges(b);
		const count = await a.updateCount(id);

		await Promise.all([a.editContact(id, [set('city', 'Köln')]), b.editContact(id, [set('city', 'Bonn')])]);
		await heard(seenByA, id);
		await heard(seenByB, id);

		expect(await a.updateCount(id)).toBe(count + 2);
		const inA = await a.loadContact(id);
		const inB = await b.loadContact(id);
		expect(['Köln', 'Bonn']).toContain(inA?.city);
		expect(inB).toEqual(inA);
		expect((await rowOf(a, id)).city).toBe(inA?.city);
		// A third tab that loads from storage sees the same.
		const c = await tabs.open(a.databaseName);
		expect(await c.loadContact(id)).toEqual(inA);
	});

	it('shows workspace groups added in one tab in the other', async () => {
		expect(await b.groups()).toEqual([]);
		const seenByB = recordChanges(b);
		const group = { id: newGroupId(), name: 'Kunden', color: '#336699' };
		await a.editWorkspace([{ type: 'putGroup', group }]);
		await heard(seenByB, 'workspace');
		expect(await b.groups()).toEqual([group]);
	});

	it('refuses the second of two opposite moves made by two tabs at the same time', async () => {
		// Each tab checks the move before it writes, and again inside its write transaction, where
		// the other tab's committed move is visible: one move wins, the other is refused.
		const x = await create(a, 'company', { fields: { companyName: 'X GmbH', city: 'Köln' } });
		const y = await create(a, 'company', { fields: { companyName: 'Y GmbH', city: 'Bonn' } });
		await b.loadContact(y);
		const results = await Promise.all([
			a.editContact(x, [setParent(y), set('inheritAddress', true)]),
			b.editContact(y, [setParent(x), set('inheritAddress', true)])
		]);
		expect(results).toContainEqual({ ok: true });
		expect(results).toContainEqual({ ok: false, error: 'cycle', index: 0 });
		await vi.waitFor(async () => {
			const parents = [(await b.loadContact(x))?.parentId, (await b.loadContact(y))?.parentId];
			expect(parents.filter((p) => p !== null)).toHaveLength(1);
		});

		await edit(a, x, [set('city', 'Hamburg')]);
		await edit(b, y, [set('city', 'Dresden')]);
		for (const store of [a, b]) {
			expect(await store.listKeys()).toHaveLength(2);
			expect(await store.listKeys({ query: 'gmbh' })).toHaveLength(2);
			expect(await store.rebuildProjection()).toBe(2);
		}
		await vi.waitFor(async () => {
			expect(await b.loadContact(x)).toEqual(await a.loadContact(x));
			expect(await b.loadContact(y)).toEqual(await a.loadContact(y));
		});
		expect(await a.loadContact(x)).toMatchObject({ city: 'Hamburg' });
		expect(await a.loadContact(y)).toMatchObject({ city: 'Dresden' });
	});

	it('stays consistent under random concurrent edits in three tabs', async () => {
		const c = await tabs.open(a.databaseName);
		const stores = [a, b, c];
		const rng = mulberry32(4711);
		const ids: ContactId[] = [];
		for (let i = 0; i < 8; i++)
			ids.push(
				await create(a, i < 3 ? 'company' : 'person', { fields: { lastName: `P${i}`, companyName: `F${i}` } })
			);
		const cities = ['Berlin', 'Köln', 'Hamburg', 'München'];
		for (let round = 0; round < 25; round++) {
			// Each round, every tab makes one change without waiting for the others.
			await Promise.all(
				stores.map((store) => {
					const id = pick(rng, ids);
					const r = rng();
					if (r < 0.4) return store.editContact(id, [set('city', pick(rng, cities))]);
					if (r < 0.6) return store.editContact(id, [set('inheritAddress', rng() < 0.5)]);
					if (r < 0.8) return store.editContact(id, [set('lastName', `N${int(rng, 0, 99)}`)]);
					// Moves only under the first three (companies at the top), so no tab can make a cycle.
					const parent = pick(rng, ids.slice(0, 3));
					return store.editContact(id, [setParent(ids.indexOf(id) < 3 ? null : parent)]);
				})
			);
		}
		// Every tab ends with the same documents ...
		await vi.waitFor(async () => {
			for (const id of ids) {
				const inA = await a.loadContact(id);
				expect(await b.loadContact(id)).toEqual(inA);
				expect(await c.loadContact(id)).toEqual(inA);
			}
		});
		// ... and the projection they share is what the documents give.
		const live = byKey(await a.allRows());
		expect(live).toHaveLength(ids.length);
		await a.rebuildProjection();
		expect(byKey(await a.allRows())).toEqual(live);
	});
});
