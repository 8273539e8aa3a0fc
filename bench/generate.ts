/**
 * Deterministic generator of a realistic German address book for the benchmark: companies, contact
 * persons under them (about 20 %) and standalone persons, each with 1-5 phone/mobile/fax/e-mail
 * channels, some contact groups. The same seed gives the same names, addresses and numbers; only
 * the random ids differ. Every phone number passes the app's own validation (libphonenumber).
 */
import { generateKeyBetween } from 'fractional-indexing';
import { newChannelId, newGroupId, type GroupId } from '../src/lib/domain/ids';
import { parsePhone } from '../src/lib/domain/phone';
import type {
	Channel,
	ChannelKind,
	ContactFields,
	ContactGroup,
	ContactKind,
	EmailPurpose
} from '../src/lib/domain/types';
import {
	CITIES,
	COMMON_SURNAMES,
	DEPARTMENTS,
	FEMALE_FIRST_NAMES,
	GROUPS,
	MAIL_PROVIDERS,
	MALE_FIRST_NAMES,
	NOTES,
	STREETS,
	SURNAME_ENDINGS,
	SURNAME_STEMS,
	type City
} from './german-data';
import { Dice, slug } from './dice';

/** One generated contact, before it is stored. */
export interface GeneratedContact {
	kind: ContactKind;
	fields: Partial<ContactFields>;
	channels: Channel[];
	groups: GroupId[];
	/** For a contact person: the index of its company in `companies`. */
	parent: number | null;
}

export interface GeneratedBook {
	groups: ContactGroup[];
	companies: GeneratedContact[];
	/** Standalone persons and contact persons; contact persons point at a company. */
	persons: GeneratedContact[];
}

/** Share of contacts that are companies, and of contact persons under them. */
const COMPANY_SHARE = 0.3;
const CONTACT_PERSON_SHARE = 0.2;

function surname(d: Dice): string {
	// Müller ends up near 1 % of persons, the compounds form a long tail of rare names.
	if (d.chance(0.3)) return d.skewed(COMMON_SURNAMES, 8);
	const name = d.skewed(SURNAME_STEMS, 10) + d.skewed(SURNAME_ENDINGS, 10);
	return name.replace(/(.)\1\1/g, '$1$1');
}

function person(d: Dice): Pick<ContactFields, 'salutation' | 'title' | 'firstName' | 'lastName'> {
	const female = d.chance(0.5);
	const lastName =
		female && d.chance(0.03)
			? `${surname(d)}-${surname(d)}`
			: d.chance(0.01)
				? `von ${surname(d)}`
				: surname(d);
	return {
		salutation: female ? 'ms' : 'mr',
		title: d.chance(0.05) ? (d.chance(0.1) ? 'Prof. Dr.' : 'Dr.') : '',
		firstName: d.skewed(female ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES),
		lastName
	};
}

const HOUSE_NUMBERS = Array.from({ length: 150 }, (_, i) => i + 1);

function address(d: Dice, city: City): Pick<ContactFields, 'street' | 'zip' | 'city'> {
	const number = `${d.skewed(HOUSE_NUMBERS)}${d.chance(0.08) ? d.pick(['a', 'b', 'c']) : ''}`;
	return {
		street: `${d.pick(STREETS)} ${number}`,
		zip: String(d.int(city.zipFrom, city.zipTo)).padStart(5, '0'),
		city: city.name
	};
}

/** A valid German number for a fixed-line area code or a mobile prefix, in one of the usual spellings. */
function phoneNumber(d: Dice, prefix: string, extension = ''): { value: string; normalized: string } {
	for (let attempt = 0; attempt < 100; attempt++) {
		const mobile = prefix.startsWith('01');
		const subscriber = mobile
			? d.digits(prefix.startsWith('015') ? 8 : d.int(7, 8), '0123456789')
			: d.digits(Math.max(4, 10 - prefix.length + d.int(0, 1)));
		const rest = prefix.slice(1);
		const styles = [
			`${prefix} ${subscriber}`,
			`${prefix}/${subscriber}`,
			`(${prefix}) ${subscriber.slice(0, 3)} ${subscriber.slice(3)}`,
			`+49 ${rest} ${subscriber}`,
			`${prefix}-${subscriber}`
		];
		const value = d.pick(styles) + (extension ? `-${extension}` : '');
		const parsed = parsePhone(value, 'DE');
		if (parsed.ok) return { value, normalized: parsed.e164 };
	}
	throw new Error(`No valid phone number found for prefix ${prefix}`);
}

const MOBILE_PREFIXES = [
	'0151',
	'0152',
	'0157',
	'0160',
	'0162',
	'0170',
	'0171',
	'0172',
	'0175',
	'0176',
	'0179'
];

