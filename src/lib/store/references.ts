import type { ContactId, ContactReference, ContactRow } from '../domain';
import type { KontorDexie } from './db';

/**
 * A source of references to contacts beyond the contacts themselves: business documents, when that
 * entity arrives, add one. `find` answers from this device's storage.
 */
export interface ReferenceSource {
	find(contactId: ContactId): Promise<ContactReference[]>;
}

const byKey = (a: ContactRow, b: ContactRow) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function contactReference(kind: ContactReference['kind'], row: ContactRow): ContactReference {
	return {
		kind,
		id: row.id,
		label: row.displayName,
		href: `/contacts/${row.id}`,
		embargo: row.embargo ?? null,
		tags: row.tags ?? []
	};
}

/**
 * The references to a contact that the contacts themselves hold, read off the projection's
 * indexes: contact persons listed under it, and customers that name it as their different invoice
 * recipient. Each group in list order.
 */
export async function contactReferences(db: KontorDexie, id: ContactId): Promise<ContactReference[]> {
	return db.transaction('r', db.contacts, async () => {
		const [persons, customers] = await Promise.all([
			db.contacts.where('parentId').equals(id).toArray(),
			db.contacts.where('invoiceRecipientId').equals(id).toArray()
		]);
		return [
			...persons.sort(byKey).map((row) => contactReference('contactPerson', row)),
			...customers.sort(byKey).map((row) => contactReference('invoiceRecipient', row))
		];
	});
}
