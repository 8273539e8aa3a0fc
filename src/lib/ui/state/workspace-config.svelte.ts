import { emptyWorkspaceConfig, type WorkspaceConfig } from '$lib/domain';
import type { KontorStore, WorkspaceEdit } from '$lib/store';
import { handleError } from './handle-error';
import { pendingWrites } from './pending-writes';

/**
 * The workspace's lists (payment and delivery terms, product groups, status tags), defaults,
 * salutation lines and text blocks, kept current across tabs and devices.
 */
export class WorkspaceConfigModel {
	#config = $state.raw<WorkspaceConfig>(emptyWorkspaceConfig());
	#unsubscribe: () => void;

	constructor(private readonly store: KontorStore) {
		this.#unsubscribe = store.subscribe((change) => {
			if (change.docIds.includes('workspace')) void this.load();
		});
	}

	get current(): WorkspaceConfig {
		return this.#config;
	}

	async load(): Promise<void> {
		try {
			this.#config = await this.store.workspaceConfig();
		} catch (error) {
			handleError(error, 'loading the workspace settings');
		}
	}

	/** Saves edits as one change; false when one was refused (nothing saved) or storing failed. */
	async edit(edits: readonly WorkspaceEdit[]): Promise<boolean> {
		try {
			const ok = await pendingWrites.track(this.store.editWorkspace(edits));
			await this.load();
			return ok;
		} catch (error) {
			handleError(error, 'saving the workspace settings');
			return false;
		}
	}

	dispose(): void {
		this.#unsubscribe();
	}
}
