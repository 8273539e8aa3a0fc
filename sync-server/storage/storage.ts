/**
 * What the sync server stores, as one interface. SQLite (better-sqlite3, the default) implements it
 * now; PostgreSQL follows for several server instances, so every method is asynchronous even where
 * SQLite answers at once.
 *
 * Secrets never reach storage in plain form: sessions and invites are kept as SHA-256 hashes of
 * their random tokens, passwords as scrypt hashes (see accounts.ts).
 */

import type { AccessInfo, WorkspaceDefault } from '../../src/lib/domain/access';

export type Role = 'admin' | 'member';

export interface User {
	id: string;
	email: string;
	name: string;
	/** scrypt hash in the form `scrypt$N$r$p$salt$hash` (base64). */
	passwordHash: string;
	createdAt: number;
}

export interface Workspace {
	id: string;
	name: string;
	createdAt: number;
}

export interface Membership {
	workspaceId: string;
	userId: string;
	role: Role;
}

export interface Session {
	id: string;
	/** SHA-256 of the token, hex. */
	tokenHash: string;
	userId: string;
	workspaceId: string;
	createdAt: number;
	lastSeenAt: number;
	expiresAt: number;
	/** Set when revoked (logout, or revoked from another session). */
	revokedAt: number | null;
	/** What the session was opened from, for the list of sessions ("Chromium on Linux"). */
	label: string;
}

export interface Invite {
	id: string;
	/** SHA-256 of the token, hex. */
	tokenHash: string;
	workspaceId: string;
	role: Role;
	/** Who it was made for (informational; whoever holds the link can use it once). */
	email: string;
	createdBy: string;
	createdAt: number;
	expiresAt: number;
	usedAt: number | null;
	usedBy: string | null;
}

/** One stored document of a workspace: its compacted state as one Yjs update. */
export interface DocumentRecord {
	workspaceId: string;
	docId: string;
	/** Its owner: the creator (first pusher) unless handed on; the same as `access.ownerId`. */
	ownerId: string;
	/** Who may read and edit it. */
	access: AccessInfo;
	/** The contact it is listed under (a contact person's company), as its state says. */
	parentId: string | null;
	/** What else it points at (an invoice recipient ...), as its state says; see `DocReference`. */
	references: DocReference[];
	state: Uint8Array;
	createdAt: number;
	updatedAt: number;
	/** Set once the document was deleted for good: state and history are gone, this row is its tombstone. */
	purgedAt: number | null;
	purgedBy: string | null;
}

/**
 * One thing a document points at besides its parent: a customer's different invoice recipient
 * ('invoiceRecipient'); business documents will point at their contact the same way. The reference
 * index: a document that something points at cannot be purged.
 */
export interface DocReference {
	kind: string;
	/** The document pointed at. */
	docId: string;
}

/** Something that points at a document, with the rights of who points (to tell who may see it). */
export interface Referrer {
	/** 'contactPerson' for a document listed under it, else the `DocReference` kind. */
	kind: string;
	docId: string;
	access: AccessInfo;
}

/** The Yjs update that changes nothing, and the encoded empty list of history entries. */
export const EMPTY_UPDATE = Uint8Array.of(0, 0);
export const EMPTY_ENTRIES = Uint8Array.of(0);

/** What a log record is: a document change, a change of rights, or a deletion's tombstone. */
export type LogKind = 'update' | 'access' | 'purge';

/** One record of the append-only log. */
export interface LogRecord {
	workspaceId: string;
	/** Gap-free per workspace, starting at 1. */
	seq: number;
	kind: LogKind;
	docId: string;
	/** The device's id for the push; pushing the same id again returns this record. */
	pushId: string;
	update: Uint8Array;
	authorId: string;
	device: string;
	/** The device's clock when the change was made (the first entry's time; else the server time). */
	clientTime: number;
	serverTime: number;
	/** The history entries carried with the update, stamped, encoded with `encodeEntries`. */
	entries: Uint8Array;
	/** For an 'access' record: the rights before the change (who could read it until then). */
	accessBefore?: AccessInfo;
}

