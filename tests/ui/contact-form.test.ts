import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ContactForm from '../../src/lib/ui/contact/ContactForm.svelte';
import type { Contact, ContactEdit, ContactGroup, InheritanceSource } from '../../src/lib/domain';
import type { EditResult } from '../../src/lib/store';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { makeChannel, makeContact, mulberry32, seededContactId, seededGroupId } from '../factories';

const rng = mulberry32(4711);
const PARENT_ID = seededContactId(rng);
const CHILD_ID = seededContactId(rng);
const COMPANY_ID = seededContactId(rng);
const REGULARS = seededGroupId(rng);
const SUPPLIERS = seededGroupId(rng);
const NEWSLETTER = seededGroupId(rng);

const GROUPS: ContactGroup[] = [
	{ id: REGULARS, name: 'Stammkunden', color: '#1f4e79' },
	{ id: SUPPLIERS, name: 'Lieferanten', color: '#2e7d32' },
	{ id: NEWSLETTER, name: 'Newsletter', color: '#b3261e' }
];

/** The company a contact person belongs to, as the page hands it to the form. */
const PARENT: InheritanceSource = {
	id: PARENT_ID,
	displayName: 'Hartmann Logistik GmbH',
	address: {
		companyName: 'Hartmann Logistik GmbH',
		street: 'Industriestraße 7',
		zip: '5020',
		city: 'Salzburg',
		country: 'AT'
	},
	groups: [SUPPLIERS, NEWSLETTER]
};

/** A contact person of PARENT with an address and groups of its own, different from the parent's. */
function person(overrides: Partial<Contact> = {}): Contact {
	return makeContact({
		id: CHILD_ID,
		kind: 'person',
		salutation: 'ms',
		firstName: 'Erika',
		lastName: 'Mustermann',
		companyName: 'Eigene Firma KG',
		street: 'Hauptstraße 1',
		zip: '10115',
		city: 'Berlin',
		country: 'DE',
		parentId: PARENT_ID,
		inheritAddress: false,
		inheritGroups: false,
		groups: [REGULARS],
		...overrides
	});
}

function company(overrides: Partial<Contact> = {}): Contact {
	return makeContact({ id: COMPANY_ID, kind: 'company', companyName: 'Mustermann GmbH', ...overrides });
}

interface SetupOptions {
	contact?: Contact;
	parent?: InheritanceSource | null;
	readonly?: boolean;
	result?: (edits: ContactEdit[]) => EditResult;
	/** Like the page: a saved edit re-renders the form with the changed contact before resolving. */
	live?: boolean;
}

function setup(options: SetupOptions = {}) {
	let current = options.contact ?? person();
	const onedit = vi.fn(async (edits: ContactEdit[]): Promise<EditResult> => {
		const result = options.result?.(edits) ?? { ok: true };
		if (result.ok && options.live) {
			for (const e of edits) if (e.type === 'set') current = { ...current, [e.field]: e.value };
			await view.rerender({ contact: current });
		}
		return result;
	});
	const view = render(ContactForm, {
		props: {
			contact: current,
			parent: options.parent === undefined ? PARENT : options.parent,
			groups: GROUPS,
			readonly: options.readonly,
			onedit
		}
	});
	return { onedit, view, user: userEvent.setup() };
}

const region = (name: string): HTMLElement => screen.getByRole('region', { name });
const textbox = (name: string, scope: HTMLElement = document.body): HTMLInputElement =>
	within(scope).getByRole('textbox', { name }) as HTMLInputElement;

/** Types `text` over the field's value and leaves the field, which saves it. */
async function retype(user: ReturnType<typeof userEvent.setup>, field: HTMLElement, text: string) {
	await user.clear(field);
	await user.type(field, text);
	await user.tab();
}

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	i18n.lang = 'de';
});

