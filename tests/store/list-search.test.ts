import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newGroupId, type ContactId, type ContactRow } from '../../src/lib/domain';
import type { KontorStore, ListFilter } from '../../src/lib/store';
import { StoreTabs, addChannel, addGroup, create, freshDbName, rowOf } from './helpers';

const tabs = new StoreTabs();
let store: KontorStore;

beforeEach(async () => {
	store = await tabs.open(freshDbName());
});
afterEach(() => tabs.closeAll());

/** Display names of the rows a filter selects, in list order. */
async function names(filter: ListFilter = {}): Promise<string[]> {
	const rows = await store.rows(await store.listKeys(filter));
	return rows.map((r) => r?.displayName ?? '<missing>');
}

async function ids(filter: ListFilter): Promise<ContactId[]> {
	const rows = await store.rows(await store.listKeys(filter));
	return rows.map((r) => (r as ContactRow).id);
}

describe('list order', () => {
	it('sorts companies and persons by German collation of the display name', async () => {
		// Created in scrambled order; the list order must not depend on it.
		const people: [string, string][] = [
			['Zander', 'Lukas'],
			['Mueller', 'Hans'],
			['Öztürk', 'Özlem'],
			['Müller', 'Anna'],
			['Muller', 'Ben'],
			['Müllerin', 'Berta'],
			['Weiß', 'Jürgen'],
			['Weiss', 'Adam'],
			['Ott', 'Otto']
		];
		for (const [lastName, firstName] of people)
			await create(store, 'person', { fields: { lastName, firstName } });
		for (const companyName of [
			'Bäcker Braun KG',
			'Ärzte am Markt',
			'Apotheke Nord',
			'Zahnarzt Dr. Ö',
			'Abc GmbH'
		])
			await create(store, 'company', { fields: { companyName } });
		await create(store, 'person', { fields: { firstName: 'Élodie' } });
		await create(store, 'company', { fields: { companyName: '' } });

		const list = await names();
		expect(list.slice(0, 5)).toEqual([
			'Abc GmbH',
			'Apotheke Nord',
			'Ärzte am Markt',
			'Bäcker Braun KG',
			'Élodie'
		]);
		expect(list.slice(5, 6)).toEqual(['Mueller, Hans']);
		// Müller and Muller are the same letters in DIN 5007-1; their order among themselves is by id.
		expect(new Set(list.slice(6, 8))).toEqual(new Set(['Müller, Anna', 'Muller, Ben']));
		expect(list.slice(8)).toEqual([
			'Müllerin, Berta',
			'Ott, Otto',
			'Öztürk, Özlem',
			'Weiss, Adam',
			'Weiß, Jürgen',
			'Zahnarzt Dr. Ö',
			'Zander, Lukas',
			// A contact without a name sorts last.
			''
		]);
	});

	it('orders "Nachname, Vorname" by last name first', async () => {
		await create(store, 'person', { fields: { firstName: 'Zoe', lastName: 'Abel' } });
		await create(store, 'person', { fields: { firstName: 'Anton', lastName: 'Zimmer' } });
		await create(store, 'person', { fields: { firstName: 'Bernd', lastName: 'Abel' } });
		await create(store, 'person', { fields: { lastName: 'Abel' } });
		expect(await names()).toEqual(['Abel', 'Abel, Bernd', 'Abel, Zoe', 'Zimmer, Anton']);
	});

	it('moves a row to its new place when the name changes', async () => {
		const a = await create(store, 'company', { fields: { companyName: 'Anton AG' } });
		await create(store, 'company', { fields: { companyName: 'Berta AG' } });
		await store.editContact(a, [{ type: 'set', field: 'companyName', value: 'Cäsar AG' }]);
		expect(await names()).toEqual(['Berta AG', 'Cäsar AG']);
		expect(await store.count()).toBe(2);
	});

	it('returns rows in the order of the keys asked for, undefined for unknown keys', async () => {
		const a = await create(store, 'company', { fields: { companyName: 'Anton AG' } });
		const b = await create(store, 'company', { fields: { companyName: 'Berta AG' } });
		const ka = (await rowOf(store, a)).key;
		const kb = (await rowOf(store, b)).key;
		const rows = await store.rows([kb, 'nope', ka]);
		expect(rows.map((r) => r?.id)).toEqual([b, undefined, a]);
	});
});

