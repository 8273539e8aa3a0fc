/**
 * Rights and deletion at the sync server: who may read, edit, share and purge a contact, and that
 * what a user may not read never leaves the server (snapshots, resumes, live broadcasts, repair).
 * A real server (SQLite in a temp folder) and raw protocol clients, so every message is checked.
 *
 * "Nothing arrived" is never a sleep: `settle` asks each observer's own connection a question the
 * server answers only after it has handled everything sent before (see `settle`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import * as Y from 'yjs';
import { uuidv7, type AccessInfo } from '../../src/lib/domain';
import {
	decodeEntries,
	decodeServerFrame,
	encodeClientMessage,
	type ClientMessage,
	type ServerMessage,
	type Welcome,
	type WireEntry
} from '../../src/lib/sync/protocol';
import { EMPTY_UPDATE } from '../../sync-server/storage/storage';
import { Rig, waitFor, type TestAccount } from './helpers';

type Push = Extract<ClientMessage, { type: 'push' }>;
type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

let rig: Rig;
const sockets = new Set<WebSocket>();

beforeEach(async () => {
	rig = await new Rig().start();
});

afterEach(async () => {
	for (const socket of sockets) socket.terminate();
	sockets.clear();
	await rig.stop();
});

/** One device speaking the protocol by hand: everything it receives, in order. */
class Wire {
	readonly received: ServerMessage[] = [];
	device: string = crypto.randomUUID();

	private constructor(
		readonly socket: WebSocket,
		readonly account: TestAccount
	) {
		socket.on('message', (data: RawData) => {
			// A new contact's rights, sent outside the log as it is created, are not what these tests follow.
			const messages = decodeServerFrame(new Uint8Array(data as Buffer));
			this.received.push(...messages.filter((m) => !(m.type === 'access' && m.seq === 0)));
		});
	}

	/** Connects and signs in from `cursor` (0: a fresh device); resolves once the resume is complete. */
	static async connect(account: TestAccount, cursor = 0, device?: string): Promise<Wire> {
		const socket = new WebSocket(rig.server.syncUrl);
		sockets.add(socket);
		socket.on('error', () => undefined);
		await new Promise((resolve, reject) => {
			socket.once('open', resolve);
			socket.once('error', reject);
		});
		const wire = new Wire(socket, account);
		if (device) wire.device = device;
		wire.send({ type: 'hello', token: account.token, device: wire.device, workspace: '', cursor });
		const welcome = await wire.find('welcome');
		// A device that is up to date gets the welcome alone; every other resume ends with caughtUp.
		if (cursor === 0 || cursor !== welcome.head) await wire.find('caughtUp');
		return wire;
	}

	get welcome(): Welcome {
		return this.received.find((m): m is Welcome => m.type === 'welcome') as Welcome;
	}

	send(message: ClientMessage): void {
		this.socket.send(encodeClientMessage(message));
	}

	/** The first message of `type` from index `from` on that satisfies `match`; waits for it. */
	async find<T extends ServerMessage['type']>(
		type: T,
		match: (m: Of<T>) => boolean = () => true,
		from = 0
	): Promise<Of<T>> {
		let found: Of<T> | undefined;
		await waitFor(
			() => {
				found = this.received.slice(from).find((m): m is Of<T> => m.type === type && match(m as Of<T>));
				return found !== undefined;
			},
			10_000,
			() => `no ${type} in ${JSON.stringify(this.received.slice(from)).slice(0, 2000)}`
		);
		return found as Of<T>;
	}

	/** Sends a push, setAccess or purge and waits for its answer: an ack or an error naming it. */
	async ask(message: Extract<ClientMessage, { id: string }>): Promise<Of<'ack'> | Of<'error'>> {
		const from = this.received.length;
		this.send(message);
		return this.answer(message.id, from);
	}

	async answer(id: string, from = 0): Promise<Of<'ack'> | Of<'error'>> {
		let found: Of<'ack'> | Of<'error'> | undefined;
		await waitFor(
			() => {
				found = this.received
					.slice(from)
					.find(
						(m): m is Of<'ack'> | Of<'error'> =>
							(m.type === 'ack' && m.id === id) || (m.type === 'error' && m.ref === id)
					);
				return found !== undefined;
			},
			10_000,
			() => `no answer to ${id} in ${JSON.stringify(this.received.slice(from)).slice(0, 2000)}`
		);
		return found as Of<'ack'> | Of<'error'>;
	}

	/** Everything received about one document (snapshots, records, rights, revocations, deletions). */
	about(docId: string, from = 0): ServerMessage[] {
		return this.received.slice(from).filter((m) => 'docId' in m && m.docId === docId);
	}
}

/**
 * Waits until every wire has received whatever the server sent it before now. Each asks for a
 * document that does not exist: the answer (syncStep2) goes through the update worker and so is
 * queued behind everything the hub had already sent to that connection.
 */
