import { permission, type AccessInfo, type ContactId, type Permission } from '$lib/domain';
import type { KontorStore, StoreChange } from '$lib/store';
import type { AccountInfo, RequestResult } from '$lib/sync';
import { t } from '../i18n/index.svelte';
import { handleError } from './handle-error';
import type { SyncModel } from './sync.svelte';

/** Equal rights: same owner, same level for everyone, same grants (in any order). */
export function sameAccess(a: AccessInfo | null, b: AccessInfo | null): boolean {
	if (a === null || b === null) return a === b;
	const users = Object.keys(a.users);
	return (
		a.ownerId === b.ownerId &&
		a.everyone === b.everyone &&
		users.length === Object.keys(b.users).length &&
		users.every((id) => a.users[id] === b.users[id])
	);
}

/**
 * What the signed-in user may do with one contact, and who else may: the rights as the server last
 * sent them (read from the store, re-read when they change) and the account from the sync status.
 * The server decides; this model only explains, so an unknown answer leans towards allowing and
 * lets the server refuse.
 */
export class ContactAccessModel {
	#access = $state.raw<AccessInfo | null>(null);
	#loaded = $state(false);
	#generation = 0;
	#unsubscribe: () => void;

	constructor(
		private readonly store: KontorStore,
		private readonly sync: SyncModel,
		readonly id: ContactId
	) {
		this.#unsubscribe = store.subscribe((change) => this.#onChange(change));
	}

	/** The rights as the server last sent them; null while unknown (or without a server). */
	get access(): AccessInfo | null {
		return this.#access;
	}

	/** False until the first read of the rights finished. */
	get loaded(): boolean {
		return this.#loaded;
	}

	/** The signed-in account; null in a workspace without a server, where rights do not apply. */
	get account(): AccountInfo | null {
		return this.sync.status.account;
	}

	/**
	 * What the user may do. Without a server everything (the device is the only user); with a server
	 * but rights not known yet, editing (admins also manage), so a contact just created stays usable.
	 */
	get permission(): Permission {
		const account = this.account;
		if (!account) return 'manage';
		const user = { userId: account.user.id, role: account.role };
		if (!this.#access) return account.role === 'admin' ? 'manage' : 'edit';
		return permission(user, this.#access);
	}

	get canEdit(): boolean {
		return this.permission === 'edit' || this.permission === 'manage';
	}

	get canManage(): boolean {
		return this.permission === 'manage';
	}

	/** The owner's name, or null while the rights are unknown. */
	get ownerName(): string | null {
		return this.#access ? this.memberName(this.#access.ownerId) : null;
	}

	/** Why the form is read-only, or null when the user may edit. */
	get readOnlyReason(): string | null {
		if (this.canEdit) return null;
		return t('access.readOnly', { owner: this.ownerName ?? t('access.unknownMember') });
	}

	/** Why the user may not change rights or delete, or null when they may. */
	get manageReason(): string | null {
		if (this.canManage) return null;
		if (!this.#access) return t('access.unknownRights');
		return t('access.cannotManage', { owner: this.ownerName ?? t('access.unknownMember') });
	}

	/** The workspace's members as the server last listed them. */
	get members(): readonly { id: string; name: string }[] {
		return this.account?.members ?? [];
	}

	/** A user's name from the member list; "Unbekanntes Mitglied" for one not (or no longer) listed. */
	memberName(userId: string): string {
		const account = this.account;
		if (account && account.user.id === userId) return account.user.name;
		return this.members.find((m) => m.id === userId)?.name ?? t('access.unknownMember');
	}

	/** Reads the rights again; a read overtaken by a newer one is dropped. */
	async load(): Promise<void> {
		const generation = ++this.#generation;
		try {
			const access = await this.store.accessOf(this.id);
			if (generation !== this.#generation) return;
			// Every edit of the contact re-reads the rights; the same rights keep their object, so a
			// form built on them is not reset while the user changes it.
			if (!sameAccess(this.#access, access)) this.#access = access;
			this.#loaded = true;
		} catch (error) {
			handleError(error, 'loading the rights of a contact');
		}
	}

	/**
	 * Asks the server to give the contact new rights. Only the server changes them: the device
	 * stores the new rights when they come back through sync, which re-reads this model.
	 */
	setAccess(next: AccessInfo): Promise<RequestResult> {
		return this.sync.api.setAccess(this.id, next);
	}

	#onChange(change: StoreChange): void {
		if (change.docIds.includes(this.id)) void this.load();
	}

	dispose(): void {
		this.#unsubscribe();
	}
}
