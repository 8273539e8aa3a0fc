import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContactId, PersonReference } from '../../src/lib/domain';
import DeleteContact from '../../src/lib/ui/contact/DeleteContact.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { setArchived } from '../../src/lib/ui/state/archive-contact';
import { deleteContact, type PersonsChoice } from '../../src/lib/ui/state/delete-contact';
import { ANNA, accessRig, withMembers, type AccessRig } from './access-fixtures';
import { ADMIN, MEMBER, settle } from './sync-fake-api';

let rig: AccessRig | undefined;

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	rig?.dispose();
	rig = undefined;
});

async function addPerson(r: AccessRig, firstName: string, lastName: string): Promise<ContactId> {
	const result = await r.store.createContact('person', { fields: { parentId: r.id, firstName, lastName } });
	if (!result.ok || !result.id) throw new Error('not created');
	return result.id;
}

/** The button and dialog as the contact page wires them, over a real store and a fake server. */
async function setup(options: { persons?: boolean; account?: typeof ADMIN | null; archive?: boolean } = {}) {
	const r = await accessRig(options.account === undefined ? withMembers(ADMIN) : options.account, {
		ownerId: ANNA.id,
		everyone: 'edit',
		users: {}
	});
	rig = r;
	const personIds = options.persons
		? [await addPerson(r, 'Jonas', 'Weber'), await addPerson(r, 'Erika', 'Muster')]
		: [];
	const done = vi.fn();
	const ondelete = async (choice: PersonsChoice, persons: readonly PersonReference[]) => {
		const failure = await deleteContact(r.store, r.sync, r.id, persons, choice);
		if (!failure) done();
		return failure;
	};
	// As the contact page offers it: to who may edit.
	const onarchive = options.archive ? () => setArchived(r.store, r.id, true) : undefined;
	const user = userEvent.setup();
	render(DeleteContact, {
		props: {
			name: 'Hartmann Logistik GmbH',
			disabledReason: r.model.manageReason,
			loadReferences: () => r.store.referencesTo(r.id),
			ondelete,
			onarchive
		}
	});
	return { user, rig: r, personIds, done };
}

/** Opens the dialog and waits until it has checked what refers to the contact. */
async function openDialog(
	user: ReturnType<typeof userEvent.setup>,
	trigger?: HTMLElement
): Promise<HTMLElement> {
	await user.click(trigger ?? screen.getByRole('button', { name: 'Kontakt löschen' }));
	const dialog = screen.getByRole('dialog');
	await waitFor(() => expect(within(dialog).queryByText(/werden geprüft/)).toBeNull());
	return dialog;
}

