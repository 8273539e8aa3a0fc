/**
 * Sync test rig: a real Kontor server (SQLite in a temp folder, or PostgreSQL on the `postgres`
 * run; port 0) and devices made of a real
 * store (fake-indexeddb) with a real sync client over `ws`. Tests import 'fake-indexeddb/auto' first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { ContactId } from '../../src/lib/domain';
import { KontorStore, type PendingPush } from '../../src/lib/store';
import { decodeServerFrame, encodeClientMessage, type ServerMessage } from '../../src/lib/sync/protocol';
import {
	SyncClient,
	type ClientStatus,
	type SocketLike,
	type SyncNotice
} from '../../src/lib/sync/sync-client';
import { startKontorServer, type KontorServer } from '../../sync-server/server';
import { dropTestDatabase, testDatabase } from '../sync-server/test-database';

export interface TestAccount {
	token: string;
	userId: string;
	workspaceId: string;
}

/** A socket factory over `ws` (Node 20 has no global WebSocket). */
export function wsConnect(url: string): SocketLike {
	return new WebSocket(url) as unknown as SocketLike;
}

export class Rig {
	readonly dir = mkdtempSync(path.join(tmpdir(), 'kontor-sync-'));
	server!: KontorServer;
	/**
	 * Every server instance: one on SQLite; on PostgreSQL as many as asked for, sharing the database
	 * (devices are spread over them in turn).
	 */
	servers: KontorServer[] = [];
	/** On the PostgreSQL run: the schema the servers keep their data in. */
	readonly database = testDatabase();
	readonly #devices: Device[] = [];

	constructor(readonly options: { instances?: number } = {}) {}

	async start(): Promise<this> {
		const instances = this.database ? (this.options.instances ?? 1) : 1;
		for (let i = 0; i < instances; i++) {
			this.servers.push(
				await startKontorServer({
					port: 0,
					buildDir: path.join(this.dir, 'no-build'),
					dataDir: this.dir,
					scryptN: 2 ** 10,
					...this.database
				})
			);
		}
		this.server = this.servers[0] as KontorServer;
		return this;
	}

	/** The first account (admin) of a fresh server. */
	async admin(name = 'Anna Admin', email = 'anna@example.com'): Promise<TestAccount> {
		const result = await this.server.accounts.setup({
			name,
			email,
			password: 'correct horse battery',
			workspaceName: 'Muster GmbH'
		});
		if (!result.ok) throw new Error(`setup failed: ${JSON.stringify(result)}`);
		return {
			token: result.value.token,
			userId: result.value.user.id,
			workspaceId: result.value.workspace.id
		};
	}

	/** Another member of the admin's workspace, through an invite. */
	async member(admin: TestAccount, name: string, email: string): Promise<TestAccount> {
		const auth = await this.server.accounts.authenticate(admin.token);
		if (!auth) throw new Error('admin session unknown');
		const invite = await this.server.accounts.createInvite(auth, { email, role: 'member' });
		if (!invite.ok) throw new Error('invite failed');
		const accepted = await this.server.accounts.acceptInvite({
			token: invite.value.token,
			name,
			email,
			password: 'correct horse battery'
		});
		if (!accepted.ok) throw new Error(`accept failed: ${JSON.stringify(accepted)}`);
		return {
			token: accepted.value.token,
			userId: accepted.value.user.id,
			workspaceId: accepted.value.workspace.id
		};
	}

