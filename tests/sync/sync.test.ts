import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { newGroupId, parseContactId, type ContactId } from '../../src/lib/domain';
import { encodeClientMessage, PROTOCOL_VERSION } from '../../src/lib/sync/protocol';
import { StorageError, type PendingPush } from '../../src/lib/store';
import { SyncClient } from '../../src/lib/sync/sync-client';
import { HOSTILE } from '../sync-server/update-fixtures';
import {
	createCompany,
	helloMessage,
	holdFirstJob,
	pushMessage,
	rawConnection,
	Rig,
	sendAll,
	waitFor,
	wsConnect,
	type Device
} from './helpers';

let rig: Rig;

beforeEach(async () => {
	rig = await new Rig().start();
});

afterEach(async () => {
	await rig.stop();
});

async function companyName(device: Device, id: ContactId): Promise<string | undefined> {
	return (await device.store.loadContact(id))?.companyName;
}

describe('two devices of one workspace', () => {
	it('sends an edit from one device to the other, with the server-stamped author', async () => {
		const admin = await rig.admin();
		const member = await rig.member(admin, 'Bernd Berger', 'bernd@example.com');
		const a = await rig.device(admin, 'Laptop A');
		const b = await rig.device(member, 'Laptop B');
		a.online();
		b.online();
		await Promise.all([a.synced(), b.synced()]);

		const id = await createCompany(a, 'Müller GmbH');
		await a.synced();
		await waitFor(async () => (await companyName(b, id)) === 'Müller GmbH');

		const history = await b.store.history(id);
		expect(history).toHaveLength(1);
		expect(history[0]?.author).toEqual({ id: admin.userId, name: 'Anna Admin' });
		expect(history[0]?.serverTime).toBeGreaterThan(0);
		// The device that made the edit got the same stamp with the acknowledgement.
		expect((await a.store.history(id))[0]).toEqual(history[0]);
		expect(b.store.deviceId).not.toBe(a.store.deviceId);
	});

	it('merges offline edits of both devices when they come back', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin);
		const b = await rig.device(admin);
		a.online();
		b.online();
		const id = await createCompany(a, 'Alt GmbH');
		await a.synced();
		await waitFor(async () => (await companyName(b, id)) === 'Alt GmbH');
		a.offline();
		b.offline();

		await a.store.editContact(id, [{ type: 'set', field: 'city', value: 'Köln' }]);
		await b.store.editContact(id, [{ type: 'set', field: 'zip', value: '50667' }]);
		await b.store.editContact(id, [{ type: 'set', field: 'companyName', value: 'Neu GmbH' }]);
		expect(await a.store.pendingCount()).toBe(1);
		expect(await b.store.pendingCount()).toBe(2);

		a.online();
		b.online();
		await Promise.all([a.synced(), b.synced()]);
		await waitFor(async () => {
			const [ca, cb] = await Promise.all([a.store.loadContact(id), b.store.loadContact(id)]);
			return JSON.stringify(ca) === JSON.stringify(cb) && ca?.city === 'Köln';
		});
		const contact = await b.store.loadContact(id);
		expect(contact).toMatchObject({ city: 'Köln', zip: '50667', companyName: 'Neu GmbH' });
		const [ha, hb] = await Promise.all([a.store.history(id), b.store.history(id)]);
		expect(hb).toHaveLength(4);
		expect(ha).toEqual(hb);
		expect(hb.every((e) => e.serverTime && e.author.id === admin.userId)).toBe(true);
	});
});

