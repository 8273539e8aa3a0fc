import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDbName, StoreTabs, addChannel, rowOf } from './helpers';

const tabs = new StoreTabs();
afterEach(() => tabs.closeAll());

describe('importContacts', () => {
	it('stores companies and their contact persons with rows that inherit like edited ones', async () => {
		const name = freshDbName();
		const store = await tabs.open(name);
		const progress: [number, number][] = [];
		const companies = await store.importContacts([
			{
				kind: 'company',
				fields: { companyName: 'Weber Metallbau GmbH', city: 'Kassel', zip: '34117' },
				edits: [addChannel('phone', '0561 123456')]
			}
		]);
		expect(companies.ok).toBe(true);
		if (!companies.ok) return;
		const [company] = companies.ids;
		const persons = await store.importContacts(
			[
				{
					kind: 'person',
					fields: { firstName: 'Lena', lastName: 'Vogel', parentId: company, inheritAddress: true }
				},
				{ kind: 'person', fields: { firstName: 'Tom', lastName: 'Kraus', parentId: company } }
			],
			(done, total) => progress.push([done, total])
		);
		expect(persons.ok).toBe(true);
		if (!persons.ok || !company) return;
		const [lena, tom] = persons.ids;

		expect(progress.at(-1)).toEqual([2, 2]);
		expect(await rowOf(store, lena!)).toMatchObject({
			city: 'Kassel',
			addressFrom: company,
			parentName: 'Weber Metallbau GmbH'
		});
		expect(await rowOf(store, tom!)).toMatchObject({
			city: '',
			addressFrom: null,
			parentName: 'Weber Metallbau GmbH'
		});
		expect(await store.loadContact(company)).toMatchObject({
			companyName: 'Weber Metallbau GmbH',
			matchcode: 'WEBER METALLBAU',
			channels: [expect.objectContaining({ normalized: '+49561123456' })]
		});
		expect((await store.rows(await store.listKeys({ query: 'kassel' }))).map((r) => r?.displayName)).toEqual([
			'Vogel, Lena',
			'Weber Metallbau GmbH'
		]);

		// A fresh tab sees the same, and the rows are what a rebuild from the documents gives.
		const before = await store.allRows();
		const other = await tabs.open(name);
		await other.rebuildProjection();
		expect(await other.allRows()).toEqual(before);
	});

	it('refuses the whole batch at the first invalid contact and names it', async () => {
		const store = await tabs.open(freshDbName());
		const result = await store.importContacts([
			{ kind: 'company', fields: { companyName: 'Gut GmbH' } },
			{
				kind: 'company',
				fields: { companyName: 'Schlecht AG' },
				edits: [addChannel('email', 'kein-at-zeichen')]
			}
		]);
		expect(result).toMatchObject({ ok: false, error: 'emailInvalid', contact: 1 });
		expect(await store.count()).toBe(0);
	});
});
