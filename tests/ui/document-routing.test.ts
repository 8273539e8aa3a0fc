import { render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	DOCUMENT_KINDS,
	type ContactEdit,
	type ContactId,
	type EmailPurpose,
	type WorkspaceConfig
} from '../../src/lib/domain';
import DocumentRouting from '../../src/lib/ui/commercial/DocumentRouting.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { makeChannel } from '../factories';
import { commercialRig, type CommercialRig } from './commercial-fixtures';

let rig: CommercialRig;

beforeEach(async () => {
	i18n.reset();
	rig = await commercialRig();
});
afterEach(() => rig.dispose());

let order = 0;
/** Adds an e-mail entry, after the ones added before. */
function email(value: string, purpose: EmailPurpose | null = null): ContactEdit {
	order += 1;
	return {
		type: 'addChannel',
		channel: makeChannel({ kind: 'email', value, normalized: value, purpose, order: `a${order}` })
	};
}
const CONSENT: ContactEdit = {
	type: 'set',
	field: 'advertisingConsent',
	value: { date: '2024-01-10', source: 'Messe 2024, Formular' }
};
const EMBARGO: ContactEdit = {
	type: 'set',
	field: 'embargo',
	value: { reason: 'Sanktionsliste', since: '2024-02-01' }
};

async function renderPanel(id: ContactId, config: WorkspaceConfig = rig.config) {
	const model = await rig.model(id);
	render(DocumentRouting, { props: { model, config } });
	return model;
}

/** What the panel says for a kind of document: address and rule, or why there is none. */
function row(kind: string): string {
	const table = screen.getByRole('table');
	const header = within(table).getByRole('rowheader', { name: kind });
	const cells = [...header.closest('tr')!.querySelectorAll('td')];
	return cells.map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()).join(' | ');
}

