import { afterEach, describe, expect, it, vi } from 'vitest';
import { KontorStore, type ReceivedItem } from '../../src/lib/store';
import { ContactListModel } from '../../src/lib/ui/state/contact-list.svelte';

let store: KontorStore;
let model: ContactListModel;
let source: KontorStore | null = null;

afterEach(() => {
	model?.dispose();
	store?.close();
	source?.close();
	source = null;
});

/** `count` new companies made on another device, as a batch of a first sync brings them. */
async function receivedBatch(count: number, prefix: string): Promise<ReceivedItem[]> {
	source ??= await KontorStore.open({ name: `kontor-list-source-${crypto.randomUUID()}` });
	const made = await source.importContacts(
		Array.from({ length: count }, (_, i) => ({
			kind: 'company' as const,
			fields: { companyName: `${prefix} ${String(i).padStart(3, '0')}` }
		}))
	);
	if (!made.ok) throw new Error('import failed');
	const from = source;
	return Promise.all(
		made.ids.map(async (docId) => ({
			docId,
			update: await from.encodeState(docId),
			entries: await from.history(docId)
		}))
	);
}

/** The ids the model lists, in order. */
async function listedIds(): Promise<string[]> {
	await model.showWindow(0, model.count);
	return Array.from({ length: model.count }, (_, i) => model.rowAt(i)?.id ?? '');
}

async function openWith(count: number): Promise<void> {
	store = await KontorStore.open({ name: `kontor-list-${crypto.randomUUID()}` });
	const names = Array.from({ length: count }, (_, i) => `Firma ${String(i).padStart(3, '0')}`);
	const result = await store.importContacts(
		names.map((companyName) => ({ kind: 'company', fields: { companyName } }))
	);
	expect(result.ok).toBe(true);
	model = new ContactListModel(store);
}

