import {
	ValidationErrorsBIC,
	ValidationErrorsIBAN,
	electronicFormatIBAN,
	isSEPACountry,
	validateBIC,
	validateIBAN
} from 'ibantools';
import { isIsoDate, type Checked, type CheckedForm, type FieldErrors, type SepaMandate } from './commercial';

export type IbanError = 'required' | 'ibanFormat' | 'ibanCountry' | 'ibanChecksum' | 'ibanNotSepa';
export type BicError = 'required' | 'bicFormat' | 'bicCountry';

/**
 * Checks an IBAN with ibantools (length and BBAN format per country, ISO 7064 checksum, and the
 * national bank/branch checksums ibantools knows). Spaces and dashes are dropped and letters upper-
 * cased, so "de89 3704 0044 0532 0130 00" is stored as "DE89370400440532013000". With `sepaOnly`,
 * an IBAN of a country outside the SEPA area is refused: a direct debit cannot be drawn from it.
 */
export function validateIban(
	input: string,
	options: { sepaOnly?: boolean } = {}
): Checked<string, IbanError> {
	const iban = (electronicFormatIBAN(input.replace(/\s+/g, '')) ?? '').trim();
	if (iban === '') return { ok: false, error: 'required' };
	// ibantools reads the country from the first two characters before anything else, so text
	// that is not shaped like an IBAN at all would otherwise be reported as an unknown country.
	if (!/^[A-Z]{2}[0-9A-Z]+$/.test(iban)) return { ok: false, error: 'ibanFormat' };
	const codes = validateIBAN(iban).errorCodes;
	if (codes.includes(ValidationErrorsIBAN.NoIBANCountry)) return { ok: false, error: 'ibanCountry' };
	if (
		codes.includes(ValidationErrorsIBAN.WrongBBANLength) ||
		codes.includes(ValidationErrorsIBAN.WrongBBANFormat) ||
		codes.includes(ValidationErrorsIBAN.ChecksumNotNumber)
	) {
		return { ok: false, error: 'ibanFormat' };
	}
	if (codes.length > 0) return { ok: false, error: 'ibanChecksum' };
	if (options.sepaOnly && !isSEPACountry(iban.slice(0, 2))) return { ok: false, error: 'ibanNotSepa' };
	return { ok: true, value: iban };
}

/** Checks a BIC (8 or 11 characters, ISO 9362) with ibantools; stored upper case without spaces. */
export function validateBic(input: string): Checked<string, BicError> {
	const bic = input.replace(/\s+/g, '').toUpperCase();
	if (bic === '') return { ok: false, error: 'required' };
	const codes = validateBIC(bic).errorCodes;
	if (codes.includes(ValidationErrorsBIC.WrongBICFormat)) return { ok: false, error: 'bicFormat' };
	if (codes.includes(ValidationErrorsBIC.NoBICCountry)) {
		// ibantools checks the country (characters 5-6) first; a BIC too short to have one is a format error.
		return {
			ok: false,
			error: /^[A-Z]{4}[A-Z]{2}[0-9A-Z]{2}([0-9A-Z]{3})?$/.test(bic) ? 'bicCountry' : 'bicFormat'
		};
	}
	return { ok: true, value: bic };
}

/** Longest Mandatsreferenz (EPC SEPA Direct Debit rulebook, attribute AT-01). */
export const MAX_MANDATE_REFERENCE_LENGTH = 35;
/** Longest account holder name a SEPA message carries. */
export const MAX_ACCOUNT_HOLDER_LENGTH = 70;

// The SEPA basic Latin character set (EPC Implementation Guidelines, "Character set"); identifiers
// such as the mandate reference must not start or end with "/" nor contain "//".
const SEPA_REFERENCE = /^[A-Za-z0-9/\-?:().,'+ ]+$/;

export function validateMandateReference(input: string): Checked<string> {
	const reference = input.trim();
	if (reference === '') return { ok: false, error: 'required' };
	if (reference.length > MAX_MANDATE_REFERENCE_LENGTH) return { ok: false, error: 'tooLong' };
	if (
		!SEPA_REFERENCE.test(reference) ||
		reference.startsWith('/') ||
		reference.endsWith('/') ||
		reference.includes('//')
	) {
		return { ok: false, error: 'mandateReferenceFormat' };
	}
	return { ok: true, value: reference };
}

export type SepaMandateField = keyof SepaMandate;

/**
 * Checks a direct debit mandate: reference, signing date (a real date, not after `today` when that
 * is given, `YYYY-MM-DD`), account holder and an IBAN of the SEPA area are required; the BIC is
 * optional, but checked when given.
 */
export function validateSepaMandate(
	mandate: SepaMandate,
	options: { today?: string } = {}
): CheckedForm<SepaMandate, SepaMandateField> {
	const errors: FieldErrors<SepaMandateField> = {};
	const reference = validateMandateReference(mandate.reference);
	if (!reference.ok) errors.reference = reference.error;

	const signedOn = mandate.signedOn.trim();
	if (signedOn === '') errors.signedOn = 'required';
	else if (!isIsoDate(signedOn)) errors.signedOn = 'mandateDateInvalid';
	else if (options.today !== undefined && signedOn > options.today) errors.signedOn = 'mandateDateFuture';

	const accountHolder = mandate.accountHolder.trim().replace(/\s+/g, ' ');
	if (accountHolder === '') errors.accountHolder = 'required';
	else if (accountHolder.length > MAX_ACCOUNT_HOLDER_LENGTH) errors.accountHolder = 'tooLong';

	const iban = validateIban(mandate.iban, { sepaOnly: true });
	if (!iban.ok) errors.iban = iban.error;

	let bic = '';
	if (mandate.bic.trim() !== '') {
		const checked = validateBic(mandate.bic);
		if (checked.ok) bic = checked.value;
		else errors.bic = checked.error;
	}

	if (!reference.ok || !iban.ok || Object.keys(errors).length > 0) return { ok: false, errors };
	return {
		ok: true,
		value: { reference: reference.value, signedOn, accountHolder, iban: iban.value, bic }
	};
}
