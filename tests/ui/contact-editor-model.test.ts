import { afterEach, describe, expect, it } from 'vitest';
import type { ContactId } from '../../src/lib/domain';
import { KontorStore } from '../../src/lib/store';
import { ContactEditorModel } from '../../src/lib/ui/state/contact-editor.svelte';

let store: KontorStore;
let model: ContactEditorModel | undefined;

afterEach(() => {
	model?.dispose();
	store?.close();
});

async function create(kind: 'company' | 'person', fields: Record<string, string>): Promise<ContactId> {
	const result = await store.createContact(kind, { fields });
	if (!result.ok || !result.id) throw new Error('not created');
	return result.id;
}

describe('ContactEditorModel', () => {
	it('loads the contact, its parent, history and the names its parent changes point to', async () => {
		store = await KontorStore.open({ name: `kontor-editor-${crypto.randomUUID()}` });
		const company = await create('company', { companyName: 'Hartmann Logistik GmbH', city: 'Köln' });
		const person = await create('person', { firstName: 'Jonas', lastName: 'Weber' });
		model = new ContactEditorModel(store, person);
		await model.load();
		expect(model.status).toBe('ready');

		await model.edit([{ type: 'setParent', parentId: company }]);
		await model.edit([{ type: 'set', field: 'inheritAddress', value: true }]);

		expect(model.parent?.displayName).toBe('Hartmann Logistik GmbH');
		expect(model.names.get(company)).toBe('Hartmann Logistik GmbH');
		expect(model.history.map((e) => e.changes.map((c) => c.path.join('.')))).toEqual([
			['fields.inheritAddress'],
			['fields.parentId'],
			expect.arrayContaining(['fields.kind', 'fields.lastName'])
		]);
		expect(model.inheritedAddress).toMatchObject({ id: company, name: 'Hartmann Logistik GmbH' });
		expect(model.inheritedAddress?.entries).toHaveLength(1);
		expect(model.saving).toBe(false);
	});

	it('says when the contact does not exist on this device', async () => {
		store = await KontorStore.open({ name: `kontor-editor-${crypto.randomUUID()}` });
		model = new ContactEditorModel(store, '0190f0f0-0000-7000-8000-000000000000' as ContactId);
		await model.load();
		expect(model.status).toBe('missing');
		expect(model.contact).toBeNull();
	});
});
