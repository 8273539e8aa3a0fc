import { describe, expect, it } from 'vitest';
import {
	COMMERCIAL_ERRORS,
	MAX_ACCOUNT_NUMBER_LENGTH,
	emptyCustomerData,
	emptySupplierData,
	isIsoDate,
	validateCustomerData,
	validateDiscount,
	validateSupplierData,
	type ContactId,
	type CustomerData,
	type CustomerDataInput,
	type InvoiceRecipientLookup
} from '../../src/lib/domain';
import { mulberry32, seededContactId } from '../factories';

const rng = mulberry32(6);
const [A, B, C, D] = [seededContactId(rng), seededContactId(rng), seededContactId(rng), seededContactId(rng)];

describe('validateDiscount', () => {
	it.each([
		[0, 0],
		[100, 100],
		[12.5, 12.5],
		[12.25, 12.25],
		[0.01, 0.01],
		[99.99, 99.99],
		// Float noise from arithmetic is not a third decimal.
		[0.1 + 0.2, 0.3],
		[-0, 0],
		['12,5', 12.5],
		['12.5', 12.5],
		[' 7 ', 7],
		['0,05', 0.05],
		['100', 100],
		['100,00', 100],
		[',5', 0.5],
		['3.', 3]
	])('%j is %s', (input, value) => {
		expect(validateDiscount(input)).toEqual({ ok: true, value });
	});

	it.each([
		[-0.01, 'discountRange'],
		[100.01, 'discountRange'],
		[-5, 'discountRange'],
		['-1', 'discountRange'],
		['150', 'discountRange'],
		// Range is checked before precision.
		['100,001', 'discountRange'],
		[12.345, 'discountPrecision'],
		['12,345', 'discountPrecision'],
		['0,001', 'discountPrecision'],
		[Number.NaN, 'discountInvalid'],
		[Number.POSITIVE_INFINITY, 'discountInvalid'],
		['zehn', 'discountInvalid'],
		['12 %', 'discountInvalid'],
		['1,2,3', 'discountInvalid'],
		['1e1', 'discountInvalid'],
		['', 'required'],
		['  ', 'required']
	])('%j is %s', (input, error) => {
		expect(validateDiscount(input)).toEqual({ ok: false, error });
	});
});

describe('isIsoDate', () => {
	it.each([
		['2024-02-29', true],
		['2023-02-29', false],
		['2000-02-29', true],
		['1900-02-29', false],
		['2024-04-31', false],
		['2024-12-31', true],
		['2024-00-10', false],
		['2024-1-10', false],
		['', false]
	])('%j -> %s', (input, expected) => {
		expect(isIsoDate(input)).toBe(expected);
	});
});

const input = (overrides: Partial<CustomerDataInput> = {}): CustomerDataInput => ({
	...emptyCustomerData(),
	...overrides
});

