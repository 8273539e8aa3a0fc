process.env.TZ = 'Europe/Berlin';

import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InheritanceSource } from '../../src/lib/domain';
import ChannelList from '../../src/lib/ui/contact/ChannelList.svelte';
import ContactForm from '../../src/lib/ui/contact/ContactForm.svelte';
import TextField from '../../src/lib/ui/contact/TextField.svelte';
import { describeContext } from '../../src/lib/ui/history/describe';
import type { FieldHistoryData } from '../../src/lib/ui/history/field-history';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { makeContact } from '../factories';
import { COMPANY, GROUPS, PARENT_ID, PHONE, at, entry, linearHistory } from './history-fixtures';

const history = linearHistory();
const context = describeContext({ channels: COMPANY.channels, history, groups: GROUPS });

function data(path: string[], overrides: Partial<FieldHistoryData> = {}): FieldHistoryData {
	return { entries: history, context, path, ...overrides };
}

function cityField(fieldHistory: FieldHistoryData = data(['fields', 'city'])) {
	render(TextField, {
		props: { id: 'city', label: 'Ort', value: 'Bonn', onsave: async () => null, history: fieldHistory }
	});
	return { field: screen.getByRole('textbox', { name: 'Ort' }), user: userEvent.setup() };
}

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	i18n.lang = 'de';
});

const CITY_TIP = 'Vorher: Köln · geändert am 28.11.2026, 10:05 von Erika Muster';

describe('FieldHistory on a text field', () => {
	it('shows the previous value, date and author while the pointer rests on the field', async () => {
		const { field, user } = cityField();
		expect(screen.queryByRole('tooltip')).toBeNull();
		await user.hover(field);
		const tip = await screen.findByRole('tooltip');
		expect(tip).toHaveTextContent(CITY_TIP);
		await user.unhover(field);
		expect(screen.queryByRole('tooltip')).toBeNull();
	});

	it('shows it on keyboard focus, describes the field with it, and hides it on blur and Escape', async () => {
		const { field, user } = cityField();
		expect(field).toHaveAccessibleDescription(CITY_TIP);
		await user.tab();
		expect(field).toHaveFocus();
		expect(screen.getByRole('tooltip')).toHaveTextContent(CITY_TIP);
		await user.keyboard('{Escape}');
		expect(screen.queryByRole('tooltip')).toBeNull();
		await user.tab({ shift: true });
		await user.tab();
		expect(screen.getByRole('tooltip')).toBeInTheDocument();
		await user.tab();
		expect(screen.queryByRole('tooltip')).toBeNull();
	});

	it('gets out of the way while the user types', async () => {
		const { field, user } = cityField();
		await user.click(field);
		expect(screen.getByRole('tooltip')).toBeInTheDocument();
		await user.type(field, 'x');
		expect(screen.queryByRole('tooltip')).toBeNull();
	});

	it('says when a value was set at creation and never changed', async () => {
		render(TextField, {
			props: {
				id: 'name',
				label: 'Firma',
				value: 'Mustermann GmbH',
				onsave: async () => null,
				history: data(['fields', 'companyName'])
			}
		});
		render(TextField, {
			props: {
				id: 'zip',
				label: 'PLZ',
				value: '',
				onsave: async () => null,
				history: data(['fields', 'zip'], { entries: [] })
			}
		});
		expect(screen.getByRole('textbox', { name: 'Firma' })).toHaveAccessibleDescription(
			'Angelegt am 28.11.2026, 10:00 von Erika Muster'
		);
		expect(screen.getByRole('textbox', { name: 'PLZ' })).toHaveAccessibleDescription('Noch nie geändert');
	});
});

describe('FieldHistory on a channel entry', () => {
	it("shows the entry's previous value, not its derived normalized form", async () => {
		render(ChannelList, {
			props: {
				channels: [PHONE],
				country: 'DE',
				onedit: vi.fn(async () => ({ ok: true as const })),
				history: (path: string[]) => data(path)
			}
		});
		const user = userEvent.setup();
		const phone = screen.getByRole('textbox', { name: 'Telefon Zentrale' });
		const expected = 'Vorher: 030 1234567 · geändert am 28.11.2026, 10:20 von Max Mustermann';
		await user.hover(phone);
		expect(await screen.findByRole('tooltip')).toHaveTextContent(expected);
		expect(phone).toHaveAccessibleDescription(expected);
		await user.unhover(phone);
		await waitFor(() => expect(screen.queryByRole('tooltip')).toBeNull());
	});
});

describe('FieldHistory on inherited values', () => {
	const parentHistory = [
		entry([{ path: ['fields', 'city'], from: 'Köln', to: 'Bonn' }], {
			time: at(30),
			clockEnd: 10,
			author: 'Max Mustermann'
		}),
		entry([{ path: ['fields', 'kind'], to: 'company' }], { time: at(0), clockEnd: 5 })
	];
	const parent: InheritanceSource = {
		id: PARENT_ID,
		displayName: 'Hartmann Logistik GmbH',
		address: {
			companyName: 'Hartmann Logistik GmbH',
			street: 'Rheinweg 3',
			zip: '53111',
			city: 'Bonn',
			country: 'DE'
		},
		groups: []
	};

	function person(inheritAddress: boolean) {
		const contact = makeContact({ kind: 'person', parentId: PARENT_ID, inheritAddress, city: 'Berlin' });
		render(ContactForm, {
			props: {
				contact,
				parent,
				groups: GROUPS,
				onedit: vi.fn(async () => ({ ok: true as const })),
				history: {
					own: [
						entry([{ path: ['fields', 'city'], from: 'Hamburg', to: 'Berlin' }], {
							time: at(40),
							clockEnd: 20
						})
					],
					context,
					address: { name: 'Hartmann Logistik GmbH', entries: parentHistory },
					groups: null
				}
			}
		});
		return { city: screen.getByRole('textbox', { name: 'Ort' }), user: userEvent.setup() };
	}

	it("says the value comes from the parent and shows the parent's change", async () => {
		const { city, user } = person(true);
		await user.click(city);
		expect(screen.getByRole('tooltip')).toHaveTextContent(
			'Wert von Hartmann Logistik GmbH: vorher Köln · geändert am 28.11.2026, 10:30 von Max Mustermann'
		);
	});

	it('shows the own change once the contact stops inheriting', async () => {
		const { city, user } = person(false);
		await user.click(city);
		expect(screen.getByRole('tooltip')).toHaveTextContent(
			'Vorher: Hamburg · geändert am 28.11.2026, 10:40 von Erika Muster'
		);
	});
});
