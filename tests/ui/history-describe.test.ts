import { afterEach, describe, expect, it } from 'vitest';
import type { FieldChange } from '../../src/lib/store';
import {
	UNKNOWN,
	changeLine,
	currentValue,
	describeChange,
	describeContext,
	isCreation,
	sameValue
} from '../../src/lib/ui/history/describe';
import { i18n, type UiLanguage } from '../../src/lib/ui/i18n/index.svelte';
import {
	COMPANY,
	DEALERS,
	EMAIL_ID,
	GROUPS,
	PARENT_ID,
	PHONE,
	PHONE_ID,
	linearHistory
} from './history-fixtures';

const EMAIL_ENTRY = {
	kind: 'email',
	value: 'buchhaltung@firma.de',
	normalized: 'buchhaltung@firma.de',
	label: '',
	purpose: null,
	order: 'a1'
};
const NEW_EMAIL = 'fffffff0-0000-7000-8000-000000000001';

function context() {
	return describeContext({
		channels: COMPANY.channels,
		history: linearHistory(),
		groups: GROUPS,
		names: new Map([[PARENT_ID, 'Hartmann Logistik GmbH']])
	});
}

function line(change: FieldChange, lang: UiLanguage): string {
	i18n.lang = lang;
	return changeLine(describeChange(change, context()));
}

afterEach(() => {
	i18n.lang = 'de';
});

/** [what, change, German, English] */
const CASES: [string, FieldChange, string, string][] = [
	[
		'a text field',
		{ path: ['fields', 'city'], from: 'Köln', to: 'Bonn' },
		'Ort: Köln → Bonn',
		'City: Köln → Bonn'
	],
	[
		'a field set for the first time',
		{ path: ['fields', 'street'], from: '', to: 'Am Markt 3' },
		'Straße: (leer) → Am Markt 3',
		'Street: (empty) → Am Markt 3'
	],
	[
		'an inheritance toggle',
		{ path: ['fields', 'inheritAddress'], from: false, to: true },
		'Adresse erben: aus → an',
		'Inherit address: off → on'
	],
	[
		'archiving',
		{ path: ['fields', 'archived'], from: false, to: true },
		'Archiviert: aus → an',
		'Archived: off → on'
	],
	[
		'the salutation',
		{ path: ['fields', 'salutation'], from: 'none', to: 'ms' },
		'Anrede: keine → Frau',
		'Salutation: none → Ms'
	],
	[
		'the language',
		{ path: ['fields', 'language'], from: 'de', to: 'fr' },
		'Sprache: Deutsch → Französisch',
		'Language: German → French'
	],
	[
		'the country',
		{ path: ['fields', 'country'], from: 'DE', to: 'AT' },
		'Land: Deutschland → Österreich',
		'Country: Germany → Austria'
	],
	[
		'the parent',
		{ path: ['fields', 'parentId'], from: null, to: PARENT_ID },
		'Gehört zu Firma: Keine übergeordnete Firma → Hartmann Logistik GmbH',
		'Belongs to company: No parent company → Hartmann Logistik GmbH'
	],
	[
		'a parent not on this device',
		{ path: ['fields', 'parentId'], from: PARENT_ID, to: 'fffffff0-0000-7000-8000-00000000ffff' },
		'Gehört zu Firma: Hartmann Logistik GmbH → (unbekannter Kontakt)',
		'Belongs to company: Hartmann Logistik GmbH → (unknown contact)'
	],
	[
		'a channel value',
		{ path: ['channels', PHONE_ID, 'value'], from: '030 1234567', to: '030 7654321' },
		'Telefon Zentrale: 030 1234567 → 030 7654321',
		'Phone Zentrale: 030 1234567 → 030 7654321'
	],
	[
		'a channel label',
		{ path: ['channels', PHONE_ID, 'label'], from: '', to: 'Zentrale' },
		'Telefon 030 7654321, Bezeichnung: (leer) → Zentrale',
		'Phone 030 7654321, Label: (empty) → Zentrale'
	],
	[
		'an e-mail purpose',
		{ path: ['channels', EMAIL_ID, 'purpose'], from: null, to: 'invoice' },
		'E-Mail buchhaltung@firma.de, Zweck: kein Zweck → Rechnung',
		'E-mail buchhaltung@firma.de, Purpose: no purpose → Invoice'
	],
	[
		'a channel moved',
		{ path: ['channels', PHONE_ID, 'order'], from: 'a0', to: 'a2' },
		'Telefon Zentrale: Reihenfolge geändert',
		'Phone Zentrale: order changed'
	],
	[
		'a channel added',
		{ path: ['channels', NEW_EMAIL], to: { ...EMAIL_ENTRY, value: 'info@firma.de' } },
		'E-Mail hinzugefügt: info@firma.de',
		'E-mail added: info@firma.de'
	],
	[
		'a channel with a label added',
		{
			path: ['channels', PHONE_ID],
			to: { ...EMAIL_ENTRY, kind: 'phone', value: '030 1234567', label: 'Zentrale' }
		},
		'Telefon hinzugefügt: 030 1234567 (Zentrale)',
		'Phone added: 030 1234567 (Zentrale)'
	],
	[
		'a channel deleted',
		{ path: ['channels', EMAIL_ID], from: EMAIL_ENTRY },
		'E-Mail gelöscht: buchhaltung@firma.de',
		'E-mail deleted: buchhaltung@firma.de'
	],
	[
		'a deleted channel, named from the history',
		{ path: ['channels', EMAIL_ID, 'value'], from: 'alt@firma.de', to: 'buchhaltung@firma.de' },
		'E-Mail: alt@firma.de → buchhaltung@firma.de',
		'E-mail: alt@firma.de → buchhaltung@firma.de'
	],
	[
		'a group added',
		{ path: ['groups', DEALERS], to: true },
		'Kontaktgruppe hinzugefügt: Händler',
		'Contact group added: Händler'
	],
	[
		'a group removed',
		{ path: ['groups', DEALERS], from: true },
		'Kontaktgruppe entfernt: Händler',
		'Contact group removed: Händler'
	],
	[
		'a group deleted since',
		{ path: ['groups', 'fffffff0-0000-7000-8000-00000000aaaa'], to: true },
		'Kontaktgruppe hinzugefügt: (gelöschte Gruppe)',
		'Contact group added: (deleted group)'
	],
	[
		'a field the UI has no label for',
		{ path: ['fields', 'customerNumber'], from: '', to: 'K-4711' },
		'customerNumber: (leer) → K-4711',
		'customerNumber: (empty) → K-4711'
	],
	[
		'a number in a map the UI does not know',
		{ path: ['discounts', 'tools'], from: 5, to: 7.5 },
		'discounts › tools: 5 → 7.5',
		'discounts › tools: 5 → 7.5'
	],
	[
		'a list value',
		{ path: ['custom', 'tags'], from: ['a'], to: ['a', 'b'] },
		'custom › tags: ["a"] → ["a","b"]',
		'custom › tags: ["a"] → ["a","b"]'
	],
	[
		'an unknown entry added',
		{ path: ['custom', 'f1'], to: { x: 1 } },
		'custom › f1: {"x":1}',
		'custom › f1: {"x":1}'
	],
	[
		'an unknown boolean',
		{ path: ['custom', 'vip'], from: true, to: false },
		'custom › vip: an → aus',
		'custom › vip: on → off'
	]
];

