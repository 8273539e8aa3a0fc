import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
	CONTACT_MAPS,
	LOCAL_ORIGIN,
	applyContactEdits,
	initContact,
	isInitialized,
	newContactDoc,
	readContact,
	readFields
} from '../../src/lib/crdt';
import {
	emptyContactFields,
	emptyContactParts,
	orderKeyAtEnd,
	orderKeyForMove,
	type Contact,
	type ContactEdit,
	type ContactFields,
	type ContactId
} from '../../src/lib/domain';
import { makeChannel, makeContact } from '../factories';
import {
	CH1,
	CH2,
	CH3,
	CH4,
	CONTACT_ID,
	G1,
	G2,
	OTHER_PARENT_ID,
	PARENT_ID,
	docWith,
	updatesDuring
} from './helpers';

function fieldsOf(contact: Contact): ContactFields {
	const { id: _id, channels: _channels, groups: _groups, customer: _c, supplier: _s, ...fields } = contact;
	return fields;
}

describe('initContact and readContact', () => {
	it('round-trips a full contact', () => {
		const contact = makeContact({
			id: CONTACT_ID,
			kind: 'company',
			companyName: 'Müller Maschinenbau GmbH',
			salutation: 'mr',
			title: 'Dr.',
			department: 'Vertrieb',
			street: 'Industriestraße 5',
			zip: '80331',
			city: 'München',
			country: 'AT',
			language: 'en',
			profile: 'Stammkunde seit 1998',
			matchcode: 'MUELLER',
			notes: 'Zeile 1\nZeile 2',
			parentId: PARENT_ID,
			inheritAddress: true,
			inheritGroups: true,
			archived: true
		});
		const doc = newContactDoc(CONTACT_ID);
		expect(isInitialized(doc)).toBe(false);
		initContact(doc, fieldsOf(contact));
		expect(isInitialized(doc)).toBe(true);
		expect(readContact(doc)).toEqual({ ...contact, ...emptyContactParts() });
	});

	it('round-trips the defaults of both kinds', () => {
		for (const kind of ['company', 'person'] as const) {
			const doc = newContactDoc(CONTACT_ID);
			initContact(doc, emptyContactFields(kind));
			expect(readContact(doc)).toEqual({
				id: CONTACT_ID,
				...emptyContactFields(kind),
				...emptyContactParts()
			});
		}
	});

	it.each([
		[undefined, LOCAL_ORIGIN],
		['storage', 'storage']
	])('initializes in one update with origin %j -> %j', (given, expected) => {
		const doc = newContactDoc(CONTACT_ID);
		const origins: unknown[] = [];
		doc.on('update', (_update: Uint8Array, origin: unknown) => origins.push(origin));
		initContact(doc, emptyContactFields('person'), given);
		expect(origins).toEqual([expected]);
	});

	it('reads an uninitialized document as an empty person', () => {
		expect(readContact(newContactDoc(CONTACT_ID))).toEqual({
			id: CONTACT_ID,
			...emptyContactFields('person'),
			...emptyContactParts()
		});
	});

	it('refuses a document whose guid is not a contact id', () => {
		expect(() => readContact(new Y.Doc({ guid: 'workspace' }))).toThrow(/Not a contact document/);
	});
});

