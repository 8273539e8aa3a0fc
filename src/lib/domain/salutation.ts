import type { ContactFields, ContactLanguage } from './types';

/**
 * The salutation lines of one language. Placeholders: {title}, {firstName}, {lastName}. A `…Titled`
 * line, where given, replaces its plain line when the contact has a title (after `titles`) and a last
 * name: English says "Dear Dr Mustermann," where German says "Sehr geehrter Herr Dr. Mustermann,".
 */
export interface SalutationTemplates {
	/** Formal, to a man (salutation 'mr') with a last name. */
	formalMr: string;
	formalMrTitled?: string;
	/** Formal, to a woman (salutation 'ms') with a last name. */
	formalMs: string;
	formalMsTitled?: string;
	/** Formal, without a gender ('none', 'diverse') or without a last name. */
	formalNeutral: string;
	formalNeutralTitled?: string;
	/** Formal, to a company, or to a person without any name. */
	formalUnknown: string;
	/** Personal (the contact is marked as friend), by first name. */
	personalMr: string;
	personalMs: string;
	personalNeutral: string;
	/** How titles as stored ("Prof. Dr.") are written in this language; missing ones stay as they are. */
	titles?: Readonly<Record<string, string>>;
}

const REQUIRED_KEYS = [
	'formalMr',
	'formalMs',
	'formalNeutral',
	'formalUnknown',
	'personalMr',
	'personalMs',
	'personalNeutral'
] as const satisfies readonly (keyof SalutationTemplates)[];

/** Built-in salutations for every contact language; a workspace can change them and add languages. */
export const DEFAULT_SALUTATION_TEMPLATES = {
	de: {
		formalMr: 'Sehr geehrter Herr {title} {lastName},',
		formalMs: 'Sehr geehrte Frau {title} {lastName},',
		formalNeutral: 'Guten Tag {title} {firstName} {lastName},',
		formalUnknown: 'Sehr geehrte Damen und Herren,',
		personalMr: 'Lieber {firstName},',
		personalMs: 'Liebe {firstName},',
		personalNeutral: 'Hallo {firstName},'
	},
	en: {
		formalMr: 'Dear Mr {lastName},',
		formalMrTitled: 'Dear {title} {lastName},',
		formalMs: 'Dear Ms {lastName},',
		formalMsTitled: 'Dear {title} {lastName},',
		formalNeutral: 'Dear {firstName} {lastName},',
		formalNeutralTitled: 'Dear {title} {lastName},',
		formalUnknown: 'Dear Sir or Madam,',
		personalMr: 'Dear {firstName},',
		personalMs: 'Dear {firstName},',
		personalNeutral: 'Hi {firstName},',
		// German degrees that an English salutation does not use map to ''.
		titles: {
			'Dr.': 'Dr',
			'Dr. med.': 'Dr',
			'Dr. med. dent.': 'Dr',
			'Dr. rer. nat.': 'Dr',
			'Dr. phil.': 'Dr',
			'Dr. jur.': 'Dr',
			'Dr.-Ing.': 'Dr',
			'Dr. Dr.': 'Dr',
			'Prof.': 'Professor',
			'Prof. Dr.': 'Professor',
			'Prof. Dr.-Ing.': 'Professor',
			'Dipl.-Ing.': '',
			'Dipl.-Kfm.': '',
			'Dipl.-Kffr.': ''
		}
	},
	fr: {
		formalMr: 'Monsieur,',
		formalMs: 'Madame,',
		formalNeutral: 'Bonjour {firstName} {lastName},',
		formalUnknown: 'Madame, Monsieur,',
		personalMr: 'Cher {firstName},',
		personalMs: 'Chère {firstName},',
		personalNeutral: 'Bonjour {firstName},'
	},
	it: {
		formalMr: 'Gentile Signor {lastName},',
		formalMs: 'Gentile Signora {lastName},',
		formalNeutral: 'Gentile {firstName} {lastName},',
		formalUnknown: 'Gentili Signore e Signori,',
		personalMr: 'Caro {firstName},',
		personalMs: 'Cara {firstName},',
		personalNeutral: 'Ciao {firstName},'
	},
	es: {
		formalMr: 'Estimado señor {lastName}:',
		formalMs: 'Estimada señora {lastName}:',
		formalNeutral: 'Estimado/a {firstName} {lastName}:',
		formalUnknown: 'Estimados señores:',
		personalMr: 'Querido {firstName}:',
		personalMs: 'Querida {firstName}:',
		personalNeutral: 'Hola, {firstName}:'
	},
	nl: {
		formalMr: 'Geachte heer {lastName},',
		formalMs: 'Geachte mevrouw {lastName},',
		formalNeutral: 'Geachte {firstName} {lastName},',
		formalUnknown: 'Geachte heer, mevrouw,',
		personalMr: 'Beste {firstName},',
		personalMs: 'Beste {firstName},',
		personalNeutral: 'Beste {firstName},'
	}
} as const satisfies Readonly<Record<ContactLanguage, SalutationTemplates>>;

const BUILT_IN: Readonly<Record<string, SalutationTemplates | undefined>> = DEFAULT_SALUTATION_TEMPLATES;

/** The language every fallback ends in. */
export const FALLBACK_LANGUAGE = 'de';

/** What a workspace sets: its default correspondence language and its own or changed lines. */
export interface WorkspaceSalutations {
	defaultLanguage?: string;
	/** Per language; a partial set changes single lines of a built-in language. */
	templates?: Readonly<Record<string, Partial<SalutationTemplates>>>;
}

