/**
 * Sync as the app sees it: the session on the device, the account requests, and one sync client
 * per device. Every tab of the app has a controller; only the tab holding the device's sync lock
 * (Web Locks) runs the socket, and it tells the other tabs its status over a BroadcastChannel.
 * Signing in or out in any tab is heard by the tab that syncs.
 */
import { createAccountClient, type AccountClient } from './account-client';
import type { AccountInfo, AuthResponse, WorkspaceSettings } from './account-types';
import { LOCAL_STATUS, type SyncStatus } from './status';
import type { ApiResult, RequestResult, SyncApi } from './sync-api';
import { uuidv7, type AccessInfo } from '../domain';
import {
	SyncClient,
	SyncRequestError,
	type SocketFactory,
	type SyncNotice,
	type SyncRequest
} from './sync-client';
import type { KontorStore } from '../store';

/** The session as kept on the device. */
interface StoredSession {
	token: string;
	account: AccountInfo;
	expiresAt: number;
}

export interface SyncControllerOptions {
	store: KontorStore;
	/** The server's origin, e.g. `location.origin`. */
	baseUrl: string;
	fetch?: typeof fetch;
	connect?: SocketFactory;
	onNotice?: (notice: SyncNotice) => void;
	/** Storing synced data failed; the app shows it like any storage problem. */
	onStorageError?: (error: unknown) => void;
	/** Backoff of the sync client (tests shorten it). */
	backoff?: { initialMs: number; maxMs: number };
}

export interface SyncController extends SyncApi {
	start(): void;
	dispose(): void;
}

type TabMessage =
	| { type: 'status'; status: SyncStatus }
	| { type: 'session' }
	| { type: 'ask' }
	/** Another tab's request for the server, carried out by the tab that runs the sync client. */
	| { type: 'request'; request: SyncRequest }
	| { type: 'requestDone'; id: string; result: RequestResult };

function isStoredSession(value: unknown): value is StoredSession {
	if (!value || typeof value !== 'object') return false;
	const s = value as Partial<StoredSession>;
	return typeof s.token === 'string' && typeof s.expiresAt === 'number' && !!s.account?.workspace?.id;
}

/** The socket address of the server at `baseUrl`. */
export function syncUrl(baseUrl: string): string {
	const url = new URL('/sync', baseUrl);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	return url.toString();
}

class Controller implements SyncController {
	readonly #options: SyncControllerOptions;
	readonly #accounts: AccountClient;
	readonly #listeners = new Set<(status: SyncStatus) => void>();
	readonly #channel: BroadcastChannel | null;
	#status: SyncStatus = LOCAL_STATUS;
	#session: StoredSession | null = null;
	#client: SyncClient | null = null;
	#leader = false;
	#releaseLock: (() => void) | null = null;
	#disposed = false;
	#restarting: Promise<void> = Promise.resolve();
	/** Requests this tab handed to the tab running the sync client, by id. */
	readonly #forwarded = new Map<string, (result: RequestResult) => void>();

