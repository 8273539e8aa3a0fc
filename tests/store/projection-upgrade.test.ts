/**
 * Rows written before the projection carried status tags, embargo, birthday and the profile's
 * words are rebuilt once from the documents when the store opens.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactEdit, ContactRow } from '../../src/lib/domain';
import { createDatabase } from '../../src/lib/store/db';
import { StoreTabs, create, freshDbName, rowOf } from './helpers';

const tabs = new StoreTabs();
afterEach(() => tabs.closeAll());

const set = (field: string, value: unknown) => ({ type: 'set', field, value }) as ContactEdit;

describe('a projection written by an older version', () => {
	it('is rebuilt once, so profile words, tags and birthdays are found', async () => {
		const name = freshDbName();
		const first = await tabs.open(name);
		const id = await create(first, 'person', {
			fields: { firstName: 'Anna', lastName: 'Albers', profile: 'Spricht Portugiesisch' },
			edits: [set('birthday', { day: 12, month: 4, year: null }), { type: 'addTag', id: 'vip' }]
		});
		const current = await rowOf(first, id);
		first.close();

		// What an older version had written: no tags, birthday or profile, and no version mark.
		const raw = createDatabase(name);
		await raw.open();
		const { tags: _t, birthday: _b, profile: _p, embargo: _e, ...old } = current;
		const oldRow: ContactRow = {
			...old,
			tokens: current.tokens.filter((t) => !t.startsWith('portug') && !t.startsWith('spricht')),
			filters: ['k:person']
		};
		await raw.contacts.put(oldRow);
		await raw.meta.delete('projectionVersion');
		raw.close();

		const store = await tabs.open(name);
		await expect.poll(async () => store.listKeys({ query: 'portugiesisch' })).toEqual([current.key]);
		expect(await store.listKeys({ tag: 'vip' })).toEqual([current.key]);
		expect((await store.birthdaysOn(new Date(2026, 3, 12))).map((r) => r.id)).toEqual([id]);
		expect(await rowOf(store, id)).toEqual(current);
	});

	it('is marked current at once in a database without rows', async () => {
		const name = freshDbName();
		(await tabs.open(name)).close();
		const raw = createDatabase(name);
		await raw.open();
		expect((await raw.meta.get('projectionVersion'))?.value).toBe(1);
		raw.close();
	});
});
