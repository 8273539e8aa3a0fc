/**
 * Where the tests find PostgreSQL. Plain JavaScript with its extension in every import, because
 * vite.config.ts imports it too (Vite's config loader wants explicit file extensions).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The environment variable naming a PostgreSQL server for the tests, e.g. `postgres://me@localhost/kontor_test`. */
export const POSTGRES_URL_VARIABLE = 'KONTOR_TEST_POSTGRES_URL';

/**
 * The folder holding `initdb` and `pg_ctl`: the PATH first, then /usr/local/bin, then Debian's
 * /usr/lib/postgresql/<version>/bin (which the `postgresql` package does not put on the PATH),
 * newest version first; null when PostgreSQL is not installed.
 * @returns {string | null}
 */
export function findPostgresBin() {
	const debian = '/usr/lib/postgresql';
	const versions = existsSync(debian)
		? readdirSync(debian)
				.filter((name) => /^\d+$/.test(name))
				.sort((a, b) => Number(b) - Number(a))
				.map((version) => path.join(debian, version, 'bin'))
		: [];
	const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/bin', ...versions];
	return (
		dirs.find(
			(dir) => dir !== '' && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))
		) ?? null
	);
}
