import * as Y from 'yjs';
import { recordChanges, type FieldChange } from './changes';
import { LOCAL_ORIGIN } from './contact-doc';

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

/** The root map that `transactEdit` writes to (and at once empties); nothing reads it. */
export const EDIT_MARK_MAP = '_edit';

/**
 * Runs `run` as one transaction with `origin` that, whenever it changes anything, advances this
 * client's clock. Yjs keeps deletions in a delete set without clocks, so an edit that only deletes
 * (a channel or group removed, a value restored to absent) would end where the client's previous
 * edit ended, and no state vector could tell whether another edit saw it. One throwaway insertion,
 * deleted in the same transaction, gives such an edit a clock of its own (a few bytes once collected).
 */
export function transactEdit(doc: Y.Doc, origin: unknown, run: () => void): void {
	doc.transact((tr) => {
		run();
		const own = tr.beforeState.get(doc.clientID) ?? 0;
		if (tr.deleteSet.clients.size > 0 && Y.getState(doc.store, doc.clientID) === own) {
			const marks = doc.getMap(EDIT_MARK_MAP);
			marks.set('edit', true);
			marks.delete('edit');
		}
	}, origin);
}

/** What one local edit produced: its update and the facts its history entry records. */
export interface CapturedEdit {
	update: Uint8Array;
	changes: FieldChange[];
	svBefore: Uint8Array;
	client: number;
	clockEnd: number;
}

/**
 * Runs `run` as one local edit of `doc` (see `transactEdit`) and returns its update with the
 * changes read off the transaction, the state vector before and the client's clock after; null
 * when nothing changed. The store records exactly this with every edit.
 */
export function captureEdit(doc: Y.Doc, run: () => void): CapturedEdit | null {
	const svBefore = Y.encodeStateVector(doc);
	const updates: Uint8Array[] = [];
	const onUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === LOCAL_ORIGIN) updates.push(update);
	};
	doc.on('update', onUpdate);
	let changes: FieldChange[];
	try {
		changes = recordChanges(doc, LOCAL_ORIGIN, () => transactEdit(doc, LOCAL_ORIGIN, run));
	} finally {
		doc.off('update', onUpdate);
	}

	if (updates.length === 0) return null;
	return {
		update: updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates),
		changes,
		svBefore,
		client: doc.clientID,
		clockEnd: Y.getState(doc.store, doc.clientID)
	};
}

/**
 * Did `a` see `b` (was `b` part of the state `a` was made on)? Exact as long as every edit advanced
 * its client's clock, which `transactEdit` makes sure of.
 */
export function covers(a: HistoryEntry, b: HistoryEntry): boolean {
	if (a.id === b.id) return true;
	const seen = Y.decodeStateVector(a.svBefore).get(b.client) ?? 0;
	return seen >= b.clockEnd;
}

/** Two edits are concurrent when neither one's state covers the other. */
export function concurrent(a: HistoryEntry, b: HistoryEntry): boolean {
	return !covers(a, b) && !covers(b, a);
}

/** For each entry, the newest entry of every client (its own included) that it saw. */
function predecessors(entries: readonly HistoryEntry[]): Map<string, HistoryEntry[]> {
	const chains = new Map<number, HistoryEntry[]>();
	for (const entry of entries) {
		// An entry the server wrote (a change of rights) has no operations in the document (clock
		// end 0): no edit can have seen it, so it is placed by its time alone.
		if (entry.clockEnd === 0) continue;
		const chain = chains.get(entry.client);
		if (chain) chain.push(entry);
		else chains.set(entry.client, [entry]);
	}
	for (const chain of chains.values()) chain.sort((a, b) => a.clockEnd - b.clockEnd);
	const out = new Map<string, HistoryEntry[]>();
	for (const entry of entries) {
		const seen = Y.decodeStateVector(entry.svBefore);
		const found: HistoryEntry[] = [];
		for (const [client, chain] of chains) {
			const clock = seen.get(client) ?? 0;
			let lo = 0;
			let hi = chain.length;
			while (lo < hi) {
				const mid = (lo + hi) >>> 1;
				if ((chain[mid] as HistoryEntry).clockEnd <= clock) lo = mid + 1;
				else hi = mid;
			}
			const last = chain[lo - 1];
			if (last && last.id !== entry.id) found.push(last);
		}
		out.set(entry.id, found);
	}
	return out;
}

