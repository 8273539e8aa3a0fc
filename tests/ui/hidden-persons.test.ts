/**
 * "1 verborgener Ansprechpartner": the contact persons under a company the user may not see, as
 * the sync server counts them, shown where the others are listed, and kept up to date.
 */
import { render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactId } from '../../src/lib/domain';
import { KontorStore } from '../../src/lib/store';
import ContactPersons from '../../src/lib/ui/contact/ContactPersons.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { ContactEditorModel } from '../../src/lib/ui/state/contact-editor.svelte';

let store: KontorStore | undefined;
let model: ContactEditorModel | undefined;

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	model?.dispose();
	store?.close();
	i18n.lang = 'de';
});

describe('hidden contact persons', () => {
	it('names one hidden contact person, or how many, beside the visible ones', () => {
		const { rerender } = render(ContactPersons, {
			props: { persons: [], hidden: 1, onadd: () => undefined }
		});
		expect(screen.getByTestId('hidden-persons').textContent).toContain('1 verborgener Ansprechpartner');
		expect(screen.queryByText('Noch keine Ansprechpartner.')).toBeNull();
		void rerender({ persons: [], hidden: 3, onadd: () => undefined });
		return waitFor(() =>
			expect(screen.getByTestId('hidden-persons').textContent).toContain('3 verborgene Ansprechpartner')
		);
	});

	it('says nothing of hidden persons when there are none', () => {
		render(ContactPersons, { props: { persons: [], onadd: () => undefined } });
		expect(screen.queryByTestId('hidden-persons')).toBeNull();
		expect(screen.getByText('Noch keine Ansprechpartner.')).toBeTruthy();
	});

	it('follows the counts the server sends into the store', async () => {
		store = await KontorStore.open({ name: `kontor-hidden-${crypto.randomUUID()}` });
		const created = await store.createContact('company', { fields: { companyName: 'Offen GmbH' } });
		if (!created.ok || !created.id) throw new Error('not created');
		const id: ContactId = created.id;
		model = new ContactEditorModel(store, id);
		await model.load();
		expect(model.hiddenPersons).toBe(0);
		await store.setHiddenChildren([{ docId: id, count: 2 }], true);
		await waitFor(() => expect(model?.hiddenPersons).toBe(2));
		// A complete list without it: nothing hidden any more.
		await store.setHiddenChildren([], true);
		await waitFor(() => expect(model?.hiddenPersons).toBe(0));
	});
});
