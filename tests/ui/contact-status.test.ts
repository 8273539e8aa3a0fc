import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Contact, ContactEdit, ListEntry } from '../../src/lib/domain';
import type { EditResult } from '../../src/lib/store';
import ContactStatus from '../../src/lib/ui/contact/ContactStatus.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { makeContact } from '../factories';

const TAGS: ListEntry[] = [
	{ id: 'vip', name: 'VIP', color: '#1f4e79' },
	{ id: 'late', name: 'Zahlungsverzug', color: '#b3261e' }
];
/** 15 March 2026, device time. */
const NOW = () => new Date(2026, 2, 15, 10);

afterEach(() => {
	i18n.lang = 'de';
});

interface Options {
	contact?: Contact;
	statusTags?: ListEntry[];
	readonly?: boolean;
	result?: (edits: ContactEdit[]) => EditResult;
}

/** The form over a contact; a saved edit re-renders it with the changed contact, as the page does. */
function setup(options: Options = {}) {
	let current = options.contact ?? makeContact({ kind: 'person', firstName: 'Anna', lastName: 'Albers' });
	const onedit = vi.fn(async (edits: ContactEdit[]): Promise<EditResult> => {
		const result = options.result?.(edits) ?? { ok: true };
		if (result.ok) {
			for (const e of edits) {
				if (e.type === 'set') current = { ...current, [e.field]: e.value };
				if (e.type === 'addTag') current = { ...current, tags: [...current.tags, e.id].sort() };
				if (e.type === 'removeTag') current = { ...current, tags: current.tags.filter((t) => t !== e.id) };
			}
			await view.rerender({ contact: current });
		}
		return result;
	});
	const view = render(ContactStatus, {
		props: {
			contact: current,
			statusTags: options.statusTags ?? TAGS,
			readonly: options.readonly ?? false,
			onedit,
			now: NOW
		}
	});
	return { onedit, view, user: userEvent.setup() };
}

const sets = (onedit: ReturnType<typeof setup>['onedit']) => onedit.mock.calls.map(([edits]) => edits);

describe('ContactStatus: birthday', () => {
	it('saves day and month once both are given, the year being optional', async () => {
		const { onedit, user } = setup();
		await user.type(screen.getByRole('spinbutton', { name: 'Tag' }), '29');
		await user.tab();
		expect(onedit).not.toHaveBeenCalled();
		await user.selectOptions(screen.getByRole('combobox', { name: 'Monat' }), 'Februar');
		await waitFor(() =>
			expect(sets(onedit)).toEqual([
				[{ type: 'set', field: 'birthday', value: { day: 29, month: 2, year: null } }]
			])
		);
		await user.type(screen.getByRole('spinbutton', { name: 'Jahr (optional)' }), '1988');
		await user.tab();
		await waitFor(() =>
			expect(onedit).toHaveBeenLastCalledWith([
				{ type: 'set', field: 'birthday', value: { day: 29, month: 2, year: 1988 } }
			])
		);
	});

	it.each([
		// 29 February of a year without one: the day is wrong.
		[{ day: '29', month: '2', year: '2023' }, 'Tag', 'Diesen Tag gibt es in diesem Monat nicht.'],
		[{ day: '31', month: '4', year: '' }, 'Tag', 'Diesen Tag gibt es in diesem Monat nicht.'],
		[
			{ day: '1', month: '1', year: '1850' },
			'Jahr (optional)',
			'Bitte ein Jahr ab 1900 angeben (oder leer lassen).'
		],
		[{ day: '16', month: '3', year: '2026' }, 'Jahr (optional)', 'Der Geburtstag liegt in der Zukunft.']
	])('saves nothing invalid (%j) and says why beside the part', async (input, part, message) => {
		const { onedit } = setup();
		const day = screen.getByRole('spinbutton', { name: 'Tag' });
		const month = screen.getByRole('combobox', { name: 'Monat' });
		const year = screen.getByRole('spinbutton', { name: 'Jahr (optional)' });
		await fireEvent.change(year, { target: { value: input.year } });
		await fireEvent.change(month, { target: { value: input.month } });
		await fireEvent.change(day, { target: { value: input.day } });
		const alert = await screen.findByRole('alert');
		expect(alert).toHaveTextContent(message);
		const field = part === 'Tag' ? day : year;
		expect(field).toHaveAttribute('aria-invalid', 'true');
		expect(field).toHaveAccessibleDescription(message);
		expect(onedit).not.toHaveBeenCalled();
	});

	it('removes the birthday with its button', async () => {
		const { onedit, user } = setup({
			contact: makeContact({ kind: 'person', birthday: { day: 12, month: 4, year: 1985 } })
		});
		expect(screen.getByRole('spinbutton', { name: 'Tag' })).toHaveValue(12);
		expect(screen.getByRole('combobox', { name: 'Monat' })).toHaveValue('4');
		await user.click(screen.getByRole('button', { name: 'Geburtstag entfernen' }));
		expect(sets(onedit)).toEqual([[{ type: 'set', field: 'birthday', value: null }]]);
		await waitFor(() => expect(screen.getByRole('spinbutton', { name: 'Tag' })).toHaveValue(null));
	});

	it("shows the store's refusal", async () => {
		const { user } = setup({ result: () => ({ ok: false, error: 'birthdayFuture', index: 0 }) });
		await user.type(screen.getByRole('spinbutton', { name: 'Tag' }), '1');
		await user.selectOptions(screen.getByRole('combobox', { name: 'Monat' }), 'Januar');
		expect(await screen.findByRole('alert')).toHaveTextContent('Der Geburtstag liegt in der Zukunft.');
	});

	it('is not offered for a company, nor the personal salutation', () => {
		setup({ contact: makeContact({ kind: 'company', companyName: 'Braun KG' }) });
		expect(screen.queryByRole('group', { name: 'Geburtstag' })).toBeNull();
		expect(screen.queryByRole('checkbox', { name: 'Persönliche Anrede (Freund)' })).toBeNull();
		expect(screen.getByRole('checkbox', { name: 'Handelssperre' })).toBeInTheDocument();
	});
});

