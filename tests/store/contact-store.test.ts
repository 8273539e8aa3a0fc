import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newContactId, newGroupId, type ContactId } from '../../src/lib/domain';
import type { KontorStore } from '../../src/lib/store';
import {
	StoreTabs,
	addChannel,
	addGroup,
	create,
	edit,
	freshDbName,
	recordChanges,
	removeGroup,
	rowOf,
	set,
	setParent
} from './helpers';

const tabs = new StoreTabs();
let store: KontorStore;

beforeEach(async () => {
	store = await tabs.open(freshDbName());
});
afterEach(() => tabs.closeAll());

/** A company in Berlin with a phone and an e-mail, and a contact person under it. */
async function companyWithPerson(): Promise<{ company: ContactId; person: ContactId }> {
	const company = await create(store, 'company', {
		fields: {
			companyName: 'Müller Maschinenbau GmbH',
			street: 'Hauptstraße 1',
			zip: '10115',
			city: 'Berlin'
		},
		edits: [
			addChannel('phone', '030 1234567'),
			addChannel('email', 'Info@Mueller-Maschinenbau.DE', 'invoice')
		]
	});
	const person = await create(store, 'person', {
		fields: {
			firstName: 'Anna',
			lastName: 'Schäfer',
			salutation: 'ms',
			parentId: company,
			inheritAddress: true
		},
		edits: [addChannel('mobile', '0171 2345678')]
	});
	return { company, person };
}

describe('create and load', () => {
	it('stores a company and a person with normalized channels and loads them back', async () => {
		const { company, person } = await companyWithPerson();

		const c = await store.loadContact(company);
		expect(c).toMatchObject({
			id: company,
			kind: 'company',
			companyName: 'Müller Maschinenbau GmbH',
			street: 'Hauptstraße 1',
			zip: '10115',
			city: 'Berlin',
			country: 'DE',
			parentId: null,
			matchcode: 'MUELLER MASCHINENBAU'
		});
		expect(
			c?.channels.map(({ kind, value, normalized, purpose }) => ({ kind, value, normalized, purpose }))
		).toEqual([
			{ kind: 'phone', value: '030 1234567', normalized: '+49301234567', purpose: null },
			{
				kind: 'email',
				value: 'Info@Mueller-Maschinenbau.DE',
				normalized: 'info@mueller-maschinenbau.de',
				purpose: 'invoice'
			}
		]);

		const p = await store.loadContact(person);
		expect(p).toMatchObject({
			kind: 'person',
			firstName: 'Anna',
			lastName: 'Schäfer',
			salutation: 'ms',
			parentId: company,
			inheritAddress: true,
			matchcode: 'SCHAEFER ANNA',
			// Inherited values are never copied into the child's document.
			city: ''
		});
		expect(p?.channels.map((ch) => ch.normalized)).toEqual(['+491712345678']);

		const row = await rowOf(store, company);
		expect(row).toMatchObject({
			displayName: 'Müller Maschinenbau GmbH',
			phone: '030 1234567',
			phoneE164: '+49301234567',
			email: 'Info@Mueller-Maschinenbau.DE',
			emails: ['info@mueller-maschinenbau.de'],
			phones: ['+49301234567']
		});
		expect((await rowOf(store, person)).displayName).toBe('Schäfer, Anna');
		expect(await store.count()).toBe(2);
	});

	it('gives null for a contact that does not exist and refuses to edit it', async () => {
		const missing = newContactId();
		expect(await store.loadContact(missing)).toBeNull();
		expect(await store.editContact(missing, [set('city', 'Köln')])).toEqual({
			ok: false,
			error: 'notFound',
			index: 0
		});
		expect(await store.updateCount(missing)).toBe(0);
	});

	it('refuses to create a contact with an invalid channel and stores nothing', async () => {
		const result = await store.createContact('company', {
			fields: { companyName: 'Kaputt AG' },
			edits: [addChannel('email', 'info@kaputt')]
		});
		expect(result).toMatchObject({ ok: false, error: 'emailInvalid' });
		expect(await store.count()).toBe(0);
		expect(await store.listKeys()).toEqual([]);
	});
});

