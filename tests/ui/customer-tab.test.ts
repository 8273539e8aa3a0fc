import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactId } from '../../src/lib/domain';
import CustomerTab from '../../src/lib/ui/commercial/CustomerTab.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { GROUPS, TERMS, commercialRig, type CommercialRig } from './commercial-fixtures';

let rig: CommercialRig;
let hartmann: ContactId;

beforeEach(async () => {
	i18n.reset();
	rig = await commercialRig();
	hartmann = await rig.create('company', {
		fields: { companyName: 'Hartmann Logistik GmbH', isCustomer: true }
	});
});
afterEach(() => rig.dispose());

async function renderTab(id: ContactId = hartmann, readonly = false) {
	const model = await rig.model(id);
	render(CustomerTab, { props: { model, config: rig.config, readonly } });
	return { model, user: userEvent.setup() };
}

/** Types into a labelled field and leaves it, as a user does; the field saves on change. */
async function enter(user: ReturnType<typeof userEvent.setup>, label: string, text: string) {
	const field = screen.getByRole('textbox', { name: label });
	await user.clear(field);
	if (text !== '') await user.type(field, text);
	await user.tab();
	return field;
}

/** The first description of a field: its error message when it has one. */
function describedBy(field: HTMLElement): HTMLElement | null {
	return document.getElementById(field.getAttribute('aria-describedby')?.split(' ')[0] ?? '');
}

