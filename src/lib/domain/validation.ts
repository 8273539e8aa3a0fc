import { parsePhone } from './phone';
import { CONTACT_LANGUAGES, EMAIL_PURPOSES, SALUTATIONS, type ChannelKind, type EmailPurpose } from './types';

/** Why a value was not saved; each code has a message in every UI language. */
export type ValidationError =
	| 'required'
	| 'emailInvalid'
	| 'phoneInvalid'
	| 'countryInvalid'
	| 'languageInvalid'
	| 'salutationInvalid'
	| 'purposeInvalid'
	| 'tooLong'
	| 'cycle'
	| 'parentMissing'
	| 'parentSelf';

export type Validated<T> = { ok: true; value: T } | { ok: false; error: ValidationError };

/** Longest text a single field takes; notes and profile are longer. */
export const MAX_FIELD_LENGTH = 200;
export const MAX_TEXT_LENGTH = 10_000;

// Deliberately pragmatic: one @, a dot in the domain, no spaces. The mail server decides the rest.
const EMAIL = /^[^\s@"<>(),;:]+@[^\s@"<>(),;:]+\.[^\s@"<>(),;:.]{2,}$/u;

export function validateEmail(input: string): Validated<{ value: string; normalized: string }> {
	const value = input.trim();
	if (value === '') return { ok: false, error: 'required' };
	if (value.length > MAX_FIELD_LENGTH) return { ok: false, error: 'tooLong' };
	if (!EMAIL.test(value) || value.includes('..')) return { ok: false, error: 'emailInvalid' };
	return { ok: true, value: { value, normalized: value.toLowerCase() } };
}

export function validatePhone(
	input: string,
	country: string
): Validated<{ value: string; normalized: string }> {
	const value = input.trim();
	if (value === '') return { ok: false, error: 'required' };
	if (value.length > 40) return { ok: false, error: 'tooLong' };
	const parsed = parsePhone(value, country);
	if (!parsed.ok) return { ok: false, error: 'phoneInvalid' };
	return { ok: true, value: { value, normalized: parsed.e164 } };
}

/** Checks a channel value for its kind; phone-like kinds are read with the contact's country. */
export function validateChannelValue(
	kind: ChannelKind,
	input: string,
	country: string
): Validated<{ value: string; normalized: string }> {
	return kind === 'email' ? validateEmail(input) : validatePhone(input, country);
}

export function isEmailPurpose(value: unknown): value is EmailPurpose {
	return typeof value === 'string' && (EMAIL_PURPOSES as readonly string[]).includes(value);
}

export function isCountryCode(value: unknown): value is string {
	return typeof value === 'string' && /^[A-Z]{2}$/.test(value);
}

export function isContactLanguage(value: unknown): value is (typeof CONTACT_LANGUAGES)[number] {
	return typeof value === 'string' && (CONTACT_LANGUAGES as readonly string[]).includes(value);
}

export function isSalutation(value: unknown): value is (typeof SALUTATIONS)[number] {
	return typeof value === 'string' && (SALUTATIONS as readonly string[]).includes(value);
}