describe('edits', () => {
	it('applies field edits to the document and the row', async () => {
		const { company } = await companyWithPerson();
		const before = await store.updateCount(company);
		await edit(store, company, [set('city', 'Köln'), set('zip', '50667'), set('notes', 'Stammkunde')]);
		expect(await store.loadContact(company)).toMatchObject({
			city: 'Köln',
			zip: '50667',
			notes: 'Stammkunde'
		});
		expect(await rowOf(store, company)).toMatchObject({ city: 'Köln', zip: '50667' });
		// One user action is one stored update.
		expect(await store.updateCount(company)).toBe(before + 1);
	});

	it.each([
		['an invalid e-mail', addChannel('email', 'anna@@example.de'), 'emailInvalid'],
		['an e-mail without a domain', addChannel('email', 'anna@example'), 'emailInvalid'],
		['an invalid phone number', addChannel('phone', '030 12'), 'phoneInvalid'],
		['letters in a phone number', addChannel('phone', 'O30 1234567'), 'phoneInvalid'],
		['a purpose on a phone', addChannel('phone', '030 1234567', 'invoice'), 'purposeInvalid'],
		['an unknown country', set('country', 'Germany'), 'countryInvalid']
	] as const)('rejects %s with its error code and stores nothing', async (_label, bad, code) => {
		const { company } = await companyWithPerson();
		const count = await store.updateCount(company);
		const contact = await store.loadContact(company);
		const row = await rowOf(store, company);

		// The valid edit before the bad one is not stored either: an edit is all or nothing.
		const result = await store.editContact(company, [set('city', 'Hamburg'), bad]);
		expect(result).toEqual({ ok: false, error: code, index: 1 });

		expect(await store.updateCount(company)).toBe(count);
		expect(await store.loadContact(company)).toEqual(contact);
		expect(await rowOf(store, company)).toEqual(row);
	});

	it('rejects an invalid value in an existing channel and keeps the old one', async () => {
		const { company } = await companyWithPerson();
		const contact = await store.loadContact(company);
		const phone = contact?.channels.find((c) => c.kind === 'phone');
		const email = contact?.channels.find((c) => c.kind === 'email');
		if (!phone || !email) throw new Error('channels missing');
		const count = await store.updateCount(company);

		expect(
			await store.editContact(company, [{ type: 'updateChannel', id: phone.id, patch: { value: '12' } }])
		).toEqual({ ok: false, error: 'phoneInvalid', index: 0 });
		expect(
			await store.editContact(company, [
				{ type: 'updateChannel', id: email.id, patch: { value: 'kein-at.de' } }
			])
		).toEqual({ ok: false, error: 'emailInvalid', index: 0 });
		expect(await store.updateCount(company)).toBe(count);
		expect(await store.loadContact(company)).toEqual(contact);

		// A valid change is normalized like a new entry.
		await edit(store, company, [
			{ type: 'updateChannel', id: phone.id, patch: { value: '+49 (30) 765 4321' } }
		]);
		const after = await store.loadContact(company);
		expect(after?.channels.find((c) => c.id === phone.id)).toMatchObject({
			value: '+49 (30) 765 4321',
			normalized: '+49307654321'
		});
		expect((await rowOf(store, company)).phoneE164).toBe('+49307654321');
	});

	it('stores nothing when a field is set to the value it has', async () => {
		const { company } = await companyWithPerson();
		const changes = recordChanges(store);
		const count = await store.updateCount(company);
		const row = await rowOf(store, company);

		await edit(store, company, [set('city', 'Berlin'), set('zip', ' 10115 '), set('inheritAddress', false)]);

		expect(await store.updateCount(company)).toBe(count);
		expect(await rowOf(store, company)).toEqual(row);
		expect(changes).toEqual([]);
	});

	it('keeps the matchcode following the name until the user sets one', async () => {
		const company = await create(store, 'company', { fields: { companyName: 'Bäckerei Süß e.K.' } });
		expect((await store.loadContact(company))?.matchcode).toBe('BAECKEREI SUESS');

		await edit(store, company, [set('companyName', 'Straßenbau Nord AG')]);
		expect((await store.loadContact(company))?.matchcode).toBe('STRASSENBAU NORD');
		expect((await rowOf(store, company)).matchcode).toBe('STRASSENBAU NORD');

		await edit(store, company, [set('matchcode', 'KUNDE 4711')]);
		await edit(store, company, [set('companyName', 'Schmidt & Söhne KG')]);
		const after = await store.loadContact(company);
		expect(after).toMatchObject({ companyName: 'Schmidt & Söhne KG', matchcode: 'KUNDE 4711' });

		const person = await create(store, 'person', { fields: { firstName: 'Jürgen', lastName: 'Weiß' } });
		expect((await store.loadContact(person))?.matchcode).toBe('WEISS JUERGEN');
		await edit(store, person, [set('lastName', 'Groß')]);
		expect((await store.loadContact(person))?.matchcode).toBe('GROSS JUERGEN');
	});

	it('finds a matchcode the user gave at creation, and keeps it on a name change', async () => {
		const company = await create(store, 'company', {
			fields: { companyName: 'Zander UG', matchcode: 'ZANDI' }
		});
		await edit(store, company, [set('companyName', 'Zander & Partner UG')]);
		expect((await store.loadContact(company))?.matchcode).toBe('ZANDI');
		expect(await store.listKeys({ query: 'zandi' })).toEqual([(await rowOf(store, company)).key]);
	});
});