describe('first sync and resume', () => {
	it('gives a fresh device a snapshot per document with its whole history', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin);
		a.online();
		const id = await createCompany(a, 'Erst GmbH');
		for (const city of ['Bonn', 'Köln', 'Essen']) {
			await a.store.editContact(id, [{ type: 'set', field: 'city', value: city }]);
		}
		await a.synced();

		const raw = await rawConnection(rig.server.syncUrl);
		raw.socket.send(helloMessage(admin.token));
		const [welcome] = await raw.next();
		expect(welcome).toMatchObject({ type: 'welcome', head: 4, following: 1 });
		const [snapshot, caughtUp] = await raw.next(2);
		expect(snapshot).toMatchObject({ type: 'snapshot', docId: id });
		expect(snapshot?.type === 'snapshot' && snapshot.entries.map((e) => e.changes.length > 0)).toEqual([
			true,
			true,
			true,
			true
		]);
		expect(caughtUp).toEqual({ type: 'caughtUp', seq: 4 });
		raw.socket.close();

		const b = await rig.device(admin);
		b.online();
		await b.synced();
		expect((await b.store.loadContact(id))?.city).toBe('Essen');
		expect(await b.store.history(id)).toEqual(await a.store.history(id));
		expect(await b.store.syncValue('syncCursor')).toBe(4);
	});

	it('answers a reconnect with nothing new in one message of under 2 KB', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin);
		a.online();
		for (let i = 0; i < 20; i++) await createCompany(a, `Firma ${i}`);
		await a.synced();
		const cursor = (await a.store.syncValue('syncCursor')) as number;
		expect(cursor).toBe(20);

		const raw = await rawConnection(rig.server.syncUrl);
		const hello = helloMessage(admin.token, {
			device: a.store.deviceId,
			workspace: admin.workspaceId,
			cursor
		});
		raw.socket.send(hello);
		const [welcome] = await raw.next();
		expect(welcome).toMatchObject({ type: 'welcome', head: 20, following: 0 });
		// Nothing else arrives: give the server a chance to send more, then count.
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(raw.received).toHaveLength(1);
		expect(hello.byteLength + raw.bytesIn()).toBeLessThan(2048);
		raw.socket.close();
	});

	it('resumes a device that was offline with the records after its cursor', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin);
		const b = await rig.device(admin);
		a.online();
		b.online();
		const first = await createCompany(a, 'Eins GmbH');
		await a.synced();
		await waitFor(async () => (await companyName(b, first)) === 'Eins GmbH');
		b.offline();
		const second = await createCompany(a, 'Zwei GmbH');
		await a.store.editContact(first, [{ type: 'set', field: 'city', value: 'Ulm' }]);
		await a.synced();
		b.online();
		await b.synced();
		expect(await companyName(b, second)).toBe('Zwei GmbH');
		expect((await b.store.loadContact(first))?.city).toBe('Ulm');
		expect(await b.store.syncValue('syncCursor')).toBe(3);
	});
});

