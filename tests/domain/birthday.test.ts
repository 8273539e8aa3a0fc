import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	BIRTHDAY_ERRORS,
	age,
	birthdayMonthDay,
	daysInMonth,
	isBirthdayToday,
	isLeapYear,
	observedBirthday,
	validateBirthday,
	type Birthday,
	type BirthdayContact
} from '../../src/lib/domain';

const b = (day: number, month: number, year: number | null = null): Birthday => ({ day, month, year });
const personBorn = (birthday: Birthday | null): BirthdayContact => ({ kind: 'person', birthday });
/** A local date (the user's calendar day), at the given local hour. */
const local = (year: number, month: number, day: number, hour = 12) => new Date(year, month - 1, day, hour);

describe('isLeapYear and daysInMonth', () => {
	it.each([
		[2024, true],
		[2023, false],
		[2000, true],
		[1900, false],
		[2100, false],
		[1996, true]
	])('%i leap: %s', (year, leap) => {
		expect(isLeapYear(year)).toBe(leap);
	});

	it.each([
		[1, 2024, 31],
		[2, 2024, 29],
		[2, 2023, 28],
		[2, null, 29],
		[4, null, 30],
		[6, 2023, 30],
		[9, 2023, 30],
		[11, 2023, 30],
		[12, 2023, 31]
	])('month %i of %s has %i days', (month, year, days) => {
		expect(daysInMonth(month, year)).toBe(days);
	});
});

describe('validateBirthday', () => {
	it.each([
		[b(1, 1, 1980)],
		[b(31, 12, null)],
		[b(29, 2, null)],
		[b(29, 2, 2000)],
		[b(29, 2, 1996)],
		[b(30, 4, 1975)],
		[b(31, 1, 1900)]
	])('%j is valid', (birthday) => {
		expect(validateBirthday(birthday)).toEqual({ ok: true, value: birthday });
	});

	it.each([
		[b(29, 2, 1900), 'birthdayDay'],
		[b(29, 2, 2023), 'birthdayDay'],
		[b(30, 2, null), 'birthdayDay'],
		[b(31, 4, null), 'birthdayDay'],
		[b(31, 6, 1980), 'birthdayDay'],
		[b(0, 5, null), 'birthdayDay'],
		[b(32, 1, null), 'birthdayDay'],
		[b(1.5, 1, null), 'birthdayDay'],
		[b(1, 0, null), 'birthdayMonth'],
		[b(1, 13, null), 'birthdayMonth'],
		[b(1, Number.NaN, null), 'birthdayMonth'],
		[b(1, 1, 1899), 'birthdayYear'],
		[b(1, 1, 10_000), 'birthdayYear'],
		[b(1, 1, 1980.5), 'birthdayYear'],
		// The month is checked before the year, the year before the day.
		[b(40, 13, 1800), 'birthdayMonth'],
		[b(40, 1, 1800), 'birthdayYear']
	])('%j is %s', (birthday, error) => {
		expect(validateBirthday(birthday)).toEqual({ ok: false, error });
	});

	it('refuses a birthday after today only when it has a year and today is given', () => {
		const today = local(2024, 6, 15);
		expect(validateBirthday(b(16, 6, 2024), today)).toEqual({ ok: false, error: 'birthdayFuture' });
		expect(validateBirthday(b(15, 6, 2024), today)).toMatchObject({ ok: true });
		expect(validateBirthday(b(16, 6, 2023), today)).toMatchObject({ ok: true });
		expect(validateBirthday(b(16, 6, null), today)).toMatchObject({ ok: true });
		expect(validateBirthday(b(16, 6, 2024))).toMatchObject({ ok: true });
	});

	it('uses codes of the published list', () => {
		expect(BIRTHDAY_ERRORS).toEqual(['birthdayMonth', 'birthdayDay', 'birthdayYear', 'birthdayFuture']);
	});
});

describe('observedBirthday', () => {
	it.each([
		[b(29, 2), 2023, { month: 2, day: 28 }],
		[b(29, 2), 2024, { month: 2, day: 29 }],
		[b(29, 2), 2100, { month: 2, day: 28 }],
		[b(28, 2), 2023, { month: 2, day: 28 }],
		[b(1, 3), 2023, { month: 3, day: 1 }]
	])('%j in %i', (birthday, year, observed) => {
		expect(observedBirthday(birthday, year)).toEqual(observed);
	});
});

