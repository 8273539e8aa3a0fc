/**
 * DSGVO Art. 15 (Auskunft) and Art. 20 (Datenübertragbarkeit) for one contact: a vCard 4.0 for
 * other address books, and a JSON file with everything Kontor stores about the contact, its history
 * included. Pure functions over data the caller has already loaded; nothing here reads storage.
 */
import type { AccessLevel, AccessInfo, EveryoneLevel } from './access';
import { birthdayMonthDay, type Birthday } from './birthday';
import { preferredChannel, sortChannels } from './channels';
import { localDate, type CustomerData, type SupplierData } from './commercial';
import type { ContactId, GroupId } from './ids';
import type { EffectiveValues, InheritanceSource } from './inheritance';
import { displayName, foldGerman } from './names';
import {
	emptyContactFields,
	type Address,
	type Channel,
	type ChannelKind,
	type Contact,
	type ContactFields,
	type Salutation
} from './types';

// ---------------------------------------------------------------------------------------------
// vCard 4.0 (RFC 6350)
// ---------------------------------------------------------------------------------------------

/** What `toVCard` needs besides the contact. */
export interface VCardOptions {
	/** Written as REV: when this vCard was made. */
	now: Date;
	/** The address the contact shows when it inherits it from its parent; replaces its own. */
	effective?: Address | null;
	/** Display name of the parent (the company of a contact person): ORG when nothing else names one. */
	parentName?: string;
}

const TEL_TYPES: Record<Exclude<ChannelKind, 'email'>, string> = {
	phone: 'voice',
	mobile: 'cell',
	fax: 'fax'
};

const GENDERS: Record<Salutation, string> = { mr: 'M', ms: 'F', diverse: 'O', none: 'N' };

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Escapes a text value (RFC 6350 3.4): backslash, comma, semicolon and line breaks. Other control
 * characters are not allowed in a vCard at all; they become spaces (the JSON export keeps them).
 */
export function escapeVCardText(value: string): string {
	return value
		.replace(/\r\n?/g, '\n')
		.replace(/[\\,;\n]/g, (ch) => (ch === '\n' ? '\\n' : `\\${ch}`))
		.replace(/\p{Cc}/gu, (ch) => (ch === '\t' ? ch : ' '));
}

/**
 * A parameter value: bare when it may be (SAFE-CHAR), else quoted. Line breaks, double quotes and
 * carets cannot be written otherwise, so they use RFC 6868 caret encoding (^n, ^', ^^).
 */
