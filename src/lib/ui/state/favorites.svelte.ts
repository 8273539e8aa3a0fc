/* eslint-disable svelte/prefer-svelte-reactivity -- the starred set is replaced whole, never mutated after publishing */
import { untrack } from 'svelte';
import type { ContactId } from '$lib/domain';
import {
	LOCAL_FAVORITES,
	userFavorites,
	type FavoriteItem,
	type FavoriteOwner,
	type KontorStore,
	type StoreChange
} from '$lib/store';
import { handleError } from './handle-error';

/** The stars' owner for a sync account: its user, or the device's local profile without one. */
export function favoriteOwner(account: { user: { id: string } } | null | undefined): FavoriteOwner {
	return account ? userFavorites(account.user.id) : LOCAL_FAVORITES;
}

/** Milliseconds from `now` to the next local midnight (the day birthdays are looked up for). */
function untilMidnight(now: Date): number {
	const next = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
	return Math.max(1000, next.getTime() - now.getTime());
}

/**
 * The "Favoriten" section and the star on the contact page: the contacts the signed-in user (or
 * the local profile) starred on this device, and the persons with a birthday today (the device's
 * local date). Follows changes of rows and stars in every tab, a change of account, and midnight.
 */
export class FavoritesModel {
	#items = $state.raw<FavoriteItem[]>([]);
	#starred = $state.raw<ReadonlySet<string>>(new Set());
	#loaded = $state(false);
	#today = $state.raw<Date>(new Date());
	#generation = 0;
	#unsubscribe: () => void;
	#stopWatching: () => void;
	#midnight: ReturnType<typeof setTimeout> | null = null;

	/**
	 * @param owner whose stars: read reactively, so a change of account reloads them.
	 * @param now the current time; tests pass a fixed date.
	 */
	constructor(
		private readonly store: KontorStore,
		private readonly owner: () => FavoriteOwner = () => LOCAL_FAVORITES,
		private readonly now: () => Date = () => new Date()
	) {
		this.#unsubscribe = store.subscribe((change) => this.#onChange(change));
		this.#stopWatching = $effect.root(() => {
			$effect(() => {
				this.owner();
				untrack(() => void this.load());
			});
		});
	}

	/** Starred contacts and today's birthdays, each once, in list order. */
	get items(): readonly FavoriteItem[] {
		return this.#items;
	}
	/** False until the first read finished. */
	get loaded(): boolean {
		return this.#loaded;
	}
	/** The date the birthdays were looked up for. */
	get today(): Date {
		return this.#today;
	}

	isStarred(id: string): boolean {
		return this.#starred.has(id);
	}

	async load(): Promise<void> {
		const generation = ++this.#generation;
		const owner = this.owner();
		const today = this.now();
		try {
			const [items, starred] = await Promise.all([
				this.store.favoriteItems(owner, today),
				this.store.favorites(owner)
			]);
			if (generation !== this.#generation) return;
			this.#items = items;
			this.#starred = new Set(starred);
			this.#today = today;
			this.#loaded = true;
			this.#scheduleMidnight(today);
		} catch (error) {
			handleError(error, 'loading the favourites');
		}
	}

	/** Stars or unstars a contact; the star shows the new state at once. */
	async toggle(id: ContactId): Promise<void> {
		const starred = !this.#starred.has(id);
		const next = new Set(this.#starred);
		if (starred) next.add(id);
		else next.delete(id);
		this.#starred = next;
		try {
			await this.store.setFavorite(this.owner(), id, starred);
		} catch (error) {
			handleError(error, 'saving a favourite');
		}
		await this.load();
	}

	#onChange(change: StoreChange): void {
		// A star, or a row that may be starred or have a birthday now (a name, a birthday, archiving).
		if (change.favorites || change.rowIds.length > 0) void this.load();
	}

	/** Birthdays change with the date: read them again right after midnight. */
	#scheduleMidnight(today: Date): void {
		if (this.#midnight) clearTimeout(this.#midnight);
		this.#midnight = setTimeout(() => void this.load(), untilMidnight(today));
	}

	dispose(): void {
		this.#unsubscribe();
		this.#stopWatching();
		if (this.#midnight) clearTimeout(this.#midnight);
		this.#midnight = null;
	}
}