describe('pushes', () => {
	/**
	 * A company made on a device that has not synced, the device's hello to a fresh connection, and
	 * the company's push as the device sends it.
	 */
	async function unsentCompany(name: string) {
		const admin = await rig.admin();
		const device = await rig.device(admin);
		const id = await createCompany(device, name);
		const [push] = await device.store.pendingPushes(10);
		if (!push) throw new Error('nothing pending');
		const hello = helloMessage(admin.token, { device: device.store.deviceId });
		const message = pushMessage(push);
		return { admin, id, push, hello, message };
	}

	it('stores a resent push once and acknowledges it with the same seq', async () => {
		const { admin, id, push, hello, message } = await unsentCompany('Doppel GmbH');
		const raw = await rawConnection(rig.server.syncUrl);
		raw.socket.send(hello);
		await raw.next(2); // welcome, caughtUp
		raw.socket.send(message);
		raw.socket.send(message);
		const [ack1, ack2] = await raw.next(2);
		expect(ack1).toMatchObject({ type: 'ack', id: push.id, seq: 1 });
		expect(ack2).toEqual(ack1);
		expect(await rig.server.storage.logCount(admin.workspaceId)).toBe(1);
		// The same update under a new id and without history changes nothing: acknowledged, not logged.
		const again = crypto.randomUUID();
		raw.socket.send(
			encodeClientMessage({ type: 'push', id: again, docId: id, update: push.update, entries: [] })
		);
		const [ack3] = await raw.next();
		expect(ack3).toMatchObject({ type: 'ack', id: again, seq: 0 });
		expect(await rig.server.storage.logCount(admin.workspaceId)).toBe(1);
		raw.socket.close();
	});

	it('applies the pushes a device has waiting for one contact together, each logged, acknowledged and delivered on its own', async () => {
		const admin = await rig.admin();
		const device = await rig.device(admin);
		const id = await createCompany(device, 'Stapel GmbH');
		const cities = ['Köln', 'Bonn', 'Aachen', 'Trier'];
		for (const value of cities)
			expect(await device.store.editContact(id, [{ type: 'set', field: 'city', value }])).toEqual({
				ok: true
			});
		const pushes = await device.store.pendingPushes(10);
		expect(pushes).toHaveLength(1 + cities.length);
		const { jobs, release } = holdFirstJob(rig.server);
		const appends = vi.spyOn(rig.server.storage, 'append');
		const [sender, listener] = await Promise.all([
			rawConnection(rig.server.syncUrl),
			rawConnection(rig.server.syncUrl)
		]);
		sender.socket.send(helloMessage(admin.token, { device: device.store.deviceId }));
		listener.socket.send(helloMessage(admin.token));
		await Promise.all([sender.next(2), listener.next(2)]); // welcome, caughtUp
		await sendAll(
			sender,
			pushes.map((push) => pushMessage(push))
		);
		release();

		const acks = await sender.next(pushes.length);
		expect(acks).toEqual(
			pushes.map((push, i) => expect.objectContaining({ type: 'ack', id: push.id, seq: i + 1 }))
		);
		expect(jobs).toEqual([1, cities.length]);
		// The records of pushes applied together commit together or not at all.
		const together = appends.mock.calls.map(([input]) => input.together);
		expect(together[0]).toBeUndefined();
		expect(new Set(together.slice(1))).toEqual(new Set([pushes[1]?.id]));
		const updates = await listener.next(pushes.length);
		expect(updates.map((m) => m.type === 'update' && [m.seq, m.entries.map((e) => e.id)])).toEqual(
			pushes.map((push, i) => [i + 1, push.entries.map((e) => e.id)])
		);
		for (const message of updates)
			for (const entry of message.type === 'update' ? message.entries : [])
				expect(entry.author).toEqual({ id: admin.userId, name: 'Anna Admin' });
		const doc = new Y.Doc();
		for (const message of updates) if (message.type === 'update') Y.applyUpdate(doc, message.update);
		expect(doc.getMap('fields').get('city')).toBe('Trier');
		const stored = await rig.server.storage.document(admin.workspaceId, id);
		expect(stored && Y.encodeStateAsUpdate(doc)).toEqual(stored?.state);
		for (const [i, push] of pushes.entries())
			expect((await rig.server.storage.logByPushId(admin.workspaceId, push.id))?.seq).toBe(i + 1);
		sender.socket.close();
		listener.socket.close();
	});

	it('answers each of the pushes waiting together on its own when one of them is refused', async () => {
		const admin = await rig.admin();
		const device = await rig.device(admin);
		const id = await createCompany(device, 'Teils GmbH');
		expect(await device.store.editContact(id, [{ type: 'set', field: 'city', value: 'Ulm' }])).toEqual({
			ok: true
		});
		const [created, edited] = (await device.store.pendingPushes(10)) as [PendingPush, PendingPush];
		const [, invalid] = HOSTILE.find(([, , answer]) => answer === 'invalid') as [string, Uint8Array, string];
		const { jobs, release } = holdFirstJob(rig.server);
		const raw = await rawConnection(rig.server.syncUrl);
		raw.socket.send(helloMessage(admin.token, { device: device.store.deviceId }));
		await raw.next(2);
		const refusedId = crypto.randomUUID();
		await sendAll(raw, [
			pushMessage(created),
			pushMessage(edited, { id: refusedId, update: invalid }),
			pushMessage(edited)
		]);
		release();

		const answers = await raw.next(3);
		expect(answers).toEqual([
			expect.objectContaining({ type: 'ack', id: created.id, seq: 1 }),
			expect.objectContaining({ type: 'error', code: 'invalidUpdate', ref: refusedId }),
			expect.objectContaining({ type: 'ack', id: edited.id, seq: 2 })
		]);
		// Tried together first, then one by one.
		expect(jobs).toEqual([1, 2, 1, 1]);
		expect(await rig.server.storage.logCount(admin.workspaceId)).toBe(2);
		raw.socket.close();
	});

	it('delivers a push to the other devices though its sender went away before it was stored', async () => {
		const { id, hello, message } = await unsentCompany('Weg GmbH');
		const [sender, listener] = await Promise.all([
			rawConnection(rig.server.syncUrl),
			rawConnection(rig.server.syncUrl)
		]);
		for (const raw of [sender, listener]) {
			raw.socket.send(hello);
			await raw.next(2); // welcome, caughtUp
		}
		sender.socket.send(message);
		// Gone at once: the server takes the push, then hears the socket close while applying it.
		sender.socket.terminate();
		const [update] = await listener.next();
		expect(update).toMatchObject({ type: 'update', seq: 1, docId: id });
		listener.socket.close();
	});

	it('answers "busy" to a device with too many pushes waiting, and stores all the others', async () => {
		const admin = await rig.admin();
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		for (let i = 0; i < 1300; i++) doc.getMap('fields').set('notes', `Notiz ${i}`);
		const raw = await rawConnection(rig.server.syncUrl);
		raw.socket.send(helloMessage(admin.token));
		await raw.next(2);
		const docId = crypto.randomUUID();
		for (const update of updates) {
			raw.socket.send(
				encodeClientMessage({ type: 'push', id: crypto.randomUUID(), docId, update, entries: [] })
			);
		}
		const answers = await raw.next(updates.length);
		const busy = answers.filter((m) => m.type === 'error' && m.code === 'busy' && !m.fatal);
		const acks = answers.filter((m) => m.type === 'ack');
		expect(busy.length).toBeGreaterThan(0);
		expect(acks.length + busy.length).toBe(updates.length);
		expect(await rig.server.storage.logCount(admin.workspaceId)).toBe(acks.length);
		raw.socket.close();
	});

	it('makes a session closed for malformed messages wait before it may connect again', async () => {
		const admin = await rig.admin();
		const hello = () => helloMessage(admin.token);
		const raw = await rawConnection(rig.server.syncUrl);
		raw.socket.send(hello());
		await raw.next(2);
		const closed = new Promise<number>((resolve) => raw.socket.once('close', (code) => resolve(code)));
		for (let i = 0; i < 101; i++) raw.socket.send(new Uint8Array([PROTOCOL_VERSION, 99]));
		const answers = await raw.next(101);
		expect(answers.slice(0, 100).every((m) => m.type === 'error' && !m.fatal)).toBe(true);
		expect(answers[100]).toMatchObject({ type: 'error', fatal: true });
		expect(await closed).toBe(1008);

		// Connecting again at once: refused before any resume, with the time to wait.
		const again = await rawConnection(rig.server.syncUrl);
		again.socket.send(hello());
		const [refused] = await again.next();
		expect(refused).toMatchObject({ type: 'error', code: 'busy', fatal: true });
		expect(refused?.type === 'error' && refused.message).toMatch(/connect again in 1 s/);

		// Another session of the same user is not held back.
		const other = await rig.server.accounts.login(
			{ email: 'anna@example.com', password: 'correct horse battery', deviceLabel: 'Laptop' },
			'127.0.0.1'
		);
		if (!other.ok) throw new Error('login failed');
		const second = await rawConnection(rig.server.syncUrl);
		second.socket.send(helloMessage(other.value.token));
		expect((await second.next())[0]?.type).toBe('welcome');
		second.socket.close();
	});

	it('uploads a workspace that was used without a server before', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin);
		const ids = [await createCompany(a, 'Lokal Eins'), await createCompany(a, 'Lokal Zwei')];
		await a.store.editContact(ids[0] as ContactId, [{ type: 'set', field: 'city', value: 'Kiel' }]);
		await a.store.editWorkspace([
			{ type: 'putGroup', group: { id: newGroupId(), name: 'Kunden', color: '#336699' } }
		]);
		expect(await a.store.syncValue('syncWorkspace')).toBeUndefined();
		a.online();
		await a.synced();
		expect(await a.store.syncValue('syncWorkspace')).toBe(admin.workspaceId);

		const b = await rig.device(admin);
		b.online();
		await b.synced();
		expect(await companyName(b, ids[1] as ContactId)).toBe('Lokal Zwei');
		expect((await b.store.loadContact(ids[0] as ContactId))?.city).toBe('Kiel');
		expect((await b.store.groups()).map((g) => g.name)).toEqual(['Kunden']);
		expect(await b.store.history(ids[0] as ContactId)).toHaveLength(2);
	});

	it('refuses a device that holds another workspace', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin);
		await a.store.setSyncValue('syncWorkspace', crypto.randomUUID());
		a.online();
		await waitFor(() => a.status?.phase === 'error');
		expect(a.status?.error).toBe('workspace');
	});

	it('signs out a connected device at once when its session is ended elsewhere', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin);
		a.online();
		await a.synced();
		const auth = await rig.server.accounts.authenticate(admin.token);
		if (!auth) throw new Error('no session');
		// The same user, signed in on another device, ends the session of this one.
		const other = await rig.server.accounts.login(
			{ email: 'anna@example.com', password: 'correct horse battery' },
			'127.0.0.1'
		);
		if (!other.ok) throw new Error('login failed');
		const otherAuth = await rig.server.accounts.authenticate(other.value.token);
		if (!otherAuth) throw new Error('no session');
		expect((await rig.server.accounts.revokeSession(otherAuth, auth.session.id)).ok).toBe(true);
		await waitFor(() => a.status?.phase === 'signedOut');
		expect(rig.server.hub.connectionCount(admin.workspaceId)).toBe(0);
	});

	it('signs out a device whose session was revoked', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin);
		await rig.server.accounts.logout(admin.token);
		a.online();
		await waitFor(() => a.status?.phase === 'signedOut');
	});
});

