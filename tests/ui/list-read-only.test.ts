/**
 * The list marks the contacts its user may only read ("nur lesen"), from the rights the server
 * sent, and drops the mark when the rights change.
 */
import { render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccessInfo, ContactId } from '../../src/lib/domain';
import { KontorStore } from '../../src/lib/store';
import ListPane from '../../src/lib/ui/list/ListPane.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { ContactListModel } from '../../src/lib/ui/state/contact-list.svelte';
import { ListAccessModel } from '../../src/lib/ui/state/list-access.svelte';
import { SyncModel } from '../../src/lib/ui/state/sync.svelte';
import { ADMIN, FakeSyncApi, MEMBER } from './sync-fake-api';

vi.mock('$app/navigation', () => ({ goto: vi.fn() }));

class NoResize {
	observe(): void {}
	unobserve(): void {}
	disconnect(): void {}
}

const cleanups: (() => void)[] = [];

beforeEach(() => {
	i18n.lang = 'de';
	vi.stubGlobal('ResizeObserver', NoResize);
});

afterEach(() => {
	vi.unstubAllGlobals();
	for (const cleanup of cleanups.splice(0)) cleanup();
});

async function company(store: KontorStore, companyName: string): Promise<ContactId> {
	const result = await store.createContact('company', { fields: { companyName } });
	if (!result.ok || !result.id) throw new Error('not created');
	return result.id;
}

/** Two companies; the member may only read "Geteilt GmbH". */
async function setup(account = MEMBER) {
	const store = await KontorStore.open({ name: `kontor-list-access-${crypto.randomUUID()}` });
	const shared = await company(store, 'Geteilt GmbH');
	const own = await company(store, 'Eigene KG');
	const readOnly: AccessInfo = {
		ownerId: ADMIN.user.id,
		everyone: 'none',
		users: { [MEMBER.user.id]: 'read' }
	};
	await store.applyAccess(shared, readOnly, []);
	await store.applyAccess(own, { ownerId: MEMBER.user.id, everyone: 'edit', users: {} }, []);
	const api = new FakeSyncApi();
	api.set({ phase: 'synced', account, lastSyncedAt: null });
	const sync = new SyncModel(api);
	const list = new ContactListModel(store);
	const access = new ListAccessModel(store, sync);
	cleanups.push(() => {
		access.dispose();
		list.dispose();
		sync.dispose();
		store.close();
	});
	await list.refresh();
	render(ListPane, { props: { list, access, groups: [], selectedId: null, oncreate: () => undefined } });
	return { store, shared, readOnly, api };
}

const option = (name: string) =>
	within(screen.getByRole('listbox', { name: 'Kontaktliste' }))
		.getAllByRole('option')
		.find((o) => o.textContent?.includes(name)) as HTMLElement;

describe('the list marks read-only contacts', () => {
	it('marks the contact a member may only read, and not one they may edit', async () => {
		await setup();
		await waitFor(() => expect(option('Geteilt GmbH')).toHaveTextContent('(nur Lesezugriff)'));
		expect(within(option('Geteilt GmbH')).getByText('nur lesen')).toHaveAttribute('aria-hidden', 'true');
		expect(option('Eigene KG')).not.toHaveTextContent('nur lesen');
	});

	it('marks nothing for an admin, who may change everything', async () => {
		const { api } = await setup(ADMIN);
		// The same rights, read for another user, are marked; back as the admin, they are not.
		api.set({ account: MEMBER });
		await waitFor(() => expect(option('Geteilt GmbH')).toHaveTextContent('nur lesen'));
		api.set({ account: ADMIN });
		await waitFor(() => expect(option('Geteilt GmbH')).not.toHaveTextContent('nur lesen'));
	});

	it('drops the mark once the member may edit', async () => {
		const { store, shared, readOnly } = await setup();
		await waitFor(() => expect(option('Geteilt GmbH')).toHaveTextContent('nur lesen'));
		await store.applyAccess(shared, { ...readOnly, users: { [MEMBER.user.id]: 'edit' } }, []);
		await waitFor(() => expect(option('Geteilt GmbH')).not.toHaveTextContent('nur lesen'));
	});
});
