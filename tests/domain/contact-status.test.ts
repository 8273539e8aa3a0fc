import { describe, expect, it } from 'vitest';
import {
	STATUS_ERRORS,
	emptyContactFields,
	emptyContactParts,
	isTagId,
	resolveStatusTags,
	validateAdvertisingConsent,
	validateEdits,
	validateEmbargo,
	type ContactEdit
} from '../../src/lib/domain';
import { makeContact } from '../factories';

const TODAY = '2026-03-15';

describe('a new contact', () => {
	it('has no birthday, no embargo, no consent, is not a friend and has no tags', () => {
		expect(emptyContactFields('person')).toMatchObject({
			birthday: null,
			friend: false,
			embargo: null,
			advertisingConsent: null
		});
		expect(emptyContactParts().tags).toEqual([]);
	});
});

describe('validateEmbargo', () => {
	it.each([
		[
			{ reason: 'Offene Forderungen', since: '2026-03-01' },
			{ reason: 'Offene Forderungen', since: '2026-03-01' }
		],
		[
			{ reason: '  Insolvenz  ', since: ' 2026-03-15 ' },
			{ reason: 'Insolvenz', since: '2026-03-15' }
		],
		[
			{ reason: 'Betrug', since: '2024-02-29' },
			{ reason: 'Betrug', since: '2024-02-29' }
		]
	])('takes %j as %j', (input, value) => {
		expect(validateEmbargo(input, TODAY)).toEqual({ ok: true, value });
	});

	it.each([
		// The reason is checked first: both missing names the reason.
		[{ reason: '', since: '' }, 'embargo.reason', 'required'],
		[{ reason: '   ', since: '2026-01-01' }, 'embargo.reason', 'required'],
		[{ reason: 'x'.repeat(201), since: '2026-01-01' }, 'embargo.reason', 'tooLong'],
		[{ reason: 'Insolvenz', since: '' }, 'embargo.since', 'required'],
		[{ reason: 'Insolvenz', since: '2026-02-30' }, 'embargo.since', 'dateInvalid'],
		[{ reason: 'Insolvenz', since: '2025-02-29' }, 'embargo.since', 'dateInvalid'],
		[{ reason: 'Insolvenz', since: '15.03.2026' }, 'embargo.since', 'dateInvalid'],
		[{ reason: 'Insolvenz', since: '2026-03-16' }, 'embargo.since', 'dateFuture']
	])('refuses %j at %s with %s', (input, field, error) => {
		expect(validateEmbargo(input, TODAY)).toEqual({ ok: false, field, error });
	});

	it('takes a future date when no day is given to compare with', () => {
		expect(validateEmbargo({ reason: 'Geplant', since: '2030-01-01' }).ok).toBe(true);
	});
});

describe('validateAdvertisingConsent', () => {
	it('takes a date and a source, trimmed', () => {
		expect(validateAdvertisingConsent({ date: '2025-05-20', source: ' Messe 2025 ' }, TODAY)).toEqual({
			ok: true,
			value: { date: '2025-05-20', source: 'Messe 2025' }
		});
	});

	it.each([
		// The date is checked first.
		[{ date: '', source: '' }, 'advertisingConsent.date', 'required'],
		[{ date: '2025-13-01', source: 'Formular' }, 'advertisingConsent.date', 'dateInvalid'],
		[{ date: '2026-04-01', source: 'Formular' }, 'advertisingConsent.date', 'dateFuture'],
		[{ date: '2025-05-20', source: '' }, 'advertisingConsent.source', 'required'],
		[{ date: '2025-05-20', source: 'y'.repeat(201) }, 'advertisingConsent.source', 'tooLong']
	])('refuses %j at %s with %s', (input, field, error) => {
		expect(validateAdvertisingConsent(input, TODAY)).toEqual({ ok: false, field, error });
	});
});

