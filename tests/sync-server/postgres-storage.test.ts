/**
 * The shared storage suite on PostgreSQL, each store in a fresh schema of its own, and what only
 * PostgreSQL has: several instances (pools) writing to one workspace at once, migrations racing,
 * and the NOTIFY that tells other instances about new log records. The server comes from the
 * `postgres` project's global setup (KONTOR_TEST_POSTGRES_URL, or a throwaway cluster).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { listenLog, openPostgresStorage, SCHEMA_VERSION } from '../../sync-server/storage/postgres-storage';
import type { AppendInput, LogRecord, Storage } from '../../sync-server/storage/storage';
import { describeStorage, user, workspace } from './storage-suite';

const url = inject('postgresURL');
const schemas: string[] = [];

/** A new schema name; the schema itself is created by the first store opened on it. */
function freshSchema(): string {
	const schema = `kontor_test_${randomBytes(6).toString('hex')}`;
	schemas.push(schema);
	return schema;
}

/** Runs `work` on a plain connection to the test server, outside any store. */
async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

afterAll(async () => {
	await withClient(async (client) => {
		for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
	});
});

describeStorage('PostgreSQL', () => openPostgresStorage(url, { schema: freshSchema() }));

const admin = user(1);
const ws = workspace(1);

/** An append whose state names who sent it (`instance`, `n`), so the state kept can be traced to its push. */
function input(instance: number, n: number, overrides: Partial<AppendInput> = {}): AppendInput {
	return {
		workspaceId: ws.id,
		docId: `doc-${n % 5}`,
		pushId: `push-${instance}-${n}`,
		update: Uint8Array.of(1, instance, n % 256),
		authorId: admin.id,
		device: `device-${instance}`,
		clientTime: 1000 + n,
		serverTime: 2000 + n,
		entries: Uint8Array.of(0),
		state: Uint8Array.of(instance, n >> 8, n & 255),
		access: { ownerId: admin.id, everyone: 'edit', users: {} },
		parentId: null,
		...overrides
	};
}

/** Opens a store on `schema` as one server instance would; the first creates the account, the others find it. */
async function instance(schema: string): Promise<Storage> {
	const store = await openPostgresStorage(url, { schema, poolSize: 3 });
	await store.createFirstAccount(admin, ws);
	return store;
}

/** Opens `count` instances on one schema at once (their migrations and first accounts racing). */
function instances(count: number, schema: string): Promise<Storage[]> {
	return Promise.all(Array.from({ length: count }, () => instance(schema)));
}

async function closeAll(stores: readonly Storage[]): Promise<void> {
	await Promise.all(stores.map((store) => store.close()));
}