describe('applyContactEdits', () => {
	const phone = makeChannel({ id: CH1, kind: 'phone', order: 'a0' });
	const email = makeChannel({
		id: CH2,
		kind: 'email',
		value: 'Anna@Firma.de',
		normalized: 'anna@firma.de',
		label: 'Büro',
		purpose: 'invoice',
		order: 'a1'
	});

	it.each<[string, ContactEdit[], (c: Contact) => unknown, unknown]>([
		['set a text field', [{ type: 'set', field: 'city', value: 'Köln' }], (c) => c.city, 'Köln'],
		['set a name', [{ type: 'set', field: 'lastName', value: 'Schäfer' }], (c) => c.lastName, 'Schäfer'],
		['set a choice', [{ type: 'set', field: 'salutation', value: 'ms' }], (c) => c.salutation, 'ms'],
		['set a flag', [{ type: 'set', field: 'inheritAddress', value: true }], (c) => c.inheritAddress, true],
		['set the language', [{ type: 'set', field: 'language', value: 'fr' }], (c) => c.language, 'fr'],
		['set the parent', [{ type: 'setParent', parentId: PARENT_ID }], (c) => c.parentId, PARENT_ID],
		['add a channel', [{ type: 'addChannel', channel: email }], (c) => c.channels, [phone, email]],
		[
			'update a channel',
			[
				{
					type: 'updateChannel',
					id: CH1,
					patch: { value: '030 7654321', normalized: '+49307654321', label: 'Zentrale' }
				}
			],
			(c) => c.channels[0],
			{ ...phone, value: '030 7654321', normalized: '+49307654321', label: 'Zentrale' }
		],
		[
			'update a missing channel',
			[{ type: 'updateChannel', id: CH3, patch: { value: 'x' } }],
			(c) => c.channels,
			[phone]
		],
		['remove a channel', [{ type: 'removeChannel', id: CH1 }], (c) => c.channels, []],
		['move a channel', [{ type: 'moveChannel', id: CH1, order: 'a5' }], (c) => c.channels[0]?.order, 'a5'],
		['move a missing channel', [{ type: 'moveChannel', id: CH3, order: 'a5' }], (c) => c.channels, [phone]],
		['add a group', [{ type: 'addGroup', id: G2 }], (c) => c.groups, [G1, G2]],
		['remove a group', [{ type: 'removeGroup', id: G1 }], (c) => c.groups, []],
		['remove a missing group', [{ type: 'removeGroup', id: G2 }], (c) => c.groups, [G1]]
	])('%s', (_, edits, read, expected) => {
		const doc = docWith();
		applyContactEdits(doc, [
			{ type: 'addChannel', channel: phone },
			{ type: 'addGroup', id: G1 }
		]);
		applyContactEdits(doc, edits);
		expect(read(readContact(doc))).toEqual(expected);
	});

	it('applies several edits as one update', () => {
		const doc = docWith();
		const count = updatesDuring(doc, () =>
			applyContactEdits(doc, [
				{ type: 'set', field: 'city', value: 'Köln' },
				{ type: 'addChannel', channel: phone },
				{ type: 'addChannel', channel: email },
				{ type: 'moveChannel', id: CH2, order: 'Zz' },
				{ type: 'addGroup', id: G1 },
				{ type: 'setParent', parentId: PARENT_ID }
			])
		);
		expect(count).toBe(1);
		const c = readContact(doc);
		expect(c.city).toBe('Köln');
		expect(c.channels.map((ch) => ch.id)).toEqual([CH2, CH1]);
		expect(c.groups).toEqual([G1]);
		expect(c.parentId).toBe(PARENT_ID);
	});

	it('passes the origin to the update', () => {
		const doc = docWith();
		const origins: unknown[] = [];
		doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
		applyContactEdits(doc, [{ type: 'set', field: 'city', value: 'Köln' }]);
		applyContactEdits(doc, [{ type: 'set', field: 'city', value: 'Bonn' }], 'peer');
		expect(origins).toEqual([LOCAL_ORIGIN, 'peer']);
	});

	it('returns channels sorted by order, then id', () => {
		const doc = docWith();
		const [a, b, c] = [CH1, CH2, CH3].sort();
		if (!a || !b || !c) throw new Error('ids');
		applyContactEdits(doc, [
			{ type: 'addChannel', channel: makeChannel({ id: c, order: 'a0' }) },
			{ type: 'addChannel', channel: makeChannel({ id: b, order: 'a1' }) },
			{ type: 'addChannel', channel: makeChannel({ id: a, order: 'a1' }) }
		]);
		expect(readContact(doc).channels.map((ch) => ch.id)).toEqual([c, a, b]);
	});

	describe('writes nothing when nothing changes', () => {
		const prepared = () => {
			const doc = docWith({ city: 'Berlin', parentId: PARENT_ID, inheritGroups: true });
			applyContactEdits(doc, [
				{ type: 'addChannel', channel: phone },
				{ type: 'addChannel', channel: email },
				{ type: 'addGroup', id: G1 }
			]);
			return doc;
		};

		it.each<[string, ContactEdit[]]>([
			['no edits', []],
			['same text', [{ type: 'set', field: 'city', value: 'Berlin' }]],
			['same flag', [{ type: 'set', field: 'inheritGroups', value: true }]],
			['same archived mark', [{ type: 'set', field: 'archived', value: false }]],
			[
				'same name twice',
				[
					{ type: 'set', field: 'firstName', value: 'Anna' },
					{ type: 'set', field: 'lastName', value: 'Müller' }
				]
			],
			['same parent', [{ type: 'setParent', parentId: PARENT_ID }]],
			[
				'same channel values',
				[{ type: 'updateChannel', id: CH2, patch: { value: 'Anna@Firma.de', purpose: 'invoice' } }]
			],
			['same order', [{ type: 'moveChannel', id: CH1, order: 'a0' }]],
			['a group it has', [{ type: 'addGroup', id: G1 }]],
			['a group it lacks removed', [{ type: 'removeGroup', id: G2 }]],
			['a channel it lacks removed', [{ type: 'removeChannel', id: CH4 }]],
			['a channel it lacks updated', [{ type: 'updateChannel', id: CH4, patch: { value: 'x' } }]],
			['a channel it lacks moved', [{ type: 'moveChannel', id: CH4, order: 'a9' }]]
		])('%s', (_, edits) => {
			const doc = prepared();
			const before = Y.encodeStateVector(doc);
			expect(updatesDuring(doc, () => applyContactEdits(doc, edits))).toBe(0);
			expect(Y.encodeStateVector(doc)).toEqual(before);
		});

		it('but writes a changed value', () => {
			const doc = prepared();
			expect(
				updatesDuring(doc, () => applyContactEdits(doc, [{ type: 'set', field: 'city', value: 'Bonn' }]))
			).toBe(1);
			expect(updatesDuring(doc, () => applyContactEdits(doc, [{ type: 'setParent', parentId: null }]))).toBe(
				1
			);
		});
	});
});

