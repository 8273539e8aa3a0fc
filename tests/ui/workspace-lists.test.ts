import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkspaceEdit } from '../../src/lib/store';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import ListEditor from '../../src/lib/ui/settings/ListEditor.svelte';
import WorkspaceDefaults from '../../src/lib/ui/settings/WorkspaceDefaults.svelte';
import WorkspaceSettings from '../../src/lib/ui/settings/WorkspaceSettings.svelte';
import { outcome, workspaceRig, type WorkspaceRig } from './workspace-settings-fixtures';

let rig: WorkspaceRig | undefined;

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	rig?.dispose();
	rig = undefined;
	i18n.lang = 'de';
});

const NETTO: WorkspaceEdit = {
	type: 'putListEntry',
	list: 'paymentTerms',
	entry: { id: 'netto30', name: '30 Tage netto', color: '' }
};
const SOFORT: WorkspaceEdit = {
	type: 'putListEntry',
	list: 'paymentTerms',
	entry: { id: 'sofort', name: 'Sofort ohne Abzug', color: '' }
};
const FREI_HAUS: WorkspaceEdit = {
	type: 'putListEntry',
	list: 'deliveryTerms',
	entry: { id: 'frei', name: 'frei Haus', color: '' }
};

async function setup(
	list: 'paymentTerms' | 'deliveryTerms' | 'productGroups' | 'statusTags',
	edits: WorkspaceEdit[] = []
) {
	const r = await workspaceRig(edits);
	rig = r;
	const user = userEvent.setup();
	render(ListEditor, { props: { config: r.config, list } });
	return { user, rig: r };
}

