/**
 * Shared test data: small factories and a seeded random generator, so property-style tests are
 * reproducible (a failing seed fails the same way on every run).
 */
import {
	emptyContactFields,
	emptyContactParts,
	newChannelId,
	newContactId,
	type Channel,
	type ChannelId,
	type ChannelKind,
	type Contact,
	type ContactId,
	type ContactKind,
	type GroupId
} from '../src/lib/domain';

/** A tiny seeded PRNG (mulberry32): returns floats in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export type Rng = () => number;

/** An integer in [min, max]. */
export function int(rng: Rng, min: number, max: number): number {
	return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
	const item = items[Math.floor(rng() * items.length)];
	if (item === undefined) throw new Error('pick from an empty list');
	return item;
}

/** A canonical lower-case UUIDv7-shaped string drawn from `rng` (deterministic, unlike `uuidv7()`). */
export function seededUuid(rng: Rng): string {
	let h = '';
	for (let i = 0; i < 32; i++) h += Math.floor(rng() * 16).toString(16);
	const variant = (8 + Math.floor(rng() * 4)).toString(16);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
}

export const seededContactId = (rng: Rng): ContactId => seededUuid(rng) as ContactId;
export const seededChannelId = (rng: Rng): ChannelId => seededUuid(rng) as ChannelId;
export const seededGroupId = (rng: Rng): GroupId => seededUuid(rng) as GroupId;

/**
 * A domain `Contact` with plausible defaults (a person "Erika Mustermann", or "Mustermann GmbH" for
 * `kind: 'company'`, in Berlin); every field can be overridden. The id is fresh unless given.
 */
export function makeContact(overrides: Partial<Contact> = {}): Contact {
	const kind: ContactKind = overrides.kind ?? 'person';
	const names =
		kind === 'company'
			? { companyName: 'Mustermann GmbH' }
			: { firstName: 'Erika', lastName: 'Mustermann', salutation: 'ms' as const };
	return {
		...emptyContactFields(kind),
		...names,
		street: 'Hauptstraße 1',
		zip: '10115',
		city: 'Berlin',
		id: newContactId(),
		...emptyContactParts(),
		...overrides
	};
}

const CHANNEL_DEFAULTS: Record<ChannelKind, Pick<Channel, 'value' | 'normalized'>> = {
	phone: { value: '030 1234567', normalized: '+49301234567' },
	mobile: { value: '0171 2345678', normalized: '+491712345678' },
	fax: { value: '030 1234568', normalized: '+49301234568' },
	email: { value: 'info@example.de', normalized: 'info@example.de' }
};

/** A channel with a value that fits its kind (a Berlin number, or info@example.de); overridable. */
export function makeChannel(overrides: Partial<Channel> = {}): Channel {
	const kind: ChannelKind = overrides.kind ?? 'phone';
	return {
		id: newChannelId(),
		kind,
		...CHANNEL_DEFAULTS[kind],
		label: '',
		purpose: null,
		order: 'a0',
		...overrides
	};
}

const FIRST_NAMES = [
	'Anna',
	'Jürgen',
	'Özlem',
	'Björn',
	'Søren',
	'Hans-Peter',
	'Marie',
	'Élodie',
	'Lukas',
	''
];
const LAST_NAMES = [
	'Müller',
	'Mueller',
	'Schäfer',
	'Weiß',
	'Öztürk',
	'van Dijk',
	'Groß',
	'Zander',
	'Łukasz',
	''
];
const COMPANY_NAMES = [
	'Müller Maschinenbau GmbH',
	'Schmidt & Söhne KG',
	'Bäckerei Süß e.K.',
	'Ärztehaus am Markt',
	'Straßenbau Nord AG',
	'3D-Druck Zander UG (haftungsbeschränkt)',
	''
];
const CITIES: readonly [string, string][] = [
	['10115', 'Berlin'],
	['80331', 'München'],
	['50667', 'Köln'],
	['20095', 'Hamburg'],
	['01067', 'Dresden'],
	['', '']
];
const PHONES: readonly [string, string][] = [
	['030 1234567', '+49301234567'],
	['(089) 123 456 78', '+498912345678'],
	['+49 221 123456', '+49221123456'],
	['0171 2345678', '+491712345678'],
	['044 668 18 00', '+41446681800']
];
const EMAILS = ['info@mueller-maschinenbau.de', 'Anna.Mueller@Firma.DE', 'buchhaltung@schmidt-soehne.de'];

/** A contact with random but realistic German data, channels and groups, drawn from `rng`. */
export function randomContact(rng: Rng, overrides: Partial<Contact> = {}): Contact {
	const kind: ContactKind = overrides.kind ?? (rng() < 0.5 ? 'company' : 'person');
	const [zip, city] = pick(rng, CITIES);
	const channels: Channel[] = [];
	const count = int(rng, 0, 4);
	for (let i = 0; i < count; i++) {
		const channelKind = pick(rng, ['phone', 'mobile', 'fax', 'email'] as const);
		const [value, normalized] = channelKind === 'email' ? [pick(rng, EMAILS), ''] : pick(rng, PHONES);
		channels.push({
			id: seededChannelId(rng),
			kind: channelKind,
			value,
			normalized: channelKind === 'email' ? value.toLowerCase() : normalized,
			label: pick(rng, ['', 'Zentrale', 'Vertrieb', 'privat']),
			purpose: channelKind === 'email' ? pick(rng, [null, 'invoice', 'accounting'] as const) : null,
			order: `a${int(rng, 0, 9)}`
		});
	}
	const groups = Array.from({ length: int(rng, 0, 3) }, () => seededGroupId(rng));
	return {
		...emptyContactFields(kind),
		companyName: pick(rng, COMPANY_NAMES),
		firstName: kind === 'person' ? pick(rng, FIRST_NAMES) : '',
		lastName: kind === 'person' ? pick(rng, LAST_NAMES) : '',
		street: pick(rng, ['Hauptstraße 1', 'Königsallee 12', 'Am Markt 3', '']),
		zip,
		city,
		matchcode: pick(rng, ['', 'MUELLER', 'KUNDE 4711']),
		id: seededContactId(rng),
		...emptyContactParts(),
		channels,
		groups: [...new Set(groups)].sort(),
		...overrides
	};
}