describe('hierarchy', () => {
	it('refuses a contact as its own parent', async () => {
		const a = await create(store, 'company', { fields: { companyName: 'A GmbH' } });
		const count = await store.updateCount(a);
		expect(await store.editContact(a, [setParent(a)])).toEqual({ ok: false, error: 'parentSelf', index: 0 });
		expect(await store.updateCount(a)).toBe(count);
		expect((await store.loadContact(a))?.parentId).toBeNull();
	});

	it('refuses an unknown parent, at creation and on edit', async () => {
		const a = await create(store, 'company', { fields: { companyName: 'A GmbH' } });
		const unknown = newContactId();
		expect(await store.editContact(a, [set('city', 'Bonn'), setParent(unknown)])).toEqual({
			ok: false,
			error: 'parentMissing',
			index: 1
		});
		expect(await store.loadContact(a)).toMatchObject({ parentId: null, city: '' });
		expect(
			await store.createContact('person', { fields: { lastName: 'Waise', parentId: unknown } })
		).toMatchObject({
			ok: false,
			error: 'parentMissing'
		});
		expect(await store.count()).toBe(1);
	});

	it('refuses cycles and allows other moves', async () => {
		const a = await create(store, 'company', { fields: { companyName: 'A GmbH' } });
		const b = await create(store, 'company', { fields: { companyName: 'B GmbH' } });
		const c = await create(store, 'company', { fields: { companyName: 'C GmbH' } });

		await edit(store, a, [setParent(b)]);
		expect(await store.editContact(b, [setParent(a)])).toEqual({ ok: false, error: 'cycle', index: 0 });

		// Longer cycle: C under A (A under B), then B under C.
		await edit(store, c, [setParent(a)]);
		expect(await store.editContact(b, [setParent(c)])).toEqual({ ok: false, error: 'cycle', index: 0 });
		expect((await store.loadContact(b))?.parentId).toBeNull();
		expect((await rowOf(store, b)).parentId).toBeNull();

		// Moving within the tree without a cycle is fine: C from under A to directly under B.
		await edit(store, c, [setParent(b)]);
		expect((await store.loadContact(c))?.parentId).toBe(b);
		expect((await store.children(b)).map((r) => r.id)).toEqual([a, c]);
		expect(await store.children(a)).toEqual([]);

		// And back to the top level.
		await edit(store, a, [setParent(null)]);
		expect((await rowOf(store, a)).parentId).toBeNull();
		expect((await rowOf(store, a)).parentName).toBe('');
		// A is no longer above B, so B may now go under A.
		await edit(store, b, [setParent(a)]);
		expect((await rowOf(store, b)).parentName).toBe('A GmbH');
	});

	it('refuses the second of two opposite moves made at the same time', async () => {
		const a = await create(store, 'company', { fields: { companyName: 'A GmbH' } });
		const b = await create(store, 'company', { fields: { companyName: 'B GmbH' } });

		const results = await Promise.all([
			store.editContact(a, [setParent(b)]),
			store.editContact(b, [setParent(a)])
		]);

		expect(results).toEqual([{ ok: true }, { ok: false, error: 'cycle', index: 0 }]);
		expect((await store.loadContact(a))?.parentId).toBe(b);
		expect((await store.loadContact(b))?.parentId).toBeNull();
	});
});