/**
 * Newest first, in an order every device agrees on that never lists an edit below one it saw.
 * Device clocks drift and two edits can share a millisecond, so by time alone an edit could be
 * listed below the one it overwrote, and a tooltip would name a value the document no longer
 * holds. Each entry sorts at its own time, but after everything it saw (a hybrid logical clock
 * computed from the entries, so it needs nothing stored); ties by id.
 */
export function sortHistory(entries: readonly HistoryEntry[]): HistoryEntry[] {
	const before = predecessors(entries);
	const keys = new Map<string, number>();
	const open = new Set<string>();
	for (const root of entries) {
		const stack = [root];
		while (stack.length > 0) {
			const top = stack[stack.length - 1] as HistoryEntry;
			if (keys.has(top.id)) {
				stack.pop();
				continue;
			}
			open.add(top.id);
			const seen = before.get(top.id) ?? [];
			// `open` guards against a cycle, which only malformed entries could make.
			const next = seen.find((e) => !keys.has(e.id) && !open.has(e.id));
			if (next) {
				stack.push(next);
				continue;
			}
			stack.pop();
			open.delete(top.id);
			keys.set(
				top.id,
				seen.reduce((key, e) => Math.max(key, (keys.get(e.id) ?? -Infinity) + 1), top.time)
			);
		}
	}
	const key = (e: HistoryEntry) => keys.get(e.id) ?? e.time;
	return [...entries].sort((a, b) => key(b) - key(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** True when `path` is `prefix` or lies inside it (['channels', id, 'value'] inside ['channels', id]). */
export function within(path: readonly string[], prefix: readonly string[]): boolean {
	return path.length >= prefix.length && prefix.every((part, i) => part === path[i]);
}

/** The key of a change's path within one document. */
export const pathKey = (path: readonly string[]): string => path.join('\u0000');

/** The first index in `list` from `start` on where `test` holds; `test` must be monotone (false..true). */
function firstIndex<T>(list: readonly T[], test: (item: T) => boolean, start = 0): number {
	let lo = start;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (test(list[mid] as T)) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/**
 * For every entry, the entries concurrent with it per path they both touched: the same answer as
 * comparing each entry with every other one by `concurrent`, without comparing every pair (1,000 edits of one field would be
 * half a million state-vector decodes).
 *
 * Why it is exact: within one Yjs client, entries sorted by clock form a chain. An entry `a` covers
 * a prefix of another client's chain (up to what `a`'s state vector had seen), and the entries of
 * that chain that cover `a` form a suffix (a client's state only grows). So the entries of that
 * client concurrent with `a` are the slice between, found by two binary searches.
 */
export function concurrentByPath(entries: readonly HistoryEntry[]): Map<string, Map<string, HistoryEntry[]>> {
	const byPath = new Map<string, HistoryEntry[]>();
	for (const entry of entries) {
		for (const change of entry.changes) {
			const key = pathKey(change.path);
			const list = byPath.get(key);
			if (list) list.push(entry);
			else byPath.set(key, [entry]);
		}
	}
	const result = new Map<string, Map<string, HistoryEntry[]>>();
	for (const [key, list] of byPath) {
		if (list.length < 2) continue;
		const chains = new Map<number, HistoryEntry[]>();
		for (const entry of list) {
			const chain = chains.get(entry.client);
			if (chain) chain.push(entry);
			else chains.set(entry.client, [entry]);
		}
		if (chains.size < 2) continue;
		for (const chain of chains.values()) chain.sort((a, b) => a.clockEnd - b.clockEnd);
		for (const a of list) {
			for (const [client, chain] of chains) {
				if (client === a.client) continue;
				const start = firstIndex(chain, (b) => !covers(a, b));
				const end = firstIndex(chain, (b) => covers(b, a), start);
				if (start >= end) continue;
				let paths = result.get(a.id);
				if (!paths) result.set(a.id, (paths = new Map()));
				const found = paths.get(key) ?? [];
				found.push(...chain.slice(start, end));
				paths.set(key, found);
			}
		}
	}
	return result;
}
