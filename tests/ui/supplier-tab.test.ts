import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactId } from '../../src/lib/domain';
import SupplierTab from '../../src/lib/ui/commercial/SupplierTab.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { TERMS, commercialRig, type CommercialRig } from './commercial-fixtures';

let rig: CommercialRig;
let braun: ContactId;

beforeEach(async () => {
	i18n.reset();
	rig = await commercialRig();
	braun = await rig.create('company', { fields: { companyName: 'Schrauben Braun KG', isSupplier: true } });
});
afterEach(() => rig.dispose());

async function renderTab(readonly = false) {
	const model = await rig.model(braun);
	render(SupplierTab, { props: { model, config: rig.config, readonly } });
	return userEvent.setup();
}

describe('SupplierTab', () => {
	it('saves the supplier number, our customer number there and the supplier’s payment terms', async () => {
		const user = await renderTab();
		await user.type(screen.getByRole('textbox', { name: 'Lieferantennummer (bei uns)' }), ' S-900 ');
		await user.tab();
		await user.type(screen.getByRole('textbox', { name: 'Unsere Kundennummer beim Lieferanten' }), '4711');
		await user.tab();
		const terms = screen.getByRole('combobox', { name: 'Zahlungsbedingungen des Lieferanten' });
		expect(
			within(terms)
				.getAllByRole('option')
				.map((o) => o.textContent)
		).toEqual(['(keine)', '14 Tage 2 % Skonto', '30 Tage netto']);
		await user.selectOptions(terms, TERMS.skonto.id);
		await waitFor(async () =>
			expect((await rig.contact(braun)).supplier).toEqual({
				supplierNumber: 'S-900',
				customerNumberAtSupplier: '4711',
				paymentTermsId: TERMS.skonto.id
			})
		);
		// Stored trimmed, and shown as stored.
		expect(screen.getByRole('textbox', { name: 'Lieferantennummer (bei uns)' })).toHaveValue('S-900');
	});

	it('shows terms the workspace list no longer has instead of pretending there are none', async () => {
		await rig.edit(braun, [{ type: 'setSupplier', values: { paymentTermsId: 'gestrichen' } }]);
		await renderTab();
		const terms = screen.getByRole('combobox', { name: 'Zahlungsbedingungen des Lieferanten' });
		expect(terms).toHaveValue('gestrichen');
		expect(within(terms).getByRole('option', { selected: true })).toHaveTextContent(
			'(nicht mehr in der Liste)'
		);
	});

	it('is read-only for a user who may not edit', async () => {
		await rig.edit(braun, [{ type: 'setSupplier', values: { supplierNumber: 'S-900' } }]);
		await renderTab(true);
		expect(screen.getByRole('textbox', { name: 'Lieferantennummer (bei uns)' })).toHaveValue('S-900');
		for (const field of screen.getAllByRole('textbox')) expect(field).toHaveAttribute('readonly');
		expect(screen.getByRole('combobox', { name: 'Zahlungsbedingungen des Lieferanten' })).toBeDisabled();
	});
});
