import { foldGerman } from './names';
import { digitsOf } from './phone';

/** Umlauts typed the other way: "Mueller" must find "Müller" and "Muller" alike. */
function transliterate(word: string): string {
	return word.toLowerCase().replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
}

/**
 * Splits text into folded words, adding the other spellings of umlauts: "Müller" is also stored as
 * "mueller", and "Mueller" also as "muller", so either spelling in the query finds either one.
 */
export function wordsOf(text: string): string[] {
	const out: string[] = [];
	for (const raw of text.split(/[^\p{L}\p{N}]+/u)) {
		if (!raw) continue;
		if (ASCII_WORD.test(raw)) {
			// Most words: folding is lower-casing, and there is no umlaut to spell the other way.
			const folded = raw.toLowerCase();
			out.push(folded);
			const plain = withoutDigraphs(folded);
			if (plain !== folded) out.push(plain);
			continue;
		}
		const folded = foldGerman(raw).replace(/ /g, '');
		if (folded) out.push(folded);
		const alt = foldGerman(transliterate(raw)).replace(/ /g, '');
		if (alt && alt !== folded) out.push(alt);
		const plain = withoutDigraphs(folded);
		if (plain && plain !== folded && plain !== alt) out.push(plain);
	}
	return out;
}

const ASCII_WORD = /^[A-Za-z0-9]+$/;

const withoutDigraphs = (word: string): string =>
	word.replace(/ae/g, 'a').replace(/oe/g, 'o').replace(/ue/g, 'u');

/** What a contact is found by; every entry is matched by prefix. */
export interface SearchSource {
	texts: readonly string[];
	phoneDigits: readonly string[];
}

/** The distinct search tokens of a contact, for a multi-entry index. */
export function searchTokens(source: SearchSource): string[] {
	const tokens = new Set<string>();
	for (const text of source.texts) for (const w of wordsOf(text)) tokens.add(w);
	for (const d of source.phoneDigits) if (d) tokens.add(d);
	return [...tokens];
}

const PHONE_QUERY = /^[\d\s+\-/().]+$/;

/**
 * Turns what the user typed into terms that each must prefix-match a token. A query of digits and
 * phone punctuation ("030 1234-5", "+49 30 12") is one phone term, compared digit by digit; with
 * fewer than three digits it selects nothing yet (no terms).
 */
export function parseSearchQuery(query: string): string[] {
	const q = query.trim();
	if (q === '') return [];
	if (PHONE_QUERY.test(q)) {
		const digits = digitsOf(q);
		// Two digits ("+49", "03") would match nearly every phone number: wait for the third. A
		// single digit jumps like a single letter.
		if (digits.length < 3) return /^\d$/.test(q) ? [q] : [];
		const international = q.replace(/^\s*(\+|00)/, '');
		// "+49 (0)30 ..." shows the trunk prefix in brackets; it is not dialled after the country code.
		return [digitsOf(international === q ? q : international.replace(/\(0\)/g, ''))];
	}
	const terms = q
		.split(/[^\p{L}\p{N}]+/u)
		.map((w) => foldGerman(w).replace(/ /g, ''))
		.filter((w) => w !== '');
	// A term that is a prefix of another term adds nothing.
	return [...new Set(terms)].filter((t, _, all) => !all.some((o) => o !== t && o.startsWith(t)));
}

/** True when every term is the prefix of some token. */
export function matchesTerms(tokens: readonly string[], terms: readonly string[]): boolean {
	return terms.every((term) => tokens.some((token) => token.startsWith(term)));
}
