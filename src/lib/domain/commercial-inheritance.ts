import type { CustomerData, SupplierData } from './commercial';
import type { ContactId } from './ids';
import { displayName } from './names';
import type { Contact } from './types';
import type { WorkspaceConfig } from './workspace-config';

/** What inheriting the customer and supplier data reads of a contact. */
export type CommercialContact = Pick<
	Contact,
	| 'id'
	| 'kind'
	| 'companyName'
	| 'firstName'
	| 'lastName'
	| 'parentId'
	| 'inheritCommercial'
	| 'isCustomer'
	| 'isSupplier'
	| 'customer'
	| 'supplier'
>;

/** The contact whose own roles and tabs an inheriting contact shows: where the values are stored. */
export interface CommercialOrigin {
	id: ContactId;
	displayName: string;
}

/** A contact's effective roles and tabs: its own, or, while it inherits, those of its parent. */
export interface EffectiveCommercial {
	isCustomer: boolean;
	isSupplier: boolean;
	customer: CustomerData;
	supplier: SupplierData;
	/**
	 * Where the values come from while they are inherited: the parent, or the contact further up
	 * whose own values the parent inherits in turn; null while the contact's own values are shown.
	 */
	from: CommercialOrigin | null;
}

/** A parent as an inheriting child needs it: its id and its own effective values. */
export interface CommercialSource {
	id: ContactId;
	commercial: EffectiveCommercial;
	displayName: string;
}

/** True when the contact asks for its parent's customer and supplier data ("erben"). */
export function inheritsCommercial(contact: Pick<Contact, 'parentId' | 'inheritCommercial'>): boolean {
	return contact.parentId !== null && contact.inheritCommercial;
}

/**
 * The roles and tabs a contact shows. Inherited values are computed from the parent when read and
 * never copied, so the parent's change shows in every inheriting contact person at once, and
 * switching inheritance off brings the person's own (untouched) values back. A parent that is not
 * on this device (not synced yet, deleted) leaves the contact with its own values.
 */
export function effectiveCommercial(
	contact: CommercialContact,
	parent: CommercialSource | null
): EffectiveCommercial {
	const usable = parent && inheritsCommercial(contact) && contact.parentId === parent.id ? parent : null;
	if (usable) {
		return {
			...usable.commercial,
			from: usable.commercial.from ?? { id: usable.id, displayName: usable.displayName }
		};
	}
	return {
		isCustomer: contact.isCustomer,
		isSupplier: contact.isSupplier,
		customer: contact.customer,
		supplier: contact.supplier,
		from: null
	};
}

/** How far up a chain of inheriting parents is followed (hierarchies are a few levels deep). */
export const MAX_COMMERCIAL_DEPTH = 32;

/**
 * The effective roles and tabs of `id`, following inheriting parents up as far as `contacts` knows
 * them. Undefined when the contact itself is unknown. A cycle (which the hierarchy rules prevent,
 * but two devices could still produce concurrently) ends the chain where it closes.
 */
export function resolveCommercial<C extends CommercialContact>(
	id: ContactId,
	contacts: (id: ContactId) => C | undefined
): EffectiveCommercial | undefined {
	const start = contacts(id);
	if (!start) return undefined;
	// Up the chain while contacts inherit, then down again, each level taking its parent's values.
	const chain: C[] = [start];
	const seen = new Set<ContactId>([start.id]);
	let current: C = start;
	while (chain.length < MAX_COMMERCIAL_DEPTH && inheritsCommercial(current) && current.parentId) {
		if (seen.has(current.parentId)) break;
		const parent = contacts(current.parentId);
		if (!parent) break;
		chain.push(parent);
		seen.add(parent.id);
		current = parent;
	}
	let source: CommercialSource | null = null;
	let effective: EffectiveCommercial | undefined;
	for (const contact of chain.reverse()) {
		effective = effectiveCommercial(contact, source);
		source = { id: contact.id, displayName: displayName(contact), commercial: effective };
	}
	return effective;
}

/**
 * What a contact gets when the customer role is switched on: the workspace's default payment and
 * delivery terms, for each of them that the customer tab does not have yet. Values the tab kept from
 * an earlier time as customer are never replaced.
 */
export function customerDefaults(
	customer: Pick<CustomerData, 'paymentTermsId' | 'deliveryTermsId'>,
	config: Pick<WorkspaceConfig, 'defaultPaymentTermsId' | 'defaultDeliveryTermsId'>
): Partial<Pick<CustomerData, 'paymentTermsId' | 'deliveryTermsId'>> {
	const out: Partial<Pick<CustomerData, 'paymentTermsId' | 'deliveryTermsId'>> = {};
	if (customer.paymentTermsId === null && config.defaultPaymentTermsId !== null)
		out.paymentTermsId = config.defaultPaymentTermsId;
	if (customer.deliveryTermsId === null && config.defaultDeliveryTermsId !== null)
		out.deliveryTermsId = config.defaultDeliveryTermsId;
	return out;
}
