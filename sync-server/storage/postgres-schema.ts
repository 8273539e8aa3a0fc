/**
 * The PostgreSQL schema of the sync server's storage and how a database reaches it. The concepts are
 * SQLite's (sqlite-storage.ts), with PostgreSQL's types: bytea for Yjs updates and states, bigint for
 * times in milliseconds and for seqs, jsonb for rights. Identifiers compare byte-wise (COLLATE "C"),
 * as SQLite's BINARY does, so paging by id gives the same order on both storages whatever the
 * database's locale.
 */
import type pg from 'pg';

/**
 * Schema steps, applied in order; the table `schema_migrations` holds one row per applied step.
 * Never edit a released step: append a new one, so every existing database reaches the same schema.
 * PostgreSQL's first step is the schema SQLite reached in its first four.
 */
const MIGRATIONS: readonly string[] = [
	`
	CREATE TABLE users (
		id text COLLATE "C" PRIMARY KEY,
		email text COLLATE "C" NOT NULL UNIQUE, -- lower-cased, so uniqueness is case-insensitive
		name text NOT NULL,
		password_hash text NOT NULL,
		created_at bigint NOT NULL
	);
	CREATE TABLE workspaces (
		id text COLLATE "C" PRIMARY KEY,
		name text NOT NULL,
		created_at bigint NOT NULL,
		default_access text NOT NULL DEFAULT 'everyoneEdits' CHECK (default_access IN ('everyoneEdits', 'private'))
	);
	CREATE TABLE memberships (
		workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces (id),
		user_id text COLLATE "C" NOT NULL REFERENCES users (id),
		role text NOT NULL CHECK (role IN ('admin', 'member')),
		PRIMARY KEY (workspace_id, user_id)
	);
	CREATE INDEX memberships_user ON memberships (user_id);
	CREATE TABLE sessions (
		id text COLLATE "C" PRIMARY KEY,
		token_hash text COLLATE "C" NOT NULL UNIQUE,
		user_id text COLLATE "C" NOT NULL REFERENCES users (id),
		workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces (id),
		created_at bigint NOT NULL,
		last_seen_at bigint NOT NULL,
		expires_at bigint NOT NULL,
		revoked_at bigint,
		label text NOT NULL
	);
	CREATE INDEX sessions_user ON sessions (user_id);
	CREATE TABLE invites (
		id text COLLATE "C" PRIMARY KEY,
		token_hash text COLLATE "C" NOT NULL UNIQUE,
		workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces (id),
		role text NOT NULL CHECK (role IN ('admin', 'member')),
		email text NOT NULL,
		created_by text COLLATE "C" NOT NULL REFERENCES users (id),
		created_at bigint NOT NULL,
		expires_at bigint NOT NULL,
		used_at bigint,
		used_by text COLLATE "C" REFERENCES users (id)
	);
	CREATE INDEX invites_workspace ON invites (workspace_id);
	CREATE TABLE documents (
		workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces (id),
		doc_id text COLLATE "C" NOT NULL,
		owner_id text COLLATE "C" NOT NULL REFERENCES users (id),
		access jsonb NOT NULL, -- everything but the owner, which has its own column
		parent_id text COLLATE "C",
		state bytea NOT NULL,
		created_at bigint NOT NULL,
		updated_at bigint NOT NULL,
		purged_at bigint,
		purged_by text COLLATE "C",
		PRIMARY KEY (workspace_id, doc_id)
	);
	CREATE INDEX documents_parent ON documents (workspace_id, parent_id) WHERE parent_id IS NOT NULL;
	CREATE TABLE log (
		workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces (id),
		seq bigint NOT NULL,
		kind text NOT NULL DEFAULT 'update' CHECK (kind IN ('update', 'access', 'purge')),
		doc_id text COLLATE "C" NOT NULL,
		push_id text COLLATE "C" NOT NULL,
		"update" bytea NOT NULL,
		author_id text COLLATE "C" NOT NULL REFERENCES users (id),
		device text NOT NULL,
		client_time bigint NOT NULL,
		server_time bigint NOT NULL,
		entries bytea NOT NULL,
		access_before jsonb, -- for an 'access' record: the rights (owner included) before the change
		PRIMARY KEY (workspace_id, seq),
		UNIQUE (workspace_id, push_id)
	);
	CREATE INDEX log_document ON log (workspace_id, doc_id, seq);
	`,
	// The reference index: what each document points at besides its parent (on the document, read
	// with it; one row each in doc_references, to find who points at a document).
	`
	ALTER TABLE documents ADD COLUMN refs jsonb NOT NULL DEFAULT '[]';
	CREATE TABLE doc_references (
		workspace_id text COLLATE "C" NOT NULL,
		from_doc text COLLATE "C" NOT NULL,
		kind text COLLATE "C" NOT NULL,
		to_doc text COLLATE "C" NOT NULL,
		PRIMARY KEY (workspace_id, from_doc, kind, to_doc)
	);
	CREATE INDEX doc_references_to ON doc_references (workspace_id, to_doc);
	`,
	// What a member's hello counts as hidden from them: only documents whose rights give everyone
	// nothing can be, indexed alone (and the count of a workspace's documents from an index).
	`
	CREATE INDEX documents_restricted ON documents (workspace_id, doc_id)
		WHERE purged_at IS NULL AND access->>'everyone' = 'none';
	CREATE INDEX documents_live ON documents (workspace_id) WHERE purged_at IS NULL;
	`
];

/** The schema version this server writes; a database with a higher one came from a newer server. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Quotes an identifier for SQL text (schema and channel names are checked names, never user input). */
export function quoteIdent(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Brings the schema up to date in one transaction. An advisory lock per schema is taken first, so
 * two server instances starting at once apply each step exactly once: the second waits, then finds
 * the steps done. `schema`, when given, is created here (under the same lock) when missing.
 */
export async function migrate(client: pg.ClientBase, schema: string | undefined): Promise<void> {
	await client.query('BEGIN');
	try {
		await client.query(
			`SELECT pg_advisory_xact_lock(hashtext('kontor.migrate'), hashtext(COALESCE($1, current_schema(), '')))`,
			[schema ?? null]
		);
		if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
		await client.query(
			'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)'
		);
		const { rows } = await client.query<{ version: number }>(
			'SELECT COALESCE(MAX(version), 0)::integer AS version FROM schema_migrations'
		);
		const version = rows[0]?.version ?? 0;
		if (version > SCHEMA_VERSION) {
			throw new Error(
				`The database has schema version ${version}; this server knows up to ${SCHEMA_VERSION}. ` +
					'It was written by a newer Kontor server.'
			);
		}
		for (const [index, step] of MIGRATIONS.entries()) {
			if (index < version) continue;
			await client.query(step);
			await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
				index + 1,
				Date.now()
			]);
		}
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK').catch(() => undefined);
		throw error;
	}
}