describe('filters', () => {
	it('filters by kind, by group and by both', async () => {
		const customers = newGroupId();
		const suppliers = newGroupId();
		await create(store, 'company', { fields: { companyName: 'Kunde AG' }, edits: [addGroup(customers)] });
		await create(store, 'company', { fields: { companyName: 'Lieferant AG' }, edits: [addGroup(suppliers)] });
		await create(store, 'company', {
			fields: { companyName: 'Beides AG' },
			edits: [addGroup(customers), addGroup(suppliers)]
		});
		await create(store, 'person', { fields: { lastName: 'Kundin' }, edits: [addGroup(customers)] });
		await create(store, 'person', { fields: { lastName: 'Niemand' } });

		expect(await names({ kind: 'company' })).toEqual(['Beides AG', 'Kunde AG', 'Lieferant AG']);
		expect(await names({ kind: 'person' })).toEqual(['Kundin', 'Niemand']);
		expect(await names({ group: customers })).toEqual(['Beides AG', 'Kunde AG', 'Kundin']);
		expect(await names({ group: suppliers })).toEqual(['Beides AG', 'Lieferant AG']);
		expect(await names({ kind: 'person', group: customers })).toEqual(['Kundin']);
		expect(await names({ kind: 'person', group: suppliers })).toEqual([]);
		expect(await names({ kind: null, group: null })).toHaveLength(5);
		// Filters combine with a search.
		expect(await names({ query: 'kund', kind: 'company' })).toEqual(['Kunde AG']);
		expect(await names({ query: 'kund', group: customers })).toEqual(['Kunde AG', 'Kundin']);
	});
});

describe('search', () => {
	let mueller: ContactId;
	let schmidt: ContactId;
	let anna: ContactId;
	let lone: ContactId;

	beforeEach(async () => {
		mueller = await create(store, 'company', {
			fields: {
				companyName: 'Müller Maschinenbau GmbH',
				street: 'Hauptstraße 1',
				zip: '10115',
				city: 'Berlin'
			},
			edits: [addChannel('phone', '030 1234567'), addChannel('email', 'info@mueller-maschinenbau.de')]
		});
		schmidt = await create(store, 'company', {
			fields: { companyName: 'Schmidt & Söhne KG', zip: '80331', city: 'München', matchcode: 'SCHMIDTI' },
			edits: [addChannel('fax', '(089) 123 456 78'), addChannel('email', 'Buchhaltung@Schmidt-Soehne.DE')]
		});
		anna = await create(store, 'person', {
			fields: { firstName: 'Anna', lastName: 'Schäfer', parentId: mueller, inheritAddress: true },
			edits: [addChannel('mobile', '0171 2345678'), addChannel('email', 'anna.schaefer@example.org')]
		});
		lone = await create(store, 'person', {
			fields: { firstName: 'Hans-Peter', lastName: 'Groß', city: 'Köln', zip: '50667' },
			edits: [addChannel('phone', '+41 44 668 18 00')]
		});
	});

	const search = (query: string) => ids({ query });

	it('finds by name prefix, case and accents folded', async () => {
		// The contact person shows her company's name, so she is found by it as well.
		expect(await search('Mül')).toEqual(await inListOrder([mueller, anna]));
		expect(await search('SCHÄ')).toEqual([anna]);
		expect(await search('anna')).toEqual([anna]);
		expect(await search('gross')).toEqual([lone]);
		expect(await search('groß')).toEqual([lone]);
		expect(await search('hans')).toEqual([lone]);
		expect(await search('peter')).toEqual([lone]);
		expect(await search('xyz')).toEqual([]);
	});

	it('finds umlauts spelled either way', async () => {
		expect(await search('Mueller')).toEqual(await inListOrder([mueller, anna]));
		expect(await search('muller')).toEqual(await inListOrder([mueller, anna]));
		expect(await search('Schaefer')).toEqual([anna]);
		expect(await search('Schafer')).toEqual([anna]);
		expect(await search('soehne')).toEqual([schmidt]);
		expect(await search('söhne')).toEqual([schmidt]);
		expect(await search('muenchen')).toEqual([schmidt]);
		expect(await search('koln')).toEqual([lone]);
		expect(await search('koeln')).toEqual([lone]);
	});

	it('finds by company, matchcode, city, zip and e-mail parts', async () => {
		expect(await search('maschinenbau')).toEqual(await inListOrder([mueller, anna]));
		expect(await search('schmidti')).toEqual([schmidt]);
		expect(await search('münchen')).toEqual([schmidt]);
		expect(await search('801')).toEqual([]);
		expect(await search('8033')).toEqual([schmidt]);
		expect(await search('50667')).toEqual([lone]);
		expect(await search('buchhaltung')).toEqual([schmidt]);
		expect(await search('example')).toEqual([anna]);
		expect(await search('anna.schaefer@example.org')).toEqual([anna]);
	});

	it('finds phone numbers typed in any format', async () => {
		expect(await search('030 1234567')).toEqual([mueller]);
		expect(await search('030 1234-5')).toEqual([mueller]);
		expect(await search('030/123')).toEqual([mueller]);
		expect(await search('+49 30 123')).toEqual([mueller]);
		expect(await search('0049 30 1234567')).toEqual([mueller]);
		expect(await search('4930123')).toEqual([mueller]);
		expect(await search('(089) 12345')).toEqual([schmidt]);
		expect(await search('+49 89 123')).toEqual([schmidt]);
		expect(await search('0171 234')).toEqual([anna]);
		expect(await search('+41 44 668')).toEqual([lone]);
		expect(await search('044 668 18')).toEqual([lone]);
		expect(await search('030 9')).toEqual([]);
	});

	it('intersects several words', async () => {
		expect(await search('anna müller')).toEqual([anna]);
		expect(await search('schäfer berlin')).toEqual([anna]);
		expect(await search('müller berlin')).toEqual(await inListOrder([mueller, anna]));
		expect(await search('müller köln')).toEqual([]);
		expect(await search('hans groß köln')).toEqual([lone]);
	});

	it('shows the parent name on a contact person and finds it by the company name', async () => {
		expect(await rowOf(store, anna)).toMatchObject({
			parentName: 'Müller Maschinenbau GmbH',
			displayName: 'Schäfer, Anna'
		});
		// Without inherited address the company name comes from the parent name alone.
		const zander = await create(store, 'person', { fields: { lastName: 'Zander', parentId: schmidt } });
		expect(await rowOf(store, zander)).toMatchObject({ parentName: 'Schmidt & Söhne KG', companyName: '' });
		expect(await search('Schmidt')).toEqual(await inListOrder([schmidt, zander]));
		expect(await search('söhne zander')).toEqual([zander]);
	});
});

