/**
 * Fan-out between server instances over one PostgreSQL database: every write transaction of the log
 * (append, change of rights, purge) sends `NOTIFY` on the log channel with `<workspaceId>:<seq>`, the
 * newest seq it committed. PostgreSQL delivers a notification only when its transaction commits, so
 * a listener that reads the log after being told never misses the records it was told about.
 *
 * Notifications are a hint, not the data: one commit of several records notifies once with the last
 * seq, and a listener whose connection drops misses what was sent meanwhile. A receiver therefore
 * reads every record after its own cursor up to the seq it is told, and after re-listening catches up
 * from its cursor.
 */
import pg from 'pg';
import { quoteIdent } from './postgres-schema';

/** Names of schemas the storage may live in; short enough that the channel name stays under 64 bytes. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,51}$/;

/** Checks a schema name given in the options; returns it unchanged. */
export function checkSchemaName(schema: string): string {
	if (!SCHEMA_NAME.test(schema)) {
		throw new Error(
			`Invalid PostgreSQL schema name ${JSON.stringify(schema)}: use a-z, 0-9 and _ (at most 52).`
		);
	}
	return schema;
}

/**
 * The channel log records are announced on. Notifications are per database, so stores in separate
 * schemas of one database (tests, several Kontor installations) announce on separate channels.
 */
export function logChannel(schema: string | undefined): string {
	return schema === undefined ? 'kontor_log' : `kontor_log_${checkSchemaName(schema)}`;
}

/** The payload of a log notification: `<workspaceId>:<seq>` (a workspace id may itself hold colons). */
export function logPayload(workspaceId: string, seq: number): string {
	return `${workspaceId}:${seq}`;
}

function parsePayload(payload: string): { workspaceId: string; seq: number } | null {
	const colon = payload.lastIndexOf(':');
	const seq = Number(payload.slice(colon + 1));
	if (colon <= 0 || !Number.isSafeInteger(seq) || seq < 1) return null;
	return { workspaceId: payload.slice(0, colon), seq };
}

export interface ListenOptions {
	/** The schema the storage was opened with (`openPostgresStorage`'s `schema`), if any. */
	schema?: string;
	/**
	 * Called when the listening connection fails; it is closed then and hears nothing more: listen
	 * again and catch up from the cursor. Without it, the error is logged.
	 */
	onError?: (error: Error) => void;
}

/** A running listener; `close()` ends its connection. */
export interface LogListener {
	close(): Promise<void>;
}

/**
 * Listens on a dedicated connection (LISTEN holds its session, so it cannot share a pool) and calls
 * `onRecord` with the workspace and the newest committed seq of each write transaction, in commit order.
 */
export async function listenLog(
	url: string,
	onRecord: (workspaceId: string, seq: number) => void,
	options: ListenOptions = {}
): Promise<LogListener> {
	const channel = logChannel(options.schema);
	const client = new pg.Client({ connectionString: url });
	let closed = false;
	const close = async (): Promise<void> => {
		if (closed) return;
		closed = true;
		await client.end();
	};
	client.on('notification', (message) => {
		if (message.channel !== channel || message.payload === undefined) return;
		const parsed = parsePayload(message.payload);
		if (parsed) onRecord(parsed.workspaceId, parsed.seq);
	});
	client.on('error', (error) => {
		void close().catch(() => undefined);
		if (options.onError) options.onError(error);
		else console.error('Kontor: the PostgreSQL log listener failed:', error);
	});
	try {
		await client.connect();
		await client.query(`LISTEN ${quoteIdent(channel)}`);
	} catch (error) {
		await close().catch(() => undefined);
		throw error;
	}
	return { close };
}
