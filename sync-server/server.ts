/**
 * The Kontor server as one piece: the built app, the account API and the sync socket on one
 * origin, over one storage: SQLite under the data folder, or PostgreSQL (`databaseUrl`), which
 * several instances share; each hears the others' writes through LISTEN/NOTIFY.
 */
import path from 'node:path';
import { Accounts } from './accounts';
import { createApiHandler } from './http-api';
import { startServer, type RunningServer } from './static-server';
import { listenLog, openPostgresStorage, type LogListener } from './storage/postgres-storage';
import { openSqliteStorage } from './storage/sqlite-storage';
import type { Storage } from './storage/storage';
import { SyncHub, type AuthContext } from './sync-hub';
import { createUpdateGuard, type UpdateGuard } from './update-guard';

export interface KontorServerOptions {
	port: number;
	host?: string;
	buildDir: string;
	/** Folder of the SQLite file (`kontor.sqlite`); created when missing. */
	dataDir: string;
	/** Origins allowed to open the sync socket from a browser; default: the request's own host. */
	origins?: readonly string[] | null;
	/** The address invite links use, e.g. `https://kontor.example`; default: from the request. */
	publicOrigin?: string;
	/** Trust X-Forwarded-For for the login rate limit (behind a reverse proxy). */
	trustProxy?: boolean;
	maxMessageBytes?: number;
	/** Storage to use instead of the SQLite file (tests). */
	storage?: Storage;
	/**
	 * `postgres://…`: keep everything in this PostgreSQL database instead of the SQLite file; any
	 * number of instances can share it (DATABASE_URL).
	 */
	databaseUrl?: string;
	/** The PostgreSQL schema to use (default: the connection's search path, normally `public`). */
	databaseSchema?: string;
	/** scrypt cost for new passwords (tests lower it). */
	scryptN?: number;
	now?: () => number;
}

export interface KontorServer extends RunningServer {
	storage: Storage;
	accounts: Accounts;
	hub: SyncHub;
	guard: UpdateGuard;
	/** The sync socket's address. */
	syncUrl: string;
	origin: string;
}

export const DATABASE_FILE = 'kontor.sqlite';

/** Wait before listening again after the PostgreSQL listener's connection failed. */
const LISTEN_RETRY_MS = 1000;

export async function startKontorServer(options: KontorServerOptions): Promise<KontorServer> {
	const postgres = !options.storage && options.databaseUrl ? options.databaseUrl : null;
	const storage =
		options.storage ??
		(postgres
			? await openPostgresStorage(postgres, { schema: options.databaseSchema })
			: openSqliteStorage(path.join(options.dataDir, DATABASE_FILE)));
	const now = options.now ?? Date.now;
	const accounts = new Accounts({
		storage,
		now,
		scryptN: options.scryptN,
		// The hub (made below, from these accounts) closes the sockets of a session that ends.
		onSessionEnded: (sessionId) => hub.endSession(sessionId)
	});
	const guard = createUpdateGuard({ maxUpdateBytes: options.maxMessageBytes });
	await guard.ready();
	const hub = new SyncHub({
		storage,
		guard,
		now,
		origins: options.origins ?? null,
		maxMessageBytes: options.maxMessageBytes,
		authenticate: async (token): Promise<AuthContext | null> => {
			const auth = await accounts.authenticate(token);
			if (!auth) return null;
			return {
				user: { id: auth.user.id, name: auth.user.name, email: auth.user.email },
				workspace: { id: auth.workspace.id, name: auth.workspace.name },
				role: auth.role,
				sessionId: auth.session.id
			};
		}
	});
	const api = createApiHandler({
		accounts,
		publicOrigin: options.publicOrigin,
		trustProxy: options.trustProxy
	});
	let listener: LogListener | null = null;
	let stopped = false;
	const retry = (): void => void setTimeout(() => void follow(), LISTEN_RETRY_MS).unref();
	const listen = (url: string): Promise<LogListener> =>
		listenLog(url, (workspaceId, seq) => hub.notified(workspaceId, seq), {
			schema: options.databaseSchema,
			onError: (error) => {
				console.error('Kontor: lost the PostgreSQL log listener; listening again:', error.message);
				listener = null;
				retry();
			}
		});
	/** Listens again after the connection failed, then reads what was written meanwhile. */
	const follow = async (): Promise<void> => {
		if (!postgres || stopped) return;
		try {
			listener = await listen(postgres);
			await hub.catchUp();
		} catch (error) {
			console.error('Kontor: could not listen to the PostgreSQL log; trying again:', error);
			retry();
		}
	};
	const unfollow = async (): Promise<void> => {
		stopped = true;
		await (listener as LogListener | null)?.close();
	};
	let running: RunningServer;
	try {
		// Other instances' writes reach this one's devices through LISTEN/NOTIFY.
		if (postgres) listener = await listen(postgres);
		running = await startServer({
			port: options.port,
			host: options.host,
			buildDir: options.buildDir,
			dataDir: options.dataDir,
			onRequest: api,
			onUpgrade: hub.handleUpgrade
		});
	} catch (error) {
		await unfollow();
		await hub.close();
		await guard.close();
		await storage.close();
		throw error;
	}
	const origin = `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${running.port}`;
	return {
		...running,
		storage,
		accounts,
		hub,
		guard,
		origin,
		syncUrl: `${origin.replace(/^http/, 'ws')}/sync`,
		async close() {
			// Devices are told first (they resume elsewhere or later); pushes in flight finish storing.
			await unfollow();
			await hub.close();
			await running.close();
			await guard.close();
			await storage.close();
		}
	};
}
