import type { WorkspaceEdit } from '$lib/store';
import { t } from '../i18n/index.svelte';
import type { WorkspaceConfigModel } from '../state/workspace-config.svelte';

/**
 * What a settings section saved last, or why it did not: StatusLine shows it in a polite live
 * region (saved) and an alert (not saved), so a screen reader hears the outcome of a change.
 */
export class SaveStatus {
	#message = $state('');
	#error = $state('');

	get message(): string {
		return this.#message;
	}

	get error(): string {
		return this.#error;
	}

	/**
	 * Saves the edits as one change. Says `done` when saved; when the workspace refused them (or
	 * storing failed), says that nothing was saved. Resolves to whether it was saved.
	 */
	async save(config: WorkspaceConfigModel, edits: readonly WorkspaceEdit[], done: string): Promise<boolean> {
		this.reset();
		const saved = await config.edit(edits);
		if (saved) this.#message = done;
		else this.#error = t('workspaceSettings.notSaved');
		return saved;
	}

	/** Says something was done without saving (a draft added). */
	say(message: string): void {
		this.#error = '';
		this.#message = message;
	}

	/** Says why an input was not saved (checked before saving). */
	fail(error: string): void {
		this.#message = '';
		this.#error = error;
	}

	reset(): void {
		this.#message = '';
		this.#error = '';
	}
}
