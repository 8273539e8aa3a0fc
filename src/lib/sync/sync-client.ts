/**
 * The device side of sync: one WebSocket to the server for every document. It signs in with the
 * session token in its first message, resumes from the device's cursor, stores what arrives (with
 * the cursor, in one transaction), sends the outbox and removes each change from it only when the
 * server acknowledged it. When the connection drops it retries with exponential backoff and jitter;
 * the app works on meanwhile, since every read and write goes to the device database.
 */
import type { AccountInfo } from './account-types';
import {
	decodeServerFrame,
	encodeClientMessage,
	MAX_MESSAGE_BYTES,
	ProtocolError,
	type ClientMessage,
	type ServerMessage,
	type WireEntry
} from './protocol';
import type { SyncPhase, SyncProblem, SyncStatus } from './status';
import type { HistoryEntry, KontorStore, PushAck, ReceivedItem } from '../store';

/** The part of the WebSocket API the client uses (the browser's, or `ws` in Node). */
export interface SocketLike {
	binaryType: string;
	readonly readyState: number;
	readonly bufferedAmount: number;
	onopen: ((event: unknown) => void) | null;
	onmessage: ((event: { data: unknown }) => void) | null;
	onclose: ((event: { code: number; reason: string }) => void) | null;
	onerror: ((event: unknown) => void) | null;
	send(data: Uint8Array): void;
	close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

/** The status as the client knows it: never 'local', which means there is no client. */
export type ClientStatus = Omit<SyncStatus, 'phase'> & { phase: Exclude<SyncPhase, 'local'> };

/**
 * Something the user should be told that is not a status: a change the server refused, a contact
 * removed from this device because its user may no longer read it, or because it was deleted.
 * For 'revoked' and 'purged', `message` is the contact's name as it was listed ('' if unknown).
 */
export interface SyncNotice {
	code: 'refused' | 'revoked' | 'purged';
	docId: string;
	message: string;
}

/** Why a request (a change of rights, a deletion) did not go through. */
export class SyncRequestError extends Error {
	constructor(readonly code: 'offline' | 'forbidden' | 'purged' | 'referenced' | 'refused') {
		super(`sync request: ${code}`);
		this.name = 'SyncRequestError';
	}
}

/** Requests only the server can carry out; answered by an ack or an error naming the id. */
export type SyncRequest = Extract<ClientMessage, { type: 'setAccess' } | { type: 'purge' }>;

export interface SyncClientOptions {
	store: KontorStore;
	/** The socket address, e.g. `wss://kontor.example/sync`. */
	url: string;
	token: string;
	/** Opens a socket; defaults to the global WebSocket. */
	connect?: SocketFactory;
	onStatus?: (status: ClientStatus) => void;
	onNotice?: (notice: SyncNotice) => void;
	/** Storing what the server sent failed (the device is full, the database closed). */
	onStorageError?: (error: unknown) => void;
	/** First retry delay and the cap of the exponential backoff. */
	backoff?: { initialMs: number; maxMs: number };
	random?: () => number;
	now?: () => number;
	/**
	 * Received documents stored per transaction (default 2,500). Each transaction has costs of its
	 * own (reads of what the batch touches, a commit, one list update), so larger batches make a first
	 * sync faster: in Chromium 10,000 contacts took 5.1 s in batches of 2,500 against 5.6 s in batches
	 * of 1,000. A local edit made meanwhile waits for the batch being stored, about a second.
	 */
	batchSize?: number;
	/** Pushes sent and not yet acknowledged at most. */
	maxInFlight?: number;
}

const OPEN = 1;
// Browsers let pages close a socket only with 1000 or a code of 3000-4999.
const CLOSE_UNREADABLE = 4002;
const CLOSE_STORAGE_FAILED = 4011;

function defaultConnect(url: string): SocketLike {
	return new WebSocket(url) as unknown as SocketLike;
}

function toBytes(data: unknown): Uint8Array | null {
	if (data instanceof Uint8Array) return data;
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	return null;
}

function wireEntry(entry: HistoryEntry): WireEntry {
	const { docId, ...wire } = entry;
	void docId;
	return wire;
}

export class SyncClient {
	readonly #store: KontorStore;
	readonly #options: Required<
		Omit<SyncClientOptions, 'onStatus' | 'onNotice' | 'onStorageError' | 'store' | 'url' | 'token'>
	>;
	readonly #url: string;
	readonly #token: string;
	#socket: SocketLike | null = null;
	#running = false;
	#attempt = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	/** Messages not yet handled, in arrival order, and whether the handler is running. */
	#inbox: ServerMessage[] = [];
	/** Connections given up after a failed store; closing them takes a moment, their messages are ignored. */
	readonly #abandoned = new WeakSet<SocketLike>();
	/** Index of the next message in `#inbox` (taking from the front of a long array would copy it). */
	#inboxHead = 0;
	#handling = false;
	/** The server accepted the session on this connection (welcome received). */
	#welcomed = false;
	#caughtUp = false;
	#cursor = 0;
	/** Pushes sent and not yet acknowledged: push id -> document id. */
	readonly #inFlight = new Map<string, string>();
	/** During a resume by snapshots: the documents received, to drop what the device holds beyond them. */
	#snapshotted: Set<string> | null = null;
	/** Requests sent and not answered yet, by id. */
	readonly #requests = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
	/** Who waits until no local change is pending (see `#drained`). */
	readonly #drainWaiters = new Set<() => void>();
	#flushing = false;
	#flushAgain = false;
	#unsubscribe: (() => void) | null = null;
	#status: ClientStatus = {
		phase: 'offline',
		pending: 0,
		lastSyncedAt: null,
		progress: null,
		error: null,
		nextRetryAt: null,
		account: null
	};