describe('ListEditor', () => {
	it('adds an entry and says so; an empty name is asked for and nothing is saved', async () => {
		const { user, rig } = await setup('paymentTerms');
		expect(screen.getByRole('heading', { name: 'Zahlungsbedingungen' })).toBeInTheDocument();
		expect(screen.getByText('Noch keine Einträge.')).toBeInTheDocument();

		await user.click(screen.getByRole('button', { name: 'Zahlungsbedingung hinzufügen' }));
		const field = screen.getByLabelText('Neue Zahlungsbedingung');
		expect(field).toHaveAccessibleDescription('Bitte ausfüllen.');
		expect(field).toHaveAttribute('aria-invalid', 'true');
		expect((await rig.saved()).lists.paymentTerms).toEqual([]);

		await user.type(field, '30 Tage netto{Enter}');
		await waitFor(() =>
			expect(outcome('Zahlungsbedingungen').status).toHaveTextContent('„30 Tage netto“ hinzugefügt.')
		);
		expect((await rig.saved()).lists.paymentTerms).toEqual([
			{ id: expect.any(String), name: '30 Tage netto', color: '' }
		]);
		expect(screen.getByRole('textbox', { name: 'Name von „30 Tage netto“' })).toHaveValue('30 Tage netto');
		expect(field).toHaveValue('');
		expect(field).not.toHaveAttribute('aria-invalid');
	});

	it('adds a status tag with the chosen colour and recolours it', async () => {
		const { user, rig } = await setup('statusTags');
		await user.type(screen.getByLabelText('Neues Status-Merkmal'), 'VIP');
		await fireEvent.input(screen.getByLabelText('Farbe'), { target: { value: '#b8860b' } });
		await user.click(screen.getByRole('button', { name: 'Status-Merkmal hinzufügen' }));
		await waitFor(async () =>
			expect((await rig.saved()).lists.statusTags).toEqual([
				{ id: expect.any(String), name: 'VIP', color: '#b8860b' }
			])
		);

		const colour = await screen.findByLabelText('Farbe von „VIP“');
		expect(colour).toHaveValue('#b8860b');
		await fireEvent.change(colour, { target: { value: '#d62728' } });
		await waitFor(() =>
			expect(outcome('Status-Merkmale').status).toHaveTextContent('Farbe von „VIP“ geändert.')
		);
		expect((await rig.saved()).lists.statusTags[0]?.color).toBe('#d62728');
	});

	it('renames an entry; an emptied name is refused with a message and the old name comes back', async () => {
		const { user, rig } = await setup('paymentTerms', [NETTO]);
		const name = screen.getByRole('textbox', { name: 'Name von „30 Tage netto“' });
		await user.clear(name);
		await user.type(name, '30 Tage rein netto');
		await user.tab();
		await waitFor(() =>
			expect(outcome('Zahlungsbedingungen').status).toHaveTextContent(
				'„30 Tage netto“ umbenannt in „30 Tage rein netto“.'
			)
		);
		expect((await rig.saved()).lists.paymentTerms).toEqual([
			{ id: 'netto30', name: '30 Tage rein netto', color: '' }
		]);

		const renamed = screen.getByRole('textbox', { name: 'Name von „30 Tage rein netto“' });
		await user.clear(renamed);
		await user.tab();
		expect(outcome('Zahlungsbedingungen').alert).toHaveTextContent(
			'Der Name darf nicht leer sein; „30 Tage rein netto“ bleibt unverändert.'
		);
		expect(renamed).toHaveValue('30 Tage rein netto');
		expect((await rig.saved()).lists.paymentTerms[0]?.name).toBe('30 Tage rein netto');
	});

	it('asks before deleting: Escape keeps the entry and returns focus, "Löschen" deletes it', async () => {
		const { user, rig } = await setup('productGroups', [
			{ type: 'putListEntry', list: 'productGroups', entry: { id: 'tools', name: 'Werkzeug', color: '' } }
		]);
		const remove = screen.getByRole('button', { name: '„Werkzeug“ löschen' });
		await user.click(remove);
		const dialog = screen.getByRole('dialog', { name: '„Werkzeug“ löschen?' });
		expect(dialog).toHaveAttribute('aria-modal', 'true');
		expect(dialog).toHaveAccessibleDescription(/aus der Liste „Warengruppen“ gelöscht/);
		expect(within(dialog).getByRole('button', { name: 'Abbrechen' })).toHaveFocus();

		await user.keyboard('{Escape}');
		expect(screen.queryByRole('dialog')).toBeNull();
		expect(remove).toHaveFocus();
		expect((await rig.saved()).lists.productGroups).toHaveLength(1);

		await user.click(remove);
		await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Löschen' }));
		await waitFor(() => expect(outcome('Warengruppen').status).toHaveTextContent('„Werkzeug“ gelöscht.'));
		expect((await rig.saved()).lists.productGroups).toEqual([]);
		expect(screen.queryByRole('textbox', { name: 'Name von „Werkzeug“' })).toBeNull();
		expect(screen.getByLabelText('Neue Warengruppe')).toHaveFocus();
	});

	it('says in the question and afterwards that deleting the default removes the default', async () => {
		const { user, rig } = await setup('paymentTerms', [
			NETTO,
			SOFORT,
			{ type: 'setDefault', key: 'paymentTermsId', value: 'netto30' }
		]);
		expect(screen.getByRole('textbox', { name: 'Name von „30 Tage netto“' })).toHaveAccessibleDescription(
			'Voreinstellung für neue Kunden'
		);
		await user.click(screen.getByRole('button', { name: '„30 Tage netto“ löschen' }));
		const dialog = screen.getByRole('dialog', { name: '„30 Tage netto“ löschen?' });
		expect(dialog).toHaveAccessibleDescription(
			/„30 Tage netto“ ist die Voreinstellung für neue Kunden\. Mit dem Löschen wird diese Voreinstellung entfernt/
		);
		await user.click(within(dialog).getByRole('button', { name: 'Löschen' }));
		await waitFor(() =>
			expect(outcome('Zahlungsbedingungen').status).toHaveTextContent(
				'„30 Tage netto“ gelöscht. Es war die Voreinstellung für neue Kunden; diese Voreinstellung ist entfernt'
			)
		);
		const saved = await rig.saved();
		expect(saved.lists.paymentTerms.map((e) => e.id)).toEqual(['sofort']);
		expect(saved.defaultPaymentTermsId).toBeNull();
		// Removed in the same change, not just hidden because the entry is gone.
		expect(await rig.store.editWorkspace([NETTO])).toBe(true);
		expect((await rig.saved()).defaultPaymentTermsId).toBeNull();
	});

	it('deleting an entry that is not the default says nothing about defaults', async () => {
		const { user, rig } = await setup('paymentTerms', [
			NETTO,
			SOFORT,
			{ type: 'setDefault', key: 'paymentTermsId', value: 'netto30' }
		]);
		await user.click(screen.getByRole('button', { name: '„Sofort ohne Abzug“ löschen' }));
		const dialog = screen.getByRole('dialog');
		expect(dialog).not.toHaveAccessibleDescription(/Voreinstellung/);
		await user.click(within(dialog).getByRole('button', { name: 'Löschen' }));
		await waitFor(() =>
			expect(outcome('Zahlungsbedingungen').status).toHaveTextContent(/^„Sofort ohne Abzug“ gelöscht\.$/)
		);
		expect((await rig.saved()).defaultPaymentTermsId).toBe('netto30');
	});

	it('shows a refused change as an error in the UI language and keeps the old name', async () => {
		i18n.lang = 'en';
		const { user, rig } = await setup('paymentTerms', [NETTO]);
		const refuse = vi.spyOn(rig.store, 'editWorkspace').mockResolvedValueOnce(false);
		const name = screen.getByRole('textbox', { name: 'Name of “30 Tage netto”' });
		await user.clear(name);
		await user.type(name, 'Net 30');
		await user.tab();
		await waitFor(() =>
			expect(outcome('Payment terms').alert).toHaveTextContent(
				'Not saved: the change was refused. Please check the input and try again.'
			)
		);
		expect(refuse).toHaveBeenCalledOnce();
		expect(name).toHaveValue('30 Tage netto');
		expect(outcome('Payment terms').status.textContent).toBe('');
		expect((await rig.saved()).lists.paymentTerms[0]?.name).toBe('30 Tage netto');
	});
});

