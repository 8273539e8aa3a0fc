import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '../../src/lib/sync';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { SyncModel } from '../../src/lib/ui/state/sync.svelte';
import SyncIndicator from '../../src/lib/ui/sync/SyncIndicator.svelte';
import SyncProgress from '../../src/lib/ui/sync/SyncProgress.svelte';
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
	vi.useRealTimers();
	i18n.lang = 'de';
});

function todayAt(hours: number, minutes: number): number {
	const date = new Date();
	date.setHours(hours, minutes, 0, 0);
	return date.getTime();
}

async function show(change: Partial<SyncStatus>): Promise<void> {
	api.set({ account: MEMBER, ...change });
	await tick();
}

/** The visible status line (the live region says less, see below). */
const line = (): string => document.querySelector('.sync .text')?.textContent?.trim() ?? '';

describe('SyncIndicator', () => {
	it.each<[string, Partial<SyncStatus>, string]>([
		['connecting', { phase: 'connecting' }, 'Verbinde …'],
		['syncing with nothing pending', { phase: 'syncing', pending: 0 }, 'Synchronisiere …'],
		['syncing with pending changes', { phase: 'syncing', pending: 3 }, 'Synchronisiere … (3 ausstehend)'],
		['syncing many', { phase: 'syncing', pending: 1234 }, 'Synchronisiere … (1.234 ausstehend)'],
		['synced today', { phase: 'synced', lastSyncedAt: todayAt(14, 32) }, 'Synchronisiert um 14:32'],
		['synced, time unknown', { phase: 'synced', lastSyncedAt: null }, 'Synchronisiert'],
		['offline without a retry time', { phase: 'offline', nextRetryAt: null }, 'Offline'],
		[
			'a workspace mismatch',
			{ phase: 'error', error: 'workspace' },
			'Dieses Gerät enthält Daten eines anderen Arbeitsbereichs'
		],
		[
			'a newer server',
			{ phase: 'error', error: 'version' },
			'Bitte Kontor neu laden: der Server spricht eine neuere Version'
		],
		[
			'a refusing server',
			{ phase: 'error', error: 'server' },
			'Der Server hat die Synchronisierung abgelehnt'
		]
	])('shows %s', async (_name, change, text) => {
		render(SyncIndicator, { props: { sync: model } });
		await show(change);
		expect(line()).toBe(text);
	});

	it('shows a synced time of an earlier day with its date', async () => {
		render(SyncIndicator, { props: { sync: model } });
		await show({ phase: 'synced', lastSyncedAt: todayAt(14, 32) - 3 * 86_400_000 });
		expect(line()).toMatch(/^Synchronisiert am .*14:32$/);
	});

	it('is local with a sign-in link when a server answers', async () => {
		render(SyncIndicator, { props: { sync: model } });
		await settle();
		expect(line()).toBe('Nur auf diesem Gerät');
		expect(screen.getByRole('link', { name: 'Anmelden' })).toHaveAttribute('href', '/login');
		expect(api.serverStatus).toHaveBeenCalledTimes(1);
	});

	it('offers setting up a fresh server', async () => {
		api.serverStatus.mockResolvedValue({ needsSetup: true, protocolVersion: 1 });
		render(SyncIndicator, { props: { sync: model } });
		await settle();
		expect(screen.getByRole('link', { name: 'Server einrichten' })).toHaveAttribute('href', '/setup');
	});

	it('offers no sign-in without a server', async () => {
		api.serverStatus.mockResolvedValue(null);
		render(SyncIndicator, { props: { sync: model } });
		await settle();
		expect(line()).toBe('Nur auf diesem Gerät');
		expect(screen.queryByRole('link')).toBeNull();
	});

	it('counts down to the next attempt while offline and connects on request', async () => {
		vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
		render(SyncIndicator, { props: { sync: model } });
		await show({ phase: 'offline', nextRetryAt: Date.now() + 12_000 });
		expect(line()).toBe('Offline – nächster Versuch in 12 s');

		vi.advanceTimersByTime(3_000);
		await tick();
		expect(line()).toBe('Offline – nächster Versuch in 9 s');

		vi.useRealTimers();
		await userEvent.click(screen.getByRole('button', { name: 'Jetzt verbinden' }));
		expect(api.retryNow).toHaveBeenCalledTimes(1);
	});

	it('links to sign-in when the session was refused', async () => {
		render(SyncIndicator, { props: { sync: model } });
		await show({ phase: 'signedOut' });
		expect(screen.getByRole('link', { name: 'Abgemeldet – bitte anmelden' })).toHaveAttribute(
			'href',
			'/login'
		);
	});

	it('offers reloading for a newer server and details for other problems', async () => {
		render(SyncIndicator, { props: { sync: model } });
		await show({ phase: 'error', error: 'version' });
		expect(screen.getByRole('button', { name: 'Neu laden' })).toBeInTheDocument();
		await show({ phase: 'error', error: 'workspace' });
		expect(screen.getByRole('link', { name: 'Details' })).toHaveAttribute('href', '/settings');
	});

	it('announces phase changes politely, not every pending count or reconnect attempt', async () => {
		render(SyncIndicator, { props: { sync: model } });
		const region = screen.getByRole('status');
		expect(region).toHaveAttribute('aria-live', 'polite');
		expect(region).toHaveTextContent('Nur auf diesem Gerät');

		await show({ phase: 'connecting' });
		expect(region).toHaveTextContent('Verbinde …');
		await show({ phase: 'syncing', pending: 1 });
		const connected = region.textContent;
		expect(connected).toBe('Verbunden. Änderungen werden synchronisiert.');
		for (const change of [
			{ phase: 'syncing', pending: 2 },
			{ phase: 'syncing', pending: 3 },
			{ phase: 'synced', pending: 0, lastSyncedAt: Date.now() },
			{ phase: 'syncing', pending: 1 },
			{ phase: 'connecting' },
			{ phase: 'synced', pending: 0 }
		] as const) {
			await show(change);
			expect(region.textContent).toBe(connected);
		}

		await show({ phase: 'offline', nextRetryAt: Date.now() + 4000 });
		expect(region).toHaveTextContent(/^Offline\./);
		await show({ phase: 'connecting', nextRetryAt: null });
		expect(region).toHaveTextContent(/^Offline\./);
		await show({ phase: 'offline', nextRetryAt: Date.now() + 8000 });
		expect(region).toHaveTextContent(/^Offline\./);

		await show({ phase: 'signedOut' });
		expect(region).toHaveTextContent('Abgemeldet – bitte anmelden');
		await show({ phase: 'error', error: 'workspace' });
		expect(region).toHaveTextContent('Dieses Gerät enthält Daten eines anderen Arbeitsbereichs');
	});

	it('follows the UI language', async () => {
		render(SyncIndicator, { props: { sync: model } });
		await show({ phase: 'syncing', pending: 3 });
		i18n.lang = 'en';
		await tick();
		expect(line()).toBe('Syncing … (3 pending)');
		await show({ phase: 'offline', nextRetryAt: null });
		expect(screen.getByRole('button', { name: 'Connect now' })).toBeInTheDocument();
	});

	it('stops listening when disposed', () => {
		expect(api.listenerCount).toBe(1);
		model.dispose();
		expect(api.listenerCount).toBe(0);
	});
});

describe('SyncProgress', () => {
	it('shows the first sync as a labelled progress bar while it lasts', async () => {
		render(SyncProgress, { props: { sync: model } });
		expect(screen.queryByRole('progressbar')).toBeNull();

		await show({ phase: 'syncing', progress: { done: 1234, total: 50_000 } });
		const bar = screen.getByRole('progressbar', {
			name: 'Erste Synchronisierung: 1.234 von 50.000 Kontakten'
		});
		expect(bar).toHaveAttribute('max', '50000');
		expect(bar).toHaveAttribute('value', '1234');

		await show({ progress: { done: 50_000, total: 50_000 } });
		expect(bar).toHaveAttribute('value', '50000');
		expect(bar).toHaveAccessibleName('Erste Synchronisierung: 50.000 von 50.000 Kontakten');

		await show({ phase: 'synced', progress: null });
		expect(screen.queryByRole('progressbar')).toBeNull();
	});

	it('labels the bar in English', async () => {
		i18n.lang = 'en';
		render(SyncProgress, { props: { sync: model } });
		await show({ phase: 'syncing', progress: { done: 1234, total: 50_000 } });
		expect(screen.getByRole('progressbar')).toHaveAccessibleName('First sync: 1,234 of 50,000 contacts');
	});
});