describe('PostgreSQL: several instances on one database', () => {
	it('numbers 8 × 200 concurrent appends through 8 instances 1..1600, each push once, state from the last seq', async () => {
		const schema = freshSchema();
		const stores = await instances(8, schema);
		const observer = await instance(schema);
		try {
			// Each instance sends its appends in groups of a different size (1 to 4 at once), so
			// transactions of one and of several records from all instances contend for the workspace.
			const acknowledged = (
				await Promise.all(
					stores.map(async (store, instance) => {
						const records: LogRecord[] = [];
						const group = 1 + (instance % 4);
						for (let n = 0; n < 200; n += group) {
							const sends = Array.from({ length: Math.min(group, 200 - n) }, (_, k) =>
								store.append(input(instance, n + k))
							);
							records.push(...(await Promise.all(sends)));
						}
						return records;
					})
				)
			).flat();
			const all = Array.from({ length: 1600 }, (_, i) => i + 1);
			expect(acknowledged.map((r) => r.seq).sort((a, b) => a - b)).toEqual(all);

			const log = await observer.logAfter(ws.id, 0, 2000);
			expect(log.map((r) => r.seq)).toEqual(all);
			expect(new Set(log.map((r) => r.pushId)).size).toBe(1600);
			// What each instance was told is what is stored.
			const stored = new Map(log.map((r) => [r.pushId, r]));
			for (const record of acknowledged) expect(stored.get(record.pushId)).toEqual(record);

			// Each document holds the state of its update with the highest seq.
			for (const docId of ['doc-0', 'doc-1', 'doc-2', 'doc-3', 'doc-4']) {
				const last = log.filter((r) => r.docId === docId).at(-1);
				const [instance, n] = (last?.pushId.split('-').slice(1) ?? []).map(Number);
				const doc = await observer.document(ws.id, docId);
				expect(Array.from(doc?.state ?? [])).toEqual(Array.from(input(instance ?? -1, n ?? -1).state));
			}
			expect(await observer.head(ws.id)).toBe(1600);
		} finally {
			await closeAll([...stores, observer]);
		}
	});

	it('logs push ids resent through 8 instances at once only once, every instance told the same record', async () => {
		const schema = freshSchema();
		const stores = await instances(8, schema);
		const observer = await instance(schema);
		try {
			const pushes = Array.from({ length: 50 }, (_, n) => input(0, n, { pushId: `shared-${n}` }));
			// Every instance sends all 50, each starting at another place, in groups of 5.
			const told = await Promise.all(
				stores.map(async (store, instance) => {
					const order = pushes.map((_, k) => pushes[(k + instance * 7) % 50] as AppendInput);
					const records: LogRecord[] = [];
					for (let k = 0; k < 50; k += 5) {
						records.push(...(await Promise.all(order.slice(k, k + 5).map((p) => store.append(p)))));
					}
					return records;
				})
			);
			expect(await observer.logCount(ws.id)).toBe(50);
			expect(await observer.head(ws.id)).toBe(50);
			const log = await observer.logAfter(ws.id, 0, 100);
			expect(log.map((r) => r.pushId).sort()).toEqual(pushes.map((p) => p.pushId).sort());
			const stored = new Map(log.map((r) => [r.pushId, r]));
			for (const record of told.flat()) expect(record).toEqual(stored.get(record.pushId));
		} finally {
			await closeAll([...stores, observer]);
		}
	});

	it('fails only the bad append of a group, and the others still get gap-free seqs', async () => {
		const store = await instance(freshSchema());
		try {
			const results = await Promise.allSettled([
				store.append(input(0, 1)),
				store.append(input(0, 2, { authorId: 'user-unknown' })),
				store.append(input(0, 3))
			]);
			expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
			expect(results.map((r) => (r.status === 'fulfilled' ? r.value.seq : null))).toEqual([1, null, 2]);
			expect((await store.logAfter(ws.id, 0, 10)).map((r) => r.pushId)).toEqual(['push-0-1', 'push-0-3']);
		} finally {
			await store.close();
		}
	});

	it('finishes the writes requested before close, and keeps them for the next instance', async () => {
		const schema = freshSchema();
		const first = await instance(schema);
		const pending = first.append(input(0, 1));
		await first.close();
		await expect(first.close()).resolves.toBeUndefined();
		const record = await pending;

		const second = await openPostgresStorage(url, { schema });
		try {
			expect(await second.logAfter(ws.id, 0, 10)).toEqual([record]);
			expect(await second.userByEmail(admin.email)).toEqual(admin);
			expect(Array.from((await second.document(ws.id, 'doc-1'))?.state ?? [])).toEqual([0, 0, 1]);
		} finally {
			await second.close();
		}
	});
});

describe('PostgreSQL: tombstones', () => {
	it('keeps a purged document empty when a late edit names references', async () => {
		const store = await instance(freshSchema());
		try {
			await store.append(input(0, 1, { docId: 'central' }));
			await store.append(input(0, 2, { docId: 'branch' }));
			const common = { workspaceId: ws.id, authorId: admin.id, device: 'device-0', serverTime: 9000 };
			await store.purge({ ...common, docId: 'branch', pushId: 'request-1', entries: Uint8Array.of(0) });
			const late = [{ kind: 'invoiceRecipient', docId: 'central' }];
			const record = await store.append(input(0, 3, { docId: 'branch', references: late }));
			expect(record.seq).toBe(4);
			expect(await store.document(ws.id, 'branch')).toMatchObject({ references: [], purgedAt: 9000 });
			expect(await store.referrers(ws.id, 'central')).toEqual([]);
		} finally {
			await store.close();
		}
	});
});

