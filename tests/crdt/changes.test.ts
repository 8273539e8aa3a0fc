import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
	LOCAL_ORIGIN,
	applyContactEdits,
	initContact,
	newContactDoc,
	readContact,
	readFields,
	recordChanges,
	snapshotJson,
	writeAt,
	type FieldChange
} from '../../src/lib/crdt';
import { emptyContactFields, type Channel, type ContactEdit } from '../../src/lib/domain';
import { makeChannel } from '../factories';
import {
	CH1,
	CH2,
	CH3,
	CONTACT_ID,
	G1,
	G2,
	OTHER_PARENT_ID,
	PARENT_ID,
	docWith,
	replica,
	updatesDuring
} from './helpers';

/** Applies edits as one local transaction and returns what it recorded. */
function changesOf(doc: Y.Doc, edits: ContactEdit[]): FieldChange[] {
	return recordChanges(doc, LOCAL_ORIGIN, () => applyContactEdits(doc, edits));
}

/** A channel as its document entry holds it (the id is the key, not a value). */
function entryOf(channel: Channel): Omit<Channel, 'id'> {
	const { id: _id, ...entry } = channel;
	return entry;
}

/** Changes in path order (element by element), as recordChanges lists them. */
function byPath(changes: FieldChange[]): FieldChange[] {
	return [...changes].sort((a, b) => (a.path.join('\u0000') < b.path.join('\u0000') ? -1 : 1));
}

const PHONE = makeChannel({ id: CH1, kind: 'phone', label: 'Zentrale', order: 'a0' });
const EMAIL = makeChannel({ id: CH2, kind: 'email', purpose: 'invoice', order: 'a1' });

/** Anna Müller in Berlin with a phone, an invoice e-mail and group G1. */
function annaWithChannels(): Y.Doc {
	const doc = docWith({ city: 'Berlin', zip: '10115' });
	applyContactEdits(doc, [
		{ type: 'addChannel', channel: PHONE },
		{ type: 'addChannel', channel: EMAIL },
		{ type: 'addGroup', id: G1 }
	]);
	return doc;
}

describe('recordChanges: scalar fields', () => {
	it('records a field set as from → to', () => {
		const doc = annaWithChannels();
		expect(changesOf(doc, [{ type: 'set', field: 'city', value: 'Köln' }])).toEqual([
			{ path: ['fields', 'city'], from: 'Berlin', to: 'Köln' }
		]);
	});

	it('records a field set for the first time as changed from its default, which was never written', () => {
		const doc = newContactDoc(CONTACT_ID);
		doc.getMap('fields').set('kind', 'person');
		expect(changesOf(doc, [{ type: 'set', field: 'city', value: 'Köln' }])).toEqual([
			{ path: ['fields', 'city'], from: '', to: 'Köln' }
		]);
		expect(changesOf(doc, [{ type: 'set', field: 'inheritGroups', value: true }])).toEqual([
			{ path: ['fields', 'inheritGroups'], from: false, to: true }
		]);
		// Setting a default on a field never written writes nothing.
		expect(changesOf(doc, [{ type: 'set', field: 'country', value: 'DE' }])).toEqual([]);
		expect(doc.getMap('fields').has('country')).toBe(false);
	});

	it('records a new contact as set from absent: its kind and what differs from the defaults', () => {
		const doc = newContactDoc(CONTACT_ID);
		const fields = { ...emptyContactFields('company'), companyName: 'Müller GmbH', country: 'AT' };
		const changes = recordChanges(doc, LOCAL_ORIGIN, () => initContact(doc, fields));
		expect(changes).toEqual([
			{ path: ['fields', 'companyName'], from: undefined, to: 'Müller GmbH' },
			{ path: ['fields', 'country'], from: undefined, to: 'AT' },
			{ path: ['fields', 'kind'], from: undefined, to: 'company' }
		]);
		// What was left out reads as its default.
		expect(readFields(doc)).toEqual(fields);
	});

	it('records boolean toggles both ways', () => {
		const doc = annaWithChannels();
		expect(changesOf(doc, [{ type: 'set', field: 'inheritAddress', value: true }])).toEqual([
			{ path: ['fields', 'inheritAddress'], from: false, to: true }
		]);
		expect(changesOf(doc, [{ type: 'set', field: 'inheritAddress', value: false }])).toEqual([
			{ path: ['fields', 'inheritAddress'], from: true, to: false }
		]);
		expect(changesOf(doc, [{ type: 'set', field: 'inheritGroups', value: true }])).toEqual([
			{ path: ['fields', 'inheritGroups'], from: false, to: true }
		]);
		expect(changesOf(doc, [{ type: 'set', field: 'archived', value: true }])).toEqual([
			{ path: ['fields', 'archived'], from: false, to: true }
		]);
		expect(changesOf(doc, [{ type: 'set', field: 'archived', value: false }])).toEqual([
			{ path: ['fields', 'archived'], from: true, to: false }
		]);
	});

	it('records parent moves, including detaching', () => {
		const doc = annaWithChannels();
		expect(changesOf(doc, [{ type: 'setParent', parentId: PARENT_ID }])).toEqual([
			{ path: ['fields', 'parentId'], from: null, to: PARENT_ID }
		]);
		expect(changesOf(doc, [{ type: 'setParent', parentId: OTHER_PARENT_ID }])).toEqual([
			{ path: ['fields', 'parentId'], from: PARENT_ID, to: OTHER_PARENT_ID }
		]);
		expect(changesOf(doc, [{ type: 'setParent', parentId: null }])).toEqual([
			{ path: ['fields', 'parentId'], from: OTHER_PARENT_ID, to: null }
		]);
	});
});

