import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import {
	ancestors,
	type ContactEdit,
	type ContactId,
	type ContactRow,
	type GroupId
} from '../../src/lib/domain';
import { createDatabase } from '../../src/lib/store/db';
import type { KontorStore } from '../../src/lib/store';
import { int, mulberry32, pick, seededGroupId, type Rng } from '../factories';
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

const tabs = new StoreTabs();
afterEach(() => tabs.closeAll());

const COMPANIES = [
	'Müller Maschinenbau GmbH',
	'Schmidt & Söhne KG',
	'Bäckerei Süß e.K.',
	'Ärztehaus am Markt',
	''
];
const FIRST = ['Anna', 'Jürgen', 'Özlem', 'Björn', 'Élodie', ''];
const LAST = ['Müller', 'Mueller', 'Schäfer', 'Weiß', 'Öztürk', 'van Dijk', ''];
const PLACES: readonly [string, string][] = [
	['10115', 'Berlin'],
	['80331', 'München'],
	['50667', 'Köln'],
	['20095', 'Hamburg'],
	['', '']
];
// International forms: the random history also changes countries, and "030 ..." is only valid in DE.
const PHONES = [
	'+49 30 1234567',
	'+49 (89) 123 456 78',
	'0049 221 123456',
	'+49 171 2345678',
	'+41 44 668 18 00'
];
const EMAILS = ['info@mueller-maschinenbau.de', 'Anna.Mueller@Firma.DE', 'buchhaltung@schmidt-soehne.de'];

/** A random but valid set of edits for one user action. */
function randomEdits(rng: Rng, groups: readonly GroupId[]): ContactEdit[] {
	const edits: ContactEdit[] = [];
	const count = int(rng, 1, 3);
	for (let i = 0; i < count; i++) {
		const r = rng();
		if (r < 0.2) {
			const [zip, city] = pick(rng, PLACES);
			edits.push(set('zip', zip), set('city', city));
		} else if (r < 0.3) edits.push(set('street', pick(rng, ['Hauptstraße 1', 'Königsallee 12', ''])));
		else if (r < 0.45) edits.push(set('companyName', pick(rng, COMPANIES)));
		else if (r < 0.55) edits.push(set('lastName', pick(rng, LAST)));
		else if (r < 0.6) edits.push(set('matchcode', pick(rng, ['', 'KUNDE 4711', 'LIEFERANT'])));
		else if (r < 0.75) edits.push(rng() < 0.6 ? addGroup(pick(rng, groups)) : removeGroup(pick(rng, groups)));
		else if (r < 0.85)
			edits.push(
				rng() < 0.5 ? addChannel('phone', pick(rng, PHONES)) : addChannel('email', pick(rng, EMAILS))
			);
		else edits.push(set('country', pick(rng, ['DE', 'AT', 'CH'])));
	}
	return edits;
}

/** Depth of a contact in the hierarchy (0 at the top), read from the projection. */
function depthOf(id: ContactId, rows: readonly ContactRow[]): number {
	const parents = new Map(rows.map((r) => [r.id, r.parentId]));
	return ancestors(id, (c) => parents.get(c)).length;
}

/**
 * Drives a store through creates, edits, moves and inheritance toggles. Parents are mostly recent
 * contacts, which builds chains several levels deep. Returns the created ids.
 */
async function randomHistory(store: KontorStore, seed: number, contacts: number): Promise<ContactId[]> {
	const rng = mulberry32(seed);
	const groups = Array.from({ length: 4 }, () => seededGroupId(rng));
	const ids: ContactId[] = [];
	let moves = 0;
	while (ids.length < contacts) {
		const r = rng();
		if (ids.length < 3 || r < 0.35) {
			const kind = rng() < 0.4 ? 'company' : 'person';
			const [zip, city] = pick(rng, PLACES);
			const parent =
				ids.length > 0 && rng() < 0.7
					? rng() < 0.6
						? (ids[ids.length - 1] as ContactId)
						: pick(rng, ids)
					: null;
			const id = await create(store, kind, {
				fields: {
					companyName: kind === 'company' ? pick(rng, COMPANIES) : '',
					firstName: kind === 'person' ? pick(rng, FIRST) : '',
					lastName: kind === 'person' ? pick(rng, LAST) : '',
					zip,
					city,
					parentId: parent,
					inheritAddress: parent !== null && rng() < 0.6,
					inheritGroups: parent !== null && rng() < 0.5
				},
				edits: rng() < 0.5 ? [addGroup(pick(rng, groups)), addChannel('phone', pick(rng, PHONES))] : []
			});
			ids.push(id);
			continue;
		}
		const id = pick(rng, ids);
		if (r < 0.6) {
			await edit(store, id, randomEdits(rng, groups));
		} else if (r < 0.75) {
			const field = pick(rng, ['inheritAddress', 'inheritGroups', 'archived'] as const);
			// Sometimes together with another change, as a form save would send it.
			await edit(store, id, [set(field, rng() < 0.5), ...(rng() < 0.3 ? randomEdits(rng, groups) : [])]);
		} else {
			const target = rng() < 0.2 ? null : pick(rng, ids);
			const rows = await store.allRows();
			const parents = new Map(rows.map((row) => [row.id, row.parentId]));
			const above = target ? ancestors(target, (c) => parents.get(c)) : [];
			const expected = target === id ? 'parentSelf' : target && above.includes(id) ? 'cycle' : null;
			const result = await store.editContact(id, [setParent(target)]);
			if (expected) expect(result).toEqual({ ok: false, error: expected, index: 0 });
			else {
				expect(result).toEqual({ ok: true });
				moves += 1;
			}
		}
	}
	expect(moves).toBeGreaterThan(0);
	return ids;
}

