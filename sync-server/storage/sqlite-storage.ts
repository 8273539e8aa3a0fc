/**
 * The default `Storage`: one SQLite file through better-sqlite3. better-sqlite3 is synchronous: the
 * reads run to completion on the calling thread, and the writes do so in the writer thread (see
 * sqlite-writer.ts), one after another.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteWriter } from './sqlite-writer';
import { WORKSPACE_DEFAULTS, type AccessInfo, type WorkspaceDefault } from '../../src/lib/domain/access';
import {
	appendedRecord,
	retryUnits,
	EMPTY_ENTRIES,
	EMPTY_UPDATE,
	type AppendInput,
	type DocReference,
	serverLogRecord,
	type DocumentRecord,
	type Invite,
	type LogRecord,
	type Membership,
	type ServerRecordInput,
	type Session,
	type Storage,
	type User,
	type Workspace
} from './storage';

type Db = Database.Database;

/** How long a connection waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/** WAL pages (4 KB each) between automatic checkpoints. */
const WAL_CHECKPOINT_PAGES = 10_000;

/** Rights that give everyone in the workspace nothing, as the index documents_restricted (step 7) says it. */
const RESTRICTED = "json_extract(access, '$.everyone') = 'none'";

/**
 * Schema steps, applied in order; `PRAGMA user_version` counts how many a file has. Never edit a
 * released step: append a new one, so every existing file reaches the same schema.
 */