describe('ContactForm: inherited address', () => {
	it("shows the parent's address read-only, with a link to the parent", () => {
		setup({ contact: person({ inheritAddress: true }) });
		const address = region('Adresse');

		expect(textbox('Firma', address)).toHaveValue('Hartmann Logistik GmbH');
		expect(textbox('Straße', address)).toHaveValue('Industriestraße 7');
		expect(textbox('PLZ', address)).toHaveValue('5020');
		expect(textbox('Ort', address)).toHaveValue('Salzburg');
		for (const name of ['Firma', 'Straße', 'PLZ', 'Ort'])
			expect(textbox(name, address), name).toHaveAttribute('readonly');

		const country = within(address).getByRole('combobox', { name: 'Land' });
		expect(country).toBeDisabled();
		expect(country).toHaveValue('AT');

		const note = within(address).getByText(/geerbt von/);
		expect(note).toHaveTextContent('geerbt von Hartmann Logistik GmbH');
		expect(within(note).getByRole('link', { name: 'Hartmann Logistik GmbH' })).toHaveAttribute(
			'href',
			`/contacts/${PARENT_ID}`
		);
		expect(country).toHaveAccessibleDescription('geerbt von Hartmann Logistik GmbH');
	});

	it('does not save what is typed into a locked field', async () => {
		const { onedit, user } = setup({ contact: person({ inheritAddress: true }) });
		const city = textbox('Ort', region('Adresse'));

		await user.type(city, 'München{Enter}');
		await user.tab();

		expect(city).toHaveValue('Salzburg');
		expect(onedit).not.toHaveBeenCalled();
	});

	it("falls back to the contact's own address while the parent is not known on this device", () => {
		setup({ contact: person({ inheritAddress: true }), parent: null });
		const address = region('Adresse');

		expect(textbox('Ort', address)).toHaveValue('Berlin');
		expect(textbox('Ort', address)).not.toHaveAttribute('readonly');
		expect(within(address).queryByText(/geerbt von/)).toBeNull();
	});

	it("shows the contact's own address, editable, when inheritance is off", async () => {
		const { onedit, user } = setup();
		const address = region('Adresse');

		expect(textbox('Firma', address)).toHaveValue('Eigene Firma KG');
		expect(textbox('Straße', address)).toHaveValue('Hauptstraße 1');
		expect(textbox('PLZ', address)).toHaveValue('10115');
		expect(textbox('Ort', address)).toHaveValue('Berlin');
		for (const name of ['Firma', 'Straße', 'PLZ', 'Ort'])
			expect(textbox(name, address), name).not.toHaveAttribute('readonly');
		expect(within(address).getByRole('combobox', { name: 'Land' })).toBeEnabled();
		expect(within(address).queryByText(/geerbt von/)).toBeNull();

		await retype(user, textbox('Ort', address), 'München');

		expect(onedit).toHaveBeenCalledTimes(1);
		expect(onedit).toHaveBeenCalledWith([{ type: 'set', field: 'city', value: 'München' }]);
	});

	it('saves a new country from the select', async () => {
		const { onedit, user } = setup();

		await user.selectOptions(within(region('Adresse')).getByRole('combobox', { name: 'Land' }), 'CH');

		expect(onedit).toHaveBeenCalledWith([{ type: 'set', field: 'country', value: 'CH' }]);
	});
});

describe('ContactForm: inherited groups', () => {
	it("shows the parent's groups, disabled, with a note naming the parent", async () => {
		const { onedit, user } = setup({ contact: person({ inheritGroups: true }) });
		const fieldset = screen.getByRole('group', { name: 'Kontaktgruppen' });

		expect(fieldset).toBeDisabled();
		expect(within(fieldset).getByRole('checkbox', { name: 'Stammkunden' })).not.toBeChecked();
		expect(within(fieldset).getByRole('checkbox', { name: 'Lieferanten' })).toBeChecked();
		expect(within(fieldset).getByRole('checkbox', { name: 'Newsletter' })).toBeChecked();
		for (const box of within(fieldset).getAllByRole('checkbox')) expect(box).toBeDisabled();

		const note = within(fieldset).getByText(/geerbt von/);
		expect(note).toHaveTextContent('geerbt von Hartmann Logistik GmbH');
		expect(within(note).getByRole('link')).toHaveAttribute('href', `/contacts/${PARENT_ID}`);

		await user.click(within(fieldset).getByRole('checkbox', { name: 'Stammkunden' }));
		expect(onedit).not.toHaveBeenCalled();
	});

	it("shows the contact's own groups when inheritance is off; toggling adds and removes", async () => {
		const { onedit, user } = setup();
		const fieldset = screen.getByRole('group', { name: 'Kontaktgruppen' });

		expect(fieldset).toBeEnabled();
		expect(within(fieldset).queryByText(/geerbt von/)).toBeNull();
		expect(within(fieldset).getByRole('checkbox', { name: 'Stammkunden' })).toBeChecked();
		expect(within(fieldset).getByRole('checkbox', { name: 'Lieferanten' })).not.toBeChecked();

		await user.click(within(fieldset).getByRole('checkbox', { name: 'Lieferanten' }));
		await user.click(within(fieldset).getByRole('checkbox', { name: 'Stammkunden' }));

		expect(onedit.mock.calls).toEqual([
			[[{ type: 'addGroup', id: SUPPLIERS }]],
			[[{ type: 'removeGroup', id: REGULARS }]]
		]);
	});

	it('offers to manage groups when there are none', () => {
		render(ContactForm, {
			props: { contact: person(), parent: PARENT, groups: [], onedit: vi.fn() }
		});
		expect(screen.getByText('Noch keine Kontaktgruppen.')).toBeInTheDocument();
		expect(screen.getByRole('link', { name: 'Kontaktgruppen verwalten' })).toHaveAttribute('href', '/groups');
	});
});