describe('recordChanges: channels and groups', () => {
	it('records an added channel as the whole entry', () => {
		const doc = docWith();
		const fax = makeChannel({ id: CH3, kind: 'fax', label: 'Büro', order: 'a5' });
		expect(changesOf(doc, [{ type: 'addChannel', channel: fax }])).toEqual([
			{ path: ['channels', CH3], from: undefined, to: entryOf(fax) }
		]);
	});

	it('records a removed channel with the entry it was', () => {
		const doc = annaWithChannels();
		const changes = changesOf(doc, [{ type: 'removeChannel', id: CH2 }]);
		expect(changes).toEqual([{ path: ['channels', CH2], from: entryOf(EMAIL), to: undefined }]);
		expect(changes[0]?.from).toMatchObject({
			kind: 'email',
			value: EMAIL.value,
			label: EMAIL.label,
			purpose: 'invoice'
		});
	});

	it('records value, label, purpose and order of a channel on their own paths', () => {
		const doc = annaWithChannels();
		expect(
			changesOf(doc, [
				{
					type: 'updateChannel',
					id: CH1,
					patch: { value: '030 7654321', normalized: '+49307654321', label: 'Vertrieb' }
				}
			])
		).toEqual([
			{ path: ['channels', CH1, 'label'], from: 'Zentrale', to: 'Vertrieb' },
			{ path: ['channels', CH1, 'normalized'], from: PHONE.normalized, to: '+49307654321' },
			{ path: ['channels', CH1, 'value'], from: PHONE.value, to: '030 7654321' }
		]);
		expect(changesOf(doc, [{ type: 'updateChannel', id: CH2, patch: { purpose: 'accounting' } }])).toEqual([
			{ path: ['channels', CH2, 'purpose'], from: 'invoice', to: 'accounting' }
		]);
		expect(changesOf(doc, [{ type: 'updateChannel', id: CH2, patch: { purpose: null } }])).toEqual([
			{ path: ['channels', CH2, 'purpose'], from: 'accounting', to: null }
		]);
		expect(changesOf(doc, [{ type: 'moveChannel', id: CH1, order: 'a2' }])).toEqual([
			{ path: ['channels', CH1, 'order'], from: 'a0', to: 'a2' }
		]);
	});

	it('records groups added (true) and removed (absent)', () => {
		const doc = annaWithChannels();
		expect(changesOf(doc, [{ type: 'addGroup', id: G2 }])).toEqual([
			{ path: ['groups', G2], from: undefined, to: true }
		]);
		expect(changesOf(doc, [{ type: 'removeGroup', id: G1 }])).toEqual([
			{ path: ['groups', G1], from: true, to: undefined }
		]);
	});

	it('records every change of one transaction, sorted by path', () => {
		const doc = annaWithChannels();
		const changes = changesOf(doc, [
			{ type: 'set', field: 'zip', value: '50667' },
			{ type: 'set', field: 'city', value: 'Köln' },
			{ type: 'removeGroup', id: G1 },
			{ type: 'addGroup', id: G2 },
			{ type: 'updateChannel', id: CH1, patch: { label: 'privat' } },
			{ type: 'removeChannel', id: CH2 }
		]);
		expect(changes).toEqual([
			...byPath([
				{ path: ['channels', CH1, 'label'], from: 'Zentrale', to: 'privat' },
				{ path: ['channels', CH2], from: entryOf(EMAIL), to: undefined }
			]),
			{ path: ['fields', 'city'], from: 'Berlin', to: 'Köln' },
			{ path: ['fields', 'zip'], from: '10115', to: '50667' },
			{ path: ['groups', G1], from: true, to: undefined },
			{ path: ['groups', G2], from: undefined, to: true }
		]);
	});

	it('records a channel added and edited in the same transaction once, as its final entry', () => {
		const doc = docWith();
		const fax = makeChannel({ id: CH3, kind: 'fax', order: 'a5' });
		const changes = changesOf(doc, [
			{ type: 'addChannel', channel: fax },
			{ type: 'updateChannel', id: CH3, patch: { label: 'Büro' } }
		]);
		expect(changes).toEqual([{ path: ['channels', CH3], to: { ...entryOf(fax), label: 'Büro' } }]);
	});

	it('records only the removal of a channel edited and removed in the same transaction', () => {
		const doc = annaWithChannels();
		const changes = changesOf(doc, [
			{ type: 'updateChannel', id: CH1, patch: { label: 'privat' } },
			{ type: 'removeChannel', id: CH1 }
		]);
		expect(changes).toEqual([{ path: ['channels', CH1], from: entryOf(PHONE), to: undefined }]);
	});
});

