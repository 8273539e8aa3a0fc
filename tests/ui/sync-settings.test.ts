import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountInfo } from '../../src/lib/sync';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { SyncModel } from '../../src/lib/ui/state/sync.svelte';
import AccountSettings from '../../src/lib/ui/sync/AccountSettings.svelte';
import { ADMIN, FakeSyncApi, MEMBER, ok, settle } from './sync-fake-api';

let api: FakeSyncApi;
let model: SyncModel;

beforeEach(() => {
	i18n.lang = 'de';
	api = new FakeSyncApi();
	model = new SyncModel(api);
});

afterEach(() => {
	model.dispose();
	i18n.lang = 'de';
});

async function setup(account: AccountInfo | null) {
	if (account) api.set({ phase: 'synced', account, lastSyncedAt: null });
	const user = userEvent.setup();
	render(AccountSettings, { props: { sync: model } });
	await settle();
	return { user };
}

describe('AccountSettings while local', () => {
	it('explains and links to sign-in', async () => {
		await setup(null);
		expect(screen.getByRole('heading', { name: 'Synchronisierung und Konto' })).toBeInTheDocument();
		expect(screen.getByText(/nur auf diesem Gerät gespeichert/)).toBeInTheDocument();
		expect(screen.getByRole('link', { name: 'Anmelden' })).toHaveAttribute('href', '/login');
		expect(screen.queryByRole('button', { name: 'Abmelden' })).toBeNull();
	});

	it('links to the setup of a fresh server', async () => {
		api.serverStatus.mockResolvedValue({ needsSetup: true, protocolVersion: 1 });
		await setup(null);
		expect(screen.getByRole('link', { name: /Server einrichten/ })).toHaveAttribute('href', '/setup');
	});

	it('says that it works without a server', async () => {
		api.serverStatus.mockResolvedValue(null);
		await setup(null);
		expect(screen.getByText(/Kontor funktioniert auch ohne/)).toBeInTheDocument();
		expect(screen.queryByRole('link')).toBeNull();
	});
});

describe('AccountSettings when signed in', () => {
	it('shows the account, its workspace, role and sync status', async () => {
		await setup(MEMBER);
		const terms = Object.fromEntries(
			screen.getAllByRole('term').map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])
		);
		expect(terms).toEqual({
			Konto: 'Jonas Weber (jonas@hartmann.example)',
			Arbeitsbereich: 'Hartmann Logistik',
			Rolle: 'Mitglied',
			Synchronisierung: 'Synchronisiert'
		});
	});

	it('signs out, saying that local data stays', async () => {
		const { user } = await setup(MEMBER);
		const logout = screen.getByRole('button', { name: 'Abmelden' });
		expect(logout).toHaveAccessibleDescription(
			'Die Daten auf diesem Gerät bleiben erhalten; es wird nur nicht mehr synchronisiert.'
		);
		await user.click(logout);
		expect(api.logout).toHaveBeenCalledTimes(1);
		await settle();
		expect(screen.getByText(/nur auf diesem Gerät gespeichert/)).toBeInTheDocument();
	});

	it('lists the own sessions and signs out another one', async () => {
		const { user } = await setup(MEMBER);
		const list = screen.getByRole('region', { name: 'Angemeldete Geräte' });
		expect(within(list).getByText('Firefox, Linux')).toBeInTheDocument();
		expect(within(list).getByText('dieses Gerät')).toBeInTheDocument();
		expect(within(list).queryByRole('button', { name: 'Firefox, Linux abmelden' })).toBeNull();

		await user.click(within(list).getByRole('button', { name: 'Safari, iOS abmelden' }));
		expect(api.revokeSession).toHaveBeenCalledWith('s-phone');
		await settle();
		expect(api.sessions).toHaveBeenCalledTimes(2);
	});

	it('names a session without a label', async () => {
		api.sessions.mockResolvedValue(
			ok([{ id: 's-1', label: '', createdAt: 0, lastSeenAt: 0, expiresAt: 1, current: false }])
		);
		await setup(MEMBER);
		expect(screen.getByRole('button', { name: 'Gerät ohne Namen abmelden' })).toBeInTheDocument();
	});

	it('shows no members and no invite form to a member', async () => {
		await setup(MEMBER);
		expect(screen.queryByRole('form', { name: 'Mitglied einladen' })).toBeNull();
		expect(screen.queryByRole('heading', { name: 'Mitglieder' })).toBeNull();
		expect(api.members).not.toHaveBeenCalled();
		expect(api.invites).not.toHaveBeenCalled();
	});

	it('explains a workspace mismatch', async () => {
		await setup(MEMBER);
		api.set({ phase: 'error', error: 'workspace' });
		await settle();
		expect(
			screen.getByText(/Damit Kontakte zweier Arbeitsbereiche nicht vermischt werden/)
		).toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Abmelden' })).toBeInTheDocument();
	});

	it('asks to sign in again after the session was refused', async () => {
		await setup(MEMBER);
		api.set({ phase: 'signedOut' });
		await settle();
		expect(screen.getByText(/Die Anmeldung dieses Geräts ist abgelaufen/)).toBeInTheDocument();
		expect(screen.getByRole('link', { name: 'Anmelden' })).toHaveAttribute('href', '/login');
	});
});

