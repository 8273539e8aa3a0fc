import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newGroupId, type ContactEdit, type ContactId } from '../../src/lib/domain';
import { LOCAL_FAVORITES, userFavorites, type KontorStore, type ListFilter } from '../../src/lib/store';
import { StoreTabs, addGroup, create, edit, freshDbName, recordChanges } from './helpers';

const tabs = new StoreTabs();
let store: KontorStore;

beforeEach(async () => {
	store = await tabs.open(freshDbName());
});
afterEach(() => tabs.closeAll());

const ANNA = userFavorites('0190a000-0000-7000-8000-0000000000a1');
const BERND = userFavorites('0190a000-0000-7000-8000-0000000000b2');
const set = (field: string, value: unknown) => ({ type: 'set', field, value }) as ContactEdit;

async function person(firstName: string, lastName: string, edits: ContactEdit[] = []): Promise<ContactId> {
	return create(store, 'person', { fields: { firstName, lastName }, edits });
}

const born = (day: number, month: number, year: number | null = null) =>
	set('birthday', { day, month, year });

describe('favourites', () => {
	it('keeps stars per user and for the local profile, apart from each other', async () => {
		const a = await person('Anna', 'Albers');
		const b = await person('Bernd', 'Brandt');
		await store.setFavorite(ANNA, a, true);
		await store.setFavorite(BERND, b, true);
		await store.setFavorite(LOCAL_FAVORITES, a, true);
		await store.setFavorite(LOCAL_FAVORITES, b, true);
		expect(await store.favorites(ANNA)).toEqual([a]);
		expect(await store.favorites(BERND)).toEqual([b]);
		expect(await store.favorites(LOCAL_FAVORITES)).toEqual([a, b].sort());
		await store.setFavorite(LOCAL_FAVORITES, a, false);
		expect(await store.favorites(LOCAL_FAVORITES)).toEqual([b]);
		expect(await store.favorites(ANNA)).toEqual([a]);
	});

	it('keeps the stars on the device across reopening, and out of the contacts and their history', async () => {
		const name = freshDbName();
		const first = await tabs.open(name);
		const id = await create(first, 'company', { fields: { companyName: 'Braun KG' } });
		const historyBefore = await first.history(id);
		await first.setFavorite(ANNA, id, true);
		expect(await first.history(id)).toEqual(historyBefore);
		expect(await first.pendingCount()).toBe(1);
		first.close();
		const again = await tabs.open(name);
		expect(await again.favorites(ANNA)).toEqual([id]);
	});

	it('tells this tab and others of a star, and says nothing when nothing changed', async () => {
		const name = freshDbName();
		const tab1 = await tabs.open(name);
		const tab2 = await tabs.open(name);
		const id = await create(tab1, 'company', { fields: { companyName: 'Braun KG' } });
		const here = recordChanges(tab1);
		const there = recordChanges(tab2);
		await tab1.setFavorite(ANNA, id, true);
		await tab1.setFavorite(ANNA, id, true);
		expect(here).toEqual([{ docIds: [], rowIds: [], favorites: true, remote: false }]);
		// The other tab may still hear of the creation; of the star it hears once.
		await expect
			.poll(() => there.filter((c) => c.favorites))
			.toEqual([{ docIds: [], rowIds: [], favorites: true, remote: true }]);
		expect(await tab2.favorites(ANNA)).toEqual([id]);
	});

	it("lists starred contacts and today's birthdays once each, in list order, without archived ones", async () => {
		const zander = await person('Zoe', 'Zander', [born(12, 4, 1985)]);
		const albers = await person('Anna', 'Albers');
		const meier = await person('Max', 'Meier', [born(12, 4)]);
		const gone = await person('Gerd', 'Gone', [born(12, 4)]);
		const archivedStar = await person('Olga', 'Old');
		await edit(store, gone, [set('archived', true)]);
		await edit(store, archivedStar, [set('archived', true)]);
		await store.setFavorite(ANNA, zander, true);
		await store.setFavorite(ANNA, albers, true);
		await store.setFavorite(ANNA, archivedStar, true);
		const items = await store.favoriteItems(ANNA, new Date(2026, 3, 12, 8, 30));
		expect(items.map((i) => [i.row.id, i.starred, i.birthdayToday])).toEqual([
			[albers, true, false],
			[meier, false, true],
			[zander, true, true]
		]);
		// Another user sees the birthdays, not Anna's stars.
		expect((await store.favoriteItems(BERND, new Date(2026, 3, 12))).map((i) => i.row.id)).toEqual([
			meier,
			zander
		]);
		expect(await store.favoriteItems(BERND, new Date(2026, 3, 13))).toEqual([]);
	});

	it('leaves out starred contacts that are no longer on the device', async () => {
		const id = await person('Anna', 'Albers');
		await store.setFavorite(ANNA, id, true);
		await store.removeDocument(id);
		expect(await store.favoriteItems(ANNA, new Date(2026, 0, 1))).toEqual([]);
	});
});

