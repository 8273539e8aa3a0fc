import type { ContactId } from '$lib/domain';
import type { KontorStore } from '$lib/store';
import { errorText } from '../contact/error-text';
import { t } from '../i18n/index.svelte';
import { handleError } from './handle-error';
import { pendingWrites } from './pending-writes';

/**
 * Archives (true) or restores (false) a contact. It is the ordinary edit of the `archived` field,
 * so it syncs, shows in the history and needs edit rights, not the owner's. Resolves to an error
 * text, or null when done.
 */
export async function setArchived(
	store: KontorStore,
	id: ContactId,
	archived: boolean
): Promise<string | null> {
	try {
		const result = await pendingWrites.track(
			store.editContact(id, [{ type: 'set', field: 'archived', value: archived }])
		);
		return result.ok ? null : errorText(result.error);
	} catch (error) {
		handleError(error, archived ? 'archiving a contact' : 'restoring a contact');
		return t(archived ? 'archive.error' : 'archive.restoreError');
	}
}
