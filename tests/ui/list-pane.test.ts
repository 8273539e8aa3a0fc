import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContactId } from '../../src/lib/domain';
import { KontorStore } from '../../src/lib/store';
import ListPane from '../../src/lib/ui/list/ListPane.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { ContactListModel } from '../../src/lib/ui/state/contact-list.svelte';

vi.mock('$app/navigation', () => ({ goto: vi.fn() }));

let store: KontorStore | undefined;
let list: ContactListModel | undefined;

/** jsdom has no layout: the list's measured height stays at its default. */
class NoResize {
	observe(): void {}
	unobserve(): void {}
	disconnect(): void {}
}

beforeEach(() => {
	i18n.lang = 'de';
	vi.stubGlobal('ResizeObserver', NoResize);
});

afterEach(() => {
	vi.unstubAllGlobals();
	list?.dispose();
	store?.close();
	list = undefined;
	store = undefined;
	i18n.lang = 'de';
});

async function company(s: KontorStore, companyName: string): Promise<ContactId> {
	const result = await s.createContact('company', { fields: { companyName } });
	if (!result.ok || !result.id) throw new Error('not created');
	return result.id;
}

/** Three companies, "Bäckerei Braun KG" archived, in the list pane over a real store. */
async function setup() {
	const s = await KontorStore.open({ name: `kontor-pane-${crypto.randomUUID()}` });
	store = s;
	const braun = await company(s, 'Bäckerei Braun KG');
	await company(s, 'Apotheke Nord');
	await company(s, 'Zimmerei Zander');
	expect(await s.editContact(braun, [{ type: 'set', field: 'archived', value: true }])).toEqual({ ok: true });
	const model = new ContactListModel(s);
	list = model;
	await model.refresh();
	const user = userEvent.setup();
	render(ListPane, { props: { list: model, groups: [], selectedId: null, oncreate: () => undefined } });
	return { user, store: s, model, braun };
}

const names = () =>
	within(screen.getByRole('listbox', { name: 'Kontaktliste' }))
		.queryAllByRole('link')
		.map((a) => a.textContent);

describe('ListPane: archived contacts', () => {
	it('leaves archived contacts out, and shows only them under "Archiviert", marked', async () => {
		const { user } = await setup();
		await waitFor(() => expect(names()).toEqual(['Apotheke Nord', 'Zimmerei Zander']));
		expect(screen.getByRole('status')).toHaveTextContent('2 Kontakte');
		const archived = screen.getByRole('checkbox', { name: 'Archiviert' });
		expect(archived).not.toBeChecked();

		await user.click(archived);
		await waitFor(() => expect(names()).toEqual(['Bäckerei Braun KG']));
		expect(archived).toBeChecked();
		const option = within(screen.getByRole('listbox', { name: 'Kontaktliste' })).getByRole('option');
		// Seen as a badge, read out as words.
		expect(within(option).getByText('archiviert')).toHaveAttribute('aria-hidden', 'true');
		expect(option).toHaveTextContent('(archivierter Kontakt)');
		expect(screen.getByRole('status')).toHaveTextContent('1 Kontakt');

		await user.click(archived);
		await waitFor(() => expect(names()).toEqual(['Apotheke Nord', 'Zimmerei Zander']));
		expect(screen.queryByText('archiviert')).toBeNull();
	});

	it('searches within the chosen view and says when nothing is archived', async () => {
		const { user, store: s, braun } = await setup();
		const search = screen.getByRole('searchbox', { name: 'Suchen' });
		await user.type(search, 'braun');
		await waitFor(() => expect(screen.getByText('Keine Kontakte gefunden.')).toBeInTheDocument());
		await user.click(screen.getByRole('checkbox', { name: 'Archiviert' }));
		await waitFor(() => expect(names()).toEqual(['Bäckerei Braun KG']));

		// Restored elsewhere (the contact page): it leaves the archived view.
		await user.clear(search);
		expect(await s.editContact(braun, [{ type: 'set', field: 'archived', value: false }])).toEqual({
			ok: true
		});
		await waitFor(() =>
			expect(screen.getByText('Keine archivierten Kontakte gefunden.')).toBeInTheDocument()
		);
		await user.click(screen.getByRole('checkbox', { name: 'Archiviert' }));
		await waitFor(() => expect(names()).toEqual(['Apotheke Nord', 'Bäckerei Braun KG', 'Zimmerei Zander']));
	});
});
