/**
 * Store test helpers: fresh databases, stores that are closed after each test, and short ways to
 * create contacts and build edits. Every store test imports 'fake-indexeddb/auto' first.
 */
import { expect } from 'vitest';
import { KontorStore, type NewContact, type StoreChange } from '../../src/lib/store';
import {
	newChannelId,
	type Channel,
	type ChannelKind,
	type ContactEdit,
	type ContactId,
	type ContactKind,
	type ContactRow,
	type EditableField,
	type EmailPurpose,
	type GroupId
} from '../../src/lib/domain';

/** A database name no other test uses. */
export function freshDbName(): string {
	return `kontor-test-${crypto.randomUUID()}`;
}

/**
 * Opens stores and remembers them, so `closeAll()` in `afterEach` closes every tab a test opened
 * (an open BroadcastChannel would keep the worker alive).
 */
export class StoreTabs {
	readonly #open: KontorStore[] = [];

	async open(name: string): Promise<KontorStore> {
		const store = await KontorStore.open({ name });
		this.#open.push(store);
		return store;
	}

	closeAll(): void {
		for (const store of this.#open.splice(0)) store.close();
	}
}

/** Creates a contact and fails the test when the store refuses it. */
export async function create(
	store: KontorStore,
	kind: ContactKind,
	init: NewContact = {}
): Promise<ContactId> {
	const result = await store.createContact(kind, init);
	if (!result.ok || !result.id) throw new Error(`createContact refused: ${JSON.stringify(result)}`);
	return result.id;
}

/** Applies edits and fails the test when the store refuses them. */
export async function edit(store: KontorStore, id: ContactId, edits: ContactEdit[]): Promise<void> {
	const result = await store.editContact(id, edits);
	expect(result).toEqual({ ok: true });
}

/** The projection row of a contact; fails the test when it has none. */
export async function rowOf(store: KontorStore, id: ContactId): Promise<ContactRow> {
	const row = await store.row(id);
	if (!row) throw new Error(`no projection row for ${id}`);
	return row;
}

export function set<F extends EditableField>(field: F, value: string | boolean): ContactEdit {
	return { type: 'set', field, value } as ContactEdit;
}

export function setParent(parentId: ContactId | null): ContactEdit {
	return { type: 'setParent', parentId };
}

export function addGroup(id: GroupId): ContactEdit {
	return { type: 'addGroup', id };
}

export function removeGroup(id: GroupId): ContactEdit {
	return { type: 'removeGroup', id };
}

let orderCounter = 0;

/** A channel as the UI would send it: `normalized` is left for the store to fill in. */
export function channel(kind: ChannelKind, value: string, purpose: EmailPurpose | null = null): Channel {
	orderCounter += 1;
	return {
		id: newChannelId(),
		kind,
		value,
		normalized: '',
		label: '',
		purpose,
		// Increasing order keys keep channels in the order a test adds them.
		order: `a${String(orderCounter).padStart(6, '0')}`
	};
}

export function addChannel(
	kind: ChannelKind,
	value: string,
	purpose: EmailPurpose | null = null
): ContactEdit {
	return { type: 'addChannel', channel: channel(kind, value, purpose) };
}

/** Records every change a store announces. */
export function recordChanges(store: KontorStore): StoreChange[] {
	const changes: StoreChange[] = [];
	store.subscribe((change) => changes.push(change));
	return changes;
}

/** Rows sorted by key, so two projections can be compared whatever order they were read in. */
export function byKey(rows: readonly ContactRow[]): ContactRow[] {
	return [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
