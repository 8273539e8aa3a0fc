/* eslint-disable svelte/prefer-svelte-reactivity -- the maps are published whole (never mutated after), the sets are private bookkeeping */
import type {
	Contact,
	ContactEdit,
	ContactGroup,
	ContactId,
	ContactRow,
	InheritanceSource
} from '$lib/domain';
import type { EditResult, HistoryEntry, JsonValue, KontorStore, StoreChange } from '$lib/store';
import type { InheritedHistory } from '../history/field-history';
import { errorText } from '../contact/error-text';
import { app } from './app.svelte';
import { handleError } from './handle-error';
import { pendingWrites } from './pending-writes';

/** Where an inherited value is stored: the contact the chain of inheritance ends at. */
interface InheritedSource extends InheritedHistory {
	id: ContactId;
}

/** How far up a chain of inheriting parents is followed (hierarchies are a few levels deep). */
const MAX_DEPTH = 32;

/**
 * The open contact: its own values (from its document), what it inherits from its parent, its
 * contact persons, the workspace's groups, and its history (with the history of the contacts its
 * inherited values are stored in). Re-reads itself when this tab or another one changes any of them.
 */
export class ContactEditorModel {
	#contact = $state.raw<Contact | null>(null);
	#parent = $state.raw<InheritanceSource | null>(null);
	#children = $state.raw<ContactRow[]>([]);
	#hiddenPersons = $state(0);
	#groups = $state.raw<ContactGroup[]>([]);
	#history = $state.raw<HistoryEntry[]>([]);
	#names = $state.raw<ReadonlyMap<string, string>>(new Map());
	#address = $state.raw<InheritedSource | null>(null);
	#inheritedGroups = $state.raw<InheritedSource | null>(null);
	#status = $state<'loading' | 'ready' | 'missing'>('loading');
	#saving = $state(0);
	#unsubscribe: () => void;
	#generation = 0;
	/** Documents changed since their history was last read; everything at first. */
	#changed = new Set<string>();
	#changedAll = true;

	constructor(
		private readonly store: KontorStore,
		readonly id: ContactId
	) {
		this.#unsubscribe = store.subscribe((change) => this.#onChange(change));
	}

	get contact(): Contact | null {
		return this.#contact;
	}
	get parent(): InheritanceSource | null {
		return this.#parent;
	}
	get children(): readonly ContactRow[] {
		return this.#children;
	}

	/** Contact persons under this contact the user may not see (counted by the sync server). */
	get hiddenPersons(): number {
		return this.#hiddenPersons;
	}
	get groups(): readonly ContactGroup[] {
		return this.#groups;
	}
	/** The contact's history, newest first. */
	get history(): readonly HistoryEntry[] {
		return this.#history;
	}
	/** Display names of the contacts the history's parent changes point to. */
	get names(): ReadonlyMap<string, string> {
		return this.#names;
	}
	/** Where the inherited address is stored and its history; null while the own address is shown. */
	get inheritedAddress(): InheritedHistory | null {
		return this.#address;
	}
	get inheritedGroups(): InheritedHistory | null {
		return this.#inheritedGroups;
	}
	get status(): 'loading' | 'ready' | 'missing' {
		return this.#status;
	}
	/** True while an edit is being written to the device database. */
	get saving(): boolean {
		return this.#saving > 0;
	}