describe('PostgreSQL: migrations', () => {
	const tables = (schema: string) =>
		withClient(async (client) =>
			(
				await client.query<{ name: string }>(
					`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
					[schema]
				)
			).rows.map((row) => row.name)
		);
	const versions = (schema: string) =>
		withClient(async (client) =>
			(
				await client.query<{ version: number }>(
					`SELECT version FROM "${schema}".schema_migrations ORDER BY version`
				)
			).rows.map((row) => row.version)
		);

	it('migrates a new schema once when four instances open it at the same moment', async () => {
		const schema = freshSchema();
		const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStorage(url, { schema })));
		await closeAll(stores);
		const steps = Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1);
		expect(await versions(schema)).toEqual(steps);
		expect(await tables(schema)).toEqual([
			'doc_references',
			'documents',
			'invites',
			'log',
			'memberships',
			'schema_migrations',
			'sessions',
			'users',
			'workspaces'
		]);
		// A second run of a step would fail on CREATE TABLE of an existing table.
		const reopened = await openPostgresStorage(url, { schema });
		expect(await reopened.userCount()).toBe(0);
		await reopened.close();
		expect(await versions(schema)).toEqual(steps);
	});

	it('refuses a schema written by a newer server', async () => {
		const schema = freshSchema();
		await (await openPostgresStorage(url, { schema })).close();
		await withClient((client) =>
			client.query(`INSERT INTO "${schema}".schema_migrations (version, applied_at) VALUES ($1, 0)`, [
				SCHEMA_VERSION + 1
			])
		);
		await expect(openPostgresStorage(url, { schema })).rejects.toThrow(/newer Kontor server/);
	});

	it('refuses a schema name that is not a plain identifier', async () => {
		await expect(openPostgresStorage(url, { schema: 'kontor"; DROP TABLE users; --' })).rejects.toThrow(
			/Invalid PostgreSQL schema name/
		);
	});
});

describe('PostgreSQL: NOTIFY of new log records', () => {
	it('tells a listener each committed write with its newest seq, readable through another instance', async () => {
		const schema = freshSchema();
		const writer = await instance(schema);
		const reader = await instance(schema);
		const heard: string[] = [];
		const reads: Promise<LogRecord[]>[] = [];
		const listener = await listenLog(
			url,
			(workspaceId, seq) => {
				heard.push(`${workspaceId}:${seq}`);
				reads.push(reader.logAfter(workspaceId, seq - 1, 1));
			},
			{ schema }
		);
		try {
			// Rolled back: notifies nothing (it would arrive first, notifications keep commit order).
			await expect(writer.append(input(0, 1, { workspaceId: 'workspace-none' }))).rejects.toThrow();
			await writer.append(input(0, 1));
			// Requested together: one transaction, one notification with the last seq.
			await Promise.all([2, 3, 4].map((n) => writer.append(input(0, n))));
			const rights = { ownerId: admin.id, everyone: 'read' as const, users: {} };
			const common = {
				workspaceId: ws.id,
				docId: 'doc-1',
				authorId: admin.id,
				device: 'device-0',
				serverTime: 9000
			};
			await writer.setAccess({ ...common, pushId: 'request-1', entries: Uint8Array.of(0), access: rights });
			await writer.purge({ ...common, pushId: 'request-2', entries: Uint8Array.of(0) });
			// A repeated request writes nothing and tells nobody.
			await writer.purge({ ...common, pushId: 'request-2', entries: Uint8Array.of(0) });
			await writer.append(input(0, 5));

			const expected = ['workspace-1:1', 'workspace-1:4', 'workspace-1:5', 'workspace-1:6', 'workspace-1:7'];
			await vi.waitFor(() => expect(heard).toEqual(expected), { timeout: 10_000 });
			const read = (await Promise.all(reads)).map((records) =>
				records.map((r) => `${r.workspaceId}:${r.seq}`)
			);
			expect(read).toEqual(expected.map((told) => [told]));
			expect((await reader.logAfter(ws.id, 4, 2)).map((r) => r.kind)).toEqual(['access', 'purge']);
		} finally {
			await listener.close();
			await closeAll([writer, reader]);
		}
	});

	it('keeps the stores of separate schemas apart: a listener hears only its own', async () => {
		const [one, other] = [freshSchema(), freshSchema()];
		const stores = [await instance(one), await instance(other)];
		const heard: string[] = [];
		const listener = await listenLog(url, (workspaceId, seq) => heard.push(`${workspaceId}:${seq}`), {
			schema: other
		});
		try {
			// Both use workspace-1: only the channel tells them apart. The write to `one` commits
			// first, so it would be heard first if it were heard at all.
			const [toOne, toOther] = stores;
			await toOne?.append(input(0, 1));
			await toOther?.append(input(0, 2));
			await toOther?.append(input(0, 3));
			await vi.waitFor(() => expect(heard).toEqual(['workspace-1:1', 'workspace-1:2']), { timeout: 10_000 });
		} finally {
			await listener.close();
			await closeAll(stores);
		}
	});

	it('reports a listening connection that fails, and may be closed afterwards', async () => {
		const errors: Error[] = [];
		const schema = freshSchema();
		const listener = await listenLog(url, () => undefined, {
			schema,
			onError: (error) => errors.push(error)
		});
		// Another session ends the listener's backend, as a server restart would (found by its
		// channel, which no other session listens on).
		const ended = await withClient(async (client) =>
			(
				await client.query<{ ended: boolean }>(
					`SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE query = $1`,
					[`LISTEN "kontor_log_${schema}"`]
				)
			).rows.map((row) => row.ended)
		);
		expect(ended).toEqual([true]);
		await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 10_000 });
		await expect(listener.close()).resolves.toBeUndefined();
	});
});
