import { describe, expect, it } from 'vitest';
import {
	displayName,
	emptyContactFields,
	foldGerman,
	nextMatchcode,
	sortKey,
	suggestMatchcode,
	type ContactKind
} from '../../src/lib/domain';
import { int, makeContact, mulberry32, pick } from '../factories';

function names(kind: ContactKind, companyName: string, firstName = '', lastName = '') {
	return { ...emptyContactFields(kind), companyName, firstName, lastName };
}
const company = (name: string) => names('company', name);
const person = (firstName: string, lastName: string, companyName = '') =>
	names('person', companyName, firstName, lastName);

describe('displayName', () => {
	it.each([
		['company name, trimmed', company('  Müller Maschinenbau GmbH '), 'Müller Maschinenbau GmbH'],
		['company ignores person names', names('company', 'Acme AG', 'Anna', 'Müller'), 'Acme AG'],
		['company without a name', company(''), ''],
		['person "Nachname, Vorname"', person('Anna', 'Müller'), 'Müller, Anna'],
		['person names trimmed', person('  Anna ', ' Müller  '), 'Müller, Anna'],
		['person with last name only', person('', 'Müller'), 'Müller'],
		['person with first name only', person('Anna', ''), 'Anna'],
		['person with blank names falls back to company', person('  ', ' ', 'Acme AG'), 'Acme AG'],
		['person without any name', person('', ''), ''],
		['person with a multi-part last name', person('Laura', 'de la Cruz'), 'de la Cruz, Laura']
	])('%s', (_, contact, expected) => {
		expect(displayName(contact)).toBe(expected);
	});
});

describe('foldGerman', () => {
	it.each([
		['Müller', 'muller'],
		['MÜLLER', 'muller'],
		['Ärzte', 'arzte'],
		['Öztürk', 'ozturk'],
		['Straße', 'strasse'],
		['STRASSE', 'strasse'],
		['Élodie Saint-Exupéry', 'elodie saint exupery'],
		['Çelik', 'celik'],
		['Zoë', 'zoe'],
		['Søren', 'soren'],
		['Łukasz', 'lukasz'],
		['Ærø', 'aero'],
		['  Schmidt  &  Söhne  KG ', 'schmidt sohne kg'],
		["O'Brien", 'o brien'],
		['3M Deutschland', '3m deutschland'],
		['', ''],
		['---', '']
	])('%j -> %j', (input, expected) => {
		expect(foldGerman(input)).toBe(expected);
	});

	it('is idempotent', () => {
		for (const text of ['Müller-Lüdenscheidt', 'Straße 12a', 'ÄÖÜ äöü ß', 'Søren Ørsted']) {
			expect(foldGerman(foldGerman(text))).toBe(foldGerman(text));
		}
	});
});

describe('sortKey', () => {
	const collator = new Intl.Collator('de', { sensitivity: 'base' });
	// Letters, spaces and digits only: punctuation is handled differently on purpose (see below).
	const realistic = [
		'Ärzte',
		'Apotheke',
		'Müller',
		'Mueller',
		'Muller',
		'Öztürk',
		'Özil',
		'Schäfer',
		'Schaefer',
		'Straße',
		'Strasse',
		'Straßer',
		'Zander',
		'van Dijk',
		'Vandijk',
		'de la Cruz',
		'Delacroix',
		'3M Deutschland',
		'Zahnarzt 24',
		'Zahnarzt 3',
		'Bäcker',
		'Becker',
		'Ökobau',
		'Obermeier',
		'Übel',
		'Ullrich',
		'ADAC',
		'abc Druck',
		'Élodie',
		'Eberhardt',
		'Çelik',
		'Cem',
		'Weiß',
		'Weiss',
		'Weis',
		'Zoë',
		'Zürich',
		'Søren',
		'Ørsted',
		'Łukasz',
		'Lutz',
		'ärzte',
		'ÄRZTE'
	];

	it('orders a realistic list of German names like Intl.Collator("de", base)', () => {
		const rng = mulberry32(5007);
		const shuffled = [...realistic].sort(() => rng() - 0.5);
		const byKey = [...shuffled].sort((a, b) => {
			const ka = sortKey(company(a));
			const kb = sortKey(company(b));
			return ka < kb ? -1 : ka > kb ? 1 : 0;
		});
		// Equal under the collator (Müller/Muller, Straße/Strasse, case) must also be equal keys.
		for (let i = 1; i < byKey.length; i++) {
			const a = byKey[i - 1] ?? '';
			const b = byKey[i] ?? '';
			expect(collator.compare(a, b), `${a} before ${b}`).toBeLessThanOrEqual(0);
			expect(sortKey(company(a)) === sortKey(company(b)), `${a} ~ ${b}`).toBe(collator.compare(a, b) === 0);
		}
	});

	it.each([
		['Müller', 'Muller'],
		['Straße', 'Strasse'],
		['ÄRZTE', 'ärzte'],
		['Zoë', 'Zoe']
	])('%s and %s get the same key', (a, b) => {
		expect(sortKey(company(a))).toBe(sortKey(company(b)));
	});

	it.each([
		['Mueller', 'Müller'],
		['Apotheke', 'Ärzte'],
		['Özil', 'Öztürk'],
		['Schaefer', 'Schäfer'],
		['de la Cruz', 'Delacroix'],
		['van Dijk', 'Vandijk'],
		['3M Deutschland', 'Apotheke'],
		['Zahnarzt 24', 'Zahnarzt 3'],
		['Søren', 'Straße'],
		['Łukasz', 'Lutz']
	])('%s sorts before %s', (a, b) => {
		expect(sortKey(company(a)) < sortKey(company(b))).toBe(true);
	});

	it('ignores punctuation (DIN 5007), where the default collator orders it before letters', () => {
		expect(sortKey(company('Müller-Lüdenscheidt'))).toBe(sortKey(company('Müller Lüdenscheidt')));
		expect(sortKey(company('Schmidt & Söhne KG'))).toBe(sortKey(company('Schmidt Söhne KG')));
		expect(sortKey(company('Schmidt GmbH')) < sortKey(company('Schmidt & Söhne KG'))).toBe(true);
	});

	it('sorts persons by "Nachname, Vorname"', () => {
		const people = [person('Zoe', 'Abel'), person('Anna', 'Müller'), person('Bernd', 'Müller')];
		const keys = people.map(sortKey);
		expect([...keys].sort()).toEqual(keys);
		expect(sortKey(person('Anna', 'Müller'))).toBe('muller anna');
	});

	it.each([
		['company without a name', company('')],
		['company with a blank name', company('   ')],
		['company with punctuation only', company('&')],
		['person without any name', person('', '')]
	])('%s sorts last', (_, nameless) => {
		const key = sortKey(nameless);
		for (const name of ['Zürich', 'zzz', 'Łukasz', 'Ørsted', '999']) {
			expect(key > sortKey(company(name)), name).toBe(true);
		}
	});

	it('works on a whole contact', () => {
		expect(sortKey(makeContact({ kind: 'company', companyName: 'Ärzte GbR' }))).toBe('arzte gbr');
	});
});

