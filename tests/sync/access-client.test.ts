/**
 * Rights and deletion as devices live them: real stores (fake-indexeddb) with real sync clients
 * against a real server. A reader's edit is refused, a revoked user's device drops the contact,
 * and a deleted contact stays deleted, also for a device that edited it offline.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/domain';
import { createCompany, Rig, waitFor } from './helpers';

let rig: Rig;
beforeEach(async () => {
	rig = await new Rig().start();
});
afterEach(async () => {
	await rig.stop();
});

/** The admin and a member, each with a device online. */
async function team() {
	const admin = await rig.admin();
	const member = await rig.member(admin, 'Ben Berger', 'ben@example.com');
	const a = await rig.device(admin);
	const b = await rig.device(member);
	a.online();
	b.online();
	return { admin, member, a, b };
}

describe('rights on devices', () => {
	it('lets a reader see a contact but not change it, and drops it from their device once revoked', async () => {
		const { admin, member, a, b } = await team();
		const id = await createCompany(a, 'Geheim GmbH');
		await a.synced();
		await waitFor(async () => (await b.store.loadContact(id)) !== null);

		const readOnly = {
			ownerId: admin.userId,
			everyone: 'none' as const,
			users: { [member.userId]: 'read' as const }
		};
		await a.client?.request({ type: 'setAccess', id: uuidv7(), docId: id, access: readOnly });
		await waitFor(async () => (await b.store.accessOf(id))?.everyone === 'none');
		expect(await b.store.accessOf(id)).toEqual(readOnly);
		expect(await a.store.accessOf(id)).toEqual(readOnly);
		// Both devices keep who changed the rights in the contact's history.
		await waitFor(async () => (await b.store.history(id)).some((e) => e.changes[0]?.path[0] === 'access'));
		const [change] = (await b.store.history(id)).filter((e) => e.changes[0]?.path[0] === 'access');
		expect(change?.author.id).toBe(admin.userId);
		expect(change?.changes).toEqual([
			{ path: ['access', 'everyone'], from: 'edit', to: 'none' },
			{ path: ['access', 'users', member.userId], to: 'read' }
		]);

		// The reader's change is refused by the server and given up on the device.
		await b.store.editContact(id, [{ type: 'set', field: 'city', value: 'Köln' }]);
		await waitFor(async () => b.notices.some((n) => n.code === 'refused' && n.docId === id));
		await b.synced();
		expect((await a.store.loadContact(id))?.city).toBe('');

		await a.client?.request({
			type: 'setAccess',
			id: uuidv7(),
			docId: id,
			access: { ownerId: admin.userId, everyone: 'none', users: {} }
		});
		await waitFor(async () => (await b.store.loadContact(id)) === null);
		expect(await b.store.history(id)).toEqual([]);
		expect(await b.store.row(id)).toBeUndefined();
		expect(b.notices).toContainEqual({ code: 'revoked', docId: id, message: 'Geheim GmbH' });
		expect((await a.store.loadContact(id))?.companyName).toBe('Geheim GmbH');
	});

	it('refuses a change of rights by a member who is neither owner nor admin', async () => {
		const { admin, member, a, b } = await team();
		const id = await createCompany(a, 'Anna GmbH');
		await a.synced();
		await waitFor(async () => (await b.store.loadContact(id)) !== null);
		const attempt = b.client?.request({
			type: 'setAccess',
			id: uuidv7(),
			docId: id,
			access: { ownerId: member.userId, everyone: 'none', users: {} }
		});
		await expect(attempt).rejects.toMatchObject({ code: 'forbidden' });
		await expect(b.client?.request({ type: 'purge', id: uuidv7(), docId: id })).rejects.toMatchObject({
			code: 'forbidden'
		});
		expect((await a.store.accessOf(id))?.ownerId).toBe(admin.userId);
	});
});

describe('hidden contact persons', () => {
	it('counts the contact persons a user may not see under a contact they see, live and on resume', async () => {
		const { admin, member, a, b } = await team();
		const company = await createCompany(a, 'Offen GmbH');
		const created = await a.store.createContact('person', {
			fields: { lastName: 'Geheim', parentId: company }
		});
		if (!created.ok || !created.id) throw new Error('create failed');
		const person = created.id;
		await a.synced();
		await waitFor(async () => (await b.store.loadContact(person)) !== null);
		expect(await b.store.hiddenChildren(company)).toBe(0);

		const hidden = { ownerId: admin.userId, everyone: 'none' as const, users: {} };
		await a.client?.request({ type: 'setAccess', id: uuidv7(), docId: person, access: hidden });
		await waitFor(async () => (await b.store.hiddenChildren(company)) === 1);
		expect(await b.store.loadContact(person)).toBeNull();
		// The admin sees everything: nothing hidden on their device.
		expect(await a.store.hiddenChildren(company)).toBe(0);

		// A device coming back learns the counts anew.
		const again = await rig.device(member);
		again.online();
		await again.synced();
		await waitFor(async () => (await again.store.hiddenChildren(company)) === 1);

		await a.client?.request({
			type: 'setAccess',
			id: uuidv7(),
			docId: person,
			access: { ...hidden, everyone: 'read' }
		});
		await waitFor(async () => (await b.store.hiddenChildren(company)) === 0);
		await waitFor(async () => (await b.store.loadContact(person)) !== null);
	});
});

