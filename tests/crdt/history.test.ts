import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
	CONTACT_MAPS,
	EDIT_MARK_MAP,
	LOCAL_ORIGIN,
	applyContactEdits,
	concurrent,
	covers,
	readContact,
	recordChanges,
	snapshotJson,
	sortHistory,
	transactEdit,
	within,
	writeAt,
	type HistoryEntry
} from '../../src/lib/crdt';
import type { ContactEdit } from '../../src/lib/domain';
import { makeChannel, mulberry32, seededUuid } from '../factories';
import { CH1, CH2, G1, G2, docWith, recordEdit, replica, sync, updatesDuring } from './helpers';
import { concurrentWith, lastChange } from '../history-oracle';

const ids = mulberry32(77);
let clock = 1_000;

/** Applies edits as one local edit and returns its history entry (fails the test when nothing changed). */
function edit(doc: Y.Doc, edits: ContactEdit[], time = (clock += 1000)): HistoryEntry {
	const recorded = recordEdit(doc, () => applyContactEdits(doc, edits), { id: seededUuid(ids), time });
	if (!recorded) throw new Error(`edit wrote nothing: ${JSON.stringify(edits)}`);
	return recorded.entry;
}

/** Anna Müller with a phone and group G1, made by client 1. */
function base(): Y.Doc {
	const doc = docWith({ city: 'Berlin' }, 1);
	applyContactEdits(doc, [
		{ type: 'addChannel', channel: makeChannel({ id: CH1, order: 'a0' }) },
		{ type: 'addGroup', id: G1 }
	]);
	return doc;
}

describe('covers and concurrent', () => {
	it('finds two edits made from the same base without seeing each other concurrent', () => {
		const doc = base();
		const a = replica(doc, 10);
		const b = replica(doc, 20);
		const ea = edit(a, [{ type: 'set', field: 'city', value: 'Köln' }]);
		const eb = edit(b, [{ type: 'set', field: 'city', value: 'Bonn' }]);
		expect(covers(ea, eb)).toBe(false);
		expect(covers(eb, ea)).toBe(false);
		expect(concurrent(ea, eb)).toBe(true);
		expect(concurrent(eb, ea)).toBe(true);
		// Still concurrent once both know both: it is about what each edit was made on.
		sync(a, b);
		expect(concurrent(ea, eb)).toBe(true);
	});

	it('finds an edit made after seeing another one not concurrent with it', () => {
		const doc = base();
		const a = replica(doc, 10);
		const b = replica(doc, 20);
		const ea = edit(a, [{ type: 'set', field: 'city', value: 'Köln' }]);
		sync(a, b);
		const eb = edit(b, [{ type: 'set', field: 'city', value: 'Bonn' }]);
		expect(covers(eb, ea)).toBe(true);
		expect(covers(ea, eb)).toBe(false);
		expect(concurrent(ea, eb)).toBe(false);
		// and transitively: c saw b, which saw a
		const c = replica(b, 30);
		const ec = edit(c, [{ type: 'set', field: 'zip', value: '53111' }]);
		expect(covers(ec, ea)).toBe(true);
		expect(covers(ec, eb)).toBe(true);
	});

	it('orders the edits of one replica', () => {
		const doc = base();
		const first = edit(doc, [{ type: 'set', field: 'city', value: 'Köln' }]);
		const second = edit(doc, [{ type: 'set', field: 'zip', value: '50667' }]);
		expect(covers(second, first)).toBe(true);
		expect(covers(first, second)).toBe(false);
		expect(concurrent(first, second)).toBe(false);
		expect(covers(first, first)).toBe(true);
		expect(concurrent(first, first)).toBe(false);
	});

	it('finds an edit that only deletes concurrent with one that did not see it', () => {
		const doc = base();
		const a = replica(doc, 10);
		const b = replica(doc, 20);
		// b has never written: its client's clock is 0 before and after a delete-only edit
		const ea = edit(a, [{ type: 'updateChannel', id: CH1, patch: { label: 'Zentrale' } }]);
		const eb = edit(b, [{ type: 'removeChannel', id: CH1 }]);
		expect(concurrent(ea, eb)).toBe(true);
		sync(a, b);
		const later = edit(a, [{ type: 'set', field: 'city', value: 'Köln' }]);
		expect(covers(later, eb)).toBe(true);
	});

	it('finds a delete-only edit by a client that wrote before concurrent with one that saw only the earlier write', () => {
		const doc = base();
		const a = replica(doc, 10);
		const b = replica(doc, 20);
		const first = edit(b, [{ type: 'addGroup', id: G2 }]);
		sync(a, b);
		const removal = edit(b, [{ type: 'removeGroup', id: G1 }]);
		const ea = edit(a, [{ type: 'set', field: 'city', value: 'Köln' }]);
		expect(covers(ea, first)).toBe(true);
		expect(covers(ea, removal)).toBe(false);
		expect(concurrent(ea, removal)).toBe(true);
		expect(covers(removal, first)).toBe(true);
	});

	it('finds a restore that deletes concurrent with an edit that did not see it', () => {
		const doc = base();
		const a = replica(doc, 10);
		const b = replica(doc, 20);
		const restore = recordEdit(b, () => writeAt(b, ['groups', G1], undefined), { id: 'r', time: 1 });
		const ea = edit(a, [{ type: 'set', field: 'city', value: 'Köln' }]);
		expect(restore).not.toBeNull();
		if (restore) expect(concurrent(restore.entry, ea)).toBe(true);
	});
});

