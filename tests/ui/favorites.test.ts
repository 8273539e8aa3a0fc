import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContactEdit, ListEntry } from '../../src/lib/domain';
import { KontorStore, LOCAL_FAVORITES, userFavorites, type FavoriteOwner } from '../../src/lib/store';
import FavoriteToggle from '../../src/lib/ui/contact/FavoriteToggle.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import ListPane from '../../src/lib/ui/list/ListPane.svelte';
import { ContactListModel } from '../../src/lib/ui/state/contact-list.svelte';
import { FavoritesModel, favoriteOwner } from '../../src/lib/ui/state/favorites.svelte';
import { AccountBox } from './favorites-fixtures.svelte';

vi.mock('$app/navigation', () => ({ goto: vi.fn() }));

/** jsdom has no layout: the list's measured height stays at its default. */
class NoResize {
	observe(): void {}
	unobserve(): void {}
	disconnect(): void {}
}

const TAGS: ListEntry[] = [
	{ id: 'vip', name: 'VIP', color: '#1f4e79' },
	{ id: 'late', name: 'Zahlungsverzug', color: '#b3261e' }
];
/** 28 February 2026, a year without 29 February, in the morning (device time). */
const TODAY = new Date(2026, 1, 28, 9, 30);

let store: KontorStore | undefined;
const disposables: { dispose(): void }[] = [];

beforeEach(() => {
	i18n.lang = 'de';
	vi.stubGlobal('ResizeObserver', NoResize);
});

afterEach(() => {
	vi.unstubAllGlobals();
	for (const d of disposables.splice(0)) d.dispose();
	store?.close();
	store = undefined;
	i18n.lang = 'de';
});

const set = (field: string, value: unknown) => ({ type: 'set', field, value }) as ContactEdit;

async function person(s: KontorStore, firstName: string, lastName: string, edits: ContactEdit[] = []) {
	const result = await s.createContact('person', { fields: { firstName, lastName }, edits });
	if (!result.ok || !result.id) throw new Error('not created');
	return result.id;
}

/** Four persons: Leap born 29 Feb, Brandt born 28 Feb (blocked, VIP), Albers and Zander none. */
async function setup(owner: () => FavoriteOwner = () => LOCAL_FAVORITES) {
	const s = await KontorStore.open({ name: `kontor-fav-${crypto.randomUUID()}` });
	store = s;
	const leap = await person(s, 'Lea', 'Leap', [set('birthday', { day: 29, month: 2, year: 1988 })]);
	const brandt = await person(s, 'Bernd', 'Brandt', [
		set('birthday', { day: 28, month: 2, year: null }),
		set('embargo', { reason: 'Insolvenz', since: '2026-01-15' }),
		{ type: 'addTag', id: 'vip' }
	]);
	const albers = await person(s, 'Anna', 'Albers', [{ type: 'addTag', id: 'late' }]);
	const zander = await person(s, 'Zoe', 'Zander');
	const list = new ContactListModel(s);
	const favorites = new FavoritesModel(s, owner, () => TODAY);
	disposables.push(list, favorites);
	await list.refresh();
	await waitFor(() => expect(favorites.loaded).toBe(true));
	render(ListPane, {
		props: { list, favorites, statusTags: TAGS, groups: [], selectedId: null, oncreate: () => undefined }
	});
	return { store: s, list, favorites, leap, brandt, albers, zander, user: userEvent.setup() };
}

const section = () => screen.getByRole('region', { name: 'Favoriten und heutige Geburtstage' });
const favoriteNames = () =>
	within(section())
		.getAllByRole('link')
		.map((a) => a.textContent);

