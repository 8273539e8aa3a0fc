import type { ContactFields } from './types';

type NameFields = Pick<ContactFields, 'kind' | 'companyName' | 'firstName' | 'lastName'>;

/** The name the list shows: the company name, or "Nachname, Vorname" for a person. */
export function displayName(c: NameFields): string {
	if (c.kind === 'company') return c.companyName.trim();
	const last = c.lastName.trim();
	const first = c.firstName.trim();
	if (last && first) return `${last}, ${first}`;
	return last || first || c.companyName.trim();
}

/**
 * Letters that Unicode does not decompose into base letter + accent, folded the way the German
 * collator treats them (Søren like Soren, Łukasz like Lukasz, Ærø like Aero).
 */
const STROKE_LETTERS: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ð: 'd', ħ: 'h', æ: 'ae', œ: 'oe' };
function foldStrokeLetters(text: string): string {
	return text.replace(/[øłđðħæœ]/giu, (ch) => STROKE_LETTERS[ch.toLowerCase()] ?? ch);
}

/**
 * Folds text the way German phone books sort it (DIN 5007-1): umlauts sort like their base letter,
 * ß like "ss", case and other accents are ignored. The result compares correctly with plain string
 * comparison, which is what an IndexedDB index does.
 */
export function foldGerman(text: string): string {
	return foldStrokeLetters(text.toLowerCase())
		.replace(/ß/g, 'ss')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

/** The sort key for the list; a contact without a name sorts last. */
export function sortKey(c: NameFields): string {
	const folded = foldGerman(displayName(c));
	return folded === '' ? '\uffff' : folded;
}

// Bounded by non-letters rather than \b: \b treats umlauts as non-word characters, so it would cut
// "se" out of "Käse" and "Gemüse". A hyphen joins words ("Co-Working"), so it is no boundary either.
const LEGAL_FORMS =
	/(?<![\p{L}\p{N}-])(gmbh|ag|kg|ohg|ug|gbr|e\.?\s?k|e\.?\s?v|mbh|co|se|kgaa|ltd|inc|llc|sarl|s\.?a|b\.?v|haftungsbeschränkt)(?![\p{L}\p{N}-])\.?/giu;

/**
 * Suggests a matchcode (short upper-case search name) from the name: the company name without its
 * legal form, or "NACHNAME VORNAME"; umlauts transliterated (Ä -> AE) as ERP matchcodes are,
 * at most 20 characters.
 */
export function suggestMatchcode(c: NameFields): string {
	const base =
		c.kind === 'company'
			? c.companyName.replace(LEGAL_FORMS, ' ').replace(/&/g, ' ')
			: `${c.lastName} ${c.firstName}`;
	const text = foldStrokeLetters(base)
		.replace(/Ä/g, 'AE')
		.replace(/Ö/g, 'OE')
		.replace(/Ü/g, 'UE')
		.replace(/ä/g, 'ae')
		.replace(/ö/g, 'oe')
		.replace(/ü/g, 'ue')
		.replace(/ß/g, 'ss')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toUpperCase()
		.replace(/[^A-Z0-9]+/g, ' ')
		.trim();
	return text.slice(0, 20).trim();
}

/**
 * The matchcode after a name change: it follows the name as long as the user has not typed one of
 * their own (it is empty or still equals the suggestion for the old name).
 */
export function nextMatchcode(before: NameFields & { matchcode: string }, after: NameFields): string {
	const current = before.matchcode.trim();
	if (current === '' || current === suggestMatchcode(before)) return suggestMatchcode(after);
	return before.matchcode;
}
