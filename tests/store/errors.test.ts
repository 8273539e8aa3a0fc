import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newGroupId } from '../../src/lib/domain';
import { KontorStore, StorageError, classifyStorageError, type StorageErrorCode } from '../../src/lib/store';
import { StoreTabs, addChannel, create, freshDbName, recordChanges, rowOf, set } from './helpers';

const tabs = new StoreTabs();
afterEach(() => {
	vi.restoreAllMocks();
	tabs.closeAll();
});

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('classifyStorageError', () => {
	it.each<[string, unknown, StorageErrorCode]>([
		['a QuotaExceededError DOMException', quota(), 'quota'],
		["Dexie's QuotaExceededError", new Dexie.QuotaExceededError('full'), 'quota'],
		['an AbortError caused by the quota', new Dexie.AbortError('aborted', quota()), 'quota'],
		['an error that only says so in its message', new Error('Quota exceeded for this origin'), 'quota'],
		['a VersionError DOMException', new DOMException('too old', 'VersionError'), 'version'],
		["Dexie's VersionError", new Dexie.VersionError('too old'), 'version'],
		['an UpgradeError', new Dexie.UpgradeError('upgrade failed'), 'version'],
		[
			'an OpenFailedError around a VersionError',
			new Dexie.OpenFailedError(new DOMException('too old', 'VersionError')),
			'version'
		],
		['a MissingAPIError', new Dexie.MissingAPIError('IndexedDB API missing'), 'unavailable'],
		[
			'an OpenFailedError around a MissingAPIError',
			new Dexie.OpenFailedError(new Dexie.MissingAPIError()),
			'unavailable'
		],
		['an InvalidStateError (private mode)', new DOMException('no', 'InvalidStateError'), 'unavailable'],
		['a SecurityError', new DOMException('no', 'SecurityError'), 'unavailable'],
		['a blocked open', new Dexie.DatabaseClosedError('Database open blocked'), 'blocked'],
		['a plain Error', new Error('boom'), 'unknown'],
		['a TypeError', new TypeError('x is undefined'), 'unknown'],
		['a string', 'boom', 'unknown'],
		['null', null, 'unknown']
	])('maps %s', (_label, error, code) => {
		const classified = classifyStorageError(error);
		expect(classified).toBeInstanceOf(StorageError);
		expect(classified.code).toBe(code);
		expect(classified.cause).toBe(error);
		expect(classified.name).toBe('StorageError');
	});

	it('passes a StorageError through unchanged', () => {
		const error = new StorageError('blocked');
		expect(classifyStorageError(error)).toBe(error);
	});
});

describe('opening', () => {
	it('rejects with "unavailable" when there is no IndexedDB', async () => {
		const saved = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
		expect(saved).toBeDefined();
		Reflect.deleteProperty(globalThis, 'indexedDB');
		try {
			expect(typeof indexedDB).toBe('undefined');
			const opening = KontorStore.open({ name: freshDbName() });
			await expect(opening).rejects.toBeInstanceOf(StorageError);
			await expect(opening).rejects.toMatchObject({ code: 'unavailable' });
		} finally {
			if (saved) Object.defineProperty(globalThis, 'indexedDB', saved);
		}
		// And it works again once IndexedDB is back.
		const store = await tabs.open(freshDbName());
		expect(await store.count()).toBe(0);
	});
});

