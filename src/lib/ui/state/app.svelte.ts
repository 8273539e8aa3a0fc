import { openStore, StorageError, type KontorStore, type StorageErrorCode } from '$lib/store';

/** A short message for the user, shown in the notice area. */
export interface Notice {
	id: number;
	text: string;
	kind: 'error' | 'info';
}

/**
 * App-wide state: the opened store, a storage failure that blocks work (shown as a banner), and
 * transient notices. One instance per tab.
 */
class AppState {
	#store = $state.raw<KontorStore | null>(null);
	#storageError = $state<StorageErrorCode | null>(null);
	#notices = $state<Notice[]>([]);
	#opening: Promise<KontorStore | null> | null = null;
	#nextNotice = 1;

	get store(): KontorStore | null {
		return this.#store;
	}

	get storageError(): StorageErrorCode | null {
		return this.#storageError;
	}

	get notices(): readonly Notice[] {
		return this.#notices;
	}

	/** Opens the device database once; later calls get the same store. */
	open(name?: string): Promise<KontorStore | null> {
		this.#opening ??= openStore({
			name,
			onBlocked: () => (this.#storageError = 'blocked'),
			onClosed: (error) => (this.#storageError = error.code)
		}).then(
			(store) => {
				if (this.#storageError === 'blocked') this.#storageError = null;
				this.#store = store;
				return store;
			},
			(error: unknown) => {
				this.#storageError = error instanceof StorageError ? error.code : 'unavailable';
				console.error('Kontor: the device database cannot be opened', error);
				return null;
			}
		);
		return this.#opening;
	}

	setStorageError(code: StorageErrorCode): void {
		this.#storageError = code;
	}

	notify(text: string, kind: Notice['kind'] = 'error'): void {
		const notice = { id: this.#nextNotice++, text, kind };
		this.#notices = [...this.#notices, notice];
		if (kind === 'info') setTimeout(() => this.dismiss(notice.id), 5000);
	}

	dismiss(id: number): void {
		this.#notices = this.#notices.filter((n) => n.id !== id);
	}

	reset(): void {
		this.#store?.close();
		this.#store = null;
		this.#storageError = null;
		this.#notices = [];
		this.#opening = null;
	}
}

export const app = new AppState();