describe('transactEdit', () => {
	it('gives an edit that only deletes a clock of its own, and changes nothing else', () => {
		const doc = base();
		const before = Y.getState(doc.store, doc.clientID);
		const expected = { ...readContact(doc), groups: [] };
		const changes = recordChanges(doc, LOCAL_ORIGIN, () =>
			transactEdit(doc, LOCAL_ORIGIN, () => applyContactEdits(doc, [{ type: 'removeGroup', id: G1 }]))
		);
		expect(Y.getState(doc.store, doc.clientID)).toBeGreaterThan(before);
		expect(changes).toEqual([{ path: ['groups', G1], from: true, to: undefined }]);
		expect(readContact(doc)).toEqual(expected);
		// Only the contact's own maps: the edit mark is gone.
		expect(Object.keys(snapshotJson(doc)).sort()).toEqual(Object.values(CONTACT_MAPS).sort());
		expect(doc.getMap(EDIT_MARK_MAP).size).toBe(0);
	});

	it('adds nothing to an edit that inserts, and writes nothing for one that changes nothing', () => {
		const doc = base();
		const plain = replica(doc, 2);
		const marked = replica(doc, 2);
		const run = (d: Y.Doc) => () =>
			applyContactEdits(d, [
				{ type: 'removeGroup', id: G1 },
				{ type: 'set', field: 'city', value: 'Köln' }
			]);
		plain.transact(run(plain), LOCAL_ORIGIN);
		transactEdit(marked, LOCAL_ORIGIN, run(marked));
		expect(Y.encodeStateAsUpdate(marked)).toEqual(Y.encodeStateAsUpdate(plain));
		expect(updatesDuring(marked, () => transactEdit(marked, LOCAL_ORIGIN, () => undefined))).toBe(0);
	});

	it('passes the origin on', () => {
		const doc = base();
		const origins: unknown[] = [];
		doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
		transactEdit(doc, 'restore', () => applyContactEdits(doc, [{ type: 'removeGroup', id: G1 }]));
		expect(origins).toEqual(['restore']);
	});
});

describe('a restore of the value already there', () => {
	it.each([
		[10, 20],
		[20, 10]
	])('does not undo a concurrent change (clients %i, %i)', (x, y) => {
		const doc = base();
		const a = replica(doc, x);
		const b = replica(doc, y);
		// a restores "Berlin", which it still shows; b meanwhile moves the contact to Köln
		const restore = recordEdit(a, () => writeAt(a, ['fields', 'city'], 'Berlin'), { id: 'r', time: 1 });
		const eb = edit(b, [{ type: 'set', field: 'city', value: 'Köln' }]);
		sync(a, b);
		expect(restore).toBeNull();
		// the history's last word on the city is b's change, and so is the document's
		expect(lastChange([eb], ['fields', 'city'])?.change.to).toBe('Köln');
		expect(readContact(a).city).toBe('Köln');
		expect(readContact(b).city).toBe('Köln');
	});
});