	constructor(readonly options: SyncClientOptions) {
		this.#store = options.store;
		this.#url = options.url;
		this.#token = options.token;
		const { connect, backoff, random, now, batchSize, maxInFlight } = options;
		// Options left undefined keep their defaults.
		this.#options = {
			connect: connect ?? defaultConnect,
			backoff: backoff ?? { initialMs: 500, maxMs: 30_000 },
			random: random ?? Math.random,
			now: now ?? Date.now,
			batchSize: batchSize ?? 2500,
			maxInFlight: maxInFlight ?? 200
		};
	}

	get status(): ClientStatus {
		return this.#status;
	}

	/** True once the device holds everything the server had when it connected. */
	get caughtUp(): boolean {
		return this.#caughtUp;
	}

	/** Connects, and keeps reconnecting until `stop`. */
	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#unsubscribe ??= this.#store.subscribe((change) => {
			if (change.docIds.length > 0) void this.#flush();
			void this.#refreshPending();
		});
		void this.#refreshPending();
		this.#open();
	}

	/** Closes the connection and stops retrying; local work goes on. */
	stop(): void {
		this.#running = false;
		this.#clearRetry();
		this.#unsubscribe?.();
		this.#unsubscribe = null;
		this.#socket?.close(1000, 'stopped');
		this.#socket = null;
		this.#failRequests();
		this.#setStatus({ phase: 'offline', nextRetryAt: null, progress: null });
	}

	/** Drops the connection (the browser went offline); retries follow as after any lost connection. */
	disconnect(): void {
		this.#socket?.close(1000, 'offline');
	}

	/** Tries to connect now instead of waiting for the next retry. */
	retryNow(): void {
		if (!this.#running || (this.#socket && this.#socket.readyState <= OPEN)) return;
		this.#clearRetry();
		this.#attempt = 0;
		this.#open();
	}

	#open(): void {
		this.#clearRetry();
		this.#caughtUp = false;
		this.#welcomed = false;
		this.#inFlight.clear();
		this.#failRequests();
		this.#inbox = [];
		this.#inboxHead = 0;
		// While the browser knows it is offline, a connection attempt can only fail: wait for the next
		// retry (or the 'online' event) instead.
		if (typeof navigator !== 'undefined' && navigator.onLine === false) {
			this.#scheduleRetry();
			return;
		}
		this.#setStatus({ phase: 'connecting', nextRetryAt: null });
		let socket: SocketLike;
		try {
			socket = this.#options.connect(this.#url);
		} catch {
			this.#scheduleRetry();
			return;
		}
		this.#socket = socket;
		socket.binaryType = 'arraybuffer';
		socket.onopen = () => void this.#hello(socket);
		socket.onmessage = (event) => this.#onMessage(socket, event.data);
		socket.onerror = () => undefined;
		socket.onclose = () => {
			if (this.#socket !== socket) return;
			this.#socket = null;
			this.#failRequests();
			this.#caughtUp = false;
			this.#inFlight.clear();
			if (this.#running) this.#scheduleRetry();
		};
	}

	async #hello(socket: SocketLike): Promise<void> {
		const [cursor, workspace] = await Promise.all([
			this.#store.syncValue('syncCursor'),
			this.#store.syncValue('syncWorkspace')
		]);
		this.#cursor = typeof cursor === 'number' ? cursor : 0;
		this.#send(socket, {
			type: 'hello',
			token: this.#token,
			device: this.#store.deviceId,
			workspace: typeof workspace === 'string' ? workspace : '',
			cursor: this.#cursor
		});
	}

	#send(socket: SocketLike | null, message: ClientMessage): boolean {
		if (!socket || socket.readyState !== OPEN) return false;
		socket.send(encodeClientMessage(message));
		return true;
	}

	#onMessage(socket: SocketLike, data: unknown): void {
		if (socket !== this.#socket || this.#abandoned.has(socket)) return;
		const bytes = toBytes(data);
		let messages: ServerMessage[];
		try {
			if (!bytes) throw new ProtocolError('malformed', 'text message');
			messages = decodeServerFrame(bytes);
		} catch (error) {
			// A server we cannot understand: drop the connection and try again later.
			console.error('Kontor sync: unreadable message from the server', error);
			socket.close(CLOSE_UNREADABLE, 'unreadable message');
			return;
		}
		this.#inbox.push(...messages);
		void this.#handleInbox(socket);
	}

	#peek(): ServerMessage | undefined {
		return this.#inbox[this.#inboxHead];
	}

	#take(): ServerMessage | undefined {
		const message = this.#inbox[this.#inboxHead];
		this.#inboxHead += 1;
		if (this.#inboxHead >= 1024 && this.#inboxHead * 2 >= this.#inbox.length) {
			this.#inbox = this.#inbox.slice(this.#inboxHead);
			this.#inboxHead = 0;
		}
		return message;
	}

	/** Handles messages in order; runs of received documents or acks are stored together. */
	async #handleInbox(socket: SocketLike): Promise<void> {
		if (this.#handling) return;
		this.#handling = true;
		try {
			for (let first = this.#peek(); first && socket === this.#socket; first = this.#peek()) {
				if (first.type === 'snapshot' || first.type === 'update') await this.#receiveRun(socket);
				else if (first.type === 'ack') await this.#ackRun();
				else {
					this.#take();
					await this.#handle(socket, first);
				}
			}
		} catch (error) {
			// Storing failed (quota, a closed database): reconnect later and resume from the cursor.
			console.error('Kontor sync: storing what the server sent failed', error);
			this.options.onStorageError?.(error);
			if (socket === this.#socket) {
				// Nothing more from this connection counts, not even what is already queued: a later
				// 'caughtUp' would move the cursor past what was never stored.
				this.#abandoned.add(socket);
				this.#inbox = [];
				this.#inboxHead = 0;
				socket.close(CLOSE_STORAGE_FAILED, 'storage failed');
			}
		} finally {
			this.#handling = false;
		}
	}

	async #receiveRun(socket: SocketLike): Promise<void> {
		const items: ReceivedItem[] = [];
		let cursor: number | undefined;
		while (items.length < this.#options.batchSize) {
			const next = this.#peek();
			if (!next || (next.type !== 'snapshot' && next.type !== 'update')) break;
			this.#take();
			if (next.type === 'snapshot') this.#snapshotted?.add(next.docId);
			items.push({
				docId: next.docId,
				update: next.update,
				entries: next.entries,
				...(next.type === 'snapshot' ? { access: next.access } : {})
			});
			if (next.type === 'update' && next.seq > this.#cursor) cursor = next.seq;
		}
		const result = await this.#store.receive(items, { cursor });
		if (cursor !== undefined) this.#cursor = cursor;
		const progress = this.#status.progress;
		if (progress)
			this.#setStatus({
				progress: { ...progress, done: Math.min(progress.total, progress.done + items.length) }
			});
		for (const docId of result.incomplete) {
			this.#send(socket, { type: 'syncStep1', docId, stateVector: await this.#store.stateVector(docId) });
		}
		if (this.#caughtUp) this.#setStatus({ lastSyncedAt: this.#options.now() });
	}

	async #ackRun(): Promise<void> {
		const acks: PushAck[] = [];
		while (this.#peek()?.type === 'ack') {
			const ack = this.#take() as Extract<ServerMessage, { type: 'ack' }>;
			const request = this.#requests.get(ack.id);
			if (request) {
				// Its record reaches this device like anyone's (the cursor moves with that).
				this.#requests.delete(ack.id);
				request.resolve();
				continue;
			}
			acks.push({ id: ack.id, serverTime: ack.serverTime, author: ack.author });
			this.#cursor = Math.max(this.#cursor, ack.seq);
		}
		await this.#store.acknowledge(acks, this.#cursor);
		for (const ack of acks) this.#inFlight.delete(ack.id);
		await this.#refreshPending();
		void this.#flush();
	}

	async #handle(socket: SocketLike, message: ServerMessage): Promise<void> {
		switch (message.type) {
			case 'welcome': {
				this.#attempt = 0;
				this.#welcomed = true;
				const account: AccountInfo = {
					user: message.user,
					workspace: message.workspace,
					role: message.role,
					members: message.members
				};
				await this.#store.setHiddenChildren(message.hidden, true);
				const known = await this.#store.syncValue('syncWorkspace');
				if (!known) await this.#store.setSyncValue('syncWorkspace', message.workspace.id);
				this.#snapshotted = message.fresh ? new Set() : null;
				const progress = message.following > 0 ? { done: 0, total: message.following } : null;
				this.#setStatus({ account, error: null, phase: 'syncing', progress });
				if (message.following === 0 && message.head === this.#cursor) await this.#onCaughtUp(message.head);
				return;
			}
			case 'caughtUp':
				return this.#onCaughtUp(message.seq);
			case 'syncStep2': {
				await this.#store.receive([{ docId: message.docId, update: message.update }]);
				if (await this.#store.queueRepair(message.docId, message.stateVector)) void this.#flush();
				return;
			}
			case 'access':
				await this.#store.applyAccess(
					message.docId,
					message.access,
					message.entries,
					this.#advance(message.seq)
				);
				return;
			case 'revoked':
			case 'purged': {
				const name = await this.#store.removeDocument(message.docId, this.#advance(message.seq));
				this.options.onNotice?.({ code: message.type, docId: message.docId, message: name });
				await this.#refreshPending();
				return;
			}
			case 'hidden':
				return this.#store.setHiddenChildren(message.counts, false);
			case 'error':
				return this.#onError(socket, message);
			default:
				return;
		}
	}

	/** Requests the connection took with it: the caller may send them again once online. */
	#failRequests(): void {
		for (const request of this.#requests.values()) request.reject(new SyncRequestError('offline'));
		this.#requests.clear();
		this.#releaseDrainWaiters();
	}

	#releaseDrainWaiters(): void {
		for (const release of this.#drainWaiters) release();
		this.#drainWaiters.clear();
	}

	/**
	 * Resolves once the server has acknowledged every local change, or the connection is lost. A
	 * deletion waits for it: the contact persons just detached must reach the server first, or it
	 * would refuse to delete a contact they still seem to be listed under.
	 */
	async #drained(): Promise<void> {
		if ((await this.#store.pendingCount()) === 0) return;
		const drained = new Promise<void>((resolve) => this.#drainWaiters.add(resolve));
		// Counted again now that the waiter is in: an acknowledgement may have come in between.
		void this.#refreshPending();
		void this.#flush();
		await drained;
	}

	/** Moves the cursor to `seq` if that is further; returns the cursor to store (none for seq 0). */
	#advance(seq: number): number | undefined {
		if (seq <= this.#cursor) return undefined;
		this.#cursor = seq;
		return seq;
	}

	/**
	 * Sends a request only the server can carry out (change who has access, delete a contact).
	 * Resolves when the server did it; rejects with a `SyncRequestError` when it refused or the
	 * device is not connected (a request is safe to repeat: the server acts on its id once).
	 */
	async request(message: SyncRequest): Promise<void> {
		const connected = () => this.#socket?.readyState === OPEN && this.#welcomed;
		if (connected() && message.type === 'purge') await this.#drained();
		const socket = this.#socket;
		if (!socket || !connected()) throw new SyncRequestError('offline');
		return new Promise<void>((resolve, reject) => {
			this.#requests.set(message.id, { resolve, reject });
			socket.send(encodeClientMessage(message));
		});
	}

	async #onCaughtUp(seq: number): Promise<void> {
		const snapshotted = this.#snapshotted;
		this.#snapshotted = null;
		if (snapshotted) {
			// What the server did not send is gone or no longer readable (changed while away).
			for (const { docId, name } of await this.#store.retainOnly(snapshotted)) {
				this.options.onNotice?.({ code: 'revoked', docId, message: name });
			}
		}
		if (seq !== this.#cursor) {
			this.#cursor = seq;
			await this.#store.setSyncValue('syncCursor', seq);
		}
		this.#caughtUp = true;
		this.#setStatus({ progress: null });
		await this.#refreshPending();
		void this.#flush();
	}

	async #onError(socket: SocketLike, error: Extract<ServerMessage, { type: 'error' }>): Promise<void> {
		if (error.fatal) {
			this.#running = false;
			this.#clearRetry();
			if (error.code === 'auth') this.#setStatus({ phase: 'signedOut', error: null });
			else {
				const problem: SyncProblem =
					error.code === 'workspace' ? 'workspace' : error.code === 'version' ? 'version' : 'server';
				this.#setStatus({ phase: 'error', error: problem });
			}
			socket.close(1000, 'refused');
			return;
		}
		const request = this.#requests.get(error.ref);
		if (request) {
			this.#requests.delete(error.ref);
			const code =
				error.code === 'forbidden' || error.code === 'purged' || error.code === 'referenced'
					? error.code
					: 'refused';
			request.reject(new SyncRequestError(code));
			return;
		}
		if (!this.#inFlight.has(error.ref)) {
			console.warn(`Kontor sync: the server reported ${error.code}: ${error.message}`);
			return;
		}
		const docId = this.#inFlight.get(error.ref) ?? '';
		this.#inFlight.delete(error.ref);
		if (error.code === 'purged') {
			// The contact was deleted for good while this device was changing it: the change and the
			// copy go; a deleted contact never comes back by sync.
			const name = await this.#store.removeDocument(docId);
			this.options.onNotice?.({ code: 'purged', docId, message: name });
			await this.#refreshPending();
			return;
		}
		if (error.code === 'invalidUpdate' || error.code === 'forbidden') {
			// This change can never be accepted: resending it would fail forever.
			await this.#store.dropPush(error.ref);
			this.options.onNotice?.({ code: 'refused', docId, message: error.message });
			await this.#refreshPending();
		}
		// Other failures (busy, internal): the change stays pending and is sent again shortly.
		if (error.code === 'busy' || error.code === 'internal') {
			setTimeout(() => void this.#flush(), 1000 + this.#options.random() * 1000);
		}
	}

	/** Sends pending local changes, keeping at most `maxInFlight` unacknowledged. */
	async #flush(): Promise<void> {
		if (this.#flushing) {
			this.#flushAgain = true;
			return;
		}
		this.#flushing = true;
		try {
			do {
				this.#flushAgain = false;
				const socket = this.#socket;
				if (!this.#caughtUp || !socket || socket.readyState !== OPEN) return;
				const room = this.#options.maxInFlight - this.#inFlight.size;
				if (room <= 0) return;
				const pushes = await this.#store.pendingPushes(room, new Set(this.#inFlight.keys()));
				for (const push of pushes) {
					if (socket !== this.#socket) return;
					const message: ClientMessage = {
						type: 'push',
						id: push.id,
						docId: push.docId,
						update: push.update,
						entries: push.entries.map(wireEntry)
					};
					const bytes = encodeClientMessage(message);
					if (bytes.length > MAX_MESSAGE_BYTES) {
						console.error(`Kontor sync: change ${push.id} is too large to send (${bytes.length} bytes)`);
						continue;
					}
					this.#inFlight.set(push.id, push.docId);
					socket.send(bytes);
				}
				if (pushes.length === room) this.#flushAgain = true;
			} while (this.#flushAgain);
		} catch (error) {
			console.error('Kontor sync: reading the outbox failed', error);
		} finally {
			this.#flushing = false;
		}
	}

	async #refreshPending(): Promise<void> {
		try {
			const pending = await this.#store.pendingCount();
			if (pending === 0) this.#releaseDrainWaiters();
			const synced = this.#caughtUp && pending === 0;
			const refused = this.#status.phase === 'signedOut' || this.#status.phase === 'error';
			const live = !!this.#socket && !refused;
			this.#setStatus({
				pending,
				phase: live ? (synced ? 'synced' : this.#welcomed ? 'syncing' : 'connecting') : this.#status.phase,
				...(synced ? { lastSyncedAt: this.#options.now() } : {})
			});
		} catch {
			// The count is informational; a storage failure shows in the app's storage banner.
		}
	}

	#scheduleRetry(): void {
		const { initialMs, maxMs } = this.#options.backoff;
		const ceiling = Math.min(maxMs, initialMs * 2 ** this.#attempt);
		// Full jitter on the upper half: devices that lost the server together do not return together.
		const delay = ceiling / 2 + this.#options.random() * (ceiling / 2);
		this.#attempt = Math.min(this.#attempt + 1, 30);
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			if (this.#running) this.#open();
		}, delay);
		this.#setStatus({ phase: 'offline', nextRetryAt: this.#options.now() + delay, progress: null });
	}

	#clearRetry(): void {
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
	}

	#setStatus(patch: Partial<ClientStatus>): void {
		this.#status = { ...this.#status, ...patch };
		this.options.onStatus?.(this.#status);
	}
}
