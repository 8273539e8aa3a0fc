/* eslint-disable svelte/prefer-svelte-reactivity -- the maps are built per load and published whole, never mutated after */
import {
	customerDefaults,
	displayName,
	resolveCommercial,
	routingLookup,
	routingNeeds,
	type Contact,
	type ContactEdit,
	type ContactId,
	type ContactRow,
	type EffectiveCommercial,
	type RoutingLookup,
	type WorkspaceConfig,
	type TradeEmbargo
} from '$lib/domain';
import type { EditResult, KontorStore } from '$lib/store';
import { handleError } from './handle-error';
import { pendingWrites } from './pending-writes';

/** A contact offered by a search: what a picker lists. */
export interface ContactOption {
	id: ContactId;
	name: string;
	detail: string;
	embargo: TradeEmbargo | null;
	tags: readonly string[];
}

/** Bound on the load rounds; each round loads a level of parents or the next invoice recipient. */
const MAX_ROUNDS = 64;

/**
 * The open contact's customer and supplier side: its own document, the contacts its inherited data
 * come from (parents), and the invoice recipients its documents are passed on to, each loaded
 * through the store. What the Kunde and Lieferant tabs, the role checkboxes and the Belegversand
 * panel show is computed from them by pure domain functions, never copied. Re-reads itself on
 * every change of the store, as the contact editor does.
 */
export class ContactCommercialModel {
	#contacts = $state.raw<ReadonlyMap<ContactId, Contact>>(new Map());
	#status = $state<'loading' | 'ready' | 'missing'>('loading');
	#saving = $state(0);
	#generation = 0;
	#disposed = false;
	#unsubscribe: () => void;

	#effective: EffectiveCommercial | null;
	#lookup: RoutingLookup;

	constructor(
		private readonly store: KontorStore,
		readonly id: ContactId
	) {
		this.#effective = $derived(resolveCommercial(id, (c) => this.#contacts.get(c)) ?? null);
		this.#lookup = $derived(routingLookup(this.#contacts));
		this.#unsubscribe = store.subscribe(() => void this.load());
	}

	/** The contact's own values, as its document holds them; null until loaded or when it is gone. */
	get contact(): Contact | null {
		return this.#contacts.get(this.id) ?? null;
	}

	/** The roles and tabs the contact shows: its own, or its parent's while it inherits them. */
	get effective(): EffectiveCommercial | null {
		return this.#effective;
	}

	/** Effective contacts for e-mail routing, over everything the last load read. */
	get lookup(): RoutingLookup {
		return this.#lookup;
	}

	get status(): 'loading' | 'ready' | 'missing' {
		return this.#status;
	}

	/** True while an edit is being written to the device database. */
	get saving(): boolean {
		return this.#saving > 0;
	}

	/** The name of a loaded contact (the contact, a parent, an invoice recipient); '' for others. */
	name(id: ContactId): string {
		const contact = this.#contacts.get(id);
		return contact ? displayName(contact) : '';
	}

	/**
	 * Reads the contact, then what routing and inheritance need of other contacts, round by round
	 * until nothing is missing (parents first: what they pass on decides which recipient is next).
	 * A load overtaken by a newer one is dropped.
	 */
	async load(): Promise<void> {
		const generation = ++this.#generation;
		try {
			const contacts = new Map<ContactId, Contact>();
			const missing = new Set<ContactId>();
			let needed: ContactId[] = [this.id];
			for (let round = 0; needed.length > 0 && round < MAX_ROUNDS; round++) {
				const loaded = await Promise.all(needed.map((id) => this.store.loadContact(id)));
				for (const [index, id] of needed.entries()) {
					const contact = loaded[index];
					if (contact) contacts.set(id, contact);
					else missing.add(id);
				}
				needed = routingNeeds(this.id, contacts, missing);
			}
			if (generation !== this.#generation) return;
			this.#contacts = contacts;
			this.#status = contacts.has(this.id) ? 'ready' : 'missing';
		} catch (error) {
			// A load still running when the page closed has nobody to tell (the store may be closed).
			if (!this.#disposed) handleError(error, 'loading the customer and supplier data');
		}
	}

	/** Applies edits; a refusal comes back with the field it is about, storage failures as the banner. */
	async edit(edits: ContactEdit[]): Promise<EditResult> {
		this.#saving += 1;
		const done = pendingWrites.start();
		try {
			const result = await this.store.editContact(this.id, edits);
			await this.load();
			return result;
		} catch (error) {
			handleError(error, 'saving customer or supplier data');
			await this.load();
			throw error;
		} finally {
			this.#saving -= 1;
			done();
		}
	}

	/**
	 * Switches the customer or supplier role. A contact that becomes a customer gets the workspace's
	 * default terms where its customer tab has none, in the same change.
	 */
	setRole(role: 'isCustomer' | 'isSupplier', on: boolean, config: WorkspaceConfig): Promise<EditResult> {
		const edits: ContactEdit[] = [{ type: 'set', field: role, value: on }];
		const contact = this.contact;
		if (role === 'isCustomer' && on && contact) {
			const defaults = customerDefaults(contact.customer, config);
			if (Object.keys(defaults).length > 0) edits.push({ type: 'setCustomer', values: defaults });
		}
		return this.edit(edits);
	}

	/**
	 * Contacts that can be chosen as invoice recipient: found by the list's search (companies and
	 * persons), the contact itself left out. The store refuses a recipient that would close a cycle.
	 */
	async searchRecipients(query: string): Promise<ContactOption[]> {
		const keys = await this.store.listKeys({ query });
		const rows = await this.store.rows(keys.slice(0, 12));
		return rows
			.filter((r): r is ContactRow => r !== undefined && r.id !== this.id)
			.map((r) => ({
				id: r.id,
				name: r.displayName,
				detail: [r.parentName, [r.zip, r.city].filter(Boolean).join(' ')].filter(Boolean).join(', '),
				embargo: r.embargo ?? null,
				tags: r.tags ?? []
			}));
	}

	dispose(): void {
		this.#disposed = true;
		this.#unsubscribe();
	}
}
