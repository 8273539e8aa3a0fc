import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Result of reading a typed phone number for a contact's country. */
export type PhoneParse = { ok: true; e164: string; national: string } | { ok: false };

function asCountry(country: string): CountryCode | undefined {
	return /^[A-Z]{2}$/.test(country) ? (country as CountryCode) : undefined;
}

/**
 * Parses what a user typed ("030 1234-56", "+49 (30) 123456", "0049 30 123456") with the contact's
 * country as the default for numbers without a country code. Only valid numbers are accepted.
 */
export function parsePhone(input: string, defaultCountry: string): PhoneParse {
	// libphonenumber knows "ext" but not the German words for an extension, so they are spelled "ext".
	const text = input
		.trim()
		.replace(/^00(?=[1-9])/, '+')
		.replace(/\b(durchwahl|dw)\b\.?/gi, 'ext');
	if (!/\d/.test(text) || /[a-z]/i.test(text.replace(/\bext\b/gi, ''))) return { ok: false };
	const parsed = parsePhoneNumberFromString(text, asCountry(defaultCountry.toUpperCase()));
	if (!parsed || !parsed.isValid()) return { ok: false };
	return { ok: true, e164: parsed.number, national: parsed.formatNational() };
}

/** Only the digits of a text: the form phone search compares. */
export function digitsOf(text: string): string {
	return text.replace(/\D+/g, '');
}

/**
 * The digit strings a stored phone number is found by: the international digits (4930123456) and
 * the national form with its trunk prefix (030123456), so either way of typing it matches.
 */
export function phoneSearchDigits(e164: string): string[] {
	const parsed = parsePhoneNumberFromString(e164);
	const intl = digitsOf(e164);
	if (!parsed) return intl ? [intl] : [];
	const national = digitsOf(parsed.formatNational());
	return national && national !== intl ? [intl, national] : [intl];
}
