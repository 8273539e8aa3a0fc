import type { Birthday } from '$lib/domain';
import { i18n } from '../i18n/index.svelte';

/**
 * A `YYYY-MM-DD` date in the UI language ("01.10.2026", "1 Oct 2026"); the text as it is when it is
 * not such a date. Read as a calendar day (UTC noon), so no time zone moves it to another day.
 */
export function formatIsoDate(iso: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	if (!m) return iso;
	const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
	return new Intl.DateTimeFormat(i18n.lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** A birthday in the UI language: "12. April 1985", or "12. April" without a year. */
export function formatBirthday(birthday: Birthday): string {
	// A leap year, so 29 February can be written without a year.
	const date = new Date(Date.UTC(birthday.year ?? 2000, birthday.month - 1, birthday.day, 12));
	const options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', timeZone: 'UTC' };
	if (birthday.year !== null) options.year = 'numeric';
	return new Intl.DateTimeFormat(i18n.lang, options).format(date);
}
