import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
	CONTACT_MAPS,
	LOCAL_ORIGIN,
	applyContactEdits,
	readContact,
	recordChanges
} from '../../src/lib/crdt';
import {
	emptyCustomerData,
	emptySupplierData,
	newGroupId,
	validateEdits,
	type ContactEdit,
	type SepaMandate
} from '../../src/lib/domain';
import { PARENT_ID, docWith, replica, sync, updatesDuring } from './helpers';

const SEPA: SepaMandate = {
	reference: 'MANDAT-2024-17',
	signedOn: '2024-03-01',
	accountHolder: 'Bäckerei Braun KG',
	iban: 'DE89370400440532013000',
	bic: 'COBADEFFXXX'
};
const SCREWS = newGroupId();
const TOOLS = newGroupId();

describe('customer and supplier data in the contact document', () => {
	it('round-trips every value of both tabs', () => {
		const doc = docWith({ isCustomer: true, isSupplier: true });
		const customer = {
			customerNumber: 'K-10042',
			supplierNumberAtCustomer: 'L-77',
			invoiceRecipientId: PARENT_ID,
			documentEmail: 'belege@braun.de',
			deliveryTermsId: 'frei-haus',
			paymentTermsId: '14-tage-2',
			sepa: SEPA,
			collectiveInvoice: true,
			dunning: false,
			vatId: 'DE136695976',
			taxNumber: '21/815/08150',
			eori: 'DE1234567',
			discounts: { [SCREWS]: 7.5, [TOOLS]: 12 }
		};
		const supplier = { supplierNumber: 'S-900', customerNumberAtSupplier: '4711', paymentTermsId: 'sofort' };
		applyContactEdits(doc, [
			{ type: 'setCustomer', values: customer },
			{ type: 'setSupplier', values: supplier }
		]);
		const contact = readContact(doc);
		expect(contact.customer).toEqual(customer);
		expect(contact.supplier).toEqual(supplier);
		expect([contact.isCustomer, contact.isSupplier, contact.inheritCommercial]).toEqual([true, true, false]);
	});

	it('reads defaults from a document without them, and from wrongly typed values', () => {
		expect(readContact(docWith()).customer).toEqual(emptyCustomerData());
		const doc = docWith();
		doc.transact(() => {
			const customer = doc.getMap(CONTACT_MAPS.customer);
			customer.set('customerNumber', 42);
			customer.set('invoiceRecipientId', 'not-a-uuid');
			customer.set('sepa', { iban: 7 });
			customer.set('dunning', 'no');
			doc.getMap(CONTACT_MAPS.discounts).set(SCREWS, 'viel');
			doc.getMap(CONTACT_MAPS.discounts).set(TOOLS, 250);
			doc.getMap(CONTACT_MAPS.supplier).set('paymentTermsId', '');
		});
		const contact = readContact(doc);
		expect(contact.customer).toEqual({ ...emptyCustomerData(), dunning: false });
		expect(contact.supplier).toEqual(emptySupplierData());
	});

	it('records each changed value in the history, and writes nothing when nothing changes', () => {
		const doc = docWith({ isCustomer: true });
		applyContactEdits(doc, [
			{ type: 'setCustomer', values: { vatId: 'DE136695976', discounts: { [SCREWS]: 5 } } }
		]);
		const changes = recordChanges(doc, LOCAL_ORIGIN, () =>
			applyContactEdits(doc, [
				{ type: 'setCustomer', values: { vatId: 'DE136695976', sepa: SEPA, discounts: { [TOOLS]: 3 } } }
			])
		);
		expect(changes).toEqual([
			{ path: ['customer', 'sepa'], from: undefined, to: SEPA },
			{ path: ['discounts', SCREWS], from: 5, to: undefined },
			{ path: ['discounts', TOOLS], from: undefined, to: 3 }
		]);
		const again: ContactEdit[] = [
			{ type: 'setCustomer', values: { vatId: 'DE136695976', sepa: { ...SEPA }, discounts: { [TOOLS]: 3 } } },
			{ type: 'setSupplier', values: emptySupplierData() }
		];
		expect(updatesDuring(doc, () => applyContactEdits(doc, again))).toBe(0);
	});

	it('keeps concurrent edits of different values, and of discounts of different product groups', () => {
		const base = docWith({ isCustomer: true });
		for (const ids of [
			[10, 20],
			[20, 10]
		] as const) {
			const a = replica(base, ids[0]);
			const b = replica(base, ids[1]);
			applyContactEdits(a, [
				{ type: 'setCustomer', values: { vatId: 'DE136695976', discounts: { [SCREWS]: 5 } } }
			]);
			applyContactEdits(b, [{ type: 'setCustomer', values: { customerNumber: 'K-1' } }]);
			applyContactEdits(b, [{ type: 'setCustomer', values: { discounts: { [TOOLS]: 9 } } }]);
			sync(a, b);
			const merged = readContact(a);
			expect(readContact(b)).toEqual(merged);
			expect(Y.encodeStateAsUpdate(a)).toEqual(Y.encodeStateAsUpdate(b));
			expect(merged.customer.vatId).toBe('DE136695976');
			expect(merged.customer.customerNumber).toBe('K-1');
			// B's discounts replaced the (then empty) list; A added one: both survive.
			expect(merged.customer.discounts).toEqual({ [SCREWS]: 5, [TOOLS]: 9 });
		}
	});
});

describe('validating customer and supplier edits', () => {
	const contact = () => readContact(docWith({ isCustomer: true, country: 'DE' }));

	it('normalises the values it writes and writes only those given', () => {
		const checked = validateEdits(contact(), [
			{ type: 'setCustomer', values: { vatId: 'de 136 695 976', discounts: { [SCREWS]: '7,5' } } },
			{ type: 'setSupplier', values: { supplierNumber: '  S-900 ' } }
		]);
		expect(checked).toEqual({
			ok: true,
			value: [
				{ type: 'setCustomer', values: { vatId: 'DE136695976', discounts: { [SCREWS]: 7.5 } } },
				{ type: 'setSupplier', values: { supplierNumber: 'S-900' } }
			]
		});
	});

	it('refuses an invalid value with its field, so nothing invalid is saved', () => {
		expect(
			validateEdits(contact(), [
				{ type: 'set', field: 'city', value: 'Berlin' },
				{ type: 'setCustomer', values: { sepa: { ...SEPA, iban: 'DE89370400440532013001' } } }
			])
		).toEqual({ ok: false, error: 'ibanChecksum', index: 1, field: 'sepa.iban' });
		expect(
			validateEdits(contact(), [{ type: 'setSupplier', values: { supplierNumber: 'x'.repeat(41) } }])
		).toEqual({ ok: false, error: 'tooLong', index: 0, field: 'supplierNumber' });
		expect(
			validateEdits(contact(), [{ type: 'setCustomer', values: { discounts: { [SCREWS]: 120 } } }])
		).toEqual({ ok: false, error: 'discountRange', index: 0, field: `discounts.${SCREWS}` });
	});

	it('refuses role switches that are not booleans', () => {
		expect(validateEdits(contact(), [{ type: 'set', field: 'isSupplier', value: 'ja' }])).toEqual({
			ok: false,
			error: 'required',
			index: 0
		});
	});
});