describe('describeChange', () => {
	it.each(CASES)('describes %s in German', (_what, change, german) => {
		expect(line(change, 'de')).toBe(german);
	});

	it.each(CASES)('describes %s in English', (_what, change, _german, english) => {
		expect(line(change, 'en')).toBe(english);
	});

	it('says what kind of change it is', () => {
		const ctx = context();
		expect(describeChange({ path: ['channels', EMAIL_ID], from: EMAIL_ENTRY }, ctx).action).toBe('removed');
		expect(describeChange({ path: ['groups', DEALERS], to: true }, ctx).action).toBe('added');
		expect(describeChange({ path: ['channels', PHONE_ID, 'order'], from: 'a0', to: 'a1' }, ctx).action).toBe(
			'moved'
		);
		expect(describeChange({ path: ['fields', 'city'], from: 'a', to: 'b' }, ctx).action).toBe('changed');
	});
});

describe('reading the contact and the history', () => {
	it('recognizes the entry that created the contact', () => {
		const history = linearHistory();
		expect(history.map(isCreation)).toEqual([false, false, false, false, false, false, true]);
	});

	it('reads the current value at a path in the shape the history records it', () => {
		const { id: _id, ...phone } = PHONE;
		expect(currentValue(COMPANY, ['fields', 'city'])).toBe('Bonn');
		expect(currentValue(COMPANY, ['channels', PHONE_ID])).toEqual(phone);
		expect(currentValue(COMPANY, ['channels', PHONE_ID, 'value'])).toBe('030 7654321');
		expect(currentValue(COMPANY, ['channels', EMAIL_ID])).toBeUndefined();
		expect(currentValue(COMPANY, ['channels', EMAIL_ID, 'value'])).toBe(UNKNOWN);
		expect(currentValue(COMPANY, ['groups', DEALERS])).toBe(true);
		expect(currentValue(COMPANY, ['fields', 'customerNumber'])).toBe(UNKNOWN);
		expect(currentValue(COMPANY, ['custom', 'f1'])).toBe(UNKNOWN);
	});

	it('compares values whatever the order of their keys', () => {
		expect(sameValue({ a: 1, b: { c: null, d: 'x' } }, { b: { d: 'x', c: null }, a: 1 })).toBe(true);
		expect(sameValue({ a: 1 }, { a: 2 })).toBe(false);
		expect(sameValue(undefined, null)).toBe(false);
	});
});
