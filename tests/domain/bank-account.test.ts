import { describe, expect, it } from 'vitest';
import {
	MAX_ACCOUNT_HOLDER_LENGTH,
	validateBic,
	validateIban,
	validateMandateReference,
	validateSepaMandate,
	type SepaMandate
} from '../../src/lib/domain';

describe('validateIban', () => {
	// Published example IBANs of the banks and payment associations of each country.
	it.each([
		['DE89370400440532013000', 'DE89370400440532013000'],
		['de89 3704 0044 0532 0130 00', 'DE89370400440532013000'],
		['  DE89 3704 0044 0532 0130 00  ', 'DE89370400440532013000'],
		['DE89-3704-0044-0532-0130-00', 'DE89370400440532013000'],
		['AT611904300234573201', 'AT611904300234573201'],
		['CH9300762011623852957', 'CH9300762011623852957'],
		['GB29NWBK60161331926819', 'GB29NWBK60161331926819'],
		['FR14 2004 1010 0505 0001 3M02 606', 'FR1420041010050500013M02606'],
		['NL91ABNA0417164300', 'NL91ABNA0417164300'],
		['BE68539007547034', 'BE68539007547034'],
		['TR330006100519786457841326', 'TR330006100519786457841326']
	])('%j is valid as %s', (input, iban) => {
		expect(validateIban(input)).toEqual({ ok: true, value: iban });
	});

	it.each([
		// One digit changed: the ISO 7064 check digits no longer fit.
		['DE89370400440532013001', 'ibanChecksum'],
		['DE88370400440532013000', 'ibanChecksum'],
		// IBAN check digits fit, but the Belgian account number's own check digits (97-modulus) do not.
		['BE41539007547035', 'ibanChecksum'],
		['DE8937040044053201300', 'ibanFormat'],
		['DE893704004405320130000', 'ibanFormat'],
		['DE8937040044053201300A', 'ibanFormat'],
		['DEXX370400440532013000', 'ibanFormat'],
		['not an iban', 'ibanFormat'],
		['DE89.3704.0044.0532.0130.00', 'ibanFormat'],
		['XX89370400440532013000', 'ibanCountry'],
		['', 'required'],
		['   ', 'required']
	])('%j is %s', (input, error) => {
		expect(validateIban(input)).toEqual({ ok: false, error });
	});

	it('refuses an IBAN outside the SEPA area only when asked to', () => {
		expect(validateIban('TR330006100519786457841326', { sepaOnly: true })).toEqual({
			ok: false,
			error: 'ibanNotSepa'
		});
		expect(validateIban('BR1800360305000010009795493C1', { sepaOnly: true })).toEqual({
			ok: false,
			error: 'ibanNotSepa'
		});
		expect(validateIban('BR1800360305000010009795493C1')).toMatchObject({ ok: true });
		// Switzerland and the United Kingdom are outside the EU but inside SEPA.
		expect(validateIban('CH9300762011623852957', { sepaOnly: true })).toMatchObject({ ok: true });
		expect(validateIban('GB29NWBK60161331926819', { sepaOnly: true })).toMatchObject({ ok: true });
	});

	it('reports a broken checksum before the SEPA area', () => {
		expect(validateIban('TR330006100519786457841327', { sepaOnly: true })).toEqual({
			ok: false,
			error: 'ibanChecksum'
		});
	});
});

describe('validateBic', () => {
	it.each([
		['COBADEFFXXX', 'COBADEFFXXX'],
		['COBADEFF', 'COBADEFF'],
		['cobadeff xxx', 'COBADEFFXXX'],
		['DEUTDEFF500', 'DEUTDEFF500'],
		['GENODEF1S04', 'GENODEF1S04'],
		['INGDDEFFXXX', 'INGDDEFFXXX'],
		['BYLADEMM', 'BYLADEMM'],
		['BKAUATWW', 'BKAUATWW']
	])('%j is valid as %s', (input, bic) => {
		expect(validateBic(input)).toEqual({ ok: true, value: bic });
	});

	it.each([
		['COBADEF', 'bicFormat'],
		['COBADEFFXX', 'bicFormat'],
		['COBADEFFXXXX', 'bicFormat'],
		['COBADE-FF', 'bicFormat'],
		['COBA1EFF', 'bicFormat'],
		['COBA', 'bicFormat'],
		['COBAXXFF', 'bicCountry'],
		['COBAQQFFXXX', 'bicCountry'],
		['', 'required']
	])('%j is %s', (input, error) => {
		expect(validateBic(input)).toEqual({ ok: false, error });
	});
});

