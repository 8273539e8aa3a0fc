/**
 * Plain, pair-by-pair definitions over history entries: what the faster code in the app must agree
 * with, and a short way for tests to find an entry's change.
 */
import { concurrent, within, type FieldChange, type HistoryEntry } from '../src/lib/crdt';

function samePath(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((part, i) => part === b[i]);
}

/**
 * The newest entry that set the value at `path` (or, for an entry path like ['channels', id],
 * anything inside it), with the change itself. `entries` must be newest first.
 */
export function lastChange(
	entries: readonly HistoryEntry[],
	path: readonly string[]
): { entry: HistoryEntry; change: FieldChange } | null {
	for (const entry of entries) {
		const exact = entry.changes.find((c) => samePath(c.path, path));
		const inside = exact ?? entry.changes.find((c) => within(c.path, path) || within(path, c.path));
		if (inside) return { entry, change: inside };
	}
	return null;
}

/** The entries concurrent with `entry` that touched one of the same paths, by comparing every pair. */
export function concurrentWith(entries: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
	return entries.filter(
		(other) =>
			other.id !== entry.id &&
			other.docId === entry.docId &&
			other.changes.some((c) => entry.changes.some((d) => samePath(c.path, d.path))) &&
			concurrent(entry, other)
	);
}