describe('AccountSettings for an admin', () => {
	it('lists the members', async () => {
		await setup(ADMIN);
		const members = screen.getByRole('region', { name: 'Mitglieder' });
		expect(within(members).getByText('Greta Hartmann')).toBeInTheDocument();
		expect(within(members).getByText('Jonas Weber')).toBeInTheDocument();
	});

	it('creates an invitation and shows its link with a copy button and expiry', async () => {
		const { user } = await setup(ADMIN);
		const form = screen.getByRole('form', { name: 'Mitglied einladen' });
		await user.type(within(form).getByLabelText('E-Mail-Adresse'), 'mia@hartmann.example');
		await user.selectOptions(within(form).getByLabelText('Rolle'), 'Administrator');
		await user.click(within(form).getByRole('button', { name: 'Einladungslink erstellen' }));
		await settle();

		expect(api.createInvite).toHaveBeenCalledWith({ email: 'mia@hartmann.example', role: 'admin' });
		expect(screen.getByLabelText('Einladungslink')).toHaveValue('http://localhost:8787/invite#tok-123');
		expect(
			screen.getByText(/^Einladung für mia@hartmann\.example: .* gilt einmal und bis /)
		).toBeInTheDocument();
		expect(within(form).getByLabelText('E-Mail-Adresse')).toHaveValue('');
		expect(api.invites).toHaveBeenCalledTimes(2);

		await user.click(screen.getByRole('button', { name: 'Link kopieren' }));
		// user-event puts a clipboard of its own in place.
		expect(await navigator.clipboard.readText()).toBe('http://localhost:8787/invite#tok-123');
		expect(screen.getByText('Link kopiert.')).toBeInTheDocument();
	});

	it('checks the e-mail address of an invitation', async () => {
		const { user } = await setup(ADMIN);
		const form = screen.getByRole('form', { name: 'Mitglied einladen' });
		await user.click(within(form).getByRole('button', { name: 'Einladungslink erstellen' }));
		const email = within(form).getByLabelText('E-Mail-Adresse');
		expect(email).toHaveAccessibleDescription('Bitte ausfüllen.');
		expect(email).toHaveFocus();
		expect(api.createInvite).not.toHaveBeenCalled();
	});

	it('withdraws an open invitation', async () => {
		api.invites.mockResolvedValue(
			ok([
				{
					id: 'i-1',
					email: 'lea@hartmann.example',
					role: 'member',
					createdAt: Date.UTC(2031, 2, 1),
					expiresAt: Date.UTC(2031, 2, 8)
				}
			])
		);
		const { user } = await setup(ADMIN);
		const open = screen.getByRole('region', { name: 'Offene Einladungen' });
		expect(within(open).getByText('lea@hartmann.example')).toBeInTheDocument();

		await user.click(
			within(open).getByRole('button', { name: 'Einladung an lea@hartmann.example zurückziehen' })
		);
		expect(api.revokeInvite).toHaveBeenCalledWith('i-1');
	});

	it('says when the lists cannot be loaded and loads them again', async () => {
		api.members.mockResolvedValueOnce({ ok: false, error: 'network' });
		const { user } = await setup(ADMIN);
		const members = screen.getByRole('region', { name: 'Mitglieder' });
		expect(within(members).getByRole('alert')).toHaveTextContent(/^Server nicht erreichbar/);
		await user.click(within(members).getByRole('button', { name: 'Erneut versuchen' }));
		await settle();
		expect(within(members).getByText('Greta Hartmann')).toBeInTheDocument();
	});
});

