import { validateBirthday, type Birthday, type BirthdayError } from './birthday';
import type {
	AdvertisingConsent,
	CommercialError,
	CustomerData,
	SupplierData,
	TradeEmbargo
} from './commercial';
import {
	validateCustomerData,
	validateSupplierData,
	type CustomerCheckOptions,
	type CustomerDataInput,
	type CustomerField,
	type SupplierField
} from './commercial-validation';
import {
	isTagId,
	validateAdvertisingConsent,
	validateEmbargo,
	type CheckedStatus,
	type StatusError,
	type StatusField
} from './contact-status';
import type { ChannelId, ContactId, GroupId } from './ids';
import type { InheritanceSource } from './inheritance';
import { nextMatchcode } from './names';
import { ADDRESS_FIELDS, type Channel, type ChannelKind, type Contact, type ContactFields } from './types';
import {
	MAX_FIELD_LENGTH,
	MAX_TEXT_LENGTH,
	isContactLanguage,
	isCountryCode,
	isEmailPurpose,
	isSalutation,
	validateChannelValue,
	type Validated,
	type ValidationError
} from './validation';

/** Scalar fields a user edits directly; kind is fixed at creation, the parent moves with `setParent`. */
export type EditableField = Exclude<keyof ContactFields, 'kind' | 'parentId'>;

export type ChannelPatch = Partial<Pick<Channel, 'value' | 'normalized' | 'label' | 'purpose'>>;

/**
 * One change a user makes to a contact, as plain data. The UI sends these; the store validates
 * them, applies them to the contact's document and records them.
 */
export type ContactEdit =
	| { type: 'set'; field: EditableField; value: ContactFields[EditableField] }
	| { type: 'setParent'; parentId: ContactId | null }
	| { type: 'addChannel'; channel: Channel }
	| { type: 'updateChannel'; id: ChannelId; patch: ChannelPatch }
	| { type: 'removeChannel'; id: ChannelId }
	| { type: 'moveChannel'; id: ChannelId; order: string }
	| { type: 'addGroup'; id: GroupId }
	| { type: 'removeGroup'; id: GroupId }
	/** Status-Merkmal: the id of an entry of the workspace's `statusTags` list. */
	| { type: 'addTag'; id: string }
	| { type: 'removeTag'; id: string }
	/** Values of the Kunde tab; the others stay. Discounts, when given, replace all discounts. */
	| { type: 'setCustomer'; values: Partial<CustomerDataInput> }
	/** Values of the Lieferant tab; the others stay. */
	| { type: 'setSupplier'; values: Partial<SupplierData> };

const BOOLEAN_FIELDS: readonly EditableField[] = [
	'inheritAddress',
	'inheritGroups',
	'archived',
	'isCustomer',
	'isSupplier',
	'inheritCommercial',
	'friend'
];
/** Fields holding one plain object (or null): checked as a whole, stored as one value. */
const OBJECT_FIELDS = ['birthday', 'embargo', 'advertisingConsent'] as const;
type ObjectField = (typeof OBJECT_FIELDS)[number];
const isObjectField = (field: EditableField): field is ObjectField =>
	(OBJECT_FIELDS as readonly string[]).includes(field);
const LONG_TEXT_FIELDS: readonly EditableField[] = ['notes', 'profile'];

/** Why an edit was refused: a contact field's error, a birthday's, a status value's, or a tab's. */
export type EditError = ValidationError | CommercialError | BirthdayError | StatusError;

/**
 * A rejected edit: which one and why. For the Kunde and Lieferant tabs `field` names the value
 * ("vatId", "sepa.iban", "discounts.<group>"), so the form can show the error where it belongs.
 */
export type EditRejection = {
	ok: false;
	error: EditError;
	index: number;
	field?: CustomerField | SupplierField | StatusField;
};

/** What checking the customer tab needs beyond the contact: today, the recipients' chain. */
export type EditCheckOptions = Pick<CustomerCheckOptions, 'today' | 'lookup' | 'federalState'>;

function firstError<K extends string>(
	errors: Partial<Record<K, CommercialError>>,
	index: number
): EditRejection {
	const [field, error] = Object.entries(errors)[0] as [K, CommercialError];
	return { ok: false, error, index, field: field as unknown as CustomerField | SupplierField };
}

