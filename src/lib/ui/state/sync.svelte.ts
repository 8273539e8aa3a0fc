import { LOCAL_STATUS, type ServerStatus, type SyncApi, type SyncStatus } from '$lib/sync';
import { i18n, t, type MessageKey } from '../i18n/index.svelte';

/**
 * What the live region says. Announced only when it changes, so a screen reader hears "offline" and
 * "connected" but not every pending count, nor every edit's syncing -> synced round trip.
 */
type Announcement = 'local' | 'connecting' | 'offline' | 'online' | 'firstSync' | 'signedOut' | 'error';

/** The announcement a status asks for; null keeps the previous one (a reconnect attempt is not news). */
function announcementFor(status: SyncStatus): Announcement | null {
	switch (status.phase) {
		case 'local':
			return 'local';
		case 'offline':
			return 'offline';
		case 'connecting':
			return null;
		case 'syncing':
			return status.progress ? 'firstSync' : 'online';
		case 'synced':
			return 'online';
		case 'signedOut':
			return 'signedOut';
		case 'error':
			return 'error';
	}
}

const KEPT_WHILE_CONNECTING: ReadonlySet<Announcement> = new Set(['offline', 'online', 'firstSync']);

const ERROR_TEXT: Record<NonNullable<SyncStatus['error']>, MessageKey> = {
	workspace: 'sync.error.workspace',
	version: 'sync.error.version',
	server: 'sync.error.server'
};

const ANNOUNCEMENT_TEXT: Record<Exclude<Announcement, 'error'>, MessageKey> = {
	local: 'sync.local',
	connecting: 'sync.connecting',
	offline: 'sync.announce.offline',
	online: 'sync.announce.online',
	firstSync: 'sync.announce.firstSync',
	signedOut: 'sync.signedOut'
};

/** A time of day ("14:32") in the UI language. */
export function formatTime(ms: number): string {
	return new Intl.DateTimeFormat(i18n.lang, { hour: '2-digit', minute: '2-digit' }).format(ms);
}

/** A date and time ("12.03.2025, 14:32") in the UI language. */
export function formatDateTime(ms: number): string {
	return new Intl.DateTimeFormat(i18n.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** A count with the UI language's grouping ("50.000" in German). */
export function formatCount(n: number): string {
	return new Intl.NumberFormat(i18n.lang).format(n);
}

function sameDay(a: number, b: number): boolean {
	return new Date(a).toDateString() === new Date(b).toDateString();
}

/**
 * The sync status as the UI shows it: one instance per tab over the app's `SyncApi`, which it also
 * hands to pages for the account actions (`api`). Texts follow the UI language.
 */
export class SyncModel {
	/** The account and sync actions (login, invites, sessions, retry ...). */
	readonly api: SyncApi;
	#status = $state.raw<SyncStatus>(LOCAL_STATUS);
	/** undefined until asked; null when no Kontor server answers on this origin. */
	#server = $state.raw<ServerStatus | null | undefined>(undefined);
	#announcement = $state<Announcement>('local');
	#now = $state(Date.now());
	#ticker: ReturnType<typeof setInterval> | null = null;
	#serverCheck: Promise<ServerStatus | null> | null = null;
	#unsubscribe: () => void;

	constructor(api: SyncApi) {
		this.api = api;
		this.#unsubscribe = api.subscribe((status) => this.#update(status));
	}

	get status(): SyncStatus {
		return this.#status;
	}

	get server(): ServerStatus | null | undefined {
		return this.#server;
	}

	/** Whole seconds until the next connection attempt while offline, or null. */
	get retryInSeconds(): number | null {
		const next = this.#status.phase === 'offline' ? this.#status.nextRetryAt : null;
		return next === null ? null : Math.max(0, Math.ceil((next - this.#now) / 1000));
	}

	/** The one-line status ("Synchronisiert um 14:32"). */
	get text(): string {
		const status = this.#status;
		switch (status.phase) {
			case 'local':
				return t('sync.local');
			case 'offline': {
				const seconds = this.retryInSeconds;
				return seconds === null ? t('sync.offline') : t('sync.offlineRetry', { seconds });
			}
			case 'connecting':
				return t('sync.connecting');
			case 'syncing':
				return status.pending > 0
					? t('sync.syncingPending', { count: formatCount(status.pending) })
					: t('sync.syncing');
			case 'synced':
				if (status.lastSyncedAt === null) return t('sync.synced');
				return sameDay(status.lastSyncedAt, this.#now)
					? t('sync.syncedAt', { time: formatTime(status.lastSyncedAt) })
					: t('sync.syncedOn', { date: formatDateTime(status.lastSyncedAt) });
			case 'signedOut':
				return t('sync.signedOut');
			case 'error':
				return t(ERROR_TEXT[status.error ?? 'server']);
		}
	}

	/** What the polite live region says; changes with the phase, not with every count. */
	get announcement(): string {
		return this.#announcement === 'error'
			? t(ERROR_TEXT[this.#status.error ?? 'server'])
			: t(ANNOUNCEMENT_TEXT[this.#announcement]);
	}

	/** The label of the first-sync progress bar, while there is one. */
	get progressLabel(): string | null {
		const progress = this.#status.progress;
		return progress
			? t('sync.progress', { done: formatCount(progress.done), total: formatCount(progress.total) })
			: null;
	}

	/** Asks the server whether it exists and needs setup; once, unless `fresh`. */
	checkServer(fresh = false): Promise<ServerStatus | null> {
		if (fresh || !this.#serverCheck) {
			const check = this.api.serverStatus().then(
				(server) => server,
				() => null
			);
			this.#serverCheck = check;
			void check.then((server) => {
				if (this.#serverCheck === check) this.#server = server;
			});
		}
		return this.#serverCheck;
	}

	/** Stops listening; the controller behind `api` belongs to whoever created it. */
	dispose(): void {
		this.#unsubscribe();
		this.#tick(false);
	}

	#update(status: SyncStatus): void {
		this.#status = status;
		this.#now = Date.now();
		const announcement = announcementFor(status);
		if (announcement) this.#announcement = announcement;
		else if (!KEPT_WHILE_CONNECTING.has(this.#announcement)) {
			// Connecting after signing in is news; a retry while offline or a quick reconnect is not.
			this.#announcement = 'connecting';
		}
		this.#tick(status.phase === 'offline' && status.nextRetryAt !== null);
	}

	/** Keeps "next attempt in 12 s" counting down while offline. */
	#tick(on: boolean): void {
		if (on && !this.#ticker) this.#ticker = setInterval(() => (this.#now = Date.now()), 1000);
		if (!on && this.#ticker) {
			clearInterval(this.#ticker);
			this.#ticker = null;
		}
	}
}