describe('storage failures on the device', () => {
	it('reports a failed store of received data and catches up once storing works again', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin);
		a.online();
		const id = await createCompany(a, 'Voll GmbH');
		await a.synced();
		const b = await rig.device(admin);
		const receive = b.store.receive.bind(b.store);
		const spy = vi
			.spyOn(b.store, 'receive')
			.mockRejectedValueOnce(new StorageError('quota'))
			.mockImplementation(receive);
		const failures: unknown[] = [];
		const client = new SyncClient({
			store: b.store,
			url: rig.server.syncUrl,
			token: admin.token,
			connect: wsConnect,
			backoff: { initialMs: 20, maxMs: 100 },
			onStorageError: (error) => failures.push(error)
		});
		client.start();
		try {
			await waitFor(async () => (await companyName(b, id)) === 'Voll GmbH');
			expect(failures).toEqual([new StorageError('quota')]);
			expect(spy.mock.calls.length).toBeGreaterThan(1);
		} finally {
			client.stop();
		}
	});
});

describe('repair by state vector', () => {
	it('answers sync step 1 with exactly what the device lacks', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin);
		a.online();
		const id = await createCompany(a, 'Vektor GmbH');
		await a.synced();
		const raw = await rawConnection(rig.server.syncUrl);
		raw.socket.send(helloMessage(admin.token, { cursor: 1 }));
		await raw.next();
		raw.socket.send(
			encodeClientMessage({ type: 'syncStep1', docId: id, stateVector: await a.store.stateVector(id) })
		);
		const [step2] = await raw.next();
		expect(step2?.type).toBe('syncStep2');
		if (step2?.type !== 'syncStep2') return;
		// The device has everything: the diff holds no structs, only the delete set sync step 2 always carries.
		expect(Y.decodeUpdate(step2.update).structs).toEqual([]);
		expect(step2.stateVector).toEqual(await a.store.stateVector(id));
		expect(parseContactId(id)).toBe(id);
		raw.socket.close();
	});
});

describe('the socket upgrade', () => {
	async function upgrade(origin: string | undefined, url = rig.server.syncUrl): Promise<number | 'open'> {
		const socket = new WebSocket(url, origin ? { origin } : {});
		return new Promise((resolve) => {
			socket.once('open', () => {
				socket.close();
				resolve('open');
			});
			socket.once('unexpected-response', (_req, res) => {
				resolve(res.statusCode ?? 0);
				socket.terminate();
			});
			socket.once('error', () => undefined);
		});
	}

	it("accepts the server's own origin and clients without one, and refuses other origins", async () => {
		const own = new URL(rig.server.origin).host;
		expect(await upgrade(`http://${own}`)).toBe('open');
		expect(await upgrade(undefined)).toBe('open');
		expect(await upgrade('https://evil.example')).toBe(403);
		expect(await upgrade(`http://${own}`, rig.server.syncUrl.replace('/sync', '/elsewhere'))).toBe(404);
	});
});