describe('AccountSettings: the default for new contacts', () => {
	const EVERYONE = 'Alle im Arbeitsbereich dürfen bearbeiten';
	const PRIVATE = 'Nur der Eigentümer (privat)';
	const HELP =
		'Gilt für Kontakte, die ab jetzt angelegt werden; bestehende Kontakte behalten ihre Rechte. Eigentümer und Administratoren können die Rechte jedes Kontakts in seinem Reiter „Zugriff“ ändern.';

	it('lets an admin switch new contacts to private and says it was saved', async () => {
		const { user } = await setup(ADMIN);
		const group = screen.getByRole('group', { name: 'Neue Kontakte' });
		expect(group).toHaveAccessibleDescription(HELP);
		expect(within(group).getByRole('radio', { name: EVERYONE })).toBeChecked();
		expect(within(group).getByRole('radio', { name: PRIVATE })).not.toBeChecked();

		await user.click(within(group).getByRole('radio', { name: PRIVATE }));
		await user.click(screen.getByRole('button', { name: 'Voreinstellung speichern' }));
		await settle();

		expect(api.setWorkspaceSettings).toHaveBeenCalledExactlyOnceWith({ defaultAccess: 'private' });
		const region = screen.getByRole('region', { name: 'Neue Kontakte' });
		expect(within(region).getByRole('status')).toHaveTextContent(
			'Gespeichert: Neue Kontakte sieht ab jetzt nur ihr Eigentümer (und die Administratoren).'
		);
		expect(within(group).getByRole('radio', { name: PRIVATE })).toBeChecked();
		expect(within(region).queryByRole('alert')).toBeNull();
	});

	it('sends nothing when the choice is what the server holds', async () => {
		api.workspaceSettings.mockResolvedValue(ok({ defaultAccess: 'private' }));
		const { user } = await setup(ADMIN);
		expect(screen.getByRole('radio', { name: PRIVATE })).toBeChecked();
		await user.click(screen.getByRole('button', { name: 'Voreinstellung speichern' }));
		expect(api.setWorkspaceSettings).not.toHaveBeenCalled();
		expect(
			within(screen.getByRole('region', { name: 'Neue Kontakte' })).getByRole('status')
		).toHaveTextContent('Keine Änderung zu speichern.');
	});

	it.each([
		['network', /^Nicht gespeichert\. Server nicht erreichbar\./],
		['forbidden', /^Nicht gespeichert\. Das dürfen nur Administratoren des Arbeitsbereichs\.$/]
	] as const)('says in German why saving failed (%s)', async (error, text) => {
		api.setWorkspaceSettings.mockResolvedValueOnce({ ok: false, error });
		const { user } = await setup(ADMIN);
		await user.click(screen.getByRole('radio', { name: PRIVATE }));
		await user.click(screen.getByRole('button', { name: 'Voreinstellung speichern' }));
		await settle();

		const region = screen.getByRole('region', { name: 'Neue Kontakte' });
		expect(within(region).getByRole('alert')).toHaveTextContent(text);
		expect(within(region).getByRole('status')).toHaveTextContent('');
		// The choice stays, so saving again is one click.
		expect(screen.getByRole('radio', { name: PRIVATE })).toBeChecked();
	});

	it('shows a member the setting read-only, with the reason', async () => {
		api.workspaceSettings.mockResolvedValue(ok({ defaultAccess: 'private' }));
		await setup(MEMBER);
		const group = screen.getByRole('group', { name: 'Neue Kontakte' });
		expect(group).toHaveAccessibleDescription(
			`${HELP} Diese Voreinstellung können nur Administratoren ändern.`
		);
		const everyone = within(group).getByRole('radio', { name: EVERYONE });
		const owner = within(group).getByRole('radio', { name: PRIVATE });
		expect(owner).toBeChecked();
		expect(owner).toBeDisabled();
		expect(everyone).toBeDisabled();
		expect(screen.queryByRole('button', { name: 'Voreinstellung speichern' })).toBeNull();
		expect(api.workspaceSettings).toHaveBeenCalledTimes(1);
		expect(api.setWorkspaceSettings).not.toHaveBeenCalled();
	});

	it('says when the setting cannot be loaded and loads it again', async () => {
		api.workspaceSettings.mockResolvedValueOnce({ ok: false, error: 'network' });
		const { user } = await setup(ADMIN);
		const region = screen.getByRole('region', { name: 'Neue Kontakte' });
		expect(within(region).getByRole('alert')).toHaveTextContent(/^Server nicht erreichbar/);
		expect(within(region).queryByRole('radio')).toBeNull();
		await user.click(within(region).getByRole('button', { name: 'Erneut versuchen' }));
		await settle();
		expect(within(region).getByRole('radio', { name: EVERYONE })).toBeChecked();
	});
});
