import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactId, ContactReference } from '../../src/lib/domain';
import type { KontorStore } from '../../src/lib/store';
import { StoreTabs, create, edit, freshDbName, rowOf, set, setParent } from './helpers';

const tabs = new StoreTabs();
let store: KontorStore;
let hartmann: ContactId;

beforeEach(async () => {
	store = await tabs.open(freshDbName());
	hartmann = await create(store, 'company', { fields: { companyName: 'Hartmann Logistik GmbH' } });
});
afterEach(() => tabs.closeAll());

/** A customer whose invoices go to `recipient`. */
async function customerBilledTo(name: string, recipient: ContactId): Promise<ContactId> {
	return create(store, 'company', {
		fields: { companyName: name, isCustomer: true },
		edits: [{ type: 'setCustomer', values: { invoiceRecipientId: recipient } }]
	});
}

/** A referring contact without embargo or status tags. */
const noBadges = { embargo: null, tags: [] };

describe('the reference index', () => {
	it('finds nothing for a contact nothing refers to', async () => {
		expect(await store.referencesTo(hartmann)).toEqual([]);
	});

	it('lists contact persons and customers naming the contact as invoice recipient, with links', async () => {
		const weber = await create(store, 'person', {
			fields: { parentId: hartmann, firstName: 'Jonas', lastName: 'Weber' }
		});
		const braun = await customerBilledTo('Bäckerei Braun KG', hartmann);
		const adler = await customerBilledTo('Adler Apotheke', hartmann);
		expect(await store.referencesTo(hartmann)).toEqual([
			{ kind: 'contactPerson', id: weber, label: 'Weber, Jonas', href: `/contacts/${weber}`, ...noBadges },
			{
				kind: 'invoiceRecipient',
				id: adler,
				label: 'Adler Apotheke',
				href: `/contacts/${adler}`,
				...noBadges
			},
			{
				kind: 'invoiceRecipient',
				id: braun,
				label: 'Bäckerei Braun KG',
				href: `/contacts/${braun}`,
				...noBadges
			}
		]);
	});

	it('follows changes: a recipient changed away, a customer role switched off, a person detached', async () => {
		const weber = await create(store, 'person', { fields: { parentId: hartmann, lastName: 'Weber' } });
		const braun = await customerBilledTo('Bäckerei Braun KG', hartmann);
		const adler = await customerBilledTo('Adler Apotheke', hartmann);
		await edit(store, braun, [{ type: 'setCustomer', values: { invoiceRecipientId: null } }]);
		await edit(store, adler, [set('isCustomer', false)]);
		await edit(store, weber, [setParent(null)]);
		expect(await store.referencesTo(hartmann)).toEqual([]);
		// Switched on again, the customer data is back, and so is the reference.
		await edit(store, adler, [set('isCustomer', true)]);
		expect((await store.referencesTo(hartmann)).map((r) => r.id)).toEqual([adler]);
		expect((await rowOf(store, adler)).invoiceRecipientId).toBe(hartmann);
	});

	it('takes references from added sources, such as business documents, until the source is removed', async () => {
		const invoice: ContactReference = {
			kind: 'businessDocument',
			id: 'RE-2026-0042',
			label: 'Rechnung RE-2026-0042',
			href: '/documents/RE-2026-0042'
		};
		const remove = store.addReferenceSource({
			find: async (id) => (id === hartmann ? [invoice] : [])
		});
		expect(await store.referencesTo(hartmann)).toEqual([invoice]);
		remove();
		expect(await store.referencesTo(hartmann)).toEqual([]);
	});
});

describe('the invoice recipient', () => {
	it('must be another contact that exists on this device', async () => {
		const braun = await customerBilledTo('Bäckerei Braun KG', hartmann);
		expect(
			await store.editContact(braun, [{ type: 'setCustomer', values: { invoiceRecipientId: braun } }])
		).toEqual({ ok: false, error: 'invoiceRecipientSelf', index: 0, field: 'invoiceRecipientId' });
		const unknown = crypto.randomUUID() as ContactId;
		expect(
			await store.editContact(braun, [{ type: 'setCustomer', values: { invoiceRecipientId: unknown } }])
		).toEqual({ ok: false, error: 'invoiceRecipientMissing', index: 0, field: 'invoiceRecipientId' });
	});

	it('cannot close a chain of recipients into a cycle', async () => {
		const braun = await customerBilledTo('Bäckerei Braun KG', hartmann);
		const adler = await customerBilledTo('Adler Apotheke', braun);
		await edit(store, hartmann, [set('isCustomer', true)]);
		expect(
			await store.editContact(hartmann, [{ type: 'setCustomer', values: { invoiceRecipientId: adler } }])
		).toEqual({ ok: false, error: 'invoiceRecipientCycle', index: 0, field: 'invoiceRecipientId' });
		expect((await rowOf(store, hartmann)).invoiceRecipientId).toBeNull();
	});
});
