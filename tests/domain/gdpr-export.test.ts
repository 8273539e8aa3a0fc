import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/lib/crdt';
import {
	effectiveValues,
	emptyContactFields,
	emptyCustomerData,
	escapeVCardText,
	exportFileName,
	foldVCardLine,
	gdprExport,
	gdprExportJson,
	toVCard,
	type AccessInfo,
	type ChannelId,
	type Contact,
	type ContactId,
	type GdprExportInput,
	type GroupId,
	type InheritanceSource,
	type Salutation
} from '../../src/lib/domain';
import { makeChannel, makeContact, mulberry32 } from '../factories';

const PERSON_ID = '0190a000-0000-7000-8000-000000000001' as ContactId;
const COMPANY_ID = '0190a000-0000-7000-8000-000000000002' as ContactId;
const OTHER_ID = '0190a000-0000-7000-8000-000000000003' as ContactId;
const cid = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}` as ChannelId;
const g = (name: string) => name as GroupId;
const NOW = new Date('2026-11-28T09:30:00.000Z');

/** Physical lines without their CRLF (the text ends with one). */
const physicalLines = (vcard: string) => vcard.split('\r\n').slice(0, -1);
const unfold = (vcard: string) => vcard.replace(/\r\n /g, '');

const person = makeContact({
	id: PERSON_ID,
	kind: 'person',
	salutation: 'ms',
	title: 'Dr.',
	firstName: 'Erika',
	lastName: 'Mustermann',
	companyName: '',
	department: 'Vertrieb; Innendienst',
	street: 'Hauptstraße 1',
	zip: '10115',
	city: 'Berlin',
	country: 'DE',
	language: 'de',
	notes: 'Ruft meist vormittags an.\nRabatt: 5%, netto; Skonto \\ nein',
	channels: [
		makeChannel({
			id: cid(5),
			kind: 'email',
			value: 'erika@example.de',
			label: 'privat, abends',
			order: 'a4'
		}),
		makeChannel({ id: cid(1), kind: 'phone', label: 'Zentrale', order: 'a0' }),
		makeChannel({ id: cid(2), kind: 'mobile', order: 'a1' }),
		makeChannel({ id: cid(3), kind: 'fax', value: '030, Apparat 12', normalized: '', order: 'a2' }),
		makeChannel({
			id: cid(4),
			kind: 'email',
			value: 'rechnung@example.de',
			normalized: 'rechnung@example.de',
			purpose: 'invoice',
			order: 'a3'
		})
	]
});

const company = makeContact({
	id: COMPANY_ID,
	kind: 'company',
	companyName: 'Schmidt, Söhne; Partner \\ KG',
	department: '',
	street: 'Am Markt 3',
	zip: '50667',
	city: 'Köln',
	language: 'en',
	notes: 'Erste Zeile\r\nZweite Zeile',
	channels: [
		makeChannel({ id: cid(1), kind: 'phone', value: '+41 44 668 18 00', normalized: '+41446681800' })
	]
});

describe('toVCard', () => {
	it('writes a person exactly, with escaping and tel: URIs', () => {
		expect(toVCardOf(person, { parentName: 'Müller GmbH' })).toBe(
			[
				'BEGIN:VCARD',
				'VERSION:4.0',
				'PRODID:-//Kontor//Kontor//DE',
				'KIND:individual',
				'FN:Dr. Erika Mustermann',
				'N:Mustermann;Erika;;Dr.;',
				'ORG:Müller GmbH;Vertrieb\\; Innendienst',
				'ADR;TYPE=work:;;Hauptstraße 1;Berlin;;10115;DE',
				'TEL;VALUE=uri;PREF=1;TYPE=voice;X-KONTOR-LABEL=Zentrale:tel:+49301234567',
				'TEL;VALUE=uri;TYPE=cell:tel:+491712345678',
				'TEL;TYPE=fax:030\\, Apparat 12',
				'EMAIL;PREF=1;X-KONTOR-PURPOSE=invoice:rechnung@example.de',
				'EMAIL;X-KONTOR-LABEL="privat, abends":erika@example.de',
				'GENDER:F',
				'LANG:de',
				'NOTE:Ruft meist vormittags an.\\nRabatt: 5%\\, netto\\; Skonto \\\\ nein',
				'UID:urn:uuid:0190a000-0000-7000-8000-000000000001',
				'REV:20261128T093000Z',
				'END:VCARD',
				''
			].join('\r\n')
		);
	});

	it('writes a company exactly: KIND org, no N or GENDER, escaped name in FN and ORG', () => {
		expect(toVCardOf(company)).toBe(
			[
				'BEGIN:VCARD',
				'VERSION:4.0',
				'PRODID:-//Kontor//Kontor//DE',
				'KIND:org',
				'FN:Schmidt\\, Söhne\\; Partner \\\\ KG',
				'ORG:Schmidt\\, Söhne\\; Partner \\\\ KG',
				'ADR;TYPE=work:;;Am Markt 3;Köln;;50667;DE',
				'TEL;VALUE=uri;PREF=1;TYPE=voice:tel:+41446681800',
				'LANG:en',
				'NOTE:Erste Zeile\\nZweite Zeile',
				'UID:urn:uuid:0190a000-0000-7000-8000-000000000002',
				'REV:20261128T093000Z',
				'END:VCARD',
				''
			].join('\r\n')
		);
	});

	it('uses CRLF only, and no physical line is longer than 75 octets', () => {
		const long = makeContact({
			id: PERSON_ID,
			notes: 'Lärmschutzwände für Straßenbaustellen, Größe nach Maß. '.repeat(8),
			street: 'Ölmühlenweg '.repeat(10)
		});
		const vcard = toVCardOf(long);
		expect(vcard.endsWith('END:VCARD\r\n')).toBe(true);
		expect(vcard.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		for (const line of physicalLines(vcard)) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
		expect(unfold(vcard)).toContain(`NOTE:${escapeVCardText(long.notes)}\r\n`);
	});

	it('uses the inherited address and company when given', () => {
		const child = makeContact({ id: PERSON_ID, companyName: '', street: 'Gartenweg 2', city: 'Berlin' });
		const effective = {
			companyName: 'Müller Maschinenbau GmbH',
			street: 'Industriestraße 5',
			zip: '80331',
			city: 'München',
			country: 'AT'
		};
		const lines = physicalLines(toVCardOf(child, { effective, parentName: 'Anderer Name' }));
		expect(lines).toContain('ADR;TYPE=work:;;Industriestraße 5;München;;80331;AT');
		expect(lines).toContain('ORG:Müller Maschinenbau GmbH');
		expect(lines.join('\n')).not.toContain('Gartenweg');
	});

	it('names a person without a company after its parent, and leaves ORG and ADR out when empty', () => {
		const bare = makeContact({ id: PERSON_ID, street: '', zip: '', city: '' });
		expect(physicalLines(toVCardOf(bare, { parentName: 'Müller GmbH' }))).toContain('ORG:Müller GmbH');
		const lines = physicalLines(toVCardOf(bare));
		expect(lines.some((l) => l.startsWith('ORG'))).toBe(false);
		expect(lines.some((l) => l.startsWith('ADR'))).toBe(false);
		expect(lines.some((l) => l.startsWith('NOTE'))).toBe(false);
	});

	it('a company that inherits an address keeps its own name as ORG', () => {
		const branch = makeContact({ id: COMPANY_ID, kind: 'company', companyName: 'Müller Süd GmbH' });
		const effective = {
			companyName: 'Müller GmbH',
			street: 'Weg 1',
			zip: '80331',
			city: 'München',
			country: 'DE'
		};
		const lines = physicalLines(toVCardOf(branch, { effective }));
		expect(lines).toContain('ORG:Müller Süd GmbH');
		expect(lines).toContain('ADR;TYPE=work:;;Weg 1;München;;80331;DE');
	});

	it.each<[Salutation, string]>([
		['mr', 'M'],
		['ms', 'F'],
		['diverse', 'O'],
		['none', 'N']
	])('GENDER for salutation %s is %s', (salutation, gender) => {
		const lines = physicalLines(toVCardOf(makeContact({ salutation })));
		expect(lines.filter((l) => l.startsWith('GENDER'))).toEqual([`GENDER:${gender}`]);
	});

	it.each<[Contact['birthday'], string | null]>([
		[{ day: 12, month: 4, year: 1985 }, 'BDAY:19850412'],
		[{ day: 3, month: 11, year: null }, 'BDAY:--1103'],
		[{ day: 29, month: 2, year: null }, 'BDAY:--0229'],
		[null, null]
	])('writes the birthday %j as %s (RFC 6350: --MMDD without a year)', (birthday, expected) => {
		const lines = physicalLines(toVCardOf(makeContact({ birthday })));
		expect(lines.filter((l) => l.startsWith('BDAY'))).toEqual(expected ? [expected] : []);
	});

	it('writes no BDAY for a company', () => {
		const company = makeContact({ kind: 'company', birthday: { day: 1, month: 1, year: 2000 } });
		expect(toVCardOf(company)).not.toContain('BDAY');
	});

	it('falls back to the display name for FN and writes a text TEL for a number that is not E.164', () => {
		const noName = makeContact({
			firstName: '',
			lastName: '',
			title: '',
			companyName: 'Acme AG',
			channels: [makeChannel({ kind: 'mobile', value: '0171 / 23', normalized: '017123' })]
		});
		const lines = physicalLines(toVCardOf(noName));
		expect(lines).toContain('FN:Acme AG');
		expect(lines).toContain('N:;;;;');
		expect(lines).toContain('TEL;PREF=1;TYPE=cell:0171 / 23');
	});

	it('quotes and caret-encodes parameter values that need it (RFC 6868)', () => {
		const c = makeContact({
			channels: [makeChannel({ kind: 'phone', label: 'Büro "Nord"; Zi. ^3\nhinten' })]
		});
		expect(unfold(toVCardOf(c))).toContain(
			`TEL;VALUE=uri;PREF=1;TYPE=voice;X-KONTOR-LABEL="Büro ^'Nord^'; Zi. ^^3^nhinten":tel:+49301234567\r\n`
		);
	});
});

describe('escapeVCardText', () => {
	it.each([
		['plain', 'plain'],
		['a,b', 'a\\,b'],
		['a;b', 'a\\;b'],
		['a\\b', 'a\\\\b'],
		['a\nb', 'a\\nb'],
		['a\r\nb', 'a\\nb'],
		['a\rb', 'a\\nb'],
		['tab\tstays', 'tab\tstays'],
		['bell\u0007goes', 'bell goes'],
		['\\n literal', '\\\\n literal']
	])('%j -> %j', (input, expected) => {
		expect(escapeVCardText(input)).toBe(expected);
	});
});

describe('foldVCardLine', () => {
	it('leaves a line of 75 octets as it is', () => {
		const line = `NOTE:${'a'.repeat(70)}`;
		expect(foldVCardLine(line)).toBe(line);
	});

	it('folds before a two-octet umlaut that would cross the 75-octet boundary', () => {
		const line = `NOTE:${'a'.repeat(69)}äbc`;
		expect(foldVCardLine(line)).toBe(`NOTE:${'a'.repeat(69)}\r\n äbc`);
	});

	it('puts 74 octets after the leading space of each continuation', () => {
		const folded = foldVCardLine(`NOTE:${'ü'.repeat(100)}`);
		const lines = folded.split('\r\n');
		// 5 + 35 * 2 = 75; 1 + 37 * 2 = 75; the rest.
		expect(lines).toEqual([`NOTE:${'ü'.repeat(35)}`, ` ${'ü'.repeat(37)}`, ` ${'ü'.repeat(28)}`]);
	});

	it('never splits a multi-byte character, whatever its width', () => {
		const rng = mulberry32(11);
		const alphabet = ['a', 'ä', 'ß', '€', '中', '😀', 'Ö', ' '];
		for (let run = 0; run < 200; run++) {
			let line = 'NOTE:';
			const length = Math.floor(rng() * 120);
			for (let i = 0; i < length; i++) line += alphabet[Math.floor(rng() * alphabet.length)];
			const folded = foldVCardLine(line);
			for (const physical of folded.split('\r\n')) {
				const bytes = Buffer.from(physical, 'utf8');
				expect(bytes.length).toBeLessThanOrEqual(75);
				// Every piece is whole UTF-8 text on its own (a cut surrogate pair would not decode back).
				expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toBe(physical);
			}
			expect(folded.replace(/\r\n /g, '')).toBe(line);
		}
	});
});

function toVCardOf(contact: Contact, options: Omit<Parameters<typeof toVCard>[1], 'now'> = {}) {
	return toVCard(contact, { now: NOW, ...options });
}

const OWNER = '0190b000-0000-7000-8000-000000000001';
const READER = '0190b000-0000-7000-8000-000000000002';
const EDITOR = '0190b000-0000-7000-8000-000000000003';
const STRANGER = '0190b000-0000-7000-8000-000000000004';
const USER_NAMES: Record<string, string> = {
	[OWNER]: 'Olga Owner',
	[READER]: 'Rita Reader',
	[EDITOR]: 'Ede Editor'
};
const t = (iso: string) => Date.parse(iso);

function historyEntry(
	id: string,
	time: string,
	changes: HistoryEntry['changes'],
	overrides: Partial<HistoryEntry> = {}
): HistoryEntry {
	return {
		id,
		docId: PERSON_ID,
		time: t(time),
		author: { id: EDITOR, name: 'Ede Editor' },
		device: 'device-a',
		changes,
		svBefore: new Uint8Array([1, 7, 3]),
		client: 7,
		clockEnd: 4,
		...overrides
	};
}

const created = historyEntry(
	'0192aaaa-0001-7000-8000-000000000000',
	'2026-01-05T08:00:00.000Z',
	[
		{ path: ['fields', 'lastName'], to: 'Musterfrau' },
		{ path: ['channels', cid(1)], to: { kind: 'phone', value: '030 1234567' } }
	],
	{ author: { id: OWNER, name: 'Olga Owner' }, serverTime: t('2026-01-05T08:00:02.000Z') }
);
const renamed = historyEntry(
	'0192aaaa-0002-7000-8000-000000000000',
	'2026-03-01T12:00:00.000Z',
	[{ path: ['fields', 'lastName'], from: 'Musterfrau', to: 'Mustermann' }],
	{ serverTime: t('2026-03-01T12:00:01.500Z') }
);
// Same millisecond as `renamed`, made later on another device: the id breaks the tie.
const grouped = historyEntry(
	'0192aaaa-0003-7000-8000-000000000000',
	'2026-03-01T12:00:00.000Z',
	[{ path: ['groups', 'kunden'], to: true }],
	{ device: 'device-b', author: { id: '', name: '' } }
);
const removed = historyEntry('0192aaaa-0004-7000-8000-000000000000', '2026-06-10T16:45:00.000Z', [
	{ path: ['channels', cid(9)], from: { kind: 'fax', value: '030 99' } }
]);

const access: AccessInfo = {
	ownerId: OWNER,
	everyone: 'read',
	users: { [READER]: 'read', [EDITOR]: 'edit', [STRANGER]: 'read' }
};

const parentSource: InheritanceSource = {
	id: COMPANY_ID,
	displayName: 'Müller Maschinenbau GmbH',
	address: {
		companyName: 'Müller Maschinenbau GmbH',
		street: 'Industriestraße 5',
		zip: '80331',
		city: 'München',
		country: 'DE'
	},
	groups: [g('kunden'), g('sued')]
};

const fullPerson: Contact = {
	...person,
	matchcode: 'MUSTERMANN ERIKA',
	profile: 'Einkauf, entscheidet über Rahmenverträge',
	parentId: COMPANY_ID,
	inheritAddress: true,
	inheritGroups: false,
	groups: [g('kunden'), g('newsletter')],
	isCustomer: true,
	birthday: { day: 12, month: 4, year: 1985 },
	friend: true,
	embargo: { reason: 'Offene Forderungen', since: '2026-10-01' },
	advertisingConsent: { date: '2025-05-20', source: 'Messe 2025, Formular' },
	tags: ['vip', 'verzug'],
	customer: {
		...emptyCustomerData(),
		customerNumber: 'K-10042',
		vatId: 'DE136695976',
		sepa: {
			reference: 'MANDAT-2024-17',
			signedOn: '2024-03-01',
			accountHolder: 'Erika Mustermann',
			iban: 'DE89370400440532013000',
			bic: 'COBADEFFXXX'
		},
		discounts: { [g('schrauben')]: 7.5 }
	}
};

function input(overrides: Partial<GdprExportInput> = {}): GdprExportInput {
	return {
		contact: fullPerson,
		// Newest first, as the store returns it, with a duplicate and another contact's entry mixed in.
		history: [
			removed,
			grouped,
			renamed,
			created,
			renamed,
			historyEntry('0192aaaa-0005-7000-8000-000000000000', '2026-02-01T00:00:00.000Z', [], {
				docId: OTHER_ID
			})
		],
		access,
		names: (id) => USER_NAMES[id],
		groupNames: new Map([
			[g('kunden'), 'Kunden'],
			[g('sued'), 'Region Süd']
		]),
		effective: effectiveValues(
			{
				parentId: fullPerson.parentId,
				inheritAddress: fullPerson.inheritAddress,
				inheritGroups: fullPerson.inheritGroups,
				address: fullPerson,
				groups: fullPerson.groups
			},
			parentSource
		),
		exportedBy: { id: OWNER, name: 'Olga Owner' },
		now: NOW,
		...overrides
	};
}

describe('gdprExport', () => {
	it('names the format, the time and who exported', () => {
		const out = gdprExport(input());
		expect(out.format).toBe('kontor-gdpr-export');
		expect(out.version).toBe(1);
		expect(out.exportedAt).toBe('2026-11-28T09:30:00.000Z');
		expect(out.exportedBy).toEqual({ id: OWNER, name: 'Olga Owner' });
	});

	it('contains every stored field of the contact', () => {
		const out = gdprExport(input());
		expect(out.contact.id).toBe(PERSON_ID);
		expect(Object.keys(out.contact.fields).sort()).toEqual(Object.keys(emptyContactFields('person')).sort());
		const {
			id: _id,
			channels: _channels,
			groups: _groups,
			tags: _tags,
			customer,
			supplier,
			...fields
		} = fullPerson;
		expect(out.contact.fields).toEqual(fields);
		expect(out.contact.fields.birthday).toEqual({ day: 12, month: 4, year: 1985 });
		expect(out.contact.fields.friend).toBe(true);
		expect(out.contact.fields.embargo).toEqual({ reason: 'Offene Forderungen', since: '2026-10-01' });
		expect(out.contact.fields.advertisingConsent).toEqual({
			date: '2025-05-20',
			source: 'Messe 2025, Formular'
		});
		// Copies: changing the export does not change the contact.
		expect(out.contact.fields.embargo).not.toBe(fullPerson.embargo);
		expect(out.contact.fields.notes).toBe('Ruft meist vormittags an.\nRabatt: 5%, netto; Skonto \\ nein');
		expect(out.contact.fields.parentId).toBe(COMPANY_ID);
		expect(out.contact.customer).toEqual(customer);
		expect(out.contact.supplier).toEqual(supplier);
	});

	it('contains every channel with all its values, in display order', () => {
		const out = gdprExport(input());
		expect(out.contact.channels.map((c) => c.id)).toEqual([cid(1), cid(2), cid(3), cid(4), cid(5)]);
		expect(out.contact.channels[3]).toEqual({
			id: cid(4),
			kind: 'email',
			value: 'rechnung@example.de',
			normalized: 'rechnung@example.de',
			label: '',
			purpose: 'invoice',
			order: 'a3'
		});
		expect(out.contact.channels[0]).toMatchObject({
			kind: 'phone',
			normalized: '+49301234567',
			label: 'Zentrale'
		});
	});

	it('names the groups, null for a group without a known name', () => {
		expect(gdprExport(input()).contact.groups).toEqual([
			{ id: 'kunden', name: 'Kunden' },
			{ id: 'newsletter', name: null }
		]);
		expect(gdprExport(input({ groupNames: undefined })).contact.groups[0]).toEqual({
			id: 'kunden',
			name: null
		});
	});

	it('names the status tags, null for a tag the workspace no longer lists', () => {
		const out = gdprExport(input({ tagNames: new Map([['vip', 'VIP']]) }));
		expect(out.contact.tags).toEqual([
			{ id: 'vip', name: 'VIP' },
			{ id: 'verzug', name: null }
		]);
	});

	it('says what is inherited and from where', () => {
		expect(gdprExport(input()).effective).toEqual({
			address: {
				from: { id: COMPANY_ID, name: 'Müller Maschinenbau GmbH' },
				values: parentSource.address
			},
			groups: null
		});
		expect(gdprExport(input({ effective: null })).effective).toBeNull();
		const own = effectiveValues({ ...fullPerson, inheritAddress: false, address: fullPerson }, parentSource);
		expect(gdprExport(input({ effective: own })).effective).toBeNull();
	});

	it('names inherited groups', () => {
		const both = effectiveValues({ ...fullPerson, inheritGroups: true, address: fullPerson }, parentSource);
		expect(gdprExport(input({ effective: both })).effective?.groups).toEqual({
			from: { id: COMPANY_ID, name: 'Müller Maschinenbau GmbH' },
			values: [
				{ id: 'kunden', name: 'Kunden' },
				{ id: 'sued', name: 'Region Süd' }
			]
		});
	});

	it('lists the access rights with names, users by id', () => {
		expect(gdprExport(input()).access).toEqual({
			owner: { id: OWNER, name: 'Olga Owner' },
			everyone: 'read',
			users: [
				{ id: READER, name: 'Rita Reader', level: 'read' },
				{ id: EDITOR, name: 'Ede Editor', level: 'edit' },
				{ id: STRANGER, name: null, level: 'read' }
			]
		});
	});

	it('lists the history oldest first, once each, with ISO times and nothing of other contacts', () => {
		const history = gdprExport(input()).history;
		expect(history.map((e) => e.id)).toEqual([created.id, renamed.id, grouped.id, removed.id]);
		expect(history[0]).toEqual({
			id: created.id,
			time: '2026-01-05T08:00:00.000Z',
			serverTime: '2026-01-05T08:00:02.000Z',
			author: { id: OWNER, name: 'Olga Owner' },
			device: 'device-a',
			changes: [
				{ path: ['fields', 'lastName'], from: null, to: 'Musterfrau' },
				{ path: ['channels', cid(1)], from: null, to: { kind: 'phone', value: '030 1234567' } }
			]
		});
		expect(history[1]).toMatchObject({
			time: '2026-03-01T12:00:00.000Z',
			serverTime: '2026-03-01T12:00:01.500Z',
			changes: [{ path: ['fields', 'lastName'], from: 'Musterfrau', to: 'Mustermann' }]
		});
		// Not synced yet: no server time; no recorded author name (local workspace).
		expect(history[2]).toMatchObject({
			serverTime: null,
			author: { id: '', name: null },
			device: 'device-b'
		});
		expect(history[3]?.changes).toEqual([
			{ path: ['channels', cid(9)], from: { kind: 'fax', value: '030 99' }, to: null }
		]);
	});

	it('leaves the CRDT bookkeeping out of the history', () => {
		for (const entry of gdprExport(input()).history) {
			expect(Object.keys(entry).sort()).toEqual(['author', 'changes', 'device', 'id', 'serverTime', 'time']);
		}
		const json = gdprExportJson(input());
		expect(json).not.toMatch(/svBefore|clockEnd|"client"|"docId"/);
	});

	it('does not depend on the order of the history it is given', () => {
		const shuffled = input({ history: [grouped, created, removed, renamed] });
		expect(gdprExport(shuffled).history).toEqual(gdprExport(input()).history);
	});

	it('does not change its input', () => {
		const given = input();
		const history = [...given.history];
		const channels = structuredClone(given.contact.channels);
		gdprExport(given);
		expect(given.history).toEqual(history);
		expect(given.contact.channels).toEqual(channels);
	});

	it('round-trips through JSON exactly', () => {
		const json = gdprExportJson(input());
		expect(json.endsWith('}\n')).toBe(true);
		expect(json).toContain('\n  "format": "kontor-gdpr-export",\n');
		expect(JSON.parse(json)).toStrictEqual(gdprExport(input()));
	});
});

describe('exportFileName', () => {
	// Local noon, so the date is the same in every time zone the test may run in.
	const day = new Date(2026, 10, 28, 12, 0, 0);

	it.each([
		[
			'company',
			{ kind: 'company' as const, companyName: 'Müller GmbH' },
			'json',
			'kontakt-mueller-gmbh-2026-11-28.json'
		],
		['person', { firstName: 'Jürgen', lastName: 'Groß' }, 'vcf', 'kontakt-gross-juergen-2026-11-28.vcf'],
		[
			'capital umlauts',
			{ kind: 'company' as const, companyName: 'ÖKO Äpfel & Übersee' },
			'json',
			'kontakt-oeko-aepfel-uebersee-2026-11-28.json'
		],
		[
			'accents and stroke letters',
			{ firstName: 'Søren', lastName: 'Élodie-Łukasz' },
			'vcf',
			'kontakt-elodie-lukasz-soren-2026-11-28.vcf'
		],
		[
			'decomposed umlaut',
			{ kind: 'company' as const, companyName: 'Mu\u0308ller' },
			'json',
			'kontakt-mueller-2026-11-28.json'
		],
		[
			'no name',
			{ firstName: '', lastName: '', companyName: '' },
			'json',
			'kontakt-ohne-name-2026-11-28.json'
		],
		[
			'no Latin letters',
			{ kind: 'company' as const, companyName: '東京商事' },
			'vcf',
			'kontakt-ohne-name-2026-11-28.vcf'
		]
	] as const)('%s', (_, fields, ext, expected) => {
		expect(exportFileName({ ...emptyContactFields('person'), ...fields }, ext, day)).toBe(expected);
	});

	it('cuts the name to 60 characters without a trailing dash', () => {
		const name = `${'Sehr Lange Firmenbezeichnung '.repeat(3)}GmbH`;
		const file = exportFileName({ ...emptyContactFields('company'), companyName: name }, 'json', day);
		const slug = file.slice('kontakt-'.length, -'-2026-11-28.json'.length);
		expect(slug).toBe('sehr-lange-firmenbezeichnung-sehr-lange-firmenbezeichnung-se');
		expect(slug.length).toBe(60);
		const atDash = exportFileName(
			{ ...emptyContactFields('company'), companyName: `${'a'.repeat(59)} b` },
			'json',
			day
		);
		expect(atDash).toBe(`kontakt-${'a'.repeat(59)}-2026-11-28.json`);
	});
});