describe('the Belegversand panel', () => {
	it('shows for every kind of document the address and the rule that chose it', async () => {
		const hartmann = await rig.create('company', {
			fields: { companyName: 'Hartmann Logistik GmbH' },
			edits: [
				email('info@hartmann.de'),
				email('buchhaltung@hartmann.de', 'accounting'),
				email('rechnung@hartmann.de', 'invoice'),
				CONSENT
			]
		});
		await renderPanel(hartmann);
		expect(within(screen.getByRole('table')).getAllByRole('rowheader')).toHaveLength(DOCUMENT_KINDS.length);
		expect(row('Rechnung')).toBe('rechnung@hartmann.de | Zweckgebundene E-Mail „Rechnung“');
		expect(row('Angebot')).toBe('buchhaltung@hartmann.de | E-Mail der Buchhaltung');
		expect(row('Storno')).toBe('buchhaltung@hartmann.de | E-Mail der Buchhaltung');
		expect(row('Werbung')).toBe('info@hartmann.de | Standard-E-Mail (erste Adresse ohne Zweck)');
		expect(screen.getByRole('link', { name: 'rechnung@hartmann.de' })).toHaveAttribute(
			'href',
			'mailto:rechnung@hartmann.de'
		);

		// The customer tab's e-mail for documents comes before the accounting e-mail, but not for advertising.
		await rig.edit(hartmann, [
			{ type: 'set', field: 'isCustomer', value: true },
			{ type: 'setCustomer', values: { documentEmail: 'belege@hartmann.de' } }
		]);
		await waitFor(() =>
			expect(row('Angebot')).toBe('belege@hartmann.de | E-Mail für Belege aus dem Reiter Kunde')
		);
		expect(row('Rechnung')).toBe('rechnung@hartmann.de | Zweckgebundene E-Mail „Rechnung“');
		expect(row('Werbung')).toBe('info@hartmann.de | Standard-E-Mail (erste Adresse ohne Zweck)');
	});

	it('blocks everything but cancellations and credit notes under a trade embargo, and says why', async () => {
		const hartmann = await rig.create('company', {
			fields: { companyName: 'Hartmann Logistik GmbH' },
			edits: [email('info@hartmann.de'), CONSENT, EMBARGO]
		});
		await renderPanel(hartmann);
		for (const kind of ['Rechnung', 'Angebot', 'Lieferschein', 'Werbung', 'Bestellung'])
			expect(row(kind)).toBe('Gesperrt: Handelssperre seit 01.02.2024 (Sanktionsliste)');
		expect(row('Storno')).toBe('info@hartmann.de | Standard-E-Mail (erste Adresse ohne Zweck)');
		expect(row('Gutschrift/Korrekturbeleg')).toBe(
			'info@hartmann.de | Standard-E-Mail (erste Adresse ohne Zweck)'
		);
	});

	it('blocks advertising without recorded consent, and says when there is no address at all', async () => {
		const withMail = await rig.create('company', {
			fields: { companyName: 'Hartmann Logistik GmbH' },
			edits: [email('rechnung@hartmann.de', 'invoice')]
		});
		await renderPanel(withMail);
		expect(row('Werbung')).toBe('Gesperrt: keine Werbeeinwilligung erfasst (Datum und Quelle)');
		// A business document may fall back to an address given for another purpose ...
		expect(row('Angebot')).toBe('rechnung@hartmann.de | Erste E-Mail-Adresse (keine ohne Zweck vorhanden)');
		// ... advertising may not, even with consent.
		await rig.edit(withMail, [CONSENT]);
		await waitFor(() =>
			expect(row('Werbung')).toBe(
				'Keine: Es ist keine E-Mail-Adresse eingetragen, die dafür verwendet werden darf.'
			)
		);
	});

	it('follows a chain of invoice recipients, loaded through the store, also for an inheriting person', async () => {
		const konzern = await rig.create('company', {
			fields: { companyName: 'Konzern AG' },
			edits: [email('buchhaltung@konzern.de', 'accounting')]
		});
		const zentrale = await rig.create('company', {
			fields: { companyName: 'Hartmann Zentrale', isCustomer: true },
			edits: [{ type: 'setCustomer', values: { invoiceRecipientId: konzern } }]
		});
		const hartmann = await rig.create('company', {
			fields: { companyName: 'Hartmann Logistik GmbH', isCustomer: true },
			edits: [email('info@hartmann.de'), { type: 'setCustomer', values: { invoiceRecipientId: zentrale } }]
		});
		const weber = await rig.create('person', {
			fields: { firstName: 'Jonas', lastName: 'Weber', parentId: hartmann, inheritCommercial: true },
			edits: [email('weber@hartmann.de')]
		});
		await renderPanel(weber);
		const invoice =
			'buchhaltung@konzern.de | E-Mail der Buchhaltung · an den abweichenden Rechnungsempfänger Konzern AG';
		expect(row('Rechnung')).toBe(invoice);
		expect(row('Gutschrift/Korrekturbeleg')).toBe(invoice);
		expect(screen.getAllByRole('link', { name: 'Konzern AG' })[0]).toHaveAttribute(
			'href',
			`/contacts/${konzern}`
		);
		// Other documents go to the person's own address.
		expect(row('Angebot')).toBe('weber@hartmann.de | Standard-E-Mail (erste Adresse ohne Zweck)');

		// An embargo on the last recipient of the chain stops the invoice there, and names it.
		await rig.edit(konzern, [EMBARGO]);
		await waitFor(() =>
			expect(row('Rechnung')).toBe('Gesperrt: Handelssperre bei Konzern AG seit 01.02.2024 (Sanktionsliste)')
		);
		expect(row('Gutschrift/Korrekturbeleg')).toBe(invoice);
	});

	it('says when the invoice recipient is not on this device', async () => {
		const zentrale = await rig.create('company', { fields: { companyName: 'Hartmann Zentrale' } });
		const hartmann = await rig.create('company', {
			fields: { companyName: 'Hartmann Logistik GmbH', isCustomer: true },
			edits: [email('info@hartmann.de'), { type: 'setCustomer', values: { invoiceRecipientId: zentrale } }]
		});
		await rig.store.removeDocument(zentrale);
		await renderPanel(hartmann);
		expect(row('Rechnung')).toBe('Keine: Der Rechnungsempfänger ist auf diesem Gerät nicht vorhanden.');
	});

	it('shows the salutation and the invoice cover text in the contact’s language, and the fallback used', async () => {
		expect(
			await rig.store.editWorkspace([
				{
					type: 'setTextBlock',
					key: 'invoiceCover',
					language: 'de',
					text: 'anbei erhalten Sie unsere Rechnung.'
				}
			])
		).toBe(true);
		const config = await rig.store.workspaceConfig();
		const mustermann = await rig.create('person', {
			fields: { salutation: 'ms', title: 'Dr.', firstName: 'Erika', lastName: 'Mustermann' }
		});
		await renderPanel(mustermann, config);
		expect(screen.getByText('Sehr geehrte Frau Dr. Mustermann,')).toBeInTheDocument();
		expect(screen.getByText('auf Deutsch')).toBeInTheDocument();
		expect(screen.getByText('anbei erhalten Sie unsere Rechnung.')).toBeInTheDocument();

		await rig.edit(mustermann, [{ type: 'set', field: 'language', value: 'en' }]);
		await waitFor(() => expect(screen.getByText('Dear Dr Mustermann,')).toBeInTheDocument());
		expect(screen.getByText('auf Englisch')).toBeInTheDocument();
		expect(
			screen.getByText('Kein Text auf Englisch; verwendet wird der Text auf Deutsch.')
		).toBeInTheDocument();

		await rig.edit(mustermann, [{ type: 'set', field: 'friend', value: true }]);
		await waitFor(() => expect(screen.getByText('Dear Erika,')).toBeInTheDocument());
	});

	it('says when no invoice cover text is set', async () => {
		const hartmann = await rig.create('company', { fields: { companyName: 'Hartmann Logistik GmbH' } });
		await renderPanel(hartmann);
		expect(screen.getByText('Sehr geehrte Damen und Herren,')).toBeInTheDocument();
		expect(screen.getByText('Für Rechnungen ist kein Anschreiben hinterlegt.')).toBeInTheDocument();
	});
});
