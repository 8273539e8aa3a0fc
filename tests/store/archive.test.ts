import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARCHIVED_FILTER, newGroupId, type ContactId } from '../../src/lib/domain';
import type { KontorStore, ListFilter } from '../../src/lib/store';
import {
	StoreTabs,
	addGroup,
	create,
	edit,
	freshDbName,
	recordChanges,
	rowOf,
	set,
	setParent
} from './helpers';

const tabs = new StoreTabs();
let store: KontorStore;

beforeEach(async () => {
	store = await tabs.open(freshDbName());
});
afterEach(() => tabs.closeAll());

async function names(filter: ListFilter = {}): Promise<string[]> {
	const rows = await store.rows(await store.listKeys(filter));
	return rows.map((r) => r?.displayName ?? '<missing>');
}

const archive = (id: ContactId) => edit(store, id, [set('archived', true)]);
const restore = (id: ContactId) => edit(store, id, [set('archived', false)]);

describe('archiving a contact', () => {
	const customers = newGroupId();
	let braun: ContactId;

	beforeEach(async () => {
		braun = await create(store, 'company', {
			fields: { companyName: 'Bäckerei Braun KG', city: 'Berlin' },
			edits: [addGroup(customers)]
		});
		await create(store, 'company', {
			fields: { companyName: 'Brauerei Berg GmbH', city: 'Berlin' },
			edits: [addGroup(customers)]
		});
		await create(store, 'person', { fields: { firstName: 'Bernd', lastName: 'Brandt', city: 'Bonn' } });
	});

	it('is an ordinary edit: stored in the document, the row and the history', async () => {
		const changes = recordChanges(store);
		await archive(braun);
		expect((await store.loadContact(braun))?.archived).toBe(true);
		expect(await rowOf(store, braun)).toMatchObject({
			archived: true,
			filters: [
				ARCHIVED_FILTER,
				'archived:k:company',
				`archived:g:${customers}`,
				`archived:kg:company:${customers}`
			]
		});
		expect(changes.some((c) => c.rowIds.includes(braun))).toBe(true);
		const [latest] = await store.history(braun);
		expect(latest?.changes).toEqual([{ path: ['fields', 'archived'], from: false, to: true }]);
	});

	it('refuses a value that is not a boolean and stores nothing', async () => {
		const count = await store.updateCount(braun);
		expect(await store.editContact(braun, [set('archived', 'ja')])).toEqual({
			ok: false,
			error: 'required',
			index: 0
		});
		expect(await store.updateCount(braun)).toBe(count);
		expect((await rowOf(store, braun)).archived).toBe(false);
	});

	it('leaves the contact out of the list, its filters and its search', async () => {
		await archive(braun);
		expect(await names()).toEqual(['Brandt, Bernd', 'Brauerei Berg GmbH']);
		expect(await names({ kind: 'company' })).toEqual(['Brauerei Berg GmbH']);
		expect(await names({ group: customers })).toEqual(['Brauerei Berg GmbH']);
		expect(await names({ kind: 'company', group: customers })).toEqual(['Brauerei Berg GmbH']);
		// One letter, one word, several words (rows checked), a word and a filter.
		expect(await names({ query: 'b' })).toEqual(['Brandt, Bernd', 'Brauerei Berg GmbH']);
		expect(await names({ query: 'braun' })).toEqual([]);
		expect(await names({ query: 'braun berlin' })).toEqual([]);
		expect(await names({ query: 'berlin', kind: 'company' })).toEqual(['Brauerei Berg GmbH']);
		expect((await store.firstRows(10)).map((r) => r.displayName)).toEqual([
			'Brandt, Bernd',
			'Brauerei Berg GmbH'
		]);
	});

	it('lists and searches only archived contacts in the archived view, with kind and group', async () => {
		await archive(braun);
		expect(await names({ archived: true })).toEqual(['Bäckerei Braun KG']);
		expect(await names({ archived: true, kind: 'company', group: customers })).toEqual(['Bäckerei Braun KG']);
		expect(await names({ archived: true, kind: 'person' })).toEqual([]);
		expect(await names({ archived: true, query: 'b' })).toEqual(['Bäckerei Braun KG']);
		expect(await names({ archived: true, query: 'berlin' })).toEqual(['Bäckerei Braun KG']);
		expect(await names({ archived: true, query: 'brauerei' })).toEqual([]);
	});

	it('brings the contact back to the list when restored', async () => {
		await archive(braun);
		await restore(braun);
		expect(await names()).toEqual(['Bäckerei Braun KG', 'Brandt, Bernd', 'Brauerei Berg GmbH']);
		expect(await names({ group: customers })).toEqual(['Bäckerei Braun KG', 'Brauerei Berg GmbH']);
		expect(await names({ archived: true })).toEqual([]);
		expect((await rowOf(store, braun)).filters).toEqual([
			'k:company',
			`g:${customers}`,
			`kg:company:${customers}`
		]);
		const [latest] = await store.history(braun);
		expect(latest?.changes).toEqual([{ path: ['fields', 'archived'], from: true, to: false }]);
	});

	it('keeps contact persons under an archived company, inheriting from it', async () => {
		const person = await create(store, 'person', {
			fields: { lastName: 'Schulz', parentId: braun, inheritAddress: true, inheritGroups: true }
		});
		await archive(braun);
		await edit(store, braun, [set('city', 'Potsdam')]);
		expect(await rowOf(store, person)).toMatchObject({
			archived: false,
			city: 'Potsdam',
			parentName: 'Bäckerei Braun KG'
		});
		expect((await store.children(braun)).map((r) => r.id)).toEqual([person]);
		expect(await names({ query: 'schulz' })).toEqual(['Schulz']);
		// An archived contact person stays listed under its company, marked as archived.
		await archive(person);
		expect((await store.children(braun)).map((r) => [r.id, r.archived])).toEqual([[person, true]]);
		await edit(store, person, [setParent(null)]);
		expect(await names({ archived: true })).toEqual(['Bäckerei Braun KG', 'Schulz']);
	});
});

describe('archived contacts in larger lists', () => {
	it('leaves them out when several words meet many matches, and from the first screen', async () => {
		const result = await store.importContacts(
			Array.from({ length: 260 }, (_, i) => ({
				kind: 'person' as const,
				fields: {
					// 50 archived "Abel"s sort first, 10 archived and 100 listed "Weber"s, 100 listed "Adler"s.
					lastName: i < 50 ? 'Abel' : i < 60 || i % 2 === 0 ? 'Weber' : 'Adler',
					firstName: `Kim ${i}`,
					city: 'Berlin',
					// Archived at import, as any other field.
					archived: i < 60
				}
			}))
		);
		expect(result.ok).toBe(true);
		// "berlin" matches all 260: the index path intersects, then drops the archived.
		expect(await names({ query: 'berlin weber' })).toHaveLength(100);
		expect(await names({ query: 'berlin weber', archived: true })).toHaveLength(10);
		expect(await store.listKeys()).toHaveLength(200);
		expect(await store.listKeys({ archived: true })).toHaveLength(60);
		// The table's first 50 rows are archived: the first screen reads on past them.
		const first = await store.firstRows(40);
		expect(first).toHaveLength(40);
		expect(first.every((r) => !r.archived)).toBe(true);
		expect(first.map((r) => r.key)).toEqual((await store.listKeys()).slice(0, 40));
	});
});
