/**
 * The workspace's default for new contacts, end to end: an admin changes it through the account API,
 * and a contact that reaches the server afterwards gets its rights from it; contacts that were
 * already there keep theirs. A real server, a real device store and sync client (see helpers.ts).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessInfo, ContactId } from '../../src/lib/domain';
import { createAccountClient } from '../../src/lib/sync/account-client';
import { createCompany, Rig, type TestAccount } from './helpers';

let rig: Rig;

beforeEach(async () => {
	rig = await new Rig().start();
});

afterEach(async () => {
	await rig.stop();
});

/** The rights the server keeps for a contact. */
async function serverAccess(account: TestAccount, id: ContactId): Promise<AccessInfo> {
	const record = await rig.server.storage.document(account.workspaceId, id);
	if (!record) throw new Error(`the server has no document ${id}`);
	return record.access;
}

async function setDefault(admin: TestAccount, defaultAccess: 'everyoneEdits' | 'private'): Promise<void> {
	const result = await createAccountClient(rig.server.origin).setWorkspaceSettings(admin.token, {
		defaultAccess
	});
	expect(result).toEqual({ ok: true, value: { defaultAccess } });
}

describe('the workspace default for new contacts', () => {
	it('gives a contact pushed after switching to private no access for everyone, and leaves older ones', async () => {
		const admin = await rig.admin();
		const member = await rig.member(admin, 'Max Muster', 'max@example.com');
		const device = await rig.device(member);
		device.online();

		const before = await createCompany(device, 'Altbestand GmbH');
		await device.synced();
		expect(await serverAccess(admin, before)).toEqual({
			ownerId: member.userId,
			everyone: 'edit',
			users: {}
		});

		await setDefault(admin, 'private');
		const after = await createCompany(device, 'Neukunde GmbH');
		await device.synced();

		expect(await serverAccess(admin, after)).toEqual({ ownerId: member.userId, everyone: 'none', users: {} });
		expect(await serverAccess(admin, before)).toEqual({
			ownerId: member.userId,
			everyone: 'edit',
			users: {}
		});
	});

	it('applies when the contact first reaches the server, so one made offline follows the new default', async () => {
		const admin = await rig.admin();
		const device = await rig.device(admin);
		const offline = await createCompany(device, 'Unterwegs GmbH');

		await setDefault(admin, 'private');
		device.online();
		await device.synced();
		expect(await serverAccess(admin, offline)).toEqual({
			ownerId: admin.userId,
			everyone: 'none',
			users: {}
		});

		await setDefault(admin, 'everyoneEdits');
		const shared = await createCompany(device, 'Wieder offen GmbH');
		await device.synced();
		expect(await serverAccess(admin, shared)).toEqual({ ownerId: admin.userId, everyone: 'edit', users: {} });
	});
});