const MIGRATIONS: readonly ((db: Db) => void)[] = [
	(db) =>
		db.exec(`
			CREATE TABLE users (
				id TEXT PRIMARY KEY,
				email TEXT NOT NULL UNIQUE, -- lower-cased, so uniqueness is case-insensitive
				name TEXT NOT NULL,
				password_hash TEXT NOT NULL,
				created_at INTEGER NOT NULL
			) STRICT;
			CREATE TABLE workspaces (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				created_at INTEGER NOT NULL
			) STRICT;
			CREATE TABLE memberships (
				workspace_id TEXT NOT NULL REFERENCES workspaces (id),
				user_id TEXT NOT NULL REFERENCES users (id),
				role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
				PRIMARY KEY (workspace_id, user_id)
			) STRICT;
			CREATE INDEX memberships_user ON memberships (user_id);
			CREATE TABLE sessions (
				id TEXT PRIMARY KEY,
				token_hash TEXT NOT NULL UNIQUE,
				user_id TEXT NOT NULL REFERENCES users (id),
				workspace_id TEXT NOT NULL REFERENCES workspaces (id),
				created_at INTEGER NOT NULL,
				last_seen_at INTEGER NOT NULL,
				expires_at INTEGER NOT NULL,
				revoked_at INTEGER,
				label TEXT NOT NULL
			) STRICT;
			CREATE INDEX sessions_user ON sessions (user_id);
			CREATE TABLE invites (
				id TEXT PRIMARY KEY,
				token_hash TEXT NOT NULL UNIQUE,
				workspace_id TEXT NOT NULL REFERENCES workspaces (id),
				role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
				email TEXT NOT NULL,
				created_by TEXT NOT NULL REFERENCES users (id),
				created_at INTEGER NOT NULL,
				expires_at INTEGER NOT NULL,
				used_at INTEGER,
				used_by TEXT REFERENCES users (id)
			) STRICT;
			CREATE INDEX invites_workspace ON invites (workspace_id);
			CREATE TABLE documents (
				workspace_id TEXT NOT NULL REFERENCES workspaces (id),
				doc_id TEXT NOT NULL,
				owner_id TEXT NOT NULL REFERENCES users (id),
				state BLOB NOT NULL,
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL,
				purged_at INTEGER,
				PRIMARY KEY (workspace_id, doc_id)
			) STRICT;
			CREATE TABLE log (
				workspace_id TEXT NOT NULL REFERENCES workspaces (id),
				seq INTEGER NOT NULL,
				doc_id TEXT NOT NULL,
				push_id TEXT NOT NULL,
				"update" BLOB NOT NULL,
				author_id TEXT NOT NULL REFERENCES users (id),
				device TEXT NOT NULL,
				client_time INTEGER NOT NULL,
				server_time INTEGER NOT NULL,
				entries BLOB NOT NULL,
				PRIMARY KEY (workspace_id, seq),
				UNIQUE (workspace_id, push_id)
			) STRICT;
			CREATE INDEX log_document ON log (workspace_id, doc_id, seq);
		`),
	// Rights per document (the owner stays in owner_id), the workspace's default for new contacts,
	// tombstones of purged documents, and the kind of each log record.
	(db) =>
		db.exec(`
			ALTER TABLE documents ADD COLUMN access TEXT NOT NULL DEFAULT '{"everyone":"edit","users":{}}';
			ALTER TABLE documents ADD COLUMN purged_by TEXT;
			ALTER TABLE workspaces ADD COLUMN default_access TEXT NOT NULL DEFAULT 'everyoneEdits'
				CHECK (default_access IN ('everyoneEdits', 'private'));
			ALTER TABLE log ADD COLUMN kind TEXT NOT NULL DEFAULT 'update' CHECK (kind IN ('update', 'access', 'purge'));
		`),
	// The contact each document is listed under, to count the contact persons a user cannot see.
	(db) =>
		db.exec(`
			ALTER TABLE documents ADD COLUMN parent_id TEXT;
			CREATE INDEX documents_parent ON documents (workspace_id, parent_id) WHERE parent_id IS NOT NULL;
		`),
	// The rights before each change of rights, so a resuming device is told only what concerns it.
	(db) => db.exec('ALTER TABLE log ADD COLUMN access_before TEXT'),
	// The reference index: what each document points at besides its parent (JSON on the document,
	// read with it; one row each in doc_references, to find who points at a document).
	(db) =>
		db.exec(`
			ALTER TABLE documents ADD COLUMN refs TEXT NOT NULL DEFAULT '[]';
			CREATE TABLE doc_references (
				workspace_id TEXT NOT NULL,
				from_doc TEXT NOT NULL,
				kind TEXT NOT NULL,
				to_doc TEXT NOT NULL,
				PRIMARY KEY (workspace_id, from_doc, kind, to_doc)
			) STRICT, WITHOUT ROWID;
			CREATE INDEX doc_references_to ON doc_references (workspace_id, to_doc);
		`),
	// What every hello reads: how many documents the workspace has, and which are contact persons
	// under whom with which rights, from indexes alone. Counting and listing them from the table
	// read every row past its state: 140 ms for 50,000 contacts, on each device's reconnect.
	(db) =>
		db.exec(`
			CREATE INDEX documents_live ON documents (workspace_id, purged_at) WHERE purged_at IS NULL;
			CREATE INDEX documents_children ON documents (workspace_id, parent_id, doc_id, owner_id, access, purged_at)
				WHERE parent_id IS NOT NULL AND purged_at IS NULL;
		`),
	// What a member's hello counts as hidden from them: only documents whose rights give everyone
	// nothing can be, indexed alone. Listing every contact person with its rights and checking each
	// took 9 ms of the event loop per hello with 50,000 contacts.
	(db) =>
		db.exec(`
			CREATE INDEX documents_restricted ON documents (workspace_id, doc_id, parent_id, owner_id, access, purged_at)
				WHERE purged_at IS NULL AND json_extract(access, '$.everyone') = 'none';
		`)
];

/** The schema version this server writes; a file with a higher one came from a newer server. */
export const SCHEMA_VERSION = MIGRATIONS.length;

const USER_COLUMNS = 'id, email, name, password_hash AS passwordHash, created_at AS createdAt';
const SESSION_COLUMNS = `id, token_hash AS tokenHash, user_id AS userId, workspace_id AS workspaceId,
	created_at AS createdAt, last_seen_at AS lastSeenAt, expires_at AS expiresAt, revoked_at AS revokedAt, label`;
const INVITE_COLUMNS = `id, token_hash AS tokenHash, workspace_id AS workspaceId, role, email,
	created_by AS createdBy, created_at AS createdAt, expires_at AS expiresAt, used_at AS usedAt, used_by AS usedBy`;
const DOCUMENT_COLUMNS = `workspace_id AS workspaceId, doc_id AS docId, owner_id AS ownerId, access, parent_id AS parentId, refs, state,
	created_at AS createdAt, updated_at AS updatedAt, purged_at AS purgedAt, purged_by AS purgedBy`;
const LOG_COLUMNS = `workspace_id AS workspaceId, seq, kind, doc_id AS docId, push_id AS pushId, "update",
	author_id AS authorId, device, client_time AS clientTime, server_time AS serverTime, entries,
	access_before AS accessBefore`;