	/**
	 * Reads everything again, but the histories of documents that did not change since they were
	 * last read (a history is two indexed range reads, but a long one is worth skipping). A load
	 * overtaken by a newer one leaves its documents marked, so the newer one reads them.
	 */
	async load(change?: Pick<StoreChange, 'docIds'>): Promise<void> {
		const generation = ++this.#generation;
		if (change) for (const id of change.docIds) this.#changed.add(id);
		else this.#changedAll = true;
		const all = this.#changedAll;
		const changed = new Set(this.#changed);
		const touched = (id: string) => all || changed.has(id);
		try {
			// The form first: the contact, its parent and persons. The histories behind the tooltips
			// and the Verlauf tab follow, so opening a contact does not wait for them.
			const [contact, children, groups, hiddenPersons] = await Promise.all([
				this.store.loadContact(this.id),
				this.store.children(this.id),
				this.store.groups(),
				this.store.hiddenChildren(this.id)
			]);
			const parent = contact ? await this.store.parentOf(contact) : null;
			if (generation !== this.#generation) return;
			this.#contact = contact;
			this.#parent = parent;
			this.#children = children;
			this.#hiddenPersons = hiddenPersons;
			this.#groups = groups;
			this.#status = contact ? 'ready' : 'missing';

			const history = touched(this.id) ? await this.store.history(this.id) : this.#history;
			const [address, inheritedGroups, names] = await Promise.all([
				contact?.inheritAddress ? this.#source(contact.parentId, 'addressFrom', touched) : null,
				contact?.inheritGroups ? this.#source(contact.parentId, 'groupsFrom', touched) : null,
				history === this.#history ? this.#names : this.#parentNames(history)
			]);
			if (generation !== this.#generation) return;
			this.#history = history;
			this.#names = names;
			this.#address = address;
			this.#inheritedGroups = inheritedGroups;
			if (all) this.#changedAll = false;
			for (const id of changed) this.#changed.delete(id);
		} catch (error) {
			handleError(error, 'loading a contact');
		}
	}

	/**
	 * The contact an inherited value is stored in: the parent, or further up when the parent
	 * inherits it too; with its history (kept from the last load unless its document changed).
	 */
	async #source(
		parentId: ContactId | null,
		link: 'addressFrom' | 'groupsFrom',
		touched: (id: string) => boolean
	): Promise<InheritedSource | null> {
		let row = parentId ? await this.store.row(parentId) : undefined;
		for (let depth = 0; row?.[link] && depth < MAX_DEPTH; depth++) {
			const next: ContactRow | undefined = await this.store.row(row[link]);
			if (!next) break;
			row = next;
		}
		if (!row) return null;
		const known = [this.#address, this.#inheritedGroups].find((s) => s?.id === row.id);
		const entries = known && !touched(row.id) ? known.entries : await this.store.history(row.id);
		return { id: row.id, name: row.displayName, entries };
	}

	/** Names for the contacts that `parentId` changes in the history point to. */
	async #parentNames(history: readonly HistoryEntry[]): Promise<ReadonlyMap<string, string>> {
		const ids = new Set<string>();
		for (const entry of history)
			for (const c of entry.changes)
				if (c.path[0] === 'fields' && c.path[1] === 'parentId')
					for (const v of [c.from, c.to]) if (typeof v === 'string') ids.add(v);
		if (ids.size === 0) return new Map();
		const rows = await this.store.rowsByIds([...ids]);
		return new Map(rows.flatMap((r) => (r ? [[r.id, r.displayName] as const] : [])));
	}

	/** Applies edits; validation failures come back as a result, storage failures as the banner. */
	async edit(edits: ContactEdit[]): Promise<EditResult> {
		return this.#write('saving a contact', async () => {
			const result = await this.store.editContact(this.id, edits);
			await this.load();
			return result;
		});
	}

	/** Writes a value from the history back as a new change; storage failures show as the banner. */
	async restore(path: readonly string[], value: JsonValue | undefined): Promise<void> {
		try {
			await this.#write('restoring a value', async () => {
				const refused = await this.store.restore(this.id, path, value);
				if (refused) app.notify(errorText(refused));
				await this.load();
			});
		} catch {
			// Reported by #write.
		}
	}

	async #write<T>(context: string, run: () => Promise<T>): Promise<T> {
		this.#saving += 1;
		const done = pendingWrites.start();
		try {
			return await run();
		} catch (error) {
			handleError(error, context);
			await this.load();
			throw error;
		} finally {
			this.#saving -= 1;
			done();
		}
	}

	// Any change may touch this contact, its parent, a contact person or the groups; a reload is a
	// few indexed reads and a cached document, so it is simpler and safer than deciding.
	#onChange(change: StoreChange): void {
		// A star is in no document and no row: nothing shown here changed.
		if (change.favorites && change.docIds.length === 0 && change.rowIds.length === 0) return;
		void this.load(change);
	}

	dispose(): void {
		this.#unsubscribe();
	}
}
