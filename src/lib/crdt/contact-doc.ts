import * as Y from 'yjs';
import {
	CONTACT_LANGUAGES,
	SALUTATIONS,
	emptyContactFields,
	isCountryCode,
	isEmailPurpose,
	isOrderKey,
	parseChannelId,
	parseContactId,
	parseGroupId,
	sortChannels,
	CHANNEL_KINDS,
	emptyCustomerData,
	emptySupplierData,
	isIsoDate,
	validateBirthday,
	isTagId,
	type AdvertisingConsent,
	type Birthday,
	type TradeEmbargo,
	type Channel,
	type CustomerData,
	type SepaMandate,
	type SupplierData,
	type ChannelKind,
	type Contact,
	type ContactEdit,
	type ContactFields,
	type ContactId,
	type ContactKind
} from '../domain';

/**
 * The shape of a contact document:
 * - `fields`: Y.Map of scalar fields (ContactFields);
 * - `channels`: Y.Map<channelId, Y.Map> with kind, value, normalized, label, purpose, order. A keyed
 *   map with fractional order keys survives concurrent reordering, where delete+insert in a
 *   Y.Array would duplicate entries;
 * - `groups`: Y.Map<groupId, true> used as a set;
 * - `customer`: Y.Map of the Kunde tab's values, one key each (the SEPA mandate as one plain
 *   object: its parts only make sense together), but for the discounts;
 * - `discounts`: Y.Map<productGroupId, percent>, so two people setting different groups both win;
 * - `supplier`: Y.Map of the Lieferant tab's values;
 * - `tags`: Y.Map<statusTagId, true> used as a set (ids of the workspace's `statusTags` list).
 * The birthday, the trade embargo and the advertising consent are one plain object each in `fields`:
 * their parts only make sense together (a reason without a date is no embargo).
 */
export const CONTACT_MAPS = {
	fields: 'fields',
	channels: 'channels',
	groups: 'groups',
	customer: 'customer',
	discounts: 'discounts',
	supplier: 'supplier',
	tags: 'tags'
} as const;

/** The transaction origin of edits made on this device; everything else came from storage or a peer. */
export const LOCAL_ORIGIN = 'local';

export function newContactDoc(id: ContactId): Y.Doc {
	return new Y.Doc({ guid: id, gc: true });
}

function fieldsMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(CONTACT_MAPS.fields);
}
function channelsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
	return doc.getMap(CONTACT_MAPS.channels);
}
function groupsMap(doc: Y.Doc): Y.Map<true> {
	return doc.getMap(CONTACT_MAPS.groups);
}
function customerMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(CONTACT_MAPS.customer);
}
function discountsMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(CONTACT_MAPS.discounts);
}
function supplierMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(CONTACT_MAPS.supplier);
}
function tagsMap(doc: Y.Doc): Y.Map<true> {
	return doc.getMap(CONTACT_MAPS.tags);
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const bool = (v: unknown): boolean => v === true;
function oneOf<T extends string>(values: readonly T[], v: unknown, fallback: T): T {
	return typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : fallback;
}

/**
 * Reads the fields as a domain object. Every value is checked: a document may come from another
 * device running another version, so unknown or malformed values fall back to defaults.
 */
export function readFields(doc: Y.Doc): ContactFields {
	const m = fieldsMap(doc);
	const kind: ContactKind = m.get('kind') === 'company' ? 'company' : 'person';
	const d = emptyContactFields(kind);
	const country = m.get('country');
	return {
		kind,
		companyName: str(m.get('companyName')),
		salutation: oneOf(SALUTATIONS, m.get('salutation'), d.salutation),
		title: str(m.get('title')),
		firstName: str(m.get('firstName')),
		lastName: str(m.get('lastName')),
		department: str(m.get('department')),
		street: str(m.get('street')),
		zip: str(m.get('zip')),
		city: str(m.get('city')),
		country: isCountryCode(country) ? country : d.country,
		language: oneOf(CONTACT_LANGUAGES, m.get('language'), d.language),
		profile: str(m.get('profile')),
		matchcode: str(m.get('matchcode')),
		notes: str(m.get('notes')),
		parentId: parseContactId(m.get('parentId')),
		inheritAddress: bool(m.get('inheritAddress')),
		inheritGroups: bool(m.get('inheritGroups')),
		archived: bool(m.get('archived')),
		isCustomer: bool(m.get('isCustomer')),
		isSupplier: bool(m.get('isSupplier')),
		inheritCommercial: bool(m.get('inheritCommercial')),
		birthday: kind === 'person' ? readBirthday(m.get('birthday')) : null,
		friend: bool(m.get('friend')),
		embargo: readEmbargo(m.get('embargo')),
		advertisingConsent: readConsent(m.get('advertisingConsent'))
	};
}

function record(v: unknown): Record<string, unknown> | null {
	return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** A stored birthday, or null when it is missing or not a real day (see validateBirthday). */
export function readBirthday(v: unknown): Birthday | null {
	const o = record(v);
	if (!o || typeof o.day !== 'number' || typeof o.month !== 'number') return null;
	const year = typeof o.year === 'number' ? o.year : null;
	const checked = validateBirthday({ day: o.day, month: o.month, year });
	return checked.ok ? checked.value : null;
}

/** A stored trade embargo: both a reason and a date, or none at all. */
export function readEmbargo(v: unknown): TradeEmbargo | null {
	const o = record(v);
	if (!o || typeof o.reason !== 'string' || o.reason.trim() === '') return null;
	if (typeof o.since !== 'string' || !isIsoDate(o.since)) return null;
	return { reason: o.reason, since: o.since };
}

/** A stored advertising consent: a date and a source, or none (half a consent is no consent). */
export function readConsent(v: unknown): AdvertisingConsent | null {
	const o = record(v);
	if (!o || typeof o.source !== 'string' || o.source.trim() === '') return null;
	if (typeof o.date !== 'string' || !isIsoDate(o.date)) return null;
	return { date: o.date, source: o.source };
}

const idOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function readSepa(v: unknown): SepaMandate | null {
	if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
	const o = v as Record<string, unknown>;
	if (typeof o.iban !== 'string' || o.iban === '') return null;
	const signedOn = str(o.signedOn);
	return {
		reference: str(o.reference),
		signedOn: isIsoDate(signedOn) ? signedOn : '',
		accountHolder: str(o.accountHolder),
		iban: o.iban,
		bic: str(o.bic)
	};
}

/** Reads the Kunde tab, checked like the fields: unknown or malformed values fall back to defaults. */
export function readCustomer(doc: Y.Doc): CustomerData {
	const m = customerMap(doc);
	const d = emptyCustomerData();
	const discounts: Record<string, number> = {};
	discountsMap(doc).forEach((value, group) => {
		if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100)
			discounts[group] = value;
	});
	return {
		customerNumber: str(m.get('customerNumber')),
		supplierNumberAtCustomer: str(m.get('supplierNumberAtCustomer')),
		invoiceRecipientId: parseContactId(m.get('invoiceRecipientId')),
		documentEmail: str(m.get('documentEmail')),
		deliveryTermsId: idOrNull(m.get('deliveryTermsId')),
		paymentTermsId: idOrNull(m.get('paymentTermsId')),
		sepa: readSepa(m.get('sepa')),
		collectiveInvoice: bool(m.get('collectiveInvoice')),
		dunning: m.has('dunning') ? bool(m.get('dunning')) : d.dunning,
		vatId: str(m.get('vatId')),
		taxNumber: str(m.get('taxNumber')),
		eori: str(m.get('eori')),
		discounts
	};
}

/** Reads the Lieferant tab. */
export function readSupplier(doc: Y.Doc): SupplierData {
	const m = supplierMap(doc);
	const d = emptySupplierData();
	return {
		supplierNumber: str(m.get('supplierNumber'), d.supplierNumber),
		customerNumberAtSupplier: str(m.get('customerNumberAtSupplier'), d.customerNumberAtSupplier),
		paymentTermsId: idOrNull(m.get('paymentTermsId'))
	};
}

function readChannel(key: string, m: Y.Map<unknown>): Channel | null {
	const id = parseChannelId(key);
	if (!id) return null;
	const kind = oneOf<ChannelKind>(CHANNEL_KINDS, m.get('kind'), 'phone');
	const purpose = m.get('purpose');
	const order = m.get('order');
	return {
		id,
		kind,
		value: str(m.get('value')),
		normalized: str(m.get('normalized')),
		label: str(m.get('label')),
		purpose: kind === 'email' && isEmailPurpose(purpose) ? purpose : null,
		order: isOrderKey(order) ? order : 'a0'
	};
}

/** Reads the whole contact (own values only) from its document. */
export function readContact(doc: Y.Doc): Contact {
	const id = parseContactId(doc.guid);
	if (!id) throw new Error(`Not a contact document: ${doc.guid}`);
	const channels: Channel[] = [];
	channelsMap(doc).forEach((m, key) => {
		const c = m instanceof Y.Map ? readChannel(key, m) : null;
		if (c) channels.push(c);
	});
	const groups = [...groupsMap(doc).keys()].map(parseGroupId).filter((g) => g !== null);
	const tags = [...tagsMap(doc).keys()].filter(isTagId);
	return {
		id,
		...readFields(doc),
		channels: sortChannels(channels),
		groups: groups.sort(),
		customer: readCustomer(doc),
		supplier: readSupplier(doc),
		tags: tags.sort()
	};
}

/** True once the document has received its creating update (a `kind` field). */
export function isInitialized(doc: Y.Doc): boolean {
	return fieldsMap(doc).has('kind');
}

/** Writes the initial state of a new contact. */
export function initContact(doc: Y.Doc, fields: ContactFields, origin: unknown = LOCAL_ORIGIN): void {
	// Defaults are not written: reading falls back to them, and each one would cost every copy of
	// the document (and its first history entry) bytes, 50,000 times over in a first sync.
	const defaults = emptyContactFields(fields.kind) as unknown as Record<string, unknown>;
	doc.transact(() => {
		const m = fieldsMap(doc);
		for (const [k, v] of Object.entries(fields)) if (k === 'kind' || !sameValue(v, defaults[k])) m.set(k, v);
	}, origin);
}

/** Equal scalars, or plain objects with the same content (birthday, embargo, consent). */
function sameValue(a: unknown, b: unknown): boolean {
	return (
		a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b))
	);
}

