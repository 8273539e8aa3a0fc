import { afterEach, describe, expect, it } from 'vitest';
import type { FieldChange } from '../../src/lib/store';
import {
	changeLine,
	currentValue,
	describeChange,
	describeContext,
	filterKey,
	filterLabel
} from '../../src/lib/ui/history/describe';
import { i18n, type UiLanguage } from '../../src/lib/ui/i18n/index.svelte';
import { makeContact } from '../factories';

const TAGS = [
	{ id: 'vip', name: 'VIP', color: '#1f4e79' },
	{ id: 'late', name: 'Zahlungsverzug', color: '#b3261e' }
];

function context() {
	return describeContext({ channels: [], history: [], groups: [], tags: TAGS });
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
		'a birthday set',
		{ path: ['fields', 'birthday'], from: null, to: { day: 12, month: 4, year: 1985 } },
		'Geburtstag: (leer) → 12. April 1985',
		'Birthday: (empty) → April 12, 1985'
	],
	[
		'a birthday without a year',
		{
			path: ['fields', 'birthday'],
			from: { day: 12, month: 4, year: 1985 },
			to: { day: 29, month: 2, year: null }
		},
		'Geburtstag: 12. April 1985 → 29. Februar',
		'Birthday: April 12, 1985 → February 29'
	],
	[
		'the personal salutation',
		{ path: ['fields', 'friend'], from: false, to: true },
		'Persönliche Anrede (Freund): aus → an',
		'Personal salutation (friend): off → on'
	],
	[
		'a trade embargo',
		{ path: ['fields', 'embargo'], from: null, to: { reason: 'Offene Forderungen', since: '2026-03-01' } },
		'Handelssperre: (leer) → Offene Forderungen (seit 01.03.2026)',
		'Trade embargo: (empty) → Offene Forderungen (since Mar 1, 2026)'
	],
	[
		'an embargo lifted',
		{ path: ['fields', 'embargo'], from: { reason: 'Insolvenz', since: '2025-12-01' }, to: null },
		'Handelssperre: Insolvenz (seit 01.12.2025) → (leer)',
		'Trade embargo: Insolvenz (since Dec 1, 2025) → (empty)'
	],
	[
		'an advertising consent',
		{ path: ['fields', 'advertisingConsent'], from: null, to: { date: '2025-05-20', source: 'Messe 2025' } },
		'Werbeeinwilligung: (leer) → 20.05.2025, Messe 2025',
		'Advertising consent: (empty) → May 20, 2025, Messe 2025'
	],
	[
		'a status tag added',
		{ path: ['tags', 'vip'], from: undefined, to: true },
		'Status-Merkmal hinzugefügt: VIP',
		'Status tag added: VIP'
	],
	[
		'a status tag removed',
		{ path: ['tags', 'late'], from: true, to: undefined },
		'Status-Merkmal entfernt: Zahlungsverzug',
		'Status tag removed: Zahlungsverzug'
	],
	[
		'a tag the workspace no longer lists',
		{ path: ['tags', 'gone'], from: undefined, to: true },
		'Status-Merkmal hinzugefügt: (gelöschtes Merkmal)',
		'Status tag added: (deleted tag)'
	]
];

describe('history words for birthday, friend, embargo, consent and status tags', () => {
	it.each(CASES)('%s', (_what, change, de, en) => {
		expect(line(change, 'de')).toBe(de);
		expect(line(change, 'en')).toBe(en);
	});

	it('files tag changes under one filter, named like the form', () => {
		expect(filterKey(['tags', 'vip'])).toBe('tags');
		expect(filterKey(['tags', 'late'])).toBe('tags');
		expect(filterLabel(['tags', 'vip'], context())).toBe('Status-Merkmale');
		expect(filterLabel(['fields', 'embargo'], context())).toBe('Handelssperre');
	});

	it('reads the current values for restoring', () => {
		const contact = makeContact({
			tags: ['vip'],
			birthday: { day: 1, month: 2, year: null },
			embargo: { reason: 'Insolvenz', since: '2026-01-01' }
		});
		expect(currentValue(contact, ['tags', 'vip'])).toBe(true);
		expect(currentValue(contact, ['tags', 'late'])).toBeUndefined();
		expect(currentValue(contact, ['fields', 'birthday'])).toEqual({ day: 1, month: 2, year: null });
		expect(currentValue(contact, ['fields', 'embargo'])).toEqual({
			reason: 'Insolvenz',
			since: '2026-01-01'
		});
	});
});
