import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_ERROR_CODES, type AccountInfo, type ApiErrorCode, type ApiResult } from '../../src/lib/sync';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { SyncModel } from '../../src/lib/ui/state/sync.svelte';
import LoginForm from '../../src/lib/ui/sync/LoginForm.svelte';
import { apiErrorMessage, messageText } from '../../src/lib/ui/sync/messages';
import { FakeSyncApi, MEMBER, settle } from './sync-fake-api';

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

function setup() {
	const onsuccess = vi.fn();
	const user = userEvent.setup();
	render(LoginForm, { props: { sync: model, onsuccess } });
	return {
		user,
		onsuccess,
		email: () => screen.getByLabelText('E-Mail-Adresse'),
		password: () => screen.getByLabelText('Passwort'),
		submit: () => screen.getByRole('button', { name: /^Anmelden/ })
	};
}

/** The text an input points to with aria-describedby. */
function description(input: HTMLElement): string {
	const ids = input.getAttribute('aria-describedby')?.split(' ') ?? [];
	return ids.map((id) => document.getElementById(id)?.textContent?.trim() ?? '').join(' ');
}

describe('LoginForm', () => {
	it('explains empty fields beside them and focuses the first', async () => {
		const { user, email, password, submit } = setup();
		await user.click(submit());

		expect(email()).toHaveAttribute('aria-invalid', 'true');
		expect(description(email())).toBe('Bitte ausfüllen.');
		expect(password()).toHaveAttribute('aria-invalid', 'true');
		expect(description(password())).toBe('Bitte ausfüllen.');
		expect(email()).toHaveFocus();
		expect(api.login).not.toHaveBeenCalled();
	});

	it('checks the e-mail address and clears the error while it is corrected', async () => {
		const { user, email, password, submit } = setup();
		await user.type(email(), 'greta@hartmann');
		await user.type(password(), 'geheim-genug');
		await user.click(submit());
		expect(description(email())).toBe('Keine gültige E-Mail-Adresse.');
		expect(password()).not.toHaveAttribute('aria-invalid');
		expect(email()).toHaveFocus();

		await user.type(email(), '.example');
		expect(email()).not.toHaveAttribute('aria-invalid');
		expect(api.login).not.toHaveBeenCalled();
	});

	it('signs in with the values on Enter and reports success', async () => {
		const { user, email, password, onsuccess } = setup();
		await user.type(email(), ' jonas@hartmann.example ');
		await user.type(password(), 'Sommer2031!{Enter}');

		expect(api.login).toHaveBeenCalledTimes(1);
		expect(api.login).toHaveBeenCalledWith({
			email: 'jonas@hartmann.example',
			password: 'Sommer2031!',
			deviceLabel: expect.any(String)
		});
		await settle();
		expect(onsuccess).toHaveBeenCalledTimes(1);
	});

	it('says it is sending and waits, then takes the next try', async () => {
		let answer: (result: ApiResult<AccountInfo>) => void = () => {};
		api.login.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
		const { user, email, password, submit, onsuccess } = setup();
		await user.type(email(), 'jonas@hartmann.example');
		await user.type(password(), 'falsch-falsch');
		await user.click(submit());

		expect(submit()).toBeDisabled();
		expect(submit()).toHaveTextContent('Anmelden …');
		await user.keyboard('{Enter}');
		expect(api.login).toHaveBeenCalledTimes(1);

		answer({ ok: false, error: 'invalidCredentials' });
		await settle();
		expect(submit()).toBeEnabled();
		expect(submit()).toHaveTextContent(/^Anmelden$/);
		expect(screen.getByRole('alert')).toHaveTextContent('E-Mail-Adresse oder Passwort stimmen nicht.');
		expect(onsuccess).not.toHaveBeenCalled();
	});

	it('says how long to wait after too many failed logins', async () => {
		api.login.mockResolvedValue({ ok: false, error: 'rateLimited', retryAfter: 45 });
		const { user, email, password, submit } = setup();
		await user.type(email(), 'jonas@hartmann.example');
		await user.type(password(), 'falsch-falsch');
		await user.click(submit());
		await settle();

		expect(screen.getByRole('alert')).toHaveTextContent(
			'Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in 45 Sekunden erneut.'
		);
		i18n.lang = 'en';
		await tick();
		expect(screen.getByRole('alert')).toHaveTextContent(
			'Too many failed sign-ins. Please try again in 45 seconds.'
		);
	});

	it('says when the server cannot be reached', async () => {
		api.login.mockResolvedValue({ ok: false, error: 'network' });
		const { user, email, password, submit } = setup();
		await user.type(email(), 'jonas@hartmann.example');
		await user.type(password(), 'Sommer2031!');
		await user.click(submit());
		await settle();

		expect(screen.getByRole('alert')).toHaveTextContent(/^Server nicht erreichbar/);
		expect(submit()).toBeEnabled();
	});

	it('puts a field error from the server beside its field', async () => {
		api.login.mockResolvedValue({ ok: false, error: 'invalidEmail' });
		const { user, email, password, submit } = setup();
		await user.type(email(), 'jonas@hartmann.example');
		await user.type(password(), 'Sommer2031!');
		await user.click(submit());
		await settle();

		expect(description(email())).toBe('Keine gültige E-Mail-Adresse.');
		expect(email()).toHaveFocus();
		expect(screen.queryByRole('alert')).toBeNull();
	});

	it('points a fresh server to the setup', async () => {
		api.serverStatus.mockResolvedValue({ needsSetup: true, protocolVersion: 1 });
		setup();
		await settle();
		expect(screen.getByText('Dieser Server ist noch nicht eingerichtet.')).toBeInTheDocument();
		expect(screen.getByRole('link', { name: 'Erstes Konto anlegen' })).toHaveAttribute('href', '/setup');
	});

	it('says when no server answers and who is signed in', async () => {
		api.serverStatus.mockResolvedValue(null);
		api.set({ phase: 'synced', account: MEMBER });
		setup();
		await settle();
		expect(screen.getByText(/antwortet gerade kein Kontor-Server/)).toBeInTheDocument();
		expect(
			screen.getByText('Dieses Gerät ist angemeldet als Jonas Weber (jonas@hartmann.example).')
		).toBeInTheDocument();
	});
});

describe('account error messages', () => {
	const CODES: (ApiErrorCode | 'network')[] = [...API_ERROR_CODES, 'network'];

	it.each(CODES)('has a message for "%s" in German and English', (code) => {
		const message = apiErrorMessage({ ok: false, error: code, retryAfter: 90 });
		const german = messageText(message);
		i18n.lang = 'en';
		const english = messageText(message);
		for (const text of [german, english]) {
			expect(text).not.toMatch(/[{}]|^api\.|^error\./);
			expect(text).not.toBe('Ein unerwarteter Fehler ist aufgetreten.');
			expect(text).not.toBe('An unexpected error occurred.');
		}
		expect(english).not.toBe(german);
	});

	it.each([
		[1, '1 Sekunde'],
		[45, '45 Sekunden'],
		[119, '119 Sekunden'],
		[600, '10 Minuten']
	])('puts a wait of %i s into words', (seconds, words) => {
		const text = messageText(apiErrorMessage({ ok: false, error: 'rateLimited', retryAfter: seconds }));
		expect(text).toBe(`Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in ${words} erneut.`);
	});

	it('names the minimum length of a weak password', () => {
		expect(messageText(apiErrorMessage({ ok: false, error: 'weakPassword' }))).toBe(
			'Das Passwort ist zu schwach: mindestens 10 Zeichen.'
		);
	});
});
