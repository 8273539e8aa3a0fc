import { describe, expect, it } from 'vitest';
import { EORI_COUNTRIES, VAT_ID_PREFIXES, validateEori, validateVatId } from '../../src/lib/domain';

describe('validateVatId', () => {
	// Numbers in use (DE136695976, ATU13585627, FR59542051180 ...) or published as examples; each
	// passes its country's format and check digit algorithm as jsvat implements it.
	it.each([
		['DE136695976', 'DE136695976'],
		['de 136 695 976', 'DE136695976'],
		['DE-136.695.976', 'DE136695976'],
		['ATU13585627', 'ATU13585627'],
		['atu 135 856 27', 'ATU13585627'],
		['FR40303265045', 'FR40303265045'],
		['FR59542051180', 'FR59542051180'],
		// French numbers with letters in the key have no published check; the format decides.
		['FRK7399859412', 'FRK7399859412'],
		['FRXX999999999', 'FRXX999999999'],
		['NL004495445B01', 'NL004495445B01'],
		['IT00743110157', 'IT00743110157'],
		['BE0411905847', 'BE0411905847'],
		['BE0403019261', 'BE0403019261'],
		['ESA28015865', 'ESA28015865'],
		['PL5260250274', 'PL5260250274'],
		['DK13585628', 'DK13585628'],
		['SE556036079301', 'SE556036079301'],
		['IE6388047V', 'IE6388047V'],
		['LU15027442', 'LU15027442'],
		['CZ25123891', 'CZ25123891'],
		['EL094259216', 'EL094259216']
	])('%j is valid as %s', (input, vatId) => {
		expect(validateVatId(input)).toEqual({ ok: true, value: vatId });
	});

	it('takes Belgian enterprise numbers of the 1-series, which jsvat 2.5.4 alone refuses', () => {
		expect(validateVatId('BE1000003682')).toEqual({ ok: true, value: 'BE1000003682' });
		expect(validateVatId('BE 1000.003.682')).toEqual({ ok: true, value: 'BE1000003682' });
		expect(validateVatId('BE1000003683')).toEqual({ ok: false, error: 'vatChecksum' });
		expect(validateVatId('BE2000003682')).toEqual({ ok: false, error: 'vatFormat' });
	});

	it('stores a Greek number with the VIES prefix EL', () => {
		expect(validateVatId('GR094259216')).toEqual({ ok: true, value: 'EL094259216' });
	});

	it('checks Northern Irish (XI) numbers by the UK rules', () => {
		expect(validateVatId('XI980780684')).toEqual({ ok: true, value: 'XI980780684' });
		expect(validateVatId('XI980780685')).toEqual({ ok: false, error: 'vatChecksum' });
	});

	it.each([
		['DE136695977', 'vatChecksum'],
		['FR40542051180', 'vatChecksum'],
		['BE0411905848', 'vatChecksum'],
		['ATU13585628', 'vatChecksum'],
		['DE13669597', 'vatFormat'],
		['DE1366959761', 'vatFormat'],
		['DE036695976', 'vatFormat'],
		['ATU1358562', 'vatFormat'],
		['AT13585627', 'vatFormat'],
		['NL004495445', 'vatFormat'],
		['GB980780684', 'vatCountry'],
		['CHE116281710', 'vatCountry'],
		['US123456789', 'vatCountry'],
		['136695976', 'vatCountry'],
		['', 'required'],
		[' - ', 'required']
	])('%j is %s', (input, error) => {
		expect(validateVatId(input)).toEqual({ ok: false, error });
	});

	it('knows the 27 member states and XI', () => {
		expect(VAT_ID_PREFIXES).toHaveLength(28);
		expect(VAT_ID_PREFIXES).toContain('EL');
		expect(VAT_ID_PREFIXES).not.toContain('GR');
		expect(VAT_ID_PREFIXES).not.toContain('GB');
	});
});

describe('validateEori', () => {
	// EORI numbers have no check digit: these are the published shapes (German customs numbers,
	// Austrian EOS numbers, GB/XI numbers built from the VAT number plus 000).
	it.each([
		['DE1234567', 'DE1234567'],
		['de 1234567', 'DE1234567'],
		['DE123456789012345', 'DE123456789012345'],
		['ATEOS1000012345', 'ATEOS1000012345'],
		['FR12345678901234', 'FR12345678901234'],
		['GB980780684000', 'GB980780684000'],
		['XI980780684000', 'XI980780684000'],
		['GR094259216', 'GR094259216']
	])('%j is valid as %s', (input, eori) => {
		expect(validateEori(input)).toEqual({ ok: true, value: eori });
	});

	it.each([
		['DE1234567890123456', 'eoriFormat'],
		['DEABC1234', 'eoriFormat'],
		['DE', 'eoriFormat'],
		['FR1234567890123456', 'eoriFormat'],
		['NL-123', 'eoriFormat'],
		['US1234', 'eoriCountry'],
		['EL094259216', 'eoriCountry'],
		['CH1234567', 'eoriCountry'],
		['D1234', 'eoriCountry'],
		['12345', 'eoriCountry'],
		['', 'required']
	])('%j is %s', (input, error) => {
		expect(validateEori(input)).toEqual({ ok: false, error });
	});

	it('knows the member states, GB and XI', () => {
		expect(EORI_COUNTRIES).toHaveLength(29);
	});
});
