/**
 * `Storage` on PostgreSQL, for several server instances over one database (SQLite stays the default
 * for one process). Same concepts and semantics as sqlite-storage.ts; the schema is in
 * postgres-schema.ts, the log's write transactions in postgres-log.ts, the announcement of new log
 * records in postgres-notify.ts.
 *
 * The log's seqs stay gap-free and unique across instances because every write transaction of a
 * workspace's log first locks that workspace's row (`FOR NO KEY UPDATE`) and only then reads the
 * head: the next writer of the workspace, in whichever process, waits for the commit and reads the
 * new head. Within one instance, the writes of a workspace go one transaction at a time in call
 * order, the appends requested meanwhile grouped into the next one (group commit, as SQLite does).
 */
import pg from 'pg';
import { WORKSPACE_DEFAULTS, type WorkspaceDefault } from '../../src/lib/domain/access';
import {
	appendAll,
	bytes,
	LOG_COLUMNS,
	logByPushId,
	one,
	purge,
	rows,
	setAccess,
	toLog,
	type LogRow,
	type Queryable,
	type RightsJson
} from './postgres-log';
import { checkSchemaName, logChannel } from './postgres-notify';
import { migrate } from './postgres-schema';
import type {
	AppendInput,
	DocumentRecord,
	Invite,
	LogRecord,
	Membership,
	Session,
	Storage,
	User,
	Workspace
} from './storage';
import { WriteLanes } from './write-lanes';

export { listenLog, type ListenOptions, type LogListener } from './postgres-notify';
export { SCHEMA_VERSION } from './postgres-schema';

export interface PostgresOptions {
	/**
	 * The schema to keep the tables in, created when missing (a-z, 0-9, _). Without it, the
	 * connection's own search path decides (normally `public`).
	 */
	schema?: string;
	/** Connections the pool keeps at most (default 10). */
	poolSize?: number;
}

/** bigint (int8) arrives as text from PostgreSQL; Kontor's bigints are times in ms and seqs. */
const INT8_OID = 20;

function parseInt8(text: string): number {
	const value = Number(text);
	if (!Number.isSafeInteger(value)) throw new Error(`bigint ${text} does not fit a JavaScript number`);
	return value;
}

/** Per connection, not the global `pg.types`, so other users of pg in the process are unaffected. */
const TYPES: pg.CustomTypesConfig = {
	getTypeParser: (oid, format) =>
		oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)
};

const USER_COLUMNS = 'id, email, name, password_hash AS "passwordHash", created_at AS "createdAt"';
const SESSION_COLUMNS = `id, token_hash AS "tokenHash", user_id AS "userId", workspace_id AS "workspaceId",
	created_at AS "createdAt", last_seen_at AS "lastSeenAt", expires_at AS "expiresAt", revoked_at AS "revokedAt", label`;
const INVITE_COLUMNS = `id, token_hash AS "tokenHash", workspace_id AS "workspaceId", role, email,
	created_by AS "createdBy", created_at AS "createdAt", expires_at AS "expiresAt", used_at AS "usedAt", used_by AS "usedBy"`;
const DOCUMENT_COLUMNS = `workspace_id AS "workspaceId", doc_id AS "docId", owner_id AS "ownerId", access,
	parent_id AS "parentId", refs AS "references", state, created_at AS "createdAt", updated_at AS "updatedAt", purged_at AS "purgedAt",
	purged_by AS "purgedBy"`;
const MEMBERSHIP_COLUMNS = 'm.workspace_id AS "workspaceId", m.user_id AS "userId", m.role';

/** Rows as pg returns them: bytea arrives as Buffer, jsonb parsed. */
type DocumentRow = Omit<DocumentRecord, 'state' | 'access'> & { state: Buffer; access: RightsJson };
type ChildRow = { docId: string; parentId: string; ownerId: string; access: RightsJson };
type ReferrerRow = { kind: string; docId: string; ownerId: string; access: RightsJson };

function toDocument(row: DocumentRow): DocumentRecord {
	const { everyone, users } = row.access;
	return { ...row, state: bytes(row.state), access: { ownerId: row.ownerId, everyone, users } };
}