let nextClient = 1000;

/** An entry of a client of its own that saw nothing: unrelated to every other entry. */
function entry(id: string, time: number, changes: HistoryEntry['changes'] = [], docId = 'doc'): HistoryEntry {
	return {
		id,
		docId,
		time,
		author: { id: '', name: '' },
		device: '',
		changes,
		svBefore: Y.encodeStateVector(new Y.Doc()),
		client: (nextClient += 1),
		clockEnd: 1
	};
}

describe('sortHistory', () => {
	it('lists newest first and breaks ties by id the same way for every input order', () => {
		const entries = [entry('b', 2), entry('a', 3), entry('c', 2), entry('d', 1), entry('a2', 2)];
		const expected = ['a', 'c', 'b', 'a2', 'd'];
		expect(sortHistory(entries).map((e) => e.id)).toEqual(expected);
		const rng = mulberry32(5);
		for (let i = 0; i < 20; i++) {
			const shuffled = [...entries].sort(() => rng() - 0.5);
			expect(sortHistory(shuffled).map((e) => e.id)).toEqual(expected);
		}
	});

	it('lists an edit above the one it saw, even when its device clock is behind', () => {
		const doc = base();
		const a = replica(doc, 10);
		const b = replica(doc, 20);
		const ea = edit(a, [{ type: 'set', field: 'city', value: 'Köln' }], 50_000);
		sync(a, b);
		// b's clock is a minute behind a's
		const eb = edit(b, [{ type: 'set', field: 'city', value: 'Bonn' }], 10_000);
		const unrelated = entry('z', 30_000);
		const sorted = sortHistory([ea, unrelated, eb]);
		expect(sorted.map((e) => e.id)).toEqual([eb.id, ea.id, 'z']);
		expect(lastChange(sorted, ['fields', 'city'])?.change.to).toBe(readContact(b).city);
	});

	it('places an entry the server wrote (a change of rights, clock end 0) by its time alone', () => {
		const doc = base();
		const first = edit(doc, [{ type: 'set', field: 'city', value: 'Köln' }], 1_000);
		const later = edit(doc, [{ type: 'set', field: 'city', value: 'Bonn' }], 9_000);
		const rights: HistoryEntry = {
			...entry('rights', 5_000),
			changes: [{ path: ['access', 'everyone'], from: 'edit', to: 'read' }],
			client: 0,
			clockEnd: 0
		};
		expect(sortHistory([first, rights, later]).map((e) => e.id)).toEqual([later.id, 'rights', first.id]);
	});

	it('lists two edits of one device in the same millisecond in the order they were made', () => {
		for (let i = 0; i < 20; i++) {
			const doc = base();
			const first = edit(doc, [{ type: 'set', field: 'city', value: 'Köln' }], 5_000);
			const second = edit(doc, [{ type: 'set', field: 'city', value: 'Bonn' }], 5_000);
			expect(sortHistory([first, second])).toEqual([second, first]);
			expect(sortHistory([second, first])).toEqual([second, first]);
		}
	});

	it('lists concurrent edits by time, whatever they saw before', () => {
		const doc = base();
		const early = edit(doc, [{ type: 'set', field: 'zip', value: '50667' }], 1_000);
		const a = replica(doc, 10);
		const b = replica(doc, 20);
		const ea = edit(a, [{ type: 'set', field: 'city', value: 'Köln' }], 3_000);
		const eb = edit(b, [{ type: 'set', field: 'city', value: 'Bonn' }], 2_000);
		expect(sortHistory([early, eb, ea])).toEqual([ea, eb, early]);
	});

	it('does not reorder its input', () => {
		const entries = [entry('a', 1), entry('b', 2)];
		sortHistory(entries);
		expect(entries.map((e) => e.id)).toEqual(['a', 'b']);
	});
});