describe('suggestMatchcode', () => {
	it.each([
		['Müller Maschinenbau GmbH', 'MUELLER MASCHINENBAU'],
		['Schmidt & Söhne KG', 'SCHMIDT SOEHNE'],
		['Hausbau AG & Co. KGaA', 'HAUSBAU'],
		['Gemüse Meyer GmbH & Co. KG', 'GEMUESE MEYER'],
		['Käse Schmidt AG', 'KAESE SCHMIDT'],
		['Böse Buben OHG', 'BOESE BUBEN'],
		['Bäckerei Süd e.K.', 'BAECKEREI SUED'],
		['Förderverein e.V.', 'FOERDERVEREIN'],
		['Meier UG (haftungsbeschränkt)', 'MEIER'],
		['Straßenbau GmbH', 'STRASSENBAU'],
		['Ägäis Import GmbH', 'AEGAEIS IMPORT'],
		['Société Générale S.A.', 'SOCIETE GENERALE'],
		['Philips B.V.', 'PHILIPS'],
		['Acme Inc.', 'ACME'],
		['Søren Ørsted ApS', 'SOREN ORSTED APS'],
		['Co-Working Space GmbH', 'CO WORKING SPACE'],
		['Agentur Sagmeister', 'AGENTUR SAGMEISTER'],
		['3D-Druck Zander GbR', '3D DRUCK ZANDER'],
		['Sehr lange Firmenbezeichnung Maschinenbau GmbH', 'SEHR LANGE FIRMENBEZ'],
		['', '']
	])('company %j -> %j', (name, expected) => {
		expect(suggestMatchcode(company(name))).toBe(expected);
	});

	it.each([
		['Anna', 'Müller', 'MUELLER ANNA'],
		['', 'Müller', 'MUELLER'],
		['Anna', '', 'ANNA'],
		['Hans-Jürgen', 'Großmann-Schönefeld', 'GROSSMANN SCHOENEFEL'],
		['Élodie', 'Saint-Exupéry', 'SAINT EXUPERY ELODIE']
	])('person %s %s -> %j', (first, last, expected) => {
		expect(suggestMatchcode(person(first, last))).toBe(expected);
	});

	it('is at most 20 characters, never ending in a space', () => {
		const rng = mulberry32(20);
		const words = ['Müller', 'Straßenbau', 'Ärzte', 'Söhne', 'Maschinen', 'X', 'Öl', 'GmbH', '&', 'Co.'];
		for (let i = 0; i < 200; i++) {
			const name = Array.from({ length: int(rng, 1, 6) }, () => pick(rng, words)).join(' ');
			const code = suggestMatchcode(company(`Müller ${name}`));
			expect(code.length).toBeLessThanOrEqual(20);
			expect(code).toMatch(/^[A-Z0-9]+( [A-Z0-9]+)*$/);
		}
	});
});

describe('nextMatchcode', () => {
	const before = { ...company('Müller GmbH'), matchcode: '' };

	it('fills an empty matchcode from the new name', () => {
		expect(nextMatchcode(before, company('Müller Maschinenbau GmbH'))).toBe('MUELLER MASCHINENBAU');
	});

	it('follows the name while it still equals the suggestion', () => {
		const auto = { ...company('Müller GmbH'), matchcode: 'MUELLER' };
		expect(nextMatchcode(auto, company('Schäfer KG'))).toBe('SCHAEFER');
		expect(nextMatchcode({ ...auto, matchcode: ' MUELLER ' }, company('Schäfer KG'))).toBe('SCHAEFER');
	});

	it('keeps what the user typed', () => {
		const own = { ...company('Müller GmbH'), matchcode: 'KUNDE 4711' };
		expect(nextMatchcode(own, company('Schäfer KG'))).toBe('KUNDE 4711');
	});

	it('follows a person through a name change', () => {
		const anna = { ...person('Anna', 'Müller'), matchcode: 'MUELLER ANNA' };
		expect(nextMatchcode(anna, person('Anna', 'Schäfer'))).toBe('SCHAEFER ANNA');
	});

	it('treats a blank matchcode as empty', () => {
		expect(nextMatchcode({ ...before, matchcode: '   ' }, company('Zander AG'))).toBe('ZANDER');
	});
});