/** Runs `work` in a transaction on one pooled connection; rolls back when it throws. */
async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
	const client = await pool.connect();
	let broken = false;
	try {
		await client.query('BEGIN');
		const result = await work(client);
		await client.query('COMMIT');
		return result;
	} catch (error) {
		// A connection that cannot even roll back is dropped rather than handed to the next caller.
		await client.query('ROLLBACK').catch(() => (broken = true));
		throw error;
	} finally {
		client.release(broken);
	}
}

/**
 * Opens a pool on the database at `url` (`postgres://user:password@host:port/database`) and brings
 * the schema up to date before the first use.
 */
export async function openPostgresStorage(url: string, options: PostgresOptions = {}): Promise<Storage> {
	const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
	const pool = new pg.Pool({
		connectionString: url,
		max: options.poolSize ?? 10,
		types: TYPES,
		...(schema === undefined ? {} : { options: `-c search_path=${schema}` })
	});
	// An idle connection the server drops (restart, network) must not take the process down; the
	// pool replaces it, and a query on it fails and is retried by its caller.
	pool.on('error', (error) => console.error('Kontor: a PostgreSQL connection failed:', error));
	try {
		const client = await pool.connect();
		try {
			await migrate(client, schema);
		} finally {
			client.release();
		}
	} catch (error) {
		await pool.end();
		throw error;
	}
	return postgresStorage(pool, logChannel(schema));
}