	constructor(options: SyncControllerOptions) {
		this.#options = options;
		this.#accounts = createAccountClient(options.baseUrl, options.fetch ?? fetch.bind(globalThis));
		this.#channel =
			typeof BroadcastChannel === 'undefined'
				? null
				: new BroadcastChannel(`kontor-sync:${options.store.databaseName}`);
		this.#channel?.addEventListener('message', (event: MessageEvent<TabMessage>) =>
			this.#onTabMessage(event.data)
		);
	}

	get status(): SyncStatus {
		return this.#status;
	}

	subscribe(listener: (status: SyncStatus) => void): () => void {
		this.#listeners.add(listener);
		listener(this.#status);
		return () => this.#listeners.delete(listener);
	}

	start(): void {
		if (typeof window !== 'undefined') {
			window.addEventListener('online', this.#onOnline);
			window.addEventListener('offline', this.#onOffline);
		}
		void this.#loadSession().then(() => this.#becomeLeader());
	}

	dispose(): void {
		this.#disposed = true;
		if (typeof window !== 'undefined') {
			window.removeEventListener('online', this.#onOnline);
			window.removeEventListener('offline', this.#onOffline);
		}
		this.#client?.stop();
		this.#client = null;
		this.#releaseLock?.();
		this.#channel?.close();
		this.#listeners.clear();
	}

	#onOnline = (): void => this.retryNow();
	// A socket can look open for a long while after the network went away; the browser knows better.
	#onOffline = (): void => this.#client?.disconnect();

	retryNow(): void {
		this.#client?.retryNow();
	}

	async #loadSession(): Promise<void> {
		const stored = await this.#options.store.syncValue('syncSession');
		this.#session = isStoredSession(stored) ? stored : null;
	}

	/** Waits for the device's sync lock; the tab that gets it syncs until it closes. */
	#becomeLeader(): void {
		const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
		if (!locks) {
			this.#lead();
			return;
		}
		this.#publish(
			this.#session ? { ...LOCAL_STATUS, phase: 'connecting', account: this.#session.account } : LOCAL_STATUS
		);
		this.#channel?.postMessage({ type: 'ask' } satisfies TabMessage);
		void locks.request(`kontor-sync:${this.#options.store.databaseName}`, () => {
			if (this.#disposed) return undefined;
			this.#lead();
			return new Promise<void>((resolve) => (this.#releaseLock = resolve));
		});
	}

	#lead(): void {
		this.#leader = true;
		void this.#restartClient();
	}

	/** Restarts run one after another, so two quick session changes never leave two clients running. */
	#restartClient(): Promise<void> {
		this.#restarting = this.#restarting
			.then(() => this.#restart())
			.catch((error: unknown) => {
				console.error('Kontor sync: starting the sync client failed', error);
			});
		return this.#restarting;
	}

	async #restart(): Promise<void> {
		this.#client?.stop();
		this.#client = null;
		if (!this.#leader || this.#disposed) return;
		await this.#loadSession();
		const session = this.#session;
		if (!session) {
			this.#publish(LOCAL_STATUS);
			return;
		}
		const client = new SyncClient({
			store: this.#options.store,
			url: syncUrl(this.#options.baseUrl),
			token: session.token,
			connect: this.#options.connect,
			backoff: this.#options.backoff,
			onNotice: this.#options.onNotice,
			onStorageError: this.#options.onStorageError,
			onStatus: (status) => {
				if (this.#client !== client) return;
				this.#publish({ ...status, account: status.account ?? session.account });
			}
		});
		this.#client = client;
		client.start();
	}

	#onTabMessage(message: TabMessage): void {
		if (message.type === 'request' && this.#leader) {
			void this.#send(message.request).then((result) =>
				this.#channel?.postMessage({
					type: 'requestDone',
					id: message.request.id,
					result
				} satisfies TabMessage)
			);
			return;
		}
		if (message.type === 'requestDone') {
			this.#forwarded.get(message.id)?.(message.result);
			this.#forwarded.delete(message.id);
			return;
		}
		if (message.type === 'status' && !this.#leader) this.#emit(message.status);
		else if (message.type === 'session' && this.#leader) void this.#restartClient();
		else if (message.type === 'session') void this.#loadSession();
		else if (message.type === 'ask' && this.#leader) this.#publish(this.#status);
	}

	#publish(status: SyncStatus): void {
		this.#emit(status);
		if (this.#leader) this.#channel?.postMessage({ type: 'status', status } satisfies TabMessage);
	}

	#emit(status: SyncStatus): void {
		this.#status = status;
		for (const listener of this.#listeners) listener(status);
	}

	async #sessionChanged(): Promise<void> {
		if (this.#leader) await this.#restartClient();
		else {
			await this.#loadSession();
			this.#emit(this.#session ? { ...this.#status, account: this.#session.account } : LOCAL_STATUS);
		}
		this.#channel?.postMessage({ type: 'session' } satisfies TabMessage);
	}

	async #signedIn(result: ApiResult<AuthResponse>): Promise<ApiResult<AccountInfo>> {
		if (!result.ok) return result;
		const { token, expiresAt, ...account } = result.value;
		await this.#options.store.setSyncValue('syncSession', {
			token,
			account,
			expiresAt
		} satisfies StoredSession);
		await this.#sessionChanged();
		return { ok: true, value: account };
	}

	#token(): string {
		return this.#session?.token ?? '';
	}

	async serverStatus() {
		const result = await this.#accounts.status();
		return result.ok ? result.value : null;
	}

	async setup(request: Parameters<SyncApi['setup']>[0]) {
		return this.#signedIn(await this.#accounts.setup({ deviceLabel: deviceLabel(), ...request }));
	}

	async login(request: Parameters<SyncApi['login']>[0]) {
		return this.#signedIn(await this.#accounts.login({ deviceLabel: deviceLabel(), ...request }));
	}

	previewInvite(token: string) {
		return this.#accounts.previewInvite(token);
	}

	async acceptInvite(request: Parameters<SyncApi['acceptInvite']>[0]) {
		return this.#signedIn(await this.#accounts.acceptInvite({ deviceLabel: deviceLabel(), ...request }));
	}

	async logout(): Promise<void> {
		const token = this.#token();
		// Ending the session on the server may fail while offline; the device forgets it either way.
		if (token) await this.#accounts.logout(token);
		await this.#options.store.setSyncValue('syncSession', undefined);
		this.#session = null;
		await this.#sessionChanged();
	}

	createInvite(request: Parameters<SyncApi['createInvite']>[0]) {
		return this.#accounts.createInvite(this.#token(), request);
	}

	invites() {
		return this.#accounts.invites(this.#token());
	}

	revokeInvite(id: string) {
		return this.#accounts.revokeInvite(this.#token(), id);
	}

	members() {
		return this.#accounts.members(this.#token());
	}

	sessions() {
		return this.#accounts.sessions(this.#token());
	}

	revokeSession(id: string) {
		return this.#accounts.revokeSession(this.#token(), id);
	}

	workspaceSettings() {
		return this.#accounts.workspaceSettings(this.#token());
	}

	setWorkspaceSettings(settings: WorkspaceSettings) {
		return this.#accounts.setWorkspaceSettings(this.#token(), settings);
	}

	setAccess(docId: string, access: AccessInfo): Promise<RequestResult> {
		return this.#request({ type: 'setAccess', id: uuidv7(), docId, access });
	}

	async deleteContact(docId: string): Promise<RequestResult> {
		if (!this.#session) {
			// A workspace without a server: the contact is this device's alone.
			try {
				await this.#options.store.removeDocument(docId);
				return { ok: true };
			} catch {
				return { ok: false, error: 'storage' };
			}
		}
		return this.#request({ type: 'purge', id: uuidv7(), docId });
	}

	/** Sends a request through the sync client of this tab, or of the tab that runs it. */
	#request(request: SyncRequest): Promise<RequestResult> {
		if (this.#leader || !this.#channel) return this.#send(request);
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.#forwarded.delete(request.id);
				resolve({ ok: false, error: 'offline' });
			}, REQUEST_TIMEOUT_MS);
			this.#forwarded.set(request.id, (result) => {
				clearTimeout(timer);
				resolve(result);
			});
			this.#channel?.postMessage({ type: 'request', request } satisfies TabMessage);
		});
	}

	async #send(request: SyncRequest): Promise<RequestResult> {
		if (!this.#client) return { ok: false, error: 'offline' };
		try {
			await this.#client.request(request);
			return { ok: true };
		} catch (error) {
			if (error instanceof SyncRequestError) return { ok: false, error: error.code };
			throw error;
		}
	}
}

/** How long a tab waits for the tab running the sync client to carry out its request. */
const REQUEST_TIMEOUT_MS = 30_000;

/** What the list of sessions calls this device. */
function deviceLabel(): string {
	if (typeof navigator === 'undefined') return 'Kontor';
	const agent = navigator.userAgent;
	const browser = /Firefox\//.test(agent)
		? 'Firefox'
		: /Edg\//.test(agent)
			? 'Edge'
			: /Chrom(e|ium)\//.test(agent)
				? 'Chromium'
				: /Safari\//.test(agent)
					? 'Safari'
					: 'Browser';
	const system = /Windows/.test(agent)
		? 'Windows'
		: /Mac OS/.test(agent)
			? 'macOS'
			: /Android/.test(agent)
				? 'Android'
				: /Linux/.test(agent)
					? 'Linux'
					: '';
	return system ? `${browser} (${system})` : browser;
}

export function createSyncController(options: SyncControllerOptions): SyncController {
	return new Controller(options);
}
