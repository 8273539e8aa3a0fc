import { describe, expect, it } from 'vitest';
import {
	CONTACT_LANGUAGES,
	DEFAULT_SALUTATION_TEMPLATES,
	pickTextBlock,
	salutation,
	salutationTemplatesFor,
	type Salutation,
	type SalutationContact,
	type TextBlocks,
	type WorkspaceSalutations
} from '../../src/lib/domain';

function person(
	salutationValue: Salutation,
	firstName: string,
	lastName: string,
	title = '',
	friend = false
): SalutationContact {
	return { kind: 'person', salutation: salutationValue, title, firstName, lastName, friend };
}

const company: SalutationContact = {
	kind: 'company',
	salutation: 'none',
	title: '',
	firstName: '',
	lastName: ''
};

const CASES: readonly [string, SalutationContact, Record<'de' | 'en' | 'fr', string>][] = [
	[
		'man with title',
		person('mr', 'Max', 'Mustermann', 'Dr.'),
		{ de: 'Sehr geehrter Herr Dr. Mustermann,', en: 'Dear Dr Mustermann,', fr: 'Monsieur,' }
	],
	[
		'man',
		person('mr', 'Max', 'Mustermann'),
		{ de: 'Sehr geehrter Herr Mustermann,', en: 'Dear Mr Mustermann,', fr: 'Monsieur,' }
	],
	[
		'woman',
		person('ms', 'Maria', 'Müller'),
		{ de: 'Sehr geehrte Frau Müller,', en: 'Dear Ms Müller,', fr: 'Madame,' }
	],
	[
		'woman with title',
		person('ms', 'Maria', 'Müller', 'Prof. Dr.'),
		{ de: 'Sehr geehrte Frau Prof. Dr. Müller,', en: 'Dear Professor Müller,', fr: 'Madame,' }
	],
	[
		'no gender given',
		person('none', 'Alex', 'Schmidt'),
		{ de: 'Guten Tag Alex Schmidt,', en: 'Dear Alex Schmidt,', fr: 'Bonjour Alex Schmidt,' }
	],
	[
		'diverse',
		person('diverse', 'Alex', 'Schmidt'),
		{ de: 'Guten Tag Alex Schmidt,', en: 'Dear Alex Schmidt,', fr: 'Bonjour Alex Schmidt,' }
	],
	[
		'diverse with title',
		person('diverse', 'Alex', 'Schmidt', 'Dr.'),
		{ de: 'Guten Tag Dr. Alex Schmidt,', en: 'Dear Dr Schmidt,', fr: 'Bonjour Alex Schmidt,' }
	],
	[
		'company',
		company,
		{ de: 'Sehr geehrte Damen und Herren,', en: 'Dear Sir or Madam,', fr: 'Madame, Monsieur,' }
	],
	[
		'person without any name',
		person('mr', '', ''),
		{ de: 'Sehr geehrte Damen und Herren,', en: 'Dear Sir or Madam,', fr: 'Madame, Monsieur,' }
	],
	[
		'friend, man',
		person('mr', 'Max', 'Mustermann', 'Dr.', true),
		{ de: 'Lieber Max,', en: 'Dear Max,', fr: 'Cher Max,' }
	],
	[
		'friend, woman',
		person('ms', 'Maria', 'Müller', '', true),
		{ de: 'Liebe Maria,', en: 'Dear Maria,', fr: 'Chère Maria,' }
	],
	[
		'friend without gender',
		person('none', 'Alex', 'Schmidt', '', true),
		{ de: 'Hallo Alex,', en: 'Hi Alex,', fr: 'Bonjour Alex,' }
	],
	[
		'friend without a first name is addressed formally',
		person('mr', '', 'Mustermann', '', true),
		{ de: 'Sehr geehrter Herr Mustermann,', en: 'Dear Mr Mustermann,', fr: 'Monsieur,' }
	],
	[
		'man with only a last name',
		person('mr', '', 'Mustermann'),
		{ de: 'Sehr geehrter Herr Mustermann,', en: 'Dear Mr Mustermann,', fr: 'Monsieur,' }
	],
	[
		'man with only a first name: no "Herr Max"',
		person('mr', 'Max', ''),
		{ de: 'Guten Tag Max,', en: 'Dear Max,', fr: 'Bonjour Max,' }
	],
	[
		'no gender, only a last name',
		person('none', '', 'Schmidt'),
		{ de: 'Guten Tag Schmidt,', en: 'Dear Schmidt,', fr: 'Bonjour Schmidt,' }
	],
	[
		'names with stray spaces',
		person('ms', '  Maria ', '  von   der  Heide ', '  Dr.  '),
		{ de: 'Sehr geehrte Frau Dr. von der Heide,', en: 'Dear Dr von der Heide,', fr: 'Madame,' }
	],
	[
		'friend, a company stays formal',
		{ ...company, firstName: 'Max', friend: true },
		{ de: 'Sehr geehrte Damen und Herren,', en: 'Dear Sir or Madam,', fr: 'Madame, Monsieur,' }
	]
];

