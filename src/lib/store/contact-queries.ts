import {
	ARCHIVED_FILTER,
	filterKeys,
	matchesTerms,
	parseSearchQuery,
	passesFilters,
	type ContactRow
} from '../domain';
import type { ListFilter } from './contact-store';
import type { KontorDexie } from './db';
import { intersectSorted } from './sorted-keys';

/**
 * Up to this many matches of the first search term, the other terms are checked on the rows.
 * Reading a row costs about as much as twenty index entries, so this stays small.
 */
const CHECK_ROWS_UP_TO = 200;

/**
 * Row keys of the contacts a filter selects, in list order (German collation); projection only.
 * Archived contacts are left out, search included, unless the filter asks for them; then only
 * they are listed and searched.
 */
export async function queryKeys(db: KontorDexie, filter: ListFilter): Promise<string[]> {
	const terms = parseSearchQuery(filter.query ?? '');
	const facets = filterKeys(filter);
	const facet = facets.length > 0;
	if (terms.length === 0) {
		if (facet) return facetKeys(db, facets);
		return withoutArchived(db, db.contacts.toCollection().primaryKeys());
	}
	const [only] = terms;
	if (terms.length === 1 && only !== undefined && only.length === 1) {
		// One typed letter jumps to the names starting with it: a key range read, already in
		// list order. A prefix that short would match a word in most contacts anyway.
		const keys = db.contacts.where(':id').startsWith(only).primaryKeys();
		if (!facet) return withoutArchived(db, keys);
		return intersectSorted([await keys, await facetKeys(db, facets)]);
	}
	// The longest term is usually the rarest. When it selects few contacts, their rows are read
	// and the other terms and the filter are checked on them. Otherwise each further term is an
	// index read; a single letter after a longer word would match most of the table, so it narrows
	// only from its second letter on.
	const [first, ...rest] = [...terms].sort((a, b) => b.length - a.length) as [string, ...string[]];
	const firstKeys = await termKeys(db, first);
	if (rest.length === 0 && !facet) return withoutArchived(db, Promise.resolve(firstKeys));
	if (firstKeys.length <= CHECK_ROWS_UP_TO) {
		const rows = await db.contacts.bulkGet(firstKeys);
		return rows
			.filter((r): r is ContactRow => r !== undefined)
			.filter((r) => passesFilters(r.filters, facets) && matchesTerms(r.tokens, rest))
			.map((r) => r.key);
	}
	const narrowing = rest.filter((term) => term.length > 1);
	const perTerm = [firstKeys, ...(await Promise.all(narrowing.map((term) => termKeys(db, term))))];
	if (!facet) return withoutArchived(db, Promise.resolve(intersectSorted(perTerm)));
	perTerm.push(await facetKeys(db, facets));
	return intersectSorted(perTerm);
}

/**
 * Keys of the rows that have every filter entry, ascending: one index read per entry (kind and
 * group are one entry, a status tag another), intersected.
 */
async function facetKeys(db: KontorDexie, facets: readonly string[]): Promise<string[]> {
	const lists = await Promise.all(facets.map((f) => db.contacts.where('filters').equals(f).primaryKeys()));
	return lists.length === 1 ? (lists[0] as string[]) : intersectSorted(lists);
}

/**
 * `keys` without the archived contacts'. Few contacts are archived, so reading their keys and
 * dropping them costs little, and the whole list stays one read of the table's primary keys: an
 * index entry on every active row instead would cost 50,000 more entries to write and to read.
 */
async function withoutArchived(db: KontorDexie, keys: Promise<string[]>): Promise<string[]> {
	const [all, archived] = await Promise.all([
		keys,
		db.contacts.where('filters').equals(ARCHIVED_FILTER).primaryKeys()
	]);
	if (archived.length === 0) return all;
	const drop = new Set(archived);
	return all.filter((key) => !drop.has(key));
}

/** Keys of the rows with a token starting with `term`, ascending, each once. */
export async function termKeys(db: KontorDexie, term: string): Promise<string[]> {
	const keys = await db.contacts.where('tokens').startsWith(term).primaryKeys();
	return [...new Set(keys)].sort();
}
