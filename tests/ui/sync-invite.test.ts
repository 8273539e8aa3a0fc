import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { SyncModel } from '../../src/lib/ui/state/sync.svelte';
import InviteForm from '../../src/lib/ui/sync/InviteForm.svelte';
import { FakeSyncApi, settle } from './sync-fake-api';

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

async function setup(token = 'tok-123') {
	const onsuccess = vi.fn();
	const user = userEvent.setup();
	render(InviteForm, { props: { sync: model, token, onsuccess } });
	await settle();
	return { user, onsuccess };
}

const field = (label: string) => screen.getByLabelText(label);
const submit = () => screen.getByRole('button', { name: /^Konto anlegen/ });

describe('InviteForm', () => {
	it('previews the invitation and prefills its e-mail address', async () => {
		await setup();
		expect(api.previewInvite).toHaveBeenCalledWith('tok-123');
		expect(
			screen.getByRole('heading', { name: 'Einladung in den Arbeitsbereich Hartmann Logistik' })
		).toBeInTheDocument();
		expect(
			screen.getByText(/^Sie werden als Mitglied eingeladen\. Die Einladung gilt bis /)
		).toBeInTheDocument();
		expect(field('E-Mail-Adresse')).toHaveValue('neu@hartmann.example');
	});

	it('creates the account with the token and the values', async () => {
		const { user, onsuccess } = await setup();
		await user.type(field('Ihr Name'), 'Mia Neumann');
		await user.type(field('Passwort'), 'lange-genug-1');
		await user.type(field('Passwort wiederholen'), 'lange-genug-1{Enter}');
		await settle();

		expect(api.acceptInvite).toHaveBeenCalledWith({
			token: 'tok-123',
			name: 'Mia Neumann',
			email: 'neu@hartmann.example',
			password: 'lange-genug-1',
			deviceLabel: expect.any(String)
		});
		expect(onsuccess).toHaveBeenCalledTimes(1);
	});

	it('checks name, password length and confirmation before sending', async () => {
		const { user } = await setup();
		await user.type(field('Passwort'), 'kurz');
		await user.type(field('Passwort wiederholen'), 'kurz!');
		await user.click(submit());

		expect(field('Ihr Name')).toHaveAttribute('aria-invalid', 'true');
		expect(field('Ihr Name')).toHaveFocus();
		expect(field('Passwort')).toHaveAccessibleDescription(
			'Das Passwort muss mindestens 10 Zeichen lang sein. Mindestens 10 Zeichen.'
		);
		expect(field('Passwort wiederholen')).toHaveAccessibleDescription(
			'Die beiden Passwörter stimmen nicht überein.'
		);
		expect(field('E-Mail-Adresse')).not.toHaveAttribute('aria-invalid');
		expect(api.acceptInvite).not.toHaveBeenCalled();
	});

	it('explains an expired invitation instead of the form', async () => {
		api.previewInvite.mockResolvedValue({ ok: false, error: 'inviteExpired' });
		await setup();
		expect(screen.getByRole('alert')).toHaveTextContent(
			'Diese Einladung ist abgelaufen. Bitte lassen Sie sich neu einladen.'
		);
		expect(screen.queryByRole('button', { name: /Konto anlegen/ })).toBeNull();
		expect(screen.getByRole('link', { name: 'Anmelden' })).toHaveAttribute('href', '/login');
	});

	it('explains a used or withdrawn invitation', async () => {
		api.previewInvite.mockResolvedValue({ ok: false, error: 'inviteInvalid' });
		await setup();
		expect(screen.getByRole('alert')).toHaveTextContent(/schon verwendet oder zurückgezogen/);
		expect(screen.queryByRole('button', { name: 'Erneut versuchen' })).toBeNull();
	});

	it('says so when the link has no token', async () => {
		await setup('');
		expect(api.previewInvite).not.toHaveBeenCalled();
		expect(screen.getByRole('alert')).toHaveTextContent(/Dieser Link enthält keine Einladung/);
	});

	it('tries again after the server was not reachable', async () => {
		api.previewInvite.mockResolvedValueOnce({ ok: false, error: 'network' });
		const { user } = await setup();
		expect(screen.getByRole('alert')).toHaveTextContent(/^Server nicht erreichbar/);

		await user.click(screen.getByRole('button', { name: 'Erneut versuchen' }));
		await settle();
		expect(api.previewInvite).toHaveBeenCalledTimes(2);
		expect(screen.getByRole('heading', { name: /Hartmann Logistik/ })).toBeInTheDocument();
	});

	it('shows an invitation used up meanwhile instead of the form', async () => {
		api.acceptInvite.mockResolvedValue({ ok: false, error: 'inviteInvalid' });
		const { user, onsuccess } = await setup();
		await user.type(field('Ihr Name'), 'Mia Neumann');
		await user.type(field('Passwort'), 'lange-genug-1');
		await user.type(field('Passwort wiederholen'), 'lange-genug-1');
		await user.click(submit());
		await settle();

		expect(screen.getByRole('alert')).toHaveTextContent(/schon verwendet oder zurückgezogen/);
		expect(screen.queryByLabelText('Passwort')).toBeNull();
		expect(onsuccess).not.toHaveBeenCalled();
	});

	it('puts a taken e-mail address beside its field', async () => {
		api.acceptInvite.mockResolvedValue({ ok: false, error: 'emailTaken' });
		const { user } = await setup();
		await user.type(field('Ihr Name'), 'Mia Neumann');
		await user.type(field('Passwort'), 'lange-genug-1');
		await user.type(field('Passwort wiederholen'), 'lange-genug-1');
		await user.click(submit());
		await settle();

		expect(field('E-Mail-Adresse')).toHaveAccessibleDescription(
			'Für diese E-Mail-Adresse gibt es schon ein Konto.'
		);
		expect(field('E-Mail-Adresse')).toHaveFocus();
	});
});