async function settle(...wires: Wire[]): Promise<void> {
	await Promise.all(
		wires.map(async (wire) => {
			const docId = crypto.randomUUID();
			const from = wire.received.length;
			wire.send({ type: 'syncStep1', docId, stateVector: Y.encodeStateVector(new Y.Doc()) });
			await wire.find('syncStep2', (m) => m.docId === docId, from);
		})
	);
}

/** A contact as a device edits it: a real Y.Doc, each edit one push with one history entry. */
class Contact {
	readonly id = crypto.randomUUID();
	readonly doc = new Y.Doc();

	edit(field: string, value: string, device: string = crypto.randomUUID()): Push {
		return this.set('fields', field, value, device);
	}

	/** Sets one value of one of the document's maps ('fields', 'customer' ...) as one push. */
	set(map: string, key: string, value: string | boolean | null, device: string = crypto.randomUUID()): Push {
		const target = this.doc.getMap<string | boolean | null>(map);
		const svBefore = Y.encodeStateVector(this.doc);
		const from = target.get(key) ?? null;
		const updates: Uint8Array[] = [];
		const capture = (update: Uint8Array): void => void updates.push(update);
		this.doc.on('update', capture);
		target.set(key, value);
		this.doc.off('update', capture);
		const entry: WireEntry = {
			id: uuidv7(),
			time: Date.now(),
			author: { id: '', name: '' },
			device,
			changes: [{ path: [map, key], from, to: value }],
			svBefore,
			client: this.doc.clientID,
			clockEnd: Y.getState(this.doc.store, this.doc.clientID)
		};
		return {
			type: 'push',
			id: crypto.randomUUID(),
			docId: this.id,
			update: Y.mergeUpdates(updates),
			entries: [entry]
		};
	}
}

/** A contact `wire` creates (it becomes the owner), with one field set; returns it once stored. */
async function created(wire: Wire, name = 'Müller GmbH'): Promise<Contact> {
	const contact = new Contact();
	const answer = await wire.ask(contact.edit('companyName', name, wire.device));
	expect(answer).toMatchObject({ type: 'ack', seq: expect.any(Number) });
	return contact;
}

function fieldsOf(update: Uint8Array): Record<string, unknown> {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, update);
	return doc.getMap('fields').toJSON();
}

const setAccess = (
	docId: string,
	access: AccessInfo,
	id = crypto.randomUUID()
): Extract<ClientMessage, { type: 'setAccess' }> => ({
	type: 'setAccess',
	id,
	docId,
	access
});

const purge = (docId: string, id = crypto.randomUUID()): Extract<ClientMessage, { type: 'purge' }> => ({
	type: 'purge',
	id,
	docId
});

const storage = () => rig.server.storage;

/** An admin (Anna) and three members (Bernd, Clara, Dora) of one workspace. */
async function team(): Promise<{ admin: TestAccount; b: TestAccount; c: TestAccount; d: TestAccount }> {
	const admin = await rig.admin();
	const b = await rig.member(admin, 'Bernd Berger', 'bernd@example.com');
	const c = await rig.member(admin, 'Clara Clausen', 'clara@example.com');
	const d = await rig.member(admin, 'Dora Dietz', 'dora@example.com');
	return { admin, b, c, d };
}

describe('welcome', () => {
	it('names the members of the workspace', async () => {
		const { admin, b, c, d } = await team();
		const wire = await Wire.connect(c);
		expect(wire.welcome.members).toEqual([
			{ id: admin.userId, name: 'Anna Admin' },
			{ id: b.userId, name: 'Bernd Berger' },
			{ id: c.userId, name: 'Clara Clausen' },
			{ id: d.userId, name: 'Dora Dietz' }
		]);
	});
});