/** The contact fields a salutation reads; `friend` asks for the personal form. */
export type SalutationContact = Pick<
	ContactFields,
	'kind' | 'salutation' | 'title' | 'firstName' | 'lastName'
> & {
	friend?: boolean;
};

function isComplete(templates: Partial<SalutationTemplates>): templates is SalutationTemplates {
	return REQUIRED_KEYS.every((key) => (templates[key] ?? '').trim() !== '');
}

function templatesOf(language: string, workspace: WorkspaceSalutations): SalutationTemplates | null {
	const merged: Partial<SalutationTemplates> = { ...BUILT_IN[language] };
	for (const [key, value] of Object.entries(workspace.templates?.[language] ?? {})) {
		if (value !== undefined) Object.assign(merged, { [key]: value });
	}
	return isComplete(merged) ? merged : null;
}

/**
 * The required lines a language still lacks (neither built in nor the workspace's own, or blanked
 * by the workspace); empty when the language counts. The settings UI says what is missing.
 */
export function missingSalutationLines(
	language: string,
	workspace: WorkspaceSalutations = {}
): (typeof REQUIRED_KEYS)[number][] {
	const own = workspace.templates?.[language] ?? {};
	const builtIn: Partial<SalutationTemplates> = BUILT_IN[language] ?? {};
	return REQUIRED_KEYS.filter((key) => (own[key] ?? builtIn[key] ?? '').trim() === '');
}

/**
 * The lines for a language: the contact's language, else the workspace's default language, else
 * German. A language counts only with every line present (built in, or added by the workspace), so
 * a half-configured language never mixes with another one.
 */
export function salutationTemplatesFor(
	language: string,
	workspace: WorkspaceSalutations = {}
): { language: string; templates: SalutationTemplates } {
	for (const candidate of [language, workspace.defaultLanguage, FALLBACK_LANGUAGE]) {
		if (!candidate) continue;
		const templates = templatesOf(candidate, workspace);
		if (templates) return { language: candidate, templates };
	}
	// Reached only when a workspace blanks German lines: the built-in German set still works.
	return { language: FALLBACK_LANGUAGE, templates: DEFAULT_SALUTATION_TEMPLATES.de };
}

const clean = (text: string) => text.trim().replace(/\s+/g, ' ');

type Values = Record<'title' | 'firstName' | 'lastName', string>;

/**
 * Fills the placeholders. An empty value takes the space before it along, so "Herr {title} {lastName},"
 * without a title reads "Herr Mustermann," and never leaves a double space or a space before a comma;
 * any other spacing of the template (a French space before "!") is kept.
 */
function fill(template: string, values: Values): string {
	return template
		.replace(/([ \t]*)\{(title|firstName|lastName)\}/g, (_, space: string, key: keyof Values) =>
			values[key] === '' ? '' : space + values[key]
		)
		.replace(/[ \t]+/g, ' ')
		.trim();
}

/**
 * The salutation line of a letter or e-mail in `language`: formal by default, personal for a
 * contact marked as friend who has a first name, the line for unknown recipients ("Sehr geehrte
 * Damen und Herren,") for a company or a person without a name. A gendered formal line needs a last
 * name; without one the neutral line is used with what there is.
 */
export function salutation(
	contact: SalutationContact,
	language: string,
	workspace: WorkspaceSalutations = {}
): string {
	const { templates } = salutationTemplatesFor(language, workspace);
	const firstName = clean(contact.firstName);
	const lastName = clean(contact.lastName);
	const storedTitle = clean(contact.title);
	const title = clean(templates.titles?.[storedTitle] ?? storedTitle);
	const values: Values = { title, firstName, lastName };
	const gender = contact.salutation === 'mr' || contact.salutation === 'ms' ? contact.salutation : null;

	if (contact.kind === 'company' || (firstName === '' && lastName === '')) {
		return fill(templates.formalUnknown, values);
	}
	if (contact.friend && firstName !== '') {
		const line =
			gender === 'mr'
				? templates.personalMr
				: gender === 'ms'
					? templates.personalMs
					: templates.personalNeutral;
		return fill(line, values);
	}
	const titled = title !== '' && lastName !== '';
	if (gender && lastName !== '') {
		const line =
			gender === 'mr'
				? (titled && templates.formalMrTitled) || templates.formalMr
				: (titled && templates.formalMsTitled) || templates.formalMs;
		return fill(line, values);
	}
	return fill((titled && templates.formalNeutralTitled) || templates.formalNeutral, values);
}

/** Text blocks of the workspace (document texts): block key -> language -> text. */
export type TextBlocks = Readonly<Record<string, Readonly<Partial<Record<string, string>>>>>;

/**
 * The text of a block in the contact's language, else in the workspace's default language, else in
 * German; a blank text counts as missing. Returns the language it was found in, so the UI can say
 * that a fallback was used, or null when the block has no text at all.
 */
export function pickTextBlock(
	blocks: TextBlocks,
	key: string,
	contactLanguage: string,
	workspaceDefault: string
): { text: string; language: string } | null {
	const block = blocks[key];
	if (!block) return null;
	for (const language of [contactLanguage, workspaceDefault, FALLBACK_LANGUAGE]) {
		const text = block[language];
		if (text !== undefined && text.trim() !== '') return { text, language };
	}
	return null;
}
