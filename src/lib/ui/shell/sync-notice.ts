import type { SyncNotice } from '$lib/sync';
import { t } from '../i18n/index.svelte';
import { app, type Notice } from '../state/app.svelte';

/**
 * What a notice from the sync client says: a refused change, a contact this user may no longer
 * read (removed from the device), or one deleted for good. `message` is the contact's listed name.
 */
export function syncNoticeText(notice: SyncNotice): { text: string; kind: Notice['kind'] } {
	const name = notice.message.trim();
	switch (notice.code) {
		case 'refused':
			return { text: t('sync.refused'), kind: 'error' };
		case 'revoked':
			// Data left the device: stays until dismissed.
			return { text: name ? t('notice.revoked', { name }) : t('notice.revokedUnnamed'), kind: 'error' };
		case 'purged':
			return { text: name ? t('notice.purged', { name }) : t('notice.purgedUnnamed'), kind: 'info' };
	}
}

/** Shows a sync notice in the notice area (the app shell's `onNotice`). */
export function showSyncNotice(notice: SyncNotice): void {
	const { text, kind } = syncNoticeText(notice);
	app.notify(text, kind);
}
