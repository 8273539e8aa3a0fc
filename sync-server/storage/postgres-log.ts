/**
 * The write transactions of the log on PostgreSQL (appends, changes of rights, purges) and the row
 * helpers they share with postgres-storage.ts. Each runs in its caller's transaction and starts by
 * taking the workspace's log lock (`lockLog`).
 */
import type pg from 'pg';
import type { AccessInfo } from '../../src/lib/domain/access';
import { logPayload } from './postgres-notify';
import {
	appendedRecord,
	EMPTY_ENTRIES,
	EMPTY_UPDATE,
	type AppendInput,
	type DocReference,
	type LogRecord,
	type ServerRecordInput,
	serverLogRecord,
	StaleStateError
} from './storage';

export const LOG_COLUMNS = `workspace_id AS "workspaceId", seq, kind, doc_id AS "docId", push_id AS "pushId", "update",
	author_id AS "authorId", device, client_time AS "clientTime", server_time AS "serverTime", entries,
	access_before AS "accessBefore"`;

/** Rows as pg returns them: bytea arrives as Buffer, jsonb parsed. */
export type RightsJson = Omit<AccessInfo, 'ownerId'>;
export type LogRow = Omit<LogRecord, 'update' | 'entries' | 'accessBefore'> & {
	update: Buffer;
	entries: Buffer;
	accessBefore: AccessInfo | null;
};

