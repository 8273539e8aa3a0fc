/**
 * A real store on fake-indexeddb with a workspace that has terms and product groups, and the
 * customer/supplier model of one contact over it: what the Kunde, Lieferant and Belegversand tests
 * start from.
 */
import { waitFor } from '@testing-library/svelte';
import { expect } from 'vitest';
import type { Contact, ContactEdit, ContactId, WorkspaceConfig } from '../../src/lib/domain';
import { KontorStore, type NewContact, type WorkspaceEdit } from '../../src/lib/store';
import { ContactCommercialModel } from '../../src/lib/ui/state/contact-commercial.svelte';
import { pendingWrites } from '../../src/lib/ui/state/pending-writes';

export const TERMS = {
	net30: { id: 'net30', name: '30 Tage netto', color: '' },
	skonto: { id: 'skonto', name: '14 Tage 2 % Skonto', color: '' },
	freeHouse: { id: 'frei-haus', name: 'Frei Haus', color: '' },
	exWorks: { id: 'ab-werk', name: 'Ab Werk', color: '' }
};
export const GROUPS = {
	screws: { id: 'schrauben', name: 'Schrauben', color: '' },
	tools: { id: 'werkzeug', name: 'Werkzeug', color: '' }
};

const WORKSPACE: WorkspaceEdit[] = [
	{ type: 'putListEntry', list: 'paymentTerms', entry: TERMS.net30 },
	{ type: 'putListEntry', list: 'paymentTerms', entry: TERMS.skonto },
	{ type: 'putListEntry', list: 'deliveryTerms', entry: TERMS.freeHouse },
	{ type: 'putListEntry', list: 'deliveryTerms', entry: TERMS.exWorks },
	{ type: 'putListEntry', list: 'productGroups', entry: GROUPS.screws },
	{ type: 'putListEntry', list: 'productGroups', entry: GROUPS.tools },
	{ type: 'setDefault', key: 'paymentTermsId', value: TERMS.net30.id },
	{ type: 'setDefault', key: 'deliveryTermsId', value: TERMS.freeHouse.id }
];

export interface CommercialRig {
	store: KontorStore;
	config: WorkspaceConfig;
	/** Creates a contact; fails the test when the store refuses it. */
	create(kind: Contact['kind'], init: NewContact): Promise<ContactId>;
	/** Edits a contact; fails the test when the store refuses it. */
	edit(id: ContactId, edits: ContactEdit[]): Promise<void>;
	/** The customer/supplier model of a contact, loaded. */
	model(id: ContactId): Promise<ContactCommercialModel>;
	contact(id: ContactId): Promise<Contact>;
	/** Waits for writes still running (a save's reload), then closes the models and the store. */
	dispose(): Promise<void>;
}

export async function commercialRig(workspace: WorkspaceEdit[] = []): Promise<CommercialRig> {
	const store = await KontorStore.open({ name: `kontor-commercial-${crypto.randomUUID()}` });
	expect(await store.editWorkspace([...WORKSPACE, ...workspace])).toBe(true);
	const config = await store.workspaceConfig();
	const models: ContactCommercialModel[] = [];
	return {
		store,
		config,
		async create(kind, init) {
			const created = await store.createContact(kind, init);
			expect(created).toMatchObject({ ok: true });
			return created.id as ContactId;
		},
		async edit(id, edits) {
			expect(await store.editContact(id, edits)).toEqual({ ok: true });
		},
		async model(id) {
			const model = new ContactCommercialModel(store, id);
			models.push(model);
			await model.load();
			return model;
		},
		async contact(id) {
			const contact = await store.loadContact(id);
			if (!contact) throw new Error(`contact ${id} is missing`);
			return contact;
		},
		async dispose() {
			await waitFor(() => expect(pendingWrites.count).toBe(0));
			for (const model of models) model.dispose();
			store.close();
		}
	};
}
