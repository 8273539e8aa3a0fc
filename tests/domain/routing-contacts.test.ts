import { describe, expect, it } from 'vitest';
import {
	emptyCustomerData,
	resolveEmailRecipient,
	routingContact,
	routingLookup,
	routingNeeds,
	type Contact,
	type ContactId
} from '../../src/lib/domain';
import { makeChannel, makeContact, mulberry32, seededContactId } from '../factories';

const rng = mulberry32(8080);
const [KONZERN, HARTMANN, WEBER, ZENTRALE, BRAUN] = [0, 1, 2, 3, 4].map(() => seededContactId(rng)) as [
	ContactId,
	ContactId,
	ContactId,
	ContactId,
	ContactId
];
const EMBARGO = { reason: 'Sanktionsliste', since: '2024-02-01' };
const CONSENT = { date: '2024-01-10', source: 'Messe, Formular' };

const mail = (value: string, purpose: Contact['channels'][number]['purpose'] = null, order = 'a0') =>
	makeChannel({ kind: 'email', value, normalized: value, purpose, order });

const zentrale = makeContact({
	id: ZENTRALE,
	kind: 'company',
	companyName: 'Hartmann Zentrale',
	channels: [mail('buchhaltung@zentrale.de', 'accounting')]
});
const hartmann = makeContact({
	id: HARTMANN,
	kind: 'company',
	companyName: 'Hartmann Logistik GmbH',
	isCustomer: true,
	customer: { ...emptyCustomerData(), invoiceRecipientId: ZENTRALE, documentEmail: 'belege@hartmann.de' },
	channels: [mail('info@hartmann.de')]
});
const weber = makeContact({
	id: WEBER,
	firstName: 'Jonas',
	lastName: 'Weber',
	parentId: HARTMANN,
	inheritCommercial: true,
	advertisingConsent: CONSENT,
	channels: [mail('weber@hartmann.de')]
});

const mapOf = (...contacts: Contact[]) => new Map(contacts.map((c) => [c.id, c]));
const get = (map: Map<ContactId, Contact>) => (id: ContactId) => map.get(id);

describe('routingContact', () => {
	it('takes the own e-mails, the inherited customer tab and the own consent', () => {
		expect(routingContact(WEBER, get(mapOf(hartmann, weber)))).toEqual({
			id: WEBER,
			channels: weber.channels,
			customer: { invoiceRecipientId: ZENTRALE, documentEmail: 'belege@hartmann.de' },
			embargo: null,
			advertisingConsent: CONSENT
		});
	});

	it('has no customer tab for a contact that is no customer (its kept data do not count)', () => {
		const own = { ...weber, inheritCommercial: false, customer: hartmann.customer };
		expect(routingContact(WEBER, get(mapOf(hartmann, own)))?.customer).toBeNull();
	});

	it('carries an embargo of the contact or of any parent, inheriting or not', () => {
		const blocked = { ...hartmann, embargo: EMBARGO };
		expect(routingContact(WEBER, get(mapOf(blocked, weber)))?.embargo).toEqual(EMBARGO);
		const notInheriting = { ...weber, inheritCommercial: false };
		expect(routingContact(WEBER, get(mapOf(blocked, notInheriting)))?.embargo).toEqual(EMBARGO);
		const konzern = makeContact({ id: KONZERN, kind: 'company', embargo: EMBARGO });
		const division = { ...hartmann, parentId: KONZERN };
		expect(routingContact(WEBER, get(mapOf(konzern, division, weber)))?.embargo).toEqual(EMBARGO);
		expect(routingContact(WEBER, get(mapOf(hartmann, weber)))?.embargo).toBeNull();
	});

	it('does not pass a company’s consent on to its people', () => {
		const consenting = { ...hartmann, advertisingConsent: CONSENT };
		const person = { ...weber, advertisingConsent: null };
		expect(routingContact(WEBER, get(mapOf(consenting, person)))?.advertisingConsent).toBeNull();
	});

	it('is undefined for a contact that is not loaded', () => {
		expect(routingContact(BRAUN, get(mapOf(hartmann)))).toBeUndefined();
	});
});

describe('routingNeeds', () => {
	it('asks for the parent first, then for the invoice recipient the inherited tab names, then nothing', () => {
		const loaded = mapOf(weber);
		expect(routingNeeds(WEBER, loaded)).toEqual([HARTMANN]);
		loaded.set(HARTMANN, hartmann);
		expect(routingNeeds(WEBER, loaded)).toEqual([ZENTRALE]);
		loaded.set(ZENTRALE, zentrale);
		expect(routingNeeds(WEBER, loaded)).toEqual([]);
	});

	it('does not ask for the recipient a parent names when the person does not inherit it', () => {
		const own = { ...weber, inheritCommercial: false };
		expect(routingNeeds(WEBER, mapOf(own, hartmann))).toEqual([]);
	});

	it('asks for every parent of an invoice recipient, for its embargo', () => {
		const konzern = makeContact({ id: KONZERN, kind: 'company', companyName: 'Konzern AG' });
		const zentraleInKonzern = { ...zentrale, parentId: KONZERN };
		expect(routingNeeds(HARTMANN, mapOf(hartmann, zentraleInKonzern))).toEqual([KONZERN]);
		expect(routingNeeds(HARTMANN, mapOf(hartmann, zentraleInKonzern, konzern))).toEqual([]);
	});

	it('ends on contacts known to be missing, and on cycles of invoice recipients', () => {
		expect(routingNeeds(WEBER, mapOf(weber), new Set([HARTMANN]))).toEqual([]);
		const back = {
			...zentrale,
			isCustomer: true,
			customer: { ...emptyCustomerData(), invoiceRecipientId: HARTMANN }
		};
		expect(routingNeeds(HARTMANN, mapOf(hartmann, back))).toEqual([]);
	});
});

describe('routing over loaded, inheritance-resolved contacts', () => {
	const lookup = routingLookup(mapOf(hartmann, weber, zentrale));

	it('sends a contact person’s invoice to the invoice recipient the company’s tab names', () => {
		expect(resolveEmailRecipient(WEBER, 'invoice', lookup)).toMatchObject({
			status: 'ok',
			address: 'buchhaltung@zentrale.de',
			rule: 'accounting',
			contactId: ZENTRALE,
			via: [WEBER]
		});
	});

	it('uses the inherited document e-mail for business documents, the own e-mail for advertising', () => {
		expect(resolveEmailRecipient(WEBER, 'quote', lookup)).toMatchObject({
			address: 'belege@hartmann.de',
			rule: 'documentEmail'
		});
		expect(resolveEmailRecipient(WEBER, 'advertising', lookup)).toMatchObject({
			address: 'weber@hartmann.de',
			rule: 'standard'
		});
	});

	it('blocks a contact person of a company under embargo, but lets credit notes through', () => {
		const blocked = routingLookup(mapOf({ ...hartmann, embargo: EMBARGO }, weber, zentrale));
		expect(resolveEmailRecipient(WEBER, 'quote', blocked)).toMatchObject({
			status: 'blocked',
			reason: 'embargo',
			contactId: WEBER
		});
		expect(resolveEmailRecipient(WEBER, 'creditNote', blocked)).toMatchObject({ status: 'ok' });
	});
});