describe('salutation', () => {
	for (const language of ['de', 'en', 'fr'] as const) {
		it.each(CASES)(`${language}: %s`, (_, contact, expected) => {
			expect(salutation(contact, language)).toBe(expected[language]);
		});
	}

	it.each([
		['it', 'Gentile Signor Rossi,', 'Gentile Signora Bianchi,', 'Cara Giulia,', 'Gentili Signore e Signori,'],
		['es', 'Estimado señor García:', 'Estimada señora López:', 'Querida Lucía:', 'Estimados señores:'],
		['nl', 'Geachte heer Jansen,', 'Geachte mevrouw de Vries,', 'Beste Anna,', 'Geachte heer, mevrouw,']
	])('%s has built-in lines too', (language, mr, ms, friend, unknown) => {
		const last = { it: ['Rossi', 'Bianchi'], es: ['García', 'López'], nl: ['Jansen', 'de Vries'] }[
			language as 'it' | 'es' | 'nl'
		];
		const first = { it: 'Giulia', es: 'Lucía', nl: 'Anna' }[language as 'it' | 'es' | 'nl'];
		expect(salutation(person('mr', 'Marco', last[0] ?? ''), language)).toBe(mr);
		expect(salutation(person('ms', first, last[1] ?? ''), language)).toBe(ms);
		expect(salutation(person('ms', first, last[1] ?? '', '', true), language)).toBe(friend);
		expect(salutation(company, language)).toBe(unknown);
	});

	it('never leaves double spaces or a space before punctuation', () => {
		const contacts = [
			...CASES.map(([, c]) => c),
			person('none', '', ''),
			person('diverse', 'Alex', '', 'Dr.')
		];
		for (const language of CONTACT_LANGUAGES) {
			for (const c of contacts) {
				const line = salutation(c, language);
				expect(line).not.toMatch(/\s{2}|\s[,:]|^\s|\s$/);
				expect(line).not.toMatch(/[{}]/);
			}
		}
	});

	it('has a complete built-in set for every contact language', () => {
		for (const language of CONTACT_LANGUAGES) {
			expect(salutationTemplatesFor(language).language).toBe(language);
		}
	});

	it('leaves an unknown English title as it is and drops degrees English does not use', () => {
		expect(salutation(person('mr', 'Max', 'Mustermann', 'Dr. h.c.'), 'en')).toBe('Dear Dr. h.c. Mustermann,');
		expect(salutation(person('mr', 'Max', 'Mustermann', 'Dipl.-Ing.'), 'en')).toBe('Dear Mr Mustermann,');
		expect(salutation(person('mr', 'Max', 'Mustermann', 'Dipl.-Ing.'), 'de')).toBe(
			'Sehr geehrter Herr Dipl.-Ing. Mustermann,'
		);
	});
});

