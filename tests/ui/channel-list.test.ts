import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ChannelList from '../../src/lib/ui/contact/ChannelList.svelte';
import { sortChannels, type Channel, type ContactEdit } from '../../src/lib/domain';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { makeChannel } from '../factories';

type EditResult = { ok: true } | { ok: false; error: string; index: number };

const phone = makeChannel({ kind: 'phone', value: '030 1234567', label: 'Zentrale', order: 'a0' });
const email = makeChannel({ kind: 'email', value: 'info@example.de', order: 'a1' });
const mobile = makeChannel({ kind: 'mobile', value: '0171 2345678', label: 'privat', order: 'a2' });
const invoices = makeChannel({
	kind: 'email',
	value: 'rechnung@example.de',
	normalized: 'rechnung@example.de',
	label: 'Buchhaltung',
	purpose: 'invoice',
	order: 'a3'
});
// Deliberately not in display order: the component sorts.
const CHANNELS: Channel[] = [mobile, invoices, phone, email];

/** What the store would do with the edits, enough for the list to re-render. */
function apply(channels: Channel[], edits: ContactEdit[]): Channel[] {
	let out = [...channels];
	for (const e of edits) {
		if (e.type === 'addChannel') out.push(e.channel);
		else if (e.type === 'updateChannel') out = out.map((c) => (c.id === e.id ? { ...c, ...e.patch } : c));
		else if (e.type === 'removeChannel') out = out.filter((c) => c.id !== e.id);
		else if (e.type === 'moveChannel') out = out.map((c) => (c.id === e.id ? { ...c, order: e.order } : c));
	}
	return out;
}

/**
 * Renders the list. With `live`, `onedit` behaves like the store: it applies the edits and
 * re-renders the component with the new channels before resolving.
 */
function setup(options: { channels?: Channel[]; live?: boolean; readonly?: boolean; country?: string } = {}) {
	let current = options.channels ?? CHANNELS;
	const onedit = vi.fn(async (edits: ContactEdit[]): Promise<EditResult> => {
		if (options.live) {
			current = apply(current, edits);
			view.rerender({ channels: current });
		}
		return { ok: true };
	});
	const view = render(ChannelList, {
		props: { channels: current, country: options.country ?? 'DE', readonly: options.readonly, onedit }
	});
	return { onedit, view, user: userEvent.setup(), current: () => current };
}

/** The single edit of the only call so far. */
function onlyEdit(onedit: ReturnType<typeof setup>['onedit']): ContactEdit {
	expect(onedit).toHaveBeenCalledTimes(1);
	const edits = onedit.mock.calls[0]?.[0];
	expect(edits).toHaveLength(1);
	return edits![0]!;
}

/** The value inputs in the order the list shows them. */
function shownValues(): string[] {
	const list = screen.getByRole('list', { name: 'Kommunikation' });
	return within(list)
		.getAllByRole('listitem')
		.map((li) => (within(li).getAllByRole('textbox')[0] as HTMLInputElement).value);
}

beforeEach(() => {
	i18n.reset();
});

