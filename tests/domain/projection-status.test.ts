import { describe, expect, it } from 'vitest';
import {
	birthdayFiltersOn,
	filterKeys,
	matchesTerms,
	parseSearchQuery,
	passesFilters,
	projectContact,
	reprojectRow,
	rowAsParent,
	type ContactId,
	type GroupId,
	type ListFacets
} from '../../src/lib/domain';
import { makeContact } from '../factories';

const PARENT_ID = '0190a000-0000-7000-8000-00000000000a' as ContactId;
const g = (name: string) => name as GroupId;

const company = makeContact({
	id: PARENT_ID,
	kind: 'company',
	companyName: 'Müller Maschinenbau GmbH',
	groups: [g('kunden')]
});
const parentRow = projectContact(company, null, 1);

const anna = makeContact({
	kind: 'person',
	firstName: 'Anna',
	lastName: 'Schäfer',
	parentId: PARENT_ID,
	inheritGroups: true,
	birthday: { day: 29, month: 2, year: null },
	tags: ['vip'],
	embargo: { reason: 'Offene Forderungen', since: '2026-03-01' },
	profile: 'Entscheidet über Rahmenverträge; spricht Portugiesisch',
	matchcode: 'SCHAEFER ANNA'
});

describe('projection: status tags, embargo, birthday, profile', () => {
	it('carries the tags, the embargo and the birthday for the list', () => {
		const row = projectContact(anna, rowAsParent(parentRow), 1);
		expect(row.tags).toEqual(['vip']);
		expect(row.embargo).toEqual({ reason: 'Offene Forderungen', since: '2026-03-01' });
		expect(row.birthday).toEqual({ day: 29, month: 2, year: null });
		// Copies: the row shares nothing with the contact.
		expect(row.tags).not.toBe(anna.tags);
		expect(row.embargo).not.toBe(anna.embargo);
	});

	it('gives filter entries for tags (alone and with the kind) and the birthday key', () => {
		const row = projectContact(anna, rowAsParent(parentRow), 1);
		expect(row.filters).toEqual([
			'k:person',
			'g:kunden',
			'kg:person:kunden',
			't:vip',
			'kt:person:vip',
			'b:02-29'
		]);
	});

	it('moves them behind "archived:" for an archived contact', () => {
		const row = projectContact({ ...anna, archived: true }, rowAsParent(parentRow), 1);
		expect(row.filters).toEqual([
			'archived',
			'archived:k:person',
			'archived:g:kunden',
			'archived:kg:person:kunden',
			'archived:t:vip',
			'archived:kt:person:vip',
			'archived:b:02-29'
		]);
	});

	it('gives a company no birthday key, whatever its contact says', () => {
		const row = projectContact({ ...company, birthday: { day: 1, month: 5, year: null } }, null, 1);
		expect(row.birthday).toBeNull();
		expect(row.filters.some((f) => f.startsWith('b:'))).toBe(false);
	});

	it('finds a contact by a word of its profile and by its matchcode', () => {
		const row = projectContact(anna, rowAsParent(parentRow), 1);
		for (const query of ['Rahmenvertr', 'portugiesisch', 'SCHAEFER ANNA', 'schaef'])
			expect([query, matchesTerms(row.tokens, parseSearchQuery(query))]).toEqual([query, true]);
		expect(matchesTerms(row.tokens, parseSearchQuery('Spanisch'))).toBe(false);
	});

	it('keeps tags, embargo, birthday and profile words when re-derived after a parent change', () => {
		const row = projectContact(anna, rowAsParent(parentRow), 1);
		const moved = projectContact({ ...company, groups: [g('sued')] }, null, 2);
		const after = reprojectRow(row, rowAsParent(moved));
		expect(after).toEqual(projectContact(anna, rowAsParent(moved), 1));
		expect(matchesTerms(after.tokens, parseSearchQuery('Rahmenvertr'))).toBe(true);
		expect(after.filters).toContain('t:vip');
	});

	it('re-derives a row written before these values were projected', () => {
		const {
			tags: _t,
			embargo: _e,
			birthday: _b,
			profile: _p,
			...old
		} = projectContact(anna, rowAsParent(parentRow), 1);
		const row = reprojectRow(old, rowAsParent(parentRow));
		expect(row).toMatchObject({ tags: [], embargo: null, birthday: null, profile: '' });
		expect(row.filters).toEqual(['k:person', 'g:kunden', 'kg:person:kunden']);
	});
});

describe('filterKeys', () => {
	it.each<[ListFacets, string[]]>([
		[{}, []],
		[{ kind: 'person' }, ['k:person']],
		[{ group: g('kunden') }, ['g:kunden']],
		[{ tag: 'vip' }, ['t:vip']],
		[{ kind: 'person', tag: 'vip' }, ['kt:person:vip']],
		[{ group: g('kunden'), tag: 'vip' }, ['g:kunden', 't:vip']],
		[{ kind: 'company', group: g('kunden'), tag: 'vip' }, ['g:kunden', 'kt:company:vip']],
		[{ archived: true }, ['archived']],
		[{ archived: true, tag: 'vip' }, ['archived:t:vip']],
		[{ archived: true, kind: 'person', tag: 'vip' }, ['archived:kt:person:vip']],
		[
			{ archived: true, kind: 'person', group: g('kunden'), tag: 'vip' },
			['archived:g:kunden', 'archived:kt:person:vip']
		]
	])('%j looks up %j', (facets, keys) => {
		expect(filterKeys(facets)).toEqual(keys);
	});

	it('lets a row pass when it has every entry; the whole list takes every active row', () => {
		const active = projectContact(anna, rowAsParent(parentRow), 1).filters;
		const archived = projectContact({ ...anna, archived: true }, rowAsParent(parentRow), 1).filters;
		expect(passesFilters(active, [])).toBe(true);
		expect(passesFilters(archived, [])).toBe(false);
		expect(passesFilters(active, filterKeys({ kind: 'person', group: g('kunden'), tag: 'vip' }))).toBe(true);
		expect(passesFilters(active, filterKeys({ kind: 'company', tag: 'vip' }))).toBe(false);
		expect(passesFilters(active, filterKeys({ group: g('kunden'), tag: 'late' }))).toBe(false);
		expect(passesFilters(active, filterKeys({ archived: true, tag: 'vip' }))).toBe(false);
		expect(passesFilters(archived, filterKeys({ archived: true, tag: 'vip' }))).toBe(true);
		expect(passesFilters(archived, filterKeys({ tag: 'vip' }))).toBe(false);
	});
});

describe('birthdayFiltersOn', () => {
	it.each([
		// Local dates: the device's calendar day.
		[new Date(2026, 3, 12, 0, 0, 1), ['b:04-12']],
		[new Date(2026, 3, 12, 23, 59, 59), ['b:04-12']],
		// 28 February of a year without 29 February also shows the 29 February birthdays.
		[new Date(2026, 1, 28, 9), ['b:02-28', 'b:02-29']],
		[new Date(2100, 1, 28, 9), ['b:02-28', 'b:02-29']],
		// In a leap year each day stands for itself.
		[new Date(2028, 1, 28, 9), ['b:02-28']],
		[new Date(2028, 1, 29, 9), ['b:02-29']],
		[new Date(2000, 1, 29, 9), ['b:02-29']],
		[new Date(2026, 2, 1, 9), ['b:03-01']]
	])('on %s looks up %j', (date, keys) => {
		expect(birthdayFiltersOn(date)).toEqual(keys);
	});
});
