import { newGroupId, type ContactGroup, type GroupId } from '$lib/domain';
import type { KontorStore } from '$lib/store';
import { handleError } from './handle-error';
import { pendingWrites } from './pending-writes';

/** The workspace's contact groups, kept current across tabs. */
export class GroupsModel {
	#groups = $state.raw<ContactGroup[]>([]);
	#unsubscribe: () => void;

	constructor(private readonly store: KontorStore) {
		this.#unsubscribe = store.subscribe((change) => {
			if (change.docIds.includes('workspace')) void this.load();
		});
	}

	get all(): readonly ContactGroup[] {
		return this.#groups;
	}

	byId(id: GroupId): ContactGroup | undefined {
		return this.#groups.find((g) => g.id === id);
	}

	async load(): Promise<void> {
		try {
			this.#groups = await this.store.groups();
		} catch (error) {
			handleError(error, 'loading contact groups');
		}
	}

	/** Creates or renames/recolours a group; returns false when the name is empty. */
	async save(group: { id?: GroupId; name: string; color: string }): Promise<boolean> {
		const name = group.name.trim();
		if (name === '') return false;
		try {
			await pendingWrites.track(
				this.store.editWorkspace([
					{ type: 'putGroup', group: { id: group.id ?? newGroupId(), name, color: group.color } }
				])
			);
			await this.load();
			return true;
		} catch (error) {
			handleError(error, 'saving a contact group');
			return false;
		}
	}

	async remove(id: GroupId): Promise<void> {
		try {
			await pendingWrites.track(this.store.editWorkspace([{ type: 'removeGroup', id }]));
			await this.load();
		} catch (error) {
			handleError(error, 'deleting a contact group');
		}
	}

	dispose(): void {
		this.#unsubscribe();
	}
}