/** Collects channels with fractional order keys in insertion order. */
class ChannelList {
	readonly items: Channel[] = [];
	#order: string | null = null;
	add(
		kind: ChannelKind,
		value: string,
		normalized: string,
		label: string,
		purpose: EmailPurpose | null = null
	) {
		if (this.items.length >= 5 || this.items.some((c) => c.normalized === normalized)) return;
		this.#order = generateKeyBetween(this.#order, null);
		this.items.push({ id: newChannelId(), kind, value, normalized, label, purpose, order: this.#order });
	}
	email(local: string, domain: string, label: string, purpose: EmailPurpose | null = null) {
		const value = `${local}@${domain}`;
		this.add('email', value, value.toLowerCase(), label, purpose);
	}
}

const COMPANY_PATTERNS: ((name: string, city: string) => [string, string])[] = [
	(n) => [`${n} Maschinenbau GmbH`, `${slug(n)}-maschinenbau.de`],
	(n) => [`${n} & Söhne KG`, `${slug(n)}-soehne.de`],
	(n) => [`Bäckerei ${n}`, `baeckerei-${slug(n)}.de`],
	(_, c) => [`${c} Logistik AG`, `${slug(c)}-logistik.de`],
	(n) => [`${n} Elektrotechnik GmbH & Co. KG`, `${slug(n)}-elektro.de`],
	(n) => [`Autohaus ${n}`, `autohaus-${slug(n)}.de`],
	(n) => [`Schreinerei ${n}`, `schreinerei-${slug(n)}.de`],
	(n) => [`${n} Steuerberatung`, `stb-${slug(n)}.de`],
	(n) => [`Dr. ${n} & Partner Rechtsanwälte`, `${slug(n)}-partner.de`],
	(n) => [`${n} Haustechnik e.K.`, `${slug(n)}-haustechnik.de`],
	(_, c) => [`Stadtwerke ${c} GmbH`, `stadtwerke-${slug(c)}.de`],
	(n) => [`Metzgerei ${n}`, `metzgerei-${slug(n)}.de`],
	(n) => [`${n} IT-Service UG (haftungsbeschränkt)`, `${slug(n)}-it.de`],
	(n) => [`Gärtnerei ${n}`, `gaertnerei-${slug(n)}.de`],
	(n) => [`${n} Bau GmbH`, `${slug(n)}-bau.de`],
	(_, c) => [`${c} Druck & Medien GmbH`, `${slug(c)}-druck.de`],
	(n) => [`${n} Immobilien GmbH`, `${slug(n)}-immobilien.de`],
	(n) => [`Ingenieurbüro ${n}`, `ib-${slug(n)}.de`],
	(n) => [`${n} Transporte GmbH`, `${slug(n)}-transporte.de`],
	(n) => [`${n} Feinkost OHG`, `feinkost-${slug(n)}.de`],
	(n) => [`${n} Dachdeckerei GmbH`, `${slug(n)}-dach.de`],
	(n) => [`Blumen ${n}`, `blumen-${slug(n)}.de`]
];

function someGroups(d: Dice, groups: readonly ContactGroup[], p: number): GroupId[] {
	if (!d.chance(p)) return [];
	const first = d.skewed(groups).id;
	const second = d.chance(0.3) ? d.pick(groups).id : first;
	return [...new Set([first, second])];
}

interface CompanyInfo {
	domain: string;
	city: City;
	phone: string;
}

function company(d: Dice, groups: readonly ContactGroup[]): [GeneratedContact, CompanyInfo] {
	const city = d.skewed(CITIES, 2);
	const [companyName, domain] = d.skewed(COMPANY_PATTERNS)(surname(d), city.name);
	const c = new ChannelList();
	const main = phoneNumber(d, city.areaCode);
	c.add('phone', main.value, main.normalized, 'Zentrale');
	if (d.chance(0.8)) c.email('info', domain, 'Zentrale');
	if (d.chance(0.45)) c.add('fax', ...pair(phoneNumber(d, city.areaCode)), 'Zentrale');
	if (d.chance(0.25))
		c.email('buchhaltung', domain, 'Buchhaltung', d.pick(['accounting', 'invoice'] as const));
	if (d.chance(0.2)) c.email('vertrieb', domain, 'Vertrieb');
	if (d.chance(0.1)) c.email('rechnung', domain, 'Buchhaltung', 'invoice');
	if (d.chance(0.1)) c.add('mobile', ...pair(phoneNumber(d, d.pick(MOBILE_PREFIXES))), 'Notdienst');
	const fields: Partial<ContactFields> = { companyName, ...address(d, city) };
	if (d.chance(0.08)) fields.notes = d.pick(NOTES);
	const contact = {
		kind: 'company' as const,
		fields,
		channels: c.items,
		groups: someGroups(d, groups, 0.4),
		parent: null
	};
	return [contact, { domain, city, phone: main.value }];
}

function pair(p: { value: string; normalized: string }): [string, string] {
	return [p.value, p.normalized];
}

function contactPerson(
	d: Dice,
	parent: number,
	info: CompanyInfo,
	groups: readonly ContactGroup[]
): GeneratedContact {
	const name = person(d);
	const inheritAddress = d.chance(0.85);
	const c = new ChannelList();
	const local = d.chance(0.5)
		? `${slug(name.firstName)}.${slug(name.lastName)}`
		: `${slug(name.firstName)[0]}.${slug(name.lastName)}`;
	if (d.chance(0.7))
		c.add('phone', ...pair(phoneNumber(d, info.city.areaCode, String(d.int(10, 399)))), 'Durchwahl');
	if (d.chance(0.8)) c.email(local, info.domain, 'geschäftlich');
	if (d.chance(0.4) || c.items.length === 0)
		c.add('mobile', ...pair(phoneNumber(d, d.pick(MOBILE_PREFIXES))), 'geschäftlich');
	if (d.chance(0.1)) c.add('mobile', ...pair(phoneNumber(d, d.pick(MOBILE_PREFIXES))), 'privat');
	const fields: Partial<ContactFields> = {
		...name,
		department: d.chance(0.7) ? d.skewed(DEPARTMENTS) : '',
		inheritAddress,
		inheritGroups: d.chance(0.85),
		...(inheritAddress ? {} : address(d, d.chance(0.7) ? info.city : d.skewed(CITIES)))
	};
	return { kind: 'person', fields, channels: c.items, groups: someGroups(d, groups, 0.05), parent };
}

function standalonePerson(d: Dice, groups: readonly ContactGroup[]): GeneratedContact {
	const name = person(d);
	const city = d.skewed(CITIES, 2);
	const c = new ChannelList();
	const local = `${slug(name.firstName)}.${slug(name.lastName)}${d.chance(0.3) ? d.int(1, 99) : ''}`;
	if (d.chance(0.6)) c.add('mobile', ...pair(phoneNumber(d, d.pick(MOBILE_PREFIXES))), 'privat');
	if (d.chance(0.5)) c.add('phone', ...pair(phoneNumber(d, city.areaCode)), 'privat');
	if (d.chance(0.7) || c.items.length === 0) c.email(local, d.skewed(MAIL_PROVIDERS), 'privat');
	if (d.chance(0.05)) c.email(`${slug(name.lastName)}.rechnung`, d.skewed(MAIL_PROVIDERS), '', 'invoice');
	if (d.chance(0.03)) c.add('fax', ...pair(phoneNumber(d, city.areaCode)), 'privat');
	const fields: Partial<ContactFields> = { ...name, ...address(d, city) };
	if (d.chance(0.03)) fields.language = 'en';
	if (d.chance(0.05)) fields.notes = d.pick(NOTES);
	return { kind: 'person', fields, channels: c.items, groups: someGroups(d, groups, 0.25), parent: null };
}

/** Generates `count` contacts: ~30 % companies, ~20 % contact persons, the rest standalone persons. */
export function generateBook(count: number, seed: number): GeneratedBook {
	const d = new Dice(seed);
	const groups: ContactGroup[] = GROUPS.map((g) => ({ id: newGroupId(), ...g }));
	const companyCount = Math.max(1, Math.round(count * COMPANY_SHARE));
	const childCount = Math.min(count - companyCount, Math.round(count * CONTACT_PERSON_SHARE));
	const companies: GeneratedContact[] = [];
	const infos: CompanyInfo[] = [];
	for (let i = 0; i < companyCount; i++) {
		const [contact, info] = company(d, groups);
		companies.push(contact);
		infos.push(info);
	}
	// A few large companies (the first 5 %) get 30 % of the contact persons; most companies get none or one.
	const large = Math.max(1, Math.round(companyCount * 0.05));
	const rest = count - companyCount;
	const persons: GeneratedContact[] = [];
	for (let i = 0; i < rest; i++) {
		// Spreads exactly `childCount` contact persons evenly among the persons.
		if (Math.floor(((i + 1) * childCount) / rest) > Math.floor((i * childCount) / rest)) {
			const parent = d.chance(0.3) ? d.int(0, large - 1) : d.int(0, companyCount - 1);
			persons.push(contactPerson(d, parent, infos[parent] as CompanyInfo, groups));
		} else persons.push(standalonePerson(d, groups));
	}
	return { groups, companies, persons };
}
