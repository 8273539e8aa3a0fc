import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ParentPicker, { type ParentOption } from '../../src/lib/ui/contact/ParentPicker.svelte';
import type { ContactId } from '../../src/lib/domain';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { mulberry32, seededContactId } from '../factories';

const rng = mulberry32(20240611);
const CURRENT_ID = seededContactId(rng);

const OPTIONS: ParentOption[] = [
	{ id: seededContactId(rng), name: 'Müller Maschinenbau GmbH', detail: '80331 München' },
	{
		id: seededContactId(rng),
		name: 'Müller & Söhne KG',
		detail: '50667 Köln',
		embargo: { reason: 'Sanktionsliste', since: '2026-02-01' },
		tags: ['vip']
	},
	{ id: seededContactId(rng), name: '', detail: '10115 Berlin' }
];

interface SetupOptions {
	current?: { id: ContactId; name: string } | null;
	readonly?: boolean;
	/** What `onchoose` resolves to: an error text, or null for success. */
	chooseResult?: string | null;
}

function setup(options: SetupOptions = {}) {
	const search = vi.fn(async (query: string): Promise<ParentOption[]> =>
		OPTIONS.filter((o) => o.name.includes(query) || o.detail.includes(query))
	);
	const onchoose = vi.fn(async (): Promise<string | null> => options.chooseResult ?? null);
	const view = render(ParentPicker, {
		props: {
			id: 'parent-test',
			current:
				options.current === undefined ? { id: CURRENT_ID, name: 'Hartmann Logistik GmbH' } : options.current,
			readonly: options.readonly,
			search,
			onchoose,
			statusTags: [{ id: 'vip', name: 'VIP', color: '#b8860b' }]
		}
	});
	return { search, onchoose, view, user: userEvent.setup() };
}

const openButton = (): HTMLElement => screen.getByRole('button', { name: 'Zuordnung ändern' });
const combobox = (): HTMLElement => screen.getByRole('combobox', { name: 'Übergeordneten Kontakt suchen' });

/** Opens the search and types `text`; resolves once the options for it are listed. */
async function searchFor(user: ReturnType<typeof userEvent.setup>, text: string): Promise<HTMLElement[]> {
	await user.click(openButton());
	await user.keyboard(text);
	return screen.findAllByRole('option');
}

beforeEach(() => {
	i18n.reset();
});