/** What runs a query: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export async function rows<R>(db: Queryable, text: string, values: unknown[] = []): Promise<R[]> {
	return (await db.query(text, values)).rows as R[];
}

export async function one<R>(db: Queryable, text: string, values: unknown[] = []): Promise<R | null> {
	return (await rows<R>(db, text, values))[0] ?? null;
}

/** A plain Uint8Array view of a Buffer, so callers see the type the interface promises. */
export function bytes(buffer: Buffer): Uint8Array {
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function rightsJson(access: AccessInfo): string {
	return JSON.stringify({ everyone: access.everyone, users: access.users });
}

export function toLog({ accessBefore, ...row }: LogRow): LogRecord {
	const record: LogRecord = { ...row, update: bytes(row.update), entries: bytes(row.entries) };
	if (accessBefore) record.accessBefore = accessBefore;
	return record;
}

/**
 * Takes the workspace's log lock for the rest of the transaction and returns its head. The head is
 * read by a statement after the lock is held, so it sees every append committed before (READ
 * COMMITTED takes a new snapshot per statement).
 */
export async function lockLog(client: Queryable, workspaceId: string): Promise<number> {
	const locked = await client.query('SELECT 1 FROM workspaces WHERE id = $1 FOR NO KEY UPDATE', [
		workspaceId
	]);
	if (locked.rowCount === 0) throw new Error(`Unknown workspace ${JSON.stringify(workspaceId)}`);
	const head = await one<{ head: number }>(
		client,
		'SELECT COALESCE(MAX(seq), 0) AS head FROM log WHERE workspace_id = $1',
		[workspaceId]
	);
	return head?.head ?? 0;
}

export async function logByPushId(
	db: Queryable,
	workspaceId: string,
	pushId: string
): Promise<LogRecord | null> {
	const row = await one<LogRow>(
		db,
		`SELECT ${LOG_COLUMNS} FROM log WHERE workspace_id = $1 AND push_id = $2`,
		[workspaceId, pushId]
	);
	return row ? toLog(row) : null;
}

/** Inserts log records of one workspace, one statement for the lot. */
export async function insertLog(client: Queryable, records: readonly LogRecord[]): Promise<void> {
	const first = records[0];
	if (!first) return;
	await client.query(
		`INSERT INTO log (workspace_id, seq, kind, doc_id, push_id, "update", author_id, device, client_time,
			server_time, entries, access_before)
		 SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::bytea[], $7::text[],
			$8::text[], $9::bigint[], $10::bigint[], $11::bytea[], $12::jsonb[])`,
		[
			first.workspaceId,
			records.map((r) => r.seq),
			records.map((r) => r.kind),
			records.map((r) => r.docId),
			records.map((r) => r.pushId),
			records.map((r) => r.update),
			records.map((r) => r.authorId),
			records.map((r) => r.device),
			records.map((r) => r.clientTime),
			records.map((r) => r.serverTime),
			records.map((r) => r.entries),
			records.map((r) => (r.accessBefore ? JSON.stringify(r.accessBefore) : null))
		]
	);
}

/**
 * Replaces what the given documents point at: their `refs` (read with the document) and their rows
 * in the index `doc_references` (to find who points at a document).
 */
export async function writeReferences(
	client: Queryable,
	workspaceId: string,
	references: ReadonlyMap<string, readonly DocReference[]>
): Promise<void> {
	if (references.size === 0) return;
	const docIds = [...references.keys()];
	const edges = [...references].flatMap(([from, refs]) =>
		refs.map((r) => ({ from, kind: r.kind, to: r.docId }))
	);
	await client.query('DELETE FROM doc_references WHERE workspace_id = $1 AND from_doc = ANY($2::text[])', [
		workspaceId,
		docIds
	]);
	if (edges.length > 0) {
		await client.query(
			`INSERT INTO doc_references (workspace_id, from_doc, kind, to_doc)
			 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
			[workspaceId, edges.map((e) => e.from), edges.map((e) => e.kind), edges.map((e) => e.to)]
		);
	}
	await client.query(
		`UPDATE documents d SET refs = u.refs FROM unnest($2::text[], $3::jsonb[]) AS u (doc_id, refs)
		 WHERE d.workspace_id = $1 AND d.doc_id = u.doc_id`,
		[
			workspaceId,
			docIds,
			[...references.values()].map((refs) => JSON.stringify(refs.map(({ kind, docId }) => ({ kind, docId }))))
		]
	);
}

/** Tells listeners (other instances) about the commit; delivered only if the transaction commits. */
export async function notify(
	client: Queryable,
	channel: string,
	workspaceId: string,
	seq: number
): Promise<void> {
	await client.query('SELECT pg_notify($1, $2)', [channel, logPayload(workspaceId, seq)]);
}

/**
 * Appends of one workspace in order, in the caller's transaction. A document changed by several of
 * them has its state written once, the last one (its owner and creation time from the first, should
 * the document be new). A push id already logged, or repeated within the batch, gets the earlier record.
 */
export async function appendAll(
	client: Queryable,
	channel: string,
	inputs: readonly AppendInput[]
): Promise<LogRecord[]> {
	const workspaceId = inputs[0]?.workspaceId;
	if (workspaceId === undefined) return [];
	let head = await lockLog(client, workspaceId);
	const known = new Map<string, LogRecord>();
	const earlier = await rows<LogRow>(
		client,
		`SELECT ${LOG_COLUMNS} FROM log WHERE workspace_id = $1 AND push_id = ANY($2::text[])`,
		[workspaceId, inputs.map((input) => input.pushId)]
	);
	for (const row of earlier) known.set(row.pushId, toLog(row));
	await checkBaseStates(client, workspaceId, inputs, known);
	const fresh: LogRecord[] = [];
	const states = new Map<
		string,
		{ first: AppendInput; last: AppendInput; references: readonly DocReference[] | undefined }
	>();
	const records = inputs.map((input): LogRecord => {
		const seen = known.get(input.pushId);
		if (seen) return seen;
		head++;
		const record = appendedRecord(input, head);
		known.set(input.pushId, record);
		fresh.push(record);
		const doc = states.get(input.docId) ?? { first: input, last: input, references: undefined };
		doc.last = input;
		if (input.references) doc.references = input.references;
		states.set(input.docId, doc);
		return record;
	});
	if (fresh.length === 0) return records;
	await insertLog(client, fresh);
	const docs = [...states.values()];
	// A purged document keeps its tombstone: a late edit is logged, but never brings the state (or
	// its references) back. The documents written are those not purged.
	const written = await rows<{ docId: string }>(
		client,
		`INSERT INTO documents (workspace_id, doc_id, owner_id, access, parent_id, state, created_at, updated_at)
		 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::text[], $6::bytea[], $7::bigint[], $8::bigint[])
		 ON CONFLICT (workspace_id, doc_id) DO UPDATE
		 SET state = excluded.state, parent_id = excluded.parent_id, updated_at = excluded.updated_at
		 WHERE documents.purged_at IS NULL
		 RETURNING doc_id AS "docId"`,
		[
			workspaceId,
			docs.map(({ first }) => first.docId),
			docs.map(({ first }) => first.access.ownerId),
			docs.map(({ first }) => rightsJson(first.access)),
			docs.map(({ last }) => last.parentId),
			docs.map(({ last }) => last.state),
			docs.map(({ first }) => first.serverTime),
			docs.map(({ last }) => last.serverTime)
		]
	);
	const live = new Set(written.map((row) => row.docId));
	const references = new Map<string, readonly DocReference[]>();
	for (const { first, references: refs } of docs)
		if (refs && live.has(first.docId)) references.set(first.docId, refs);
	await writeReferences(client, workspaceId, references);
	await notify(client, channel, workspaceId, head);
	return records;
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
	if (a === null || b === null) return a === b;
	return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * Refuses appends whose update was applied to a state the document no longer has (another instance
 * wrote it meanwhile); runs under the workspace's log lock, so the states read stay current.
 */
async function checkBaseStates(
	client: Queryable,
	workspaceId: string,
	inputs: readonly AppendInput[],
	known: ReadonlyMap<string, LogRecord>
): Promise<void> {
	const checked = inputs.filter((input) => input.baseState !== undefined && !known.has(input.pushId));
	if (checked.length === 0) return;
	const stored = await rows<{ docId: string; state: Buffer }>(
		client,
		'SELECT doc_id AS "docId", state FROM documents WHERE workspace_id = $1 AND doc_id = ANY($2::text[])',
		[workspaceId, [...new Set(checked.map((input) => input.docId))]]
	);
	const current = new Map<string, Uint8Array | null>(stored.map((row) => [row.docId, bytes(row.state)]));
	for (const input of inputs) {
		if (known.has(input.pushId)) continue;
		if (input.baseState !== undefined && !sameBytes(current.get(input.docId) ?? null, input.baseState)) {
			throw new StaleStateError(input.docId);
		}
		current.set(input.docId, input.state);
	}
}

/**
 * Logs a record the server writes itself (a change of rights, a tombstone) in the caller's
 * transaction, and runs `apply` with it under the log lock. A request id seen before writes nothing
 * and returns the earlier record.
 */
export async function serverRecord(
	client: Queryable,
	channel: string,
	input: ServerRecordInput,
	kind: 'access' | 'purge',
	apply: (record: LogRecord) => Promise<void>
): Promise<LogRecord> {
	const head = await lockLog(client, input.workspaceId);
	const earlier = await logByPushId(client, input.workspaceId, input.pushId);
	if (earlier) return earlier;
	const record = serverLogRecord(input, head + 1, kind);
	await insertLog(client, [record]);
	await apply(record);
	await notify(client, channel, input.workspaceId, record.seq);
	return record;
}

export function setAccess(
	client: Queryable,
	channel: string,
	input: ServerRecordInput & { access: AccessInfo }
): Promise<LogRecord> {
	const { workspaceId, docId, access, serverTime } = input;
	return serverRecord(client, channel, input, 'access', async (record) => {
		const before = await one<{ ownerId: string; access: RightsJson }>(
			client,
			'SELECT owner_id AS "ownerId", access FROM documents WHERE workspace_id = $1 AND doc_id = $2',
			[workspaceId, docId]
		);
		if (before) {
			record.accessBefore = { ownerId: before.ownerId, ...before.access };
			await client.query('UPDATE log SET access_before = $1 WHERE workspace_id = $2 AND seq = $3', [
				JSON.stringify(record.accessBefore),
				workspaceId,
				record.seq
			]);
		}
		await client.query(
			'UPDATE documents SET owner_id = $1, access = $2, updated_at = $3 WHERE workspace_id = $4 AND doc_id = $5',
			[access.ownerId, rightsJson(access), serverTime, workspaceId, docId]
		);
	});
}

/** Empties the document's state and the updates and history of all its log records; the rows stay as tombstone. */
export function purge(client: Queryable, channel: string, input: ServerRecordInput): Promise<LogRecord> {
	const { workspaceId, docId, authorId, serverTime } = input;
	return serverRecord(client, channel, input, 'purge', async () => {
		await client.query('UPDATE log SET "update" = $1, entries = $2 WHERE workspace_id = $3 AND doc_id = $4', [
			EMPTY_UPDATE,
			EMPTY_ENTRIES,
			workspaceId,
			docId
		]);
		await writeReferences(client, workspaceId, new Map([[docId, []]]));
		await client.query(
			`UPDATE documents SET state = $1, purged_at = $2, purged_by = $3, updated_at = $4
			 WHERE workspace_id = $5 AND doc_id = $6`,
			[EMPTY_UPDATE, serverTime, authorId, serverTime, workspaceId, docId]
		);
	});
}
