import * as Y from 'yjs';
import { emptyContactFields } from '../domain';
import { EDIT_MARK_MAP } from './history';

/** A JSON value as a document stores it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * One value an edit touched: where in the document, what it was and what it became. `undefined`
 * means "absent" (an entry added or removed). Paths start with the root map's name:
 * `['fields', 'city']`, `['channels', id]` (a whole entry added or removed),
 * `['channels', id, 'value']`, `['groups', id]`.
 */
export interface FieldChange {
	path: string[];
	from?: JsonValue;
	to?: JsonValue;
}

function toJson(value: unknown): JsonValue | undefined {
	if (value === undefined) return undefined;
	if (value instanceof Y.AbstractType) return value.toJSON() as JsonValue;
	if (value instanceof Uint8Array) return Array.from(value);
	return value as JsonValue;
}

/** The document as plain JSON, one entry per root map (but for the edit marks, which hold nothing). */
export function snapshotJson(doc: Y.Doc): Record<string, JsonValue> {
	const out: Record<string, JsonValue> = {};
	for (const [name, type] of doc.share) {
		if (name === EDIT_MARK_MAP) continue;
		if (type instanceof Y.Map || type._map.size > 0) out[name] = doc.getMap(name).toJSON() as JsonValue;
	}
	return out;
}

function lookup(root: Record<string, JsonValue>, path: readonly string[]): JsonValue | undefined {
	let current: JsonValue | undefined = root;
	for (const key of path) {
		if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
		current = (current as Record<string, JsonValue>)[key];
	}
	return current;
}

/** The path of a shared type from its document's root, e.g. `['channels', '<id>']`. */
function pathOf(doc: Y.Doc, type: { _item: Y.Item | null }): string[] | null {
	const path: string[] = [];
	let current = type;
	while (current._item) {
		const key = current._item.parentSub;
		if (key === null) return null; // inside a Y.Array: not part of Kontor's schema
		path.unshift(key);
		current = current._item.parent as { _item: Y.Item | null };
	}
	for (const [name, root] of doc.share) if (root === current) return [name, ...path];
	return null;
}

/**
 * The defaults of a contact's fields, which its document leaves unwritten (initContact); null for a
 * document that is no contact yet (a new one: its first fields are set from absent).
 */
function fieldDefaults(doc: Y.Doc): Record<string, JsonValue> | null {
	const fields = doc.share.has('fields') ? doc.getMap('fields') : null;
	if (!fields?.has('kind')) return null;
	return emptyContactFields(fields.get('kind') === 'company' ? 'company' : 'person') as unknown as Record<
		string,
		JsonValue
	>;
}

function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Runs `edit` (which must make exactly one transaction with `origin`) and returns what it changed,
 * read off the Yjs transaction: every map key the transaction touched, with its value before
 * (from a JSON snapshot taken first, since Yjs keeps no old values of nested entries) and after.
 * Generic over the schema: a field added to the document later shows up with no extra code.
 */
export function recordChanges(doc: Y.Doc, origin: unknown, edit: () => void): FieldChange[] {
	const before = snapshotJson(doc);
	const defaults = fieldDefaults(doc);
	const changes: FieldChange[] = [];
	const onAfter = (tr: Y.Transaction) => {
		if (tr.origin !== origin) return;
		for (const [type, keys] of tr.changed) {
			const path = pathOf(doc, type);
			if (!path) continue;
			for (const key of keys) {
				if (key === null) continue;
				const at = [...path, key];
				// A contact field never written holds its default (see initContact): that is what it was.
				const from =
					lookup(before, at) ?? (at.length === 2 && at[0] === 'fields' ? defaults?.[key] : undefined);
				const to = type instanceof Y.Map ? toJson(type.get(key)) : undefined;
				if (!same(from, to)) changes.push({ path: at, from, to });
			}
		}
	};
	doc.on('afterTransaction', onAfter);
	try {
		edit();
	} finally {
		doc.off('afterTransaction', onAfter);
	}
	return changes.sort((a, b) => (a.path.join('\u0000') < b.path.join('\u0000') ? -1 : 1));
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Root maps whose entries are values, never nested maps: an object there is one plain value (a
 * birthday, a trade embargo, a SEPA mandate), whose parts only make sense together.
 */
const VALUE_MAPS: ReadonlySet<string> = new Set(['fields', 'customer', 'supplier']);

/**
 * Writes `value` at `path` as a new change: the way "restore" puts an old value back. Absent
 * (`undefined`) deletes the key; an object becomes a nested map, as entries are stored, but in the
 * maps of plain values (`VALUE_MAPS`), where it is written as the one value it was.
 * Only what differs is written: a rewritten value is a new concurrent write and could win over a
 * real change made elsewhere, and an entry still there is patched property by property, so a
 * concurrent edit of its other properties survives.
 */
export function writeAt(doc: Y.Doc, path: readonly string[], value: JsonValue | undefined): void {
	const [root, ...rest] = path;
	if (!root || rest.length === 0) return;
	let map: Y.Map<unknown> = doc.getMap(root);
	for (const key of rest.slice(0, -1)) {
		const next = map.get(key);
		if (!(next instanceof Y.Map)) return; // the entry is gone; restore its parent entry instead
		map = next;
	}
	const key = rest[rest.length - 1] as string;
	// A contact field never written holds its default (see initContact).
	const defaults = rest.length === 1 && root === 'fields' && !map.has(key) ? fieldDefaults(doc) : null;
	const current = defaults ? defaults[key] : map.get(key);
	if (isObject(value) && current instanceof Y.Map) {
		for (const [k, v] of Object.entries(value)) if (!same(toJson(current.get(k)), v)) current.set(k, v);
		for (const k of [...current.keys()]) if (!(k in value)) current.delete(k);
	} else if (same(toJson(current), value)) {
		return;
	} else if (value === undefined) {
		map.delete(key);
	} else if (isObject(value) && !VALUE_MAPS.has(root)) {
		const nested = new Y.Map<unknown>();
		for (const [k, v] of Object.entries(value)) nested.set(k, v);
		map.set(key, nested);
	} else {
		map.set(key, value);
	}
}