describe('ContactListModel', () => {
	it('paints the first screen, then knows every key and the full count', async () => {
		await openWith(120);
		const firstScreen = model.refresh();
		await vi.waitFor(() => expect(model.loaded).toBe(true));
		await firstScreen;
		expect(model.complete).toBe(true);
		expect(model.count).toBe(120);
		await model.showWindow(100, 110);
		expect(model.rowAt(100)?.displayName).toBe('Firma 100');
		expect(model.indexOf(model.rowAt(105)?.id ?? '')).toBe(105);
	});

	it('searches, shows which query its keys answer, and follows edits', async () => {
		await openWith(30);
		await model.refresh();
		await model.setFilter({ query: 'Firma 02' });
		expect(model.shownQuery).toBe('Firma 02');
		expect(model.busy).toBe(false);
		await model.showWindow(0, 20);
		expect(Array.from({ length: model.count }, (_, i) => model.rowAt(i)?.displayName)).toEqual([
			'Firma 020',
			'Firma 021',
			'Firma 022',
			'Firma 023',
			'Firma 024',
			'Firma 025',
			'Firma 026',
			'Firma 027',
			'Firma 028',
			'Firma 029'
		]);
		const created = await store.createContact('company', { fields: { companyName: 'Firma 02x' } });
		expect(created.ok).toBe(true);
		await vi.waitFor(() => expect(model.count).toBe(11));
	});

	it('reads the list once for a burst of large changes, and ends with all of them', async () => {
		await openWith(10);
		await model.refresh();
		const read = store.listKeys.bind(store);
		let release: () => void = () => undefined;
		const gate = new Promise<void>((resolve) => (release = resolve));
		// The first read after a change is slow (as with 50,000 keys while a first sync writes).
		const listKeys = vi
			.spyOn(store, 'listKeys')
			.mockImplementationOnce(async (filter) => {
				await gate;
				return read(filter);
			})
			.mockImplementation(read);
		// Five imports in a row, each too large to patch in (as batches of a first sync arrive).
		for (let batch = 0; batch < 5; batch++) {
			const result = await store.importContacts(
				Array.from({ length: 250 }, (_, i) => ({
					kind: 'company' as const,
					fields: { companyName: `Neu ${batch}-${String(i).padStart(3, '0')}` }
				}))
			);
			expect(result.ok).toBe(true);
		}
		expect(listKeys).toHaveBeenCalledTimes(1);
		release();
		// The slow read, then one read covering the four changes that came while it ran.
		await vi.waitFor(() => expect(listKeys).toHaveBeenCalledTimes(2), { timeout: 5000 });
		await vi.waitFor(() => expect(model.busy).toBe(false));
		expect(model.count).toBe(1260);
	});

	it('moves an edited contact to its new place without reading the whole list again', async () => {
		await openWith(30);
		await model.refresh();
		await model.showWindow(0, 30);
		const first = model.rowAt(0);
		expect(first?.displayName).toBe('Firma 000');
		const listKeys = vi.spyOn(store, 'listKeys');

		const edited = await store.editContact(first!.id, [
			{ type: 'set', field: 'companyName', value: 'Zeta AG' }
		]);
		expect(edited).toEqual({ ok: true });
		await vi.waitFor(() => expect(model.rowAt(29)?.displayName).toBe('Zeta AG'));
		expect(model.rowAt(0)?.displayName).toBe('Firma 001');
		expect(model.count).toBe(30);
		expect(model.indexOf(first!.id)).toBe(29);

		// Two edits close together both land, whatever order their patches finish in.
		const [a, b] = [model.rowAt(0)!, model.rowAt(1)!];
		await Promise.all([
			store.editContact(a.id, [{ type: 'set', field: 'companyName', value: 'Alpha AG' }]),
			store.editContact(b.id, [{ type: 'set', field: 'companyName', value: 'Zulu AG' }])
		]);
		await vi.waitFor(() => {
			expect(model.rowAt(0)?.displayName).toBe('Alpha AG');
			expect(model.rowAt(29)?.displayName).toBe('Zulu AG');
			expect(model.rowAt(28)?.displayName).toBe('Zeta AG');
		});
		expect(model.count).toBe(30);

		// Within a filter, a new contact of the other kind stays out; one of the filtered kind comes in.
		await model.setFilter({ kind: 'person' });
		expect(model.count).toBe(0);
		await store.createContact('company', { fields: { companyName: 'Nicht dabei GmbH' } });
		await store.createContact('person', { fields: { lastName: 'Dabei' } });
		await vi.waitFor(() => expect(model.count).toBe(1));
		await model.showWindow(0, 1);
		expect(model.rowAt(0)?.displayName).toBe('Dabei');
		expect(listKeys).toHaveBeenCalledTimes(1); // only for setting the filter
	});

	it('takes an archived contact out of the list and into the archived view by patching', async () => {
		await openWith(20);
		await model.refresh();
		await model.showWindow(0, 20);
		const third = model.rowAt(2)!;
		const listKeys = vi.spyOn(store, 'listKeys');
		const archive = (archived: boolean) =>
			store.editContact(third.id, [{ type: 'set', field: 'archived', value: archived }]);

		expect(await archive(true)).toEqual({ ok: true });
		await vi.waitFor(() => expect(model.count).toBe(19));
		expect(model.indexOf(third.id)).toBe(-1);
		expect(model.rowAt(2)?.displayName).toBe('Firma 003');

		await model.setFilter({ archived: true });
		expect(model.archived).toBe(true);
		expect(model.count).toBe(1);
		await model.showWindow(0, 1);
		expect(model.rowAt(0)).toMatchObject({ id: third.id, archived: true });

		// Restored while the archived view is shown: it leaves the view ...
		expect(await archive(false)).toEqual({ ok: true });
		await vi.waitFor(() => expect(model.count).toBe(0));
		// ... and is back in its place in the list.
		await model.setFilter({ archived: false });
		expect(model.count).toBe(20);
		await model.showWindow(0, 20);
		expect(model.rowAt(2)?.id).toBe(third.id);
		expect(listKeys).toHaveBeenCalledTimes(2); // only for switching the view
	});

	it('keeps the shown results while the typed text is not yet a search term', async () => {
		await openWith(30);
		await model.refresh();
		await model.setFilter({ query: 'Firma 01' });
		expect(model.count).toBe(10);
		await model.setFilter({ query: '+4' });
		expect(model.shownQuery).toBe('+4');
		expect(model.count).toBe(10);
		await model.setFilter({ query: '' });
		expect(model.count).toBe(30);
	});

	it('lets the newest query win when answers arrive out of order', async () => {
		await openWith(20);
		await model.refresh();
		const slow = model.setFilter({ query: 'Firma' });
		const fast = model.setFilter({ query: 'Firma 019' });
		await Promise.all([slow, fast]);
		expect(model.shownQuery).toBe('Firma 019');
		expect(model.count).toBe(1);
	});

	it('places a received batch by the rows the change describes, however large, reading nothing', async () => {
		await openWith(40);
		await model.refresh();
		const batch = await receivedBatch(300, 'Firma 01');
		const listKeys = vi.spyOn(store, 'listKeys');
		const rowsByIds = vi.spyOn(store, 'rowsByIds');

		await store.receive(batch);
		await vi.waitFor(() => expect(model.count).toBe(340));
		expect(listKeys).not.toHaveBeenCalled();
		expect(rowsByIds).not.toHaveBeenCalled();
		const patched = await listedIds();
		await model.refresh(true);
		expect(await listedIds()).toEqual(patched);
		// Placed among the contacts listed before, where they sort, not appended at the end.
		expect(Math.min(...batch.map(({ docId }) => patched.indexOf(docId)))).toBeLessThan(40);
		expect(Math.max(...batch.map(({ docId }) => patched.indexOf(docId)))).toBeLessThan(339);
	});

	it('keeps a batch that arrives while the list is being read from an older state', async () => {
		await openWith(10);
		await model.refresh();
		const batch = await receivedBatch(50, 'Neu');
		const read = store.listKeys.bind(store);
		let release: () => void = () => undefined;
		const gate = new Promise<void>((resolve) => (release = resolve));
		let readDone: () => void = () => undefined;
		const readBeforeBatch = new Promise<void>((resolve) => (readDone = resolve));
		// The re-read sees the list before the batch, and answers only after the batch was placed.
		vi.spyOn(store, 'listKeys').mockImplementationOnce(async (filter) => {
			const keys = await read(filter);
			readDone();
			await gate;
			return keys;
		});
		const refreshing = model.refresh(true);
		await readBeforeBatch;
		await store.receive(batch);
		await vi.waitFor(() => expect(model.count).toBe(60));
		release();
		await refreshing;
		expect(model.busy).toBe(false);
		expect(model.count).toBe(60);
		const ids = await listedIds();
		expect(new Set(ids).size).toBe(60);
		for (const { docId } of batch) expect(ids).toContain(docId);
	});
});