describe('birthdays by index', () => {
	it('shows 29 February on 28 February in a year without one, and only on 29 February in a leap year', async () => {
		const leap = await person('Lea', 'Leap', [born(29, 2)]);
		const leapWithYear = await person('Leo', 'Leap', [born(29, 2, 1988)]);
		const feb28 = await person('Fritz', 'Februar', [born(28, 2)]);
		const march = await person('Mara', 'März', [born(1, 3)]);
		const on = async (date: Date) => (await store.birthdaysOn(date)).map((r) => r.id).sort();

		expect(await on(new Date(2026, 1, 28, 10))).toEqual([leap, leapWithYear, feb28].sort());
		expect(await on(new Date(2026, 2, 1, 10))).toEqual([march]);
		expect(await on(new Date(2028, 1, 28, 10))).toEqual([feb28]);
		expect(await on(new Date(2028, 1, 29, 10))).toEqual([leap, leapWithYear].sort());
		expect(await on(new Date(2028, 2, 1, 10))).toEqual([march]);
	});

	it('follows a changed or removed birthday, and leaves companies and archived persons out', async () => {
		const id = await person('Anna', 'Albers', [born(5, 6)]);
		await create(store, 'company', { fields: { companyName: 'Braun KG' } });
		const day = new Date(2026, 5, 5, 12);
		expect((await store.birthdaysOn(day)).map((r) => r.id)).toEqual([id]);
		await edit(store, id, [born(6, 6)]);
		expect(await store.birthdaysOn(day)).toEqual([]);
		expect((await store.birthdaysOn(new Date(2026, 5, 6))).map((r) => r.id)).toEqual([id]);
		await edit(store, id, [set('archived', true)]);
		expect(await store.birthdaysOn(new Date(2026, 5, 6))).toEqual([]);
		await edit(store, id, [set('archived', false), set('birthday', null)]);
		expect(await store.birthdaysOn(new Date(2026, 5, 6))).toEqual([]);
	});

	it("finds the day's birthdays among many contacts", async () => {
		const result = await store.importContacts(
			Array.from({ length: 400 }, (_, i) => ({
				kind: 'person' as const,
				fields: { firstName: `P${i}`, lastName: 'Test' },
				edits: [born((i % 28) + 1, (i % 12) + 1)]
			}))
		);
		expect(result.ok).toBe(true);
		// 400 persons, days 1-28 and months 1-12 cycling: i ≡ 3 (mod 28) and i ≡ 3 (mod 12).
		const rows = await store.birthdaysOn(new Date(2026, 3, 4));
		expect(rows.map((r) => r.firstName).sort()).toEqual(['P171', 'P255', 'P3', 'P339', 'P87'].sort());
	});
});

describe('the list filtered by status tag', () => {
	async function names(filter: ListFilter): Promise<string[]> {
		const rows = await store.rows(await store.listKeys(filter));
		return rows.map((r) => r?.displayName ?? '<missing>');
	}

	it('filters by tag alone, with kind, group, search and in the archived view', async () => {
		const customers = newGroupId();
		await create(store, 'company', {
			fields: { companyName: 'Braun KG' },
			edits: [{ type: 'addTag', id: 'vip' }, addGroup(customers)]
		});
		await create(store, 'company', {
			fields: { companyName: 'Acker AG' },
			edits: [{ type: 'addTag', id: 'late' }]
		});
		await person('Anna', 'Albers', [{ type: 'addTag', id: 'vip' }]);
		const archived = await person('Olga', 'Old', [{ type: 'addTag', id: 'vip' }]);
		await edit(store, archived, [set('archived', true)]);

		expect(await names({ tag: 'vip' })).toEqual(['Albers, Anna', 'Braun KG']);
		expect(await names({ tag: 'late' })).toEqual(['Acker AG']);
		expect(await names({ tag: 'vip', kind: 'person' })).toEqual(['Albers, Anna']);
		expect(await names({ tag: 'vip', group: customers })).toEqual(['Braun KG']);
		expect(await names({ tag: 'vip', kind: 'person', group: customers })).toEqual([]);
		expect(await names({ tag: 'vip', query: 'bra' })).toEqual(['Braun KG']);
		expect(await names({ tag: 'vip', query: 'b' })).toEqual(['Braun KG']);
		expect(await names({ tag: 'vip', archived: true })).toEqual(['Old, Olga']);
		expect(await names({ tag: 'none' })).toEqual([]);
	});

	it('follows a tag removed from a contact', async () => {
		const id = await person('Anna', 'Albers', [{ type: 'addTag', id: 'vip' }]);
		expect(await names({ tag: 'vip' })).toEqual(['Albers, Anna']);
		await edit(store, id, [{ type: 'removeTag', id: 'vip' }]);
		expect(await names({ tag: 'vip' })).toEqual([]);
	});

	it('finds contacts by a word of their profile', async () => {
		await create(store, 'company', {
			fields: { companyName: 'Braun KG', profile: 'Großhandel für Backzutaten, Schwerpunkt Bio' }
		});
		await create(store, 'company', { fields: { companyName: 'Acker AG', profile: 'Landmaschinen' } });
		expect(await names({ query: 'backzutat' })).toEqual(['Braun KG']);
		expect(await names({ query: 'Grosshandel bio' })).toEqual(['Braun KG']);
	});
});
