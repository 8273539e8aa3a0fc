/**
 * The server killed with SIGKILL: the real server runs as a child process (`node --import tsx
 * sync-server/main.ts`) over a SQLite file in a temp folder, devices (real store over fake-indexeddb,
 * real sync client) push to it, and the process is killed in the middle of their pushes or of a
 * fresh device's first sync, then started again on the same folder and port. The devices reconnect
 * by themselves, as they would after a real crash.
 *
 * What a device saw is recorded at its socket: every push it sent and every ack it got. An ack is
 * the server's promise that the change is stored; this checks the promise against the file itself.
 */
import 'fake-indexeddb/auto';
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactId } from '../../src/lib/domain';
import { KontorStore } from '../../src/lib/store';
import { createAccountClient } from '../../src/lib/sync/account-client';
import {
	decodeClientMessage,
	decodeServerFrame,
	encodeServerBatch,
	encodeServerMessage,
	type ClientMessage,
	type ServerMessage
} from '../../src/lib/sync/protocol';
import { SyncClient, type SocketLike } from '../../src/lib/sync/sync-client';
import { DATABASE_FILE } from '../../sync-server/server';
import { int, mulberry32, pick, type Rng } from '../factories';
import { waitFor, wsConnect, type TestAccount } from './helpers';
import { killAll, ServerProcess } from './server-process';

const folders: string[] = [];
const devices: TappedDevice[] = [];