describe('readContact with malformed values', () => {
	/** Writes raw values into the maps, as another (newer, older or broken) client could. */
	function raw(
		write: (maps: { fields: Y.Map<unknown>; channels: Y.Map<unknown>; groups: Y.Map<unknown> }) => void
	) {
		const doc = newContactDoc(CONTACT_ID);
		doc.transact(() =>
			write({
				fields: doc.getMap(CONTACT_MAPS.fields),
				channels: doc.getMap(CONTACT_MAPS.channels),
				groups: doc.getMap(CONTACT_MAPS.groups)
			})
		);
		return readContact(doc);
	}

	function channel(values: Record<string, unknown>): Y.Map<unknown> {
		const m = new Y.Map<unknown>();
		for (const [k, v] of Object.entries(values)) m.set(k, v);
		return m;
	}

	it('falls back to the defaults for every wrongly typed field', () => {
		const contact = raw(({ fields }) => {
			fields.set('kind', 'robot');
			for (const f of [
				'companyName',
				'title',
				'firstName',
				'lastName',
				'department',
				'street',
				'zip',
				'city'
			])
				fields.set(f, 42);
			fields.set('profile', { text: 'x' });
			fields.set('matchcode', null);
			fields.set('notes', ['a']);
			fields.set('salutation', 'Herr');
			fields.set('language', 'pl');
			fields.set('country', 49);
			fields.set('parentId', 'not-a-uuid');
			fields.set('inheritAddress', 'true');
			fields.set('inheritGroups', 1);
			fields.set('archived', 'yes');
		});
		expect(contact).toEqual({ id: CONTACT_ID, ...emptyContactFields('person'), ...emptyContactParts() });
	});

	it.each([
		['lower case', 'de'],
		['a name', 'Deutschland'],
		['three letters', 'DEU'],
		['empty', '']
	])('falls back to DE for a country that is %s', (_, country) => {
		expect(raw(({ fields }) => fields.set('country', country)).country).toBe('DE');
	});

	it('keeps valid values next to invalid ones', () => {
		const contact = raw(({ fields }) => {
			fields.set('kind', 'company');
			fields.set('companyName', 'Acme AG');
			fields.set('country', 'CH');
			fields.set('salutation', 'mister');
			fields.set('language', 'it');
			fields.set('parentId', PARENT_ID);
			fields.set('inheritAddress', true);
			fields.set('extraFieldFromNewerVersion', 'ignored');
		});
		expect(contact).toMatchObject({
			kind: 'company',
			companyName: 'Acme AG',
			country: 'CH',
			salutation: 'none',
			language: 'it',
			parentId: PARENT_ID,
			inheritAddress: true
		});
		expect(contact).not.toHaveProperty('extraFieldFromNewerVersion');
	});

	it('skips channels with bad ids or that are not maps, and defaults bad channel values', () => {
		const contact = raw(({ channels }) => {
			channels.set('not-a-uuid', channel({ kind: 'phone', value: '030 1234567', order: 'a0' }));
			channels.set(CH1, 'a string, not a map');
			channels.set(
				CH2,
				channel({ kind: 'pager', value: 42, normalized: null, label: 7, purpose: 'invoice', order: 3 })
			);
			channels.set(
				CH3,
				channel({ kind: 'email', value: 'a@b.de', normalized: 'a@b.de', purpose: 'spam', order: 'a1' })
			);
			channels.set(CH4, channel({ kind: 'phone', value: '030 1', purpose: 'invoice', order: 'a2' }));
		});
		expect(contact.channels).toEqual([
			{ id: CH2, kind: 'phone', value: '', normalized: '', label: '', purpose: null, order: 'a0' },
			{
				id: CH3,
				kind: 'email',
				value: 'a@b.de',
				normalized: 'a@b.de',
				label: '',
				purpose: null,
				order: 'a1'
			},
			{ id: CH4, kind: 'phone', value: '030 1', normalized: '', label: '', purpose: null, order: 'a2' }
		]);
	});

	it.each(['', 'zzz', 'a', 'a00', 'a1!', 'a 1', `A${'0'.repeat(26)}`, '!!'])(
		'replaces the unusable order key %j, so channels can still be added and moved',
		(order) => {
			const contact = raw(({ channels }) => {
				channels.set(CH1, channel({ kind: 'phone', value: '030 1234567', order }));
				channels.set(CH2, channel({ kind: 'phone', value: '030 7654321', order: 'a1' }));
			});
			expect(contact.channels.map((c) => c.id)).toEqual([CH1, CH2]);
			expect(contact.channels[0]?.order).toBe('a0');
			expect(() => orderKeyAtEnd(contact.channels)).not.toThrow();
			expect(() => orderKeyForMove(contact.channels, CH2, 0)).not.toThrow();
		}
	);

	it('skips group keys that are not ids, whatever the value', () => {
		const contact = raw(({ groups }) => {
			groups.set(G2, true);
			groups.set('Kunden', true);
			groups.set(G1, 'yes');
		});
		expect(contact.groups).toEqual([G1, G2]);
	});
});

describe('readFields', () => {
	it('reads the fields alone', () => {
		const doc = docWith({ city: 'Dresden', parentId: PARENT_ID });
		expect(readFields(doc)).toEqual({
			...emptyContactFields('person'),
			firstName: 'Anna',
			lastName: 'Müller',
			city: 'Dresden',
			parentId: PARENT_ID
		});
	});

	it('does not take a parent id of the wrong kind of value', () => {
		const doc = docWith();
		doc.getMap(CONTACT_MAPS.fields).set('parentId', 12345);
		expect(readFields(doc).parentId).toBeNull();
		const id: ContactId | null = readFields(docWith({ parentId: OTHER_PARENT_ID })).parentId;
		expect(id).toBe(OTHER_PARENT_ID);
	});
});