describe('isBirthdayToday', () => {
	it('matches day and month, whatever the year', () => {
		const anna = personBorn(b(15, 6, 1980));
		expect(isBirthdayToday(anna, local(2024, 6, 15))).toBe(true);
		expect(isBirthdayToday(anna, local(1999, 6, 15))).toBe(true);
		expect(isBirthdayToday(anna, local(2024, 6, 14))).toBe(false);
		expect(isBirthdayToday(anna, local(2024, 7, 15))).toBe(false);
		expect(isBirthdayToday(personBorn(b(15, 6, null)), local(2024, 6, 15))).toBe(true);
	});

	it('shows 29 February on 28 February in other years, and only on 29 February in leap years', () => {
		const leapling = personBorn(b(29, 2, 1996));
		expect(isBirthdayToday(leapling, local(2023, 2, 28))).toBe(true);
		expect(isBirthdayToday(leapling, local(2023, 3, 1))).toBe(false);
		expect(isBirthdayToday(leapling, local(2024, 2, 29))).toBe(true);
		expect(isBirthdayToday(leapling, local(2024, 2, 28))).toBe(false);
		expect(isBirthdayToday(leapling, local(2100, 2, 28))).toBe(true);
	});

	it('does not move a 28 February birthday', () => {
		const c = personBorn(b(28, 2, 1990));
		expect(isBirthdayToday(c, local(2024, 2, 28))).toBe(true);
		expect(isBirthdayToday(c, local(2024, 2, 29))).toBe(false);
	});

	it('is never true for companies or persons without a birthday', () => {
		expect(isBirthdayToday({ kind: 'company', birthday: b(15, 6) }, local(2024, 6, 15))).toBe(false);
		expect(isBirthdayToday(personBorn(null), local(2024, 6, 15))).toBe(false);
	});

	it('uses the local calendar date at both ends of the day', () => {
		const anna = personBorn(b(15, 6, 1980));
		expect(isBirthdayToday(anna, new Date(2024, 5, 15, 0, 0, 0))).toBe(true);
		expect(isBirthdayToday(anna, new Date(2024, 5, 15, 23, 59, 59))).toBe(true);
		expect(isBirthdayToday(anna, new Date(2024, 5, 14, 23, 59, 59))).toBe(false);
		expect(isBirthdayToday(anna, new Date(2024, 5, 16, 0, 0, 0))).toBe(false);
	});

	describe('in a time zone far from UTC', () => {
		let saved: string | undefined;
		beforeEach(() => {
			saved = process.env.TZ;
			// Changing TZ at run time is honoured by Node for dates created afterwards.
			process.env.TZ = 'Pacific/Kiritimati';
		});
		afterEach(() => {
			if (saved === undefined) delete process.env.TZ;
			else process.env.TZ = saved;
		});

		it('uses the local date, not the UTC date', () => {
			// 10:30 UTC on 14 June is already 00:30 on 15 June at UTC+14.
			const instant = new Date(Date.UTC(2024, 5, 14, 10, 30));
			expect(instant.getDate()).toBe(15);
			expect(isBirthdayToday(personBorn(b(15, 6, 1980)), instant)).toBe(true);
			expect(isBirthdayToday(personBorn(b(14, 6, 1980)), instant)).toBe(false);
		});
	});
});

describe('age', () => {
	it.each([
		[b(15, 6, 1980), local(2024, 6, 14), 43],
		[b(15, 6, 1980), local(2024, 6, 15), 44],
		[b(15, 6, 1980), local(2024, 12, 31), 44],
		[b(1, 1, 2000), local(2000, 1, 1), 0],
		[b(31, 12, 1999), local(2000, 1, 1), 0],
		// 29 February: a year older on the observed birthday.
		[b(29, 2, 2000), local(2023, 2, 27), 22],
		[b(29, 2, 2000), local(2023, 2, 28), 23],
		[b(29, 2, 2000), local(2024, 2, 28), 23],
		[b(29, 2, 2000), local(2024, 2, 29), 24]
	])('%j on %s is %i', (birthday, date, years) => {
		expect(age(birthday, date)).toBe(years);
	});

	it('is null without a year or before the birth', () => {
		expect(age(b(15, 6, null), local(2024, 6, 15))).toBeNull();
		expect(age(b(15, 6, 2024), local(2024, 6, 14))).toBeNull();
		expect(age(b(15, 6, 2025), local(2024, 6, 15))).toBeNull();
	});
});

describe('birthdayMonthDay', () => {
	it.each([
		[b(5, 3), '03-05'],
		[b(29, 2, 2000), '02-29'],
		[b(31, 12), '12-31']
	])('%j -> %s', (birthday, key) => {
		expect(birthdayMonthDay(birthday)).toBe(key);
	});
});