describe('WorkspaceDefaults', () => {
	async function setupDefaults(edits: WorkspaceEdit[]) {
		const r = await workspaceRig(edits);
		rig = r;
		const user = userEvent.setup();
		render(WorkspaceDefaults, { props: { config: r.config } });
		return { user, rig: r };
	}

	it('sets and clears the default payment and delivery terms for new customers', async () => {
		const { user, rig } = await setupDefaults([NETTO, SOFORT, FREI_HAUS]);
		const payment = screen.getByRole('combobox', { name: 'Zahlungsbedingung für neue Kunden' });
		expect(payment).toHaveValue('');
		expect(
			within(payment)
				.getAllByRole('option')
				.map((o) => o.textContent)
		).toEqual(['keine', '30 Tage netto', 'Sofort ohne Abzug']);

		await user.selectOptions(payment, '30 Tage netto');
		await waitFor(() =>
			expect(outcome('Voreinstellungen').status).toHaveTextContent(
				'Gespeichert: Zahlungsbedingung für neue Kunden: 30 Tage netto.'
			)
		);
		expect((await rig.saved()).defaultPaymentTermsId).toBe('netto30');

		const delivery = screen.getByRole('combobox', { name: 'Lieferbedingung für neue Kunden' });
		await user.selectOptions(delivery, 'frei Haus');
		await waitFor(() =>
			expect(outcome('Voreinstellungen').status).toHaveTextContent(
				'Gespeichert: Lieferbedingung für neue Kunden: frei Haus.'
			)
		);

		await user.selectOptions(payment, 'keine');
		await waitFor(() =>
			expect(outcome('Voreinstellungen').status).toHaveTextContent(
				'Gespeichert: Zahlungsbedingung für neue Kunden: keine.'
			)
		);
		expect((await rig.saved()).defaultPaymentTermsId).toBeNull();
		expect((await rig.saved()).defaultDeliveryTermsId).toBe('frei');
	});

	it('says when a list is still empty', async () => {
		await setupDefaults([NETTO]);
		expect(
			screen.getByRole('combobox', { name: 'Lieferbedingung für neue Kunden' })
		).toHaveAccessibleDescription('Die Liste ist noch leer; legen Sie oben Einträge an.');
	});

	it('offers the known languages and complete added ones as default correspondence language', async () => {
		const swedish = (
			[
				['formalMr', 'Bäste herr {lastName},'],
				['formalMs', 'Bästa fru {lastName},'],
				['formalNeutral', 'Hej {firstName} {lastName},'],
				['formalUnknown', 'Till berörd person,'],
				['personalMr', 'Hej {firstName},'],
				['personalMs', 'Hej {firstName},'],
				['personalNeutral', 'Hej {firstName},']
			] as const
		).map(([key, value]): WorkspaceEdit => ({ type: 'setSalutation', language: 'sv', key, value }));
		const { user, rig } = await setupDefaults([
			...swedish,
			{ type: 'setSalutation', language: 'fi', key: 'formalMr', value: 'Hyvä herra {lastName},' }
		]);
		const language = screen.getByRole('combobox', { name: 'Standard-Korrespondenzsprache' });
		expect(language).toHaveValue('de');
		expect(
			within(language)
				.getAllByRole('option')
				.map((o) => o.getAttribute('value'))
		).toEqual(['de', 'en', 'fr', 'it', 'es', 'nl', 'sv']);
		expect(within(language).getByRole('option', { name: 'Schwedisch (sv)' })).toBeInTheDocument();

		await user.selectOptions(language, 'Englisch');
		await waitFor(() =>
			expect(outcome('Voreinstellungen').status).toHaveTextContent(
				'Gespeichert: Standard-Korrespondenzsprache: Englisch.'
			)
		);
		expect((await rig.saved()).salutations.defaultLanguage).toBe('en');
		await user.selectOptions(language, 'sv');
		await waitFor(() =>
			expect(outcome('Voreinstellungen').status).toHaveTextContent(
				'Gespeichert: Standard-Korrespondenzsprache: Schwedisch (sv).'
			)
		);
		expect((await rig.saved()).salutations.defaultLanguage).toBe('sv');
		expect(language).toHaveValue('sv');
	});

	it('puts a refused default back and says it was not saved', async () => {
		const { user, rig } = await setupDefaults([NETTO]);
		vi.spyOn(rig.store, 'editWorkspace').mockResolvedValueOnce(false);
		const payment = screen.getByRole('combobox', { name: 'Zahlungsbedingung für neue Kunden' });
		await user.selectOptions(payment, '30 Tage netto');
		await waitFor(() => expect(outcome('Voreinstellungen').alert).toHaveTextContent(/^Nicht gespeichert/));
		expect(payment).toHaveValue('');
		expect((await rig.saved()).defaultPaymentTermsId).toBeNull();
	});
});

describe('WorkspaceSettings', () => {
	it('has a section per part with headings, in the UI language', async () => {
		i18n.lang = 'en';
		const r = await workspaceRig();
		rig = r;
		render(WorkspaceSettings, { props: { config: r.config } });
		const headings = screen.getAllByRole('heading').map((h) => `${h.tagName} ${h.textContent}`);
		expect(headings).toEqual([
			'H2 Lists',
			'H3 Payment terms',
			'H3 Delivery terms',
			'H3 Product groups',
			'H3 Status tags',
			'H2 Defaults',
			'H2 Salutations',
			'H3 Preview',
			'H2 Text blocks'
		]);
		expect(screen.getByRole('region', { name: 'Salutations' })).toBeInTheDocument();
	});
});
