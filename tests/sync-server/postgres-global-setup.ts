/**
 * vitest globalSetup for the `postgres` project: provides the URL of a PostgreSQL server as
 * `postgresURL` (`inject('postgresURL')` in tests). The server named by `KONTOR_TEST_POSTGRES_URL`
 * when set (each test file then works in schemas of its own and drops them); otherwise a throwaway
 * cluster started here and stopped in the teardown.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { findPostgresBin, POSTGRES_URL_VARIABLE } from './find-postgres.js';
import { startCluster } from './postgres-cluster';

declare module 'vitest' {
	export interface ProvidedContext {
		/** Connection URL of the PostgreSQL server under test. */
		postgresURL: string;
	}
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
	const given = process.env[POSTGRES_URL_VARIABLE];
	if (given) {
		// Fail here, once and clearly, rather than in every test.
		const client = new pg.Client({ connectionString: given });
		try {
			await client.connect();
			await client.query('SELECT 1');
		} catch (error) {
			throw new Error(`${POSTGRES_URL_VARIABLE}=${given} does not answer: ${String(error)}`, {
				cause: error
			});
		} finally {
			await client.end().catch(() => undefined);
		}
		project.provide('postgresURL', given);
		return undefined;
	}
	const bin = findPostgresBin();
	if (!bin) {
		throw new Error(
			`No PostgreSQL for the PostgreSQL tests: set ${POSTGRES_URL_VARIABLE} or install PostgreSQL ` +
				'(initdb and pg_ctl; on Debian `apt-get install postgresql`).'
		);
	}
	const cluster = await startCluster(bin);
	project.provide('postgresURL', cluster.url);
	return () => cluster.stop();
}