/**
 * True when the edit would write what the document already holds. Such an edit must write nothing:
 * a rewritten value is a new concurrent write, and could win over a real change made elsewhere.
 */
function isNoop(doc: Y.Doc, edit: ContactEdit): boolean {
	switch (edit.type) {
		case 'set': {
			const m = fieldsMap(doc);
			// A field never written holds its default (see initContact).
			const stored = m.has(edit.field)
				? m.get(edit.field)
				: (
						emptyContactFields(m.get('kind') === 'company' ? 'company' : 'person') as unknown as Record<
							string,
							unknown
						>
					)[edit.field];
			// Birthday, embargo and consent are plain objects: equal when their content is.
			return sameValue(stored, edit.value);
		}
		case 'setParent':
			// Never written: no parent (see initContact).
			return (fieldsMap(doc).get('parentId') ?? null) === edit.parentId;
		case 'moveChannel':
			return channelsMap(doc).get(edit.id)?.get('order') === edit.order;
		case 'addGroup':
			return groupsMap(doc).get(edit.id) === true;
		case 'addTag':
			return tagsMap(doc).get(edit.id) === true;
		case 'removeTag':
			return !tagsMap(doc).has(edit.id);
		case 'setCustomer':
		case 'setSupplier':
			// Decided value by value in applyOne.
			return false;
		default:
			return false;
	}
}

function applyOne(doc: Y.Doc, edit: ContactEdit): void {
	switch (edit.type) {
		case 'set':
			fieldsMap(doc).set(edit.field, edit.value);
			return;
		case 'setParent':
			fieldsMap(doc).set('parentId', edit.parentId);
			return;
		case 'addChannel': {
			const m = new Y.Map<unknown>();
			const { id, ...rest } = edit.channel;
			for (const [k, v] of Object.entries(rest)) m.set(k, v);
			channelsMap(doc).set(id, m);
			return;
		}
		case 'updateChannel': {
			const m = channelsMap(doc).get(edit.id);
			if (!m) return;
			for (const [k, v] of Object.entries(edit.patch)) if (m.get(k) !== v) m.set(k, v);
			return;
		}
		case 'removeChannel':
			channelsMap(doc).delete(edit.id);
			return;
		case 'moveChannel':
			channelsMap(doc).get(edit.id)?.set('order', edit.order);
			return;
		case 'addGroup':
			groupsMap(doc).set(edit.id, true);
			return;
		case 'removeGroup':
			groupsMap(doc).delete(edit.id);
			return;
		case 'addTag':
			tagsMap(doc).set(edit.id, true);
			return;
		case 'removeTag':
			tagsMap(doc).delete(edit.id);
			return;
		case 'setCustomer': {
			const { discounts, ...values } = edit.values;
			const current = readCustomer(doc);
			setChanged(customerMap(doc), values, current);
			if (discounts) {
				const m = discountsMap(doc);
				setChanged(m, discounts, current.discounts);
				for (const group of [...m.keys()]) if (!(group in discounts)) m.delete(group);
			}
			return;
		}
		case 'setSupplier':
			setChanged(supplierMap(doc), edit.values, readSupplier(doc));
			return;
	}
}

/**
 * Sets the keys whose value differs from what the document reads as now (`current`: a missing key
 * reads as its default; objects compare by content), so nothing is rewritten.
 */
function setChanged(map: Y.Map<unknown>, values: object, current: object): void {
	const now = current as Record<string, unknown>;
	for (const [key, value] of Object.entries(values)) {
		if (value === undefined) continue;
		if (value === now[key] || JSON.stringify(value) === JSON.stringify(now[key])) continue;
		map.set(key, value);
	}
}

/**
 * Applies validated edits in one Yjs transaction, so they become one update, one history entry and
 * one stored row. Setting a field, parent, order or group to what it already is writes nothing.
 */
export function applyContactEdits(
	doc: Y.Doc,
	edits: readonly ContactEdit[],
	origin: unknown = LOCAL_ORIGIN
): void {
	doc.transact(() => {
		for (const edit of edits) if (!isNoop(doc, edit)) applyOne(doc, edit);
	}, origin);
}