afterEach(async () => {
	for (const device of devices.splice(0)) device.close();
	await killAll();
	for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** The log as it is in the SQLite file: push id -> seq, read while no server runs. */
function logOnDisk(dataDir: string): Map<string, number> {
	const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
	try {
		const rows = db.prepare('SELECT push_id AS pushId, seq FROM log ORDER BY seq').all() as {
			pushId: string;
			seq: number;
		}[];
		return new Map(rows.map((r) => [r.pushId, r.seq]));
	} finally {
		db.close();
	}
}

/** The log rows in the SQLite file (a read-only reader beside the running server is fine in WAL mode). */
function logRows(dataDir: string): { pushId: string; seq: number; entries: number }[] {
	const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
	try {
		return db
			.prepare('SELECT push_id AS pushId, seq, length(entries) AS entries FROM log ORDER BY seq')
			.all() as { pushId: string; seq: number; entries: number }[];
	} finally {
		db.close();
	}
}

async function setupAccount(server: ServerProcess): Promise<TestAccount> {
	const result = await createAccountClient(server.origin, fetch).setup({
		name: 'Anna Admin',
		email: 'anna@example.com',
		password: 'correct horse battery',
		workspaceName: 'Muster GmbH'
	});
	if (!result.ok) throw new Error(`setup failed: ${JSON.stringify(result)}`);
	return { token: result.value.token, userId: result.value.user.id, workspaceId: result.value.workspace.id };
}

/**
 * A socket that shows the test what goes through it. `cut()` stops passing on what arrives, as a
 * connection reset loses what the dead server had sent but the device had not read yet.
 */
class TapSocket implements SocketLike {
	onopen: ((event: unknown) => void) | null = null;
	onmessage: ((event: { data: unknown }) => void) | null = null;
	onclose: ((event: { code: number; reason: string }) => void) | null = null;
	onerror: ((event: unknown) => void) | null = null;
	#cut = false;

	constructor(
		private readonly socket: SocketLike,
		private readonly device: TappedDevice
	) {
		socket.onopen = (event) => this.onopen?.(event);
		socket.onclose = (event) => this.onclose?.(event);
		socket.onerror = (event) => this.onerror?.(event);
		socket.onmessage = (event) => {
			if (this.#cut) return;
			// A frame may be a batch: a cut inside it lets through only the messages before the cut.
			const messages = decodeServerFrame(new Uint8Array(event.data as ArrayBuffer));
			const passed: ServerMessage[] = [];
			for (const message of messages) {
				this.device.onMessage(message, this);
				if (this.#cut) break;
				this.device.saw(message);
				passed.push(message);
			}
			if (passed.length === messages.length) this.onmessage?.(event);
			else if (passed.length > 0)
				this.onmessage?.({ data: encodeServerBatch(passed.map(encodeServerMessage)) });
		};
	}

	get binaryType(): string {
		return this.socket.binaryType;
	}
	set binaryType(value: string) {
		this.socket.binaryType = value;
	}
	get readyState(): number {
		return this.socket.readyState;
	}
	get bufferedAmount(): number {
		return this.socket.bufferedAmount;
	}

	send(data: Uint8Array): void {
		this.device.sent(decodeClientMessage(data));
		this.socket.send(data);
	}

	close(code?: number, reason?: string): void {
		this.socket.close(code, reason);
	}

	cut(): void {
		this.#cut = true;
	}
}

/** A device (real store, real sync client) whose socket traffic the test can read. */
class TappedDevice {
	client: SyncClient | null = null;
	/** Every push sent (resends included once) and every ack received: push id -> seq. */
	readonly pushed = new Set<string>();
	readonly acks = new Map<string, number>();
	readonly conflicts: string[] = [];
	snapshots = 0;
	/** Called with each message before the client gets it; may `cut()` the socket. */
	onMessage: (message: ServerMessage, socket: TapSocket) => void = () => undefined;

	private constructor(
		readonly store: KontorStore,
		readonly account: TestAccount,
		readonly url: string
	) {}

	static async open(account: TestAccount, url: string, name: string): Promise<TappedDevice> {
		const store = await KontorStore.open({ name: `kontor-crash-${crypto.randomUUID()}` });
		await store.setAuthor(name);
		const device = new TappedDevice(store, account, url);
		devices.push(device);
		return device;
	}

	sent(message: ClientMessage): void {
		if (message.type === 'push') this.pushed.add(message.id);
	}

	/** What the client got (after the test's `onMessage` had its say). */
	saw(message: ServerMessage): void {
		if (message.type === 'ack') {
			const earlier = this.acks.get(message.id);
			// The same push acknowledged twice (resent after the crash) must name the same record.
			if (earlier !== undefined && earlier !== message.seq) {
				this.conflicts.push(`push ${message.id} acknowledged as ${earlier} and as ${message.seq}`);
			}
			this.acks.set(message.id, message.seq);
		}
		if (message.type === 'snapshot') this.snapshots++;
	}

	online(): void {
		this.client ??= new SyncClient({
			store: this.store,
			url: this.url,
			token: this.account.token,
			connect: (url) => new TapSocket(wsConnect(url), this),
			backoff: { initialMs: 20, maxMs: 200 }
		});
		this.client.start();
	}

	async synced(timeoutMs = 30_000): Promise<void> {
		await waitFor(
			async () => this.client?.status.phase === 'synced' && (await this.store.pendingCount()) === 0,
			timeoutMs,
			() => `device not synced: ${JSON.stringify(this.client?.status)}`
		);
	}

	close(): void {
		this.client?.stop();
		this.client = null;
		this.store.close();
	}
}

async function createCompanies(device: TappedDevice, count: number): Promise<ContactId[]> {
	const ids: ContactId[] = [];
	for (let i = 0; i < count; i++) {
		const result = await device.store.createContact('company', { fields: { companyName: `Firma ${i}` } });
		if (!result.ok || !result.id) throw new Error('create failed');
		ids.push(result.id);
	}
	return ids;
}

/** Edits one of `ids` after another until `stop()`, each a change (and a push) of its own. */
class Editor {
	edits = 0;
	readonly last = new Map<ContactId, string>();
	#stopped = false;
	readonly done: Promise<void>;

	constructor(device: TappedDevice, field: 'city' | 'street', ids: ContactId[], rng: Rng) {
		this.done = (async () => {
			while (!this.#stopped) {
				const id = pick(rng, ids);
				const value = `${field} ${this.edits + 1}`;
				const result = await device.store.editContact(id, [{ type: 'set', field, value }]);
				if (!result.ok) throw new Error(`edit refused: ${JSON.stringify(result)}`);
				this.edits++;
				this.last.set(id, value);
				await new Promise((resolve) => setTimeout(resolve, int(rng, 0, 4)));
			}
		})();
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		await this.done;
	}
}

/** Contacts (by id) and the history of each, as one comparable value. */
async function holdings(device: TappedDevice): Promise<unknown> {
	const ids = (await device.store.allRows()).map((row) => row.id as ContactId).sort();
	return {
		contacts: await Promise.all(ids.map((id) => device.store.loadContact(id))),
		history: await Promise.all(ids.map((id) => device.store.history(id)))
	};
}

function tempFolder(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'kontor-crash-'));
	mkdirSync(path.join(dir, 'no-build'));
	folders.push(dir);
	return dir;
}

describe('the server killed with SIGKILL', () => {
	it('loses no acknowledged push and stores none twice when killed in the middle of pushes', async () => {
		const dataDir = tempFolder();
		let server = await ServerProcess.start(dataDir);
		const account = await setupAccount(server);
		const a = await TappedDevice.open(account, server.syncUrl, 'Laptop A');
		const b = await TappedDevice.open(account, server.syncUrl, 'Laptop B');
		a.online();
		b.online();
		const ids = await createCompanies(a, 4);
		await a.synced();
		await waitFor(async () => (await b.store.count()) === ids.length);

		// Both devices edit as fast as they can. Once each has had 40 acks, the server dies as its next
		// ack to A is on the way: A never gets it (the change is stored, A does not know).
		const editors = [new Editor(a, 'city', ids, mulberry32(1)), new Editor(b, 'street', ids, mulberry32(2))];
		let lostAck = '';
		let killing: Promise<void> | null = null;
		a.onMessage = (message, socket) => {
			if (message.type !== 'ack' || killing || a.acks.size < 40 || b.acks.size < 40) return;
			lostAck = message.id;
			socket.cut();
			killing = server.kill();
		};
		await waitFor(() => killing !== null, 30_000);
		await killing;
		const acked = new Map([...a.acks, ...b.acks]);
		const sentBeforeKill = new Set([...a.pushed, ...b.pushed]);

		// Every acknowledged push is in the file, with the seq its ack named; so is the one whose ack was lost.
		const onDisk = logOnDisk(dataDir);
		expect([...acked].filter(([id, seq]) => onDisk.get(id) !== seq)).toEqual([]);
		expect(acked.has(lostAck)).toBe(false);
		expect(onDisk.has(lostAck)).toBe(true);
		const storedUnacked = [...onDisk.keys()].filter((id) => !acked.has(id)).length;
		const inFlight = [...sentBeforeKill].filter((id) => !acked.has(id)).length;

		// The devices keep working offline, then the server comes back on the same folder and port.
		const editsAtKill = editors.map((e) => e.edits);
		await waitFor(() => editors.every((e, i) => e.edits >= (editsAtKill[i] ?? 0) + 10));
		server = await ServerProcess.restart(dataDir, server.port);
		const acksAtRestart = a.acks.size + b.acks.size;
		await waitFor(() => a.acks.size + b.acks.size >= acksAtRestart + 20, 30_000);
		await Promise.all(editors.map((e) => e.stop()));
		await Promise.all([a.synced(), b.synced()]);

		// The log: each change exactly once (pushes stored before the crash but not acknowledged were
		// sent again and answered with their first record), in seqs without gaps.
		const rows = logRows(dataDir);
		const changes = ids.length + editors.reduce((sum, e) => sum + e.edits, 0);
		expect(rows).toHaveLength(changes);
		expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
		expect(new Set(rows.map((r) => r.pushId))).toEqual(new Set([...a.pushed, ...b.pushed]));
		const seqOf = new Map(rows.map((r) => [r.pushId, r.seq]));
		expect([...a.acks, ...b.acks].filter(([id, seq]) => seqOf.get(id) !== seq)).toEqual([]);
		for (const [id, seq] of onDisk) expect(seqOf.get(id)).toBe(seq);
		expect(a.acks.get(lostAck)).toBe(onDisk.get(lostAck));

		// Devices converge, with each device's last value, and a fresh device gets the same.
		const c = await TappedDevice.open(account, server.syncUrl, 'Fresh C');
		c.online();
		await c.synced();
		const held = await holdings(a);
		expect(await holdings(b)).toEqual(held);
		expect(await holdings(c)).toEqual(held);
		const [cityEditor, streetEditor] = editors as [Editor, Editor];
		for (const id of ids) {
			const contact = await c.store.loadContact(id);
			expect(contact?.city).toBe(cityEditor.last.get(id) ?? '');
			expect(contact?.street).toBe(streetEditor.last.get(id) ?? '');
		}
		const history = (await Promise.all(ids.map((id) => c.store.history(id)))).flat();
		expect(history).toHaveLength(changes);
		expect(history.every((e) => e.serverTime && e.author.id === account.userId)).toBe(true);
		expect([...a.conflicts, ...b.conflicts]).toEqual([]);
		for (const device of [a, b, c]) {
			expect(await device.store.pendingCount()).toBe(0);
			expect(await device.store.syncValue('syncCursor')).toBe(rows.length);
		}
		console.log(
			`crash during pushes: ${acked.size} acked before the kill, ${inFlight} sent and not acked, ` +
				`${storedUnacked} of those stored; ${changes} changes in all`
		);
	}, 120_000);

	it("resumes a fresh device's first sync that the crash cut off", async () => {
		const dataDir = tempFolder();
		let server = await ServerProcess.start(dataDir);
		const account = await setupAccount(server);
		const a = await TappedDevice.open(account, server.syncUrl, 'Laptop A');
		const imported = await a.store.importContacts(
			Array.from({ length: 300 }, (_, i) => ({
				kind: 'company' as const,
				fields: { companyName: `Firma ${i}` }
			}))
		);
		if (!imported.ok) throw new Error('import failed');
		const ids = imported.ids;
		for (const id of ids.slice(0, 20)) {
			const edited = await a.store.editContact(id, [{ type: 'set', field: 'city', value: 'Köln' }]);
			expect(edited.ok).toBe(true);
		}
		a.online();
		await a.synced();

		// A fresh device starts its first sync; the server dies after the 100th of 300 snapshots.
		const c = await TappedDevice.open(account, server.syncUrl, 'Fresh C');
		let killing: Promise<void> | null = null;
		c.onMessage = (message, socket) => {
			// The 101st is cut off with everything after it.
			if (message.type === 'snapshot' && c.snapshots === 100 && !killing) {
				socket.cut();
				killing = server.kill();
			}
		};
		c.online();
		await waitFor(() => killing !== null, 30_000);
		await killing;
		expect(c.client?.caughtUp).toBe(false);
		const partial = await c.store.count();
		expect(partial).toBeLessThan(ids.length);
		expect(await c.store.syncValue('syncCursor')).toBeUndefined();

		// Meanwhile A edits offline; then the server comes back and both devices pick up where they were.
		const later = ids.slice(100, 110);
		for (const id of later) {
			const edited = await a.store.editContact(id, [{ type: 'set', field: 'city', value: 'Bonn' }]);
			expect(edited.ok).toBe(true);
		}
		c.onMessage = () => undefined;
		server = await ServerProcess.restart(dataDir, server.port);
		await Promise.all([a.synced(), c.synced()]);

		const rows = logRows(dataDir);
		expect(rows).toHaveLength(ids.length + 20 + later.length);
		expect(new Set(rows.map((r) => r.pushId)).size).toBe(rows.length);
		expect(await c.store.count()).toBe(ids.length);
		expect(await holdings(c)).toEqual(await holdings(a));
		for (const id of later) expect((await c.store.loadContact(id))?.city).toBe('Bonn');
		expect(await c.store.syncValue('syncCursor')).toBe(rows.length);
		console.log(`crash during a first sync: ${partial} of ${ids.length} contacts stored before the kill`);
	}, 120_000);
});
