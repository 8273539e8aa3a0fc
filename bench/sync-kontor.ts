/**
 * The sync benchmark's phases against the Kontor server: accounts over the HTTP API, seeding over
 * the protocol, first sync and reconnect of a raw protocol client, edit-to-visible between two real
 * devices (KontorStore over fake-indexeddb + SyncClient) with raw listeners beside them, and push
 * throughput of many raw devices. Node devices need `fake-indexeddb/auto` imported first.
 */
import { WebSocket } from 'ws';
import { uuidv7, type ContactId } from '../src/lib/domain/ids';
import { KontorStore } from '../src/lib/store';
import { createAccountClient } from '../src/lib/sync/account-client';
import type { ServerMessage } from '../src/lib/sync/protocol';
import { SyncClient, type SocketLike } from '../src/lib/sync/sync-client';
import { EditableContact, type SeedBook, type SeedDoc } from './sync-contacts';
import type { ChildServer } from './sync-servers';
import { isCaughtUp, WireClient, type Traffic } from './sync-wire';

export interface Account {
	name: string;
	email: string;
	password: string;
	token: string;
	userId: string;
}

export interface Accounts {
	workspaceId: string;
	/** The admin first, then the members. */
	users: Account[];
}

const PASSWORD = 'bench password 2025';

function unwrap<T>(
	result: { ok: true; value: T } | { ok: false; error: string; message?: string },
	what: string
): T {
	if (!result.ok) throw new Error(`${what} failed: ${result.error} ${result.message ?? ''}`);
	return result.value;
}

/** The admin (POST /api/setup) and `count - 1` members, each through an invite. */
export async function createAccounts(origin: string, count: number): Promise<Accounts> {
	const api = createAccountClient(origin);
	const admin = unwrap(
		await api.setup({
			name: 'Anna Admin',
			email: 'anna@example.com',
			password: PASSWORD,
			workspaceName: 'Muster GmbH'
		}),
		'setup'
	);
	const users: Account[] = [
		{
			name: 'Anna Admin',
			email: 'anna@example.com',
			password: PASSWORD,
			token: admin.token,
			userId: admin.user.id
		}
	];
	for (let i = 1; i < count; i++) {
		const name = `Mitarbeiter ${i}`;
		const email = `mitarbeiter${i}@example.com`;
		const invite = unwrap(await api.createInvite(admin.token, { email, role: 'member' }), 'invite');
		const token = invite.url.slice(invite.url.indexOf('#') + 1);
		const member = unwrap(await api.acceptInvite({ token, name, email, password: PASSWORD }), 'accept');
		users.push({ name, email, password: PASSWORD, token: member.token, userId: member.user.id });
	}
	return { workspaceId: admin.workspace.id, users };
}

/** `account` signed in once more: a session of its own, as another device of the same user has. */
export async function signIn(origin: string, account: Account, deviceLabel: string): Promise<Account> {
	const api = createAccountClient(origin);
	const session = unwrap(
		await api.login({ email: account.email, password: account.password, deviceLabel }),
		'login'
	);
	return { ...account, token: session.token };
}

const isAck = (m: ServerMessage): m is Extract<ServerMessage, { type: 'ack' }> => m.type === 'ack';

export interface SeedFigures {
	documents: number;
	ms: number;
	perSecond: number;
	sentPayloadMB: number;
	head: number;
}

/**
 * Pushes every seed document from one uploader device, at most `window` unacknowledged, and waits
 * for every acknowledgement.
 */