describe('DeleteContact', () => {
	it('asks in a modal dialog with focus on "Abbrechen"; Escape cancels and returns focus', async () => {
		const { user, rig, done } = await setup();
		const button = screen.getByRole('button', { name: 'Kontakt löschen' });
		await openDialog(user, button);
		const dialog = screen.getByRole('dialog', { name: '„Hartmann Logistik GmbH“ löschen?' });
		expect(dialog).toHaveAttribute('aria-modal', 'true');
		expect(dialog).toHaveAccessibleDescription(/endgültig gelöscht/);
		expect(within(dialog).getByRole('button', { name: 'Abbrechen' })).toHaveFocus();

		await user.tab();
		expect(within(dialog).getByRole('button', { name: 'Endgültig löschen' })).toHaveFocus();
		await user.tab();
		expect(within(dialog).getByRole('button', { name: 'Abbrechen' })).toHaveFocus();

		await user.keyboard('{Escape}');
		expect(screen.queryByRole('dialog')).toBeNull();
		expect(button).toHaveFocus();
		expect(rig.api.deleteContact).not.toHaveBeenCalled();
		expect(done).not.toHaveBeenCalled();
	});

	it('deletes through the sync API', async () => {
		const { user, rig, done } = await setup();
		await openDialog(user);
		await user.click(screen.getByRole('button', { name: 'Endgültig löschen' }));
		await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
		expect(rig.api.deleteContact).toHaveBeenCalledExactlyOnceWith(rig.id);
		expect(done).toHaveBeenCalled();
	});

	it('lists the contact persons with links and detaches them before deleting', async () => {
		const { user, rig, personIds, done } = await setup({ persons: true });
		await openDialog(user);
		const dialog = screen.getByRole('dialog');
		expect(within(dialog).getByRole('link', { name: 'Muster, Erika' })).toHaveAttribute(
			'href',
			`/contacts/${personIds[1]}`
		);
		expect(within(dialog).getByRole('link', { name: 'Weber, Jonas' })).toBeInTheDocument();
		const group = within(dialog).getByRole('group', { name: 'Was soll mit den Ansprechpartnern geschehen?' });
		expect(within(group).getByRole('radio', { name: /Ansprechpartner lösen/ })).toBeChecked();

		await user.click(within(dialog).getByRole('button', { name: 'Endgültig löschen' }));
		await waitFor(() => expect(done).toHaveBeenCalled());
		expect(rig.api.deleteContact).toHaveBeenCalledExactlyOnceWith(rig.id);
		const rows = await rig.store.rowsByIds(personIds);
		expect(rows.map((r) => r.parentId)).toEqual([null, null]);
	});

	it('deletes the contact persons too when asked', async () => {
		const { user, rig, personIds } = await setup({ persons: true });
		await openDialog(user);
		await user.click(screen.getByRole('radio', { name: 'Ansprechpartner ebenfalls löschen' }));
		await user.click(screen.getByRole('button', { name: 'Endgültig löschen' }));
		await waitFor(() => expect(rig.api.deleteContact).toHaveBeenCalledTimes(3));
		// The persons in list order (Muster before Weber), then the company.
		expect(rig.api.deleteContact.mock.calls.map(([id]) => id)).toEqual([personIds[1], personIds[0], rig.id]);
	});

	it('stops at a person the server refuses, and says so', async () => {
		const { user, rig, done } = await setup({ persons: true });
		rig.api.deleteContact.mockResolvedValueOnce({ ok: false, error: 'forbidden' });
		await openDialog(user);
		await user.click(screen.getByRole('radio', { name: 'Ansprechpartner ebenfalls löschen' }));
		await user.click(screen.getByRole('button', { name: 'Endgültig löschen' }));
		await waitFor(() => expect(screen.getByRole('alert')).not.toBeEmptyDOMElement());
		expect(screen.getByRole('alert')).toHaveTextContent(
			/^Ansprechpartner „Muster, Erika“: Der Server hat das Löschen abgelehnt: .* Der Kontakt selbst wurde nicht gelöscht\.$/
		);
		expect(rig.api.deleteContact).toHaveBeenCalledTimes(1);
		expect(done).not.toHaveBeenCalled();
		expect(screen.getByRole('dialog')).toBeInTheDocument();
	});

	it('shows the server refusal in German and keeps the dialog open', async () => {
		const { user, rig, done } = await setup();
		rig.api.deleteContact.mockResolvedValue({ ok: false, error: 'offline' });
		await openDialog(user);
		await user.click(screen.getByRole('button', { name: 'Endgültig löschen' }));
		await waitFor(() => expect(screen.getByRole('alert')).not.toBeEmptyDOMElement());
		expect(screen.getByRole('alert')).toHaveTextContent(
			'Löschen ist nur möglich, während eine Verbindung zum Server besteht.'
		);
		expect(done).not.toHaveBeenCalled();
	});

	it('does not detach persons while offline, since the contact could not be deleted', async () => {
		const { user, rig, personIds } = await setup({ persons: true });
		rig.api.set({ phase: 'offline' });
		await settle();
		await openDialog(user);
		await user.click(screen.getByRole('button', { name: 'Endgültig löschen' }));
		await waitFor(() => expect(screen.getByRole('alert')).not.toBeEmptyDOMElement());
		expect(screen.getByRole('alert')).toHaveTextContent(/nur möglich, während eine Verbindung/);
		expect(rig.api.deleteContact).not.toHaveBeenCalled();
		const rows = await rig.store.rowsByIds(personIds);
		expect(rows.map((r) => r.parentId)).toEqual([rig.id, rig.id]);
	});

	it('is disabled, with the reason, for a member who is not the owner', async () => {
		await setup({ account: withMembers(MEMBER) });
		const button = screen.getByRole('button', { name: 'Kontakt löschen' });
		expect(button).toBeDisabled();
		expect(button).toHaveAccessibleDescription(
			'Nur der Eigentümer (Anna Admin) oder ein Administrator kann das ändern.'
		);
	});

	it('deletes without a server (the sync API deletes on this device)', async () => {
		const { user, rig, done } = await setup({ account: null });
		await openDialog(user);
		await user.click(screen.getByRole('button', { name: 'Endgültig löschen' }));
		await waitFor(() => expect(done).toHaveBeenCalled());
		expect(rig.api.deleteContact).toHaveBeenCalledWith(rig.id);
	});

	it('offers to archive instead when contact persons are listed, and keeps everything', async () => {
		const { user, rig, personIds, done } = await setup({ persons: true, archive: true });
		const trigger = screen.getByRole('button', { name: 'Kontakt löschen' });
		const dialog = await openDialog(user, trigger);
		const archive = within(dialog).getByRole('button', { name: 'Stattdessen archivieren' });
		expect(archive).toHaveAccessibleDescription(/bleibt mit seinen Ansprechpartnern erhalten/);

		await user.click(archive);
		await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
		expect(trigger).toHaveFocus();
		expect(rig.api.deleteContact).not.toHaveBeenCalled();
		expect(done).not.toHaveBeenCalled();
		const row = await rig.store.row(rig.id);
		expect(row?.archived).toBe(true);
		expect(await rig.store.listKeys()).not.toContain(row?.key);
		expect(await rig.store.listKeys({ archived: true })).toEqual([row?.key]);
		// The persons stay under it, not detached.
		const rows = await rig.store.rowsByIds(personIds);
		expect(rows.map((r) => r.parentId)).toEqual([rig.id, rig.id]);
		const [latest] = await rig.store.history(rig.id);
		expect(latest?.changes).toEqual([{ path: ['fields', 'archived'], from: false, to: true }]);
	});

	it('keeps the dialog open with the reason when archiving fails', async () => {
		const { user, rig } = await setup({ persons: true, archive: true });
		vi.spyOn(rig.store, 'editContact').mockResolvedValueOnce({ ok: false, error: 'notFound', index: 0 });
		await openDialog(user);
		await user.click(screen.getByRole('button', { name: 'Stattdessen archivieren' }));
		await waitFor(() => expect(screen.getByRole('alert')).not.toBeEmptyDOMElement());
		expect(screen.getByRole('dialog')).toBeInTheDocument();
		expect((await rig.store.row(rig.id))?.archived).toBe(false);
	});

	it('offers no archive choice without contact persons, nor to who may not edit', async () => {
		const { user } = await setup({ archive: true });
		await openDialog(user);
		expect(
			within(screen.getByRole('dialog'))
				.getAllByRole('button')
				.map((b) => b.textContent)
		).toEqual(['Abbrechen', 'Endgültig löschen']);
		await user.keyboard('{Escape}');
		rig?.dispose();
		document.body.innerHTML = '';
		await setup({ persons: true, archive: false });
		await openDialog(user);
		expect(screen.queryByRole('button', { name: 'Stattdessen archivieren' })).toBeNull();
	});

	it('lists what blocks the deletion with links and offers only archiving', async () => {
		const { user, rig, done } = await setup({ persons: true, archive: true });
		const braun = await rig.store.createContact('company', {
			fields: {
				companyName: 'Bäckerei Braun KG',
				isCustomer: true,
				embargo: { reason: 'Zahlungsausfall', since: '2026-01-15' }
			},
			edits: [{ type: 'setCustomer', values: { invoiceRecipientId: rig.id } }]
		});
		rig.store.addReferenceSource({
			find: async (id) =>
				id === rig.id
					? [
							{
								kind: 'businessDocument',
								id: 'RE-2026-0042',
								label: 'Rechnung RE-2026-0042',
								href: '/documents/RE-2026-0042'
							}
						]
					: []
		});
		const dialog = await openDialog(user);
		expect(within(dialog).getByText(/kann deshalb nicht gelöscht werden/)).toBeInTheDocument();
		const recipients = within(dialog).getByRole('list', { name: 'Abweichender Rechnungsempfänger von' });
		expect(within(recipients).getByRole('link', { name: 'Bäckerei Braun KG' })).toHaveAttribute(
			'href',
			`/contacts/${braun.ok ? braun.id : ''}`
		);
		// The red badge stands beside the name here too.
		expect(within(recipients).getByText('Handelssperre')).toBeInTheDocument();
		const documents = within(dialog).getByRole('list', { name: 'Belege' });
		expect(within(documents).getByRole('link', { name: 'Rechnung RE-2026-0042' })).toHaveAttribute(
			'href',
			'/documents/RE-2026-0042'
		);
		// The persons are listed, but there is nothing to choose: the contact stays.
		expect(within(dialog).getByRole('link', { name: 'Weber, Jonas' })).toBeInTheDocument();
		expect(within(dialog).queryByRole('radio')).toBeNull();
		expect(
			within(dialog)
				.getAllByRole('button')
				.map((b) => b.textContent)
		).toEqual(['Abbrechen', 'Stattdessen archivieren']);
		await user.click(within(dialog).getByRole('button', { name: 'Stattdessen archivieren' }));
		await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
		expect((await rig.store.row(rig.id))?.archived).toBe(true);
		expect(rig.api.deleteContact).not.toHaveBeenCalled();
		expect(done).not.toHaveBeenCalled();
	});

	it('says so when it cannot check the references, and deletes nothing', async () => {
		const { user, rig } = await setup();
		vi.spyOn(rig.store, 'referencesTo').mockRejectedValueOnce(new Error('storage'));
		const dialog = await openDialog(user);
		expect(within(dialog).getByText(/konnten nicht geprüft werden/)).toBeInTheDocument();
		expect(within(dialog).queryByRole('button', { name: 'Endgültig löschen' })).toBeNull();
	});

	it('explains a refusal because of references the user cannot see', async () => {
		const { user, rig, done } = await setup();
		rig.api.deleteContact.mockResolvedValueOnce({ ok: false, error: 'referenced' });
		const dialog = await openDialog(user);
		await user.click(within(dialog).getByRole('button', { name: 'Endgültig löschen' }));
		await waitFor(() =>
			expect(within(dialog).getByRole('alert')).toHaveTextContent(/auch solche, die Sie nicht sehen dürfen/)
		);
		expect(done).not.toHaveBeenCalled();
	});
});
