import { filterKey, matchesTerms, parseSearchQuery, type ContactRow } from '../domain';
import type { ListFilter } from './contact-store';
import type { KontorDexie } from './db';
import { intersectSorted } from './sorted-keys';

/**
 * Up to this many matches of the first search term, the other terms are checked on the rows.
 * Reading a row costs about as much as twenty index entries, so this stays small.
 */
const CHECK_ROWS_UP_TO = 200;

/** Row keys of the contacts a filter selects, in list order (German collation); projection only. */
export async function queryKeys(db: KontorDexie, filter: ListFilter): Promise<string[]> {
	const terms = parseSearchQuery(filter.query ?? '');
	const facet = filterKey(filter.kind ?? null, filter.group ?? null);
	if (terms.length === 0) {
		const keys = facet
			? await db.contacts.where('filters').equals(facet).primaryKeys()
			: await db.contacts.toCollection().primaryKeys();
		return keys;
	}
	const [only] = terms;
	if (terms.length === 1 && only !== undefined && only.length === 1) {
		// One typed letter jumps to the names starting with it: a key range read, already in
		// list order. A prefix that short would match a word in most contacts anyway.
		const keys = await db.contacts.where(':id').startsWith(only).primaryKeys();
		if (!facet) return keys;
		return intersectSorted([keys, await db.contacts.where('filters').equals(facet).primaryKeys()]);
	}
	// The longest term is usually the rarest. When it selects few contacts, their rows are read
	// and the other terms and the filter are checked on them. Otherwise each further term is an
	// index read; a single letter after a longer word would match most of the table, so it narrows
	// only from its second letter on.
	const [first, ...rest] = [...terms].sort((a, b) => b.length - a.length) as [string, ...string[]];
	const firstKeys = await termKeys(db, first);
	if (rest.length === 0 && !facet) return firstKeys;
	if (firstKeys.length <= CHECK_ROWS_UP_TO) {
		const rows = await db.contacts.bulkGet(firstKeys);
		return rows
			.filter((r): r is ContactRow => r !== undefined)
			.filter((r) => (!facet || r.filters.includes(facet)) && matchesTerms(r.tokens, rest))
			.map((r) => r.key);
	}
	const narrowing = rest.filter((term) => term.length > 1);
	const perTerm = [firstKeys, ...(await Promise.all(narrowing.map((term) => termKeys(db, term))))];
	if (facet) perTerm.push(await db.contacts.where('filters').equals(facet).primaryKeys());
	return intersectSorted(perTerm);
}

/** Keys of the rows with a token starting with `term`, ascending, each once. */
export async function termKeys(db: KontorDexie, term: string): Promise<string[]> {
	const keys = await db.contacts.where('tokens').startsWith(term).primaryKeys();
	return [...new Set(keys)].sort();
}
