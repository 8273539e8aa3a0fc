import type { Birthday } from './birthday';
import {
	emptyCustomerData,
	emptySupplierData,
	type AdvertisingConsent,
	type CustomerData,
	type SupplierData,
	type TradeEmbargo
} from './commercial';
import type { ChannelId, ContactId, GroupId } from './ids';

export type ContactKind = 'company' | 'person';

/** Anrede: Herr, Frau, divers, keine. */
export const SALUTATIONS = ['mr', 'ms', 'diverse', 'none'] as const;
export type Salutation = (typeof SALUTATIONS)[number];

/** Languages a contact can be addressed in (correspondence language, not the UI language). */
export const CONTACT_LANGUAGES = ['de', 'en', 'fr', 'it', 'es', 'nl'] as const;
export type ContactLanguage = (typeof CONTACT_LANGUAGES)[number];

/** Departments offered in the form; any other text is allowed too. */
export const SUGGESTED_DEPARTMENTS = ['Vertrieb', 'Buchhaltung', 'Werkstatt'] as const;

export const CHANNEL_KINDS = ['phone', 'mobile', 'fax', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Zweckgebundene E-Mail: what an e-mail address is meant for. */
export const EMAIL_PURPOSES = [
	'accounting',
	'advertising',
	'cancellation',
	'invoice',
	'quote',
	'deliveryNote',
	'workOrder',
	'creditNote',
	'purchaseOrder',
	'storageLetter'
] as const;
export type EmailPurpose = (typeof EMAIL_PURPOSES)[number];

/** The scalar fields of a contact, as stored in the document's `fields` map. */
export interface ContactFields {
	kind: ContactKind;
	companyName: string;
	salutation: Salutation;
	title: string;
	firstName: string;
	lastName: string;
	department: string;
	street: string;
	zip: string;
	city: string;
	/** ISO 3166-1 alpha-2, upper case. */
	country: string;
	language: ContactLanguage;
	profile: string;
	matchcode: string;
	notes: string;
	parentId: ContactId | null;
	inheritAddress: boolean;
	inheritGroups: boolean;
	/**
	 * Archived: left out of the list and its filters, found with the "archived" filter, and
	 * restorable. The way to put away a contact that cannot be deleted (something references it).
	 */
	archived: boolean;
	/** Kunde: the contact has the customer role (the Kunde tab's data counts). */
	isCustomer: boolean;
	/** Lieferant: the contact has the supplier role. */
	isSupplier: boolean;
	/** A contact person takes the customer and supplier data (and roles) of its parent ("erben"). */
	inheritCommercial: boolean;
	/** Geburtstag: persons only (null for companies); day and month, the year optional. */
	birthday: Birthday | null;
	/** Freund: addressed personally ("Lieber Max,") instead of formally. */
	friend: boolean;
	/** Handelssperre with its reason and date; null when trade is allowed. One value: both parts or none. */
	embargo: TradeEmbargo | null;
	/** Recorded consent to advertising (date and source); null when none was recorded. */
	advertisingConsent: AdvertisingConsent | null;
}

export type ContactFieldName = keyof ContactFields;

/** The fields that "inherit address" takes from the parent. */
export const ADDRESS_FIELDS = ['companyName', 'street', 'zip', 'city', 'country'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];
export type Address = Pick<ContactFields, AddressField>;

/** A phone, mobile, fax or e-mail entry. */
export interface Channel {
	id: ChannelId;
	kind: ChannelKind;
	/** What the user typed. */
	value: string;
	/** E.164 for phone-like kinds, lower-cased address for e-mail. */
	normalized: string;
	/** Free label: Zentrale, Vertrieb, privat ... */
	label: string;
	/** Only for e-mail entries. */
	purpose: EmailPurpose | null;
	/** Fractional order key; ties are broken by id. */
	order: string;
}

/** A contact as the document holds it: own values only, nothing inherited. */
export interface Contact extends ContactFields {
	id: ContactId;
	/** Sorted by order key, then id. */
	channels: Channel[];
	groups: GroupId[];
	/**
	 * Kunde and Lieferant tabs. Kept when the role is switched off, so switching it on again brings
	 * them back; only `isCustomer` / `isSupplier` say whether they count.
	 */
	customer: CustomerData;
	supplier: SupplierData;
	/** Status-Merkmale: ids of the workspace's `statusTags` list (VIP, Zahlungsverzug ...), sorted. */
	tags: string[];
}

/** The parts of a contact that are not scalar fields, as a new contact has them. */
export function emptyContactParts(): Pick<Contact, 'channels' | 'groups' | 'customer' | 'supplier' | 'tags'> {
	return {
		channels: [],
		groups: [],
		customer: emptyCustomerData(),
		supplier: emptySupplierData(),
		tags: []
	};
}

/** Kontaktgruppe, defined per workspace. */
export interface ContactGroup {
	id: GroupId;
	name: string;
	/** CSS colour, `#rrggbb`. */
	color: string;
}

/** Defaults for a new contact of the given kind. */
export function emptyContactFields(kind: ContactKind): ContactFields {
	return {
		kind,
		companyName: '',
		salutation: 'none',
		title: '',
		firstName: '',
		lastName: '',
		department: '',
		street: '',
		zip: '',
		city: '',
		country: 'DE',
		language: 'de',
		profile: '',
		matchcode: '',
		notes: '',
		parentId: null,
		inheritAddress: false,
		inheritGroups: false,
		archived: false,
		isCustomer: false,
		isSupplier: false,
		inheritCommercial: false,
		birthday: null,
		friend: false,
		embargo: null,
		advertisingConsent: null
	};
}