describe('owner and workspace default', () => {
	it('makes the first pusher the owner and lets everyone edit by default', async () => {
		const { admin, b, c } = await team();
		const bw = await Wire.connect(b);
		const cw = await Wire.connect(c);
		const x = await created(bw);
		expect((await storage().document(admin.workspaceId, x.id))?.access).toEqual({
			ownerId: b.userId,
			everyone: 'edit',
			users: {}
		});
		await cw.find('update', (m) => m.docId === x.id);
		const edit = x.edit('city', 'Köln', cw.device);
		expect(await cw.ask(edit)).toMatchObject({ type: 'ack', seq: 2 });
		await bw.find('update', (m) => m.seq === 2 && m.docId === x.id);
		const doc = await storage().document(admin.workspaceId, x.id);
		expect(doc?.ownerId).toBe(b.userId);
		expect(fieldsOf(doc?.state ?? EMPTY_UPDATE)).toEqual({ companyName: 'Müller GmbH', city: 'Köln' });
	});

	it('keeps contacts of a private workspace from everyone but their owner and the admins', async () => {
		const { admin, b, c } = await team();
		await storage().setWorkspaceDefault(admin.workspaceId, 'private');
		const aw = await Wire.connect(admin);
		const y = await created(aw, 'Admin-Kontakt');
		const cursor = await storage().head(admin.workspaceId);
		const cw = await Wire.connect(c);
		const bw = await Wire.connect(b);
		const bOther = await Wire.connect(b);

		const x = await created(bw, 'Geheim GmbH');
		expect(await bw.ask(x.edit('city', 'Bonn', bw.device))).toMatchObject({ type: 'ack', seq: 3 });
		expect((await storage().document(admin.workspaceId, x.id))?.access).toEqual({
			ownerId: b.userId,
			everyone: 'none',
			users: {}
		});
		// Live: the owner's other device and the admin get both records; Clara gets nothing.
		await bOther.find('update', (m) => m.docId === x.id && m.seq === 3);
		await aw.find('update', (m) => m.docId === x.id && m.seq === 3);
		await settle(cw);
		expect(cw.about(x.id)).toEqual([]);
		expect(cw.about(y.id)).toEqual([]);

		// Fresh devices: a snapshot for who may read, none for Clara.
		const cFresh = await Wire.connect(c);
		expect(cFresh.received.filter((m) => m.type === 'snapshot')).toEqual([]);
		// Nor does the count of what follows tell her how many contacts there are.
		expect(cFresh.received.find((m) => m.type === 'welcome')).toMatchObject({ following: 0 });
		const bFresh = await Wire.connect(b);
		expect(bFresh.received.find((m) => m.type === 'welcome')).toMatchObject({ following: 1 });
		const aFresh = await Wire.connect(admin);
		const snapshot = await aFresh.find('snapshot', (m) => m.docId === x.id);
		expect(fieldsOf(snapshot.update)).toEqual({ companyName: 'Geheim GmbH', city: 'Bonn' });
		expect(snapshot.access).toEqual({ ownerId: b.userId, everyone: 'none', users: {} });

		// Resume from a cursor: the log records of both contacts are left out for Clara.
		const cResumed = await Wire.connect(c, cursor);
		expect(cResumed.received.map((m) => m.type)).toEqual(['welcome', 'caughtUp']);
		const bResumed = await Wire.connect(b, cursor);
		expect(bResumed.about(x.id).map((m) => m.type)).toEqual(['update', 'update']);

		// Repair and writing are refused too, and nothing is logged or sent.
		const logCount = await storage().logCount(admin.workspaceId);
		cw.send({ type: 'syncStep1', docId: x.id, stateVector: Y.encodeStateVector(new Y.Doc()) });
		expect(await cw.find('error', (m) => m.ref === x.id)).toMatchObject({ code: 'forbidden', fatal: false });
		const push = x.edit('city', 'Essen', cw.device);
		expect(await cw.ask(push)).toMatchObject({ type: 'error', code: 'forbidden', ref: push.id });
		expect(await storage().logCount(admin.workspaceId)).toBe(logCount);
		const seen = bOther.received.length;
		await settle(bOther, aw);
		expect(bOther.about(x.id, seen)).toEqual([]);
	});
});