export async function seedKontor(
	url: string,
	account: Account,
	book: SeedBook,
	window = 256,
	progressEvery = 5000
): Promise<SeedFigures> {
	const docs: SeedDoc[] = [book.workspace, ...book.contacts];
	const client = await WireClient.connect(url);
	try {
		const caught = client.next(isCaughtUp);
		await client.hello(account.token, uuidv7(), '', 0);
		await caught;
		const started = performance.now();
		let head = 0;
		await new Promise<void>((resolve, reject) => {
			const pending = new Set<string>();
			let next = 0;
			let acked = 0;
			const pump = () => {
				while (pending.size < window && next < docs.length) {
					const doc = docs[next++] as SeedDoc;
					pending.add(doc.entry.id);
					client.send({
						type: 'push',
						id: doc.entry.id,
						docId: doc.docId,
						update: doc.update,
						entries: [doc.entry]
					});
				}
			};
			client.on((message) => {
				if (message.type === 'error') {
					reject(new Error(`seeding: server error ${message.code}: ${message.message}`));
					return;
				}
				if (!isAck(message) || !pending.delete(message.id)) return;
				acked++;
				head = Math.max(head, message.seq);
				if (acked % progressEvery === 0 || acked === docs.length) {
					const seconds = (performance.now() - started) / 1000;
					console.log(
						`  seed: ${acked.toLocaleString('en')}/${docs.length.toLocaleString('en')} (${Math.round(acked / seconds).toLocaleString('en')}/s)`
					);
				}
				if (acked === docs.length) resolve();
				else pump();
			});
			pump();
		});
		const ms = performance.now() - started;
		return {
			documents: docs.length,
			ms,
			perSecond: docs.length / (ms / 1000),
			sentPayloadMB: client.traffic().sentPayload / 2 ** 20,
			head
		};
	} finally {
		client.close();
	}
}

export interface SyncFigures {
	ms: number;
	/** Documents received (snapshots or updates). */
	documents: number;
	/** Messages the client sent before it was caught up. */
	clientMessages: number;
	traffic: Traffic;
	head: number;
}

/** A fresh device (cursor 0) over a raw socket: from connecting until `caughtUp`. */
export async function rawFirstSync(url: string, account: Account): Promise<SyncFigures> {
	const started = performance.now();
	const client = await WireClient.connect(url);
	try {
		let documents = 0;
		client.on((message) => {
			if (message.type === 'snapshot' || message.type === 'update') documents++;
		});
		const caught = client.next(isCaughtUp, 600_000);
		const welcome = await client.hello(account.token, uuidv7(), '', 0);
		await caught;
		const ms = performance.now() - started;
		const traffic = client.traffic();
		return { ms, documents, clientMessages: traffic.sentMessages, traffic, head: welcome.head };
	} finally {
		client.close();
	}
}

/** A device that has everything (cursor = head) reconnects: from connecting until it knows it is caught up. */
export async function rawReconnect(url: string, account: Account, workspaceId: string, head: number) {
	const started = performance.now();
	const client = await WireClient.connect(url);
	try {
		const welcome = await client.hello(account.token, uuidv7(), workspaceId, head);
		if (welcome.following !== 0 || welcome.head !== head)
			throw new Error(`reconnect: expected nothing new at ${head}, got ${JSON.stringify(welcome)}`);
		const ms = performance.now() - started;
		const traffic = client.traffic();
		return { ms, documents: 0, clientMessages: traffic.sentMessages, traffic, head } satisfies SyncFigures;
	} finally {
		client.close();
	}
}