/** Rows as better-sqlite3 returns them: BLOB columns arrive as Buffers. */
type DocumentRow = Omit<DocumentRecord, 'state' | 'access' | 'references'> & {
	state: Buffer;
	access: string;
	refs: string;
};
type LogRow = Omit<LogRecord, 'update' | 'entries' | 'accessBefore'> & {
	update: Buffer;
	entries: Buffer;
	accessBefore: string | null;
};
type MemberRow = Membership & { name: string; email: string };

/** A plain Uint8Array view of a Buffer, so callers see the type the interface promises. */
function bytes(buffer: Buffer): Uint8Array {
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The rights column holds everything but the owner, which has its own column. */
function accessJson(access: AccessInfo): string {
	return JSON.stringify({ everyone: access.everyone, users: access.users });
}

/** Rights as stored: the owner in a column of its own, the rest as JSON. */
function rightsOf(ownerId: string, json: string): AccessInfo {
	return { ownerId, ...(JSON.parse(json) as Omit<AccessInfo, 'ownerId'>) };
}

function toDocument({ refs, ...row }: DocumentRow): DocumentRecord {
	const { everyone, users } = JSON.parse(row.access) as Omit<AccessInfo, 'ownerId'>;
	return {
		...row,
		references: JSON.parse(refs) as DocReference[],
		state: bytes(row.state),
		access: { ownerId: row.ownerId, everyone, users }
	};
}

function toLog({ accessBefore, ...row }: LogRow): LogRecord {
	const record: LogRecord = { ...row, update: bytes(row.update), entries: bytes(row.entries) };
	if (accessBefore) record.accessBefore = JSON.parse(accessBefore) as AccessInfo;
	return record;
}

function userVersion(db: Db): number {
	return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the file's schema up to date. Each step and its version bump commit together, and the
 * version is read inside the write transaction, so two processes opening a new file at once apply
 * each step exactly once.
 */
function migrate(db: Db): void {
	const step = db.transaction((): boolean => {
		const version = userVersion(db);
		if (version > SCHEMA_VERSION) {
			throw new Error(
				`The database has schema version ${version}; this server knows up to ${SCHEMA_VERSION}. ` +
					'It was written by a newer Kontor server.'
			);
		}
		const migration = MIGRATIONS[version];
		if (!migration) return false;
		migration(db);
		db.pragma(`user_version = ${version + 1}`);
		return true;
	});
	while (step.immediate()) {
		// Apply the next step.
	}
}

function configure(db: Db): void {
	db.pragma('journal_mode = WAL');
	// An acknowledged update must survive SIGKILL and also an OS crash or power loss. In WAL mode,
	// `synchronous = NORMAL` skips the fsync at each commit and may lose the last commits when the
	// machine goes down (the process dying alone is safe either way); FULL syncs the WAL per commit.
	db.pragma('synchronous = FULL');
	// A checkpoint copies the WAL's pages into the database file on the writer's turn. Every ~40 MB
	// instead of SQLite's default ~4 MB: a busy contact's pages are rewritten many times between two
	// checkpoints and copied once, which cut the cost of an append by about a third when the same contacts are edited again and again. After a
	// checkpoint the WAL file is cut back to that size.
	db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
	db.pragma(`journal_size_limit = ${WAL_CHECKPOINT_PAGES * 4096}`);
	db.pragma('foreign_keys = ON');
	db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

/** Every statement the storage runs, prepared once per connection. */
function prepareStatements(db: Db) {
	return {
		userCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users'),
		insertUser: db.prepare(
			'INSERT INTO users (id, email, name, password_hash, created_at) VALUES (@id, @email, @name, @passwordHash, @createdAt)'
		),
		userById: db.prepare<[string], User>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
		userByEmail: db.prepare<[string], User>(`SELECT ${USER_COLUMNS} FROM users WHERE email = ?`),
		insertWorkspace: db.prepare(
			'INSERT INTO workspaces (id, name, created_at) VALUES (@id, @name, @createdAt)'
		),
		workspaceById: db.prepare<[string], Workspace>(
			'SELECT id, name, created_at AS createdAt FROM workspaces WHERE id = ?'
		),
		insertMember: db.prepare(
			'INSERT INTO memberships (workspace_id, user_id, role) VALUES (@workspaceId, @userId, @role)'
		),
		membership: db.prepare<[string, string], Membership>(
			`SELECT workspace_id AS workspaceId, user_id AS userId, role FROM memberships
			 WHERE workspace_id = ? AND user_id = ?`
		),
		members: db.prepare<[string], MemberRow>(
			`SELECT m.workspace_id AS workspaceId, m.user_id AS userId, m.role, u.name, u.email
			 FROM memberships m JOIN users u ON u.id = m.user_id
			 WHERE m.workspace_id = ? ORDER BY u.name COLLATE NOCASE, u.email`
		),
		workspacesOf: db.prepare<[string], Membership>(
			`SELECT m.workspace_id AS workspaceId, m.user_id AS userId, m.role
			 FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
			 WHERE m.user_id = ? ORDER BY w.created_at, w.id`
		),
		insertSession: db.prepare(
			`INSERT INTO sessions (id, token_hash, user_id, workspace_id, created_at, last_seen_at, expires_at, revoked_at, label)
			 VALUES (@id, @tokenHash, @userId, @workspaceId, @createdAt, @lastSeenAt, @expiresAt, @revokedAt, @label)`
		),
		sessionByTokenHash: db.prepare<[string], Session>(
			`SELECT ${SESSION_COLUMNS} FROM sessions WHERE token_hash = ?`
		),
		sessionsOf: db.prepare<[string], Session>(
			`SELECT ${SESSION_COLUMNS} FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC, id`
		),
		touchSession: db.prepare<[number, number | null, string]>(
			'UPDATE sessions SET last_seen_at = ?, expires_at = COALESCE(?, expires_at) WHERE id = ?'
		),
		revokeSession: db.prepare<[number, string]>(
			'UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'
		),
		insertInvite: db.prepare(
			`INSERT INTO invites (id, token_hash, workspace_id, role, email, created_by, created_at, expires_at, used_at, used_by)
			 VALUES (@id, @tokenHash, @workspaceId, @role, @email, @createdBy, @createdAt, @expiresAt, @usedAt, @usedBy)`
		),
		inviteByTokenHash: db.prepare<[string], Invite>(
			`SELECT ${INVITE_COLUMNS} FROM invites WHERE token_hash = ?`
		),
		inviteById: db.prepare<[string], Invite>(`SELECT ${INVITE_COLUMNS} FROM invites WHERE id = ?`),
		invitesOf: db.prepare<[string], Invite>(
			`SELECT ${INVITE_COLUMNS} FROM invites WHERE workspace_id = ? ORDER BY created_at DESC, id`
		),
		useInvite: db.prepare<[number, string | null, string, number]>(
			'UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?'
		),
		revokeInvite: db.prepare<[number, string]>(
			'UPDATE invites SET used_at = ? WHERE id = ? AND used_at IS NULL'
		),
		document: db.prepare<[string, string], DocumentRow>(
			`SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE workspace_id = ? AND doc_id = ?`
		),
		documents: db.prepare<[string, string, number], DocumentRow>(
			`SELECT ${DOCUMENT_COLUMNS} FROM documents
			 WHERE workspace_id = ? AND doc_id > ? AND purged_at IS NULL ORDER BY doc_id LIMIT ?`
		),
		documentCount: db.prepare<[string], { n: number }>(
			'SELECT COUNT(*) AS n FROM documents WHERE workspace_id = ? AND purged_at IS NULL'
		),
		documentCountUpTo: db.prepare<[string, number], { n: number }>(
			`SELECT COUNT(*) AS n FROM
			 (SELECT 1 FROM documents WHERE workspace_id = ? AND purged_at IS NULL LIMIT ?)`
		),
		restrictedDocuments: db.prepare<
			[string],
			{ docId: string; parentId: string | null; ownerId: string; access: string }
		>(
			// Named: on a file without statistics the planner would take documents_live and read every row.
			`SELECT doc_id AS docId, parent_id AS parentId, owner_id AS ownerId, access
			 FROM documents INDEXED BY documents_restricted
			 WHERE workspace_id = ? AND purged_at IS NULL AND ${RESTRICTED}`
		),
		childrenOf: db.prepare<
			[string, string],
			{ docId: string; parentId: string; ownerId: string; access: string }
		>(
			`SELECT doc_id AS docId, parent_id AS parentId, owner_id AS ownerId, access FROM documents
			 WHERE workspace_id = ? AND parent_id = ? AND purged_at IS NULL`
		),
		referrers: db.prepare<
			[string, string, string, string],
			{ kind: string; docId: string; ownerId: string; access: string }
		>(
			`SELECT 'contactPerson' AS kind, doc_id AS docId, owner_id AS ownerId, access FROM documents
			 WHERE workspace_id = ? AND parent_id = ? AND purged_at IS NULL
			 UNION ALL
			 SELECT r.kind, r.from_doc AS docId, d.owner_id AS ownerId, d.access FROM doc_references r
			 JOIN documents d ON d.workspace_id = r.workspace_id AND d.doc_id = r.from_doc
			 WHERE r.workspace_id = ? AND r.to_doc = ? AND d.purged_at IS NULL
			 ORDER BY kind, docId`
		),
		setRefs: db.prepare<[string, string, string]>(
			'UPDATE documents SET refs = ? WHERE workspace_id = ? AND doc_id = ?'
		),
		deleteReferences: db.prepare<[string, string]>(
			'DELETE FROM doc_references WHERE workspace_id = ? AND from_doc = ?'
		),
		insertReference: db.prepare<[string, string, string, string]>(
			'INSERT OR IGNORE INTO doc_references (workspace_id, from_doc, kind, to_doc) VALUES (?, ?, ?, ?)'
		),
		workspaceDefault: db.prepare<[string], { value: string }>(
			'SELECT default_access AS value FROM workspaces WHERE id = ?'
		),
		setWorkspaceDefault: db.prepare<[string, string]>(
			'UPDATE workspaces SET default_access = ? WHERE id = ?'
		),
		setDocumentAccess: db.prepare<[string, string, number, string, string]>(
			'UPDATE documents SET owner_id = ?, access = ?, updated_at = ? WHERE workspace_id = ? AND doc_id = ?'
		),
		purgeDocument: db.prepare<[Uint8Array, number, string, number, string, string]>(
			`UPDATE documents SET state = ?, purged_at = ?, purged_by = ?, updated_at = ?
			 WHERE workspace_id = ? AND doc_id = ?`
		),
		setAccessBefore: db.prepare<[string, string, number]>(
			'UPDATE log SET access_before = ? WHERE workspace_id = ? AND seq = ?'
		),
		blankLog: db.prepare<[Uint8Array, Uint8Array, string, string]>(
			'UPDATE log SET "update" = ?, entries = ? WHERE workspace_id = ? AND doc_id = ?'
		),
		upsertDocument: db.prepare<
			[
				{
					workspaceId: string;
					docId: string;
					ownerId: string;
					access: string;
					parentId: string | null;
					state: Uint8Array;
					createdAt: number;
					updatedAt: number;
				}
			]
		>(
			`INSERT INTO documents (workspace_id, doc_id, owner_id, access, parent_id, state, created_at, updated_at)
			 VALUES (@workspaceId, @docId, @ownerId, @access, @parentId, @state, @createdAt, @updatedAt)
			 ON CONFLICT (workspace_id, doc_id) DO UPDATE
			 SET state = excluded.state, updated_at = excluded.updated_at
			 WHERE documents.purged_at IS NULL`
		),
		// Apart from the upsert: an index is rewritten whenever a statement sets one of its columns, and
		// most pushes leave the parent as it was; then this finds no row and writes nothing.
		moveDocument: db.prepare<[string | null, string, string, string | null]>(
			`UPDATE documents SET parent_id = ?
			 WHERE workspace_id = ? AND doc_id = ? AND purged_at IS NULL AND parent_id IS NOT ?`
		),
		logByPushId: db.prepare<[string, string], LogRow>(
			`SELECT ${LOG_COLUMNS} FROM log WHERE workspace_id = ? AND push_id = ?`
		),
		// A push id seen before inserts nothing (the caller then reads the earlier record).
		insertLog: db.prepare(
			`INSERT INTO log (workspace_id, seq, kind, doc_id, push_id, "update", author_id, device, client_time, server_time, entries)
			 VALUES (@workspaceId, @seq, @kind, @docId, @pushId, @update, @authorId, @device, @clientTime, @serverTime, @entries)
			 ON CONFLICT (workspace_id, push_id) DO NOTHING`
		),
		logAfter: db.prepare<[string, number, number], LogRow>(
			`SELECT ${LOG_COLUMNS} FROM log WHERE workspace_id = ? AND seq > ? ORDER BY seq LIMIT ?`
		),
		entriesOf: db.prepare<[string, string], { entries: Buffer }>(
			'SELECT entries FROM log WHERE workspace_id = ? AND doc_id = ? ORDER BY seq'
		),
		head: db.prepare<[string], { head: number }>(
			'SELECT COALESCE(MAX(seq), 0) AS head FROM log WHERE workspace_id = ?'
		),
		logCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM log WHERE workspace_id = ?')
	};
}

type Statements = ReturnType<typeof prepareStatements>;

/** The write transactions: each runs as BEGIN IMMEDIATE, so it holds the write lock from its first read. */
function prepareTransactions(db: Db, s: Statements) {
	const insertUser = (user: User) => s.insertUser.run({ ...user, email: user.email.toLowerCase() });
	/** Logs a record the server writes itself; `fresh` is false for a request id seen before. */
	const serverRecord = (
		input: ServerRecordInput,
		kind: 'access' | 'purge'
	): { record: LogRecord; fresh: boolean } => {
		const earlier = s.logByPushId.get(input.workspaceId, input.pushId);
		if (earlier) return { record: toLog(earlier), fresh: false };
		const record = serverLogRecord(input, (s.head.get(input.workspaceId)?.head ?? 0) + 1, kind);
		s.insertLog.run(record);
		return { record, fresh: true };
	};
	/**
	 * Appends in order within one transaction. The head is read once per workspace; a document
	 * changed by several of the appends has its state written once, the last one (its owner and
	 * creation time from the first, should the document be new).
	 */
	const appendAll = (inputs: readonly AppendInput[]): LogRecord[] => {
		const heads = new Map<string, number>();
		const states = new Map<
			string,
			{ first: AppendInput; last: AppendInput; references: readonly DocReference[] | undefined }
		>();
		const records = inputs.map((input): LogRecord => {
			const seq = (heads.get(input.workspaceId) ?? s.head.get(input.workspaceId)?.head ?? 0) + 1;
			const record = appendedRecord(input, seq);
			if (s.insertLog.run(record).changes === 0) {
				return toLog(s.logByPushId.get(input.workspaceId, input.pushId) as LogRow);
			}
			heads.set(input.workspaceId, seq);
			const key = `${input.workspaceId}\u0000${input.docId}`;
			const doc = states.get(key) ?? { first: input, last: input, references: undefined };
			doc.last = input;
			if (input.references) doc.references = input.references;
			states.set(key, doc);
			return record;
		});
		for (const { first, last, references } of states.values()) {
			const written = s.upsertDocument.run({
				workspaceId: first.workspaceId,
				docId: first.docId,
				ownerId: first.access.ownerId,
				access: accessJson(first.access),
				parentId: last.parentId,
				state: last.state,
				createdAt: first.serverTime,
				updatedAt: last.serverTime
			});
			s.moveDocument.run(last.parentId, first.workspaceId, first.docId, last.parentId);
			// A purged document (its row only a tombstone) takes no references, as it takes no state.
			if (references && written.changes > 0) writeReferences(first.workspaceId, first.docId, references);
		}
		return records;
	};
	const writeReferences = (workspaceId: string, docId: string, references: readonly DocReference[]): void => {
		s.deleteReferences.run(workspaceId, docId);
		for (const r of references) s.insertReference.run(workspaceId, docId, r.kind, r.docId);
		s.setRefs.run(
			JSON.stringify(references.map(({ kind, docId: to }) => ({ kind, docId: to }))),
			workspaceId,
			docId
		);
	};
	return {
		createFirstAccount: db.transaction((user: User, workspace: Workspace): boolean => {
			if ((s.userCount.get()?.n ?? 0) > 0) return false;
			insertUser(user);
			s.insertWorkspace.run(workspace);
			s.insertMember.run({ workspaceId: workspace.id, userId: user.id, role: 'admin' });
			return true;
		}),
		acceptInvite: db.transaction((inviteId: string, user: User, at: number): boolean => {
			// The transaction holds the write lock from its first read, so no other acceptance can come
			// between this check and the update: single use holds.
			const invite = s.inviteById.get(inviteId);
			if (!invite || invite.usedAt !== null || invite.expiresAt <= at) return false;
			insertUser(user);
			s.useInvite.run(at, user.id, inviteId, at);
			s.insertMember.run({ workspaceId: invite.workspaceId, userId: user.id, role: invite.role });
			return true;
		}),
		// The next seq is read and written under the same write lock, so seqs stay unique and gap-free
		// even with several processes on the file; the document's state commits with its log record.
		appendMany: db.transaction((inputs: readonly AppendInput[]): LogRecord[] => appendAll(inputs)),
		setAccess: db.transaction((input: ServerRecordInput & { access: AccessInfo }): LogRecord => {
			const { record, fresh } = serverRecord(input, 'access');
			if (fresh) {
				const { workspaceId, docId, access, serverTime } = input;
				const before = s.document.get(workspaceId, docId);
				if (before) {
					const accessBefore = toDocument(before).access;
					s.setAccessBefore.run(JSON.stringify(accessBefore), workspaceId, record.seq);
					record.accessBefore = accessBefore;
				}
				s.setDocumentAccess.run(access.ownerId, accessJson(access), serverTime, workspaceId, docId);
			}
			return record;
		}),
		purge: db.transaction((input: ServerRecordInput): LogRecord => {
			const { record, fresh } = serverRecord(input, 'purge');
			if (fresh) {
				const { workspaceId, docId, authorId, serverTime } = input;
				s.blankLog.run(EMPTY_UPDATE, EMPTY_ENTRIES, workspaceId, docId);
				writeReferences(workspaceId, docId, []);
				s.purgeDocument.run(EMPTY_UPDATE, serverTime, authorId, serverTime, workspaceId, docId);
			}
			return record;
		}),
		insertUser
	};
}

/**
 * Opens (creating when missing) the SQLite file at `file` and brings its schema up to date. Writes
 * run in a thread of their own (see sqlite-writer.ts); `writes: 'here'` runs them on this thread,
 * as does an in-memory database, which no other connection can see.
 */
export function openSqliteStorage(file: string, options: { writes?: 'thread' | 'here' } = {}): Storage {
	if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
	const db = new Database(file);
	try {
		configure(db);
		migrate(db);
	} catch (error) {
		db.close();
		throw error;
	}
	const storage = sqliteStorage(db);
	if (file === ':memory:' || options.writes === 'here') return storage;
	const writer = new SqliteWriter(file, appendedRecord);
	writer.writeFor(storage);
	// Reads only from here on: a write that does not go through the writer fails at once.
	db.pragma('query_only = ON');
	const closeHere = storage.close;
	storage.close = async () => {
		await writer.close();
		await closeHere();
	};
	return storage;
}

interface QueuedAppend {
	input: AppendInput;
	resolve: (r: LogRecord) => void;
	reject: (e: unknown) => void;
}

/**
 * Group commit: appends requested in the same turn of the event loop are written in one
 * transaction, so one disk sync (synchronous = FULL) serves many pushes. Each caller's promise
 * resolves only after that transaction committed, in seq order; if the batch fails, its appends are
 * retried one by one (those made together as one) so one bad record fails alone.
 */
function groupCommit(many: (inputs: readonly AppendInput[]) => LogRecord[]): {
	append: (input: AppendInput) => Promise<LogRecord>;
	flush: () => void;
} {
	let queue: QueuedAppend[] = [];
	const flush = (): void => {
		const batch = queue;
		queue = [];
		if (batch.length === 0) return;
		let records: LogRecord[] | null;
		try {
			records = many(batch.map((b) => b.input));
		} catch {
			records = null;
		}
		if (records) {
			for (const [i, item] of batch.entries()) item.resolve(records[i] as LogRecord);
			return;
		}
		for (const unit of retryUnits(batch, (item) => item.input.together)) {
			try {
				const written = many(unit.map((item) => item.input));
				for (const [i, item] of unit.entries()) item.resolve(written[i] as LogRecord);
			} catch (error) {
				for (const item of unit) item.reject(error);
			}
		}
	};
	return {
		append: (input) =>
			new Promise((resolve, reject) => {
				queue.push({ input, resolve, reject });
				if (queue.length === 1) setImmediate(flush);
			}),
		flush
	};
}

function sqliteStorage(db: Db): Storage {
	const s = prepareStatements(db);
	const tx = prepareTransactions(db, s);
	const appends = groupCommit((inputs) => tx.appendMany.immediate(inputs));
	return {
		userCount: async () => s.userCount.get()?.n ?? 0,
		createFirstAccount: async (user, workspace) => tx.createFirstAccount.immediate(user, workspace),
		createUser: async (user) => void tx.insertUser(user),
		userById: async (id) => s.userById.get(id) ?? null,
		userByEmail: async (email) => s.userByEmail.get(email.toLowerCase()) ?? null,

		createWorkspace: async (workspace) => void s.insertWorkspace.run(workspace),
		workspaceById: async (id) => s.workspaceById.get(id) ?? null,
		addMember: async (membership) => void s.insertMember.run(membership),
		membership: async (workspaceId, userId) => s.membership.get(workspaceId, userId) ?? null,
		members: async (workspaceId) =>
			s.members.all(workspaceId).map(({ name, email, ...membership }) => ({
				...membership,
				user: { id: membership.userId, name, email }
			})),
		workspacesOf: async (userId) => s.workspacesOf.all(userId),
		workspaceDefault: async (workspaceId) => {
			const value = s.workspaceDefault.get(workspaceId)?.value;
			return (WORKSPACE_DEFAULTS as readonly string[]).includes(value ?? '')
				? (value as WorkspaceDefault)
				: 'everyoneEdits';
		},
		setWorkspaceDefault: async (workspaceId, value) => void s.setWorkspaceDefault.run(value, workspaceId),

		createSession: async (session) => void s.insertSession.run(session),
		sessionByTokenHash: async (tokenHash) => s.sessionByTokenHash.get(tokenHash) ?? null,
		sessionsOf: async (userId) => s.sessionsOf.all(userId),
		touchSession: async (id, at, expiresAt) => void s.touchSession.run(at, expiresAt ?? null, id),
		revokeSession: async (id, at) => void s.revokeSession.run(at, id),

		createInvite: async (invite) => void s.insertInvite.run({ ...invite, email: invite.email.toLowerCase() }),
		inviteByTokenHash: async (tokenHash) => s.inviteByTokenHash.get(tokenHash) ?? null,
		invitesOf: async (workspaceId) => s.invitesOf.all(workspaceId),
		acceptInvite: async (inviteId, user, at) => tx.acceptInvite.immediate(inviteId, user, at),
		// Only an open invite is revoked: a used one keeps its `usedAt`, which records who joined when.
		revokeInvite: async (inviteId, at) => void s.revokeInvite.run(at, inviteId),

		document: async (workspaceId, docId) => {
			const row = s.document.get(workspaceId, docId);
			return row ? toDocument(row) : null;
		},
		documents: async (workspaceId, afterDocId, limit) =>
			s.documents.all(workspaceId, afterDocId, limit).map(toDocument),
		documentCount: async (workspaceId, atMost) =>
			(atMost === undefined
				? s.documentCount.get(workspaceId)
				: s.documentCountUpTo.get(workspaceId, Math.max(0, atMost))
			)?.n ?? 0,
		restrictedDocuments: async (workspaceId) =>
			s.restrictedDocuments.all(workspaceId).map(({ docId, parentId, ownerId, access }) => ({
				docId,
				parentId,
				access: rightsOf(ownerId, access)
			})),
		children: async (workspaceId, parentId) =>
			s.childrenOf.all(workspaceId, parentId).map(({ docId, parentId: parent, ownerId, access }) => ({
				docId,
				parentId: parent,
				access: rightsOf(ownerId, access)
			})),
		referrers: async (workspaceId, docId) =>
			s.referrers
				.all(workspaceId, docId, workspaceId, docId)
				.map(({ kind, docId: from, ownerId, access }) => ({
					kind,
					docId: from,
					access: rightsOf(ownerId, access)
				})),
		logByPushId: async (workspaceId, pushId) => {
			const row = s.logByPushId.get(workspaceId, pushId);
			return row ? toLog(row) : null;
		},
		append: (input) => appends.append(input),
		setAccess: async (input) => {
			appends.flush();
			return tx.setAccess.immediate(input);
		},
		purge: async (input) => {
			appends.flush();
			return tx.purge.immediate(input);
		},
		logAfter: async (workspaceId, afterSeq, limit) => s.logAfter.all(workspaceId, afterSeq, limit).map(toLog),
		entriesOf: async (workspaceId, docId) =>
			s.entriesOf.all(workspaceId, docId).map((row) => bytes(row.entries)),
		head: async (workspaceId) => s.head.get(workspaceId)?.head ?? 0,
		logCount: async (workspaceId) => s.logCount.get(workspaceId)?.n ?? 0,

		close: async () => {
			appends.flush();
			if (db.open) db.close();
		}
	};
}
