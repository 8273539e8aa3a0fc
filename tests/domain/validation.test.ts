import { describe, expect, it } from 'vitest';
import {
	CHANNEL_KINDS,
	MAX_FIELD_LENGTH,
	isContactLanguage,
	isCountryCode,
	isEmailPurpose,
	isSalutation,
	validateChannelValue,
	validateEmail,
	validatePhone
} from '../../src/lib/domain';

describe('validateEmail', () => {
	it.each([
		['anna@firma.de', 'anna@firma.de', 'anna@firma.de'],
		['Anna.Mueller@Firma.DE', 'Anna.Mueller@Firma.DE', 'anna.mueller@firma.de'],
		['  info@mueller-maschinenbau.de  ', 'info@mueller-maschinenbau.de', 'info@mueller-maschinenbau.de'],
		['buchhaltung+rechnung@firma.de', 'buchhaltung+rechnung@firma.de', 'buchhaltung+rechnung@firma.de'],
		['a.b-c_d@sub.domain.co.uk', 'a.b-c_d@sub.domain.co.uk', 'a.b-c_d@sub.domain.co.uk'],
		['jürgen@müller.de', 'jürgen@müller.de', 'jürgen@müller.de'],
		['ÖZIL@BÄCKEREI.DE', 'ÖZIL@BÄCKEREI.DE', 'özil@bäckerei.de'],
		['info@example.museum', 'info@example.museum', 'info@example.museum']
	])('%j is valid', (input, value, normalized) => {
		expect(validateEmail(input)).toEqual({ ok: true, value: { value, normalized } });
	});

	it.each([
		['a@b'],
		['a b@c.de'],
		['x@firma..de'],
		['anna..mueller@firma.de'],
		['anna@firma'],
		['anna@firma.d'],
		['anna@firma.de.'],
		['anna@@firma.de'],
		['anna@firma@de.de'],
		['@firma.de'],
		['anna@.de'],
		['anna@'],
		['firma.de'],
		['"anna"@firma.de'],
		['Anna <anna@firma.de>'],
		['anna@firma.de, bernd@firma.de'],
		['anna@firma.de;'],
		['anna@fir ma.de']
	])('%j is emailInvalid', (input) => {
		expect(validateEmail(input)).toEqual({ ok: false, error: 'emailInvalid' });
	});

	it.each([[''], ['   '], ['\t\n']])('%j is required', (input) => {
		expect(validateEmail(input)).toEqual({ ok: false, error: 'required' });
	});

	it('refuses an address longer than a field takes, before checking its form', () => {
		const local = 'a'.repeat(MAX_FIELD_LENGTH - '@firma.de'.length);
		expect(validateEmail(`${local}@firma.de`)).toMatchObject({ ok: true });
		expect(validateEmail(`${local}a@firma.de`)).toEqual({ ok: false, error: 'tooLong' });
		expect(validateEmail(`${'x '.repeat(150)}`)).toEqual({ ok: false, error: 'tooLong' });
	});

	it('measures the length after trimming', () => {
		const local = 'a'.repeat(MAX_FIELD_LENGTH - '@firma.de'.length);
		expect(validateEmail(`   ${local}@firma.de   `)).toMatchObject({ ok: true });
	});
});

describe('validatePhone', () => {
	it.each([
		['030 1234567', 'DE', '030 1234567', '+49301234567'],
		['  +49 30 1234567 ', 'DE', '+49 30 1234567', '+49301234567'],
		['0049 30 1234567', 'DE', '0049 30 1234567', '+49301234567'],
		['0171 2345678', 'DE', '0171 2345678', '+491712345678'],
		['044 668 18 00', 'CH', '044 668 18 00', '+41446681800'],
		['01 5121234', 'AT', '01 5121234', '+4315121234']
	])('%j (%s) keeps what was typed and normalizes to E.164', (input, country, value, normalized) => {
		expect(validatePhone(input, country)).toEqual({ ok: true, value: { value, normalized } });
	});

	// The checks run in this order: required, then tooLong, then phoneInvalid.
	it.each([
		['', 'DE', 'required'],
		['   ', 'DE', 'required'],
		['', 'XX', 'required'],
		['0'.repeat(41), 'DE', 'tooLong'],
		['030 1234567 '.repeat(4), 'DE', 'tooLong'],
		['x'.repeat(41), 'DE', 'tooLong'],
		['123', 'DE', 'phoneInvalid'],
		['abc', 'DE', 'phoneInvalid'],
		['030', 'DE', 'phoneInvalid'],
		['030 12A4567', 'DE', 'phoneInvalid'],
		['030 1234567', 'XX', 'phoneInvalid'],
		['030 1234567', '', 'phoneInvalid']
	])('%j (%j) -> %s', (input, country, error) => {
		expect(validatePhone(input, country)).toEqual({ ok: false, error });
	});

	it('allows 40 characters after trimming, not 41', () => {
		expect(validatePhone(` ${'1'.repeat(40)} `, 'DE')).toEqual({ ok: false, error: 'phoneInvalid' });
		expect(validatePhone('1'.repeat(41), 'DE')).toEqual({ ok: false, error: 'tooLong' });
	});
});

describe('validateChannelValue', () => {
	it.each(CHANNEL_KINDS.filter((k) => k !== 'email'))('reads %s as a phone number', (kind) => {
		expect(validateChannelValue(kind, '030 1234567', 'DE')).toEqual({
			ok: true,
			value: { value: '030 1234567', normalized: '+49301234567' }
		});
		expect(validateChannelValue(kind, 'anna@firma.de', 'DE')).toEqual({ ok: false, error: 'phoneInvalid' });
		expect(validateChannelValue(kind, '044 668 18 00', 'CH')).toMatchObject({
			value: { normalized: '+41446681800' }
		});
	});

	it('reads email as an e-mail address, whatever the country', () => {
		expect(validateChannelValue('email', 'Anna@Firma.de', 'XX')).toEqual({
			ok: true,
			value: { value: 'Anna@Firma.de', normalized: 'anna@firma.de' }
		});
		expect(validateChannelValue('email', '030 1234567', 'DE')).toEqual({ ok: false, error: 'emailInvalid' });
		expect(validateChannelValue('email', ' ', 'DE')).toEqual({ ok: false, error: 'required' });
	});
});

describe('value guards', () => {
	it.each([
		[isEmailPurpose, 'invoice', true],
		[isEmailPurpose, 'storageLetter', true],
		[isEmailPurpose, 'Invoice', false],
		[isEmailPurpose, 'rechnung', false],
		[isEmailPurpose, null, false],
		[isCountryCode, 'DE', true],
		[isCountryCode, 'CH', true],
		[isCountryCode, 'de', false],
		[isCountryCode, 'DEU', false],
		[isCountryCode, '', false],
		[isCountryCode, 49, false],
		[isContactLanguage, 'de', true],
		[isContactLanguage, 'nl', true],
		[isContactLanguage, 'DE', false],
		[isContactLanguage, 'pl', false],
		[isContactLanguage, undefined, false],
		[isSalutation, 'mr', true],
		[isSalutation, 'diverse', true],
		[isSalutation, 'Herr', false],
		[isSalutation, {}, false]
	])('%o(%j) -> %s', (guard, value, expected) => {
		expect(guard(value)).toBe(expected);
	});
});