describe('grants', () => {
	it('lets a member granted read receive the contact but not edit it', async () => {
		const { admin, b, c, d } = await team();
		await storage().setWorkspaceDefault(admin.workspaceId, 'private');
		const bw = await Wire.connect(b);
		const aw = await Wire.connect(admin);
		const cw = await Wire.connect(c);
		const dw = await Wire.connect(d);
		// Other contacts, so that Clara's resume below reads the log rather than snapshots.
		for (const name of ['Eins', 'Zwei']) await created(bw, name);
		const x = await created(bw, 'Lese GmbH');
		await bw.ask(x.edit('city', 'Kiel', bw.device));
		const cursor = await storage().head(admin.workspaceId);

		const grant = setAccess(x.id, { ownerId: b.userId, everyone: 'none', users: { [c.userId]: 'read' } });
		const ack = await bw.ask(grant);
		expect(ack).toMatchObject({ type: 'ack', id: grant.id, seq: cursor + 1 });

		// Clara could not read before: all of it, then the change of rights.
		const access = await cw.find('access', (m) => m.docId === x.id);
		const [snapshot, accessAgain] = cw.about(x.id);
		expect(accessAgain).toEqual(access);
		expect(snapshot?.type).toBe('snapshot');
		if (snapshot?.type !== 'snapshot') return;
		expect(fieldsOf(snapshot.update)).toEqual({ companyName: 'Lese GmbH', city: 'Kiel' });
		expect(snapshot.access).toEqual({ ownerId: b.userId, everyone: 'none', users: { [c.userId]: 'read' } });
		expect(snapshot.entries.map((e) => e.changes[0]?.path)).toEqual([
			['fields', 'companyName'],
			['fields', 'city'],
			['access', 'users', c.userId]
		]);
		expect(access).toMatchObject({ seq: cursor + 1, access: snapshot.access });
		// The owner and the admin could read before and still can: the change of rights only.
		expect((await bw.find('access', (m) => m.docId === x.id)).seq).toBe(cursor + 1);
		await aw.find('access', (m) => m.docId === x.id);
		// Dora could not and cannot: nothing.
		await settle(bw, aw, dw);
		expect(dw.about(x.id)).toEqual([]);
		expect(bw.about(x.id).filter((m) => m.type === 'snapshot' || m.type === 'revoked')).toEqual([]);

		// Clara reads: later edits reach her, repair answers her, a resume from before the grant gives
		// her the contact whole.
		await bw.ask(x.edit('zip', '24103', bw.device));
		await cw.find('update', (m) => m.docId === x.id);
		cw.send({ type: 'syncStep1', docId: x.id, stateVector: Y.encodeStateVector(new Y.Doc()) });
		const step2 = await cw.find('syncStep2', (m) => m.docId === x.id);
		expect(fieldsOf(step2.update)).toEqual({ companyName: 'Lese GmbH', city: 'Kiel', zip: '24103' });
		const resumed = await Wire.connect(c, cursor);
		expect(resumed.about(x.id).map((m) => m.type)).toEqual(['snapshot', 'access', 'update']);

		// ... but may not write.
		const logCount = await storage().logCount(admin.workspaceId);
		const seenB = bw.received.length;
		const push = x.edit('city', 'Lübeck', cw.device);
		expect(await cw.ask(push)).toMatchObject({ type: 'error', code: 'forbidden', ref: push.id });
		expect(await storage().logCount(admin.workspaceId)).toBe(logCount);
		await settle(bw, aw, dw);
		expect(bw.about(x.id, seenB)).toEqual([]);
		const doc = await storage().document(admin.workspaceId, x.id);
		expect(fieldsOf(doc?.state ?? EMPTY_UPDATE)).toMatchObject({ city: 'Kiel' });
	});

	it('records a change of rights with who changed what, in the message and in later snapshots', async () => {
		const { admin, b, c, d } = await team();
		const bw = await Wire.connect(b);
		const aw = await Wire.connect(admin);
		const cw = await Wire.connect(c);
		const x = await created(bw);
		const head = await storage().head(admin.workspaceId);

		const next: AccessInfo = {
			ownerId: d.userId,
			everyone: 'read',
			users: { [b.userId]: 'read', [c.userId]: 'edit' }
		};
		const request = setAccess(x.id, next);
		const ack = await aw.ask(request);
		expect(ack).toMatchObject({
			type: 'ack',
			id: request.id,
			seq: head + 1,
			author: { id: admin.userId, name: 'Anna Admin' }
		});
		const message = await cw.find('access', (m) => m.docId === x.id);
		expect(message).toMatchObject({ seq: head + 1, docId: x.id, access: next });
		expect(message.entries).toHaveLength(1);
		const [entry] = message.entries;
		expect(entry?.author).toEqual({ id: admin.userId, name: 'Anna Admin' });
		expect(entry?.device).toBe(aw.device);
		expect(entry?.serverTime).toBeGreaterThan(0);
		const byId = [b.userId, c.userId].sort();
		expect(entry?.changes).toEqual([
			{ path: ['access', 'owner'], from: b.userId, to: d.userId },
			{ path: ['access', 'everyone'], from: 'edit', to: 'read' },
			...byId.map((id) => ({ path: ['access', 'users', id], to: id === c.userId ? 'edit' : 'read' }))
		]);
		// Everyone in the workspace could read before and still can: the same message everywhere.
		expect(await bw.find('access', (m) => m.docId === x.id)).toEqual(message);
		expect(await aw.find('access', (m) => m.docId === x.id)).toEqual(message);

		const stored = await storage().document(admin.workspaceId, x.id);
		expect(stored?.ownerId).toBe(d.userId);
		expect(stored?.access).toEqual(next);
		const fresh = await Wire.connect(d);
		const snapshot = await fresh.find('snapshot', (m) => m.docId === x.id);
		expect(snapshot.access).toEqual(next);
		expect(snapshot.entries.at(-1)).toEqual(entry);

		// Bernd handed the contact on: he may no longer change its rights.
		const logCount = await storage().logCount(admin.workspaceId);
		const again = setAccess(x.id, { ...next, everyone: 'edit' });
		expect(await bw.ask(again)).toMatchObject({ type: 'error', code: 'forbidden', ref: again.id });
		expect(await storage().logCount(admin.workspaceId)).toBe(logCount);
	});

	it('lets only the owner or an admin change rights, and only to members', async () => {
		const { admin, b, c } = await team();
		const bw = await Wire.connect(b);
		const cw = await Wire.connect(c);
		const aw = await Wire.connect(admin);
		const x = await created(bw);
		const logCount = await storage().logCount(admin.workspaceId);
		const original = { ownerId: b.userId, everyone: 'edit', users: {} };

		// Clara may edit (everyone may), but not share.
		const mine = setAccess(x.id, { ownerId: c.userId, everyone: 'none', users: {} });
		expect(await cw.ask(mine)).toMatchObject({ type: 'error', code: 'forbidden', ref: mine.id });
		const closed = setAccess(x.id, { ownerId: b.userId, everyone: 'none', users: {} });
		expect(await cw.ask(closed)).toMatchObject({ type: 'error', code: 'forbidden', ref: closed.id });
		// Grants and owners outside the workspace are refused, even from the owner.
		const stranger = crypto.randomUUID();
		const outside = setAccess(x.id, { ownerId: b.userId, everyone: 'edit', users: { [stranger]: 'read' } });
		expect(await bw.ask(outside)).toMatchObject({ type: 'error', code: 'malformed', ref: outside.id });
		const handOut = setAccess(x.id, { ownerId: stranger, everyone: 'edit', users: {} });
		expect(await aw.ask(handOut)).toMatchObject({ type: 'error', code: 'malformed', ref: handOut.id });
		expect(await storage().logCount(admin.workspaceId)).toBe(logCount);
		expect((await storage().document(admin.workspaceId, x.id))?.access).toEqual(original);
		await settle(aw, bw, cw);
		expect([...aw.about(x.id), ...cw.about(x.id)].filter((m) => m.type !== 'update')).toEqual([]);

		// The admin may, on a contact that is not theirs.
		const byAdmin = setAccess(x.id, { ownerId: b.userId, everyone: 'read', users: {} });
		expect(await aw.ask(byAdmin)).toMatchObject({ type: 'ack', id: byAdmin.id, seq: logCount + 1 });
		expect((await storage().document(admin.workspaceId, x.id))?.access.everyone).toBe('read');
		await cw.find('access', (m) => m.docId === x.id && m.access.everyone === 'read');
	});

	it('logs a repeated change of rights once', async () => {
		const { admin, b } = await team();
		const bw = await Wire.connect(b);
		const x = await created(bw);
		const request = setAccess(x.id, { ownerId: b.userId, everyone: 'read', users: {} });
		const first = await bw.ask(request);
		const logCount = await storage().logCount(admin.workspaceId);
		const second = await bw.ask(request);
		expect(first).toMatchObject({ type: 'ack', id: request.id, seq: 2 });
		expect(second).toMatchObject({ type: 'ack', id: request.id, seq: 2 });
		expect(await storage().logCount(admin.workspaceId)).toBe(logCount);
	});
});