describe('ChannelList', () => {
	it('shows all entries in order under the "Kommunikation" heading', () => {
		setup();
		expect(screen.getByRole('heading', { level: 3, name: 'Kommunikation' })).toBeInTheDocument();
		expect(shownValues()).toEqual(['030 1234567', 'info@example.de', '0171 2345678', 'rechnung@example.de']);
		expect(screen.getByRole('textbox', { name: 'Telefon Zentrale' })).toHaveAttribute('type', 'tel');
		expect(screen.getByRole('textbox', { name: 'E-Mail' })).toHaveAttribute('type', 'email');
		expect(screen.getByRole('combobox', { name: 'Bezeichnung (Mobil 0171 2345678)' })).toHaveValue('privat');
	});

	it('adds a valid phone at the end of the list', async () => {
		const { onedit, user } = setup();
		await user.click(screen.getByRole('button', { name: 'Telefon hinzufügen' }));
		const input = screen.getByRole('textbox', { name: 'Telefon' });
		expect(input).toHaveFocus();
		await user.keyboard('030 1234567{Enter}');
		// Leaving the field after Enter does not save a second time.
		await user.tab();

		const edit = onlyEdit(onedit);
		expect(edit).toEqual({
			type: 'addChannel',
			channel: {
				id: expect.any(String),
				kind: 'phone',
				value: '030 1234567',
				normalized: '',
				label: '',
				purpose: null,
				order: expect.any(String)
			}
		});
		if (edit.type !== 'addChannel') throw new Error('expected addChannel');
		expect(sortChannels([...CHANNELS, edit.channel]).at(-1)?.id).toBe(edit.channel.id);
	});

	it('saves a draft when its value field loses focus, with its label and purpose', async () => {
		const { onedit, user } = setup();
		await user.click(screen.getByRole('button', { name: 'E-Mail hinzufügen' }));
		await user.keyboard('buchhaltung@example.de');
		await user.click(screen.getByRole('combobox', { name: 'Bezeichnung (E-Mail)' }));
		expect(onedit).toHaveBeenCalledTimes(1);
		expect(onedit.mock.calls[0]?.[0][0]).toMatchObject({
			type: 'addChannel',
			channel: { kind: 'email', value: 'buchhaltung@example.de', label: '', purpose: null }
		});
	});

	it('includes label and purpose chosen before the value in the new entry', async () => {
		const { onedit, user } = setup();
		await user.click(screen.getByRole('button', { name: 'E-Mail hinzufügen' }));
		await user.click(screen.getByRole('combobox', { name: 'Bezeichnung (E-Mail)' }));
		await user.keyboard('Buchhaltung');
		await user.selectOptions(screen.getByRole('combobox', { name: 'Zweck (E-Mail)' }), 'Rechnung');
		expect(onedit).not.toHaveBeenCalled();
		// The draft is the last entry; the existing unlabelled e-mail has the same name.
		await user.click(screen.getAllByRole('textbox', { name: 'E-Mail' }).at(-1)!);
		await user.keyboard('rechnung2@example.de{Enter}');
		expect(onlyEdit(onedit)).toMatchObject({
			type: 'addChannel',
			channel: { kind: 'email', value: 'rechnung2@example.de', label: 'Buchhaltung', purpose: 'invoice' }
		});
	});

	it('shows an inline error for an invalid new phone and sends nothing', async () => {
		const { onedit, user } = setup();
		await user.click(screen.getByRole('button', { name: 'Telefon hinzufügen' }));
		await user.keyboard('12{Enter}');
		const input = screen.getByRole('textbox', { name: 'Telefon' });
		expect(screen.getByRole('alert')).toHaveTextContent('Diese Nummer ist für Deutschland nicht gültig.');
		expect(input).toHaveAttribute('aria-invalid', 'true');
		expect(input).toHaveAccessibleDescription('Diese Nummer ist für Deutschland nicht gültig.');
		await user.tab();
		expect(input).toHaveValue('12');
		expect(onedit).not.toHaveBeenCalled();
	});

	it('discards an empty draft on blur and any draft on Escape', async () => {
		const { onedit, user } = setup();
		await user.click(screen.getByRole('button', { name: 'Mobil hinzufügen' }));
		expect(screen.getByRole('textbox', { name: 'Mobil' })).toHaveFocus();
		await user.click(document.body);
		expect(screen.queryByRole('textbox', { name: 'Mobil' })).not.toBeInTheDocument();

		await user.click(screen.getByRole('button', { name: 'Fax hinzufügen' }));
		await user.keyboard('030 12{Escape}');
		expect(screen.queryByRole('textbox', { name: 'Fax' })).not.toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Fax hinzufügen' })).toHaveFocus();
		expect(screen.queryByRole('alert')).not.toBeInTheDocument();
		expect(onedit).not.toHaveBeenCalled();
	});

	it('keeps an invalid e-mail edit in the field with an error and sends nothing', async () => {
		const { onedit, user } = setup();
		const input = screen.getByRole('textbox', { name: 'E-Mail' });
		await user.clear(input);
		await user.type(input, 'info@example');
		await user.tab();
		expect(screen.getByRole('alert')).toHaveTextContent('Keine gültige E-Mail-Adresse.');
		expect(input).toHaveValue('info@example');
		expect(input).toHaveAttribute('aria-invalid', 'true');
		expect(onedit).not.toHaveBeenCalled();

		await user.type(input, '.com{Enter}');
		expect(onlyEdit(onedit)).toEqual({
			type: 'updateChannel',
			id: email.id,
			patch: { value: 'info@example.com' }
		});
		expect(screen.queryByRole('alert')).not.toBeInTheDocument();
	});

	it('sends label and purpose changes', async () => {
		const { onedit, user } = setup();
		const label = screen.getByRole('combobox', { name: 'Bezeichnung (Telefon 030 1234567)' });
		await user.clear(label);
		await user.type(label, 'Vertrieb{Enter}');
		expect(onedit).toHaveBeenLastCalledWith([
			{ type: 'updateChannel', id: phone.id, patch: { label: 'Vertrieb' } }
		]);

		await user.selectOptions(
			screen.getByRole('combobox', { name: 'Zweck (E-Mail info@example.de)' }),
			'Angebot'
		);
		expect(onedit).toHaveBeenLastCalledWith([
			{ type: 'updateChannel', id: email.id, patch: { purpose: 'quote' } }
		]);

		const invoiceSelect = screen.getByRole('combobox', { name: 'Zweck (E-Mail rechnung@example.de)' });
		expect(invoiceSelect).toHaveDisplayValue('Rechnung');
		await user.selectOptions(invoiceSelect, 'kein Zweck');
		expect(onedit).toHaveBeenLastCalledWith([
			{ type: 'updateChannel', id: invoices.id, patch: { purpose: null } }
		]);
		expect(onedit).toHaveBeenCalledTimes(3);
	});

	it('removes an entry and moves focus to the next one, or to the add buttons', async () => {
		const { onedit, user } = setup({ live: true });
		await user.click(screen.getByRole('button', { name: 'E-Mail info@example.de entfernen' }));
		expect(onedit).toHaveBeenCalledWith([{ type: 'removeChannel', id: email.id }]);
		expect(shownValues()).toEqual(['030 1234567', '0171 2345678', 'rechnung@example.de']);
		await waitFor(() =>
			expect(screen.getByRole('button', { name: 'Mobil 0171 2345678 entfernen' })).toHaveFocus()
		);

		await user.click(screen.getByRole('button', { name: 'E-Mail rechnung@example.de entfernen' }));
		await waitFor(() => expect(screen.getByRole('button', { name: 'Telefon hinzufügen' })).toHaveFocus());
	});

	it('moves entries down and up with order keys that sort to the new position', async () => {
		const { onedit, user } = setup();
		await user.click(screen.getByRole('button', { name: 'Telefon 030 1234567 nach unten' }));
		const down = onlyEdit(onedit);
		expect(down).toEqual({ type: 'moveChannel', id: phone.id, order: expect.any(String) });
		expect(sortChannels(apply(CHANNELS, [down])).map((c) => c.id)).toEqual([
			email.id,
			phone.id,
			mobile.id,
			invoices.id
		]);

		onedit.mockClear();
		await user.click(screen.getByRole('button', { name: 'Mobil 0171 2345678 nach oben' }));
		const up = onlyEdit(onedit);
		expect(sortChannels(apply(CHANNELS, [up])).map((c) => c.id)).toEqual([
			phone.id,
			mobile.id,
			email.id,
			invoices.id
		]);

		expect(screen.getByRole('button', { name: 'Telefon 030 1234567 nach oben' })).toBeDisabled();
		expect(screen.getByRole('button', { name: 'E-Mail rechnung@example.de nach unten' })).toBeDisabled();
	});

	it('re-sorts after each move and keeps keyboard focus on the moved entry', async () => {
		const { onedit, user } = setup({ live: true });
		screen.getByRole('button', { name: 'Telefon 030 1234567 nach unten' }).focus();
		await user.keyboard('{Enter}');
		expect(shownValues()).toEqual(['info@example.de', '030 1234567', '0171 2345678', 'rechnung@example.de']);
		expect(screen.getByRole('button', { name: 'Telefon 030 1234567 nach unten' })).toHaveFocus();

		await user.keyboard('{Enter}');
		await user.keyboard(' ');
		expect(shownValues()).toEqual(['info@example.de', '0171 2345678', 'rechnung@example.de', '030 1234567']);
		expect(onedit).toHaveBeenCalledTimes(3);
		// At the bottom "nach unten" is disabled; focus goes to the other move button of the same entry.
		expect(screen.getByRole('button', { name: 'Telefon 030 1234567 nach unten' })).toBeDisabled();
		expect(screen.getByRole('button', { name: 'Telefon 030 1234567 nach oben' })).toHaveFocus();

		await user.keyboard('{Enter}');
		expect(shownValues()).toEqual(['info@example.de', '0171 2345678', '030 1234567', 'rechnung@example.de']);
		expect(screen.getByRole('button', { name: 'Telefon 030 1234567 nach oben' })).toHaveFocus();
	});

	it('marks the first phone and first e-mail as preferred, with call and mail links', () => {
		setup();
		const items = within(screen.getByRole('list', { name: 'Kommunikation' })).getAllByRole('listitem');
		expect(screen.getAllByText('bevorzugt')).toHaveLength(2);
		expect(within(items[0]!).getByText('bevorzugt')).toBeVisible();
		expect(within(items[1]!).getByText('bevorzugt')).toBeVisible();
		expect(screen.getByRole('link', { name: '030 1234567 anrufen' })).toHaveAttribute(
			'href',
			'tel:+49301234567'
		);
		expect(screen.getByRole('link', { name: 'E-Mail an info@example.de' })).toHaveAttribute(
			'href',
			'mailto:info@example.de'
		);
		expect(screen.getAllByRole('link')).toHaveLength(2);
	});

	it('prefers the first mobile when there is no phone', () => {
		setup({ channels: [mobile, invoices] });
		const items = within(screen.getByRole('list', { name: 'Kommunikation' })).getAllByRole('listitem');
		expect(within(items[0]!).getByText('bevorzugt')).toBeInTheDocument();
		expect(screen.getByRole('link', { name: '0171 2345678 anrufen' })).toHaveAttribute(
			'href',
			'tel:+491712345678'
		);
	});

	it('shows a store rejection at the entry', async () => {
		const { onedit, user } = setup();
		onedit.mockResolvedValueOnce({ ok: false, error: 'phoneInvalid', index: 0 });
		const input = screen.getByRole('textbox', { name: 'Telefon Zentrale' });
		await user.clear(input);
		await user.type(input, '030 7654321{Enter}');
		expect(await screen.findByRole('alert')).toHaveTextContent(
			'Diese Nummer ist für Deutschland nicht gültig.'
		);
		expect(input).toHaveValue('030 7654321');

		onedit.mockResolvedValueOnce({ ok: false, error: 'somethingNew', index: 0 });
		await user.click(screen.getByRole('button', { name: 'Mobil 0171 2345678 nach oben' }));
		await waitFor(() =>
			expect(screen.getAllByRole('alert').map((a) => a.textContent)).toContain(
				'Ein unerwarteter Fehler ist aufgetreten.'
			)
		);
	});

	it('shows a storage failure inline as an unexpected error', async () => {
		const { onedit, user } = setup();
		onedit.mockRejectedValueOnce(new Error('QuotaExceededError'));
		await user.click(screen.getByRole('button', { name: 'Fax hinzufügen' }));
		await user.keyboard('030 1234568{Enter}');
		const alert = await screen.findByRole('alert');
		expect(alert).toHaveTextContent('Ein unerwarteter Fehler ist aufgetreten.');
		expect(screen.getByRole('textbox', { name: 'Fax' })).toHaveValue('030 1234568');
		// The draft stays and can be saved again.
		await user.keyboard('{Enter}');
		expect(onedit).toHaveBeenCalledTimes(2);
		await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
	});

	it('follows changed channels without overwriting the field being typed in', async () => {
		const { onedit, view, user } = setup();
		const phoneInput = screen.getByRole('textbox', { name: 'Telefon Zentrale' });
		await user.clear(phoneInput);
		await user.type(phoneInput, '030 555');
		view.rerender({
			channels: CHANNELS.map((c) =>
				c.id === phone.id
					? { ...c, value: '030 999999' }
					: c.id === email.id
						? { ...c, value: 'neu@example.de' }
						: c
			)
		});
		expect(phoneInput).toHaveValue('030 555');
		expect(screen.getByRole('textbox', { name: 'E-Mail' })).toHaveValue('neu@example.de');

		// Leaving the field saves what was typed over the changed value.
		await user.type(phoneInput, '5555');
		await user.tab();
		expect(phoneInput).toHaveValue('030 5555555');
		expect(onlyEdit(onedit)).toEqual({
			type: 'updateChannel',
			id: phone.id,
			patch: { value: '030 5555555' }
		});
	});

	it('shows a typed draft as the new entry once it is saved, keeping focus', async () => {
		const { user } = setup({ live: true });
		await user.click(screen.getByRole('button', { name: 'Telefon hinzufügen' }));
		await user.keyboard('089 1234567{Enter}');
		expect(shownValues()).toEqual([
			'030 1234567',
			'info@example.de',
			'0171 2345678',
			'rechnung@example.de',
			'089 1234567'
		]);
		expect(screen.getByRole('textbox', { name: 'Telefon' })).toHaveFocus();
		expect(screen.getByRole('button', { name: 'Telefon 089 1234567 nach oben' })).toBeEnabled();
	});

	it('renders values as text and links without inputs or buttons when read-only', () => {
		setup({ readonly: true });
		expect(screen.queryAllByRole('button')).toHaveLength(0);
		expect(screen.queryAllByRole('textbox')).toHaveLength(0);
		expect(screen.queryAllByRole('combobox')).toHaveLength(0);
		expect(screen.getByRole('link', { name: '030 1234567' })).toHaveAttribute('href', 'tel:+49301234567');
		expect(screen.getByRole('link', { name: 'rechnung@example.de' })).toHaveAttribute(
			'href',
			'mailto:rechnung@example.de'
		);
		expect(screen.getByText('Rechnung')).toBeInTheDocument();
		expect(screen.getAllByText('bevorzugt')).toHaveLength(2);
	});

	it('shows the empty state', () => {
		setup({ channels: [] });
		expect(screen.getByText('Noch keine Telefonnummern oder E-Mail-Adressen.')).toBeInTheDocument();
		expect(screen.queryByRole('list')).not.toBeInTheDocument();
		expect(screen.getAllByRole('button').map((b) => b.textContent?.replace('+', '').trim())).toEqual([
			'Telefon hinzufügen',
			'Mobil hinzufügen',
			'Fax hinzufügen',
			'E-Mail hinzufügen'
		]);
	});
});