describe('CustomerTab', () => {
	it('saves numbers, document e-mail and tax ids as they are left, normalised by the store', async () => {
		const { user } = await renderTab();
		await enter(user, 'Kundennummer', 'K-10042');
		await enter(user, 'Unsere Lieferantennummer beim Kunden', 'L-77');
		await enter(user, 'E-Mail für Belege', 'Belege@Hartmann.de');
		const vat = await enter(user, 'USt-IdNr.', 'de 136 695 976');
		await enter(user, 'EORI-Nummer', 'DE1234567');
		await waitFor(() => expect(vat).toHaveValue('DE136695976'));
		expect((await rig.contact(hartmann)).customer).toMatchObject({
			customerNumber: 'K-10042',
			supplierNumberAtCustomer: 'L-77',
			documentEmail: 'Belege@Hartmann.de',
			vatId: 'DE136695976',
			eori: 'DE1234567'
		});
		expect(screen.queryByRole('alert')).toBeNull();
	});

	it('shows why an invalid VAT ID or tax number is refused at the field, and saves nothing', async () => {
		const { user } = await renderTab();
		const vat = await enter(user, 'USt-IdNr.', 'DE136695977');
		await waitFor(() => expect(vat).toHaveAttribute('aria-invalid', 'true'));
		expect(describedBy(vat)).toHaveTextContent('Die Prüfziffer der USt-IdNr. stimmt nicht.');
		const tax = await enter(user, 'Steuernummer', '12345');
		await waitFor(() => expect(tax).toHaveAttribute('aria-invalid', 'true'));
		expect((await rig.contact(hartmann)).customer).toMatchObject({ vatId: '', taxNumber: '' });
		// The typed text stays, so it can be corrected.
		expect(vat).toHaveValue('DE136695977');
	});

	it('names the value a refusal is about when it is another one than the user changed', async () => {
		// Any text was a tax number outside Germany; after the move to Germany it no longer fits.
		const moved = await rig.create('company', {
			fields: { companyName: 'Huber Handel GmbH', country: 'AT', isCustomer: true },
			edits: [{ type: 'setCustomer', values: { taxNumber: '12 345/6789' } }]
		});
		await rig.edit(moved, [{ type: 'set', field: 'country', value: 'DE' }]);
		const { user } = await renderTab(moved);
		const number = await enter(user, 'Kundennummer', 'K-1');
		await waitFor(() => expect(number).toHaveAttribute('aria-invalid', 'true'));
		expect(describedBy(number)).toHaveTextContent(/^Steuernummer: Keine gültige Steuernummer/);
		// The message also stands at the tax number, where it can be put right.
		const tax = screen.getByRole('textbox', { name: 'Steuernummer' });
		expect(tax).toHaveAttribute('aria-invalid', 'true');
		expect(describedBy(tax)).toHaveTextContent(/^Keine gültige Steuernummer/);
		expect((await rig.contact(moved)).customer.customerNumber).toBe('');

		await enter(user, 'Steuernummer', '21/815/08150');
		await waitFor(() => expect(tax).not.toHaveAttribute('aria-invalid'));
		await enter(user, 'Kundennummer', 'K-2');
		await waitFor(() => expect(number).not.toHaveAttribute('aria-invalid'));
		// Without a known federal state the store keeps the digits of the tax number.
		expect((await rig.contact(moved)).customer).toMatchObject({
			customerNumber: 'K-2',
			taxNumber: '2181508150'
		});
	});

	it('speaks the UI language in its messages', async () => {
		i18n.lang = 'en';
		const { user } = await renderTab();
		const vat = await enter(user, 'VAT ID', 'DE136695977');
		await waitFor(() => expect(vat).toHaveAttribute('aria-invalid', 'true'));
		expect(screen.getByRole('alert')).toHaveTextContent('The VAT ID check digit does not match.');
	});

	it('refuses an invalid IBAN of a direct debit mandate at the IBAN, and saves no part of it', async () => {
		const { user } = await renderTab();
		await user.click(screen.getByRole('button', { name: 'Lastschriftmandat erfassen' }));
		const sepa = screen.getByRole('group', { name: 'SEPA-Lastschrift' });
		// The account holder is suggested from the contact's name.
		expect(within(sepa).getByRole('textbox', { name: 'Kontoinhaber' })).toHaveValue('Hartmann Logistik GmbH');
		await user.type(within(sepa).getByRole('textbox', { name: 'Mandatsreferenz' }), 'MANDAT-2024-17');
		await user.type(within(sepa).getByLabelText('Datum des Mandats'), '2024-03-01');
		const iban = within(sepa).getByRole('textbox', { name: 'IBAN' });
		await user.type(iban, 'DE89 3704 0044 0532 0130 01');
		await user.click(within(sepa).getByRole('button', { name: 'Mandat speichern' }));
		expect(iban).toHaveAttribute('aria-invalid', 'true');
		expect(describedBy(iban)).toHaveTextContent('Die Prüfziffern der IBAN stimmen nicht.');
		expect((await rig.contact(hartmann)).customer.sepa).toBeNull();

		await user.clear(iban);
		await user.type(iban, 'DE89 3704 0044 0532 0130 00');
		await user.click(within(sepa).getByRole('button', { name: 'Mandat speichern' }));
		await waitFor(async () =>
			expect((await rig.contact(hartmann)).customer.sepa).toEqual({
				reference: 'MANDAT-2024-17',
				signedOn: '2024-03-01',
				accountHolder: 'Hartmann Logistik GmbH',
				iban: 'DE89370400440532013000',
				bic: ''
			})
		);
		expect(await within(sepa).findByText('DE89 3704 0044 0532 0130 00')).toBeInTheDocument();
		await user.click(within(sepa).getByRole('button', { name: 'Mandat entfernen' }));
		await waitFor(async () => expect((await rig.contact(hartmann)).customer.sepa).toBeNull());
	});

	it('picks a different invoice recipient by search, links it, and clears it again', async () => {
		const zentrale = await rig.create('company', {
			fields: { companyName: 'Hartmann Zentrale', city: 'Köln' }
		});
		const { user } = await renderTab();
		expect(screen.getByText('Kein abweichender Rechnungsempfänger')).toBeInTheDocument();
		await user.click(screen.getByRole('button', { name: 'Rechnungsempfänger wählen' }));
		await user.keyboard('Hartmann');
		const found = screen.getByRole('listbox', { name: 'Rechnungsempfänger suchen' });
		const options = await within(found).findAllByRole('option');
		// The contact itself is never offered.
		expect(options.map((o) => o.textContent)).toEqual([expect.stringContaining('Hartmann Zentrale')]);
		await user.click(options[0]!);
		expect(await screen.findByRole('link', { name: 'Hartmann Zentrale' })).toHaveAttribute(
			'href',
			`/contacts/${zentrale}`
		);
		expect((await rig.contact(hartmann)).customer.invoiceRecipientId).toBe(zentrale);

		await user.click(screen.getByRole('button', { name: 'Rechnungsempfänger entfernen' }));
		await waitFor(() => expect(screen.queryByRole('link', { name: 'Hartmann Zentrale' })).toBeNull());
		expect((await rig.contact(hartmann)).customer.invoiceRecipientId).toBeNull();
	});

	it('refuses an invoice recipient that would close a cycle, and says so', async () => {
		await rig.create('company', {
			fields: { companyName: 'Hartmann Zentrale', isCustomer: true },
			edits: [{ type: 'setCustomer', values: { invoiceRecipientId: hartmann } }]
		});
		const { user } = await renderTab();
		await user.click(screen.getByRole('button', { name: 'Rechnungsempfänger wählen' }));
		await user.keyboard('Zentrale');
		const found = screen.getByRole('listbox', { name: 'Rechnungsempfänger suchen' });
		await user.click((await within(found).findAllByRole('option'))[0]!);
		expect(await screen.findByRole('alert')).toHaveTextContent(
			'Die Rechnungsempfänger würden dann im Kreis aufeinander verweisen.'
		);
		expect((await rig.contact(hartmann)).customer.invoiceRecipientId).toBeNull();
	});

	it('offers the workspace’s terms and saves the choice', async () => {
		const { user } = await renderTab();
		const payment = screen.getByRole('combobox', { name: 'Zahlungsbedingungen' });
		expect(
			within(payment)
				.getAllByRole('option')
				.map((o) => o.textContent)
		).toEqual(['(keine)', '14 Tage 2 % Skonto', '30 Tage netto']);
		await user.selectOptions(payment, TERMS.skonto.id);
		await user.selectOptions(screen.getByRole('combobox', { name: 'Lieferbedingungen' }), TERMS.exWorks.id);
		await user.click(screen.getByRole('checkbox', { name: 'Bevorzugt Sammelrechnungen' }));
		await user.click(screen.getByRole('checkbox', { name: 'Nimmt am Mahnverfahren teil' }));
		await waitFor(async () =>
			expect((await rig.contact(hartmann)).customer).toMatchObject({
				paymentTermsId: TERMS.skonto.id,
				deliveryTermsId: TERMS.exWorks.id,
				collectiveInvoice: true,
				dunning: false
			})
		);
	});

	it('has one discount per product group of the workspace, and refuses what is no percentage', async () => {
		const { user } = await renderTab();
		const discounts = screen.getByRole('group', { name: 'Rabatte je Warengruppe' });
		expect(within(discounts).getAllByRole('textbox')).toHaveLength(2);
		await enter(user, 'Rabatt für Schrauben in %', '7,5');
		await enter(user, 'Rabatt für Werkzeug in %', '12');
		await waitFor(async () =>
			expect((await rig.contact(hartmann)).customer.discounts).toEqual({
				[GROUPS.screws.id]: 7.5,
				[GROUPS.tools.id]: 12
			})
		);
		const tools = await enter(user, 'Rabatt für Werkzeug in %', '120');
		await waitFor(() => expect(tools).toHaveAttribute('aria-invalid', 'true'));
		expect(screen.getByRole('alert')).toHaveTextContent('Der Rabatt muss zwischen 0 und 100 % liegen.');
		expect((await rig.contact(hartmann)).customer.discounts[GROUPS.tools.id]).toBe(12);

		// Emptied, the discount is gone; the other group keeps its own.
		await enter(user, 'Rabatt für Werkzeug in %', '');
		await waitFor(async () =>
			expect((await rig.contact(hartmann)).customer.discounts).toEqual({ [GROUPS.screws.id]: 7.5 })
		);
		expect(screen.getByRole('textbox', { name: 'Rabatt für Schrauben in %' })).toHaveValue('7,5');
	});

	it('is read-only for a user who may not edit: nothing to type into, choose or press', async () => {
		await rig.edit(hartmann, [
			{ type: 'setCustomer', values: { customerNumber: 'K-1', vatId: 'DE136695976' } }
		]);
		await renderTab(hartmann, true);
		expect(screen.getByRole('textbox', { name: 'Kundennummer' })).toHaveValue('K-1');
		for (const field of screen.getAllByRole('textbox')) expect(field).toHaveAttribute('readonly');
		for (const control of [...screen.getAllByRole('combobox'), ...screen.getAllByRole('checkbox')])
			expect(control).toBeDisabled();
		expect(screen.queryAllByRole('button')).toEqual([]);
	});
});
