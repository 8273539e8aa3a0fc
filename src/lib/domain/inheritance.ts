import type { ContactId, GroupId } from './ids';
import { ADDRESS_FIELDS, type Address } from './types';

/** What a child can inherit from its parent: the parent's own effective values. */
export interface InheritanceSource {
	id: ContactId;
	displayName: string;
	address: Address;
	groups: readonly GroupId[];
}

/** The part of a contact that inheritance reads. */
export interface InheritingContact {
	parentId: ContactId | null;
	inheritAddress: boolean;
	inheritGroups: boolean;
	address: Address;
	groups: readonly GroupId[];
}

/** The values a contact shows, and where inherited ones come from. */
export interface EffectiveValues {
	address: Address;
	groups: GroupId[];
	/** The parent the address comes from, or null when the contact's own address is shown. */
	addressFrom: InheritanceSource | null;
	groupsFrom: InheritanceSource | null;
}

export function pickAddress(source: Address): Address {
	const out = {} as Address;
	for (const f of ADDRESS_FIELDS) out[f] = source[f];
	return out;
}

/**
 * Inherited values are computed from the parent when read, never copied into the child, so a
 * change in the parent shows in every inheriting child at once. A missing parent (not synced yet,
 * or deleted) falls back to the contact's own values.
 */
export function effectiveValues(
	contact: InheritingContact,
	parent: InheritanceSource | null
): EffectiveValues {
	const usable = parent && contact.parentId === parent.id ? parent : null;
	const addressFrom = contact.inheritAddress ? usable : null;
	const groupsFrom = contact.inheritGroups ? usable : null;
	return {
		address: pickAddress(addressFrom ? addressFrom.address : contact.address),
		groups: [...(groupsFrom ? groupsFrom.groups : contact.groups)],
		addressFrom,
		groupsFrom
	};
}