/** `YYYY-MM-DD` as a local date, for the birthday check (which compares local calendar dates). */
function localDay(iso: string | undefined): Date | undefined {
	const m = iso === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
}

function record(v: unknown): Record<string, unknown> | null {
	return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/**
 * Checks a birthday, an embargo or a consent as a whole and normalises it; null clears it. Only
 * persons have a birthday; the dates may not lie after `today`.
 */
function checkObject(
	contact: Contact,
	field: ObjectField,
	value: unknown,
	today: string | undefined
): CheckedStatus<ContactFields[ObjectField]> | { ok: false; field: StatusField; error: BirthdayError } {
	if (value === null) return { ok: true, value: null };
	const o = record(value);
	if (field === 'birthday') {
		if (contact.kind !== 'person') return { ok: false, field, error: 'birthdayNotPerson' };
		const year = o?.year ?? null;
		if (
			!o ||
			typeof o.day !== 'number' ||
			typeof o.month !== 'number' ||
			(year !== null && typeof year !== 'number')
		)
			return { ok: false, field, error: 'birthdayDay' };
		const birthday: Birthday = { day: o.day, month: o.month, year: year as number | null };
		const checked = validateBirthday(birthday, localDay(today));
		return checked.ok ? checked : { ok: false, field, error: checked.error };
	}
	if (field === 'embargo')
		return validateEmbargo({ reason: o?.reason, since: o?.since } as TradeEmbargo, today);
	return validateAdvertisingConsent({ date: o?.date, source: o?.source } as AdvertisingConsent, today);
}

function checkSet(field: EditableField, value: unknown): ValidationError | null {
	if (BOOLEAN_FIELDS.includes(field)) return typeof value === 'boolean' ? null : 'required';
	if (typeof value !== 'string') return 'required';
	const max = LONG_TEXT_FIELDS.includes(field) ? MAX_TEXT_LENGTH : MAX_FIELD_LENGTH;
	if (value.length > max) return 'tooLong';
	if (field === 'country' && !isCountryCode(value)) return 'countryInvalid';
	if (field === 'language' && !isContactLanguage(value)) return 'languageInvalid';
	if (field === 'salutation' && !isSalutation(value)) return 'salutationInvalid';
	return null;
}

function checkChannel(
	kind: ChannelKind,
	value: string,
	purpose: unknown,
	country: string
): Validated<{ value: string; normalized: string }> {
	if (purpose !== null && purpose !== undefined && (kind !== 'email' || !isEmailPurpose(purpose)))
		return { ok: false, error: 'purposeInvalid' };
	return validateChannelValue(kind, value, country);
}

/**
 * Checks edits against the contact they apply to and normalizes channel values (E.164, lower-case
 * e-mail) so every device stores the same form. Hierarchy moves are checked by the store, which
 * knows the other contacts.
 */
export function validateEdits(
	contact: Contact,
	edits: readonly ContactEdit[],
	options: EditCheckOptions = {}
): { ok: true; value: ContactEdit[] } | EditRejection {
	const out: ContactEdit[] = [];
	let country = contact.country;
	for (const e of edits)
		if (e.type === 'set' && e.field === 'country' && typeof e.value === 'string')
			country = e.value.trim().toUpperCase();
	for (const [index, edit] of edits.entries()) {
		if (edit.type === 'set' && isObjectField(edit.field)) {
			const checked = checkObject(contact, edit.field, edit.value, options.today);
			if (!checked.ok) return { ok: false, error: checked.error, index, field: checked.field };
			out.push({ type: 'set', field: edit.field, value: checked.value });
		} else if (edit.type === 'addTag' || edit.type === 'removeTag') {
			if (!isTagId(edit.id)) return { ok: false, error: 'tagInvalid', index };
			out.push(edit);
		} else if (edit.type === 'set') {
			const value = typeof edit.value === 'string' && edit.field !== 'notes' ? edit.value.trim() : edit.value;
			const error = checkSet(
				edit.field,
				edit.field === 'country' && typeof value === 'string' ? value.toUpperCase() : value
			);
			if (error) return { ok: false, error, index };
			out.push({ ...edit, value: edit.field === 'country' ? String(value).toUpperCase() : value });
		} else if (edit.type === 'addChannel') {
			const c = edit.channel;
			const checked = checkChannel(c.kind, c.value, c.purpose, country);
			if (!checked.ok) return { ...checked, index };
			if (c.label.length > MAX_FIELD_LENGTH) return { ok: false, error: 'tooLong', index };
			out.push({ type: 'addChannel', channel: { ...c, ...checked.value, label: c.label.trim() } });
		} else if (edit.type === 'updateChannel') {
			const existing = contact.channels.find((c) => c.id === edit.id);
			if (!existing) continue;
			const patch: ChannelPatch = { ...edit.patch };
			if (patch.value !== undefined) {
				const checked = checkChannel(existing.kind, patch.value, patch.purpose ?? existing.purpose, country);
				if (!checked.ok) return { ...checked, index };
				Object.assign(patch, checked.value);
			} else if (patch.purpose !== undefined && patch.purpose !== null) {
				if (existing.kind !== 'email' || !isEmailPurpose(patch.purpose))
					return { ok: false, error: 'purposeInvalid', index };
			}
			if (patch.label !== undefined) {
				if (patch.label.length > MAX_FIELD_LENGTH) return { ok: false, error: 'tooLong', index };
				patch.label = patch.label.trim();
			}
			out.push({ type: 'updateChannel', id: edit.id, patch });
		} else if (edit.type === 'setCustomer') {
			const checked = validateCustomerData(
				{ ...contact.customer, ...edit.values },
				{ ...options, contactId: contact.id, country }
			);
			if (!checked.ok) return firstError(checked.errors, index);
			// Only what was given is written, normalised: a concurrent edit of another value survives.
			const values: Partial<CustomerData> = {};
			for (const key of Object.keys(edit.values) as (keyof CustomerData)[])
				Object.assign(values, { [key]: checked.value[key] });
			out.push({ type: 'setCustomer', values });
		} else if (edit.type === 'setSupplier') {
			const checked = validateSupplierData({ ...contact.supplier, ...edit.values });
			if (!checked.ok) return firstError(checked.errors, index);
			const values: Partial<SupplierData> = {};
			for (const key of Object.keys(edit.values) as (keyof SupplierData)[])
				Object.assign(values, { [key]: checked.value[key] });
			out.push({ type: 'setSupplier', values });
		} else {
			out.push(edit);
		}
	}
	return { ok: true, value: out };
}

const NAME_FIELDS: readonly EditableField[] = ['companyName', 'firstName', 'lastName'];

/**
 * Adds the edits that keep a contact consistent with what the user did: the matchcode follows a
 * name change until the user typed one of their own, and switching inheritance off keeps the values
 * that were shown (the parent's) as the contact's own, so nothing visibly changes.
 */
export function completeEdits(
	contact: Contact,
	edits: readonly ContactEdit[],
	parent: InheritanceSource | null
): ContactEdit[] {
	const out = [...edits];
	const sets = new Map(edits.flatMap((e) => (e.type === 'set' ? [[e.field, e.value] as const] : [])));
	if (!sets.has('matchcode') && NAME_FIELDS.some((f) => sets.has(f))) {
		const after = { ...contact, ...Object.fromEntries(sets) } as Contact;
		const matchcode = nextMatchcode(contact, after);
		if (matchcode !== contact.matchcode) out.push({ type: 'set', field: 'matchcode', value: matchcode });
	}
	const usable = parent && parent.id === contact.parentId ? parent : null;
	const move = edits.find((e) => e.type === 'setParent');
	// Detaching from the parent ends inheritance the same way switching it off does.
	const detach = move !== undefined && move.parentId === null;
	if (move && !detach) return out;
	if (usable && contact.inheritAddress && (detach || sets.get('inheritAddress') === false)) {
		if (detach) out.push({ type: 'set', field: 'inheritAddress', value: false });
		for (const f of ADDRESS_FIELDS)
			if (!sets.has(f)) out.push({ type: 'set', field: f, value: usable.address[f] });
	}
	if (usable && contact.inheritGroups && (detach || sets.get('inheritGroups') === false)) {
		if (detach) out.push({ type: 'set', field: 'inheritGroups', value: false });
		const own = new Set(contact.groups);
		for (const g of usable.groups) if (!own.has(g)) out.push({ type: 'addGroup', id: g });
		for (const g of contact.groups) if (!usable.groups.includes(g)) out.push({ type: 'removeGroup', id: g });
	}
	return out;
}