describe('revoking', () => {
	it('tells the devices of who can no longer read, live and on resume, and sends them nothing more', async () => {
		const { admin, b, c } = await team();
		const bw = await Wire.connect(b);
		const aw = await Wire.connect(admin);
		// Other contacts, so that Clara's resume below reads the log rather than snapshots.
		for (const name of ['Eins', 'Zwei', 'Drei']) await created(aw, name);
		const x = await created(bw, 'Entzug GmbH');
		const cLive = await Wire.connect(c);
		const cursor = await storage().head(admin.workspaceId);

		const revoke = setAccess(x.id, { ownerId: b.userId, everyone: 'none', users: {} });
		const ack = await bw.ask(revoke);
		expect(ack).toMatchObject({ type: 'ack', seq: cursor + 1 });
		expect(await cLive.find('revoked', (m) => m.docId === x.id)).toEqual({
			type: 'revoked',
			seq: cursor + 1,
			docId: x.id
		});
		await aw.find('access', (m) => m.docId === x.id);
		// Later edits do not reach Clara; repair is refused.
		const seen = cLive.received.length;
		await bw.ask(x.edit('city', 'Hamm', bw.device));
		await aw.find('update', (m) => m.docId === x.id && m.seq === cursor + 2);
		await settle(cLive);
		expect(cLive.about(x.id, seen)).toEqual([]);
		expect(cLive.about(x.id).map((m) => m.type)).toEqual(['snapshot', 'revoked']);
		cLive.send({ type: 'syncStep1', docId: x.id, stateVector: Y.encodeStateVector(new Y.Doc()) });
		expect(await cLive.find('error', (m) => m.ref === x.id)).toMatchObject({ code: 'forbidden' });

		// Clara's other device was offline: it is told on resume, and gets none of the contact.
		const resumed = await Wire.connect(c, cursor);
		expect(resumed.about(x.id)).toEqual([{ type: 'revoked', seq: cursor + 1, docId: x.id }]);
		const fresh = await Wire.connect(c);
		expect(fresh.about(x.id)).toEqual([]);
	});

	it('resumes a device far behind (its log gap longer than the workspace) by snapshots, without the revoked contact', async () => {
		const { admin, b, c } = await team();
		const bw = await Wire.connect(b);
		const x = await created(bw, 'Weit GmbH');
		const cursor = await storage().head(admin.workspaceId);
		await bw.ask(x.edit('city', 'Gera', bw.device));
		await bw.ask(setAccess(x.id, { ownerId: b.userId, everyone: 'none', users: {} }));
		// Clara's device holds the contact as of `cursor`; two records followed, one document exists.
		const resumed = await Wire.connect(c, cursor);
		// The device learns it from what the snapshots leave out (it drops what it holds beyond them).
		expect(resumed.received.find((m) => m.type === 'welcome')).toMatchObject({ fresh: true });
		expect(resumed.about(x.id)).toEqual([]);
	});

	it('sends a resuming device nothing of a contact it could never read when its rights change', async () => {
		const { admin, b, c, d } = await team();
		await storage().setWorkspaceDefault(admin.workspaceId, 'private');
		const bw = await Wire.connect(b);
		for (const name of ['Eins', 'Zwei']) await created(bw, name);
		const x = await created(bw, 'Fremd GmbH');
		const cursor = await storage().head(admin.workspaceId);
		await bw.ask(setAccess(x.id, { ownerId: b.userId, everyone: 'none', users: { [d.userId]: 'read' } }));
		const resumed = await Wire.connect(c, cursor);
		expect(resumed.about(x.id)).toEqual([]);
	});

	it('never sends an edit that raced a revocation to the revoked user', async () => {
		const { admin, b, c } = await team();
		const bw = await Wire.connect(b);
		const x = await created(bw, 'Wettlauf GmbH');
		const cw = await Wire.connect(c);
		// Sent back to back: the edit is still in the update worker when the change of rights is handled.
		const push = x.edit('notes', 'x'.repeat(200_000), bw.device);
		const revoke = setAccess(x.id, { ownerId: b.userId, everyone: 'none', users: {} });
		bw.send(push);
		bw.send(revoke);
		await Promise.all([bw.answer(push.id), bw.answer(revoke.id)]);
		await cw.find('revoked', (m) => m.docId === x.id);
		await settle(cw);
		const types = cw.about(x.id).map((m) => (m.type === 'update' ? `update ${m.seq}` : m.type));
		expect(types.slice(types.indexOf('revoked'))).toEqual(['revoked']);
		expect(await storage().logCount(admin.workspaceId)).toBe(3);
	});
});

