import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage, SCHEMA_VERSION } from '../../sync-server/storage/sqlite-storage';
import { SqliteWriter } from '../../sync-server/storage/sqlite-writer';
import type { Storage, User } from '../../sync-server/storage/storage';
import { describeStorage, user, workspace } from './storage-suite';

let dir: string;
let files = 0;

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'kontor-sqlite-'));
});

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

function freshFile(): string {
	files++;
	return path.join(dir, `store-${files}.sqlite`);
}

describeStorage('SQLite', async () => openSqliteStorage(freshFile()));

/** Reads the file with a separate connection, as another process would. */
function inspect<T>(file: string, read: (db: Database.Database) => T): T {
	const db = new Database(file, { readonly: true });
	try {
		return read(db);
	} finally {
		db.close();
	}
}

describe('SQLite file', () => {
	it('creates missing parent folders', async () => {
		const file = path.join(dir, 'nested', 'deeper', 'kontor.sqlite');
		const storage = openSqliteStorage(file);
		await storage.close();
		expect(existsSync(file)).toBe(true);
	});

	it('keeps accounts, log and documents across close and reopen', async () => {
		const file = freshFile();
		const first = openSqliteStorage(file);
		await first.createFirstAccount(user(1), workspace(1));
		const record = await first.append({
			workspaceId: 'workspace-1',
			docId: 'doc-a',
			pushId: 'push-1',
			update: Uint8Array.of(1, 2, 3),
			authorId: 'user-1',
			device: 'device-a',
			clientTime: 10,
			serverTime: 20,
			entries: Uint8Array.of(4),
			state: Uint8Array.of(5, 6),
			access: { ownerId: 'user-1', everyone: 'edit', users: {} },
			parentId: null
		});
		await first.close();

		const second = openSqliteStorage(file);
		try {
			expect(await second.userByEmail('person1@example.com')).toEqual(user(1));
			expect(await second.logAfter('workspace-1', 0, 10)).toEqual([record]);
			expect(Array.from((await second.document('workspace-1', 'doc-a'))?.state ?? [])).toEqual([5, 6]);
			expect(await second.head('workspace-1')).toBe(1);
		} finally {
			await second.close();
		}
	});

	it('keeps seqs gap-free when two connections append to the same file', async () => {
		const file = freshFile();
		const a = openSqliteStorage(file);
		const b = openSqliteStorage(file);
		try {
			await a.createFirstAccount(user(1), workspace(1));
			const appends = Array.from({ length: 100 }, (_, n) =>
				(n % 2 === 0 ? a : b).append({
					workspaceId: 'workspace-1',
					docId: `doc-${n % 3}`,
					pushId: `push-${n}`,
					update: Uint8Array.of(n),
					authorId: 'user-1',
					device: n % 2 === 0 ? 'device-a' : 'device-b',
					clientTime: n,
					serverTime: n,
					access: { ownerId: 'user-1', everyone: 'edit', users: {} },
					parentId: null,
					entries: Uint8Array.of(),
					state: Uint8Array.of(n)
				})
			);
			const seqs = (await Promise.all(appends)).map((record) => record.seq).sort((x, y) => x - y);
			expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
			expect(await b.head('workspace-1')).toBe(100);
		} finally {
			await a.close();
			await b.close();
		}
	});

	it('migrates a new file once and opens a migrated file without running the steps again', async () => {
		const file = freshFile();
		await openSqliteStorage(file).close();
		expect(inspect(file, (db) => db.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION);
		// A second run of a step would fail on CREATE TABLE of an existing table.
		const reopened = openSqliteStorage(file);
		expect(await reopened.userCount()).toBe(0);
		await reopened.close();
		expect(inspect(file, (db) => db.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION);
	});

	it('stores in WAL mode with the expected tables', async () => {
		const file = freshFile();
		await openSqliteStorage(file).close();
		expect(inspect(file, (db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
		const tables = inspect(file, (db) =>
			db
				.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
				.all()
				.map((row) => row.name)
		);
		expect(tables).toEqual([
			'doc_references',
			'documents',
			'invites',
			'log',
			'memberships',
			'sessions',
			'users',
			'workspaces'
		]);
	});

	it("counts a workspace's documents and lists those not everyone may read from indexes, not the table's rows", async () => {
		const file = freshFile();
		await openSqliteStorage(file).close();
		const plan = (sql: string) =>
			inspect(file, (db) =>
				db
					.prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
					.all()
					.map((row) => row.detail)
					.join('; ')
			);
		// The queries of a hello (see the statements documentCount and restrictedDocuments).
		expect(plan("SELECT COUNT(*) FROM documents WHERE workspace_id = 'w' AND purged_at IS NULL")).toMatch(
			/USING COVERING INDEX documents_live/
		);
		expect(
			plan(`SELECT COUNT(*) FROM
				(SELECT 1 FROM documents WHERE workspace_id = 'w' AND purged_at IS NULL LIMIT 10)`)
		).toMatch(/USING COVERING INDEX documents_live/);
		expect(
			plan(`SELECT doc_id, parent_id, owner_id, access FROM documents INDEXED BY documents_restricted
				WHERE workspace_id = 'w' AND purged_at IS NULL AND json_extract(access, '$.everyone') = 'none'`)
		).toMatch(/USING COVERING INDEX documents_restricted/);
		// The contact persons under one contact, after each push that moves one (see childrenOf).
		expect(
			plan(`SELECT doc_id, parent_id, owner_id, access FROM documents
				WHERE workspace_id = 'w' AND parent_id = 'p' AND purged_at IS NULL`)
		).toMatch(/USING COVERING INDEX documents_children \(workspace_id=\? AND parent_id=\?\)/);
	});

	it('refuses a file written by a newer server', async () => {
		const file = freshFile();
		await openSqliteStorage(file).close();
		const db = new Database(file);
		db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
		db.close();
		expect(() => openSqliteStorage(file)).toThrow(/newer Kontor server/);
	});

	it('may be closed twice', async () => {
		const storage = openSqliteStorage(freshFile());
		await storage.close();
		await expect(storage.close()).resolves.toBeUndefined();
	});
});

describe('SQLite writer thread', () => {
	it('writes while another connection holds the write lock, without stopping this thread', async () => {
		const file = freshFile();
		const storage = openSqliteStorage(file);
		const other = new Database(file);
		try {
			await storage.createWorkspace(workspace(1));
			other.exec('BEGIN IMMEDIATE');
			const write = storage.createUser(user(1));
			// The write waits for the lock in its own thread: this one goes on, and reads.
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(await storage.userCount()).toBe(0);
			other.exec('COMMIT');
			await write;
			expect((await storage.userByEmail(user(1).email))?.id).toBe(user(1).id);
		} finally {
			other.close();
			await storage.close();
		}
	});

	it("rejects a write with the database's own error and goes on with the next", async () => {
		const storage = openSqliteStorage(freshFile());
		try {
			await storage.createUser(user(1));
			await expect(storage.createUser(user(2, { email: user(1).email }))).rejects.toThrow(/UNIQUE/);
			await storage.createUser(user(3));
			expect(await storage.userCount()).toBe(2);
		} finally {
			await storage.close();
		}
	});

	it('finishes the writes called before closing, and refuses writes after', async () => {
		const file = freshFile();
		const storage = openSqliteStorage(file);
		const writes = Array.from({ length: 20 }, (_, i) => storage.createUser(user(i + 1)));
		// Closed twice at once: both wait for the writes.
		await Promise.all([storage.close(), storage.close()]);
		await Promise.all(writes);
		await expect(storage.createUser(user(99))).rejects.toThrow(/closed/);
		expect(inspect(file, (db) => db.prepare('SELECT COUNT(*) AS n FROM users').get())).toEqual({ n: 20 });
	});

	it('fails a write whose data cannot reach the writer thread, and only that one', async () => {
		const storage = openSqliteStorage(freshFile());
		try {
			const notData = { ...user(1), greet: () => 'hello' } as unknown as User;
			const [bad, good] = await Promise.allSettled([
				storage.createUser(notData),
				storage.createUser(user(2))
			]);
			expect(bad.status).toBe('rejected');
			expect(good.status).toBe('fulfilled');
			expect(await storage.userCount()).toBe(1);
		} finally {
			await storage.close();
		}
	});

	it('fails the waiting writes with the reason when the writer cannot start, and tries again with the next', async () => {
		// A regular file where the database's folder should be: the writer thread cannot open it.
		const blocker = path.join(dir, 'not-a-folder');
		await writeFile(blocker, '');
		const writer = new SqliteWriter(path.join(blocker, 'kontor.sqlite'), () => {
			throw new Error('no append here');
		});
		const storage = {} as Storage;
		writer.writeFor(storage);
		try {
			await expect(storage.createUser(user(1))).rejects.toThrow(/database writer failed: .*not-a-folder/);
			await expect(storage.createUser(user(2))).rejects.toThrow(/database writer failed: .*not-a-folder/);
		} finally {
			await writer.close();
		}
	});
});
