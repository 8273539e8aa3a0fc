import type {
	Contact,
	ContactEdit,
	ContactGroup,
	ContactId,
	ContactRow,
	InheritanceSource
} from '$lib/domain';
import type { EditResult, KontorStore, StoreChange } from '$lib/store';
import { handleError } from './handle-error';
import { pendingWrites } from './pending-writes';

/**
 * The open contact: its own values (from its document), what it inherits from its parent, its
 * contact persons and the workspace's groups. Re-reads itself when this tab or another one
 * changes any of them.
 */
export class ContactEditorModel {
	#contact = $state.raw<Contact | null>(null);
	#parent = $state.raw<InheritanceSource | null>(null);
	#children = $state.raw<ContactRow[]>([]);
	#groups = $state.raw<ContactGroup[]>([]);
	#status = $state<'loading' | 'ready' | 'missing'>('loading');
	#saving = $state(0);
	#unsubscribe: () => void;
	#generation = 0;

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
	get groups(): readonly ContactGroup[] {
		return this.#groups;
	}
	get status(): 'loading' | 'ready' | 'missing' {
		return this.#status;
	}
	/** True while an edit is being written to the device database. */
	get saving(): boolean {
		return this.#saving > 0;
	}

	async load(): Promise<void> {
		const generation = ++this.#generation;
		try {
			const contact = await this.store.loadContact(this.id);
			const [parent, children, groups] = await Promise.all([
				contact ? this.store.parentOf(contact) : null,
				this.store.children(this.id),
				this.store.groups()
			]);
			if (generation !== this.#generation) return;
			this.#contact = contact;
			this.#parent = parent;
			this.#children = children;
			this.#groups = groups;
			this.#status = contact ? 'ready' : 'missing';
		} catch (error) {
			handleError(error, 'loading a contact');
		}
	}

	/** Applies edits; validation failures come back as a result, storage failures as the banner. */
	async edit(edits: ContactEdit[]): Promise<EditResult> {
		this.#saving += 1;
		const done = pendingWrites.start();
		try {
			const result = await this.store.editContact(this.id, edits);
			await this.load();
			return result;
		} catch (error) {
			handleError(error, 'saving a contact');
			await this.load();
			throw error;
		} finally {
			this.#saving -= 1;
			done();
		}
	}

	// Any change may touch this contact, its parent, a contact person or the groups; a reload is a
	// few indexed reads and a cached document, so it is simpler and safer than deciding.
	#onChange(_change: StoreChange): void {
		void this.load();
	}

	dispose(): void {
		this.#unsubscribe();
	}
}