describe('purge', () => {
	it('deletes a contact for good: tombstone only, every device told, never back', async () => {
		const { admin, b, c } = await team();
		const bw = await Wire.connect(b);
		const aw = await Wire.connect(admin);
		for (const name of ['Eins', 'Zwei', 'Drei']) await created(aw, name);
		const x = await created(bw, 'Lösch GmbH');
		await bw.ask(x.edit('city', 'Trier', bw.device));
		await bw.ask(setAccess(x.id, { ownerId: b.userId, everyone: 'none', users: {} }));
		const cLive = await Wire.connect(c);
		const cursor = await storage().head(admin.workspaceId);
		// An offline device of the owner edits meanwhile.
		const offlineEdit = x.edit('zip', '54290');
		const documents = await storage().documentCount(admin.workspaceId);

		const request = purge(x.id);
		const ack = await bw.ask(request);
		expect(ack).toMatchObject({ type: 'ack', id: request.id, seq: cursor + 1 });
		const purged = { type: 'purged', seq: cursor + 1, docId: x.id };
		// Everyone is told, also Clara, who may not read it.
		expect(await aw.find('purged', (m) => m.docId === x.id)).toEqual(purged);
		expect(await bw.find('purged', (m) => m.docId === x.id)).toEqual(purged);
		expect(await cLive.find('purged', (m) => m.docId === x.id)).toEqual(purged);

		const tombstone = await storage().document(admin.workspaceId, x.id);
		expect(tombstone?.purgedAt).toBeGreaterThan(0);
		expect(tombstone?.purgedBy).toBe(b.userId);
		expect(tombstone?.state).toEqual(EMPTY_UPDATE);
		const blobs = await storage().entriesOf(admin.workspaceId, x.id);
		expect(blobs.length).toBeGreaterThan(0);
		expect(blobs.map((blob) => decodeEntries(blob))).toEqual(blobs.map(() => []));
		const records = (await storage().logAfter(admin.workspaceId, 0, 100)).filter((r) => r.docId === x.id);
		expect(records.map((r) => r.update)).toEqual(records.map(() => EMPTY_UPDATE));
		expect(await storage().documentCount(admin.workspaceId)).toBe(documents - 1);
		expect((await storage().documents(admin.workspaceId, '', 100)).map((d) => d.docId)).not.toContain(x.id);

		// Repeating the request logs nothing.
		const logCount = await storage().logCount(admin.workspaceId);
		expect(await bw.ask(request)).toMatchObject({ type: 'ack', id: request.id, seq: cursor + 1 });
		expect(await storage().logCount(admin.workspaceId)).toBe(logCount);

		// The offline device's edit is refused, repair answers "purged", nothing is logged or sent.
		const seen = aw.received.length;
		expect(await bw.ask(offlineEdit)).toMatchObject({ type: 'error', code: 'purged', ref: offlineEdit.id });
		bw.send({ type: 'syncStep1', docId: x.id, stateVector: Y.encodeStateVector(new Y.Doc()) });
		expect(await bw.find('purged', (m) => m.seq === 0)).toEqual({ type: 'purged', seq: 0, docId: x.id });
		expect(await storage().logCount(admin.workspaceId)).toBe(logCount);
		await settle(aw);
		expect(aw.about(x.id, seen)).toEqual([]);
		expect((await storage().document(admin.workspaceId, x.id))?.state).toEqual(EMPTY_UPDATE);

		// Devices coming back: a fresh one never sees it, a resuming one is told.
		const fresh = await Wire.connect(admin);
		expect(fresh.about(x.id)).toEqual([]);
		expect(fresh.received.filter((m) => m.type === 'snapshot')).toHaveLength(3);
		const resumed = await Wire.connect(b, cursor);
		expect(resumed.about(x.id)).toEqual([purged]);
		const resumedEarlier = await Wire.connect(admin, cursor - 2);
		expect(resumedEarlier.about(x.id)).toEqual([purged]);
	});

	it('lets only the owner or an admin purge', async () => {
		const { admin, b, c } = await team();
		const bw = await Wire.connect(b);
		const cw = await Wire.connect(c);
		const aw = await Wire.connect(admin);
		const x = await created(bw, 'Bleib GmbH');
		const logCount = await storage().logCount(admin.workspaceId);

		const byMember = purge(x.id);
		expect(await cw.ask(byMember)).toMatchObject({ type: 'error', code: 'forbidden', ref: byMember.id });
		expect(await storage().logCount(admin.workspaceId)).toBe(logCount);
		expect((await storage().document(admin.workspaceId, x.id))?.purgedAt).toBeNull();
		await settle(bw, cw);
		expect([...bw.about(x.id), ...cw.about(x.id)].filter((m) => m.type === 'purged')).toEqual([]);

		const byAdmin = purge(x.id);
		expect(await aw.ask(byAdmin)).toMatchObject({ type: 'ack', id: byAdmin.id, seq: logCount + 1 });
		await bw.find('purged', (m) => m.docId === x.id);
		await cw.find('purged', (m) => m.docId === x.id);
		expect((await storage().document(admin.workspaceId, x.id))?.purgedBy).toBe(admin.userId);
	});

	it('refuses a member who purges a contact that is purged already', async () => {
		const { admin, b, c } = await team();
		const bw = await Wire.connect(b);
		const cw = await Wire.connect(c);
		const x = await created(bw, 'Weg GmbH');
		await bw.ask(purge(x.id));
		const logCount = await storage().logCount(admin.workspaceId);
		const again = purge(x.id);
		// Soft, so that a failure shows all it changed.
		expect.soft(await cw.ask(again)).toMatchObject({ type: 'error', code: 'forbidden', ref: again.id });
		expect.soft(await storage().logCount(admin.workspaceId)).toBe(logCount);
		expect((await storage().document(admin.workspaceId, x.id))?.purgedBy).toBe(b.userId);
	});

	it('resumes a device far behind (its log gap longer than the workspace) by snapshots, without the deleted contact', async () => {
		const { admin, b } = await team();
		const bw = await Wire.connect(b);
		const x = await created(bw, 'Fern GmbH');
		const cursor = await storage().head(admin.workspaceId);
		await bw.ask(purge(x.id));
		const resumed = await Wire.connect(b, cursor);
		// Resumed by snapshots: the device drops what it holds beyond them, the deleted contact too.
		expect(resumed.received.find((m) => m.type === 'welcome')).toMatchObject({ fresh: true });
		expect(resumed.about(x.id)).toEqual([]);
	});

	it('keeps nothing of an edit that raced the purge, and sends it to no one', async () => {
		const { admin, b, c } = await team();
		const bw = await Wire.connect(b);
		const cw = await Wire.connect(c);
		const x = await created(bw, 'Rennen GmbH');
		// Sent back to back: the edit is still in the update worker when the purge is handled.
		const push = x.edit('notes', 'x'.repeat(200_000), bw.device);
		const request = purge(x.id);
		bw.send(push);
		bw.send(request);
		const [pushed, purgedAck] = await Promise.all([bw.answer(push.id), bw.answer(request.id)]);
		await cw.find('purged', (m) => m.docId === x.id);
		await settle(cw);
		// Soft, so that a failure shows every way the edit survived.
		const records = (await storage().logAfter(admin.workspaceId, 0, 100)).filter((r) => r.docId === x.id);
		expect.soft(records.map((r) => r.update)).toEqual(records.map(() => EMPTY_UPDATE));
		const blobs = await storage().entriesOf(admin.workspaceId, x.id);
		expect.soft(blobs.map((blob) => decodeEntries(blob))).toEqual(blobs.map(() => []));
		const types = cw.about(x.id).map((m) => m.type);
		expect.soft(types.slice(types.indexOf('purged'))).toEqual(['purged']);
		// Either the edit came first (and was purged with the rest) or it was refused.
		expect(purgedAck.type).toBe('ack');
		if (pushed.type === 'ack') expect(pushed.seq).toBeLessThan(purgedAck.type === 'ack' ? purgedAck.seq : 0);
		else expect(pushed).toMatchObject({ type: 'error', code: 'purged' });
		expect((await storage().document(admin.workspaceId, x.id))?.state).toEqual(EMPTY_UPDATE);
	});
});

