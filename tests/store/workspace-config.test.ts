import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KontorStore } from '../../src/lib/store';
import { StoreTabs, freshDbName } from './helpers';

const tabs = new StoreTabs();
let store: KontorStore;

beforeEach(async () => {
	store = await tabs.open(freshDbName());
});
afterEach(() => tabs.closeAll());

describe('workspace configuration in the store', () => {
	it('saves lists and texts, seen by another tab of the same device', async () => {
		expect(
			await store.editWorkspace([
				{ type: 'putListEntry', list: 'statusTags', entry: { id: 'vip', name: ' VIP ', color: '#b8860b' } },
				{ type: 'setTextBlock', key: 'invoiceCover', language: 'de', text: 'anbei Ihre Rechnung.' }
			])
		).toBe(true);
		const other = await tabs.open(store.databaseName);
		const config = await other.workspaceConfig();
		expect(config.lists.statusTags).toEqual([{ id: 'vip', name: 'VIP', color: '#b8860b' }]);
		expect(config.textBlocks).toEqual({ invoiceCover: { de: 'anbei Ihre Rechnung.' } });
	});

	it('refuses a change with one invalid edit as a whole, writing nothing', async () => {
		expect(
			await store.editWorkspace([
				{ type: 'putListEntry', list: 'paymentTerms', entry: { id: 'p', name: 'Sofort', color: '' } },
				{ type: 'putListEntry', list: 'paymentTerms', entry: { id: 'q', name: '', color: '' } }
			])
		).toBe(false);
		expect((await store.workspaceConfig()).lists.paymentTerms).toEqual([]);
		expect(await store.history('workspace')).toEqual([]);
	});
});
