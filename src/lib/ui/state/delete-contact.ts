import type { ContactId, PersonReference } from '$lib/domain';
import type { KontorStore } from '$lib/store';
import type { RequestResult, SyncApi, SyncStatus } from '$lib/sync';
import { t, type MessageKey } from '../i18n/index.svelte';
import { handleError } from './handle-error';
import { pendingWrites } from './pending-writes';

/** What happens to the contact persons listed under a contact that is deleted. */
export type PersonsChoice = 'delete' | 'detach';

type RequestError = Extract<RequestResult, { ok: false }>['error'];

const DELETE_ERROR: Record<RequestError, MessageKey> = {
	offline: 'delete.error.offline',
	forbidden: 'delete.error.forbidden',
	purged: 'delete.error.purged',
	referenced: 'delete.error.referenced',
	refused: 'delete.error.refused',
	storage: 'delete.error.storage'
};

/** A refused deletion in words. */
export function deleteErrorText(error: RequestError): string {
	return t(DELETE_ERROR[error]);
}

/** Deleting needs the server when there is one; while not connected it cannot work. */
function offline(status: SyncStatus): boolean {
	return status.account !== null && status.phase !== 'synced' && status.phase !== 'syncing';
}

/**
 * Deletes a contact, first deleting or detaching the contact persons under it (detaching clears
 * their parent through the ordinary edit, so the change syncs and shows in their history). Stops
 * at the first failure and resolves to its text; null when the contact is deleted. Checks the
 * connection first, so persons are not detached or deleted for a contact that then stays.
 */
export async function deleteContact(
	store: KontorStore,
	sync: { api: SyncApi; status: SyncStatus },
	id: ContactId,
	persons: readonly PersonReference[],
	choice: PersonsChoice
): Promise<string | null> {
	if (offline(sync.status)) return deleteErrorText('offline');
	if (choice === 'detach') {
		for (const person of persons) {
			try {
				const result = await pendingWrites.track(
					store.editContact(person.id, [{ type: 'setParent', parentId: null }])
				);
				if (!result.ok) return t('delete.error.detach');
			} catch (error) {
				handleError(error, 'detaching a contact person');
				return t('delete.error.detach');
			}
		}
	} else {
		for (const person of persons) {
			const result = await sync.api.deleteContact(person.id);
			// Gone is gone: a contact someone else deleted meanwhile counts as deleted.
			if (!result.ok && result.error !== 'purged')
				return t('delete.error.person', {
					name: person.label || t('contact.unnamed'),
					reason: deleteErrorText(result.error)
				});
		}
	}
	const result = await sync.api.deleteContact(id);
	return result.ok || result.error === 'purged' ? null : deleteErrorText(result.error);
}