function paramValue(value: string): string {
	const encoded = value
		.replace(/\r\n?/g, '\n')
		.replace(/[\^\n"]/g, (ch) => (ch === '^' ? '^^' : ch === '\n' ? '^n' : "^'"))
		.replace(/\p{Cc}/gu, (ch) => (ch === '\t' ? ch : ' '));
	return /[;:,]/.test(encoded) ? `"${encoded}"` : encoded;
}

function utf8Length(ch: string): number {
	const code = ch.codePointAt(0) ?? 0;
	return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/**
 * Folds one content line (RFC 6350 3.2): at most 75 octets per physical line, CRLF and one space
 * before each continuation. Counts UTF-8 octets but cuts only between code points, so a reader that
 * unfolds octet by octet and one that decodes each physical line first both get the same text.
 */
export function foldVCardLine(line: string): string {
	const parts: string[] = [];
	let current = '';
	let octets = 0;
	let limit = 75;
	for (const ch of line) {
		const size = utf8Length(ch);
		if (octets + size > limit) {
			parts.push(current);
			current = '';
			octets = 0;
			// The leading space of a continuation line counts towards its 75 octets.
			limit = 74;
		}
		current += ch;
		octets += size;
	}
	parts.push(current);
	return parts.join('\r\n ');
}

type Params = readonly (readonly [string, string])[];

function property(name: string, value: string, params: Params = []): string {
	const head = params.map(([key, v]) => `;${key}=${paramValue(v)}`).join('');
	return foldVCardLine(`${name}${head}:${value}`);
}

/** A structured value (N, ADR, ORG): each component escaped, joined by semicolons. */
const structured = (parts: readonly string[]): string => parts.map(escapeVCardText).join(';');

/** REV and other timestamps: `20261128T093000Z` (RFC 6350 4.3.5, UTC). */
function vCardTimestamp(date: Date): string {
	return date
		.toISOString()
		.replace(/\.\d{3}Z$/, 'Z')
		.replace(/[-:]/g, '');
}

/** A birthday as a vCard date: `19850412`, or `--0412` without a year (RFC 6350 4.3.1). */
function vCardBirthday(birthday: Birthday): string {
	const monthDay = birthdayMonthDay(birthday).replace('-', '');
	return birthday.year === null ? `--${monthDay}` : `${String(birthday.year).padStart(4, '0')}${monthDay}`;
}

/** The name a person goes by, in natural order with the title: "Dr. Erika Mustermann". */
function personName(contact: Contact): string {
	return [contact.title, contact.firstName, contact.lastName]
		.map((part) => part.trim())
		.filter((part) => part !== '')
		.join(' ');
}

function channelLines(channels: readonly Channel[]): string[] {
	const preferredPhone = preferredChannel(channels, 'phone')?.id;
	const preferredEmail = preferredChannel(channels, 'email')?.id;
	const lines: string[] = [];
	for (const channel of sortChannels(channels)) {
		const value = channel.value.trim();
		const extra: [string, string][] = [];
		if (channel.label.trim() !== '') extra.push(['X-KONTOR-LABEL', channel.label.trim()]);
		if (channel.kind === 'email') {
			if (value === '') continue;
			const params: [string, string][] = [];
			if (channel.id === preferredEmail) params.push(['PREF', '1']);
			if (channel.purpose) params.push(['X-KONTOR-PURPOSE', channel.purpose]);
			lines.push(property('EMAIL', escapeVCardText(value), [...params, ...extra]));
			continue;
		}
		const params: [string, string][] = [];
		const uri = E164.test(channel.normalized);
		if (!uri && value === '') continue;
		if (uri) params.push(['VALUE', 'uri']);
		if (channel.id === preferredPhone) params.push(['PREF', '1']);
		params.push(['TYPE', TEL_TYPES[channel.kind]]);
		const text = uri ? `tel:${channel.normalized}` : escapeVCardText(value);
		lines.push(property('TEL', text, [...params, ...extra]));
	}
	return lines;
}

/**
 * One contact as a vCard 4.0 (RFC 6350), CRLF line endings, lines folded at 75 octets.
 *
 * - FN: the company name, or a person's name in natural order with the title ("Dr. Erika
 *   Mustermann"); the list's "Nachname, Vorname" is a sort form, and N carries the parts.
 * - N (persons only): last;first;;title; the title (Dr., Prof.) is an honorific prefix. vCard's
 *   TITLE means a job title, which Kontor does not store.
 * - ORG: the company name; for a person the inherited one, else its own, else the parent's name;
 *   then the department.
 * - ADR;TYPE=work: the inherited address when given; the country component is the ISO code.
 * - TEL: `VALUE=uri` with a `tel:` URI when the number is in E.164, else the text as typed;
 *   TYPE voice / cell / fax; PREF=1 on the entry Kontor prefers (the first phone, else mobile).
 * - EMAIL: no TYPE (work or home is not known: a label "privat" is free text); PREF=1 on the
 *   first address. The e-mail purpose and the free label have no standard place, so they go into
 *   the parameters X-KONTOR-PURPOSE and X-KONTOR-LABEL, which readers that do not know them ignore
 *   (RFC 6350 section 5 and 6.10).
 * - GENDER (persons only) from the salutation: mr M, ms F, diverse O, none N.
 * - BDAY (persons only): `YYYYMMDD`, or `--MMDD` when the year is not known (RFC 6350 4.3.1).
 */
export function toVCard(contact: Contact, options: VCardOptions): string {
	const address = options.effective ?? contact;
	const isPerson = contact.kind === 'person';
	// A contact person works for the company it inherits from, else the one it names, else its parent;
	// a company (a branch inheriting its head office's address too) is its own organisation.
	const orgName = isPerson
		? options.effective?.companyName.trim() || contact.companyName.trim() || (options.parentName ?? '').trim()
		: contact.companyName.trim();
	const lines = ['BEGIN:VCARD', 'VERSION:4.0', 'PRODID:-//Kontor//Kontor//DE'];
	lines.push(property('KIND', isPerson ? 'individual' : 'org'));
	const fn = isPerson ? personName(contact) || displayName(contact) || orgName : contact.companyName.trim();
	lines.push(property('FN', escapeVCardText(fn)));
	if (isPerson) {
		const n = [contact.lastName, contact.firstName, '', contact.title, ''];
		lines.push(property('N', structured(n.map((part) => part.trim()))));
	}
	const department = contact.department.trim();
	if (orgName !== '' || department !== '') {
		lines.push(property('ORG', structured(department === '' ? [orgName] : [orgName, department])));
	}
	const [street, zip, city] = [address.street.trim(), address.zip.trim(), address.city.trim()];
	if (street !== '' || zip !== '' || city !== '') {
		const adr = ['', '', street, city, '', zip, address.country.trim()];
		lines.push(property('ADR', structured(adr), [['TYPE', 'work']]));
	}
	lines.push(...channelLines(contact.channels));
	if (isPerson) lines.push(property('GENDER', GENDERS[contact.salutation]));
	if (isPerson && contact.birthday) lines.push(property('BDAY', vCardBirthday(contact.birthday)));
	lines.push(property('LANG', contact.language));
	if (contact.notes.trim() !== '') lines.push(property('NOTE', escapeVCardText(contact.notes)));
	lines.push(property('UID', `urn:uuid:${contact.id}`));
	lines.push(property('REV', vCardTimestamp(options.now)));
	lines.push('END:VCARD');
	return lines.map((line) => `${line}\r\n`).join('');
}

// ---------------------------------------------------------------------------------------------
// JSON export
// ---------------------------------------------------------------------------------------------

/** A JSON value as a history change holds it (the same shape as the CRDT layer's `JsonValue`). */
export type GdprValue = null | boolean | number | string | GdprValue[] | { [key: string]: GdprValue };

/**
 * A history entry as the export reads it: the part of the CRDT layer's `HistoryEntry` that is
 * about the person, so a `HistoryEntry` can be passed as it is. Declared here because the domain
 * core imports nothing of ours (ARCHITECTURE.md, enforced by lint).
 */
export interface GdprHistoryInput {
	id: string;
	docId: string;
	/** Device time, milliseconds since epoch. */
	time: number;
	/** Receive time stamped by the sync server, once synced. */
	serverTime?: number | null;
	author: { id: string; name: string };
	device: string;
	changes: readonly { path: readonly string[]; from?: GdprValue; to?: GdprValue }[];
}

/** Everything `gdprExport` puts into the file. */
export interface GdprExportInput {
	contact: Contact;
	/** The contact's history in any order; entries of other documents are left out. */
	history: readonly GdprHistoryInput[];
	access: AccessInfo;
	/** The name of a user of the workspace, if known. */
	names: (userId: string) => string | undefined;
	/** Names of the workspace's contact groups. */
	groupNames?: ReadonlyMap<GroupId, string>;
	/** Names of the workspace's status tags (Status-Merkmale). */
	tagNames?: ReadonlyMap<string, string>;
	/** What the contact inherits from its parent (`effectiveValues`), if loaded. */
	effective?: EffectiveValues | null;
	exportedBy: { id: string; name: string };
	now: Date;
}

/** A user or a contact as the export names it; null when the name is not known. */
export interface GdprNamed<Id extends string = string> {
	id: Id;
	name: string | null;
}

export interface GdprHistoryItem {
	id: string;
	/** ISO 8601; null only for an entry whose stored time is not a valid date. */
	time: string | null;
	serverTime: string | null;
	author: GdprNamed;
	device: string;
	/** `from` / `to` null: the value was absent (an entry added or removed), or null. */
	changes: { path: string[]; from: GdprValue; to: GdprValue }[];
}

/** The inherited values and the parent they come from; a part is null when it is the contact's own. */
export interface GdprEffective {
	address: { from: GdprNamed<ContactId>; values: Address } | null;
	groups: { from: GdprNamed<ContactId>; values: GdprNamed<GroupId>[] } | null;
}

/** The export file: plain data, JSON.stringify writes it as it is. */
export interface GdprExport {
	format: 'kontor-gdpr-export';
	version: 1;
	exportedAt: string;
	exportedBy: GdprNamed;
	contact: {
		id: ContactId;
		fields: ContactFields;
		channels: Channel[];
		groups: GdprNamed<GroupId>[];
		/** Status-Merkmale, named as the workspace lists them (null for a tag it no longer has). */
		tags: GdprNamed[];
		/** Kunde and Lieferant tabs (bank account and tax ids included), whether or not the role is on. */
		customer: CustomerData;
		supplier: SupplierData;
	};
	effective: GdprEffective | null;
	access: {
		owner: GdprNamed;
		everyone: EveryoneLevel;
		users: (GdprNamed & { level: AccessLevel })[];
	};
	/** Oldest first. */
	history: GdprHistoryItem[];
}

function isoTime(ms: number | null | undefined): string | null {
	if (typeof ms !== 'number' || !Number.isFinite(ms)) return null;
	const date = new Date(ms);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function exportFields(contact: Contact): ContactFields {
	// Keyed by the full field list, so a field added to ContactFields is exported without a change here.
	const fields = emptyContactFields(contact.kind);
	const out = {} as Record<keyof ContactFields, unknown>;
	// Birthday, embargo and consent are objects: copied, so the file shares nothing with the contact.
	for (const key of Object.keys(fields) as (keyof ContactFields)[]) out[key] = structuredClone(contact[key]);
	return out as ContactFields;
}

function exportChannel(c: Channel): Channel {
	const { id, kind, value, normalized, label, purpose, order } = c;
	return { id, kind, value, normalized, label, purpose, order };
}

function exportEffective(
	effective: EffectiveValues | null | undefined,
	group: (id: GroupId) => GdprNamed<GroupId>
): GdprEffective | null {
	if (!effective || (!effective.addressFrom && !effective.groupsFrom)) return null;
	const source = (s: InheritanceSource): GdprNamed<ContactId> => ({ id: s.id, name: s.displayName });
	return {
		address: effective.addressFrom
			? { from: source(effective.addressFrom), values: { ...effective.address } }
			: null,
		groups: effective.groupsFrom
			? { from: source(effective.groupsFrom), values: effective.groups.map(group) }
			: null
	};
}

/**
 * Sorts by device time, ties by id (UUIDv7, so by creation), so the file does not depend on the
 * order the entries were read in. The app's history view orders causally (crdt `sortHistory`);
 * that needs Yjs state vectors, which the domain core does not read, so when device clocks drifted
 * the two orders can differ. Every entry carries both its device and its server time.
 */
function exportHistory(input: GdprExportInput): GdprHistoryItem[] {
	const seen = new Set<string>();
	const entries = input.history.filter((e) => {
		// Another document's entries would be data about someone else: never part of this export.
		if (e.docId !== input.contact.id || seen.has(e.id)) return false;
		seen.add(e.id);
		return true;
	});
	entries.sort((a, b) => a.time - b.time || byId(a, b));
	// svBefore, client and clockEnd are left out on purpose: they are the CRDT's bookkeeping of
	// which edits a device had seen, not data about the person, and mean nothing outside Kontor.
	return entries.map((e) => ({
		id: e.id,
		time: isoTime(e.time),
		serverTime: isoTime(e.serverTime),
		author: { id: e.author.id, name: e.author.name || input.names(e.author.id) || null },
		device: e.device,
		changes: e.changes.map((c) => ({ path: [...c.path], from: c.from ?? null, to: c.to ?? null }))
	}));
}

/**
 * Everything Kontor stores about one contact, as plain JSON-serialisable data (DSGVO Art. 15):
 * its own fields, communication entries and groups, what it inherits and from where, who may see
 * and edit it, and every recorded change with author, device and times.
 */
export function gdprExport(input: GdprExportInput): GdprExport {
	const { contact, access, names } = input;
	const user = (id: string): GdprNamed => ({ id, name: names(id) ?? null });
	const group = (id: GroupId): GdprNamed<GroupId> => ({ id, name: input.groupNames?.get(id) ?? null });
	return {
		format: 'kontor-gdpr-export',
		version: 1,
		exportedAt: input.now.toISOString(),
		exportedBy: { id: input.exportedBy.id, name: input.exportedBy.name },
		contact: {
			id: contact.id,
			fields: exportFields(contact),
			channels: sortChannels(contact.channels).map(exportChannel),
			groups: contact.groups.map(group),
			tags: contact.tags.map((id) => ({ id, name: input.tagNames?.get(id) ?? null })),
			customer: structuredClone(contact.customer),
			supplier: { ...contact.supplier }
		},
		effective: exportEffective(input.effective, group),
		access: {
			owner: user(access.ownerId),
			everyone: access.everyone,
			users: Object.entries(access.users)
				.map(([id, level]) => ({ ...user(id), level }))
				.sort(byId)
		},
		history: exportHistory(input)
	};
}

/** `gdprExport` as the file's text: indented JSON with a final newline. */
export function gdprExportJson(input: GdprExportInput): string {
	return `${JSON.stringify(gdprExport(input), null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// File name
// ---------------------------------------------------------------------------------------------

const SLUG_MAX = 60;
const TRANSLITERATIONS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

/** The display name as ASCII for a file name: "Müller GmbH" -> "mueller-gmbh". */
function slug(name: string): string {
	const text = foldGerman(
		name
			.normalize('NFC')
			.toLowerCase()
			.replace(/[äöüß]/g, (ch) => TRANSLITERATIONS[ch] ?? ch)
	)
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return text.slice(0, SLUG_MAX).replace(/-+$/, '');
}

/**
 * A download name such as `kontakt-mueller-gmbh-2026-11-28.json`: the display name folded to ASCII
 * (umlauts as ae/oe/ue, ß as ss, at most 60 characters), then the local date.
 */
export function exportFileName(
	contact: Pick<ContactFields, 'kind' | 'companyName' | 'firstName' | 'lastName'>,
	ext: 'json' | 'vcf',
	now: Date
): string {
	const name = slug(displayName(contact)) || 'ohne-name';
	return `kontakt-${name}-${localDate(now)}.${ext}`;
}
