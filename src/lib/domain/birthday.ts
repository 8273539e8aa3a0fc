import type { Checked } from './commercial';
import type { ContactKind } from './types';

/** A person's birthday; the year is optional (many people tell the day, not the year). */
export interface Birthday {
	/** 1-31. */
	day: number;
	/** 1-12. */
	month: number;
	year: number | null;
}

/** The part of a contact birthdays read: only persons have one. */
export interface BirthdayContact {
	kind: ContactKind;
	birthday: Birthday | null;
}

export const BIRTHDAY_ERRORS = ['birthdayMonth', 'birthdayDay', 'birthdayYear', 'birthdayFuture'] as const;
export type BirthdayError = (typeof BIRTHDAY_ERRORS)[number];

/** Earliest birth year taken: older ones are typing errors, not customers. */
export const MIN_BIRTH_YEAR = 1900;

export function isLeapYear(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days of a month; without a year February has 29, so a 29 February birthday can be kept. */
export function daysInMonth(month: number, year: number | null): number {
	if (month === 2) return year === null || isLeapYear(year) ? 29 : 28;
	return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const isWhole = (n: number) => Number.isInteger(n);

/**
 * Checks a birthday: a month, a day that exists in it (29 February only without a year or in a leap
 * year), and a year from `MIN_BIRTH_YEAR` on. With `today`, a birthday after today's local date is
 * refused (a year is needed for that to be decidable).
 */
export function validateBirthday(input: Birthday, today?: Date): Checked<Birthday, BirthdayError> {
	const { day, month, year } = input;
	if (!isWhole(month) || month < 1 || month > 12) return { ok: false, error: 'birthdayMonth' };
	if (year !== null && (!isWhole(year) || year < MIN_BIRTH_YEAR || year > 9999)) {
		return { ok: false, error: 'birthdayYear' };
	}
	if (!isWhole(day) || day < 1 || day > daysInMonth(month, year)) return { ok: false, error: 'birthdayDay' };
	if (today && year !== null) {
		const born = year * 10_000 + month * 100 + day;
		const now = today.getFullYear() * 10_000 + (today.getMonth() + 1) * 100 + today.getDate();
		if (born > now) return { ok: false, error: 'birthdayFuture' };
	}
	return { ok: true, value: { day, month, year } };
}

/**
 * The day a birthday is celebrated in `year`: itself, except 29 February, which falls on
 * 28 February in years without one (and only on 29 February in leap years).
 */
export function observedBirthday(
	birthday: Pick<Birthday, 'day' | 'month'>,
	year: number
): { month: number; day: number } {
	if (birthday.month === 2 && birthday.day === 29 && !isLeapYear(year)) return { month: 2, day: 28 };
	return { month: birthday.month, day: birthday.day };
}

/**
 * True when a person's birthday falls on the LOCAL calendar date of `date` (the day the user sees on
 * their clock, not the UTC date). Companies have no birthday.
 */
export function isBirthdayToday(contact: BirthdayContact, date: Date): boolean {
	if (contact.kind !== 'person' || !contact.birthday) return false;
	const observed = observedBirthday(contact.birthday, date.getFullYear());
	return observed.month === date.getMonth() + 1 && observed.day === date.getDate();
}

/**
 * Completed years on the local date of `date`, or null without a birth year or before the birth.
 * The age goes up on the observed birthday, so someone born on 29 February turns a year older on
 * 28 February in other years: the day the birthday is shown. (German law, §§ 187, 188 BGB, would
 * count the year complete only at the end of 28 February; for a greeting the shown day matters.)
 */
export function age(birthday: Birthday, date: Date): number | null {
	if (birthday.year === null) return null;
	const year = date.getFullYear();
	const observed = observedBirthday(birthday, year);
	const today = (date.getMonth() + 1) * 100 + date.getDate();
	const years = year - birthday.year - (today < observed.month * 100 + observed.day ? 1 : 0);
	return years < 0 ? null : years;
}

/** "MM-DD": the projection's index key for birthday lists (29 February stays "02-29"). */
export function birthdayMonthDay(birthday: Pick<Birthday, 'day' | 'month'>): string {
	return `${String(birthday.month).padStart(2, '0')}-${String(birthday.day).padStart(2, '0')}`;
}
