import { describe, expect, it } from 'vitest';
import {
	ARCHIVED_FILTER,
	filterKey,
	matchesTerms,
	passesFilter,
	parseSearchQuery,
	projectContact,
	reprojectRow,
	rowAsParent,
	rowKey,
	type ChannelId,
	type ContactId,
	type GroupId
} from '../../src/lib/domain';
import { makeChannel, makeContact, mulberry32, pick, randomContact, seededContactId } from '../factories';

const PARENT_ID = '0190a000-0000-7000-8000-00000000000a' as ContactId;
const CHILD_ID = '0190a000-0000-7000-8000-00000000000b' as ContactId;
const cid = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}` as ChannelId;
const g = (name: string) => name as GroupId;

const company = makeContact({
	id: PARENT_ID,
	kind: 'company',
	companyName: 'Müller Maschinenbau GmbH',
	street: 'Industriestraße 5',
	zip: '80331',
	city: 'München',
	matchcode: 'MUELLER MASCHINENBAU',
	groups: [g('kunden')]
});

const anna = makeContact({
	id: CHILD_ID,
	kind: 'person',
	firstName: 'Anna',
	lastName: 'Schäfer',
	companyName: '',
	street: 'Gartenweg 2',
	zip: '10115',
	city: 'Berlin',
	parentId: PARENT_ID,
	inheritAddress: true,
	inheritGroups: true,
	groups: [g('privat')],
	channels: [
		makeChannel({
			id: cid(1),
			kind: 'mobile',
			value: '0171 2345678',
			normalized: '+491712345678',
			order: 'a0'
		}),
		makeChannel({
			id: cid(2),
			kind: 'email',
			value: 'A.Schaefer@Firma.de',
			normalized: 'a.schaefer@firma.de',
			order: 'a1'
		}),
		makeChannel({ id: cid(3), kind: 'phone', value: '030 1234567', normalized: '+49301234567', order: 'a2' }),
		makeChannel({
			id: cid(4),
			kind: 'email',
			value: 'anna@privat.de',
			normalized: 'anna@privat.de',
			order: 'a0V'
		}),
		makeChannel({ id: cid(5), kind: 'fax', value: '030 1234568', normalized: '+49301234568', order: 'a3' })
	]
});

const parentRow = projectContact(company, null, 1000);

describe('projectContact', () => {
	it('projects a company without parent', () => {
		expect(parentRow).toMatchObject({
			id: PARENT_ID,
			kind: 'company',
			displayName: 'Müller Maschinenbau GmbH',
			sortKey: 'muller maschinenbau gmbh',
			key: `muller maschinenbau gmbh\u0000${PARENT_ID}`,
			matchcode: 'MUELLER MASCHINENBAU',
			parentId: null,
			parentName: '',
			companyName: 'Müller Maschinenbau GmbH',
			city: 'München',
			groups: ['kunden'],
			addressFrom: null,
			groupsFrom: null,
			phone: '',
			phoneE164: '',
			email: '',
			emails: [],
			phones: [],
			updatedAt: 1000
		});
		expect(parentRow.key).toBe(rowKey(parentRow.sortKey, PARENT_ID));
	});

	it('projects an inheriting contact person', () => {
		const row = projectContact(anna, rowAsParent(parentRow), 2000);
		expect(row).toMatchObject({
			id: CHILD_ID,
			kind: 'person',
			displayName: 'Schäfer, Anna',
			sortKey: 'schafer anna',
			key: `schafer anna\u0000${CHILD_ID}`,
			firstName: 'Anna',
			lastName: 'Schäfer',
			parentId: PARENT_ID,
			parentName: 'Müller Maschinenbau GmbH',
			inheritAddress: true,
			inheritGroups: true,
			ownAddress: { companyName: '', street: 'Gartenweg 2', zip: '10115', city: 'Berlin', country: 'DE' },
			ownGroups: ['privat'],
			companyName: 'Müller Maschinenbau GmbH',
			street: 'Industriestraße 5',
			zip: '80331',
			city: 'München',
			country: 'DE',
			groups: ['kunden'],
			addressFrom: PARENT_ID,
			groupsFrom: PARENT_ID,
			updatedAt: 2000
		});
	});

	it('takes the first phone (not the earlier mobile) and the first e-mail in display order', () => {
		const row = projectContact(anna, null, 0);
		expect(row.phone).toBe('030 1234567');
		expect(row.phoneE164).toBe('+49301234567');
		// anna@privat.de was added later but sorts first ("a0V" < "a1")
		expect(row.email).toBe('anna@privat.de');
		expect(row.emails).toEqual(['anna@privat.de', 'a.schaefer@firma.de']);
		expect(row.phones).toEqual(['+491712345678', '+49301234567', '+49301234568']);
	});

	it('falls back to the mobile when there is no phone', () => {
		const mobileOnly = { ...anna, channels: anna.channels.filter((c) => c.kind !== 'phone') };
		const row = projectContact(mobileOnly, null, 0);
		expect(row.phone).toBe('0171 2345678');
		expect(row.phoneE164).toBe('+491712345678');
	});

	it('shows its own values when not inheriting', () => {
		const own = { ...anna, inheritAddress: false, inheritGroups: false };
		const row = projectContact(own, rowAsParent(parentRow), 0);
		expect(row).toMatchObject({
			parentName: 'Müller Maschinenbau GmbH',
			companyName: '',
			city: 'Berlin',
			groups: ['privat'],
			addressFrom: null,
			groupsFrom: null
		});
	});

	it('ignores a source that is not its parent', () => {
		const other = { ...rowAsParent(parentRow), id: seededContactId(mulberry32(1)) };
		const row = projectContact(anna, other, 0);
		expect(row).toMatchObject({ parentName: '', city: 'Berlin', groups: ['privat'], addressFrom: null });
		expect(row).toEqual(projectContact(anna, null, 0));
	});

	it.each([
		['the parent city', 'München', true],
		['the parent city, transliterated', 'Muenchen', true],
		['the parent company', 'Maschinenbau', true],
		['the parent zip', '8033', true],
		['the own city (not shown while inheriting)', 'Berlin', false],
		['the own name', 'Schäfer', true],
		['the own name, transliterated', 'Schaefer an', true],
		['the national mobile number', '0171 234', true],
		['the international fax number', '+49 30 1234568', true],
		['an e-mail', 'anna@privat', true],
		['the parent name and own name', 'müller anna', true]
	])('finds the inheriting child by %s', (_, query, expected) => {
		const row = projectContact(anna, rowAsParent(parentRow), 0);
		expect(matchesTerms(row.tokens, parseSearchQuery(query))).toBe(expected);
	});

	it('finds a non-inheriting child by its own city, not the parent city', () => {
		const row = projectContact({ ...anna, inheritAddress: false }, rowAsParent(parentRow), 0);
		expect(matchesTerms(row.tokens, parseSearchQuery('Berlin'))).toBe(true);
		expect(matchesTerms(row.tokens, parseSearchQuery('München'))).toBe(false);
	});

	it('sorts a nameless contact last', () => {
		const row = projectContact(makeContact({ kind: 'company', companyName: '' }), null, 0);
		expect(row.sortKey).toBe('\uffff');
		expect(row.key > projectContact(makeContact({ companyName: 'Zzz', kind: 'company' }), null, 0).key).toBe(
			true
		);
	});

	it('does not share arrays with the contact', () => {
		const contact = makeContact({ groups: [g('a')] });
		const row = projectContact(contact, null, 0);
		row.ownGroups.push(g('b'));
		row.groups.push(g('c'));
		expect(contact.groups).toEqual(['a']);
	});
});

describe('rowAsParent', () => {
	it('passes the effective values on (grandchildren inherit through the chain)', () => {
		const child = projectContact(anna, rowAsParent(parentRow), 0);
		expect(rowAsParent(child)).toEqual({
			id: CHILD_ID,
			displayName: 'Schäfer, Anna',
			address: {
				companyName: 'Müller Maschinenbau GmbH',
				street: 'Industriestraße 5',
				zip: '80331',
				city: 'München',
				country: 'DE'
			},
			groups: ['kunden']
		});
	});
});

describe('reprojectRow', () => {
	it('follows a parent that moved to another city', () => {
		const before = projectContact(anna, rowAsParent(parentRow), 5);
		const movedParent = projectContact({ ...company, city: 'Hamburg', zip: '20095' }, null, 6);
		const after = reprojectRow(before, rowAsParent(movedParent));
		expect(after.city).toBe('Hamburg');
		expect(after.updatedAt).toBe(5);
		expect(matchesTerms(after.tokens, parseSearchQuery('Hamburg'))).toBe(true);
		expect(matchesTerms(after.tokens, parseSearchQuery('München'))).toBe(false);
		expect(after).toEqual(projectContact(anna, rowAsParent(movedParent), 5));
	});

	it('falls back to own values when the parent goes away', () => {
		const before = projectContact(anna, rowAsParent(parentRow), 5);
		expect(reprojectRow(before, null)).toEqual(projectContact(anna, null, 5));
	});

	it('equals projecting from scratch with the new parent (seeded random contacts)', () => {
		const rng = mulberry32(20240501);
		for (let round = 0; round < 300; round++) {
			const parentA = randomContact(rng);
			const parentB = randomContact(rng, { id: pick(rng, [parentA.id, seededContactId(rng)]) });
			const child = randomContact(rng, {
				parentId: pick(rng, [parentA.id, parentB.id, null]),
				inheritAddress: rng() < 0.6,
				inheritGroups: rng() < 0.6,
				archived: rng() < 0.3
			});
			const sourceA = pick(rng, [rowAsParent(projectContact(parentA, null, 1)), null]);
			const sourceB = pick(rng, [rowAsParent(projectContact(parentB, null, 2)), null]);
			const row = projectContact(child, sourceA, 3);
			const context = JSON.stringify({ round, child, sourceA, sourceB });
			expect(reprojectRow(row, sourceB), context).toEqual(projectContact(child, sourceB, 3));
			// and re-deriving with the same parent changes nothing
			expect(reprojectRow(row, sourceA), context).toEqual(row);
		}
	});
});

describe('archived rows', () => {
	const archivedAnna = { ...anna, archived: true };

	it('gives an active row its kind and group entries and no archived entry', () => {
		const row = projectContact(anna, rowAsParent(parentRow), 1);
		expect(row.archived).toBe(false);
		expect(row.filters).toEqual(['k:person', 'g:kunden', 'kg:person:kunden']);
	});

	it('moves every entry of an archived row behind "archived:", inherited groups included', () => {
		const row = projectContact(archivedAnna, rowAsParent(parentRow), 1);
		expect(row.archived).toBe(true);
		expect(row.filters).toEqual([
			ARCHIVED_FILTER,
			'archived:k:person',
			'archived:g:kunden',
			'archived:kg:person:kunden'
		]);
		// Still found by its words: the store decides which view a search looks in.
		expect(matchesTerms(row.tokens, parseSearchQuery('Schäfer'))).toBe(true);
	});

	it('keeps the archived mark when re-derived after a parent change', () => {
		const row = projectContact(archivedAnna, rowAsParent(parentRow), 1);
		const moved = projectContact({ ...company, groups: [g('sued')] }, null, 2);
		const after = reprojectRow(row, rowAsParent(moved));
		expect(after).toEqual(projectContact(archivedAnna, rowAsParent(moved), 1));
		expect(after.filters).toContain('archived:g:sued');
	});

	it('reads a stored row from before archiving existed as active', () => {
		const { archived: _archived, ...old } = projectContact(anna, rowAsParent(parentRow), 1);
		const row = reprojectRow(old as typeof old & { archived: boolean }, rowAsParent(parentRow));
		expect(row.archived).toBe(false);
		expect(row.filters).toEqual(['k:person', 'g:kunden', 'kg:person:kunden']);
	});

	it.each([
		[null, null, false, null],
		['person', null, false, 'k:person'],
		[null, 'kunden', false, 'g:kunden'],
		['company', 'kunden', false, 'kg:company:kunden'],
		[null, null, true, 'archived'],
		['person', null, true, 'archived:k:person'],
		[null, 'kunden', true, 'archived:g:kunden'],
		['company', 'kunden', true, 'archived:kg:company:kunden']
	] as const)('filterKey(%j, %j, archived %j) is %j', (kind, group, archived, key) => {
		expect(filterKey(kind, group === null ? null : g(group), archived)).toBe(key);
	});

	it('lets the whole list take every row but the archived ones, and a filter only its own', () => {
		const active = projectContact(anna, rowAsParent(parentRow), 1).filters;
		const archived = projectContact(archivedAnna, rowAsParent(parentRow), 1).filters;
		expect(passesFilter(active, null)).toBe(true);
		expect(passesFilter(archived, null)).toBe(false);
		expect(passesFilter(active, filterKey('person', null))).toBe(true);
		expect(passesFilter(archived, filterKey('person', null))).toBe(false);
		expect(passesFilter(active, filterKey(null, null, true))).toBe(false);
		expect(passesFilter(archived, filterKey(null, null, true))).toBe(true);
		expect(passesFilter(archived, filterKey('person', g('kunden'), true))).toBe(true);
		expect(passesFilter(archived, filterKey('company', null, true))).toBe(false);
	});
});