export interface AppendInput {
	workspaceId: string;
	docId: string;
	pushId: string;
	update: Uint8Array;
	authorId: string;
	device: string;
	clientTime: number;
	serverTime: number;
	entries: Uint8Array;
	/**
	 * The document's state after applying the update; for appends made `together`, the state after
	 * all of them.
	 */
	state: Uint8Array;
	/** The rights of the document should this append create it (ignored otherwise). */
	access: AccessInfo;
	/** The contact the document is listed under after the update. */
	parentId: string | null;
	/**
	 * What the document points at after the update, when that changed (or it is new); left out,
	 * the stored references stay.
	 */
	references?: readonly DocReference[];
	/**
	 * The stored state the update was applied to (null: the document did not exist). When given and
	 * the document's state is another by now (another server instance wrote it meanwhile), the append
	 * fails with `StaleStateError` and writes nothing: the caller applies the update again. One
	 * instance serialises the pushes to a document itself; SQLite, which serves one instance, does not
	 * check it. Appends made `together` chain: after the first, each gives the state the one before
	 * it stored.
	 */
	baseState?: Uint8Array | null;
	/**
	 * Appends called in one turn with the same value commit together or not at all: when the batch
	 * they are in fails and its appends are retried apart, they are retried as one. Pushes applied
	 * together (one state for all) use it, so the state never holds an update whose record failed.
	 */
	together?: string;
}

/**
 * The items of a failed batch as they are retried apart: one by one, but items next to each other
 * with the same `together` (see AppendInput) as one.
 */
export function retryUnits<T>(items: readonly T[], together: (item: T) => string | undefined): T[][] {
	const units: T[][] = [];
	let last: string | undefined;
	for (const item of items) {
		const key = together(item);
		const unit = units.at(-1);
		if (unit && key !== undefined && key === last) unit.push(item);
		else units.push([item]);
		last = key;
	}
	return units;
}

/** An append based on a state that is no longer the document's (see `AppendInput.baseState`). */
export class StaleStateError extends Error {
	constructor(readonly docId: string) {
		super(`The state of document ${docId} changed meanwhile`);
		this.name = 'StaleStateError';
	}
}

/** A contact listed under another, with what deciding who may see it needs. */
export interface ChildRecord {
	docId: string;
	parentId: string;
	access: AccessInfo;
}

/** A document not every member may read, and the contact it is listed under (null: none). */
export interface RestrictedRecord {
	docId: string;
	parentId: string | null;
	access: AccessInfo;
}

/** A log record the server writes itself (a change of rights, a tombstone): no update of its own. */
export interface ServerRecordInput {
	workspaceId: string;
	docId: string;
	/** The request's id, so a repeated request is logged once. */
	pushId: string;
	authorId: string;
	device: string;
	serverTime: number;
	/** The history entries to keep with it (encoded); EMPTY_ENTRIES for none. */
	entries: Uint8Array;
}

/**
 * The log record of a change of rights or a tombstone at `seq`: no update of its own, and the
 * server's time as the client time (the server made it). Both storages write it the same way.
 */
export function serverLogRecord(input: ServerRecordInput, seq: number, kind: 'access' | 'purge'): LogRecord {
	const { workspaceId, docId, pushId, authorId, device, serverTime, entries } = input;
	return {
		workspaceId,
		seq,
		kind,
		docId,
		pushId,
		update: EMPTY_UPDATE,
		authorId,
		device,
		clientTime: serverTime,
		serverTime,
		entries
	};
}

/** The log record an append of `input` writes at `seq`. Both storages write it the same way. */
export function appendedRecord(input: AppendInput, seq: number): LogRecord {
	const {
		state: _state,
		access: _access,
		parentId: _parentId,
		references: _refs,
		baseState: _base,
		...fields
	} = input;
	return { ...fields, seq, kind: 'update' };
}

export interface Storage {
	// ---- accounts ----
	userCount(): Promise<number>;
	/**
	 * Creates the first user, the workspace and the user's admin membership in one transaction, only
	 * while no user exists; false when one does (two setups racing: exactly one wins).
	 */
	createFirstAccount(user: User, workspace: Workspace): Promise<boolean>;
	createUser(user: User): Promise<void>;
	userById(id: string): Promise<User | null>;
	/** E-mail addresses compare case-insensitively. */
	userByEmail(email: string): Promise<User | null>;