describe('status tags', () => {
	it.each([
		['vip', true],
		['0190a000-0000-7000-8000-000000000001', true],
		['', false],
		['x'.repeat(101), false],
		[42, false],
		[null, false]
	])('isTagId(%j) is %j', (value, ok) => {
		expect(isTagId(value)).toBe(ok);
	});

	it('resolves ids to the list entries in list order, leaving out ids the list no longer has', () => {
		const list = [
			{ id: 'late', name: 'Zahlungsverzug', color: '#b3261e' },
			{ id: 'vip', name: 'VIP', color: '#1f4e79' }
		];
		expect(resolveStatusTags(['vip', 'gone', 'late'], list).map((e) => e.name)).toEqual([
			'Zahlungsverzug',
			'VIP'
		]);
		expect(resolveStatusTags([], list)).toEqual([]);
	});

	it('has one list of its error codes', () => {
		expect(STATUS_ERRORS).toEqual(['dateInvalid', 'dateFuture', 'tagInvalid', 'birthdayNotPerson']);
	});
});

describe('validateEdits: birthday, friend, embargo, consent, tags', () => {
	const person = makeContact({ kind: 'person' });
	const company = makeContact({ kind: 'company' });
	const check = (edits: ContactEdit[], contact = person) => validateEdits(contact, edits, { today: TODAY });
	const set = (field: string, value: unknown) => ({ type: 'set', field, value }) as ContactEdit;

	it('takes a valid birthday of a person, with or without a year, and null to remove it', () => {
		expect(check([set('birthday', { day: 12, month: 4, year: 1985 })])).toEqual({
			ok: true,
			value: [set('birthday', { day: 12, month: 4, year: 1985 })]
		});
		expect(check([set('birthday', { day: 29, month: 2, year: null })])).toEqual({
			ok: true,
			value: [set('birthday', { day: 29, month: 2, year: null })]
		});
		// A missing year is no year.
		expect(check([set('birthday', { day: 1, month: 1 })])).toEqual({
			ok: true,
			value: [set('birthday', { day: 1, month: 1, year: null })]
		});
		expect(check([set('birthday', null)])).toEqual({ ok: true, value: [set('birthday', null)] });
	});

	it.each([
		[{ day: 29, month: 2, year: 2023 }, 'birthdayDay'],
		[{ day: 31, month: 4, year: null }, 'birthdayDay'],
		[{ day: 1, month: 13, year: null }, 'birthdayMonth'],
		[{ day: 1, month: 1, year: 1899 }, 'birthdayYear'],
		[{ day: 16, month: 3, year: 2026 }, 'birthdayFuture'],
		[{ day: '1', month: 1, year: null }, 'birthdayDay'],
		[{ day: 1, month: 1, year: '1985' }, 'birthdayDay'],
		['12.04.1985', 'birthdayDay']
	])('refuses the birthday %j with %s', (birthday, error) => {
		expect(check([set('birthday', birthday)])).toEqual({ ok: false, error, index: 0, field: 'birthday' });
	});

	it('refuses a birthday for a company, but lets it clear one', () => {
		expect(check([set('birthday', { day: 1, month: 1, year: null })], company)).toEqual({
			ok: false,
			error: 'birthdayNotPerson',
			index: 0,
			field: 'birthday'
		});
		expect(check([set('birthday', null)], company).ok).toBe(true);
	});

	it('takes the friend flag as a boolean only', () => {
		expect(check([set('friend', true)]).ok).toBe(true);
		expect(check([set('friend', 'yes')])).toEqual({ ok: false, error: 'required', index: 0 });
	});

	it('normalises an embargo and a consent, and refuses half of one, naming the part', () => {
		expect(check([set('embargo', { reason: ' Insolvenz ', since: '2026-01-10' })])).toEqual({
			ok: true,
			value: [set('embargo', { reason: 'Insolvenz', since: '2026-01-10' })]
		});
		expect(check([set('embargo', { reason: 'Insolvenz' })])).toEqual({
			ok: false,
			error: 'required',
			index: 0,
			field: 'embargo.since'
		});
		expect(check([set('advertisingConsent', { date: '2026-01-10', source: 42 })])).toEqual({
			ok: false,
			error: 'required',
			index: 0,
			field: 'advertisingConsent.source'
		});
		expect(check([set('advertisingConsent', 'ja')])).toMatchObject({ ok: false, error: 'required' });
	});

	it('takes status tag ids and refuses what cannot be one', () => {
		expect(
			check([
				{ type: 'addTag', id: 'vip' },
				{ type: 'removeTag', id: 'late' }
			]).ok
		).toBe(true);
		expect(check([{ type: 'addTag', id: '' }])).toEqual({ ok: false, error: 'tagInvalid', index: 0 });
	});
});