describe('ContactForm: inherit toggles', () => {
	it('sends the inherit switches as booleans', async () => {
		const { onedit, user } = setup({ contact: person({ inheritAddress: true, inheritGroups: false }) });
		const address = screen.getByRole('checkbox', { name: 'Adresse erben' });
		const groups = screen.getByRole('checkbox', { name: 'Kontaktgruppe erben' });
		expect(address).toBeChecked();
		expect(groups).not.toBeChecked();

		await user.click(address);
		await user.click(groups);

		expect(onedit.mock.calls).toEqual([
			[[{ type: 'set', field: 'inheritAddress', value: false }]],
			[[{ type: 'set', field: 'inheritGroups', value: true }]]
		]);
	});

	it('has no inherit switches for a contact without a parent', () => {
		setup({ contact: person({ parentId: null }), parent: null });
		expect(screen.queryByRole('checkbox', { name: 'Adresse erben' })).toBeNull();
		expect(screen.queryByRole('checkbox', { name: 'Kontaktgruppe erben' })).toBeNull();
	});

	it('renders the parent picker it is given in the parent section', () => {
		setup({ contact: company(), parent: null });
		expect(region('Gehört zu Firma')).toBeInTheDocument();
		expect(screen.queryByRole('checkbox', { name: 'Adresse erben' })).toBeNull();
	});
});

describe('ContactForm: name', () => {
	it('shows the company name for a company, and no person fields', () => {
		setup({ contact: company(), parent: null });
		const name = region('Name');

		expect(textbox('Firma', name)).toHaveValue('Mustermann GmbH');
		expect(within(name).queryByRole('combobox', { name: 'Anrede' })).toBeNull();
		expect(within(name).queryByRole('textbox', { name: 'Vorname' })).toBeNull();
		expect(within(name).queryByRole('textbox', { name: 'Nachname' })).toBeNull();
		// The company name is in the Name section only, not repeated in the address.
		expect(within(region('Adresse')).queryByRole('textbox', { name: 'Firma' })).toBeNull();
	});

	it('shows salutation, title, first and last name for a person', async () => {
		const { onedit, user } = setup({ contact: person({ title: 'Dr.' }) });
		const name = region('Name');

		expect(within(name).getByRole('combobox', { name: 'Anrede' })).toHaveValue('ms');
		expect(textbox('Titel', name)).toHaveValue('Dr.');
		expect(textbox('Vorname', name)).toHaveValue('Erika');
		expect(textbox('Nachname', name)).toHaveValue('Mustermann');
		expect(within(name).queryByRole('textbox', { name: 'Firma' })).toBeNull();

		await user.selectOptions(within(name).getByRole('combobox', { name: 'Anrede' }), 'Herr');
		expect(onedit).toHaveBeenCalledWith([{ type: 'set', field: 'salutation', value: 'mr' }]);

		await retype(user, textbox('Vorname', name), 'Max');
		expect(onedit).toHaveBeenLastCalledWith([{ type: 'set', field: 'firstName', value: 'Max' }]);
	});

	it('saves with Enter once, and does not save an unchanged field', async () => {
		const { onedit, user } = setup({ live: true });
		const last = textbox('Nachname', region('Name'));

		await user.click(last);
		await user.tab();
		expect(onedit).not.toHaveBeenCalled();

		await user.clear(last);
		await user.type(last, 'Musterfrau{Enter}');
		await user.tab();
		expect(onedit).toHaveBeenCalledTimes(1);
		expect(onedit).toHaveBeenCalledWith([{ type: 'set', field: 'lastName', value: 'Musterfrau' }]);
	});
});