	createWorkspace(workspace: Workspace): Promise<void>;
	workspaceById(id: string): Promise<Workspace | null>;
	addMember(membership: Membership): Promise<void>;
	membership(workspaceId: string, userId: string): Promise<Membership | null>;
	/** Members with their user records, in order of name. */
	members(workspaceId: string): Promise<(Membership & { user: Pick<User, 'id' | 'email' | 'name'> })[]>;
	/** The workspaces a user belongs to, oldest first. */
	workspacesOf(userId: string): Promise<Membership[]>;
	/** The rights new contacts of the workspace get. */
	workspaceDefault(workspaceId: string): Promise<WorkspaceDefault>;
	setWorkspaceDefault(workspaceId: string, value: WorkspaceDefault): Promise<void>;

	createSession(session: Session): Promise<void>;
	sessionByTokenHash(tokenHash: string): Promise<Session | null>;
	sessionsOf(userId: string): Promise<Session[]>;
	/** Records use of a session at `at`; with `expiresAt`, also moves its expiry (sliding sessions). */
	touchSession(id: string, at: number, expiresAt?: number): Promise<void>;
	revokeSession(id: string, at: number): Promise<void>;

	createInvite(invite: Invite): Promise<void>;
	inviteByTokenHash(tokenHash: string): Promise<Invite | null>;
	invitesOf(workspaceId: string): Promise<Invite[]>;
	/**
	 * Marks an invite used, creates the user and the membership, in one transaction; false when the
	 * invite was used meanwhile (single use holds even when two people accept at once).
	 */
	acceptInvite(inviteId: string, user: User, at: number): Promise<boolean>;
	/** Marks an open invite used at `at` by nobody (`usedBy` stays null), so it can no longer be accepted. */
	revokeInvite(inviteId: string, at: number): Promise<void>;

	// ---- documents and log ----
	/** The document, or its tombstone when purged; null when never stored. */
	document(workspaceId: string, docId: string): Promise<DocumentRecord | null>;
	/** Documents not purged, in order of id after `afterDocId` ('' = from the start), at most `limit`. */
	documents(workspaceId: string, afterDocId: string, limit: number): Promise<DocumentRecord[]>;
	/**
	 * Documents not purged, counted up to `atMost` (all when not given): whether a workspace has
	 * fewer documents than a device lags behind costs no more than that many index entries.
	 */
	documentCount(workspaceId: string, atMost?: number): Promise<number>;
	/**
	 * Documents not purged whose rights give everyone in the workspace nothing (`everyone: 'none'`):
	 * the only ones some member may not read. What a member's hello counts as hidden or unreadable.
	 */
	restrictedDocuments(workspaceId: string): Promise<RestrictedRecord[]>;
	/** Documents not purged that are listed under `parentId`. */
	children(workspaceId: string, parentId: string): Promise<ChildRecord[]>;
	/**
	 * What points at a document: documents not purged that are listed under it or name it in their
	 * references. Deleting it is refused while there are any.
	 */
	referrers(workspaceId: string, docId: string): Promise<Referrer[]>;
	/** The record an earlier push with this id produced, if any (idempotent pushes). */
	logByPushId(workspaceId: string, pushId: string): Promise<LogRecord | null>;
	/**
	 * Appends one log record with the next seq of the workspace and writes the document's new state
	 * (creating the document with `authorId` as owner when new), in one durable transaction. A push id
	 * the workspace's log already holds writes nothing and returns the earlier record, so a retried
	 * push racing its first attempt cannot be logged twice.
	 */
	append(input: AppendInput): Promise<LogRecord>;
	/**
	 * Gives the document new rights (and owner) and logs that as an 'access' record, in one
	 * transaction; a request id seen before changes nothing and returns the earlier record.
	 */
	setAccess(input: ServerRecordInput & { access: AccessInfo }): Promise<LogRecord>;
	/**
	 * Deletes the document for good, in one transaction: its state, its references, and the updates
	 * and history of all its log records, are emptied; a 'purge' record and the document row remain
	 * as tombstone (id, who, when). A request id seen before changes nothing and returns the earlier record.
	 */
	purge(input: ServerRecordInput): Promise<LogRecord>;
	/** Log records after `afterSeq`, in order, at most `limit`. */
	logAfter(workspaceId: string, afterSeq: number, limit: number): Promise<LogRecord[]>;
	/** The encoded history entries of a document, in log order (for snapshots). */
	entriesOf(workspaceId: string, docId: string): Promise<Uint8Array[]>;
	/** The newest seq of the workspace's log; 0 when empty. */
	head(workspaceId: string): Promise<number>;
	/** Log records of the workspace (for tests and the bench): how many. */
	logCount(workspaceId: string): Promise<number>;

	close(): Promise<void>;
}
