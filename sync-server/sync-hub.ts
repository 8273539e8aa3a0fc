/**
 * The sync transport: one WebSocket per device, every document of the workspace multiplexed over
 * it (see src/lib/sync/protocol.ts). The hub authenticates the first message, resumes the device
 * from its cursor, applies pushes through the update guard, appends them to the log, acknowledges
 * and broadcasts them to the workspace's other devices that may read the document.
 *
 * Ordering: a connection receives log records in seq order. Records appended while a connection is
 * still resuming are queued and sent after its resume, so a device can always take the highest seq
 * it has received (or had acknowledged) as its cursor.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
	decodeClientMessage,
	EncodedEntries,
	encodeEntries,
	encodeServerBatch,
	encodeServerMessage,
	MAX_MESSAGE_BYTES,
	ProtocolError,
	type ClientMessage,
	type ErrorCode,
	type OutgoingServerMessage,
	type WireEntry
} from '../src/lib/sync/protocol';
import * as Y from 'yjs';
import {
	accessChanges,
	canManage,
	canRead,
	canEdit,
	initialAccess,
	uuidv7,
	type AccessInfo,
	type AccessUser
} from '../src/lib/domain';
import { WORKSPACE_DOC_ID, type FieldChange } from '../src/lib/crdt';
import {
	EMPTY_ENTRIES,
	StaleStateError,
	type AppendInput,
	type ChildRecord,
	type DocReference,
	type DocumentRecord,
	type LogRecord,
	type Storage
} from './storage/storage';
import { DEFAULT_PACE, ReadPacer, type Allowance, type PaceOptions } from './read-pacer';
import { LogFeeds } from './log-feed';
import type { UpdateGuard } from './update-guard';

/** Who is on the other end of a connection, as the session says. */
export interface AuthContext {
	user: { id: string; name: string; email: string };
	workspace: { id: string; name: string };
	role: 'admin' | 'member';
	sessionId: string;
}

export interface HubOptions {
	storage: Storage;
	guard: UpdateGuard;
	authenticate: (token: string) => Promise<AuthContext | null>;
	/**
	 * Origins allowed to open the socket from a browser (`https://kontor.example`). Null: the
	 * request's own host only. Requests without an Origin header (not browsers) are allowed; they
	 * still have to sign in.
	 */
	origins?: readonly string[] | null;
	maxMessageBytes?: number;
	/** Where the socket is served. */
	path?: string;
	now?: () => number;
	/** Time a new connection has to send its hello. */
	helloTimeoutMs?: number;
	/** Interval of keep-alive pings; a connection that misses one is closed. */
	pingIntervalMs?: number;
	/** How fast one connection is read at most (see read-pacer.ts). */
	pace?: PaceOptions;
}

/** A log record on its way to a device, with what the read check needs of its document. */
interface QueuedRecord {
	record: LogRecord;
	/** The document's rights now; null once it was purged. */
	access: AccessInfo | null;
	/** The encoded `update` or `access` message, when already made (encoded once for everyone). */
	bytes?: Uint8Array;
	/** An 'access' record: the rights before, and the encoded snapshot for who can read it only now. */
	before?: AccessInfo;
	snapshot?: Uint8Array;
}

/** The state vector of an empty document: what a history entry the server writes was made on. */
const NO_STATE = Y.encodeStateVector(new Y.Doc());

const PAGE = 500;
/** Queued messages for one device are sent at the latest when this many bytes wait. */
const BATCH_BYTES = 256 * 1024;
/** Pushes one connection may have waiting; more are answered 'busy' (the device sends them again). */
const MAX_PENDING_PUSHES = 1000;
/** Protocol errors a connection may cause before the hub stops listening to it. */
const MAX_PROTOCOL_ERRORS = 100;
/** The longest a session waits to connect again after being closed for malformed messages. */
const MAX_PENALTY_MS = 60_000;
/** A session's closings are forgotten this long after its wait ended. */
const PENALTY_MEMORY_MS = 10 * 60_000;
/** A device that cannot take more than this is dropped; it resumes from its cursor later. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
const CLOSE_POLICY = 1008;
const CLOSE_TOO_SLOW = 1013;
/** Documents whose rights the hub keeps in memory for delivering other instances' records. */
const RIGHTS_CACHE_SIZE = 100_000;
/** Sessions' read allowances kept before those back to full are forgotten. */
const ALLOWANCES_KEPT = 1000;
/** How often a push is applied again when another instance changed its document meanwhile. */
const MAX_STALE_RETRIES = 8;
/**
 * Pushes of one device waiting for the same document are applied together (see `#pushTogether`),
 * at most this many and these many bytes of updates at a time.
 */
const MAX_GROUP_PUSHES = 32;
const MAX_GROUP_BYTES = 256 * 1024;

type Push = Extract<ClientMessage, { type: 'push' }>;

/** Pushes of one connection to one document, waiting their turn together (see `#enqueuePush`). */
interface PushGroup {
	connection: Connection;
	pushes: Push[];
	bytes: number;
}

class Connection {
	auth: AuthContext | null = null;
	/** Paces reading this connection (see read-pacer.ts). */
	pacer: ReadPacer | null = null;
	device = '';
	/** Log records appended while resuming; sent afterwards. */
	queued: QueuedRecord[] | null = null;
	/** The resume sent every record up to this seq: later deliveries of those are left out. */
	floor = 0;
	errors = 0;
	alive = true;
	/** Pushes received and not yet answered. */
	pushing = 0;
	#outgoing: Uint8Array[] = [];
	#outgoingBytes = 0;
	#flushScheduled = false;

	constructor(readonly socket: WebSocket) {}

	#reader: AccessUser | null = null;

	/** Who reads through this connection, as the access rules see them (made once, read per record). */
	get reader(): AccessUser {
		if (!this.#reader) {
			const auth = this.auth as AuthContext;
			this.#reader = { userId: auth.user.id, role: auth.role };
		}
		return this.#reader;
	}

	send(message: OutgoingServerMessage): void {
		this.sendBytes(encodeServerMessage(message));
	}

