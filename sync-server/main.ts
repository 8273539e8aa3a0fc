/**
 * Entry point of the Kontor server: `npm start` runs it through tsx after building the app.
 *
 * Configuration:
 * - port: `--port N` (or `--port=N`), else `PORT`, else 8787
 * - bind address: `HOST`, else 127.0.0.1 (set `HOST=0.0.0.0` to serve other devices on the network)
 * - data folder: `KONTOR_DATA_DIR`, else `./data` relative to the working directory
 * - `DATABASE_URL=postgres://user:password@host:5432/kontor`: keep the data in PostgreSQL instead
 *   of the SQLite file under the data folder; several instances may share the database
 *   (`KONTOR_DATABASE_SCHEMA` picks a schema other than the search path's)
 * - built app: `KONTOR_BUILD_DIR`, else `build/` next to this folder
 * - browser origins allowed to open the sync socket: `KONTOR_ORIGINS` (comma-separated), else the
 *   address the app is served from
 * - the public address used in invite links: `KONTOR_PUBLIC_ORIGIN`, else taken from each request
 * - `KONTOR_TRUST_PROXY=1` behind a reverse proxy: the login rate limit reads X-Forwarded-For
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATABASE_FILE, startKontorServer } from './server';
import { DEFAULT_HOST, type RunningServer } from './static-server';

const DEFAULT_PORT = 8787;

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 5000;

function parsePort(value: string, source: string): number {
	const port = Number(value);
	if (!/^\d+$/.test(value) || port > 65535) {
		throw new Error(`Invalid port ${JSON.stringify(value)} from ${source}; expected 0-65535`);
	}
	return port;
}

function readPort(argv: readonly string[], env: NodeJS.ProcessEnv): number {
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i] ?? '';
		if (arg === '--port') return parsePort(argv[i + 1] ?? '', '--port');
		if (arg.startsWith('--port=')) return parsePort(arg.slice('--port='.length), '--port');
	}
	if (env.PORT) return parsePort(env.PORT, 'PORT');
	return DEFAULT_PORT;
}

/** The database as it may be printed: PostgreSQL at host and database, never the password. */
function describeDatabase(url: string): string {
	const parsed = new URL(url);
	return `PostgreSQL ${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
}

/** The address to show people: loopback and wildcard binds are reachable as localhost. */
function displayHost(host: string): string {
	if (['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host)) return 'localhost';
	return host.includes(':') ? `[${host}]` : host;
}

/**
 * Stops the server on SIGINT/SIGTERM. Later signals are ignored rather than forcing an exit: on Ctrl+C
 * the terminal signals both `scripts/start.js` and this process, and start.js forwards its copy, so
 * one keypress arrives twice. The timeout guarantees the process ends even if closing hangs.
 */
function exitOnSignals(running: RunningServer): void {
	let stopping = false;
	const stop = (signal: NodeJS.Signals): void => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal} received, shutting down`);
		setTimeout(() => {
			console.error('Shutdown timed out, exiting');
			process.exit(1);
		}, SHUTDOWN_TIMEOUT_MS).unref();
		running.close().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error('Error during shutdown', error);
				process.exit(1);
			}
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
	const env = process.env;
	const port = readPort(process.argv.slice(2), env);
	const host = env.HOST || DEFAULT_HOST;
	const dataDir = path.resolve(env.KONTOR_DATA_DIR || 'data');
	const buildDir = path.resolve(env.KONTOR_BUILD_DIR || fileURLToPath(new URL('../build', import.meta.url)));

	if (!existsSync(path.join(buildDir, 'index.html'))) {
		console.warn(`No built app in ${buildDir}; run \`npm run build\` (\`npm start\` builds when needed).`);
	}

	const databaseUrl = env.DATABASE_URL || null;
	if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
		throw new Error('DATABASE_URL must be a postgres:// address; leave it unset for the SQLite file.');
	}
	const origins = env.KONTOR_ORIGINS
		? env.KONTOR_ORIGINS.split(',')
				.map((o) => o.trim())
				.filter(Boolean)
		: null;
	const running = await startKontorServer({
		port,
		host,
		buildDir,
		dataDir,
		origins,
		publicOrigin: env.KONTOR_PUBLIC_ORIGIN || undefined,
		trustProxy: env.KONTOR_TRUST_PROXY === '1',
		databaseUrl: databaseUrl ?? undefined,
		databaseSchema: env.KONTOR_DATABASE_SCHEMA || undefined
	});
	exitOnSignals(running);
	console.log(`Kontor is running on http://${displayHost(host)}:${running.port}`);
	console.log(`Data: ${databaseUrl ? describeDatabase(databaseUrl) : path.join(dataDir, DATABASE_FILE)}`);
	if (await running.accounts.needsSetup()) {
		console.log(
			`No account yet: open http://${displayHost(host)}:${running.port}/setup to create the first one.`
		);
	}
}

main().catch((error: unknown) => {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'EADDRINUSE') console.error('The port is already in use; pick another with --port N or PORT.');
	else if (code === 'EACCES') console.error('Not allowed to bind this port; pick one above 1023.');
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