describe('a device far behind', () => {
	it('drops what the snapshots leave out: contacts deleted or no longer readable while it was away', async () => {
		const { admin, a, b } = await team();
		const hidden = await createCompany(a, 'Bald Privat GmbH');
		const deleted = await createCompany(a, 'Bald Weg GmbH');
		const kept = await createCompany(a, 'Bleibt GmbH');
		await a.synced();
		await waitFor(async () => (await b.store.loadContact(kept)) !== null);
		b.offline();
		const mine = await createCompany(b, 'Noch nicht gesendet GmbH');
		// More log records than documents: b resumes by snapshots, not from the log.
		for (const city of ['Bonn', 'Köln', 'Essen', 'Kiel', 'Jena']) {
			await a.store.editContact(kept, [{ type: 'set', field: 'city', value: city }]);
		}
		await a.client?.request({
			type: 'setAccess',
			id: uuidv7(),
			docId: hidden,
			access: { ownerId: admin.userId, everyone: 'none', users: {} }
		});
		await a.client?.request({ type: 'purge', id: uuidv7(), docId: deleted });
		await a.synced();

		b.online();
		await b.synced();
		await waitFor(async () => (await b.store.loadContact(kept))?.city === 'Jena');
		expect(await b.store.loadContact(hidden)).toBeNull();
		expect(await b.store.loadContact(deleted)).toBeNull();
		expect((await b.store.loadContact(mine))?.companyName).toBe('Noch nicht gesendet GmbH');
		expect(
			b.notices
				.filter((n) => n.code === 'revoked')
				.map((n) => n.message)
				.sort()
		).toEqual(['Bald Privat GmbH', 'Bald Weg GmbH']);
		await waitFor(async () => (await a.store.loadContact(mine)) !== null);
	});
});

describe('deleting a contact', () => {
	it('stays deleted on every device, also on one that changed it offline', async () => {
		const { admin, member, a, b } = await team();
		const id = await createCompany(a, 'Weg GmbH');
		await a.synced();
		await waitFor(async () => (await b.store.loadContact(id)) !== null);
		b.offline();
		await b.store.editContact(id, [{ type: 'set', field: 'city', value: 'Bonn' }]);
		expect(await b.store.pendingCount()).toBe(1);

		await a.client?.request({ type: 'purge', id: uuidv7(), docId: id });
		await waitFor(async () => (await a.store.loadContact(id)) === null);
		b.online();
		await waitFor(async () => (await b.store.loadContact(id)) === null);
		await b.synced();
		expect(await b.store.pendingCount()).toBe(0);
		expect(b.notices).toContainEqual({ code: 'purged', docId: id, message: 'Weg GmbH' });
		const doc = await rig.server.storage.document(admin.workspaceId, id);
		expect(doc?.purgedAt).not.toBeNull();
		expect(await rig.server.storage.documentCount(admin.workspaceId)).toBe(0);

		// A fresh device of either user never sees it.
		const fresh = await rig.device(member);
		fresh.online();
		await fresh.synced();
		expect(await fresh.store.loadContact(id)).toBeNull();
	});

	it('waits for detached contact persons to reach the server before deleting their company', async () => {
		const { admin, a } = await team();
		const company = await createCompany(a, 'Hartmann Logistik GmbH');
		const person = await a.store.createContact('person', {
			fields: { parentId: company, lastName: 'Weber' }
		});
		if (!person.ok || !person.id) throw new Error('not created');
		await a.synced();
		// Detached on the device; the deletion goes out right after, while the edit is still pending.
		await a.store.editContact(person.id, [{ type: 'setParent', parentId: null }]);
		await a.client?.request({ type: 'purge', id: uuidv7(), docId: company });
		await waitFor(async () => (await a.store.loadContact(company)) === null);
		expect((await a.store.row(person.id))?.parentId).toBeNull();
		expect(await rig.server.storage.referrers(admin.workspaceId, company)).toEqual([]);
	});

	it('is refused while a contact person the user cannot see is listed under the contact', async () => {
		const { admin, a, b } = await team();
		const company = await createCompany(b, 'Berger Bau GmbH');
		await b.synced();
		await waitFor(async () => (await a.store.loadContact(company)) !== null);
		const person = await a.store.createContact('person', {
			fields: { parentId: company, lastName: 'Geheim' }
		});
		if (!person.ok || !person.id) throw new Error('not created');
		await a.synced();
		await a.client?.request({
			type: 'setAccess',
			id: uuidv7(),
			docId: person.id,
			access: { ownerId: admin.userId, everyone: 'none', users: {} }
		});
		await waitFor(async () => (await b.store.hiddenChildren(company)) === 1);
		expect(await b.store.referencesTo(company)).toEqual([]);
		const attempt = b.client?.request({ type: 'purge', id: uuidv7(), docId: company });
		await expect(attempt).rejects.toMatchObject({ code: 'referenced' });
		expect((await b.store.loadContact(company))?.companyName).toBe('Berger Bau GmbH');
	});
});