describe('inheritance', () => {
	it('shows the parent address in an inheriting child row', async () => {
		const { company, person } = await companyWithPerson();
		expect(await rowOf(store, person)).toMatchObject({
			parentId: company,
			parentName: 'Müller Maschinenbau GmbH',
			addressFrom: company,
			companyName: 'Müller Maschinenbau GmbH',
			street: 'Hauptstraße 1',
			zip: '10115',
			city: 'Berlin',
			country: 'DE'
		});
		const parent = await store.parentOf({ parentId: company });
		expect(parent?.address.city).toBe('Berlin');
	});

	it('updates inheriting children in the same change as the parent', async () => {
		const { company, person } = await companyWithPerson();
		const own = await create(store, 'person', {
			fields: { firstName: 'Lukas', lastName: 'Zander', parentId: company, city: 'Potsdam' }
		});
		const changes = recordChanges(store);

		await edit(store, company, [set('city', 'Hamburg'), set('zip', '20095')]);

		expect(changes).toHaveLength(1);
		expect(changes[0]?.remote).toBe(false);
		expect(changes[0]?.docIds).toEqual([company]);
		expect(changes[0]?.rowIds).toEqual(expect.arrayContaining([company, person]));
		// A child that keeps its own address does not change.
		expect(changes[0]?.rowIds).not.toContain(own);

		expect(await rowOf(store, person)).toMatchObject({ city: 'Hamburg', zip: '20095', addressFrom: company });
		expect((await rowOf(store, own)).city).toBe('Potsdam');
		// The child's document is untouched: inherited values are derived, not copied.
		expect((await store.loadContact(person))?.city).toBe('');

		const personKey = (await rowOf(store, person)).key;
		expect(await store.listKeys({ query: 'Hamburg' })).toContain(personKey);
		expect(await store.listKeys({ query: '20095' })).toContain(personKey);
		expect(await store.listKeys({ query: 'Berlin' })).not.toContain(personKey);
	});

	it('keeps the inherited address as the own one when inheritance is switched off', async () => {
		const { company, person } = await companyWithPerson();
		const before = await rowOf(store, person);

		await edit(store, person, [set('inheritAddress', false)]);

		expect(await store.loadContact(person)).toMatchObject({
			inheritAddress: false,
			companyName: 'Müller Maschinenbau GmbH',
			street: 'Hauptstraße 1',
			zip: '10115',
			city: 'Berlin',
			country: 'DE'
		});
		const after = await rowOf(store, person);
		expect(after).toMatchObject({ addressFrom: null, inheritAddress: false });
		for (const field of ['companyName', 'street', 'zip', 'city', 'country', 'tokens', 'key'] as const)
			expect(after[field]).toEqual(before[field]);

		// From now on the parent's changes no longer reach it.
		await edit(store, company, [set('city', 'Dresden')]);
		expect((await rowOf(store, person)).city).toBe('Berlin');
	});

	it('inherits groups, cascades group changes, and keeps them when switched off', async () => {
		const customers = newGroupId();
		const suppliers = newGroupId();
		const own = newGroupId();
		const company = await create(store, 'company', {
			fields: { companyName: 'Ärztehaus am Markt' },
			edits: [addGroup(customers)]
		});
		const person = await create(store, 'person', {
			fields: { lastName: 'Öztürk', parentId: company, inheritGroups: true },
			edits: [addGroup(own)]
		});
		expect(await rowOf(store, person)).toMatchObject({
			groups: [customers],
			groupsFrom: company,
			ownGroups: [own]
		});
		const personKey = (await rowOf(store, person)).key;
		expect(await store.listKeys({ group: customers })).toContain(personKey);
		expect(await store.listKeys({ group: own })).toEqual([]);

		const changes = recordChanges(store);
		await edit(store, company, [addGroup(suppliers), removeGroup(customers)]);
		expect(changes[0]?.rowIds).toEqual(expect.arrayContaining([company, person]));
		expect((await rowOf(store, person)).groups).toEqual([suppliers]);
		expect(await store.listKeys({ group: suppliers, kind: 'person' })).toEqual([personKey]);
		expect(await store.listKeys({ group: customers })).toEqual([]);

		await edit(store, person, [set('inheritGroups', false)]);
		expect((await store.loadContact(person))?.groups).toEqual([suppliers]);
		expect(await rowOf(store, person)).toMatchObject({ groups: [suppliers], groupsFrom: null });

		await edit(store, company, [removeGroup(suppliers)]);
		expect((await rowOf(store, person)).groups).toEqual([suppliers]);
	});

	it('inherits through several levels', async () => {
		const group = newGroupId();
		const company = await create(store, 'company', {
			fields: { companyName: 'Straßenbau Nord AG', city: 'Hamburg', zip: '20095' },
			edits: [addGroup(group)]
		});
		const branch = await create(store, 'company', {
			fields: {
				companyName: 'Niederlassung Süd',
				parentId: company,
				inheritAddress: true,
				inheritGroups: true
			}
		});
		const person = await create(store, 'person', {
			fields: { lastName: 'Weiß', parentId: branch, inheritAddress: true, inheritGroups: true }
		});
		expect(await rowOf(store, person)).toMatchObject({
			city: 'Hamburg',
			companyName: 'Straßenbau Nord AG',
			groups: [group],
			addressFrom: branch,
			parentName: 'Niederlassung Süd'
		});

		const changes = recordChanges(store);
		await edit(store, company, [set('city', 'Köln'), set('zip', '50667')]);
		expect(changes[0]?.rowIds).toEqual(expect.arrayContaining([company, branch, person]));
		expect(await rowOf(store, person)).toMatchObject({ city: 'Köln', zip: '50667' });
		expect(await store.listKeys({ query: 'köln' })).toHaveLength(3);

		// The branch stops inheriting: it keeps Köln, so the person still shows Köln ...
		await edit(store, branch, [set('inheritAddress', false)]);
		await edit(store, company, [set('city', 'Bonn')]);
		expect((await rowOf(store, branch)).city).toBe('Köln');
		expect((await rowOf(store, person)).city).toBe('Köln');
		// ... and the branch's own changes reach the person.
		await edit(store, branch, [set('city', 'Stuttgart')]);
		expect((await rowOf(store, person)).city).toBe('Stuttgart');
	});

	it('shows a new parent name in the children when the parent is renamed', async () => {
		const { company, person } = await companyWithPerson();
		await edit(store, company, [set('companyName', 'Schmidt & Söhne KG')]);
		expect(await rowOf(store, person)).toMatchObject({
			parentName: 'Schmidt & Söhne KG',
			companyName: 'Schmidt & Söhne KG'
		});
		expect(await store.listKeys({ query: 'schmidt' })).toContain((await rowOf(store, person)).key);
	});

	it('re-derives a child row when it moves to another parent', async () => {
		const { company, person } = await companyWithPerson();
		const other = await create(store, 'company', {
			fields: { companyName: 'Bäckerei Süß e.K.', city: 'München', zip: '80331' }
		});

		await edit(store, person, [setParent(other)]);

		expect(await rowOf(store, person)).toMatchObject({
			parentId: other,
			parentName: 'Bäckerei Süß e.K.',
			addressFrom: other,
			city: 'München',
			companyName: 'Bäckerei Süß e.K.'
		});
		expect(await store.children(company)).toEqual([]);
		expect((await store.children(other)).map((r) => r.id)).toEqual([person]);
		const key = (await rowOf(store, person)).key;
		expect(await store.listKeys({ query: 'Müller' })).not.toContain(key);
		expect(await store.listKeys({ query: 'Bäckerei' })).toContain(key);

		// Leaving the parent ends inheritance and keeps what was shown as the contact's own values.
		await edit(store, person, [setParent(null)]);
		expect(await rowOf(store, person)).toMatchObject({
			parentName: '',
			addressFrom: null,
			city: 'München',
			companyName: 'Bäckerei Süß e.K.'
		});
		expect(await store.loadContact(person)).toMatchObject({
			parentId: null,
			inheritAddress: false,
			city: 'München',
			zip: '80331'
		});
	});
});
