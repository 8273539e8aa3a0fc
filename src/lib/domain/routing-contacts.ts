import type { TradeEmbargo } from './commercial';
import { resolveCommercial, type CommercialContact } from './commercial-inheritance';
import type { RoutingContact, RoutingLookup } from './email-routing';
import type { ContactId } from './ids';
import type { Contact } from './types';

/** What routing reads of a contact as its document holds it (own values only). */
export type RoutingSource = CommercialContact & Pick<Contact, 'channels' | 'embargo' | 'advertisingConsent'>;

/** How far up the parents an embargo is looked for; the same bound as commercial inheritance. */
const MAX_EMBARGO_DEPTH = 32;

/**
 * The embargo that applies to a contact: its own, else the nearest one of a parent further up. A
 * company under embargo stops business with its contact persons too, whether or not they inherit
 * its customer data, so this follows every parent, not only inheriting ones.
 */
export function effectiveEmbargo<C extends RoutingSource>(
	id: ContactId,
	contacts: (id: ContactId) => C | undefined
): TradeEmbargo | null {
	const seen = new Set<ContactId>();
	let current = contacts(id);
	while (current && !seen.has(current.id) && seen.size < MAX_EMBARGO_DEPTH) {
		if (current.embargo) return current.embargo;
		seen.add(current.id);
		current = current.parentId ? contacts(current.parentId) : undefined;
	}
	return null;
}

/**
 * The effective contact routing works on: own e-mail entries, the customer tab as the contact
 * shows it (inherited from the parent while it inherits; none while it is no customer), the
 * embargo of the contact or a parent, and the contact's own advertising consent (consent is given
 * by whoever owns the address, so a company's consent does not cover its people's addresses).
 */
export function routingContact<C extends RoutingSource>(
	id: ContactId,
	contacts: (id: ContactId) => C | undefined
): RoutingContact | undefined {
	const contact = contacts(id);
	const commercial = resolveCommercial(id, contacts);
	if (!contact || !commercial) return undefined;
	return {
		id: contact.id,
		channels: contact.channels,
		customer: commercial.isCustomer
			? {
					invoiceRecipientId: commercial.customer.invoiceRecipientId,
					documentEmail: commercial.customer.documentEmail
				}
			: null,
		embargo: effectiveEmbargo(id, contacts),
		advertisingConsent: contact.advertisingConsent
	};
}

/** A `RoutingLookup` over contacts loaded beforehand (see `routingNeeds`). */
export function routingLookup<C extends RoutingSource>(contacts: ReadonlyMap<ContactId, C>): RoutingLookup {
	const get = (id: ContactId) => contacts.get(id);
	const cache = new Map<ContactId, RoutingContact | undefined>();
	return (id) => {
		if (!cache.has(id)) cache.set(id, routingContact(id, get));
		return cache.get(id);
	};
}

/**
 * The contacts routing for `rootId` still needs that `loaded` lacks: the parents of a needed contact
 * (for inherited data and embargoes), then the invoice recipient its effective customer tab names,
 * followed on in the same way. Load these, add them and ask again until nothing is missing;
 * `missing` are ids known not to exist, so the loop ends. A recipient is asked for only once the
 * parents it may be inherited from are there, so nothing is loaded that routing does not read. Then
 * `resolveEmailRecipient` runs over `routingLookup(loaded)` synchronously.
 */
export function routingNeeds<C extends RoutingSource>(
	rootId: ContactId,
	loaded: ReadonlyMap<ContactId, C>,
	missing: ReadonlySet<ContactId> = new Set()
): ContactId[] {
	const lookup = routingLookup(loaded);
	const needed = new Set<ContactId>();
	const visited = new Set<ContactId>();
	/** Asks for the first parent up the chain that is not loaded; true when all of them are there. */
	const parentsLoaded = (contact: C): boolean => {
		const seen = new Set<ContactId>([contact.id]);
		let parentId = contact.parentId;
		while (parentId && !seen.has(parentId) && !missing.has(parentId)) {
			const parent = loaded.get(parentId);
			if (!parent) {
				needed.add(parentId);
				return false;
			}
			seen.add(parentId);
			parentId = parent.parentId;
		}
		return true;
	};
	let id: ContactId | null = rootId;
	while (id && !visited.has(id) && !missing.has(id)) {
		visited.add(id);
		const contact = loaded.get(id);
		if (!contact) {
			needed.add(id);
			break;
		}
		if (!parentsLoaded(contact)) break;
		id = lookup(id)?.customer?.invoiceRecipientId ?? null;
	}
	return [...needed];
}
