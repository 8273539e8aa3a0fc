import { preferredChannel, isPhoneLike, sortChannels } from './channels';
import type { ContactId, GroupId } from './ids';
import { effectiveValues, pickAddress, type InheritanceSource } from './inheritance';
import { displayName, sortKey } from './names';
import { phoneSearchDigits } from './phone';
import { searchTokens } from './search';
import type { Address, Contact, ContactKind } from './types';

/**
 * One flat row per contact: what lists and search read, so they never load a document. Derived
 * from the contact and its parent's row; it can always be rebuilt from the documents.
 */
export interface ContactRow {
	/** Primary key: sort key, NUL, id. Keeps the table in list order, so ordered reads are key reads. */
	key: string;
	id: ContactId;
	kind: ContactKind;
	displayName: string;
	sortKey: string;
	matchcode: string;
	firstName: string;
	lastName: string;
	department: string;
	parentId: ContactId | null;
	/** Display name of the parent, '' without one (or while it is unknown). */
	parentName: string;
	inheritAddress: boolean;
	inheritGroups: boolean;
	/** Archived contacts are left out of the list; rows written before archiving existed lack it. */
	archived: boolean;
	/** The contact's own roles (rows written before roles existed lack them). */
	isCustomer?: boolean;
	isSupplier?: boolean;
	/**
	 * The different invoice recipient of a customer (none when the contact is no customer): indexed,
	 * so deleting a contact finds the customers that name it.
	 */
	invoiceRecipientId?: ContactId | null;
	/** The contact's own values, kept so a parent's change can re-derive this row without the document. */
	ownAddress: Address;
	ownGroups: GroupId[];
	/** Effective values (own or inherited). */
	companyName: string;
	street: string;
	zip: string;
	city: string;
	country: string;
	groups: GroupId[];
	addressFrom: ContactId | null;
	groupsFrom: ContactId | null;
	/** Preferred phone as typed, its E.164 form, and the preferred e-mail. */
	phone: string;
	phoneE164: string;
	email: string;
	/** Every e-mail (normalized) and every phone-like number (E.164). */
	emails: string[];
	phones: string[];
	tokens: string[];
	/**
	 * List filters this row passes, one index entry each: `k:<kind>`, `g:<group>`, `kg:<kind>:<group>`.
	 * An archived row has `archived` and the same entries behind `archived:` instead, so the kind and
	 * group filters leave it out and the archived view can be filtered the same way.
	 */
	filters: string[];
	updatedAt: number;
}

/** The filter entry of every archived row (and of no other). */
export const ARCHIVED_FILTER = 'archived';

/**
 * The filter entry a list filter looks up; null for the whole list (every row without
 * `ARCHIVED_FILTER`, which the index cannot look up as an entry of its own).
 */
export function filterKey(kind: ContactKind | null, group: GroupId | null, archived = false): string | null {
	const facet = kind && group ? `kg:${kind}:${group}` : kind ? `k:${kind}` : group ? `g:${group}` : null;
	if (!archived) return facet;
	return facet ? `${ARCHIVED_FILTER}:${facet}` : ARCHIVED_FILTER;
}

/** True when a row with these filter entries belongs in the list under `facet` (see `filterKey`). */
export function passesFilter(filters: readonly string[], facet: string | null): boolean {
	return facet ? filters.includes(facet) : !filters.includes(ARCHIVED_FILTER);
}

function rowFilters(kind: ContactKind, groups: readonly GroupId[], archived: boolean): string[] {
	const filters = [`k:${kind}`, ...groups.flatMap((g) => [`g:${g}`, `kg:${kind}:${g}`])];
	return archived ? [ARCHIVED_FILTER, ...filters.map((f) => `${ARCHIVED_FILTER}:${f}`)] : filters;
}

/** What a child row needs of its parent row. */
export function rowAsParent(row: ContactRow): InheritanceSource {
	return {
		id: row.id,
		displayName: row.displayName,
		address: pickAddress(row),
		groups: row.groups
	};
}

export function rowKey(sort: string, id: ContactId): string {
	return `${sort}\u0000${id}`;
}

/** Row fields that come from the contact alone (no parent). */
type RowBase = Omit<
	ContactRow,
	| 'key'
	| 'parentName'
	| 'companyName'
	| 'street'
	| 'zip'
	| 'city'
	| 'country'
	| 'groups'
	| 'addressFrom'
	| 'groupsFrom'
	| 'tokens'
	| 'filters'
>;

function deriveRow(base: RowBase, parent: InheritanceSource | null): ContactRow {
	const eff = effectiveValues(
		{
			parentId: base.parentId,
			inheritAddress: base.inheritAddress,
			inheritGroups: base.inheritGroups,
			address: base.ownAddress,
			groups: base.ownGroups
		},
		parent
	);
	const parentName = parent && parent.id === base.parentId ? parent.displayName : '';
	const archived = base.archived === true;
	const tokens = searchTokens({
		texts: [
			base.displayName,
			eff.address.companyName,
			parentName,
			base.matchcode,
			eff.address.city,
			eff.address.zip,
			...base.emails
		],
		phoneDigits: base.phones.flatMap(phoneSearchDigits)
	});
	return {
		...base,
		key: rowKey(base.sortKey, base.id),
		parentName,
		...eff.address,
		groups: eff.groups,
		addressFrom: eff.addressFrom?.id ?? null,
		groupsFrom: eff.groupsFrom?.id ?? null,
		archived,
		tokens,
		filters: rowFilters(base.kind, eff.groups, archived)
	};
}

/** Projects a contact (own values from its document) and its parent's row into a list row. */
export function projectContact(
	contact: Contact,
	parent: InheritanceSource | null,
	updatedAt: number
): ContactRow {
	const channels = sortChannels(contact.channels);
	const phone = preferredChannel(channels, 'phone');
	const email = preferredChannel(channels, 'email');
	const name = displayName(contact);
	return deriveRow(
		{
			id: contact.id,
			kind: contact.kind,
			displayName: name,
			sortKey: sortKey(contact),
			matchcode: contact.matchcode,
			firstName: contact.firstName,
			lastName: contact.lastName,
			department: contact.department,
			parentId: contact.parentId,
			inheritAddress: contact.inheritAddress,
			inheritGroups: contact.inheritGroups,
			archived: contact.archived,
			isCustomer: contact.isCustomer,
			isSupplier: contact.isSupplier,
			invoiceRecipientId: contact.isCustomer ? contact.customer.invoiceRecipientId : null,
			ownAddress: pickAddress(contact),
			ownGroups: [...contact.groups],
			phone: phone?.value ?? '',
			phoneE164: phone?.normalized ?? '',
			email: email?.value ?? '',
			emails: channels.filter((c) => c.kind === 'email').map((c) => c.normalized),
			phones: channels.filter((c) => isPhoneLike(c.kind)).map((c) => c.normalized),
			updatedAt
		},
		parent
	);
}

/** Re-derives a row after its parent changed, without the contact's document. */
export function reprojectRow(row: ContactRow, parent: InheritanceSource | null): ContactRow {
	// Every derived field is written again by deriveRow; the row's own values are its base.
	return deriveRow(row, parent);
}