describe('ContactStatus: friend, embargo, consent', () => {
	it('saves the personal salutation at once', async () => {
		const { onedit, user } = setup();
		const friend = screen.getByRole('checkbox', { name: 'Persönliche Anrede (Freund)' });
		expect(friend).toHaveAccessibleDescription(/Lieber Max/);
		await user.click(friend);
		expect(sets(onedit)).toEqual([[{ type: 'set', field: 'friend', value: true }]]);
		expect(friend).toBeChecked();
	});

	it('saves a trade embargo once the reason is given (the date starts as today), and lifts it', async () => {
		const { onedit, user } = setup();
		await user.click(screen.getByRole('checkbox', { name: 'Handelssperre' }));
		expect(onedit).not.toHaveBeenCalled();
		const since = screen.getByLabelText('Handelssperre seit');
		expect(since).toHaveValue('2026-03-15');
		const reason = screen.getByRole('textbox', { name: 'Grund der Handelssperre' });
		expect(reason).toHaveAccessibleDescription('Wird gespeichert, sobald beide Angaben gültig sind.');
		await user.type(reason, 'Offene Forderungen');
		await user.tab();
		await waitFor(() =>
			expect(sets(onedit)).toEqual([
				[{ type: 'set', field: 'embargo', value: { reason: 'Offene Forderungen', since: '2026-03-15' } }]
			])
		);
		await user.click(screen.getByRole('checkbox', { name: 'Handelssperre' }));
		expect(onedit).toHaveBeenLastCalledWith([{ type: 'set', field: 'embargo', value: null }]);
		await waitFor(() =>
			expect(screen.queryByRole('textbox', { name: 'Grund der Handelssperre' })).toBeNull()
		);
	});

	it('saves no embargo without a reason, nor with a date in the future, and says so', async () => {
		const { onedit, user } = setup({
			contact: makeContact({ embargo: { reason: 'Insolvenz', since: '2026-01-15' } })
		});
		const reason = screen.getByRole('textbox', { name: 'Grund der Handelssperre' });
		await user.clear(reason);
		await user.tab();
		expect(await screen.findByRole('alert')).toHaveTextContent('Bitte ausfüllen.');
		expect(reason).toHaveAttribute('aria-invalid', 'true');
		await user.type(reason, 'Insolvenz');
		await user.tab();
		// Back to the stored value: nothing to save, nothing wrong.
		await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
		await fireEvent.change(screen.getByLabelText('Handelssperre seit'), { target: { value: '2026-04-01' } });
		expect(await screen.findByRole('alert')).toHaveTextContent('Das Datum liegt in der Zukunft.');
		expect(onedit).not.toHaveBeenCalled();
	});

	it('records the advertising consent with date and source, and only both together', async () => {
		const { onedit, user } = setup();
		await user.click(screen.getByRole('checkbox', { name: 'Werbeeinwilligung' }));
		await fireEvent.change(screen.getByLabelText('Einwilligung erteilt am'), {
			target: { value: '2025-05-20' }
		});
		expect(onedit).not.toHaveBeenCalled();
		await user.type(screen.getByRole('textbox', { name: 'Quelle der Einwilligung (wie erteilt)' }), 'Messe');
		await user.tab();
		await waitFor(() =>
			expect(sets(onedit)).toEqual([
				[{ type: 'set', field: 'advertisingConsent', value: { date: '2025-05-20', source: 'Messe' } }]
			])
		);
	});
});

