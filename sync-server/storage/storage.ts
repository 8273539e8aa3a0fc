/**
 * What the sync server stores, as one interface. SQLite (better-sqlite3, the default) implements it
 * now; PostgreSQL follows for several server instances, so every method is asynchronous even where
 * SQLite answers at once.
 *
 * Secrets never reach storage in plain form: sessions and invites are kept as SHA-256 hashes of
 * their random tokens, passwords as scrypt hashes (see accounts.ts).
 */

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
	/** The user who created it (first pushed it). Per-contact rights build on this. */
	ownerId: string;
	state: Uint8Array;
	createdAt: number;
	updatedAt: number;
}

/** One record of the append-only log. */
export interface LogRecord {
	workspaceId: string;
	/** Gap-free per workspace, starting at 1. */
	seq: number;
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
	/** The document's state after applying the update. */
	state: Uint8Array;
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
	document(workspaceId: string, docId: string): Promise<DocumentRecord | null>;
	/** Documents in order of id after `afterDocId` ('' = from the start), at most `limit`. */
	documents(workspaceId: string, afterDocId: string, limit: number): Promise<DocumentRecord[]>;
	documentCount(workspaceId: string): Promise<number>;
	/** The record an earlier push with this id produced, if any (idempotent pushes). */
	logByPushId(workspaceId: string, pushId: string): Promise<LogRecord | null>;
	/**
	 * Appends one log record with the next seq of the workspace and writes the document's new state
	 * (creating the document with `authorId` as owner when new), in one durable transaction. A push id
	 * the workspace's log already holds writes nothing and returns the earlier record, so a retried
	 * push racing its first attempt cannot be logged twice.
	 */
	append(input: AppendInput): Promise<LogRecord>;
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