describe('validateCustomerData', () => {
	it('takes the empty tab as it is', () => {
		expect(validateCustomerData(emptyCustomerData())).toEqual({ ok: true, value: emptyCustomerData() });
	});

	it('normalises every field of a complete tab', () => {
		const result = validateCustomerData(
			input({
				customerNumber: '  K-10023 ',
				supplierNumberAtCustomer: ' L 4711 ',
				invoiceRecipientId: B,
				documentEmail: ' Rechnung@Mueller-Maschinenbau.de ',
				deliveryTermsId: ' frei-haus ',
				paymentTermsId: '',
				sepa: {
					reference: 'K-10023-1',
					signedOn: '2024-03-01',
					accountHolder: 'Müller Maschinenbau GmbH',
					iban: 'de89 3704 0044 0532 0130 00',
					bic: 'COBADEFFXXX'
				},
				collectiveInvoice: true,
				dunning: false,
				vatId: 'de 136 695 976',
				taxNumber: '181 815 08155',
				eori: 'de 1234567',
				discounts: { 'pg-tools': '12,5', 'pg-parts': 3 }
			}),
			{ contactId: A, federalState: 'BY' }
		);
		const expected: CustomerData = {
			customerNumber: 'K-10023',
			supplierNumberAtCustomer: 'L 4711',
			invoiceRecipientId: B,
			documentEmail: 'Rechnung@Mueller-Maschinenbau.de',
			deliveryTermsId: 'frei-haus',
			paymentTermsId: null,
			sepa: {
				reference: 'K-10023-1',
				signedOn: '2024-03-01',
				accountHolder: 'Müller Maschinenbau GmbH',
				iban: 'DE89370400440532013000',
				bic: 'COBADEFFXXX'
			},
			collectiveInvoice: true,
			dunning: false,
			vatId: 'DE136695976',
			taxNumber: '181/815/08155',
			eori: 'DE1234567',
			discounts: { 'pg-tools': 12.5, 'pg-parts': 3 }
		};
		expect(result).toEqual({ ok: true, value: expected });
	});

	it('reports every invalid field, keyed by its path, and saves nothing', () => {
		const result = validateCustomerData(
			input({
				customerNumber: 'K'.repeat(MAX_ACCOUNT_NUMBER_LENGTH + 1),
				invoiceRecipientId: A,
				documentEmail: 'rechnung@',
				sepa: {
					reference: 'K//1',
					signedOn: '2024-02-30',
					accountHolder: 'X',
					iban: 'DE89370400440532013001',
					bic: ''
				},
				vatId: 'DE136695977',
				taxNumber: '12345',
				eori: 'US1234',
				discounts: { 'pg-tools': 120, 'pg-parts': '2,555', ' ': 5, 'pg-ok': 10 }
			}),
			{ contactId: A }
		);
		expect(result).toEqual({
			ok: false,
			errors: {
				customerNumber: 'tooLong',
				invoiceRecipientId: 'invoiceRecipientSelf',
				documentEmail: 'emailInvalid',
				'sepa.reference': 'mandateReferenceFormat',
				'sepa.signedOn': 'mandateDateInvalid',
				'sepa.iban': 'ibanChecksum',
				vatId: 'vatChecksum',
				taxNumber: 'taxNumberFormat',
				eori: 'eoriCountry',
				'discounts.pg-tools': 'discountRange',
				'discounts.pg-parts': 'discountPrecision',
				'discounts. ': 'productGroupInvalid'
			}
		});
	});

	it('uses only codes of the published list', () => {
		const result = validateCustomerData(
			input({ vatId: 'x', eori: 'x', taxNumber: 'x', documentEmail: 'x', discounts: { a: 'x' } })
		);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		for (const code of Object.values(result.errors)) expect(COMMERCIAL_ERRORS).toContain(code);
	});

	it('checks the tax number against German formats only for German contacts', () => {
		expect(validateCustomerData(input({ taxNumber: '12-345/6789' }), { country: 'AT' })).toMatchObject({
			ok: true,
			value: { taxNumber: '12-345/6789' }
		});
		expect(validateCustomerData(input({ taxNumber: '12-345/6789' }), { country: 'DE' })).toEqual({
			ok: false,
			errors: { taxNumber: 'taxNumberFormat' }
		});
		expect(validateCustomerData(input({ taxNumber: '12-345/6789' }))).toEqual({
			ok: false,
			errors: { taxNumber: 'taxNumberFormat' }
		});
		expect(validateCustomerData(input({ taxNumber: 'x'.repeat(41) }), { country: 'AT' })).toEqual({
			ok: false,
			errors: { taxNumber: 'tooLong' }
		});
	});

	it('keeps a German tax number as digits while its state is unknown', () => {
		expect(validateCustomerData(input({ taxNumber: '93815/08152' }))).toMatchObject({
			ok: true,
			value: { taxNumber: '9381508152' }
		});
		expect(validateCustomerData(input({ taxNumber: '93815/08152' }), { federalState: 'BW' })).toMatchObject({
			ok: true,
			value: { taxNumber: '93815/08152' }
		});
		expect(validateCustomerData(input({ taxNumber: '2893081508152' }), { federalState: 'BY' })).toEqual({
			ok: false,
			errors: { taxNumber: 'taxNumberState' }
		});
	});

	it('refuses a mandate signed after today', () => {
		const sepa = {
			reference: 'K-1',
			signedOn: '2024-05-02',
			accountHolder: 'Anna Müller',
			iban: 'DE89370400440532013000',
			bic: ''
		};
		expect(validateCustomerData(input({ sepa }), { today: '2024-05-01' })).toEqual({
			ok: false,
			errors: { 'sepa.signedOn': 'mandateDateFuture' }
		});
	});

	it('maps an over-long document e-mail to tooLong', () => {
		const documentEmail = `${'a'.repeat(200)}@firma.de`;
		expect(validateCustomerData(input({ documentEmail }))).toEqual({
			ok: false,
			errors: { documentEmail: 'tooLong' }
		});
	});

	describe('invoice recipient', () => {
		const tabs: Record<string, ContactId | null> = { [B]: C, [C]: null, [D]: A };
		const lookup: InvoiceRecipientLookup = (id) =>
			id in tabs ? { customer: { invoiceRecipientId: tabs[id] ?? null } } : undefined;

		it('takes a recipient whose chain ends', () => {
			expect(validateCustomerData(input({ invoiceRecipientId: B }), { contactId: A, lookup })).toMatchObject({
				ok: true,
				value: { invoiceRecipientId: B }
			});
		});

		it('refuses a recipient whose chain leads back to the contact', () => {
			expect(validateCustomerData(input({ invoiceRecipientId: D }), { contactId: A, lookup })).toEqual({
				ok: false,
				errors: { invoiceRecipientId: 'invoiceRecipientCycle' }
			});
		});

		it('refuses a recipient whose chain loops elsewhere', () => {
			const looping: InvoiceRecipientLookup = (id) =>
				({ [B]: { customer: { invoiceRecipientId: C } }, [C]: { customer: { invoiceRecipientId: B } } })[id];
			expect(
				validateCustomerData(input({ invoiceRecipientId: B }), { contactId: A, lookup: looping })
			).toEqual({
				ok: false,
				errors: { invoiceRecipientId: 'invoiceRecipientCycle' }
			});
		});

		it('refuses a recipient that does not exist, given a lookup', () => {
			const missing = seededContactId(rng);
			expect(validateCustomerData(input({ invoiceRecipientId: missing }), { contactId: A, lookup })).toEqual({
				ok: false,
				errors: { invoiceRecipientId: 'invoiceRecipientMissing' }
			});
			expect(validateCustomerData(input({ invoiceRecipientId: missing }), { contactId: A })).toMatchObject({
				ok: true
			});
		});

		it('refuses the contact itself and text that is no contact id', () => {
			expect(validateCustomerData(input({ invoiceRecipientId: A }), { contactId: A })).toEqual({
				ok: false,
				errors: { invoiceRecipientId: 'invoiceRecipientSelf' }
			});
			expect(validateCustomerData(input({ invoiceRecipientId: 'mueller' as ContactId }))).toEqual({
				ok: false,
				errors: { invoiceRecipientId: 'invoiceRecipientInvalid' }
			});
		});

		it('lets a recipient without a customer tab end the chain', () => {
			const plain: InvoiceRecipientLookup = (id) => (id === B ? { customer: null } : undefined);
			expect(
				validateCustomerData(input({ invoiceRecipientId: B }), { contactId: A, lookup: plain })
			).toMatchObject({
				ok: true
			});
		});
	});
});

describe('validateSupplierData', () => {
	it('normalises the tab', () => {
		expect(
			validateSupplierData({
				supplierNumber: ' L-200 ',
				customerNumberAtSupplier: ' 99812 ',
				paymentTermsId: ' 30-netto '
			})
		).toEqual({
			ok: true,
			value: { supplierNumber: 'L-200', customerNumberAtSupplier: '99812', paymentTermsId: '30-netto' }
		});
		expect(validateSupplierData(emptySupplierData())).toEqual({ ok: true, value: emptySupplierData() });
	});

	it('reports every number that is too long', () => {
		const long = '9'.repeat(MAX_ACCOUNT_NUMBER_LENGTH + 1);
		expect(
			validateSupplierData({ supplierNumber: long, customerNumberAtSupplier: long, paymentTermsId: null })
		).toEqual({ ok: false, errors: { supplierNumber: 'tooLong', customerNumberAtSupplier: 'tooLong' } });
		expect(
			validateSupplierData({ supplierNumber: 'L-1', customerNumberAtSupplier: long, paymentTermsId: null })
		).toEqual({ ok: false, errors: { customerNumberAtSupplier: 'tooLong' } });
	});
});
