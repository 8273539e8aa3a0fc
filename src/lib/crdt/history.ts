import * as Y from 'yjs';
import type { FieldChange } from './changes';

/** Who made a change: a user id (empty while no server is used) and the name shown. */
export interface Author {
	id: string;
	name: string;
}

/**
 * One edit as the history shows it, recorded on the device that made it at the moment of the edit
 * and carried along with its update, so every device shows the same history. Once synced, the
 * server stamps `author` and `serverTime` from the authenticated connection.
 */
export interface HistoryEntry {
	/** A UUIDv7, unique across devices. */
	id: string;
	docId: string;
	/** When the edit was made (device clock), milliseconds since epoch. */
	time: number;
	author: Author;
	device: string;
	changes: FieldChange[];
	/** The document's state vector before the edit (Y.encodeStateVector). */
	svBefore: Uint8Array;
	/** The Yjs client that made the edit and its clock after it: the edit's own operations end there. */
	client: number;
	clockEnd: number;
	/** Receive time stamped by the sync server, once synced. */
	serverTime?: number;
}

/** Did `a` see `b` (was `b` part of the state `a` was made on)? */
export function covers(a: HistoryEntry, b: HistoryEntry): boolean {
	if (a.id === b.id) return true;
	const seen = Y.decodeStateVector(a.svBefore).get(b.client) ?? 0;
	return seen >= b.clockEnd;
}

/** Two edits are concurrent when neither one's state covers the other. */
export function concurrent(a: HistoryEntry, b: HistoryEntry): boolean {
	return !covers(a, b) && !covers(b, a);
}

/** Newest first; ties by id, so every device lists the same entries in the same order. */
export function sortHistory(entries: readonly HistoryEntry[]): HistoryEntry[] {
	return [...entries].sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((part, i) => part === b[i]);
}

/** True when `path` is `prefix` or lies inside it (['channels', id, 'value'] inside ['channels', id]). */
export function within(path: readonly string[], prefix: readonly string[]): boolean {
	return path.length >= prefix.length && prefix.every((part, i) => part === path[i]);
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

/** The entries concurrent with `entry` that touched one of the same paths. */
export function concurrentWith(entries: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
	return entries.filter(
		(other) =>
			other.id !== entry.id &&
			other.docId === entry.docId &&
			other.changes.some((c) => entry.changes.some((d) => samePath(c.path, d.path))) &&
			concurrent(entry, other)
	);
}