describe('ParentPicker', () => {
	it('shows the current parent as a link', () => {
		setup();
		expect(screen.getByRole('link', { name: 'Hartmann Logistik GmbH' })).toHaveAttribute(
			'href',
			`/contacts/${CURRENT_ID}`
		);
		expect(screen.queryByText('Keine übergeordnete Firma')).toBeNull();
	});

	it('names a parent without a name as unnamed', () => {
		setup({ current: { id: CURRENT_ID, name: '' } });
		expect(screen.getByRole('link', { name: '(ohne Namen)' })).toHaveAttribute(
			'href',
			`/contacts/${CURRENT_ID}`
		);
	});

	it('says so when there is no parent, and offers no removal', () => {
		setup({ current: null });
		expect(screen.getByText('Keine übergeordnete Firma')).toBeInTheDocument();
		expect(screen.queryByRole('link')).toBeNull();
		expect(openButton()).toBeInTheDocument();
		expect(screen.queryByRole('button', { name: 'Zuordnung lösen' })).toBeNull();
	});

	it('opens a search combobox that takes the focus', async () => {
		const { user } = setup();
		expect(screen.queryByRole('combobox')).toBeNull();
		expect(openButton()).toHaveAttribute('aria-expanded', 'false');

		await user.click(openButton());

		expect(combobox()).toHaveFocus();
		expect(openButton()).toHaveAttribute('aria-expanded', 'true');
		expect(openButton()).toHaveAttribute('aria-controls', 'parent-test-search');
		expect(combobox()).toHaveAttribute('aria-expanded', 'false');
		expect(combobox()).not.toHaveAttribute('aria-activedescendant');
	});

	it('searches as the user types and lists the options', async () => {
		const { search, user } = setup();
		const options = await searchFor(user, 'Mül');

		expect(search).toHaveBeenLastCalledWith('Mül');
		expect(options.map((o) => o.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
			'Müller Maschinenbau GmbH 80331 München',
			'Müller & Söhne KG Handelssperre Handelssperre seit 01.02.2026: Sanktionsliste VIP 50667 Köln'
		]);
		expect(screen.getByRole('listbox', { name: 'Übergeordneten Kontakt suchen' })).toBeInTheDocument();
		expect(combobox()).toHaveAttribute('aria-expanded', 'true');
		expect(combobox()).toHaveAttribute('aria-controls', 'parent-test-options');
	});

	it('names an option without a name as unnamed', async () => {
		const { user } = setup();
		const options = await searchFor(user, 'Berlin');
		expect(options).toHaveLength(1);
		expect(options[0]).toHaveTextContent('(ohne Namen)');
	});

	it('does not search for an empty query', async () => {
		const { search, user } = setup();
		await searchFor(user, 'Mül');
		search.mockClear();

		await user.clear(combobox());

		expect(search).not.toHaveBeenCalled();
		expect(screen.queryAllByRole('option')).toEqual([]);
		expect(combobox()).toHaveAttribute('aria-expanded', 'false');
	});

	it('moves the active option with the arrow keys, wrapping around', async () => {
		const { user } = setup();
		const options = await searchFor(user, 'Mül');
		const [first, second] = options as [HTMLElement, HTMLElement];

		expect(combobox()).toHaveAttribute('aria-activedescendant', first.id);
		expect(first).toHaveAttribute('aria-selected', 'true');
		expect(second).toHaveAttribute('aria-selected', 'false');

		await user.keyboard('{ArrowDown}');
		expect(combobox()).toHaveAttribute('aria-activedescendant', second.id);
		expect(first).toHaveAttribute('aria-selected', 'false');
		expect(second).toHaveAttribute('aria-selected', 'true');

		await user.keyboard('{ArrowDown}');
		expect(combobox()).toHaveAttribute('aria-activedescendant', first.id);

		await user.keyboard('{ArrowUp}');
		expect(combobox()).toHaveAttribute('aria-activedescendant', second.id);
		await user.keyboard('{ArrowUp}');
		expect(combobox()).toHaveAttribute('aria-activedescendant', first.id);
		expect(combobox()).toHaveFocus();
	});

	it('chooses the active option with Enter and closes the search', async () => {
		const { onchoose, user } = setup();
		await searchFor(user, 'Mül');

		await user.keyboard('{ArrowDown}{Enter}');

		expect(onchoose).toHaveBeenCalledTimes(1);
		expect(onchoose).toHaveBeenCalledWith(OPTIONS[1]!.id);
		await vi.waitFor(() => expect(screen.queryByRole('combobox')).toBeNull());
		expect(openButton()).toHaveAttribute('aria-expanded', 'false');
		expect(openButton()).toHaveFocus();
	});

	it('chooses an option by clicking it', async () => {
		const { onchoose, user } = setup();
		const [first] = await searchFor(user, 'Mül');

		await user.click(first!);

		expect(onchoose).toHaveBeenCalledWith(OPTIONS[0]!.id);
		await vi.waitFor(() => expect(screen.queryByRole('combobox')).toBeNull());
	});

	it('shows an error from choosing and keeps the search open', async () => {
		const message = 'Diese Zuordnung ist nicht möglich: Der Kontakt wäre dann sein eigener Vorgänger.';
		const { onchoose, user } = setup({ chooseResult: message });
		await searchFor(user, 'Mül');

		await user.keyboard('{Enter}');

		expect(await screen.findByRole('alert')).toHaveTextContent(message);
		expect(onchoose).toHaveBeenCalledWith(OPTIONS[0]!.id);
		expect(combobox()).toHaveValue('Mül');
		expect(screen.getAllByRole('option')).toHaveLength(2);
		expect(combobox()).toHaveFocus();
	});

	it('does nothing on Enter without options', async () => {
		const { onchoose, user } = setup();
		await user.click(openButton());

		await user.keyboard('{ArrowDown}{Enter}');

		expect(onchoose).not.toHaveBeenCalled();
		expect(combobox()).toBeInTheDocument();
	});

	it('removes the parent with "Zuordnung lösen"', async () => {
		const { onchoose, user } = setup();

		await user.click(screen.getByRole('button', { name: 'Zuordnung lösen' }));

		expect(onchoose).toHaveBeenCalledWith(null);
	});

	it('closes the search with Escape and returns the focus to its button', async () => {
		const { onchoose, user } = setup();
		await searchFor(user, 'Mül');

		await user.keyboard('{Escape}');

		expect(screen.queryByRole('combobox')).toBeNull();
		expect(screen.queryByRole('option')).toBeNull();
		expect(openButton()).toHaveAttribute('aria-expanded', 'false');
		expect(openButton()).toHaveFocus();
		expect(onchoose).not.toHaveBeenCalled();
	});

	it('closes the search with its button', async () => {
		const { user } = setup();
		await user.click(openButton());
		expect(combobox()).toBeInTheDocument();

		await user.click(openButton());

		expect(screen.queryByRole('combobox')).toBeNull();
	});

	it('offers no changes when read-only', () => {
		setup({ readonly: true });
		expect(screen.getByRole('link', { name: 'Hartmann Logistik GmbH' })).toBeInTheDocument();
		expect(screen.queryAllByRole('button')).toEqual([]);
		expect(screen.queryByRole('combobox')).toBeNull();
	});

	it('shows the embargo badge and status tags beside the names it offers', async () => {
		const { user } = setup();
		const options = await searchFor(user, 'Müller');
		const soehne = options.find((o) => o.textContent?.includes('Söhne')) as HTMLElement;
		expect(soehne).toHaveTextContent('Handelssperre');
		expect(soehne).toHaveTextContent('VIP');
		const maschinenbau = options.find((o) => o.textContent?.includes('Maschinenbau')) as HTMLElement;
		expect(maschinenbau).not.toHaveTextContent('Handelssperre');
	});
});