describe('recordChanges: what it leaves out', () => {
	it('records nothing for an edit that writes what is already there', () => {
		const doc = annaWithChannels();
		expect(
			changesOf(doc, [
				{ type: 'set', field: 'city', value: 'Berlin' },
				{ type: 'setParent', parentId: null },
				{ type: 'addGroup', id: G1 },
				{ type: 'updateChannel', id: CH1, patch: { label: 'Zentrale' } },
				{ type: 'moveChannel', id: CH1, order: 'a0' }
			])
		).toEqual([]);
	});

	it('records nothing when a raw write puts back the same value', () => {
		const doc = annaWithChannels();
		const changes = recordChanges(doc, LOCAL_ORIGIN, () =>
			doc.transact(() => doc.getMap('fields').set('city', 'Berlin'), LOCAL_ORIGIN)
		);
		expect(changes).toEqual([]);
	});

	it('records nothing for a value changed and changed back in one transaction', () => {
		const doc = annaWithChannels();
		const changes = changesOf(doc, [
			{ type: 'set', field: 'city', value: 'Köln' },
			{ type: 'set', field: 'city', value: 'Berlin' }
		]);
		expect(changes).toEqual([]);
	});

	it('does not record transactions of another origin (updates from storage or a peer)', () => {
		const doc = annaWithChannels();
		const peer = replica(doc, 2);
		applyContactEdits(peer, [
			{ type: 'set', field: 'street', value: 'Domplatz 1' },
			{ type: 'removeChannel', id: CH1 }
		]);
		const fromPeer = Y.encodeStateAsUpdate(peer, Y.encodeStateVector(doc));

		expect(recordChanges(doc, LOCAL_ORIGIN, () => Y.applyUpdate(doc, fromPeer, 'remote'))).toEqual([]);
		expect(readContact(doc).street).toBe('Domplatz 1');

		// A local edit made right after a remote one records only itself.
		const other = replica(peer, 3);
		applyContactEdits(other, [{ type: 'set', field: 'notes', value: 'vom Handy' }]);
		const fromOther = Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc));
		const changes = recordChanges(doc, LOCAL_ORIGIN, () => {
			Y.applyUpdate(doc, fromOther, 'remote');
			applyContactEdits(doc, [{ type: 'set', field: 'city', value: 'Köln' }]);
		});
		expect(changes).toEqual([{ path: ['fields', 'city'], from: 'Berlin', to: 'Köln' }]);
	});

	it('does not record edits made with a different origin object', () => {
		const doc = annaWithChannels();
		const changes = recordChanges(doc, LOCAL_ORIGIN, () =>
			applyContactEdits(doc, [{ type: 'set', field: 'city', value: 'Köln' }], 'import')
		);
		expect(changes).toEqual([]);
	});
});