describe('projection rebuild', () => {
	it.each([1, 42, 20_240_601])('rebuilds the live projection exactly (seed %i)', async (seed) => {
		const store = await tabs.open(freshDbName());
		const ids = await randomHistory(store, seed, 60);

		const live = byKey(await store.allRows());
		expect(live).toHaveLength(ids.length);
		expect(new Set(live.map((r) => r.id))).toEqual(new Set(ids));
		// The history must actually have built deep hierarchies and inheritance for this to prove much.
		expect(Math.max(...ids.map((id) => depthOf(id, live)))).toBeGreaterThanOrEqual(3);
		expect(live.some((r) => r.addressFrom !== null && depthOf(r.id, live) >= 2)).toBe(true);
		expect(live.some((r) => r.groupsFrom !== null)).toBe(true);

		const rebuilt = await store.rebuildProjection();
		expect(rebuilt).toBe(ids.length);
		expect(byKey(await store.allRows())).toEqual(live);
	});

	it('restores a lost projection from the documents, reporting progress', async () => {
		const name = freshDbName();
		const store = await tabs.open(name);
		const ids = await randomHistory(store, 7, 60);
		// A workspace document is stored too; it is not a contact and gets no row.
		await store.editWorkspace([
			{ type: 'putGroup', group: { id: seededGroupId(mulberry32(1)), name: 'Kunden', color: '#336699' } }
		]);
		const live = byKey(await store.allRows());

		const raw = createDatabase(name);
		await raw.contacts.clear();
		raw.close();
		expect(await store.listKeys()).toEqual([]);
		expect(await store.row(ids[0] as ContactId)).toBeUndefined();

		const progress: [number, number][] = [];
		const count = await store.rebuildProjection((done, total) => progress.push([done, total]));

		expect(count).toBe(ids.length);
		expect(byKey(await store.allRows())).toEqual(live);
		expect(progress.length).toBeGreaterThan(0);
		expect(progress.at(-1)).toEqual([ids.length, ids.length]);
		for (const [index, [done, total]] of progress.entries()) {
			expect(total).toBe(ids.length);
			expect(done).toBeLessThanOrEqual(total);
			if (index > 0) expect(done).toBeGreaterThan((progress[index - 1] as [number, number])[0]);
		}
		// Lists and search work again, archived contacts apart, and later edits continue from the
		// rebuilt rows.
		expect(live.some((r) => r.archived)).toBe(true);
		expect(await store.listKeys()).toEqual(live.filter((r) => !r.archived).map((r) => r.key));
		expect(await store.listKeys({ archived: true })).toEqual(
			live.filter((r) => r.archived).map((r) => r.key)
		);
		const first = ids[0] as ContactId;
		await edit(store, first, [set('city', 'Dresden'), set('zip', '01067')]);
		const row = await rowOf(store, first);
		expect(row.city).toBe('Dresden');
		expect(await store.listKeys({ query: 'dresden', archived: row.archived })).toContain(row.key);
	});

	it('rebuilds more contacts than one read chunk, with increasing progress', async () => {
		const store = await tabs.open(freshDbName());
		const parent = await create(store, 'company', { fields: { companyName: 'Zentrale AG', city: 'Köln' } });
		for (let i = 0; i < 520; i++)
			await create(store, 'person', {
				fields: { lastName: `Person ${i}`, parentId: parent, inheritAddress: true }
			});
		const live = byKey(await store.allRows());
		const progress: [number, number][] = [];
		expect(await store.rebuildProjection((done, total) => progress.push([done, total]))).toBe(521);
		expect(byKey(await store.allRows())).toEqual(live);
		expect(progress.at(-1)).toEqual([521, 521]);
		for (const [index, [done, total]] of progress.entries()) {
			expect(total).toBe(521);
			if (index > 0) expect(done).toBeGreaterThan((progress[index - 1] as [number, number])[0]);
		}
	});

	it('rebuilds an empty projection without contacts', async () => {
		const store = await tabs.open(freshDbName());
		const progress: [number, number][] = [];
		expect(await store.rebuildProjection((done, total) => progress.push([done, total]))).toBe(0);
		expect(await store.allRows()).toEqual([]);
	});
});