describe('lastChange', () => {
	function history(): HistoryEntry[] {
		const doc = base();
		const phone = makeChannel({ id: CH2, kind: 'phone', value: '030 1111111', order: 'a5' });
		const entries = [
			edit(doc, [{ type: 'set', field: 'city', value: 'Köln' }]),
			edit(doc, [{ type: 'addChannel', channel: phone }]),
			edit(doc, [
				{ type: 'set', field: 'city', value: 'Bonn' },
				{ type: 'addGroup', id: G2 }
			]),
			edit(doc, [{ type: 'updateChannel', id: CH2, patch: { label: 'Vertrieb' } }]),
			edit(doc, [{ type: 'set', field: 'zip', value: '53111' }])
		];
		return sortHistory(entries);
	}

	it('finds the newest entry that set a field', () => {
		const entries = history();
		const found = lastChange(entries, ['fields', 'city']);
		expect(found?.change).toEqual({ path: ['fields', 'city'], from: 'Köln', to: 'Bonn' });
		expect(found?.entry).toBe(entries[2]);
		expect(lastChange(entries, ['fields', 'street'])).toBeNull();
		expect(lastChange(entries, ['groups', G2])?.change).toMatchObject({ to: true });
	});

	it('finds the newest change inside a channel for the channel path', () => {
		const entries = history();
		expect(lastChange(entries, ['channels', CH2])?.change).toEqual({
			path: ['channels', CH2, 'label'],
			from: '',
			to: 'Vertrieb'
		});
	});

	it('finds the entry that added a channel for a property it never changed on its own', () => {
		const entries = history();
		const found = lastChange(entries, ['channels', CH2, 'value']);
		expect(found?.change.path).toEqual(['channels', CH2]);
		expect(found?.change.to).toMatchObject({ value: '030 1111111' });
		expect(lastChange(entries, ['channels', CH2, 'label'])?.change).toMatchObject({ to: 'Vertrieb' });
	});

	it('prefers an exact path within one entry', () => {
		const e = entry('x', 1, [
			{ path: ['channels', CH1, 'label'], from: '', to: 'a' },
			{ path: ['channels', CH1], from: undefined, to: { label: 'b' } }
		]);
		expect(lastChange([e], ['channels', CH1])?.change.path).toEqual(['channels', CH1]);
	});

	it('within: a path lies in its prefix, not the other way round', () => {
		expect(within(['channels', CH1, 'value'], ['channels', CH1])).toBe(true);
		expect(within(['channels', CH1], ['channels', CH1])).toBe(true);
		expect(within(['channels', CH1], ['channels', CH1, 'value'])).toBe(false);
		expect(within(['channels', CH2, 'value'], ['channels', CH1])).toBe(false);
	});
});

describe('concurrentWith', () => {
	it('lists only concurrent entries that touched the same path', () => {
		const doc = base();
		const a = replica(doc, 10);
		const b = replica(doc, 20);
		const c = replica(doc, 30);
		const ea = edit(a, [{ type: 'set', field: 'city', value: 'Köln' }]);
		const eb = edit(b, [{ type: 'set', field: 'city', value: 'Bonn' }]);
		const ec = edit(c, [{ type: 'set', field: 'zip', value: '53111' }]);
		const inside = edit(replica(doc, 40), [{ type: 'updateChannel', id: CH1, patch: { label: 'x' } }]);
		const whole = edit(replica(doc, 50), [{ type: 'removeChannel', id: CH1 }]);
		sync(a, b);
		const later = edit(a, [{ type: 'set', field: 'city', value: 'Hamburg' }]);
		const elsewhere = { ...eb, id: 'other-doc', docId: 'other' };
		const all = [ea, eb, ec, later, elsewhere, inside, whole];

		expect(concurrentWith(all, ea)).toEqual([eb]);
		expect(concurrentWith(all, eb)).toEqual([ea]);
		expect(concurrentWith(all, ec)).toEqual([]);
		expect(concurrentWith(all, later)).toEqual([]);
		// ['channels', id, 'label'] and ['channels', id] are different paths
		expect(concurrentWith(all, inside)).toEqual([]);
		expect(concurrent(inside, whole)).toBe(true);
		expect(readContact(a).city).toBe('Hamburg');
	});
});
