/**
 * A real store on fake-indexeddb, a FakeSyncApi with a signed-in account and the access model
 * over both: what the Zugriff tab, the read-only form, deletion and export tests start from.
 */
import type { AccessInfo, ContactId } from '../../src/lib/domain';
import { KontorStore } from '../../src/lib/store';
import type { AccountInfo } from '../../src/lib/sync';
import { ContactAccessModel } from '../../src/lib/ui/state/contact-access.svelte';
import { SyncModel } from '../../src/lib/ui/state/sync.svelte';
import { ADMIN, FakeSyncApi, MEMBER } from './sync-fake-api';

export const ANNA = { id: 'u-anna', name: 'Anna Admin' };
export const MEMBERS = [
	{ id: ADMIN.user.id, name: ADMIN.user.name },
	{ id: MEMBER.user.id, name: MEMBER.user.name },
	ANNA,
	{ id: 'u-paul', name: 'Paul Peters' }
];

export const withMembers = (account: AccountInfo): AccountInfo => ({ ...account, members: MEMBERS });

export interface AccessRig {
	store: KontorStore;
	api: FakeSyncApi;
	sync: SyncModel;
	model: ContactAccessModel;
	id: ContactId;
	dispose(): void;
}

/**
 * A company "Hartmann Logistik GmbH" with `access` (none: rights unknown) seen by `account`
 * (null: a workspace without a server).
 */
export async function accessRig(
	account: AccountInfo | null,
	access: AccessInfo | null,
	fields: Record<string, string> = { companyName: 'Hartmann Logistik GmbH', city: 'Köln' }
): Promise<AccessRig> {
	const store = await KontorStore.open({ name: `kontor-access-${crypto.randomUUID()}` });
	const created = await store.createContact('company', { fields });
	if (!created.ok || !created.id) throw new Error('not created');
	const id = created.id;
	if (access) await store.applyAccess(id, access, []);
	const api = new FakeSyncApi();
	if (account) api.set({ phase: 'synced', account, lastSyncedAt: null });
	const sync = new SyncModel(api);
	const model = new ContactAccessModel(store, sync, id);
	await model.load();
	return {
		store,
		api,
		sync,
		model,
		id,
		dispose() {
			model.dispose();
			sync.dispose();
			store.close();
		}
	};
}
