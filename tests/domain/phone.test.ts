import { describe, expect, it } from 'vitest';
import { digitsOf, parsePhone, phoneSearchDigits } from '../../src/lib/domain';

describe('parsePhone', () => {
	it.each([
		// Germany, the same Berlin number typed every usual way
		['030 1234567', 'DE', '+49301234567', '030 1234567'],
		['(030) 123 45 67', 'DE', '+49301234567', '030 1234567'],
		['030/1234567', 'DE', '+49301234567', '030 1234567'],
		['030-123 456 7', 'DE', '+49301234567', '030 1234567'],
		['+49 30 1234567', 'DE', '+49301234567', '030 1234567'],
		['+49 (0)30 1234567', 'DE', '+49301234567', '030 1234567'],
		['0049 30 1234567', 'DE', '+49301234567', '030 1234567'],
		['00 49 30 1234567', 'DE', '+49301234567', '030 1234567'],
		['  030 1234567  ', 'DE', '+49301234567', '030 1234567'],
		['030 1234567', 'de', '+49301234567', '030 1234567'],
		// other German numbers
		['0171 2345678', 'DE', '+491712345678', '0171 2345678'],
		['+49 171 2345678', 'DE', '+491712345678', '0171 2345678'],
		['089 12345678', 'DE', '+498912345678', '089 12345678'],
		['0221 123456', 'DE', '+49221123456', '0221 123456'],
		['06221 123456', 'DE', '+496221123456', '06221 123456'],
		['0800 1234567', 'DE', '+498001234567', '0800 1234567'],
		// Switzerland and Austria with their own country as default
		['044 668 18 00', 'CH', '+41446681800', '044 668 18 00'],
		['+41 44 668 18 00', 'DE', '+41446681800', '044 668 18 00'],
		['01 5121234', 'AT', '+4315121234', '01 5121234'],
		['0664 1234567', 'AT', '+436641234567', '0664 1234567'],
		['+43 1 5121234', 'DE', '+4315121234', '01 5121234'],
		// an international number keeps its own country whatever the default
		['+1 212 555 0123', 'DE', '+12125550123', '(212) 555-0123'],
		// extensions are allowed; E.164 has no extension
		['030 1234567 ext 12', 'DE', '+49301234567', '030 1234567 ext. 12'],
		['030 1234567 Durchwahl 12', 'DE', '+49301234567', '030 1234567 ext. 12'],
		['030 1234567 DW 12', 'DE', '+49301234567', '030 1234567 ext. 12']
	])('%j (%s) -> %s', (input, country, e164, national) => {
		expect(parsePhone(input, country)).toEqual({ ok: true, e164, national });
	});

	it('reads a number without country code in the contact country', () => {
		expect(parsePhone('044 668 18 00', 'CH')).toMatchObject({ ok: true, e164: '+41446681800' });
		expect(parsePhone('044 668 18 00', 'DE')).toMatchObject({ ok: true, e164: '+49446681800' });
		expect(parsePhone('030 1234567', 'CH')).toMatchObject({ ok: true, e164: '+41301234567' });
	});

	it.each([
		['123', 'DE'],
		['abc', 'DE'],
		['030', 'DE'],
		['01 23', 'DE'],
		['+49 30 12', 'DE'],
		['030 12345x67', 'DE'],
		['030 CALL-NOW', 'DE'],
		['Zentrale', 'DE'],
		['', 'DE'],
		['   ', 'DE'],
		['+', 'DE'],
		['0049 0 30', 'DE'],
		// no usable default country: only numbers with a country code are readable
		['030 1234567', ''],
		['030 1234567', 'XX'],
		['030 1234567', 'Deutschland']
	])('%j (%j) is invalid', (input, country) => {
		expect(parsePhone(input, country)).toEqual({ ok: false });
	});

	it('needs no default country for a number with country code', () => {
		expect(parsePhone('+49 30 1234567', '')).toMatchObject({ ok: true, e164: '+49301234567' });
		expect(parsePhone('0049 30 1234567', 'XX')).toMatchObject({ ok: true, e164: '+49301234567' });
	});
});

describe('digitsOf', () => {
	it.each([
		['+49 (0)30 123-45', '4903012345'],
		['030/1234567', '0301234567'],
		['abc', ''],
		['', '']
	])('%j -> %j', (input, expected) => {
		expect(digitsOf(input)).toBe(expected);
	});
});

describe('phoneSearchDigits', () => {
	it.each([
		['+49301234567', ['49301234567', '0301234567']],
		['+491712345678', ['491712345678', '01712345678']],
		['+41446681800', ['41446681800', '0446681800']],
		['+4315121234', ['4315121234', '015121234']],
		// no trunk prefix in the USA: the national form is the number without the country code
		['+12125550123', ['12125550123', '2125550123']]
	])('%s -> %j', (e164, expected) => {
		expect(phoneSearchDigits(e164)).toEqual(expected);
	});

	it.each([
		['', []],
		['garbage', []],
		['4930', ['4930']]
	])('unparseable %j keeps only its digits', (input, expected) => {
		expect(phoneSearchDigits(input)).toEqual(expected);
	});

	it('round-trips: every typing of a number gives the same search digits', () => {
		const forms = ['030 1234567', '(030) 123 45 67', '+49 30 1234567', '0049 30 1234567'];
		const digits = forms.map((f) => {
			const parsed = parsePhone(f, 'DE');
			return parsed.ok ? phoneSearchDigits(parsed.e164) : [];
		});
		for (const d of digits) expect(d).toEqual(['49301234567', '0301234567']);
	});
});