describe('a failing write', () => {
	/**
	 * Makes every IndexedDB `add` or `put` throw a QuotaExceededError, as a full disk does. `put` is
	 * the projection write, which comes after the update was added in the same transaction: it proves
	 * the update is not kept without its row.
	 */
	function failWrites(method: 'add' | 'put'): void {
		vi.spyOn(FakeObjectStore.prototype, method).mockImplementation(() => {
			throw quota();
		});
	}

	it.each(['add', 'put'] as const)(
		'surfaces as "quota" from editContact (%s fails) and leaves the stored state unchanged',
		async (method) => {
			const name = freshDbName();
			const store = await tabs.open(name);
			const id = await create(store, 'company', {
				fields: { companyName: 'Müller GmbH', city: 'Berlin' },
				edits: [addChannel('phone', '030 1234567')]
			});
			const contact = await store.loadContact(id);
			const row = await rowOf(store, id);
			const count = await store.updateCount(id);
			const changes = recordChanges(store);

			failWrites(method);
			const editing = store.editContact(id, [set('city', 'Köln'), addChannel('email', 'info@mueller.de')]);
			await expect(editing).rejects.toBeInstanceOf(StorageError);
			await expect(editing).rejects.toMatchObject({ code: 'quota' });
			vi.restoreAllMocks();

			// Nothing was reported saved, and nothing half-written is stored.
			expect(changes).toEqual([]);
			expect(await store.updateCount(id)).toBe(count);
			expect(await store.loadContact(id)).toEqual(contact);
			expect(await rowOf(store, id)).toEqual(row);
			expect(await store.listKeys({ query: 'köln' })).toEqual([]);
			const fresh = await tabs.open(name);
			expect(await fresh.loadContact(id)).toEqual(contact);

			// The store is still usable once there is room again.
			await expect(store.editContact(id, [set('city', 'Hamburg')])).resolves.toEqual({ ok: true });
			expect(await store.loadContact(id)).toMatchObject({ city: 'Hamburg', channels: contact?.channels });
			expect((await rowOf(store, id)).city).toBe('Hamburg');
		}
	);

	it('does not build a later edit on an earlier one that failed to store', async () => {
		const name = freshDbName();
		const store = await tabs.open(name);
		const id = await create(store, 'company', { fields: { companyName: 'Müller GmbH', city: 'Berlin' } });
		const add = FakeObjectStore.prototype.add;
		let calls = 0;
		vi.spyOn(FakeObjectStore.prototype, 'add').mockImplementation(function (
			this: InstanceType<typeof FakeObjectStore>,
			...args
		) {
			calls += 1;
			if (calls === 1) throw quota();
			return add.apply(this, args);
		});

		// Two saves in flight at once (say, two fields left in quick succession); only the first fails.
		const [first, second] = await Promise.allSettled([
			store.editContact(id, [set('city', 'Köln')]),
			store.editContact(id, [set('street', 'Domplatz 1')])
		]);
		vi.restoreAllMocks();

		expect(first).toMatchObject({ status: 'rejected', reason: { code: 'quota' } });
		expect(second).toEqual({ status: 'fulfilled', value: { ok: true } });
		// What was reported saved is stored, what failed is nowhere: not in the documents, not in the row.
		const expected = { city: 'Berlin', street: 'Domplatz 1' };
		expect(await store.loadContact(id)).toMatchObject(expected);
		expect(await (await tabs.open(name)).loadContact(id)).toMatchObject(expected);
		expect(await rowOf(store, id)).toMatchObject(expected);
		const live = await store.allRows();
		await store.rebuildProjection();
		expect(await store.allRows()).toEqual(live);
	});

	it('surfaces as "quota" from createContact and stores no contact', async () => {
		const store = await tabs.open(freshDbName());
		failWrites('put');
		const creating = store.createContact('person', { fields: { lastName: 'Schäfer' } });
		await expect(creating).rejects.toMatchObject({ code: 'quota' });
		vi.restoreAllMocks();
		expect(await store.count()).toBe(0);
		expect(await store.listKeys({ query: 'schäfer' })).toEqual([]);
		expect(await store.rebuildProjection()).toBe(0);
	});

	it('surfaces as "quota" from editWorkspace and keeps the groups as stored', async () => {
		const name = freshDbName();
		const store = await tabs.open(name);
		const kept = { id: newGroupId(), name: 'Kunden', color: '#336699' };
		await store.editWorkspace([{ type: 'putGroup', group: kept }]);
		failWrites('add');
		await expect(
			store.editWorkspace([{ type: 'putGroup', group: { ...kept, name: 'Lieferanten' } }])
		).rejects.toMatchObject({ code: 'quota' });
		vi.restoreAllMocks();
		expect((await store.groups()).map((g) => g.name)).toEqual(['Kunden']);
		expect((await (await tabs.open(name)).groups()).map((g) => g.name)).toEqual(['Kunden']);
	});
});

describe('another version of the database', () => {
	/** Opens the database with plain IndexedDB at `version`, as a newer app version would, and closes it. */
	function openNative(name: string, version: number): Promise<void> {
		return new Promise((resolve, reject) => {
			const request = indexedDB.open(name, version);
			request.onupgradeneeded = () => request.result.createObjectStore('future');
			request.onsuccess = () => {
				request.result.close();
				resolve();
			};
			request.onerror = () => reject(request.error);
			request.onblocked = () => reject(new Error('blocked'));
		});
	}

	it('closes and reports "version" when a newer version upgrades the database under it', async () => {
		const name = freshDbName();
		const onClosed = vi.fn();
		const store = await KontorStore.open({ name, onClosed });
		try {
			// The store lets the upgrade through instead of blocking it.
			await openNative(name, 1000);
			expect(onClosed).toHaveBeenCalledTimes(1);
			expect(onClosed.mock.calls[0]?.[0]).toMatchObject({ code: 'version' });
			await expect(store.count()).rejects.toBeInstanceOf(StorageError);
		} finally {
			store.close();
		}
	});
});