function postgresStorage(pool: pg.Pool, channel: string): Storage {
	const lanes = new WriteLanes<AppendInput, LogRecord>(
		(inputs) => transaction(pool, (client) => appendAll(client, channel, inputs)),
		(input) => input.workspaceId,
		(input) => input.together
	);
	let closing: Promise<void> | null = null;
	const insertUser = (db: Queryable, user: User) =>
		db.query('INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)', [
			user.id,
			user.email.toLowerCase(),
			user.name,
			user.passwordHash,
			user.createdAt
		]);
	const insertWorkspace = (db: Queryable, workspace: Workspace) =>
		db.query('INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)', [
			workspace.id,
			workspace.name,
			workspace.createdAt
		]);
	const insertMember = (db: Queryable, membership: Membership) =>
		db.query('INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, $3)', [
			membership.workspaceId,
			membership.userId,
			membership.role
		]);
	const children = (workspaceId: string, parentId: string) =>
		rows<ChildRow>(
			pool,
			`SELECT doc_id AS "docId", parent_id AS "parentId", owner_id AS "ownerId", access FROM documents
			 WHERE workspace_id = $1 AND parent_id = $2 AND purged_at IS NULL ORDER BY doc_id`,
			[workspaceId, parentId]
		);

	return {
		userCount: async () => (await one<{ n: number }>(pool, 'SELECT COUNT(*) AS n FROM users'))?.n ?? 0,
		createFirstAccount: (user, workspace) =>
			transaction(pool, async (client) => {
				// The table lock makes the count and the insert one step: of two setups, exactly one wins.
				await client.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
				const count = await one<{ n: number }>(client, 'SELECT COUNT(*) AS n FROM users');
				if ((count?.n ?? 0) > 0) return false;
				await insertUser(client, user);
				await insertWorkspace(client, workspace);
				await insertMember(client, { workspaceId: workspace.id, userId: user.id, role: 'admin' });
				return true;
			}),
		createUser: async (user) => void (await insertUser(pool, user)),
		userById: (id) => one<User>(pool, `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]),
		userByEmail: (email) =>
			one<User>(pool, `SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [email.toLowerCase()]),

		createWorkspace: async (workspace) => void (await insertWorkspace(pool, workspace)),
		workspaceById: (id) =>
			one<Workspace>(pool, 'SELECT id, name, created_at AS "createdAt" FROM workspaces WHERE id = $1', [id]),
		addMember: async (membership) => void (await insertMember(pool, membership)),
		membership: (workspaceId, userId) =>
			one<Membership>(
				pool,
				`SELECT ${MEMBERSHIP_COLUMNS} FROM memberships m WHERE m.workspace_id = $1 AND m.user_id = $2`,
				[workspaceId, userId]
			),
		members: async (workspaceId) =>
			(
				await rows<Membership & { name: string; email: string }>(
					pool,
					`SELECT ${MEMBERSHIP_COLUMNS}, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id
					 WHERE m.workspace_id = $1 ORDER BY lower(u.name) COLLATE "C", u.email`,
					[workspaceId]
				)
			).map(({ name, email, ...membership }) => ({
				...membership,
				user: { id: membership.userId, name, email }
			})),
		workspacesOf: (userId) =>
			rows<Membership>(
				pool,
				`SELECT ${MEMBERSHIP_COLUMNS} FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
				 WHERE m.user_id = $1 ORDER BY w.created_at, w.id`,
				[userId]
			),
		workspaceDefault: async (workspaceId) => {
			const row = await one<{ value: string }>(
				pool,
				'SELECT default_access AS value FROM workspaces WHERE id = $1',
				[workspaceId]
			);
			return (WORKSPACE_DEFAULTS as readonly string[]).includes(row?.value ?? '')
				? (row?.value as WorkspaceDefault)
				: 'everyoneEdits';
		},
		setWorkspaceDefault: async (workspaceId, value) =>
			void (await pool.query('UPDATE workspaces SET default_access = $1 WHERE id = $2', [
				value,
				workspaceId
			])),

		createSession: async (s) =>
			void (await pool.query(
				`INSERT INTO sessions (id, token_hash, user_id, workspace_id, created_at, last_seen_at, expires_at,
					revoked_at, label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				[
					s.id,
					s.tokenHash,
					s.userId,
					s.workspaceId,
					s.createdAt,
					s.lastSeenAt,
					s.expiresAt,
					s.revokedAt,
					s.label
				]
			)),
		sessionByTokenHash: (tokenHash) =>
			one<Session>(pool, `SELECT ${SESSION_COLUMNS} FROM sessions WHERE token_hash = $1`, [tokenHash]),
		sessionsOf: (userId) =>
			rows<Session>(
				pool,
				`SELECT ${SESSION_COLUMNS} FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC, id`,
				[userId]
			),
		touchSession: async (id, at, expiresAt) =>
			void (await pool.query(
				'UPDATE sessions SET last_seen_at = $1, expires_at = COALESCE($2::bigint, expires_at) WHERE id = $3',
				[at, expiresAt ?? null, id]
			)),
		revokeSession: async (id, at) =>
			void (await pool.query('UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
				at,
				id
			])),

		createInvite: async (i) =>
			void (await pool.query(
				`INSERT INTO invites (id, token_hash, workspace_id, role, email, created_by, created_at, expires_at,
					used_at, used_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				[
					i.id,
					i.tokenHash,
					i.workspaceId,
					i.role,
					i.email.toLowerCase(),
					i.createdBy,
					i.createdAt,
					i.expiresAt,
					i.usedAt,
					i.usedBy
				]
			)),
		inviteByTokenHash: (tokenHash) =>
			one<Invite>(pool, `SELECT ${INVITE_COLUMNS} FROM invites WHERE token_hash = $1`, [tokenHash]),
		invitesOf: (workspaceId) =>
			rows<Invite>(
				pool,
				`SELECT ${INVITE_COLUMNS} FROM invites WHERE workspace_id = $1 ORDER BY created_at DESC, id`,
				[workspaceId]
			),
		acceptInvite: (inviteId, user, at) =>
			transaction(pool, async (client) => {
				// The row lock holds off a second acceptance until this one commits; it then reads the
				// invite used (READ COMMITTED re-reads a locked row), so single use holds.
				const invite = await one<Invite>(
					client,
					`SELECT ${INVITE_COLUMNS} FROM invites WHERE id = $1 FOR UPDATE`,
					[inviteId]
				);
				if (!invite || invite.usedAt !== null || invite.expiresAt <= at) return false;
				await insertUser(client, user);
				await client.query('UPDATE invites SET used_at = $1, used_by = $2 WHERE id = $3', [
					at,
					user.id,
					inviteId
				]);
				await insertMember(client, { workspaceId: invite.workspaceId, userId: user.id, role: invite.role });
				return true;
			}),
		// Only an open invite is revoked: a used one keeps its `usedAt`, which records who joined when.
		revokeInvite: async (inviteId, at) =>
			void (await pool.query('UPDATE invites SET used_at = $1 WHERE id = $2 AND used_at IS NULL', [
				at,
				inviteId
			])),

		document: async (workspaceId, docId) => {
			const row = await one<DocumentRow>(
				pool,
				`SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE workspace_id = $1 AND doc_id = $2`,
				[workspaceId, docId]
			);
			return row ? toDocument(row) : null;
		},
		documents: async (workspaceId, afterDocId, limit) =>
			(
				await rows<DocumentRow>(
					pool,
					`SELECT ${DOCUMENT_COLUMNS} FROM documents
					 WHERE workspace_id = $1 AND doc_id > $2 AND purged_at IS NULL ORDER BY doc_id LIMIT $3`,
					[workspaceId, afterDocId, limit]
				)
			).map(toDocument),
		documentCount: async (workspaceId, atMost) =>
			(
				await one<{ n: number }>(
					pool,
					`SELECT COUNT(*) AS n FROM
					 (SELECT 1 FROM documents WHERE workspace_id = $1 AND purged_at IS NULL LIMIT $2) AS live`,
					[workspaceId, atMost === undefined ? null : Math.max(0, atMost)]
				)
			)?.n ?? 0,
		restrictedDocuments: async (workspaceId) =>
			(
				await rows<Omit<ChildRow, 'parentId'> & { parentId: string | null }>(
					pool,
					`SELECT doc_id AS "docId", parent_id AS "parentId", owner_id AS "ownerId", access FROM documents
					 WHERE workspace_id = $1 AND purged_at IS NULL AND access->>'everyone' = 'none' ORDER BY doc_id`,
					[workspaceId]
				)
			).map(({ docId, parentId, ownerId, access }) => ({ docId, parentId, access: { ownerId, ...access } })),
		children: async (workspaceId, parentId) =>
			(await children(workspaceId, parentId)).map(({ docId, parentId: parent, ownerId, access }) => ({
				docId,
				parentId: parent,
				access: { ownerId, ...access }
			})),
		referrers: async (workspaceId, docId) =>
			(
				await rows<ReferrerRow>(
					pool,
					`SELECT 'contactPerson' COLLATE "C" AS kind, doc_id AS "docId", owner_id AS "ownerId", access
					 FROM documents WHERE workspace_id = $1 AND parent_id = $2 AND purged_at IS NULL
					 UNION ALL
					 SELECT r.kind, r.from_doc, d.owner_id, d.access FROM doc_references r
					 JOIN documents d ON d.workspace_id = r.workspace_id AND d.doc_id = r.from_doc
					 WHERE r.workspace_id = $1 AND r.to_doc = $2 AND d.purged_at IS NULL
					 ORDER BY kind, "docId"`,
					[workspaceId, docId]
				)
			).map(({ kind, docId: from, ownerId, access }) => ({
				kind,
				docId: from,
				access: { ownerId, ...access }
			})),
		logByPushId: (workspaceId, pushId) => logByPushId(pool, workspaceId, pushId),
		append: (input) => lanes.add(input),
		// Through the workspace's lane, so a change of rights or a purge is logged after the appends
		// requested before it.
		setAccess: (input) =>
			lanes.run(input.workspaceId, () => transaction(pool, (client) => setAccess(client, channel, input))),
		purge: (input) =>
			lanes.run(input.workspaceId, () => transaction(pool, (client) => purge(client, channel, input))),
		logAfter: async (workspaceId, afterSeq, limit) =>
			(
				await rows<LogRow>(
					pool,
					`SELECT ${LOG_COLUMNS} FROM log WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
					[workspaceId, afterSeq, limit]
				)
			).map(toLog),
		entriesOf: async (workspaceId, docId) =>
			(
				await rows<{ entries: Buffer }>(
					pool,
					'SELECT entries FROM log WHERE workspace_id = $1 AND doc_id = $2 ORDER BY seq',
					[workspaceId, docId]
				)
			).map((row) => bytes(row.entries)),
		head: async (workspaceId) =>
			(
				await one<{ head: number }>(
					pool,
					'SELECT COALESCE(MAX(seq), 0) AS head FROM log WHERE workspace_id = $1',
					[workspaceId]
				)
			)?.head ?? 0,
		logCount: async (workspaceId) =>
			(await one<{ n: number }>(pool, 'SELECT COUNT(*) AS n FROM log WHERE workspace_id = $1', [workspaceId]))
				?.n ?? 0,

		close: () => {
			// Writes already requested finish first; closing twice waits for the same end.
			closing ??= lanes.idle().then(() => pool.end());
			return closing;
		}
	};
}