describe('recordChanges: generic over the schema', () => {
	it('records maps the contact schema does not know yet', () => {
		const doc = annaWithChannels();
		const changes = recordChanges(doc, LOCAL_ORIGIN, () =>
			doc.transact(() => {
				doc.getMap('custom').set('f1', 'x');
				doc.getMap('discounts').set('pg1', 5);
			}, LOCAL_ORIGIN)
		);
		expect(changes).toEqual([
			{ path: ['custom', 'f1'], from: undefined, to: 'x' },
			{ path: ['discounts', 'pg1'], from: undefined, to: 5 }
		]);

		const next = recordChanges(doc, LOCAL_ORIGIN, () =>
			doc.transact(() => {
				doc.getMap('discounts').set('pg1', 7.5);
				doc.getMap('discounts').set('pg2', 3);
				doc.getMap('custom').delete('f1');
			}, LOCAL_ORIGIN)
		);
		expect(next).toEqual([
			{ path: ['custom', 'f1'], from: 'x', to: undefined },
			{ path: ['discounts', 'pg1'], from: 5, to: 7.5 },
			{ path: ['discounts', 'pg2'], from: undefined, to: 3 }
		]);
	});

	it('records nested entries of an unknown map like channels', () => {
		const doc = docWith();
		const accounts = (): Y.Map<Y.Map<unknown>> => doc.getMap('bankAccounts');
		const added = recordChanges(doc, LOCAL_ORIGIN, () =>
			doc.transact(() => {
				const account = new Y.Map<unknown>();
				account.set('iban', 'DE02120300000000202051');
				account.set('bic', 'BYLADEM1001');
				accounts().set('acc1', account);
			}, LOCAL_ORIGIN)
		);
		expect(added).toEqual([
			{ path: ['bankAccounts', 'acc1'], to: { iban: 'DE02120300000000202051', bic: 'BYLADEM1001' } }
		]);
		const updated = recordChanges(doc, LOCAL_ORIGIN, () =>
			doc.transact(() => accounts().get('acc1')?.set('bic', 'COBADEFFXXX'), LOCAL_ORIGIN)
		);
		expect(updated).toEqual([
			{ path: ['bankAccounts', 'acc1', 'bic'], from: 'BYLADEM1001', to: 'COBADEFFXXX' }
		]);
	});

	it('records a map that arrived from a peer before this device ever read it', () => {
		const doc = annaWithChannels();
		const peer = replica(doc, 2);
		peer.getMap('discounts').set('pg1', 5);
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(doc)), 'remote');
		// `discounts` is known to this document only as an untyped root until someone asks for a map.
		expect(snapshotJson(doc)).toMatchObject({ discounts: { pg1: 5 } });
		const changes = recordChanges(doc, LOCAL_ORIGIN, () =>
			doc.transact(() => doc.getMap('discounts').set('pg1', 10), LOCAL_ORIGIN)
		);
		expect(changes).toEqual([{ path: ['discounts', 'pg1'], from: 5, to: 10 }]);
	});
});

