import { StorageError } from '$lib/store';
import { t } from '../i18n/index.svelte';
import { app } from './app.svelte';

/**
 * The one place UI code sends failures: storage problems become the banner that says what to do,
 * aborts are ignored, anything else is logged and shown as a short notice.
 */
export function handleError(error: unknown, context: string): void {
	if (error instanceof DOMException && error.name === 'AbortError') return;
	console.error(`Kontor: ${context}`, error);
	if (error instanceof StorageError && error.code !== 'unknown') {
		app.setStorageError(error.code);
		return;
	}
	app.notify(t('error.unknown'));
}
