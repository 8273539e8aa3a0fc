import { describe, expect, it } from 'vitest';
import {
	matchesTerms,
	parseSearchQuery,
	phoneSearchDigits,
	searchTokens,
	wordsOf
} from '../../src/lib/domain';

describe('wordsOf', () => {
	it.each([
		['Müller', ['muller', 'mueller']],
		['MÜLLER', ['muller', 'mueller']],
		['Mueller', ['mueller', 'muller']],
		['Muller', ['muller']],
		['Quelle GOETHE 7ae', ['quelle', 'qulle', 'goethe', 'gothe', '7ae', '7a']],
		['Ärzte', ['arzte', 'aerzte']],
		['ÖZTÜRK', ['ozturk', 'oeztuerk']],
		['Straße', ['strasse']],
		['Café Müller-Lüdenscheidt', ['cafe', 'muller', 'mueller', 'ludenscheidt', 'luedenscheidt']],
		["O'Brien", ['o', 'brien']],
		['Søren', ['soren']],
		['Hauptstraße 12a', ['hauptstrasse', '12a']],
		['info@mueller-maschinenbau.de', ['info', 'mueller', 'muller', 'maschinenbau', 'de']],
		['  ', []],
		['', []]
	])('%j -> %j', (text, expected) => {
		expect(wordsOf(text)).toEqual(expected);
	});
});

describe('searchTokens', () => {
	it('collects distinct words of every text and the phone digits', () => {
		const tokens = searchTokens({
			texts: ['Müller Maschinenbau GmbH', 'München', 'MUELLER', '80331', 'anna@mueller.de'],
			phoneDigits: ['49301234567', '0301234567', '49301234567', '']
		});
		expect(tokens).toEqual([
			'muller',
			'mueller',
			'maschinenbau',
			'gmbh',
			'munchen',
			'muenchen',
			'80331',
			'anna',
			'de',
			'49301234567',
			'0301234567'
		]);
	});

	it('has no tokens for an empty source', () => {
		expect(searchTokens({ texts: ['', ' - '], phoneDigits: [''] })).toEqual([]);
	});
});

describe('parseSearchQuery', () => {
	it.each([
		// phone-like: one digit term, without the international prefix
		['030 1234-5', ['03012345']],
		['(030) 123', ['030123']],
		['030/1234567', ['0301234567']],
		['+49 30 12', ['493012']],
		['0049 30 12', ['493012']],
		['+49 (0)30 12', ['493012']],
		['0049 (0)30 12', ['493012']],
		['4930', ['4930']],
		['1234567', ['1234567']],
		['10115', ['10115']],
		// fewer than 3 digits would match nearly every phone number: no terms yet; one digit jumps
		['12', []],
		['+4', []],
		['+49', []],
		['+49 ', []],
		['+', []],
		['(0', []],
		['7', ['7']],
		// words, folded and deduplicated
		['Müller', ['muller']],
		['MÜLLER berlin', ['muller', 'berlin']],
		['Mueller', ['mueller']],
		['Straße', ['strasse']],
		['Müller-Lüdenscheidt', ['muller', 'ludenscheidt']],
		['mü mül', ['mul']],
		['mül mü', ['mul']],
		['ab ab', ['ab']],
		['Zahnarzt 24', ['zahnarzt', '24']],
		['10115 Berlin', ['10115', 'berlin']],
		['anna@firma.de', ['anna', 'firma', 'de']],
		['', []],
		['   ', []],
		['---', []]
	])('%j -> %j', (query, expected) => {
		expect(parseSearchQuery(query)).toEqual(expected);
	});
});

describe('matchesTerms', () => {
	const tokens = ['muller', 'mueller', 'anna', 'berlin', '49301234567', '0301234567'];

	it.each([
		[['mul'], true],
		[['muel'], true],
		[['anna', 'ber'], true],
		[['berlin', 'anna', 'muller'], true],
		[['4930'], true],
		[['030'], true],
		[['anna', 'hamburg'], false],
		[['uller'], false],
		[['mullers'], false],
		[['1234567'], false],
		[[], true]
	])('%j -> %s', (terms, expected) => {
		expect(matchesTerms(tokens, terms)).toBe(expected);
	});

	it('matches nothing against no tokens, unless there are no terms', () => {
		expect(matchesTerms([], ['a'])).toBe(false);
		expect(matchesTerms([], [])).toBe(true);
	});
});

describe('finding a contact', () => {
	const contact = searchTokens({
		texts: ['Müller, Anna', 'Müller Maschinenbau GmbH', 'Berlin', '10115', 'anna.mueller@firma.de'],
		phoneDigits: phoneSearchDigits('+49301234567')
	});
	const finds = (query: string) => matchesTerms(contact, parseSearchQuery(query));

	// Phone queries match the international digits (49301234567) or the national ones (0301234567)
	// by prefix; the subscriber number alone ("1234567") is not a prefix of either.
	it.each([
		['030 1234', true],
		['030 1234-5', true],
		['(030) 123 45 67', true],
		['030/1234567', true],
		['+49 30 123', true],
		['+49 (0)30 123', true],
		['0049 30 1234567', true],
		['4930', true],
		['030', true],
		['1234567', false],
		['030 1234568', false],
		['+49 89 123', false],
		['+41 30 123', false]
	])('by phone %j: %s', (query, expected) => {
		expect(finds(query)).toBe(expected);
	});

	it.each([
		['Müller', true],
		['Mueller', true],
		['Muller', true],
		['mül', true],
		['MUE', true],
		['anna müller', true],
		['müller anna', true],
		['Maschinenbau Berlin', true],
		['101', true],
		['10115 Berlin', true],
		['anna.mueller@firma.de', true],
		['firma', true],
		['Hamburg', false],
		['Anna Hamburg', false],
		['Schmidt', false],
		['aschinenbau', false]
	])('by text %j: %s', (query, expected) => {
		expect(finds(query)).toBe(expected);
	});

	it('finds a name spelt with "ue" by its umlaut spelling too, and the other way round', () => {
		const mueller = searchTokens({ texts: ['Mueller', 'Goethestraße'], phoneDigits: [] });
		expect(matchesTerms(mueller, parseSearchQuery('Mueller'))).toBe(true);
		expect(matchesTerms(mueller, parseSearchQuery('Müller'))).toBe(true);
		expect(matchesTerms(mueller, parseSearchQuery('Göthe'))).toBe(true);
		const mueller2 = searchTokens({ texts: ['Müller'], phoneDigits: [] });
		expect(matchesTerms(mueller2, parseSearchQuery('Mueller'))).toBe(true);
		expect(matchesTerms(mueller2, parseSearchQuery('Meller'))).toBe(false);
	});
});
