import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { SyncModel } from '../../src/lib/ui/state/sync.svelte';
import SetupForm from '../../src/lib/ui/sync/SetupForm.svelte';
import { FakeSyncApi, settle } from './sync-fake-api';

let api: FakeSyncApi;
let model: SyncModel;

beforeEach(() => {
	i18n.lang = 'de';
	api = new FakeSyncApi();
	api.serverStatus.mockResolvedValue({ needsSetup: true, protocolVersion: 1 });
	model = new SyncModel(api);
});

afterEach(() => {
	model.dispose();
	i18n.lang = 'de';
});

async function setup() {
	const onsuccess = vi.fn();
	const user = userEvent.setup();
	render(SetupForm, { props: { sync: model, onsuccess } });
	await settle();
	return { user, onsuccess };
}

const field = (label: string) => screen.getByLabelText(label);

async function fillIn(user: ReturnType<typeof userEvent.setup>): Promise<void> {
	await user.type(field('Ihr Name'), 'Greta Hartmann');
	await user.type(field('E-Mail-Adresse'), 'greta@hartmann.example');
	await user.type(field('Passwort'), 'lange-genug-1');
	await user.type(field('Passwort wiederholen'), 'lange-genug-1');
	await user.type(field('Name des Arbeitsbereichs'), 'Hartmann Logistik');
}

describe('SetupForm', () => {
	it('creates the first account on a fresh server', async () => {
		const { user, onsuccess } = await setup();
		await fillIn(user);
		await user.keyboard('{Enter}');
		await settle();

		expect(api.setup).toHaveBeenCalledWith({
			name: 'Greta Hartmann',
			email: 'greta@hartmann.example',
			password: 'lange-genug-1',
			workspaceName: 'Hartmann Logistik'
		});
		expect(onsuccess).toHaveBeenCalledTimes(1);
	});

	it('explains every missing field and focuses the first', async () => {
		const { user } = await setup();
		await user.click(screen.getByRole('button', { name: 'Konto anlegen' }));

		for (const label of ['Ihr Name', 'E-Mail-Adresse', 'Passwort', 'Passwort wiederholen']) {
			expect(field(label)).toHaveAttribute('aria-invalid', 'true');
		}
		expect(field('Name des Arbeitsbereichs')).toHaveAccessibleDescription(
			'Bitte ausfüllen. Zum Beispiel der Name Ihrer Firma.'
		);
		expect(field('Ihr Name')).toHaveFocus();
		expect(api.setup).not.toHaveBeenCalled();
	});

	it('explains an already set up server and links to sign-in', async () => {
		api.serverStatus.mockResolvedValue({ needsSetup: false, protocolVersion: 1 });
		await setup();
		expect(screen.getByText(/Dieser Server ist bereits eingerichtet/)).toBeInTheDocument();
		expect(screen.getByRole('link', { name: 'Zur Anmeldung' })).toHaveAttribute('href', '/login');
		expect(screen.queryByRole('button', { name: 'Konto anlegen' })).toBeNull();
	});

	it('switches to the explanation when someone else was quicker', async () => {
		api.setup.mockResolvedValue({ ok: false, error: 'setupDone' });
		const { user } = await setup();
		await fillIn(user);
		await user.click(screen.getByRole('button', { name: 'Konto anlegen' }));
		await settle();
		expect(screen.getByRole('link', { name: 'Zur Anmeldung' })).toBeInTheDocument();
		expect(screen.queryByLabelText('Passwort')).toBeNull();
	});

	it('offers trying again without a server', async () => {
		api.serverStatus.mockResolvedValueOnce(null);
		const { user } = await setup();
		expect(screen.getByRole('alert')).toHaveTextContent(/^Server nicht erreichbar/);
		await user.click(screen.getByRole('button', { name: 'Erneut versuchen' }));
		await settle();
		expect(field('Ihr Name')).toBeInTheDocument();
	});
});