describe('ContactForm: errors', () => {
	it('shows a rejected value inline at its field until a save succeeds', async () => {
		let result: EditResult = { ok: false, error: 'countryInvalid', index: 0 };
		const { onedit, user } = setup({ result: () => result });
		const zip = textbox('PLZ', region('Adresse'));

		await retype(user, zip, 'XX-1');

		const alert = await screen.findByRole('alert');
		expect(alert).toHaveTextContent('Bitte einen Ländercode mit zwei Buchstaben angeben (z. B. DE).');
		expect(zip).toHaveAttribute('aria-invalid', 'true');
		expect(zip).toHaveAccessibleDescription('Bitte einen Ländercode mit zwei Buchstaben angeben (z. B. DE).');
		// Inline: the message belongs to the field's own wrapper, next to the input.
		expect(zip.parentElement).toContainElement(alert);
		// What the user typed stays, so it can be corrected.
		expect(zip).toHaveValue('XX-1');

		result = { ok: true };
		await retype(user, zip, '10117');

		expect(onedit).toHaveBeenLastCalledWith([{ type: 'set', field: 'zip', value: '10117' }]);
		expect(screen.queryByRole('alert')).toBeNull();
		expect(zip).not.toHaveAttribute('aria-invalid');
		expect(zip).not.toHaveAccessibleDescription();
	});

	it('clears the error when the user types the stored value back', async () => {
		const { user } = setup({ result: () => ({ ok: false, error: 'tooLong', index: 0 }) });
		const city = textbox('Ort', region('Adresse'));

		await retype(user, city, 'Berlin-Mitte');
		expect(await screen.findByRole('alert')).toHaveTextContent('Der Text ist zu lang.');

		await retype(user, city, 'Berlin');
		expect(screen.queryByRole('alert')).toBeNull();
		expect(city).not.toHaveAttribute('aria-invalid');
	});

	it('shows a storage failure as an unexpected error', async () => {
		const { user, onedit } = setup();
		onedit.mockRejectedValueOnce(new Error('QuotaExceededError'));

		await retype(user, textbox('Ort', region('Adresse')), 'Hamburg');

		expect(await screen.findByRole('alert')).toHaveTextContent('Ein unerwarteter Fehler ist aufgetreten.');
	});

	it('shows the stored choice again when saving a select fails', async () => {
		const { user } = setup({ result: () => ({ ok: false, error: 'salutationInvalid', index: 0 }) });
		const salutation = within(region('Name')).getByRole('combobox', { name: 'Anrede' });

		await user.selectOptions(salutation, 'Herr');

		const alert = await screen.findByRole('alert');
		expect(alert).toHaveTextContent('Unbekannte Anrede.');
		expect(salutation).toHaveValue('ms');
		// The message stands beside the select and describes it.
		expect(salutation).toHaveAttribute('aria-invalid', 'true');
		expect(salutation.getAttribute('aria-describedby')?.split(' ')).toContain(alert.id);
		expect(within(region('Name')).getByRole('alert')).toBe(alert);
	});

	it('shows the stored state again when switching inheritance fails', async () => {
		const { user, onedit } = setup({ contact: person({ inheritAddress: true }) });
		onedit.mockRejectedValueOnce(new Error('storage failed'));
		const toggle = screen.getByRole('checkbox', { name: 'Adresse erben' });

		await user.click(toggle);

		expect(await screen.findByRole('alert')).toHaveTextContent('Ein unerwarteter Fehler ist aufgetreten.');
		expect(toggle).toBeChecked();
	});

	it('shows the stored groups again when toggling a group fails', async () => {
		const { user, onedit } = setup();
		onedit.mockRejectedValueOnce(new Error('storage failed'));
		const regulars = screen.getByRole('checkbox', { name: 'Stammkunden' });

		await user.click(regulars);

		const alert = await screen.findByRole('alert');
		expect(alert).toHaveTextContent('Ein unerwarteter Fehler ist aufgetreten.');
		expect(regulars).toBeChecked();
		expect(regulars.closest('fieldset')).toContainElement(alert);
	});
});

describe('ContactForm: read-only', () => {
	it('offers nothing to edit', () => {
		const { view } = setup({
			readonly: true,
			contact: person({
				channels: [makeChannel({ kind: 'phone' }), makeChannel({ kind: 'email', order: 'a1' })]
			})
		});

		const controls = view.container.querySelectorAll<HTMLElement>('input, textarea, select');
		expect(controls.length).toBeGreaterThan(10);
		for (const control of controls) {
			const locked = control.hasAttribute('readonly') || control.matches(':disabled');
			expect(locked, `${control.tagName} ${control.id}`).toBe(true);
		}
		expect(screen.queryAllByRole('button')).toEqual([]);
		// The channels are shown as links rather than inputs.
		expect(screen.getByRole('link', { name: 'info@example.de' })).toHaveAttribute(
			'href',
			'mailto:info@example.de'
		);
	});
});

describe('ContactForm: UI language', () => {
	it('relabels the fields when the UI language changes', async () => {
		setup();
		expect(textbox('Vorname')).toHaveValue('Erika');

		i18n.lang = 'en';

		expect(await screen.findByRole('textbox', { name: 'First name' })).toHaveValue('Erika');
		expect(screen.queryByRole('textbox', { name: 'Vorname' })).toBeNull();
		expect(screen.getByRole('textbox', { name: 'Last name' })).toHaveValue('Mustermann');
		expect(screen.getByRole('checkbox', { name: /inherit address/i })).toBeInTheDocument();
	});
});