	/**
	 * Queues a message; what is queued in one turn of the event loop leaves as one frame (a batch
	 * when there are several), and at the latest when 256 KB are waiting.
	 */
	sendBytes(bytes: Uint8Array): void {
		if (this.socket.readyState !== this.socket.OPEN) return;
		if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
			this.socket.close(CLOSE_TOO_SLOW, 'too slow');
			return;
		}
		this.#outgoing.push(bytes);
		this.#outgoingBytes += bytes.byteLength;
		if (this.#outgoingBytes >= BATCH_BYTES) this.flush();
		else if (!this.#flushScheduled) {
			this.#flushScheduled = true;
			setImmediate(() => this.flush());
		}
	}

	flush(): void {
		this.#flushScheduled = false;
		const frames = this.#outgoing;
		if (frames.length === 0) return;
		this.#outgoing = [];
		this.#outgoingBytes = 0;
		if (this.socket.readyState !== this.socket.OPEN) return;
		this.socket.send(frames.length === 1 ? (frames[0] as Uint8Array) : encodeServerBatch(frames));
	}

	error(code: ErrorCode, message: string, ref = '', fatal = false): void {
		this.send({ type: 'error', code, message, ref, fatal });
		if (fatal) {
			this.flush();
			this.socket.close(CLOSE_POLICY, code);
		}
	}

	get open(): boolean {
		return this.socket.readyState === this.socket.OPEN;
	}

	/**
	 * Waits until the socket's send buffer has room (a first sync sends thousands of messages);
	 * false when the device went away, so a resume stops reading what nobody will receive.
	 */
	async drain(): Promise<boolean> {
		this.flush();
		while (this.open && this.socket.bufferedAmount > 4 * 1024 * 1024) {
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		return this.open;
	}
}

export class SyncHub {
	readonly #options: Required<Omit<HubOptions, 'origins'>> & { origins: readonly string[] | null };
	readonly #wss: WebSocketServer;
	readonly #connections = new Map<WebSocket, Connection>();
	readonly #byWorkspace = new Map<string, Set<Connection>>();
	/**
	 * Work on one document runs one piece after another across all connections: pushes (read state,
	 * apply, append; a device's pushes that waited together as one), changes of rights, deletion.
	 */
	readonly #docChains = new Map<string, Promise<unknown>>();
	/** Per document, the pushes last queued on its chain while they have not started: later ones join. */
	readonly #waitingPushes = new Map<string, PushGroup>();
	/** Delivery in seq order, whichever instance wrote a record (see log-feed.ts). */
	readonly #feeds: LogFeeds;
	/**
	 * Per followed workspace, the rights of documents whose records this instance delivered (null
	 * once purged). Rights change only through log records, which every instance delivers in order
	 * while it follows the workspace, so this stays current; records of other instances then need no
	 * document read each. Dropped when the workspace is no longer followed.
	 */
	readonly #rights = new Map<string, Map<string, AccessInfo | null>>();
	readonly #ping: ReturnType<typeof setInterval>;
	/** Sessions closed for malformed messages, and until when their next hello waits (see `#penalize`). */
	readonly #penalties = new Map<string, { strikes: number; until: number }>();
	/** What each session may still send (see `#shareAllowance`). */
	readonly #allowances = new Map<string, Allowance>();