describe('writeAt', () => {
	it('writes a scalar back', () => {
		const doc = annaWithChannels();
		applyContactEdits(doc, [{ type: 'set', field: 'city', value: 'Köln' }]);
		const changes = recordChanges(doc, LOCAL_ORIGIN, () =>
			doc.transact(() => writeAt(doc, ['fields', 'city'], 'Berlin'), LOCAL_ORIGIN)
		);
		expect(changes).toEqual([{ path: ['fields', 'city'], from: 'Köln', to: 'Berlin' }]);
		expect(readContact(doc).city).toBe('Berlin');
	});

	it('brings a removed channel back as a nested map that reads like the original', () => {
		const doc = annaWithChannels();
		const before = readContact(doc);
		const [removal] = changesOf(doc, [{ type: 'removeChannel', id: CH2 }]);
		expect(readContact(doc).channels.map((c) => c.id)).toEqual([CH1]);

		const restored = recordChanges(doc, LOCAL_ORIGIN, () =>
			doc.transact(() => writeAt(doc, ['channels', CH2], removal?.from), LOCAL_ORIGIN)
		);

		expect(doc.getMap('channels').get(CH2)).toBeInstanceOf(Y.Map);
		expect(readContact(doc)).toEqual(before);
		expect(restored).toEqual([{ path: ['channels', CH2], to: entryOf(EMAIL) }]);
		// The restored entry is an ordinary channel: later edits are recorded on its own paths.
		expect(changesOf(doc, [{ type: 'updateChannel', id: CH2, patch: { label: 'Rechnungen' } }])).toEqual([
			{ path: ['channels', CH2, 'label'], from: EMAIL.label, to: 'Rechnungen' }
		]);
	});

	it('deletes when the value is absent', () => {
		const doc = annaWithChannels();
		writeAt(doc, ['groups', G1], undefined);
		writeAt(doc, ['channels', CH1], undefined);
		const contact = readContact(doc);
		expect(contact.groups).toEqual([]);
		expect(contact.channels.map((c) => c.id)).toEqual([CH2]);
		// a group that was added back
		writeAt(doc, ['groups', G1], true);
		expect(readContact(doc).groups).toEqual([G1]);
	});

	it('writes a channel property back, and nothing when the channel is gone', () => {
		const doc = annaWithChannels();
		writeAt(doc, ['channels', CH1, 'label'], 'Vertrieb');
		expect(readContact(doc).channels[0]).toMatchObject({ id: CH1, label: 'Vertrieb' });
		applyContactEdits(doc, [{ type: 'removeChannel', id: CH1 }]);
		const before = Y.encodeStateAsUpdate(doc);
		writeAt(doc, ['channels', CH1, 'label'], 'Zentrale');
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('writes nothing when the value is already there', () => {
		const doc = annaWithChannels();
		const count = (run: () => void) => updatesDuring(doc, () => doc.transact(run, LOCAL_ORIGIN));
		expect(count(() => writeAt(doc, ['fields', 'city'], 'Berlin'))).toBe(0);
		expect(count(() => writeAt(doc, ['groups', G1], true))).toBe(0);
		expect(count(() => writeAt(doc, ['groups', G2], undefined))).toBe(0);
		expect(count(() => writeAt(doc, ['channels', CH1, 'label'], PHONE.label))).toBe(0);
		expect(count(() => writeAt(doc, ['channels', CH1], entryOf(PHONE)))).toBe(0);
	});

	it('restores an entry that is still there property by property, keeping its other edits', () => {
		const doc = annaWithChannels();
		const original = entryOf(PHONE);
		applyContactEdits(doc, [{ type: 'updateChannel', id: CH1, patch: { label: 'privat' } }]);
		const entry = doc.getMap('channels').get(CH1);
		const changes = recordChanges(doc, LOCAL_ORIGIN, () =>
			doc.transact(() => writeAt(doc, ['channels', CH1], original), LOCAL_ORIGIN)
		);
		expect(changes).toEqual([{ path: ['channels', CH1, 'label'], from: 'privat', to: PHONE.label }]);
		// the same map: a concurrent edit of another property on another device is not thrown away
		expect(doc.getMap('channels').get(CH1)).toBe(entry);
		expect(readContact(doc).channels[0]).toEqual(PHONE);
	});

	it('writes into maps the schema does not know', () => {
		const doc = docWith();
		writeAt(doc, ['discounts', 'pg1'], 5);
		writeAt(doc, ['custom', 'f1'], 'x');
		expect(snapshotJson(doc)).toMatchObject({ discounts: { pg1: 5 }, custom: { f1: 'x' } });
	});
});