describe('Favoriten at the top of the list', () => {
	it("lists today's birthdays, 29 February on 28 February of a year without one, with a cake read as words", async () => {
		await setup();
		await waitFor(() => expect(favoriteNames()).toEqual(['Brandt, Bernd', 'Leap, Lea']));
		expect(within(section()).getByRole('heading', { name: 'Favoriten' })).toBeInTheDocument();
		const [brandt, leap] = within(section()).getAllByRole('listitem') as [HTMLElement, HTMLElement];
		expect(within(leap).getByText('🎂')).toHaveAttribute('aria-hidden', 'true');
		// Born 1988: 38 on the day the birthday is shown.
		expect(leap).toHaveTextContent('hat heute Geburtstag und wird 38');
		expect(brandt).toHaveTextContent('hat heute Geburtstag');
		// The badges stand beside the name here too.
		expect(within(brandt).getByText('VIP')).toBeInTheDocument();
		expect(brandt).toHaveTextContent('Handelssperre seit 15.01.2026: Insolvenz');
	});

	it('adds a starred contact, marked as favourite, and takes it away again', async () => {
		const { favorites, zander } = await setup();
		await favorites.toggle(zander);
		await waitFor(() => expect(favoriteNames()).toEqual(['Brandt, Bernd', 'Leap, Lea', 'Zander, Zoe']));
		const item = within(section()).getAllByRole('listitem')[2] as HTMLElement;
		expect(within(item).getByText('★')).toHaveAttribute('aria-hidden', 'true');
		expect(item).toHaveTextContent('(Favorit)');
		expect(item).not.toHaveTextContent('Geburtstag');
		await favorites.toggle(zander);
		await waitFor(() => expect(favoriteNames()).toEqual(['Brandt, Bernd', 'Leap, Lea']));
	});

	it('keeps the stars of each user apart, and follows a change of account', async () => {
		const account = new AccountBox();
		const { store: s, favorites, albers, zander } = await setup(() => favoriteOwner(account.current));
		await s.setFavorite(userFavorites('u-anna'), albers, true);
		await s.setFavorite(LOCAL_FAVORITES, zander, true);
		await waitFor(() => expect(favoriteNames()).toContain('Zander, Zoe'));
		expect(favoriteNames()).not.toContain('Albers, Anna');

		account.current = { user: { id: 'u-anna' } };
		await waitFor(() => expect(favoriteNames()).toEqual(['Albers, Anna', 'Brandt, Bernd', 'Leap, Lea']));
		expect(favorites.isStarred(albers)).toBe(true);
		expect(favorites.isStarred(zander)).toBe(false);
	});

	it('follows a birthday set in the contact (the row changes)', async () => {
		const { store: s, albers } = await setup();
		await waitFor(() => expect(favoriteNames()).toEqual(['Brandt, Bernd', 'Leap, Lea']));
		await s.editContact(albers, [set('birthday', { day: 28, month: 2, year: null })]);
		await waitFor(() => expect(favoriteNames()).toEqual(['Albers, Anna', 'Brandt, Bernd', 'Leap, Lea']));
	});

	it('is hidden in the archived view and while searching', async () => {
		const { user } = await setup();
		const shown = () => screen.queryByRole('region', { name: /Favoriten/ });
		await waitFor(() => expect(shown()).toBeInTheDocument());
		await user.click(screen.getByRole('checkbox', { name: 'Archiviert' }));
		await waitFor(() => expect(shown()).toBeNull());
		await user.click(screen.getByRole('checkbox', { name: 'Archiviert' }));
		await waitFor(() => expect(shown()).toBeInTheDocument());
		await user.type(screen.getByRole('searchbox', { name: 'Suchen' }), 'Zan');
		await waitFor(() => expect(shown()).toBeNull());
	});
});

describe('the list filtered by status tag', () => {
	const listNames = () =>
		within(screen.getByRole('listbox', { name: 'Kontaktliste' }))
			.queryAllByRole('link')
			.map((a) => a.textContent);

	it('offers the workspace tags and lists only the contacts with the chosen one, with their tags', async () => {
		const { user } = await setup();
		await waitFor(() => expect(listNames()).toHaveLength(4));
		const filter = screen.getByRole('combobox', { name: 'Status-Merkmal' });
		await user.selectOptions(filter, 'VIP');
		await waitFor(() => expect(listNames()).toEqual(['Brandt, Bernd']));
		const option = within(screen.getByRole('listbox', { name: 'Kontaktliste' })).getByRole('option');
		expect(within(option).getByText('VIP')).toBeInTheDocument();
		expect(option).toHaveTextContent('Handelssperre seit 15.01.2026: Insolvenz');
		await user.selectOptions(filter, 'Zahlungsverzug');
		await waitFor(() => expect(listNames()).toEqual(['Albers, Anna']));
		await user.selectOptions(filter, 'Alle Merkmale');
		await waitFor(() => expect(listNames()).toHaveLength(4));
	});
});

describe('FavoriteToggle', () => {
	it('is a toggle button: pressed when starred, by keyboard too', async () => {
		const ontoggle = vi.fn();
		const user = userEvent.setup();
		const view = render(FavoriteToggle, { props: { starred: false, ontoggle } });
		const button = screen.getByRole('button', { name: 'Favorit' });
		expect(button).toHaveAttribute('aria-pressed', 'false');
		expect(button).toHaveAttribute('title', 'Zu den Favoriten (nur für Sie, auf diesem Gerät)');
		button.focus();
		await user.keyboard('{Enter}');
		await user.keyboard(' ');
		expect(ontoggle).toHaveBeenCalledTimes(2);
		await view.rerender({ starred: true, ontoggle });
		expect(screen.getByRole('button', { name: 'Favorit', pressed: true })).toHaveAttribute(
			'title',
			'Aus den Favoriten entfernen'
		);
	});

	it('stars through the model, which the section and the button both read', async () => {
		const { favorites, zander } = await setup();
		expect(favorites.isStarred(zander)).toBe(false);
		render(FavoriteToggle, {
			props: { starred: favorites.isStarred(zander), ontoggle: () => favorites.toggle(zander) }
		});
		await userEvent.setup().click(screen.getByRole('button', { name: 'Favorit' }));
		await waitFor(() => expect(favorites.isStarred(zander)).toBe(true));
		expect(await store?.favorites(LOCAL_FAVORITES)).toEqual([zander]);
	});
});
