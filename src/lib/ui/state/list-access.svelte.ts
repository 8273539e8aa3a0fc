/* eslint-disable svelte/prefer-svelte-reactivity -- the rights map is replaced whole, never mutated after publishing; the set is private bookkeeping */
import { permission, type AccessInfo } from '$lib/domain';
import type { KontorStore, StoreChange } from '$lib/store';
import { handleError } from './handle-error';
import type { SyncModel } from './sync.svelte';

/**
 * Which listed contacts the signed-in user may only read, for the list's "nur lesen" mark. Rights
 * are read for the rows on screen only (`want`), kept, and read again when a contact changes.
 */
export class ListAccessModel {
	#access = $state.raw<ReadonlyMap<string, AccessInfo | null>>(new Map());
	#loading = new Set<string>();
	#unsubscribe: () => void;

	constructor(
		private readonly store: KontorStore,
		private readonly sync: SyncModel
	) {
		this.#unsubscribe = store.subscribe((change) => this.#onChange(change));
	}

	/** True when the contact's rights are known and let the signed-in user read it, not change it. */
	readOnly(id: string): boolean {
		const account = this.sync.status.account;
		const access = this.#access.get(id);
		if (!account || !access) return false;
		return permission({ userId: account.user.id, role: account.role }, access) === 'read';
	}

	/** Reads the rights of the contacts among `ids` not read yet. */
	async want(ids: readonly string[]): Promise<void> {
		if (!this.sync.status.account) return;
		const missing = ids.filter((id) => !this.#access.has(id) && !this.#loading.has(id));
		if (missing.length === 0) return;
		for (const id of missing) this.#loading.add(id);
		try {
			const found = await this.store.accessOfMany(missing);
			const next = new Map(this.#access);
			for (const id of missing) next.set(id, found.get(id) ?? null);
			this.#access = next;
		} catch (error) {
			handleError(error, 'reading the rights of listed contacts');
		} finally {
			for (const id of missing) this.#loading.delete(id);
		}
	}

	#onChange(change: StoreChange): void {
		if (!change.docIds.some((id) => this.#access.has(id))) return;
		const next = new Map(this.#access);
		for (const id of change.docIds) next.delete(id);
		this.#access = next;
	}

	dispose(): void {
		this.#unsubscribe();
	}
}