	constructor(options: HubOptions) {
		this.#options = {
			origins: null,
			maxMessageBytes: MAX_MESSAGE_BYTES,
			path: '/sync',
			now: Date.now,
			helloTimeoutMs: 10_000,
			pingIntervalMs: 30_000,
			pace: DEFAULT_PACE,
			...options
		};
		// Frames a little over the limit still arrive, to be answered with a 'tooLarge' error; far
		// larger ones are cut off by ws itself (close code 1009) before they use memory.
		this.#wss = new WebSocketServer({
			noServer: true,
			maxPayload: 4 * this.#options.maxMessageBytes,
			perMessageDeflate: false
		});
		this.#ping = setInterval(() => this.#pingAll(), this.#options.pingIntervalMs);
		this.#ping.unref();
		const { storage } = this.#options;
		this.#feeds = new LogFeeds({
			logAfter: (workspaceId, after, limit) => storage.logAfter(workspaceId, after, limit),
			head: (workspaceId) => storage.head(workspaceId),
			prepareRemote: (workspaceId, records) => this.#prepareRemote(workspaceId, records),
			onError: (error) => console.error('sync: delivering log records failed', error)
		});
	}

	/**
	 * Another server instance on the same database committed records of a workspace up to `seq`
	 * (PostgreSQL NOTIFY): this instance's devices get them, in order.
	 */
	notified(workspaceId: string, seq: number): void {
		this.#feeds.notified(workspaceId, seq);
	}

	/** Reads what other instances wrote while their notifications could not be heard. */
	catchUp(): Promise<void> {
		return this.#feeds.catchUp();
	}

	#rightsOf(workspaceId: string): Map<string, AccessInfo | null> {
		let rights = this.#rights.get(workspaceId);
		if (!rights) this.#rights.set(workspaceId, (rights = new Map()));
		return rights;
	}

	#rememberRights(workspaceId: string, docId: string, access: AccessInfo | null): void {
		if (!this.#byWorkspace.has(workspaceId)) return;
		const rights = this.#rightsOf(workspaceId);
		rights.delete(docId);
		rights.set(docId, access);
		// Oldest first out: a bounded cache, a miss costs one read.
		if (rights.size > RIGHTS_CACHE_SIZE) rights.delete(rights.keys().next().value as string);
	}

	/**
	 * Readies records another instance wrote for this instance's devices: each as the item a device
	 * may learn of it (rights read now), and for a document's first record its rights beforehand, as
	 * the instance that took the push sent them.
	 */
	async #prepareRemote(workspaceId: string, records: readonly LogRecord[]): Promise<(() => void)[]> {
		const { storage } = this.#options;
		const deliveries: (() => void)[] = [];
		// Documents with an earlier record among these: pushes applied together share their time.
		const seen = new Set<string>();
		for (const record of records) {
			let read: AccessInfo | null | undefined;
			let created = false;
			if (!this.#rights.get(workspaceId)?.has(record.docId) || record.kind !== 'update') {
				const doc = await storage.document(workspaceId, record.docId);
				read = doc && doc.purgedAt === null ? doc.access : null;
				// A document's first record: its rights go out first, as the instance that took the push sent them.
				created =
					record.kind === 'update' &&
					doc !== null &&
					doc.createdAt === record.serverTime &&
					!seen.has(record.docId);
			}
			seen.add(record.docId);
			const snapshot =
				record.kind === 'access' && read ? await this.#snapshot(workspaceId, record.docId) : undefined;
			deliveries.push(() => {
				// Rights as of this record: an update takes what earlier records (of any instance, all
				// delivered by now) left in the cache; a change of rights or a deletion sets them.
				const cached = this.#rights.get(workspaceId)?.get(record.docId);
				const access = record.kind === 'update' && cached !== undefined ? cached : (read ?? null);
				this.#rememberRights(workspaceId, record.docId, access);
				const item: QueuedRecord = {
					record,
					access,
					...(record.accessBefore ? { before: record.accessBefore } : {}),
					...(snapshot ? { snapshot } : {})
				};
				const rights =
					created && access
						? encodeServerMessage({ type: 'access', seq: 0, docId: record.docId, access, entries: [] })
						: null;
				for (const connection of this.#byWorkspace.get(workspaceId) ?? []) {
					if (rights && access && canRead(connection.reader, access)) connection.sendBytes(rights);
					this.#sendRecord(connection, item);
				}
			});
		}
		return deliveries;
	}

	/** Connections of a workspace (for tests and the benchmark). */
	connectionCount(workspaceId?: string): number {
		if (workspaceId) return this.#byWorkspace.get(workspaceId)?.size ?? 0;
		return this.#wss.clients.size;
	}

	/** The `upgrade` handler of the HTTP server. */
	handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname !== this.#options.path) return refuse(socket, 404, 'Not Found');
		if (!this.#originAllowed(req)) return refuse(socket, 403, 'Forbidden');
		this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
	};

	#originAllowed(req: IncomingMessage): boolean {
		const origin = req.headers.origin;
		if (!origin) return true;
		const allowed = this.#options.origins;
		if (allowed) return allowed.includes(origin);
		const host = req.headers.host;
		return !!host && (origin === `http://${host}` || origin === `https://${host}`);
	}

	#accept(ws: WebSocket): void {
		const connection = new Connection(ws);
		this.#connections.set(ws, connection);
		const helloTimer = setTimeout(() => {
			if (!connection.auth) connection.error('auth', 'no hello received', '', true);
		}, this.#options.helloTimeoutMs);
		let tail: Promise<void> = Promise.resolve();
		const pacer = new ReadPacer(ws, this.#options.pace);
		connection.pacer = pacer;
		ws.on('pong', () => (connection.alive = true));
		ws.on('message', (data: RawData, isBinary: boolean) => {
			pacer.received(rawLength(data));
			// Messages of one connection are handled in order; pushes then fan out per document.
			tail = tail
				.then(() => this.#onMessage(connection, data, isBinary))
				.catch((error: unknown) => {
					console.error('sync: message failed', error);
					connection.error('internal', 'the server could not handle the message');
				})
				.finally(() => pacer.handled());
		});
		ws.on('close', () => {
			pacer.stop();
			clearTimeout(helloTimer);
			this.#connections.delete(ws);
			if (connection.auth) this.#leave(connection.auth.workspace.id, connection);
		});
		ws.on('error', () => ws.terminate());
	}

	async #onMessage(connection: Connection, data: RawData, isBinary: boolean): Promise<void> {
		if (connection.socket.readyState !== connection.socket.OPEN) return;
		let message: ClientMessage;
		try {
			if (!isBinary) throw new ProtocolError('malformed', 'text messages are not spoken here');
			message = decodeClientMessage(toBytes(data), this.#options.maxMessageBytes);
		} catch (error) {
			if (!(error instanceof ProtocolError)) throw error;
			const tooMany = !!connection.auth && ++connection.errors > MAX_PROTOCOL_ERRORS;
			const fatal = !connection.auth || error.code === 'version' || tooMany;
			if (tooMany) this.#penalize((connection.auth as AuthContext).sessionId);
			connection.error(error.code, error.message, '', fatal);
			return;
		}
		if (!connection.auth) {
			if (message.type !== 'hello') return connection.error('auth', 'sign in first', '', true);
			return this.#hello(connection, message);
		}
		switch (message.type) {
			case 'hello':
				connection.error('malformed', 'already signed in');
				return;
			case 'push':
				if (connection.pushing >= MAX_PENDING_PUSHES) {
					connection.error('busy', 'too many changes at once; send this one again later', message.id);
					return;
				}
				// Not awaited: pushes to different documents proceed side by side.
				this.#enqueuePush(connection, message);
				return;
			case 'syncStep1':
				return this.#syncStep1(connection, message);
			case 'setAccess':
				return this.#onDocument(connection, message.docId, () => this.#setAccess(connection, message));
			case 'purge':
				return this.#onDocument(connection, message.docId, () => this.#purge(connection, message));
		}
	}

	async #hello(connection: Connection, hello: Extract<ClientMessage, { type: 'hello' }>): Promise<void> {
		const auth = await this.#options.authenticate(hello.token);
		if (!auth) return connection.error('auth', 'session unknown, expired or revoked', '', true);
		const waitMs = (this.#penalties.get(auth.sessionId)?.until ?? 0) - this.#options.now();
		if (waitMs > 0) {
			const seconds = Math.ceil(waitMs / 1000);
			return connection.error('busy', `too many malformed messages; connect again in ${seconds} s`, '', true);
		}
		if (hello.workspace !== '' && hello.workspace !== auth.workspace.id) {
			return connection.error('workspace', 'this device holds data of another workspace', '', true);
		}
		this.#shareAllowance(connection, auth.sessionId);
		connection.auth = auth;
		connection.device = hello.device;
		connection.queued = [];
		let members = this.#byWorkspace.get(auth.workspace.id);
		if (!members) this.#byWorkspace.set(auth.workspace.id, (members = new Set()));
		members.add(connection);
		try {
			await this.#feeds.open(auth.workspace.id);
			await this.#resume(connection, hello.cursor);
		} finally {
			const queued = connection.queued;
			connection.queued = null;
			for (const item of queued) this.#sendRecord(connection, item);
		}
	}

	/**
	 * Sends what the device lacks: nothing (one message), the log after its cursor, or, for a fresh
	 * device or one so far behind that the log is longer than the workspace, a snapshot per document.
	 */
	async #resume(connection: Connection, cursor: number): Promise<void> {
		const { storage } = this.#options;
		const auth = connection.auth as AuthContext;
		const workspaceId = auth.workspace.id;
		const head = await storage.head(workspaceId);
		// Snapshots when the log the device lacks is longer than the workspace: counted only that far.
		const behind = head - cursor;
		const fresh =
			cursor === 0 ||
			behind < 0 ||
			(behind > 0 && (await storage.documentCount(workspaceId, behind)) < behind);
		const members = (await storage.members(workspaceId)).map((m) => ({ id: m.user.id, name: m.user.name }));
		// An admin reads every contact; a member may not read only some of the restricted ones.
		const restricted = auth.role === 'admin' ? [] : await storage.restrictedDocuments(workspaceId);
		const hidden = await this.#hiddenFor(
			connection,
			restricted.filter((r): r is ChildRecord => r.parentId !== null)
		);
		const welcome = {
			type: 'welcome' as const,
			user: auth.user,
			workspace: auth.workspace,
			role: auth.role,
			members,
			hidden,
			head,
			fresh
		};
		connection.floor = head;
		if (!fresh && cursor === head) {
			connection.send({ ...welcome, following: 0 });
			connection.queued = (connection.queued ?? []).filter((r) => r.record.seq > head);
			return;
		}
		if (fresh) {
			// What follows is what this user may read: the count tells nothing of the others.
			const documents = await storage.documentCount(workspaceId);
			const readable = documents - restricted.filter((r) => !canRead(connection.reader, r.access)).length;
			connection.send({ ...welcome, following: readable });
			await this.#sendSnapshots(connection, workspaceId);
		} else {
			connection.send({ ...welcome, following: head - cursor });
			// Each record is filtered by its document's rights now (and skipped once it was purged).
			const rights = new Map<string, AccessInfo | null>();
			for (let after = cursor; after < head;) {
				const records = await storage.logAfter(workspaceId, after, PAGE);
				if (records.length === 0) break;
				for (const record of records) {
					if (record.seq > head) break;
					let access = rights.get(record.docId);
					if (access === undefined) {
						const doc = await storage.document(workspaceId, record.docId);
						access = doc && doc.purgedAt === null ? doc.access : null;
						rights.set(record.docId, access);
					}
					const item: QueuedRecord = {
						record,
						access,
						...(record.accessBefore ? { before: record.accessBefore } : {})
					};
					// Who may read a document whose rights changed gets all of it: the device may not have it.
					if (record.kind === 'access' && access && canRead(connection.reader, access)) {
						item.snapshot = await this.#snapshot(workspaceId, record.docId);
					}
					this.#sendRecord(connection, item, true);
					after = record.seq;
				}
				if (!(await connection.drain())) return;
			}
		}
		// Records appended meanwhile are in the queue and follow the caughtUp.
		connection.send({ type: 'caughtUp', seq: head });
		connection.queued = (connection.queued ?? []).filter((r) => r.record.seq > head);
	}

	async #sendSnapshots(connection: Connection, workspaceId: string): Promise<void> {
		const { storage } = this.#options;
		for (let after = ''; ;) {
			const page = await storage.documents(workspaceId, after, PAGE);
			if (page.length === 0) return;
			for (const doc of page) {
				after = doc.docId;
				if (!canRead(connection.reader, doc.access)) continue;
				connection.sendBytes(await this.#snapshot(workspaceId, doc.docId, doc));
			}
			if (!(await connection.drain())) return;
		}
	}

	/** A document as one encoded `snapshot` message: its state, all its history and its rights. */
	async #snapshot(workspaceId: string, docId: string, known?: DocumentRecord): Promise<Uint8Array> {
		const { storage } = this.#options;
		const doc = known ?? (await storage.document(workspaceId, docId));
		if (!doc) throw new Error(`no document ${docId}`);
		const entries = EncodedEntries.join(await storage.entriesOf(workspaceId, docId));
		return encodeServerMessage({ type: 'snapshot', docId, update: doc.state, entries, access: doc.access });
	}

	/**
	 * Sends one log record as what this connection may learn of it. Reading rights are checked per
	 * record: what a user may not read never leaves the server. A change of rights reaches who may
	 * read the document (with all of it, for who could not before) and, as 'revoked', who could
	 * before and no longer can; a tombstone reaches everyone.
	 */
	#sendRecord(connection: Connection, item: QueuedRecord, resuming = false): void {
		if (!resuming && connection.queued) {
			connection.queued.push(item);
			return;
		}
		const { record, access } = item;
		// Sent by the resume already (read from the log before this instance delivered it).
		if (!resuming && record.seq <= connection.floor) return;
		const { seq, docId } = record;
		if (record.kind === 'purge') return connection.send({ type: 'purged', seq, docId });
		if (!access) return;
		const reader = connection.reader;
		if (record.kind === 'access') {
			if (!canRead(reader, access)) {
				if (!item.before || canRead(reader, item.before)) connection.send({ type: 'revoked', seq, docId });
				return;
			}
			if (item.snapshot && (!item.before || !canRead(reader, item.before)))
				connection.sendBytes(item.snapshot);
			if (item.bytes) return connection.sendBytes(item.bytes);
			return connection.send({
				type: 'access',
				seq,
				docId,
				access,
				entries: EncodedEntries.trusted(record.entries)
			});
		}
		if (!canRead(reader, access)) return;
		if (item.bytes) return connection.sendBytes(item.bytes);
		connection.send({
			type: 'update',
			seq,
			docId,
			update: record.update,
			entries: EncodedEntries.trusted(record.entries)
		});
	}

	/**
	 * Runs `work` on a document after everything queued for it before (pushes, changes of rights,
	 * deletion), so a push can never slip past a deletion or a revocation that came first.
	 */
	#onDocument(connection: Connection, docId: string, work: () => Promise<void>): Promise<void> {
		const key = documentKey((connection.auth as AuthContext).workspace.id, docId);
		// Pushes arriving after this work must not join pushes queued before it.
		this.#waitingPushes.delete(key);
		const next = (this.#docChains.get(key) ?? Promise.resolve()).then(work);
		const settled = next.catch(() => undefined);
		this.#docChains.set(key, settled);
		void settled.then(() => {
			if (this.#docChains.get(key) === settled) this.#docChains.delete(key);
		});
		return next;
	}

	/**
	 * Queues a push on its document's chain. A push finding others of its connection still waiting
	 * there joins them: they then take their turn together (see `#pushGroup`).
	 */
	#enqueuePush(connection: Connection, push: Push): void {
		connection.pushing += 1;
		const key = documentKey((connection.auth as AuthContext).workspace.id, push.docId);
		const waiting = this.#waitingPushes.get(key);
		if (
			waiting &&
			waiting.connection === connection &&
			waiting.pushes.length < MAX_GROUP_PUSHES &&
			waiting.bytes + push.update.length <= MAX_GROUP_BYTES
		) {
			waiting.pushes.push(push);
			waiting.bytes += push.update.length;
			return;
		}
		const group: PushGroup = { connection, pushes: [push], bytes: push.update.length };
		void this.#onDocument(connection, push.docId, () => {
			if (this.#waitingPushes.get(key) === group) this.#waitingPushes.delete(key);
			return this.#pushGroup(connection, group.pushes);
		})
			.finally(() => (connection.pushing -= group.pushes.length))
			.catch((error: unknown) => console.error('sync: pushes failed', error));
		this.#waitingPushes.set(key, group);
	}

	/**
	 * Pushes of one connection to one document that waited together. Pushes with history entries go
	 * together (`#pushTogether`); what that leaves, one after another as they came.
	 */
	async #pushGroup(connection: Connection, pushes: Push[]): Promise<void> {
		let alone = pushes;
		if (pushes.length > 1 && pushes.every((push) => push.entries.length > 0)) {
			const answered = new Set<Push>();
			try {
				alone = await this.#pushTogether(connection, pushes, answered);
			} catch (error) {
				alone = [];
				for (const push of pushes) if (!answered.has(push)) this.#notStored(connection, push, error);
			}
		}
		for (const push of alone) {
			try {
				await this.#push(connection, push);
			} catch (error) {
				this.#notStored(connection, push, error);
			}
		}
	}

	#notStored(connection: Connection, push: Push, error: unknown): void {
		console.error('sync: push failed', error);
		connection.error('internal', 'the change could not be stored; it will be sent again', push.id);
	}

	/**
	 * Several pushes to one document as one: the state is read once, their updates are applied in
	 * one guard job (the state encoded once, after the last), and their records are appended
	 * `together` (see AppendInput): all commit or none. Each push keeps its own record, seq, history
	 * entries and acknowledgement, exactly as if it had come alone; every record stores the state
	 * after all of them. Adds each push it answers to `answered`, and returns the pushes left to go
	 * one by one, each then getting its own answer: those not resent, when fewer than two remain or
	 * a push id repeats, when the document is deleted or the device may not edit it, when an update
	 * is refused, or when another instance changed the document meanwhile.
	 */
	async #pushTogether(connection: Connection, pushes: Push[], answered: Set<Push>): Promise<Push[]> {
		const { storage, guard, now } = this.#options;
		const auth = connection.auth as AuthContext;
		const workspaceId = auth.workspace.id;
		const docId = (pushes[0] as Push).docId;
		// Resends (their acknowledgements were lost) get the same answer again.
		const fresh: Push[] = [];
		for (const push of pushes) {
			if (await this.#answeredBefore(connection, push.id)) answered.add(push);
			else fresh.push(push);
		}
		if (fresh.length < 2 || new Set(fresh.map((push) => push.id)).size < fresh.length) return fresh;
		const doc = await storage.document(workspaceId, docId);
		if (doc?.purgedAt || (doc && !canEdit(connection.reader, doc.access))) return fresh;
		const applied = await guard.apply(
			doc?.state ?? null,
			fresh.map((push) => push.update),
			{ key: documentKey(workspaceId, docId), source: auth.sessionId }
		);
		if (!applied.ok) return fresh;
		const serverTime = now();
		const access = await this.#rightsFor(doc, docId, auth);
		const stale: Push[] = [];
		// All appends are called in this turn: they commit together.
		await Promise.all(
			fresh.map((push, i) =>
				this.#store(
					connection,
					push,
					{
						serverTime,
						state: applied.state,
						// After the first, each record follows the one before, which stored this state.
						baseState: i === 0 ? (doc?.state ?? null) : applied.state,
						together: (fresh[0] as Push).id,
						access,
						parentId: applied.parentId,
						...(i === 0 ? changedReferences(doc, applied.references) : {})
					},
					!doc && i === 0
				).then(
					() => void answered.add(push),
					(error: unknown) => {
						if (error instanceof StaleStateError) return void stale.push(push);
						answered.add(push);
						this.#notStored(connection, push, error);
					}
				)
			)
		);
		this.#parentChanged(workspaceId, doc?.parentId ?? null, applied.parentId);
		return stale;
	}

	/**
	 * Applies a push to the document's state and appends it. Another server instance on the same
	 * database may change the document between reading its state and appending: the append then
	 * fails as stale and the push is applied again to the new state.
	 */
	async #push(connection: Connection, push: Push): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.#pushOnce(connection, push);
			} catch (error) {
				if (!(error instanceof StaleStateError) || attempt >= MAX_STALE_RETRIES) throw error;
			}
		}
	}

	async #pushOnce(connection: Connection, push: Push): Promise<void> {
		const { storage, guard, now } = this.#options;
		const auth = connection.auth as AuthContext;
		const workspaceId = auth.workspace.id;
		// A resend (the acknowledgement was lost): the same answer again, nothing stored twice.
		if (await this.#answeredBefore(connection, push.id)) return;
		const doc = await storage.document(workspaceId, push.docId);
		if (doc?.purgedAt) {
			// A deleted contact never comes back by sync: the device drops the change and its copy.
			return connection.error('purged', 'this contact was deleted', push.id);
		}
		if (doc && !canEdit(connection.reader, doc.access)) {
			return connection.error('forbidden', 'you may not change this document', push.id);
		}
		// Keyed by document, so the guard's worker can keep it decoded for the next push.
		const applied = await guard.apply(doc?.state ?? null, push.update, {
			key: documentKey(workspaceId, push.docId),
			source: auth.sessionId
		});
		if (!applied.ok) {
			return connection.error('invalidUpdate', `the update was refused (${applied.reason})`, push.id);
		}
		if (!applied.changed && push.entries.length === 0) {
			// Nothing new and no history to keep (a repair that crossed another): acknowledged with seq 0,
			// which moves no cursor, and not logged, so it cannot bounce between devices.
			connection.send({
				type: 'ack',
				id: push.id,
				seq: 0,
				serverTime: now(),
				author: { id: auth.user.id, name: auth.user.name }
			});
			return;
		}
		const serverTime = now();
		const access = await this.#rightsFor(doc, push.docId, auth);
		await this.#store(
			connection,
			push,
			{
				serverTime,
				state: applied.state,
				baseState: doc?.state ?? null,
				access,
				parentId: applied.parentId,
				...changedReferences(doc, applied.references)
			},
			!doc
		);
		this.#parentChanged(workspaceId, doc?.parentId ?? null, applied.parentId);
	}

	/**
	 * Appends a push's record (the device's update and history, stamped with its author and the
	 * server's time) with what `written` gives of the document, then acknowledges and delivers it.
	 * `created`: the record creates the document (its rights go out first).
	 */
	#store(
		connection: Connection,
		push: Push,
		written: Pick<
			AppendInput,
			'serverTime' | 'state' | 'baseState' | 'together' | 'access' | 'parentId' | 'references'
		>,
		created: boolean
	): Promise<void> {
		const auth = connection.auth as AuthContext;
		const author = { id: auth.user.id, name: auth.user.name };
		const { serverTime } = written;
		return this.#logAndDeliver(
			connection,
			push.id,
			() =>
				this.#options.storage.append({
					...written,
					workspaceId: auth.workspace.id,
					docId: push.docId,
					pushId: push.id,
					update: push.update,
					authorId: auth.user.id,
					device: connection.device,
					clientTime: push.entries[0]?.time ?? serverTime,
					entries: encodeEntries(push.entries.map((e) => ({ ...e, author, serverTime })))
				}),
			(record) => this.#deliverPush(connection, record, written.access, created)
		);
	}

	/** A document's rights, or those it gets when this push creates it. */
	async #rightsFor(doc: DocumentRecord | null, docId: string, auth: AuthContext): Promise<AccessInfo> {
		if (doc) return doc.access;
		// The workspace document (groups, lists) belongs to every member, whatever the default.
		if (docId === WORKSPACE_DOC_ID) return initialAccess(auth.user.id, 'everyoneEdits');
		return initialAccess(auth.user.id, await this.#options.storage.workspaceDefault(auth.workspace.id));
	}

	/** A contact listed under another company now: both companies' counts of hidden persons may change. */
	#parentChanged(workspaceId: string, before: string | null, after: string | null): void {
		const parents = [before, after].filter((p): p is string => p !== null);
		if (before !== after && parents.length > 0)
			void this.#recountHidden(workspaceId, parents).catch((error: unknown) => {
				console.error('sync: counting hidden contact persons failed', error);
			});
	}

	/**
	 * The acknowledgement to the pusher and the record to every other device that may read it; for
	 * a new contact first its rights (outside the log: seq 0) to every device that may read it.
	 */
	#deliverPush(connection: Connection, record: LogRecord, access: AccessInfo, created: boolean): void {
		const auth = connection.auth as AuthContext;
		const workspaceId = auth.workspace.id;
		this.#rememberRights(workspaceId, record.docId, access);
		connection.send(this.#ack(record.pushId, record, auth));
		if (created) {
			const bytes = encodeServerMessage({ type: 'access', seq: 0, docId: record.docId, access, entries: [] });
			for (const other of this.#byWorkspace.get(workspaceId) ?? []) {
				if (canRead(other.reader, access)) other.sendBytes(bytes);
			}
		}
		// The pusher may have gone meanwhile: count the others, not the members.
		const members = this.#byWorkspace.get(workspaceId);
		if (!members || members.size === (members.has(connection) ? 1 : 0)) return;
		// Encoded once, sent to every other device that may read it.
		const item: QueuedRecord = {
			record,
			access,
			bytes: encodeServerMessage({
				type: 'update',
				seq: record.seq,
				docId: record.docId,
				update: record.update,
				entries: EncodedEntries.trusted(record.entries)
			})
		};
		for (const other of members) if (other !== connection) this.#sendRecord(other, item);
	}

	/**
	 * A session whose connection was closed for too many malformed messages waits before its next
	 * hello is taken: 1 s, doubling with each further closing, at most a minute. A device that
	 * speaks the protocol never gets here; a client that does would otherwise reconnect at once,
	 * and every hello (sign-in and resume) costs the server far more than refusing one.
	 */
	#penalize(sessionId: string): void {
		const now = this.#options.now();
		for (const [id, penalty] of this.#penalties) {
			if (penalty.until + PENALTY_MEMORY_MS < now) this.#penalties.delete(id);
		}
		const strikes = (this.#penalties.get(sessionId)?.strikes ?? 0) + 1;
		const waitMs = Math.min(MAX_PENALTY_MS, 1000 * 2 ** (strikes - 1));
		this.#penalties.set(sessionId, { strikes, until: now + waitMs });
	}

	/**
	 * Paces a signed-in connection from its session's allowance, so a sender that reconnects
	 * continues where its last connection left off instead of with a new burst (see read-pacer.ts).
	 */
	#shareAllowance(connection: Connection, sessionId: string): void {
		const pacer = connection.pacer;
		if (!pacer) return;
		const shared = this.#allowances.get(sessionId);
		if (shared) return pacer.share(shared);
		if (this.#allowances.size >= ALLOWANCES_KEPT) {
			for (const [id, allowance] of this.#allowances)
				if (pacer.isFull(allowance)) this.#allowances.delete(id);
		}
		this.#allowances.set(sessionId, pacer.allowance);
	}

	/** A device left: the workspace is no longer followed here once its last device has gone. */
	#leave(workspaceId: string, connection: Connection): void {
		const members = this.#byWorkspace.get(workspaceId);
		members?.delete(connection);
		if (members && members.size === 0) {
			this.#byWorkspace.delete(workspaceId);
			this.#feeds.close(workspaceId);
			this.#rights.delete(workspaceId);
		}
	}

	/**
	 * Answers a push or request whose id the log holds already (its answer was lost) with the same
	 * acknowledgement, in seq order; true when it did.
	 */
	async #answeredBefore(connection: Connection, id: string): Promise<boolean> {
		const auth = connection.auth as AuthContext;
		const earlier = await this.#options.storage.logByPushId(auth.workspace.id, id);
		if (!earlier) return false;
		this.#feeds.offer(auth.workspace.id, earlier.seq, () => connection.send(this.#ack(id, earlier, auth)));
		return true;
	}

	/**
	 * Writes a log record (`write`) and hands its delivery to the feed, which runs it once every
	 * earlier record of the workspace was delivered (see log-feed.ts).
	 */
	async #logAndDeliver(
		connection: Connection,
		id: string,
		write: () => Promise<LogRecord>,
		deliver: (record: LogRecord) => void
	): Promise<void> {
		const workspaceId = (connection.auth as AuthContext).workspace.id;
		this.#feeds.begin(workspaceId, id);
		try {
			const record = await write();
			this.#feeds.offer(workspaceId, record.seq, () => deliver(record));
		} finally {
			this.#feeds.end(workspaceId, id);
		}
	}

	/** A change of rights or a deletion: acknowledged to who asked, sent to every device as it may learn of it. */
	#deliverServerRecord(connection: Connection, item: QueuedRecord): void {
		const auth = connection.auth as AuthContext;
		const workspaceId = auth.workspace.id;
		this.#rememberRights(workspaceId, item.record.docId, item.access);
		connection.send(this.#ack(item.record.pushId, item.record, auth));
		for (const other of this.#byWorkspace.get(workspaceId) ?? []) this.#sendRecord(other, item);
	}

	#ack(id: string, record: LogRecord, auth: AuthContext): OutgoingServerMessage {
		const name = record.authorId === auth.user.id ? auth.user.name : '';
		return {
			type: 'ack',
			id,
			seq: record.seq,
			serverTime: record.serverTime,
			author: { id: record.authorId, name }
		};
	}

	async #syncStep1(
		connection: Connection,
		message: Extract<ClientMessage, { type: 'syncStep1' }>
	): Promise<void> {
		const { storage, guard } = this.#options;
		const workspaceId = (connection.auth as AuthContext).workspace.id;
		const doc = await storage.document(workspaceId, message.docId);
		if (doc?.purgedAt) return connection.send({ type: 'purged', seq: 0, docId: message.docId });
		if (doc && !canRead(connection.reader, doc.access)) {
			return connection.error('forbidden', 'you may not read this document', message.docId);
		}
		const diff = await guard.diff(doc?.state ?? null, message.stateVector, {
			key: documentKey(workspaceId, message.docId),
			source: (connection.auth as AuthContext).sessionId
		});
		if (!diff.ok) {
			return connection.error('malformed', `state vector refused (${diff.reason})`, message.docId);
		}
		connection.send({
			type: 'syncStep2',
			docId: message.docId,
			update: diff.update,
			stateVector: diff.stateVector
		});
	}

	/**
	 * Changes a contact's rights: only its owner or an admin may, and only to members of the
	 * workspace. The change is logged with a history entry (who granted what to whom, when) and
	 * reaches every device as its user may now see it.
	 */
	async #setAccess(
		connection: Connection,
		message: Extract<ClientMessage, { type: 'setAccess' }>
	): Promise<void> {
		const { storage, now } = this.#options;
		const auth = connection.auth as AuthContext;
		const workspaceId = auth.workspace.id;
		// A repeated request (its answer was lost) gets the same answer; it was delivered before.
		if (await this.#answeredBefore(connection, message.id)) return;
		const doc = await storage.document(workspaceId, message.docId);
		if (!doc || message.docId === WORKSPACE_DOC_ID) {
			return connection.error('malformed', 'no such contact', message.id);
		}
		if (doc.purgedAt) return connection.error('purged', 'this contact was deleted', message.id);
		if (!canManage(connection.reader, doc.access)) {
			return connection.error(
				'forbidden',
				'only the owner or an admin may change who has access',
				message.id
			);
		}
		const members = await storage.members(workspaceId);
		const names = new Map(members.map((m) => [m.user.id, m.user.name]));
		const named = [message.access.ownerId, ...Object.keys(message.access.users)];
		if (!named.every((id) => names.has(id))) {
			return connection.error(
				'malformed',
				'access can be given to members of the workspace only',
				message.id
			);
		}
		const before = doc.access;
		const changes = accessChanges(before, message.access);
		const serverTime = now();
		const author = { id: auth.user.id, name: auth.user.name };
		const entries: WireEntry[] =
			changes.length === 0
				? []
				: [
						{
							id: uuidv7(serverTime),
							time: serverTime,
							author,
							device: connection.device,
							changes: changes.map((c): FieldChange => {
								const change: FieldChange = { path: accessPath(c.subject) };
								if (c.from !== null) change.from = c.from;
								if (c.to !== null) change.to = c.to;
								return change;
							}),
							svBefore: NO_STATE,
							client: 0,
							clockEnd: 0,
							serverTime
						}
					];
		let snapshot: Uint8Array | undefined;
		await this.#logAndDeliver(
			connection,
			message.id,
			async () => {
				const record = await storage.setAccess({
					workspaceId,
					docId: message.docId,
					pushId: message.id,
					authorId: auth.user.id,
					device: connection.device,
					serverTime,
					entries: entries.length === 0 ? EMPTY_ENTRIES : encodeEntries(entries),
					access: message.access
				});
				snapshot = await this.#snapshot(workspaceId, message.docId);
				return record;
			},
			(record) =>
				this.#deliverServerRecord(connection, {
					record,
					access: message.access,
					before,
					...(snapshot ? { snapshot } : {}),
					bytes: encodeServerMessage({
						type: 'access',
						seq: record.seq,
						docId: message.docId,
						access: message.access,
						entries
					})
				})
		);
		if (doc.parentId) await this.#recountHidden(workspaceId, [doc.parentId]);
	}

	/**
	 * Deletes a contact for good (its owner or an admin): the storage keeps a tombstone only, and
	 * every device drops its copy.
	 */
	async #purge(connection: Connection, message: Extract<ClientMessage, { type: 'purge' }>): Promise<void> {
		const { storage, now } = this.#options;
		const auth = connection.auth as AuthContext;
		const workspaceId = auth.workspace.id;
		if (await this.#answeredBefore(connection, message.id)) return;
		const doc = await storage.document(workspaceId, message.docId);
		if (!doc || message.docId === WORKSPACE_DOC_ID) {
			return connection.error('malformed', 'no such contact', message.id);
		}
		if (!canManage(connection.reader, doc.access)) {
			return connection.error('forbidden', 'only the owner or an admin may delete this contact', message.id);
		}
		if (doc.purgedAt) return connection.error('purged', 'this contact was deleted already', message.id);
		// The reference index: contact persons under it, customers naming it as invoice recipient ...
		// The device resolves what its user can see first; what remains (or is hidden) blocks.
		if ((await storage.referrers(workspaceId, message.docId)).length > 0) {
			return connection.error('referenced', 'other contacts or documents refer to this contact', message.id);
		}
		const serverTime = now();
		await this.#logAndDeliver(
			connection,
			message.id,
			() =>
				storage.purge({
					workspaceId,
					docId: message.docId,
					pushId: message.id,
					authorId: auth.user.id,
					device: connection.device,
					serverTime,
					entries: EMPTY_ENTRIES
				}),
			(record) => this.#deliverServerRecord(connection, { record, access: null })
		);
		if (doc.parentId) await this.#recountHidden(workspaceId, [doc.parentId]);
	}

	/**
	 * How many of `children` (all, or those of some contacts) this connection's user may not read,
	 * per contact they are listed under and the user may read: the device shows "1 hidden contact
	 * person" where it lists the others.
	 */
	async #hiddenFor(
		connection: Connection,
		children: readonly ChildRecord[],
		parents?: readonly string[]
	): Promise<{ docId: string; count: number }[]> {
		const reader = connection.reader;
		const counts = new Map<string, number>((parents ?? []).map((p) => [p, 0]));
		for (const child of children) {
			if (!canRead(reader, child.access)) counts.set(child.parentId, (counts.get(child.parentId) ?? 0) + 1);
		}
		const workspaceId = (connection.auth as AuthContext).workspace.id;
		const visible: { docId: string; count: number }[] = [];
		for (const [docId, count] of counts) {
			if (count === 0 && !parents) continue;
			const parent = await this.#options.storage.document(workspaceId, docId);
			if (parent && !parent.purgedAt && canRead(reader, parent.access)) visible.push({ docId, count });
		}
		return visible;
	}

	/** Tells every device of the workspace the new hidden counts of `parents`' contact persons. */
	async #recountHidden(workspaceId: string, parents: readonly string[]): Promise<void> {
		const children = (
			await Promise.all(parents.map((p) => this.#options.storage.children(workspaceId, p)))
		).flat();
		for (const connection of this.#byWorkspace.get(workspaceId) ?? []) {
			const counts = await this.#hiddenFor(connection, children, parents);
			if (counts.length > 0) connection.send({ type: 'hidden', counts });
		}
	}

	#pingAll(): void {
		for (const [ws, connection] of this.#connections) {
			// A connection the pacer holds back cannot read its pong: it is slow, not gone.
			if (!connection.alive && !connection.pacer?.paused) {
				ws.terminate();
				continue;
			}
			connection.alive = false;
			ws.ping();
		}
	}

	/** Closes the connections of an ended session; their devices are told to sign in again. */
	endSession(sessionId: string): void {
		this.#allowances.delete(sessionId);
		for (const connection of this.#connections.values()) {
			if (connection.auth?.sessionId === sessionId) {
				connection.error('auth', 'the session was ended', '', true);
			}
		}
	}

	/** Closes every connection (devices reconnect and resume) and stops accepting new ones. */
	async close(): Promise<void> {
		clearInterval(this.#ping);
		for (const ws of this.#wss.clients) ws.close(1001, 'server shutting down');
		await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
		await Promise.allSettled([...this.#docChains.values()]);
		this.#feeds.stop();
	}
}

/** Where a change of rights shows in a history entry: ['access', 'owner' | 'everyone' | 'users', id]. */
function accessPath(subject: string): string[] {
	return subject === 'owner' || subject === 'everyone' ? ['access', subject] : ['access', 'users', subject];
}

function rawLength(data: RawData): number {
	return Array.isArray(data) ? data.reduce((sum, part) => sum + part.byteLength, 0) : data.byteLength;
}

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function refuse(socket: Duplex, status: number, text: string): void {
	socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** True when two lists of references name the same things in the same order. */
/** A document across workspaces: its chain of work here, and its job key in the update guard. */
function documentKey(workspaceId: string, docId: string): string {
	return `${workspaceId}\0${docId}`;
}

function sameReferences(a: readonly DocReference[], b: readonly DocReference[]): boolean {
	return a.length === b.length && a.every((r, i) => r.kind === b[i]?.kind && r.docId === b[i]?.docId);
}

/** The references to write with an append: only when they changed, as most edits leave them as they are. */
function changedReferences(
	doc: DocumentRecord | null,
	references: readonly DocReference[]
): { references?: readonly DocReference[] } {
	return doc && sameReferences(doc.references, references) ? {} : { references };
}
