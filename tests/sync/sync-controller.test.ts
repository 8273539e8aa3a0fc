import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncController, type SyncController } from '../../src/lib/sync';
import type { SyncStatus } from '../../src/lib/sync/status';
import { KontorStore } from '../../src/lib/store';
import { Rig, waitFor, wsConnect } from './helpers';

let rig: Rig;
let store: KontorStore;
let controller: SyncController;
let statuses: SyncStatus[];

beforeEach(async () => {
	rig = await new Rig().start();
	store = await KontorStore.open({ name: `kontor-controller-${crypto.randomUUID()}` });
	controller = createSyncController({
		store,
		baseUrl: rig.server.origin,
		connect: wsConnect,
		backoff: { initialMs: 20, maxMs: 200 }
	});
	statuses = [];
	controller.subscribe((status) => statuses.push(status));
	controller.start();
});

afterEach(async () => {
	controller.dispose();
	store.close();
	await rig.stop();
});

const credentials = { email: 'anna@example.com', password: 'correct horse battery' };

describe('the sync controller', () => {
	it('works locally without an account, syncs after signing in and stops after signing out', async () => {
		await waitFor(() => controller.status.phase === 'local');
		expect(await controller.serverStatus()).toMatchObject({ needsSetup: true });
		const setup = await controller.setup({
			name: 'Anna Admin',
			...credentials,
			workspaceName: 'Muster GmbH'
		});
		expect(setup.ok).toBe(true);
		await waitFor(() => controller.status.phase === 'synced');
		expect(controller.status.account?.user.name).toBe('Anna Admin');
		expect(rig.server.hub.connectionCount()).toBe(1);

		await controller.logout();
		await waitFor(() => controller.status.phase === 'local');
		await waitFor(() => rig.server.hub.connectionCount() === 0);
		// The session ended on the server too; local data and the workspace binding stay.
		expect(await store.syncValue('syncSession')).toBeUndefined();
		expect(await store.syncValue('syncWorkspace')).toBe(setup.ok ? setup.value.workspace.id : '');
	});

	it('keeps one connection when the session changes twice in quick succession', async () => {
		await rig.admin('Anna Admin', credentials.email);
		await waitFor(() => controller.status.phase === 'local');
		const [first, second] = await Promise.all([controller.login(credentials), controller.login(credentials)]);
		expect(first.ok && second.ok).toBe(true);
		await waitFor(() => controller.status.phase === 'synced');
		await waitFor(() => rig.server.hub.connectionCount() === 1);
		const sessions = await controller.sessions();
		expect(sessions.ok && sessions.value.filter((s) => s.current)).toHaveLength(1);
	});

	it('reads and changes the workspace settings with the session on the device', async () => {
		await rig.admin('Anna Admin', credentials.email);
		expect(await controller.workspaceSettings()).toMatchObject({ ok: false, error: 'unauthorized' });
		const login = await controller.login(credentials);
		if (!login.ok) throw new Error(`login failed: ${login.error}`);
		expect(await controller.workspaceSettings()).toEqual({
			ok: true,
			value: { defaultAccess: 'everyoneEdits' }
		});
		expect(await controller.setWorkspaceSettings({ defaultAccess: 'private' })).toEqual({
			ok: true,
			value: { defaultAccess: 'private' }
		});
		expect(await rig.server.storage.workspaceDefault(login.value.workspace.id)).toBe('private');
	});

	it('reports a refused login without touching the device session', async () => {
		await rig.admin('Anna Admin', credentials.email);
		const result = await controller.login({ ...credentials, password: 'wrong password!' });
		expect(result).toMatchObject({ ok: false, error: 'invalidCredentials' });
		expect(await store.syncValue('syncSession')).toBeUndefined();
		expect(controller.status.phase).toBe('local');
	});
});