describe('ContactStatus: status tags', () => {
	it('offers the workspace tags as checkboxes and adds and removes them', async () => {
		const { onedit, user } = setup({ contact: makeContact({ tags: ['late'] }) });
		const group = screen.getByRole('group', { name: 'Status-Merkmale' });
		const vip = within(group).getByRole('checkbox', { name: 'VIP' });
		const late = within(group).getByRole('checkbox', { name: 'Zahlungsverzug' });
		expect([vip, late].map((c) => (c as HTMLInputElement).checked)).toEqual([false, true]);
		await user.click(vip);
		await user.click(late);
		expect(sets(onedit)).toEqual([[{ type: 'addTag', id: 'vip' }], [{ type: 'removeTag', id: 'late' }]]);
	});

	it('puts a checkbox back and says why when the tag is refused', async () => {
		const { user } = setup({ result: () => ({ ok: false, error: 'tagInvalid', index: 0 }) });
		const vip = screen.getByRole('checkbox', { name: 'VIP' });
		await user.click(vip);
		expect(await screen.findByRole('alert')).toHaveTextContent('Unbekanntes Status-Merkmal.');
		expect(vip).not.toBeChecked();
	});

	it('says where tags are made while the workspace has none', () => {
		setup({ statusTags: [] });
		const group = screen.getByRole('group', { name: 'Status-Merkmale' });
		expect(group).toHaveTextContent('Noch keine Status-Merkmale. Sie werden in den Einstellungen');
		expect(within(group).getByRole('link', { name: 'Zu den Einstellungen' })).toHaveAttribute(
			'href',
			'/settings/workspace'
		);
	});
});

describe('ContactStatus: read-only and English', () => {
	it('shows every value but lets nothing be changed for a reader', () => {
		setup({
			readonly: true,
			contact: makeContact({
				birthday: { day: 12, month: 4, year: 1985 },
				friend: true,
				embargo: { reason: 'Insolvenz', since: '2026-01-15' },
				advertisingConsent: { date: '2025-05-20', source: 'Messe' },
				tags: ['vip']
			})
		});
		expect(screen.getByRole('spinbutton', { name: 'Tag' })).toBeDisabled();
		expect(screen.getByRole('spinbutton', { name: 'Tag' })).toHaveValue(12);
		expect(screen.getByRole('checkbox', { name: 'Persönliche Anrede (Freund)' })).toBeDisabled();
		expect(screen.getByRole('textbox', { name: 'Grund der Handelssperre' })).toBeDisabled();
		expect(screen.getByRole('textbox', { name: 'Grund der Handelssperre' })).toHaveValue('Insolvenz');
		expect(screen.getByRole('textbox', { name: 'Quelle der Einwilligung (wie erteilt)' })).toHaveValue(
			'Messe'
		);
		expect(screen.getByRole('checkbox', { name: 'VIP' })).toBeDisabled();
		expect(screen.getByRole('checkbox', { name: 'VIP' })).toBeChecked();
		expect(screen.queryByRole('button', { name: 'Geburtstag entfernen' })).toBeNull();
	});

	it('speaks English when the UI does', async () => {
		i18n.lang = 'en';
		const { user } = setup();
		expect(screen.getByRole('heading', { name: 'Status, birthday and consent' })).toBeInTheDocument();
		expect(screen.getByRole('checkbox', { name: 'Personal salutation (friend)' })).toBeInTheDocument();
		await user.type(screen.getByRole('spinbutton', { name: 'Day' }), '31');
		await user.selectOptions(screen.getByRole('combobox', { name: 'Month' }), 'April');
		expect(await screen.findByRole('alert')).toHaveTextContent('This month has no such day.');
	});
});