/** The ids sorted the way the list shows them (by row key). */
async function inListOrder(idList: ContactId[]): Promise<ContactId[]> {
	const keyed = await Promise.all(idList.map(async (id) => [(await rowOf(store, id)).key, id] as const));
	return keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, id]) => id);
}

describe('one typed letter', () => {
	it('jumps to the names starting with it, in list order, within a filter too', async () => {
		await create(store, 'person', { fields: { lastName: 'Müller', firstName: 'Anna', city: 'Aachen' } });
		await create(store, 'company', { fields: { companyName: 'Maier Bau GmbH', city: 'Berlin' } });
		await create(store, 'company', { fields: { companyName: 'Autohaus Nord', city: 'München' } });
		await create(store, 'person', { fields: { lastName: 'Mertens', firstName: 'Ole' } });

		expect(await names({ query: 'm' })).toEqual(['Maier Bau GmbH', 'Mertens, Ole', 'Müller, Anna']);
		expect(await names({ query: 'Ä' })).toEqual(['Autohaus Nord']);
		expect(await names({ query: 'M', kind: 'company' })).toEqual(['Maier Bau GmbH']);
		// From the second letter on, every word counts again: the city München is found.
		expect(await names({ query: 'mü' })).toEqual(['Autohaus Nord', 'Müller, Anna']);
	});
});

describe('several terms over many matches', () => {
	it('narrows by every term, reading rows only when the first term matches few contacts', async () => {
		const lastNames = ['Weber', 'Wagner', 'Becker', 'Braun'];
		const result = await store.importContacts(
			Array.from({ length: 2100 }, (_, i) => ({
				kind: 'person' as const,
				fields: { lastName: lastNames[i % 4] as string, firstName: `Kim ${i}`, city: 'Berlin' }
			}))
		);
		expect(result.ok).toBe(true);
		// "berlin" (longest term) matches all 2,100: the index path intersects with "weber".
		const berlinWeber = await names({ query: 'berlin weber' });
		expect(berlinWeber).toHaveLength(525);
		expect(new Set(berlinWeber.map((n) => n.split(',')[0]))).toEqual(new Set(['Weber']));
		// "wagner" matches 525: its rows are read and checked for "kim" and the filter.
		const wagnerKim = await names({ query: 'wagner kim', kind: 'person' });
		expect(wagnerKim).toHaveLength(525);
		expect(await names({ query: 'wagner kim', kind: 'company' })).toEqual([]);
		// Over many matches a one-character term narrows only from its second character on ...
		const berlinKim = await names({ query: 'berlin kim' });
		expect(await names({ query: 'berlin kim 7' })).toEqual(berlinKim);
		expect(await names({ query: 'berlin kim 70' })).toEqual(berlinKim.filter((n) => / 70\d*$/.test(n)));
		// ... while over few matches it is checked on the rows at once.
		expect(await names({ query: 'kim 1702 b' })).toEqual(['Becker, Kim 1702']);
		expect(await names({ query: 'kim 1702 w' })).toEqual([]);
		expect(await names({ query: 'kim 1700 w' })).toEqual(['Weber, Kim 1700']);
	});
});
