/**
 * The Kontor server as one piece: the built app, the account API and the sync socket on one
 * origin, over one storage (SQLite under the data folder).
 */
import path from 'node:path';
import { Accounts } from './accounts';
import { createApiHandler } from './http-api';
import { startServer, type RunningServer } from './static-server';
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

export async function startKontorServer(options: KontorServerOptions): Promise<KontorServer> {
	const storage = options.storage ?? openSqliteStorage(path.join(options.dataDir, DATABASE_FILE));
	const now = options.now ?? Date.now;
	const accounts = new Accounts({
		storage,
		now,
		scryptN: options.scryptN,
		// The hub (made below, from these accounts) closes the sockets of a session that ends.
		onSessionEnded: (sessionId) => hub.endSession(sessionId)
	});
	const guard = createUpdateGuard({ maxUpdateBytes: options.maxMessageBytes });
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
	let running: RunningServer;
	try {
		running = await startServer({
			port: options.port,
			host: options.host,
			buildDir: options.buildDir,
			dataDir: options.dataDir,
			onRequest: api,
			onUpgrade: hub.handleUpgrade
		});
	} catch (error) {
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
			await hub.close();
			await running.close();
			await guard.close();
			await storage.close();
		}
	};
}
