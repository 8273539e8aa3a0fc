import { describe, expect, it } from 'vitest';
import {
	customerDefaults,
	effectiveCommercial,
	emptyCustomerData,
	emptySupplierData,
	inheritsCommercial,
	resolveCommercial,
	type Contact,
	type ContactId,
	type CustomerData
} from '../../src/lib/domain';
import { makeContact, mulberry32, seededContactId } from '../factories';

const rng = mulberry32(606);
const [KONZERN, HARTMANN, WEBER, BRAUN] = [0, 1, 2, 3].map(() => seededContactId(rng)) as [
	ContactId,
	ContactId,
	ContactId,
	ContactId
];

const hartmannCustomer: CustomerData = {
	...emptyCustomerData(),
	customerNumber: 'K-10042',
	vatId: 'DE136695976',
	documentEmail: 'belege@hartmann.de',
	discounts: { schrauben: 7.5 }
};

const hartmann = makeContact({
	id: HARTMANN,
	kind: 'company',
	companyName: 'Hartmann Logistik GmbH',
	isCustomer: true,
	isSupplier: true,
	customer: hartmannCustomer,
	supplier: { supplierNumber: 'S-900', customerNumberAtSupplier: '4711', paymentTermsId: null }
});

/** Jonas Weber, contact person at Hartmann, with customer data of his own that differ. */
function weber(overrides: Partial<Contact> = {}): Contact {
	return makeContact({
		id: WEBER,
		firstName: 'Jonas',
		lastName: 'Weber',
		parentId: HARTMANN,
		inheritCommercial: true,
		isCustomer: false,
		customer: { ...emptyCustomerData(), customerNumber: 'K-OWN' },
		...overrides
	});
}

const source = (contact: Contact) => ({
	id: contact.id,
	displayName: 'Hartmann Logistik GmbH',
	commercial: effectiveCommercial(contact, null)
});

describe('effectiveCommercial', () => {
	it('shows a contact its own roles and tabs when it does not inherit', () => {
		const own = weber({ inheritCommercial: false });
		expect(effectiveCommercial(own, source(hartmann))).toEqual({
			isCustomer: false,
			isSupplier: false,
			customer: own.customer,
			supplier: emptySupplierData(),
			from: null
		});
	});

	it('shows the parent’s roles and tabs, and says where they come from, while it inherits', () => {
		const effective = effectiveCommercial(weber(), source(hartmann));
		expect(effective).toEqual({
			isCustomer: true,
			isSupplier: true,
			customer: hartmannCustomer,
			supplier: hartmann.supplier,
			from: { id: HARTMANN, displayName: 'Hartmann Logistik GmbH' }
		});
	});

	it('computes rather than copies: the own values stay untouched and show again when inheritance ends', () => {
		const person = weber();
		const before = structuredClone(person);
		effectiveCommercial(person, source(hartmann));
		expect(person).toEqual(before);
		expect(effectiveCommercial({ ...person, inheritCommercial: false }, source(hartmann)).customer).toEqual({
			...emptyCustomerData(),
			customerNumber: 'K-OWN'
		});
	});

	it('keeps the own values when the parent is unknown, another contact, or the contact has no parent', () => {
		const person = weber();
		expect(effectiveCommercial(person, null).from).toBeNull();
		expect(effectiveCommercial(person, { ...source(hartmann), id: BRAUN }).from).toBeNull();
		expect(effectiveCommercial({ ...person, parentId: null }, source(hartmann)).from).toBeNull();
		expect(inheritsCommercial({ parentId: null, inheritCommercial: true })).toBe(false);
		expect(inheritsCommercial({ parentId: HARTMANN, inheritCommercial: true })).toBe(true);
	});
});

describe('resolveCommercial', () => {
	const konzern = makeContact({
		id: KONZERN,
		kind: 'company',
		companyName: 'Konzern AG',
		isCustomer: true,
		customer: { ...emptyCustomerData(), customerNumber: 'K-1' }
	});
	const lookup =
		(...contacts: Contact[]) =>
		(id: ContactId) =>
			contacts.find((c) => c.id === id);

	it('follows inheriting parents up to the contact that stores the values', () => {
		const division = { ...hartmann, parentId: KONZERN, inheritCommercial: true };
		const effective = resolveCommercial(WEBER, lookup(konzern, division, weber()));
		expect(effective?.customer.customerNumber).toBe('K-1');
		expect(effective?.isSupplier).toBe(false);
		expect(effective?.from).toEqual({ id: KONZERN, displayName: 'Konzern AG' });
	});

	it('stops at a parent that does not inherit, and at a parent not on this device', () => {
		const division = { ...hartmann, parentId: KONZERN, inheritCommercial: false };
		expect(resolveCommercial(WEBER, lookup(konzern, division, weber()))?.customer.customerNumber).toBe(
			'K-10042'
		);
		expect(resolveCommercial(WEBER, lookup(weber()))).toEqual(effectiveCommercial(weber(), null));
		expect(resolveCommercial(BRAUN, lookup(weber()))).toBeUndefined();
	});

	it('ends a cycle of inheriting contacts where it closes instead of looping', () => {
		const a = { ...hartmann, parentId: WEBER, inheritCommercial: true };
		const effective = resolveCommercial(WEBER, lookup(a, weber()));
		// Weber inherits from Hartmann, whose parent (Weber) is already in the chain: Hartmann's own values.
		expect(effective?.customer.customerNumber).toBe('K-10042');
		expect(effective?.from?.id).toBe(HARTMANN);
	});
});

describe('customerDefaults', () => {
	const config = { defaultPaymentTermsId: '14-tage', defaultDeliveryTermsId: 'frei-haus' };

	it('gives a new customer the workspace’s default terms', () => {
		expect(customerDefaults(emptyCustomerData(), config)).toEqual({
			paymentTermsId: '14-tage',
			deliveryTermsId: 'frei-haus'
		});
	});

	it('keeps terms the customer already has, and gives nothing the workspace has no default for', () => {
		expect(customerDefaults({ paymentTermsId: 'sofort', deliveryTermsId: null }, config)).toEqual({
			deliveryTermsId: 'frei-haus'
		});
		expect(
			customerDefaults(emptyCustomerData(), { defaultPaymentTermsId: null, defaultDeliveryTermsId: null })
		).toEqual({});
	});
});