describe('the reference index', () => {
	it('refuses to purge a contact that a customer names as invoice recipient, until it no longer does', async () => {
		const { admin, b } = await team();
		const aw = await Wire.connect(admin);
		const bw = await Wire.connect(b);
		const x = await created(aw, 'Zentrale Buchhaltung GmbH');
		const customer = await created(bw, 'Filiale Nord');
		await bw.ask(customer.set('fields', 'isCustomer', true, bw.device));
		await bw.ask(customer.set('customer', 'invoiceRecipientId', x.id, bw.device));
		expect((await storage().document(admin.workspaceId, customer.id))?.references).toEqual([
			{ kind: 'invoiceRecipient', docId: x.id }
		]);
		expect(await storage().referrers(admin.workspaceId, x.id)).toEqual([
			{ kind: 'invoiceRecipient', docId: customer.id, access: expect.objectContaining({ ownerId: b.userId }) }
		]);
		const logCount = await storage().logCount(admin.workspaceId);

		const refused = purge(x.id);
		expect(await aw.ask(refused)).toMatchObject({ type: 'error', code: 'referenced', ref: refused.id });
		expect(await storage().logCount(admin.workspaceId)).toBe(logCount);
		expect((await storage().document(admin.workspaceId, x.id))?.purgedAt).toBeNull();

		// No longer a customer: the invoice recipient is dormant and refers to nothing.
		await bw.ask(customer.set('fields', 'isCustomer', false, bw.device));
		expect(await storage().referrers(admin.workspaceId, x.id)).toEqual([]);
		const again = purge(x.id);
		expect(await aw.ask(again)).toMatchObject({ type: 'ack', id: again.id });
	});

	it('counts contact persons the deleting user cannot see, and stops counting purged ones', async () => {
		const { admin, b, c } = await team();
		const bw = await Wire.connect(b);
		const cw = await Wire.connect(c);
		const x = await created(bw, 'Hartmann Logistik GmbH');
		const hidden = await created(cw, 'Clara privat');
		await cw.ask(setAccess(hidden.id, { ownerId: c.userId, everyone: 'none', users: {} }));
		await cw.ask(hidden.set('fields', 'parentId', x.id, cw.device));

		const refused = purge(x.id);
		expect(await bw.ask(refused)).toMatchObject({ type: 'error', code: 'referenced', ref: refused.id });

		// Its owner deletes the person; then nothing refers to the company any more.
		expect(await cw.ask(purge(hidden.id))).toMatchObject({ type: 'ack' });
		expect(await storage().referrers(admin.workspaceId, x.id)).toEqual([]);
		expect(await bw.ask(purge(x.id))).toMatchObject({ type: 'ack' });
	});

	it('drops the references of a purged customer with it', async () => {
		const { admin } = await team();
		const aw = await Wire.connect(admin);
		const x = await created(aw, 'Rechnungsempfänger AG');
		const customer = await created(aw, 'Kunde KG');
		await aw.ask(customer.set('fields', 'isCustomer', true, aw.device));
		await aw.ask(customer.set('customer', 'invoiceRecipientId', x.id, aw.device));
		expect(await aw.ask(purge(customer.id))).toMatchObject({ type: 'ack' });
		expect((await storage().document(admin.workspaceId, customer.id))?.references).toEqual([]);
		expect(await storage().referrers(admin.workspaceId, x.id)).toEqual([]);
		expect(await aw.ask(purge(x.id))).toMatchObject({ type: 'ack' });
	});
});
