import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ArchiveContact from '../../src/lib/ui/contact/ArchiveContact.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { setArchived } from '../../src/lib/ui/state/archive-contact';
import { ANNA, accessRig, withMembers, type AccessRig } from './access-fixtures';
import { ADMIN, MEMBER } from './sync-fake-api';

let rig: AccessRig | undefined;

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	rig?.dispose();
	rig = undefined;
	i18n.lang = 'de';
});

/** The button as the contact page wires it, over a real store; `archived` follows the store. */
async function setup(account = withMembers(ADMIN)) {
	const r = await accessRig(account, { ownerId: ANNA.id, everyone: 'edit', users: {} });
	rig = r;
	const user = userEvent.setup();
	const view = render(ArchiveContact, {
		props: { archived: false, onarchive: (archived: boolean) => setArchived(r.store, r.id, archived) }
	});
	/** Re-renders with what the store now holds, as the page does after the editor reloads. */
	const reload = async () => {
		const contact = await r.store.loadContact(r.id);
		await view.rerender({ archived: contact?.archived ?? false });
	};
	return { user, rig: r, reload };
}

describe('ArchiveContact', () => {
	it('archives with an edit recorded in the history, then restores', async () => {
		const { user, rig, reload } = await setup();
		const archive = screen.getByRole('button', { name: 'Archivieren' });
		expect(archive).toHaveAccessibleDescription(
			'Archivierte Kontakte bleiben erhalten, erscheinen aber nicht mehr in der Kontaktliste.'
		);
		await user.click(archive);
		await waitFor(async () => expect((await rig.store.row(rig.id))?.archived).toBe(true));
		expect(await rig.store.listKeys()).toEqual([]);

		await reload();
		await user.click(screen.getByRole('button', { name: 'Wiederherstellen' }));
		await waitFor(async () => expect((await rig.store.row(rig.id))?.archived).toBe(false));
		expect(await rig.store.listKeys()).toHaveLength(1);
		const changes = (await rig.store.history(rig.id)).slice(0, 2).map((e) => e.changes);
		expect(changes).toEqual([
			[{ path: ['fields', 'archived'], from: true, to: false }],
			[{ path: ['fields', 'archived'], from: false, to: true }]
		]);
		await reload();
		expect(screen.getByRole('button', { name: 'Archivieren' })).toBeInTheDocument();
		expect(screen.getByRole('alert')).toHaveTextContent(/^$/);
	});

	it('is an edit: a member with edit rights may archive what they do not own', async () => {
		const { rig } = await setup(withMembers(MEMBER));
		expect(rig.model.canEdit).toBe(true);
		expect(rig.model.canManage).toBe(false);
		expect(await setArchived(rig.store, rig.id, true)).toBeNull();
		expect((await rig.store.row(rig.id))?.archived).toBe(true);
	});

	it('says why when the store refuses, and when storage fails', async () => {
		const { user, rig } = await setup();
		vi.spyOn(rig.store, 'editContact')
			.mockResolvedValueOnce({ ok: false, error: 'notFound', index: 0 })
			.mockRejectedValueOnce(new Error('disk full'));
		const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		await user.click(screen.getByRole('button', { name: 'Archivieren' }));
		await waitFor(() => expect(screen.getByRole('alert')).not.toBeEmptyDOMElement());
		await user.click(screen.getByRole('button', { name: 'Archivieren' }));
		await waitFor(() =>
			expect(screen.getByRole('alert')).toHaveTextContent('Der Kontakt konnte nicht archiviert werden.')
		);
		errors.mockRestore();
		expect((await rig.store.row(rig.id))?.archived).toBe(false);
	});
});
