/**
 * The storage the server tests run on. The `unit` project runs them on SQLite files; the
 * `postgres` project runs the same files again with KONTOR_TEST_STORAGE=postgres, on the server its
 * global setup provides, each server or store in a fresh schema that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPostgresStorage } from '../../sync-server/storage/postgres-storage';
import { openSqliteStorage } from '../../sync-server/storage/sqlite-storage';
import type { Storage } from '../../sync-server/storage/storage';

/** A PostgreSQL database and schema for one server or store. */
export interface TestDatabase {
	databaseUrl: string;
	databaseSchema: string;
}

/** True when this run is the PostgreSQL one. */
export function onPostgres(): boolean {
	return process.env.KONTOR_TEST_STORAGE === 'postgres';
}

/** A fresh schema on the test server when running on PostgreSQL; null on SQLite. */
export function testDatabase(): TestDatabase | null {
	if (!onPostgres()) return null;
	return {
		databaseUrl: inject('postgresURL'),
		databaseSchema: `kontor_test_${randomBytes(6).toString('hex')}`
	};
}

/** Drops a test schema and everything in it. */
export async function dropTestDatabase(database: TestDatabase | null): Promise<void> {
	if (!database) return;
	const client = new pg.Client({ connectionString: database.databaseUrl });
	await client.connect();
	try {
		await client.query(`DROP SCHEMA IF EXISTS "${database.databaseSchema}" CASCADE`);
	} finally {
		await client.end();
	}
}

/**
 * Opens a store for a test: the SQLite file at `file`, or on PostgreSQL a fresh schema (dropped
 * when the store is closed).
 */
export async function openTestStorage(file: string): Promise<Storage> {
	const database = testDatabase();
	if (!database) return openSqliteStorage(file);
	const storage = await openPostgresStorage(database.databaseUrl, { schema: database.databaseSchema });
	return {
		...storage,
		close: async () => {
			await storage.close();
			await dropTestDatabase(database);
		}
	};
}
