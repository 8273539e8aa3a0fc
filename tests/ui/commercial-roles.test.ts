import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyCustomerData, type ContactId } from '../../src/lib/domain';
import CustomerTab from '../../src/lib/ui/commercial/CustomerTab.svelte';
import RoleToggles from '../../src/lib/ui/commercial/RoleToggles.svelte';
import SupplierTab from '../../src/lib/ui/commercial/SupplierTab.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { TERMS, commercialRig, type CommercialRig } from './commercial-fixtures';

let rig: CommercialRig;

beforeEach(async () => {
	i18n.reset();
	rig = await commercialRig();
});
afterEach(() => rig.dispose());

/** The role checkboxes with the Kunde and Lieferant tabs below them, as the contact page has them. */
async function renderRoles(id: ContactId, readonly = false) {
	const model = await rig.model(id);
	const props = { model, config: rig.config, readonly };
	render(RoleToggles, { props });
	render(CustomerTab, { props });
	render(SupplierTab, { props });
	return userEvent.setup();
}

const customerBox = () => screen.getByRole('checkbox', { name: 'Kunde' });
const supplierBox = () => screen.getByRole('checkbox', { name: 'Lieferant' });
const inheritBox = () => screen.getByRole('checkbox', { name: 'Kunden-/Lieferantendaten erben' });

describe('role checkboxes', () => {
	it('switch the roles; a new customer gets the workspace’s default terms', async () => {
		const id = await rig.create('company', { fields: { companyName: 'Hartmann Logistik GmbH' } });
		const user = await renderRoles(id);
		expect(screen.getByRole('group', { name: 'Kontakteigenschaften' })).toBeInTheDocument();
		expect(customerBox()).not.toBeChecked();
		expect(screen.queryByRole('checkbox', { name: 'Kunden-/Lieferantendaten erben' })).toBeNull();
		await user.click(customerBox());
		await user.click(supplierBox());
		await waitFor(async () =>
			expect(await rig.contact(id)).toMatchObject({
				isCustomer: true,
				isSupplier: true,
				customer: { paymentTermsId: TERMS.net30.id, deliveryTermsId: TERMS.freeHouse.id }
			})
		);
		expect(screen.getByRole('combobox', { name: 'Zahlungsbedingungen' })).toHaveValue(TERMS.net30.id);
	});

	it('keep the terms a former customer had, and keep the data when the role is switched off', async () => {
		const id = await rig.create('company', {
			fields: { companyName: 'Hartmann Logistik GmbH' },
			edits: [{ type: 'setCustomer', values: { paymentTermsId: TERMS.skonto.id, customerNumber: 'K-7' } }]
		});
		const user = await renderRoles(id);
		await user.click(customerBox());
		await waitFor(async () => expect((await rig.contact(id)).isCustomer).toBe(true));
		expect((await rig.contact(id)).customer).toMatchObject({
			paymentTermsId: TERMS.skonto.id,
			deliveryTermsId: TERMS.freeHouse.id,
			customerNumber: 'K-7'
		});
		await user.click(customerBox());
		await waitFor(async () => expect((await rig.contact(id)).isCustomer).toBe(false));
		expect((await rig.contact(id)).customer.customerNumber).toBe('K-7');
	});

	it('are disabled for a user who may not edit', async () => {
		const id = await rig.create('company', { fields: { companyName: 'Hartmann', isCustomer: true } });
		await renderRoles(id, true);
		expect(customerBox()).toBeChecked();
		expect(customerBox()).toBeDisabled();
		expect(supplierBox()).toBeDisabled();
	});
});

describe('inherited customer and supplier data', () => {
	let hartmann: ContactId;
	let weber: ContactId;

	beforeEach(async () => {
		hartmann = await rig.create('company', {
			fields: { companyName: 'Hartmann Logistik GmbH', isCustomer: true, isSupplier: true },
			edits: [
				{ type: 'setCustomer', values: { customerNumber: 'K-10042', vatId: 'DE136695976' } },
				{ type: 'setSupplier', values: { supplierNumber: 'S-900' } }
			]
		});
		weber = await rig.create('person', {
			fields: { firstName: 'Jonas', lastName: 'Weber', parentId: hartmann, inheritCommercial: true },
			edits: [{ type: 'setCustomer', values: { customerNumber: 'K-OWN' } }]
		});
	});

	it('shows the parent’s roles and tabs read-only, with where they come from', async () => {
		await renderRoles(weber);
		expect(inheritBox()).toBeChecked();
		expect(inheritBox()).toBeEnabled();
		for (const box of [customerBox(), supplierBox()]) {
			expect(box).toBeChecked();
			expect(box).toBeDisabled();
		}
		const notes = screen.getAllByRole('note');
		expect(notes[0]).toHaveTextContent('Geerbt von Hartmann Logistik GmbH');
		for (const note of notes)
			expect(note.querySelector('a')).toHaveAttribute('href', `/contacts/${hartmann}`);
		const number = screen.getByRole('textbox', { name: 'Kundennummer' });
		expect(number).toHaveValue('K-10042');
		expect(number).toHaveAttribute('readonly');
		expect(screen.getByRole('textbox', { name: 'Lieferantennummer (bei uns)' })).toHaveValue('S-900');
		expect(screen.queryByRole('button', { name: 'Lastschriftmandat erfassen' })).toBeNull();
	});

	it('computes the values: a change at the parent shows at once, and nothing is copied', async () => {
		await renderRoles(weber);
		await rig.edit(hartmann, [{ type: 'setCustomer', values: { customerNumber: 'K-20000' } }]);
		await waitFor(() => expect(screen.getByRole('textbox', { name: 'Kundennummer' })).toHaveValue('K-20000'));
		expect((await rig.contact(weber)).customer).toEqual({ ...emptyCustomerData(), customerNumber: 'K-OWN' });
	});

	it('shows the person’s own data again when inheritance is switched off', async () => {
		const user = await renderRoles(weber);
		await user.click(inheritBox());
		await waitFor(() => expect(customerBox()).toBeEnabled());
		expect(customerBox()).not.toBeChecked();
		// The page shows the Kunde tab only with the role; the tab itself shows the own values now.
		const number = screen.getByRole('textbox', { name: 'Kundennummer' });
		expect(number).toHaveValue('K-OWN');
		expect(number).not.toHaveAttribute('readonly');
		await user.click(customerBox());
		await waitFor(async () => expect((await rig.contact(weber)).isCustomer).toBe(true));
		expect(screen.queryByText(/Geerbt von/)).toBeNull();
		expect(await rig.contact(weber)).toMatchObject({
			inheritCommercial: false,
			isCustomer: true,
			isSupplier: false,
			customer: { customerNumber: 'K-OWN', vatId: '' }
		});
	});
});
