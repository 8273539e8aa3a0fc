import { birthdayMonthDay, observedBirthday, type Birthday } from './birthday';
import { preferredChannel, isPhoneLike, sortChannels } from './channels';
import type { TradeEmbargo } from './commercial';
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
	/**
	 * Status tags (ids of the workspace's list), own values: shown beside the name in the list and
	 * filtered by (`t:` entries). Rows written before tags existed lack them, as the next three.
	 */
	tags?: string[];
	/** The Handelssperre, for the red badge beside the name (reason and date as its description). */
	embargo?: TradeEmbargo | null;
	/** A person's birthday (null for companies), for the favourites' "today" check. */
	birthday?: Birthday | null;
	/** The profile text, kept so a parent's change can re-derive the search tokens without the document. */
	profile?: string;
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
	 * List filters this row passes, one index entry each: `k:<kind>`, `g:<group>`, `kg:<kind>:<group>`,
	 * `t:<status tag>`, `kt:<kind>:<status tag>`, and for a person with a birthday `b:<MM-DD>` (the
	 * favourites look up today's birthdays by it, not by reading every row). An archived row has
	 * `archived` and the same entries behind `archived:` instead, so the kind, group and tag filters
	 * and the birthdays leave it out and the archived view can be filtered the same way.
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

/** A list filter: kind, contact group and status tag (null for any), active or archived contacts. */
export interface ListFacets {
	kind?: ContactKind | null;
	group?: GroupId | null;
	tag?: string | null;
	archived?: boolean;
}

/**
 * The filter entries a row must all have to pass `facets`: one for kind and group (as `filterKey`),
 * one for the status tag (`t:` or, with a kind, `kt:`). Empty for the whole list (every row
 * without `ARCHIVED_FILTER`); a lookup reads each entry's index and intersects the keys.
 */
export function filterKeys(facets: ListFacets): string[] {
	const kind = facets.kind ?? null;
	const group = facets.group ?? null;
	const tag = facets.tag ?? null;
	const archived = facets.archived ?? false;
	const prefix = archived ? `${ARCHIVED_FILTER}:` : '';
	const keys: string[] = [];
	// With a tag the kind goes with it (`kt:`), so kind and tag are one index read; the bare
	// `archived` entry is left out then, as every `archived:` entry implies it.
	const main = filterKey(tag ? null : kind, group, archived);
	if (main && (group || !tag)) keys.push(main);
	if (tag) keys.push(`${prefix}${kind ? `kt:${kind}:${tag}` : `t:${tag}`}`);
	return keys;
}

/** True when a row with these filter entries belongs in the list under `keys` (see `filterKeys`). */
export function passesFilters(filters: readonly string[], keys: readonly string[]): boolean {
	return keys.length === 0 ? !filters.includes(ARCHIVED_FILTER) : keys.every((k) => filters.includes(k));
}

/** The filter entry of the persons whose birthday is on `monthDay` ("MM-DD", see birthdayMonthDay). */
export function birthdayFilter(monthDay: string): string {
	return `b:${monthDay}`;
}

/**
 * The birthday entries to look up for the local date of `date`: its own day, and on 28 February of
 * a year without 29 February also "02-29" (those birthdays are shown on 28 February then).
 */
export function birthdayFiltersOn(date: Date): string[] {
	const today = { month: date.getMonth() + 1, day: date.getDate() };
	const keys = [birthdayFilter(birthdayMonthDay(today))];
	const leapDay = observedBirthday({ month: 2, day: 29 }, date.getFullYear());
	if (leapDay.month === today.month && leapDay.day === today.day && today.day !== 29)
		keys.push(birthdayFilter('02-29'));
	return keys;
}

function rowFilters(
	kind: ContactKind,
	groups: readonly GroupId[],
	tags: readonly string[],
	birthday: Birthday | null,
	archived: boolean
): string[] {
	const filters = [
		`k:${kind}`,
		...groups.flatMap((g) => [`g:${g}`, `kg:${kind}:${g}`]),
		...tags.flatMap((t) => [`t:${t}`, `kt:${kind}:${t}`]),
		...(kind === 'person' && birthday ? [birthdayFilter(birthdayMonthDay(birthday))] : [])
	];
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
	// Rows written before tags, embargo, birthday and profile were projected lack them.
	const tags = base.tags ?? [];
	const birthday = base.kind === 'person' ? (base.birthday ?? null) : null;
	const profile = base.profile ?? '';
	const tokens = searchTokens({
		texts: [
			base.displayName,
			eff.address.companyName,
			parentName,
			base.matchcode,
			eff.address.city,
			eff.address.zip,
			profile,
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
		tags,
		embargo: base.embargo ?? null,
		birthday,
		profile,
		tokens,
		filters: rowFilters(base.kind, eff.groups, tags, birthday, archived)
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
			tags: [...contact.tags],
			embargo: contact.embargo ? { ...contact.embargo } : null,
			birthday: contact.kind === 'person' && contact.birthday ? { ...contact.birthday } : null,
			profile: contact.profile,
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
