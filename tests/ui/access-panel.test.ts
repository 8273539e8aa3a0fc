import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessInfo } from '../../src/lib/domain';
import AccessPanel from '../../src/lib/ui/access/AccessPanel.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { ANNA, accessRig, withMembers, type AccessRig } from './access-fixtures';
import { ADMIN, MEMBER, settle } from './sync-fake-api';

let rig: AccessRig | undefined;

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	rig?.dispose();
	rig = undefined;
	i18n.lang = 'de';
});

const OWNED_BY_ANNA: AccessInfo = {
	ownerId: ANNA.id,
	everyone: 'edit',
	users: { [MEMBER.user.id]: 'read', 'u-paul': 'edit' }
};

/** The summary list as term -> description. */
function summary(): Record<string, string> {
	return Object.fromEntries(
		screen
			.getAllByRole('term')
			.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent?.trim() ?? ''])
	);
}

async function setup(...args: Parameters<typeof accessRig>) {
	rig = await accessRig(...args);
	const user = userEvent.setup();
	render(AccessPanel, { props: { model: rig.model } });
	await settle();
	return { user, rig };
}

describe('AccessPanel', () => {
	it('shows owner, everyone, editors and readers by name', async () => {
		await setup(withMembers(ADMIN), {
			...OWNED_BY_ANNA,
			users: { ...OWNED_BY_ANNA.users, 'u-gone': 'read' }
		});
		expect(summary()).toEqual({
			Eigentümer: 'Anna Admin',
			'Zugriff für alle': 'Bearbeiten',
			Bearbeiter: 'Paul Peters',
			Leser: 'Jonas Weber, Unbekanntes Mitglied'
		});
	});

	it('lets an admin change everyone, add, change and remove grants, and saves them through the server', async () => {
		const { user, rig } = await setup(withMembers(ADMIN), OWNED_BY_ANNA);
		await user.selectOptions(screen.getByRole('combobox', { name: 'Zugriff für alle' }), 'Lesen');
		await user.click(screen.getByRole('button', { name: 'Recht von Paul Peters entfernen' }));
		await user.selectOptions(screen.getByRole('combobox', { name: 'Recht für Jonas Weber' }), 'Bearbeiten');

		const add = screen.getByRole('button', { name: 'Hinzufügen' });
		expect(add).toBeDisabled();
		expect(add).toHaveAccessibleDescription('Wählen Sie zuerst ein Mitglied aus.');
		const member = screen.getByRole('combobox', { name: 'Mitglied' });
		// The owner has every right already; members with a grant are listed above.
		expect(
			within(member)
				.getAllByRole('option')
				.map((o) => o.textContent)
		).toEqual(['Mitglied wählen …', 'Greta Hartmann (Sie)', 'Paul Peters']);
		await user.selectOptions(member, 'Greta Hartmann (Sie)');
		await user.selectOptions(screen.getByRole('combobox', { name: 'Recht' }), 'Lesen');
		await user.click(screen.getByRole('button', { name: 'Hinzufügen' }));
		expect(screen.getByRole('combobox', { name: 'Recht für Greta Hartmann (Sie)' })).toHaveValue('read');

		await user.click(screen.getByRole('button', { name: 'Zugriffsrechte speichern' }));
		expect(rig.api.setAccess).toHaveBeenCalledWith(rig.id, {
			ownerId: ANNA.id,
			everyone: 'read',
			users: { [MEMBER.user.id]: 'edit', [ADMIN.user.id]: 'read' }
		});
		expect(screen.getByRole('status')).toHaveTextContent('Zugriffsrechte gespeichert.');
	});

	it('shows the new rights once they come back through sync', async () => {
		const { user, rig } = await setup(withMembers(ADMIN), OWNED_BY_ANNA);
		await user.selectOptions(screen.getByRole('combobox', { name: 'Zugriff für alle' }), 'Niemand');
		await rig.store.applyAccess(rig.id, { ...OWNED_BY_ANNA, everyone: 'none' }, []);
		await waitFor(() => expect(summary()['Zugriff für alle']).toBe('Niemand'));
		expect(screen.getByRole('combobox', { name: 'Zugriff für alle' })).toHaveValue('none');
	});

	it('says that nothing changed instead of asking the server', async () => {
		const { user, rig } = await setup(withMembers(ADMIN), OWNED_BY_ANNA);
		await user.click(screen.getByRole('button', { name: 'Zugriffsrechte speichern' }));
		expect(rig.api.setAccess).not.toHaveBeenCalled();
		expect(screen.getByRole('status')).toHaveTextContent('Keine Änderungen zu speichern.');
	});

	it.each([
		['offline', /nur geändert werden, während eine Verbindung zum Server besteht/],
		['forbidden', /Nur der Eigentümer oder ein Administrator/],
		['purged', /inzwischen gelöscht/]
	] as const)('explains a refusal: %s', async (error, text) => {
		const { user, rig } = await setup(withMembers(ADMIN), OWNED_BY_ANNA);
		rig.api.setAccess.mockResolvedValue({ ok: false, error });
		await user.selectOptions(screen.getByRole('combobox', { name: 'Zugriff für alle' }), 'Lesen');
		await user.click(screen.getByRole('button', { name: 'Zugriffsrechte speichern' }));
		expect(screen.getByRole('alert')).toHaveTextContent(text);
		expect(screen.getByRole('status')).toHaveTextContent('');
	});

	it('lets the owner manage', async () => {
		await setup(withMembers(MEMBER), { ...OWNED_BY_ANNA, ownerId: MEMBER.user.id, users: {} });
		expect(summary()['Eigentümer']).toBe('Jonas Weber (Sie)');
		expect(screen.getByRole('button', { name: 'Zugriffsrechte speichern' })).toBeEnabled();
	});

	it('shows the rights read-only, with the reason, to a member who is not the owner', async () => {
		await setup(withMembers(MEMBER), OWNED_BY_ANNA);
		expect(summary()['Leser']).toBe('Jonas Weber (Sie)');
		expect(
			screen.getByText('Nur der Eigentümer (Anna Admin) oder ein Administrator kann das ändern.')
		).toBeVisible();
		expect(screen.queryByRole('combobox')).toBeNull();
		expect(screen.queryByRole('button')).toBeNull();
	});

	it('explains that rights apply once the workspace syncs with a server', async () => {
		await setup(null, null);
		expect(
			screen.getByText(/Zugriffsrechte gelten, sobald der Arbeitsbereich mit einem Server/)
		).toBeVisible();
		expect(screen.queryByRole('term')).toBeNull();
	});

	it('says when the rights are not known yet', async () => {
		await setup(withMembers(ADMIN), null);
		expect(screen.getByText(/noch nicht bekannt/)).toBeVisible();
		expect(screen.queryByRole('button')).toBeNull();
	});
});