function wsConnect(url: string): SocketLike {
	return new WebSocket(url) as unknown as SocketLike;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function poll(
	check: () => boolean | Promise<boolean>,
	what: string,
	timeoutMs = 30_000,
	intervalMs = 5
): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out: ${what}`);
		await sleep(intervalMs);
	}
}

/** A real device in the benchmark process: the app's store over fake-indexeddb and the app's sync client. */
class NodeDevice {
	client: SyncClient | null = null;
	private constructor(readonly store: KontorStore) {}

	static async open(name: string, account: Account, url: string, workspaceId: string, head: number) {
		const store = await KontorStore.open({ name: `kontor-bench-${name}-${uuidv7()}` });
		const device = new NodeDevice(store);
		await store.setAuthor(account.name);
		// This device already holds the workspace up to `head` (its list is not what is measured here).
		await store.setSyncValue('syncWorkspace', workspaceId);
		await store.setSyncValue('syncCursor', head);
		device.client = new SyncClient({ store, url, token: account.token, connect: wsConnect });
		device.client.start();
		await poll(() => device.client?.status.phase === 'synced', `${name} synced`);
		return device;
	}

	close(): void {
		this.client?.stop();
		this.store.close();
	}
}

export interface EditFigures {
	edits: number;
	/** Edit call on the first device until the second device's store announced the change, per edit (ms). */
	observer: number[];
	/** Edit call until each raw listener received the update (ms), all listeners and edits. */
	listeners: number[];
	/** Edits some device did not see within the timeout. */
	missed: number;
	devices: number;
}

/**
 * Two real devices (an editor and an observer, different users) and `devices - 2` raw listeners,
 * all connected; the editor creates a contact, then edits it `edits` times, ~`spacingMs` apart.
 */
export async function kontorEditToVisible(
	urls: string | readonly string[],
	accounts: Accounts,
	head: number,
	edits = 200,
	devices = 20,
	spacingMs = 50
): Promise<EditFigures> {
	const users = accounts.users;
	// With several server instances, devices take them in turn: the observer is on another one.
	const at = (i: number): string => (typeof urls === 'string' ? urls : (urls[i % urls.length] as string));
	const opened: NodeDevice[] = [];
	const listeners: WireClient[] = [];
	try {
		const editor = await NodeDevice.open('editor', users[0] as Account, at(0), accounts.workspaceId, head);
		opened.push(editor);
		const observer = await NodeDevice.open(
			'observer',
			users[1] as Account,
			at(1),
			accounts.workspaceId,
			head
		);
		opened.push(observer);
		for (let i = 0; i < devices - 2; i++) {
			const account = users[i % users.length] as Account;
			const client = await WireClient.connect(at(i));
			listeners.push(client);
			await client.hello(account.token, uuidv7(), accounts.workspaceId, head);
		}
		const created = await editor.store.createContact('person', {
			fields: { firstName: 'Erika', lastName: 'Mustermann', city: 'Köln', street: 'Musterweg 1' }
		});
		if (!created.ok || !created.id) throw new Error('the edited contact could not be created');
		const id: ContactId = created.id;
		await poll(async () => (await observer.store.row(id)) !== undefined, 'the contact on the observer');

		const figures: EditFigures = { edits, observer: [], listeners: [], missed: 0, devices };
		for (let i = 0; i < edits; i++) {
			const started = performance.now();
			const seen = new Promise<number>((resolve) => {
				const off = observer.store.subscribe((change) => {
					if (!change.docIds.includes(id)) return;
					off();
					resolve(performance.now() - started);
				});
			});
			const heard = listeners.map(
				(client) =>
					new Promise<number>((resolve) => {
						const off = client.on((message) => {
							if (message.type !== 'update' || message.docId !== id) return;
							off();
							resolve(performance.now() - started);
						});
					})
			);
			const edit = editor.store.editContact(id, [
				{ type: 'set', field: 'street', value: `Musterweg ${i + 2}` }
			]);
			const timeout = sleep(5000).then(() => Number.NaN);
			const [observed, ...rest] = await Promise.all([seen, ...heard].map((p) => Promise.race([p, timeout])));
			const result = await edit;
			if (!result.ok) throw new Error(`edit ${i} refused: ${result.error}`);
			for (const ms of [observed as number, ...rest]) if (Number.isNaN(ms)) figures.missed++;
			if (!Number.isNaN(observed)) figures.observer.push(observed as number);
			figures.listeners.push(...rest.filter((ms) => !Number.isNaN(ms)));
			await sleep(spacingMs);
		}
		return figures;
	} finally {
		for (const client of listeners) client.close();
		for (const device of opened) device.close();
	}
}

export interface ThroughputOptions {
	devices: number;
	docsPerDevice: number;
	window: number;
	/** Pushing before the measured window starts (see ThroughputFigures.warmupMs). */
	warmupMs: number;
	durationMs: number;
}

export interface ThroughputFigures {
	devices: number;
	docsPerDevice: number;
	window: number;
	/**
	 * How long the devices pushed before the measured window (the first acknowledgements wait for
	 * the pipeline to fill, and the server's workers to decode the contacts).
	 */
	warmupMs: number;
	/** Pushes acknowledged per second during the warm-up, not counted in `perSecond`. */
	warmupPerSecond: number;
	/** The measured window; `elapsedMs` is how long the load ran (the timer fires late on a busy loop). */
	durationMs: number;
	elapsedMs: number;
	/** Pushes acknowledged within the measured window. */
	acknowledged: number;
	perSecond: number;
	/** Send to acknowledgement, per push (ms), sampled. */
	ackLatency: number[];
	/** Updates the server delivered to the other devices within the window (its fan-out). */
	deliveredPerSecond: number;
	errors: number;
	serverRssBeforeMB: number;
	serverPeakRssMB: number;
	/** CPU the server used during the window, in cores (1 = one core busy all the time). */
	serverCores: number;
	/** CPU the benchmark process (the load) used during the window, in cores. */
	loadCores: number;
}

/**
 * `devices` raw devices (spread over the accounts) each edit `docsPerDevice` seeded contacts in
 * turn, with at most `window` pushes unacknowledged, for `warmupMs` and then the measured
 * `durationMs`. Every device also receives
 * everyone else's updates, as every device of a workspace does.
 */
export async function kontorThroughput(
	urls: string | readonly string[],
	accounts: Accounts,
	book: SeedBook,
	servers: ChildServer | readonly ChildServer[],
	options: ThroughputOptions
): Promise<ThroughputFigures> {
	const { devices, docsPerDevice, window, warmupMs, durationMs } = options;
	// Devices take the server instances in turn; memory and CPU are those of all instances.
	const at = (i: number): string => (typeof urls === 'string' ? urls : (urls[i % urls.length] as string));
	const instances: readonly ChildServer[] = 'pid' in servers ? [servers] : servers;
	const server = {
		rssMB: () => instances.reduce((sum, s) => sum + s.rssMB(), 0),
		cpuSeconds: () => instances.reduce((sum, s) => sum + s.cpuSeconds(), 0),
		sampleRss: (intervalMs: number) => {
			const stops = instances.map((s) => s.sampleRss(intervalMs));
			return () => stops.reduce((sum, stop) => sum + stop(), 0);
		}
	};
	const clients: WireClient[] = [];
	const contacts: EditableContact[] = [];
	try {
		let head = 0;
		for (let d = 0; d < devices; d++) {
			const account = accounts.users[d % accounts.users.length] as Account;
			const client = await WireClient.connect(at(d), true);
			clients.push(client);
			const caught = client.next(isCaughtUp);
			caught.catch(() => undefined);
			const welcome = await client.hello(account.token, uuidv7(), accounts.workspaceId, head);
			if (welcome.following > 0) await caught;
			head = welcome.head;
		}
		const deviceDocs = clients.map((client, d) =>
			Array.from({ length: docsPerDevice }, (_, k) => {
				const seed = book.contacts[d * docsPerDevice + k] as SeedDoc;
				const contact = new EditableContact(seed.docId, seed.update, uuidv7());
				contacts.push(contact);
				return contact;
			})
		);
		let running = true;
		let warmedUp = 0;
		let acknowledged = 0;
		let errors = 0;
		let startAt = Number.POSITIVE_INFINITY;
		let endAt = Number.POSITIVE_INFINITY;
		const ackLatency: number[] = [];
		const inFlight = clients.map(() => new Map<string, number>());
		const turn = clients.map(() => 0);
		const send = (d: number) => {
			const client = clients[d] as WireClient;
			const docs = deviceDocs[d] as EditableContact[];
			const flight = inFlight[d] as Map<string, number>;
			while (running && flight.size < window) {
				const next = turn[d] ?? 0;
				turn[d] = next + 1;
				const contact = docs[next % docs.length] as EditableContact;
				const { update, entry } = contact.edit();
				flight.set(entry.id, performance.now());
				client.send({ type: 'push', id: entry.id, docId: contact.docId, update, entries: [entry] });
			}
		};
		for (const [d, client] of clients.entries()) {
			const flight = inFlight[d] as Map<string, number>;
			client.on((message) => {
				if (message.type === 'error') errors++;
				const id = message.type === 'ack' ? message.id : message.type === 'error' ? message.ref : '';
				const sentAt = flight.get(id);
				if (sentAt === undefined) return;
				flight.delete(id);
				const now = performance.now();
				if (message.type === 'ack' && now < startAt) warmedUp++;
				else if (message.type === 'ack' && now <= endAt) {
					acknowledged++;
					if (acknowledged % 16 === 0) ackLatency.push(now - sentAt);
				}
				send(d);
			});
		}
		const rssBefore = server.rssMB();
		const stopRss = server.sampleRss(100);
		for (let d = 0; d < devices; d++) send(d);
		await sleep(warmupMs);
		const cpuBefore = server.cpuSeconds();
		const loadBefore = process.cpuUsage();
		const skippedBefore = clients.reduce((sum, c) => sum + c.skipped, 0);
		const started = performance.now();
		startAt = started;
		endAt = started + durationMs;
		await sleep(durationMs);
		running = false;
		const elapsed = performance.now() - started;
		const delivered = clients.reduce((sum, c) => sum + c.skipped, 0) - skippedBefore;
		const serverCpu = server.cpuSeconds() - cpuBefore;
		const load = process.cpuUsage(loadBefore);
		// What is still in flight is acknowledged before the sockets close (it is not counted).
		await poll(() => inFlight.every((flight) => flight.size === 0), 'the last acknowledgements').catch(
			() => undefined
		);
		const peak = stopRss();
		return {
			devices,
			docsPerDevice,
			window,
			warmupMs,
			warmupPerSecond: warmedUp / (warmupMs / 1000),
			durationMs,
			elapsedMs: elapsed,
			acknowledged,
			// Acknowledgements are counted until `endAt`, so the rate is over that window.
			perSecond: acknowledged / (durationMs / 1000),
			ackLatency,
			deliveredPerSecond: delivered / (elapsed / 1000),
			errors,
			serverRssBeforeMB: rssBefore,
			serverPeakRssMB: peak,
			serverCores: serverCpu / (elapsed / 1000),
			loadCores: (load.user + load.system) / 1e6 / (elapsed / 1000)
		};
	} finally {
		for (const client of clients) client.close();
		for (const contact of contacts) contact.destroy();
	}
}

/**
 * The fallback when the app's login does not work (yet): a Node device (the app's store over
 * fake-indexeddb and the app's sync client) syncs from cursor 0 until its store holds `count`
 * contacts.
 */
export async function nodeFirstSync(url: string, account: Account, count: number, timeoutMs: number) {
	const store = await KontorStore.open({ name: `kontor-bench-fresh-${uuidv7()}` });
	let client: SyncClient | null = null;
	try {
		let syncedMs: number | null = null;
		const started = performance.now();
		client = new SyncClient({
			store,
			url,
			token: account.token,
			connect: wsConnect,
			onStatus: (status) => {
				if (syncedMs === null && status.phase === 'synced') syncedMs = performance.now() - started;
			}
		});
		client.start();
		let listed = 0;
		const progress = setInterval(
			() => console.log(`  node device: ${listed.toLocaleString('en')} contacts stored`),
			5000
		);
		try {
			await poll(
				async () => (listed = await store.count()) === count && syncedMs !== null,
				'the node device to hold every contact',
				timeoutMs,
				100
			);
		} catch {
			return { firstRowsMs: null, syncedMs, completeMs: null, listed };
		} finally {
			clearInterval(progress);
		}
		return { firstRowsMs: null, syncedMs, completeMs: performance.now() - started, listed };
	} finally {
		client?.stop();
		store.close();
	}
}