describe('salutation with workspace templates', () => {
	it('changes single lines of a built-in language', () => {
		const workspace: WorkspaceSalutations = {
			templates: { de: { formalUnknown: 'Guten Tag,', formalMs: 'Sehr verehrte Frau {title} {lastName},' } }
		};
		expect(salutation(company, 'de', workspace)).toBe('Guten Tag,');
		expect(salutation(person('ms', 'Maria', 'Müller'), 'de', workspace)).toBe('Sehr verehrte Frau Müller,');
		expect(salutation(person('mr', 'Max', 'Mustermann'), 'de', workspace)).toBe(
			'Sehr geehrter Herr Mustermann,'
		);
	});

	it('adds a language with a complete set', () => {
		const workspace: WorkspaceSalutations = {
			templates: {
				pl: {
					formalMr: 'Szanowny Panie {lastName},',
					formalMs: 'Szanowna Pani {lastName},',
					formalNeutral: 'Dzień dobry {firstName} {lastName},',
					formalUnknown: 'Szanowni Państwo,',
					personalMr: 'Drogi {firstName},',
					personalMs: 'Droga {firstName},',
					personalNeutral: 'Cześć {firstName},'
				}
			}
		};
		expect(salutation(person('ms', 'Anna', 'Nowak'), 'pl', workspace)).toBe('Szanowna Pani Nowak,');
		expect(salutationTemplatesFor('pl', workspace).language).toBe('pl');
	});

	it('falls back to the workspace default language, then German', () => {
		const anna = person('ms', 'Anna', 'Nowak');
		expect(salutation(anna, 'pl', { defaultLanguage: 'en' })).toBe('Dear Ms Nowak,');
		expect(salutation(anna, 'pl')).toBe('Sehr geehrte Frau Nowak,');
		expect(salutation(anna, 'pl', { defaultLanguage: 'xx' })).toBe('Sehr geehrte Frau Nowak,');
		expect(salutation(anna, '', { defaultLanguage: 'fr' })).toBe('Madame,');
	});

	it('does not use a half-configured language; it falls back as a whole', () => {
		const workspace: WorkspaceSalutations = {
			defaultLanguage: 'en',
			templates: { pl: { formalMs: 'Szanowna Pani {lastName},' } }
		};
		expect(salutation(person('ms', 'Anna', 'Nowak'), 'pl', workspace)).toBe('Dear Ms Nowak,');
		expect(salutationTemplatesFor('pl', workspace).language).toBe('en');
	});

	it('ignores a line blanked by the workspace by falling back', () => {
		const workspace: WorkspaceSalutations = { templates: { fr: { formalMr: '  ' } } };
		expect(salutationTemplatesFor('fr', workspace).language).toBe('de');
		expect(salutation(person('mr', 'Jean', 'Dupont'), 'fr', workspace)).toBe('Sehr geehrter Herr Dupont,');
	});

	it('keeps German usable even when the workspace blanks German lines', () => {
		const workspace: WorkspaceSalutations = { templates: { de: { formalMr: '' } } };
		expect(salutation(person('mr', 'Max', 'Mustermann'), 'de', workspace)).toBe(
			'Sehr geehrter Herr Mustermann,'
		);
	});

	it('keeps the spacing a template asks for', () => {
		const workspace: WorkspaceSalutations = { templates: { fr: { personalNeutral: 'Salut {firstName} !' } } };
		expect(salutation(person('none', 'Alex', 'Schmidt', '', true), 'fr', workspace)).toBe('Salut Alex !');
	});

	it('lets a workspace map titles', () => {
		const workspace: WorkspaceSalutations = { templates: { de: { titles: { 'Dipl.-Ing.': '' } } } };
		expect(salutation(person('mr', 'Max', 'Mustermann', 'Dipl.-Ing.'), 'de', workspace)).toBe(
			'Sehr geehrter Herr Mustermann,'
		);
	});

	it('exports the built-in lines as data', () => {
		expect(DEFAULT_SALUTATION_TEMPLATES.de.formalMr).toBe('Sehr geehrter Herr {title} {lastName},');
		expect(Object.keys(DEFAULT_SALUTATION_TEMPLATES).sort()).toEqual([...CONTACT_LANGUAGES].sort());
	});
});

describe('pickTextBlock', () => {
	const blocks: TextBlocks = {
		quoteIntro: {
			de: 'Vielen Dank für Ihre Anfrage.',
			en: 'Thank you for your enquiry.',
			fr: '   '
		},
		invoiceOutro: { en: 'Payable within 14 days.' },
		empty: {}
	};

	it.each([
		['quoteIntro', 'en', 'de', { text: 'Thank you for your enquiry.', language: 'en' }],
		['quoteIntro', 'it', 'en', { text: 'Thank you for your enquiry.', language: 'en' }],
		['quoteIntro', 'it', 'nl', { text: 'Vielen Dank für Ihre Anfrage.', language: 'de' }],
		// A blank text counts as missing.
		['quoteIntro', 'fr', 'de', { text: 'Vielen Dank für Ihre Anfrage.', language: 'de' }],
		['invoiceOutro', 'de', 'en', { text: 'Payable within 14 days.', language: 'en' }],
		['invoiceOutro', 'de', 'de', null],
		['empty', 'de', 'de', null],
		['unknown', 'de', 'de', null]
	] as const)('%s for %s (default %s)', (key, language, fallback, expected) => {
		expect(pickTextBlock(blocks, key, language, fallback)).toEqual(expected);
	});
});
