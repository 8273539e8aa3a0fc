/**
 * Several server instances over one PostgreSQL database (runs in the `postgres` project only): an
 * edit made through one instance reaches devices on the other; a device that moves to the other
 * instance resumes from its cursor; and an instance killed with SIGKILL loses no acknowledged update
 * while its devices carry on at the other one.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactId } from '../../src/lib/domain';
import { encodeClientMessage, decodeServerFrame } from '../../src/lib/sync/protocol';
import type { KontorServer } from '../../sync-server/server';
import {
	createCompany,
	helloMessage,
	holdFirstJob,
	pushMessage,
	rawConnection,
	Rig,
	sendAll,
	waitFor,
	type Device
} from './helpers';
import { killAll, ServerProcess } from './server-process';

let rig: Rig;
const folders: string[] = [];

beforeEach(async () => {
	rig = await new Rig({ instances: 2 }).start();
});

afterEach(async () => {
	await killAll();
	await rig.stop();
	for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const city = async (device: Device, id: ContactId) => (await device.store.loadContact(id))?.city ?? null;

async function setCity(device: Device, id: ContactId, value: string): Promise<void> {
	expect(await device.store.editContact(id, [{ type: 'set', field: 'city', value }])).toEqual({ ok: true });
}

describe('two instances on one PostgreSQL database', () => {
	it('runs with the two instances the rig asked for', () => {
		expect(rig.servers).toHaveLength(2);
		expect(rig.servers[0]?.syncUrl).not.toBe(rig.servers[1]?.syncUrl);
	});

	it("brings an edit made through one instance to the other instance's devices, both ways", async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin, 'A');
		const b = await rig.device(admin, 'B');
		expect(a.url).toBe(rig.servers[0]?.syncUrl);
		expect(b.url).toBe(rig.servers[1]?.syncUrl);
		a.online();
		b.online();
		const id = await createCompany(a, 'Zwei Instanzen GmbH');
		await waitFor(async () => (await b.store.loadContact(id))?.companyName === 'Zwei Instanzen GmbH');
		await setCity(b, id, 'Köln');
		await waitFor(async () => (await city(a, id)) === 'Köln');
		// Each device holds each change once, stamped by the server.
		await a.synced();
		await b.synced();
		expect((await a.store.history(id)).map((e) => e.id)).toEqual(
			(await b.store.history(id)).map((e) => e.id)
		);
		expect((await a.store.history(id)).every((e) => e.author.id === admin.userId)).toBe(true);
	});

	it("tells the other instance's devices a new contact's rights once, though its first pushes were applied together", async () => {
		const admin = await rig.admin();
		const device = await rig.device(admin, 'A');
		const id = await createCompany(device, 'Gruppe GmbH');
		await setCity(device, id, 'Köln');
		await setCity(device, id, 'Bonn');
		const pushes = await device.store.pendingPushes(10);
		const [sender, listener] = await Promise.all([
			rawConnection(rig.servers[0]?.syncUrl as string),
			rawConnection(rig.servers[1]?.syncUrl as string)
		]);
		sender.socket.send(helloMessage(admin.token, { device: device.store.deviceId }));
		listener.socket.send(helloMessage(admin.token));
		await Promise.all([sender.next(2), listener.next(2)]); // welcome, caughtUp
		const rights: string[] = [];
		listener.socket.on('message', (data: Buffer) => {
			for (const m of decodeServerFrame(new Uint8Array(data)))
				if (m.type === 'access' && m.seq === 0) rights.push(m.docId);
		});
		// Another device's push that changes nothing holds the guard; the new contact's pushes wait behind it together.
		const { jobs, release } = holdFirstJob(rig.servers[0] as KontorServer);
		const blocker = await rawConnection(rig.servers[0]?.syncUrl as string);
		blocker.socket.send(helloMessage(admin.token));
		await blocker.next(2);
		await sendAll(blocker, [
			encodeClientMessage({
				type: 'push',
				id: crypto.randomUUID(),
				docId: id,
				update: Uint8Array.of(0, 0),
				entries: []
			})
		]);
		await sendAll(
			sender,
			pushes.map((push) => pushMessage(push))
		);
		release();
		expect((await listener.next(pushes.length)).map((m) => m.type === 'update' && m.docId)).toEqual(
			pushes.map(() => id)
		);
		expect(jobs).toEqual([1, pushes.length]);
		expect(rights).toEqual([id]);
		blocker.socket.close();
		sender.socket.close();
		listener.socket.close();
	});

	it('lets a device resume at the other instance from its cursor, nothing lost or twice', async () => {
		const admin = await rig.admin();
		const a = await rig.device(admin, 'A');
		const b = await rig.device(admin, 'B');
		a.online();
		b.online();
		const id = await createCompany(a, 'Umzug AG');
		await b.synced();
		await waitFor(async () => (await b.store.loadContact(id)) !== null);
		b.offline();
		for (const value of ['Bonn', 'Bremen', 'Berlin']) await setCity(a, id, value);
		await a.synced();
		b.moveTo(rig.servers[0]?.syncUrl as string);
		b.online();
		await b.synced();
		await waitFor(async () => (await city(b, id)) === 'Berlin');
		const ids = (await b.store.history(id)).map((e) => e.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toEqual((await a.store.history(id)).map((e) => e.id));
		expect(ids).toHaveLength(4);
	});

	it('loses no acknowledged update when an instance is killed; its devices carry on at the other', async () => {
		const admin = await rig.admin();
		const database = rig.database;
		if (!database) throw new Error('this file runs on PostgreSQL only');
		const dir = mkdtempSync(path.join(tmpdir(), 'kontor-instance-'));
		folders.push(dir);
		// A third instance as a real process, so that it can die without any shutdown.
		const doomed = await ServerProcess.start(dir, 0, {
			DATABASE_URL: database.databaseUrl,
			KONTOR_DATABASE_SCHEMA: database.databaseSchema
		});
		const survivor = rig.servers[0]?.syncUrl as string;
		const watcher = await rig.device(admin, 'Beobachter');
		watcher.moveTo(survivor);
		watcher.online();
		const writers: Device[] = [];
		for (let i = 0; i < 3; i++) {
			const device = await rig.device(admin, `Schreiber ${i + 1}`);
			device.moveTo(doomed.syncUrl);
			device.online();
			writers.push(device);
		}
		const ids: ContactId[] = [];
		for (const [i, device] of writers.entries()) ids.push(await createCompany(device, `Firma ${i + 1}`));
		for (const device of writers) await device.synced();
		// Edits keep coming while the instance dies: some acknowledged, some still in flight.
		const edits = writers.flatMap((device, i) =>
			Array.from({ length: 20 }, (_, n) => setCity(device, ids[i] as ContactId, `Ort ${n}`))
		);
		await waitFor(
			async () => (await watcher.store.loadContact(ids[2] as ContactId))?.city?.startsWith('Ort') ?? false
		);
		await doomed.kill();
		await Promise.all(edits);
		for (const device of writers) device.moveTo(survivor);
		for (const device of [...writers, watcher]) await device.synced(30_000);

		for (const [i, id] of ids.entries()) {
			const writer = writers[i] as Device;
			await waitFor(async () => (await city(watcher, id)) === 'Ort 19');
			expect(await city(writer, id)).toBe('Ort 19');
			// Every change the writer made is on the server once: its history, the watcher's and a fresh
			// device's (from the stored snapshot) agree.
			const history = (await writer.store.history(id)).map((e) => e.id);
			expect(history).toHaveLength(21);
			expect((await watcher.store.history(id)).map((e) => e.id)).toEqual(history);
		}
		const late = await rig.device(admin, 'Neu');
		late.moveTo(survivor);
		late.online();
		await late.synced(30_000);
		for (const id of ids) expect(await city(late, id)).toBe('Ort 19');
		expect(await rig.server.storage.logCount(admin.workspaceId)).toBe(3 + 60);
	});
});