	/** A device with its own database, signed in as `account` (not connected until `online()`). */
	async device(account: TestAccount, name = `device-${this.#devices.length + 1}`): Promise<Device> {
		const store = await KontorStore.open({ name: `kontor-sync-${crypto.randomUUID()}` });
		await store.setAuthor(name);
		const server = this.servers[this.#devices.length % this.servers.length] as KontorServer;
		const device = new Device(store, account, server.syncUrl);
		this.#devices.push(device);
		return device;
	}

	async stop(): Promise<void> {
		for (const device of this.#devices.splice(0)) device.close();
		for (const server of this.servers.splice(0)) await server.close();
		await dropTestDatabase(this.database);
		rmSync(this.dir, { recursive: true, force: true });
	}
}

export class Device {
	client: SyncClient | null = null;
	statuses: ClientStatus[] = [];
	notices: SyncNotice[] = [];

	constructor(
		readonly store: KontorStore,
		readonly account: TestAccount,
		public url: string
	) {}

	/** Connects to another server instance from now on (as after a reverse proxy switched over). */
	moveTo(url: string): void {
		const wasOnline = this.client !== null;
		this.offline();
		this.url = url;
		if (wasOnline) this.online();
	}

	online(): void {
		if (this.client) return;
		this.client = new SyncClient({
			store: this.store,
			url: this.url,
			token: this.account.token,
			connect: wsConnect,
			backoff: { initialMs: 20, maxMs: 200 },
			onStatus: (status) => this.statuses.push(status),
			onNotice: (notice) => this.notices.push(notice)
		});
		this.client.start();
	}

	offline(): void {
		this.client?.stop();
		this.client = null;
	}

	get status(): ClientStatus | undefined {
		return this.client?.status;
	}

	/** Resolves once the device is connected, caught up and has nothing pending. */
	async synced(timeoutMs = 20_000): Promise<void> {
		await waitFor(
			async () =>
				!!this.client && this.client.status.phase === 'synced' && (await this.store.pendingCount()) === 0,
			timeoutMs,
			() => `device not synced: ${JSON.stringify(this.client?.status)}`
		);
	}

	close(): void {
		this.offline();
		this.store.close();
	}
}

/** Polls `check` until it holds; fails with `describe()` after `timeoutMs`. */
export async function waitFor(
	check: () => boolean | Promise<boolean>,
	timeoutMs = 10_000,
	describe: () => string = () => 'condition not met'
): Promise<void> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		if (await check()) return;
		if (Date.now() > end) expect.fail(describe());
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** A company named `name`, created on `device`'s store. */
export async function createCompany(device: Device, name: string): Promise<ContactId> {
	const result = await device.store.createContact('company', { fields: { companyName: name } });
	if (!result.ok || !result.id) throw new Error('create failed');
	return result.id;
}

/** A raw protocol connection: what a device sends and receives, message by message. */
export interface RawConnection {
	socket: WebSocket;
	received: ServerMessage[];
	bytesIn: () => number;
	next: (count?: number) => Promise<ServerMessage[]>;
}

export async function rawConnection(url: string): Promise<RawConnection> {
	const socket = new WebSocket(url);
	const received: ServerMessage[] = [];
	let bytes = 0;
	socket.on('message', (data: Buffer) => {
		bytes += data.byteLength;
		// A new contact's rights (outside the log) are not what these tests look at.
		const messages = decodeServerFrame(new Uint8Array(data));
		received.push(...messages.filter((m) => !(m.type === 'access' && m.seq === 0)));
	});
	await new Promise((resolve, reject) => {
		socket.once('open', resolve);
		socket.once('error', reject);
	});
	let taken = 0;
	return {
		socket,
		received,
		bytesIn: () => bytes,
		async next(count = 1) {
			await waitFor(
				() => received.length >= taken + count,
				5000,
				() => `got ${JSON.stringify(received)}`
			);
			const out = received.slice(taken, taken + count);
			taken += count;
			return out;
		}
	};
}

/** A device's pending push as it sends it; `changes` replaces its id or update (a bad one, say). */
export function pushMessage(
	push: PendingPush,
	changes: { id?: string; update?: Uint8Array } = {}
): Uint8Array {
	return encodeClientMessage({
		type: 'push',
		id: changes.id ?? push.id,
		docId: push.docId,
		update: changes.update ?? push.update,
		entries: push.entries.map(({ docId, ...entry }) => (void docId, entry))
	});
}

/** A device's first message: sign in and resume from `cursor` (a fresh device by default). */
export function helloMessage(
	token: string,
	{ device, workspace = '', cursor = 0 }: { device?: string; workspace?: string; cursor?: number } = {}
): Uint8Array {
	return encodeClientMessage({
		type: 'hello',
		token,
		device: device ?? crypto.randomUUID(),
		workspace,
		cursor
	});
}

/**
 * Holds the guard's first job until `release` is called, so pushes sent meanwhile wait behind it
 * on their contact; `jobs` counts the updates of each job the guard is given.
 */
export function holdFirstJob(server: KontorServer): { jobs: number[]; release: () => void } {
	const guard = server.guard;
	const apply = guard.apply.bind(guard);
	const jobs: number[] = [];
	let release = (): void => undefined;
	const gate = new Promise<void>((resolve) => (release = resolve));
	vi.spyOn(guard, 'apply').mockImplementation(async (state, update, job) => {
		jobs.push(update instanceof Uint8Array ? 1 : update.length);
		if (jobs.length === 1) await gate;
		return apply(state, update, job);
	});
	return { jobs, release: () => release() };
}

/** Sends `messages`, and returns once the server has taken them all (a device's messages are taken in order). */
export async function sendAll(raw: RawConnection, messages: Uint8Array[]): Promise<void> {
	for (const message of messages) raw.socket.send(message);
	raw.socket.send(
		encodeClientMessage({ type: 'syncStep1', docId: crypto.randomUUID(), stateVector: new Uint8Array([0]) })
	);
	expect((await raw.next())[0]?.type).toBe('syncStep2');
}