describe('validateMandateReference', () => {
	it.each([
		['KD-10023-2024', 'KD-10023-2024'],
		['  MANDAT 4711  ', 'MANDAT 4711'],
		["A/B:C?(1).2,3'+", "A/B:C?(1).2,3'+"],
		['x'.repeat(35), 'x'.repeat(35)]
	])('%j is valid', (input, value) => {
		expect(validateMandateReference(input)).toEqual({ ok: true, value });
	});

	it.each([
		['x'.repeat(36), 'tooLong'],
		['Müller-1', 'mandateReferenceFormat'],
		['KD_10023', 'mandateReferenceFormat'],
		['KD#1', 'mandateReferenceFormat'],
		['/KD1', 'mandateReferenceFormat'],
		['KD1/', 'mandateReferenceFormat'],
		['KD//1', 'mandateReferenceFormat'],
		['', 'required']
	])('%j is %s', (input, error) => {
		expect(validateMandateReference(input)).toEqual({ ok: false, error });
	});
});

describe('validateSepaMandate', () => {
	const mandate = (overrides: Partial<SepaMandate> = {}): SepaMandate => ({
		reference: 'KD-10023-1',
		signedOn: '2024-03-01',
		accountHolder: 'Müller Maschinenbau GmbH',
		iban: 'DE89 3704 0044 0532 0130 00',
		bic: 'cobadeff',
		...overrides
	});

	it('normalises a complete mandate', () => {
		expect(validateSepaMandate(mandate({ accountHolder: '  Müller   Maschinenbau GmbH ' }))).toEqual({
			ok: true,
			value: {
				reference: 'KD-10023-1',
				signedOn: '2024-03-01',
				accountHolder: 'Müller Maschinenbau GmbH',
				iban: 'DE89370400440532013000',
				bic: 'COBADEFF'
			}
		});
	});

	it('takes a mandate without a BIC', () => {
		expect(validateSepaMandate(mandate({ bic: '  ' }))).toMatchObject({ ok: true, value: { bic: '' } });
	});

	it('reports every wrong field at once', () => {
		expect(
			validateSepaMandate({ reference: '', signedOn: '', accountHolder: ' ', iban: '', bic: 'COBADEF' })
		).toEqual({
			ok: false,
			errors: {
				reference: 'required',
				signedOn: 'required',
				accountHolder: 'required',
				iban: 'required',
				bic: 'bicFormat'
			}
		});
	});

	it.each([
		['2024-02-30', 'mandateDateInvalid'],
		['2023-02-29', 'mandateDateInvalid'],
		['2024-13-01', 'mandateDateInvalid'],
		['01.03.2024', 'mandateDateInvalid'],
		['2024-3-1', 'mandateDateInvalid']
	])('a signing date %j is %s', (signedOn, error) => {
		expect(validateSepaMandate(mandate({ signedOn }))).toEqual({ ok: false, errors: { signedOn: error } });
	});

	it('takes 29 February of a leap year', () => {
		expect(validateSepaMandate(mandate({ signedOn: '2024-02-29' }))).toMatchObject({ ok: true });
	});

	it('refuses a signing date after today only when today is given', () => {
		const later = mandate({ signedOn: '2024-03-02' });
		expect(validateSepaMandate(later, { today: '2024-03-01' })).toEqual({
			ok: false,
			errors: { signedOn: 'mandateDateFuture' }
		});
		expect(validateSepaMandate(later, { today: '2024-03-02' })).toMatchObject({ ok: true });
		expect(validateSepaMandate(later)).toMatchObject({ ok: true });
	});

	it('needs an IBAN of the SEPA area and a valid one', () => {
		expect(validateSepaMandate(mandate({ iban: 'TR330006100519786457841326' }))).toEqual({
			ok: false,
			errors: { iban: 'ibanNotSepa' }
		});
		expect(validateSepaMandate(mandate({ iban: 'DE89370400440532013001' }))).toEqual({
			ok: false,
			errors: { iban: 'ibanChecksum' }
		});
	});

	it('limits the account holder to what a SEPA message carries', () => {
		const name = 'A'.repeat(MAX_ACCOUNT_HOLDER_LENGTH);
		expect(validateSepaMandate(mandate({ accountHolder: name }))).toMatchObject({ ok: true });
		expect(validateSepaMandate(mandate({ accountHolder: `${name}B` }))).toEqual({
			ok: false,
			errors: { accountHolder: 'tooLong' }
		});
	});
});
