/**
 * The workspace settings components over a real store on fake-indexeddb: the store, the
 * WorkspaceConfigModel the app hands them, and short ways to preset and read the settings.
 */
import { screen, within } from '@testing-library/svelte';
import { expect } from 'vitest';
import type { WorkspaceConfig } from '../../src/lib/domain';
import { KontorStore, type WorkspaceEdit } from '../../src/lib/store';
import { WorkspaceConfigModel } from '../../src/lib/ui/state/workspace-config.svelte';

export interface WorkspaceRig {
	store: KontorStore;
	config: WorkspaceConfigModel;
	/** What the store holds now (read afresh, not from the model). */
	saved(): Promise<WorkspaceConfig>;
	dispose(): void;
}

/** A fresh workspace with `edits` already saved, and its model loaded. */
export async function workspaceRig(edits: WorkspaceEdit[] = []): Promise<WorkspaceRig> {
	const store = await KontorStore.open({ name: `kontor-workspace-${crypto.randomUUID()}` });
	if (edits.length > 0) expect(await store.editWorkspace(edits)).toBe(true);
	const config = new WorkspaceConfigModel(store);
	await config.load();
	return {
		store,
		config,
		saved: () => store.workspaceConfig(),
		dispose() {
			config.dispose();
			store.close();
		}
	};
}

/** Text as user-event types it: `{` and `[` start key names there, doubled they are literal. */
export const literally = (text: string): string => text.replace(/[{[]/g, (c) => c + c);

/** The status line (polite live region) and the alert of the section with this heading. */
export function outcome(sectionName: string): { status: HTMLElement; alert: HTMLElement } {
	const section = screen.getByRole('region', { name: sectionName });
	// Field errors come before the section's status line; its alert is the last one.
	const alert = within(section).getAllByRole('alert').at(-1);
	if (!alert) throw new Error(`no alert in ${sectionName}`);
	return { status: within(section).getByRole('status'), alert };
}
