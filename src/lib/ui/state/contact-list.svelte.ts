/* eslint-disable svelte/prefer-svelte-reactivity -- row maps are replaced whole, never mutated after publishing */
import {
	filterKeys,
	parseSearchQuery,
	passesFilters,
	type ContactKind,
	type ContactRow,
	type GroupId
} from '$lib/domain';
import type { KontorStore, ListedRow, StoreChange } from '$lib/store';
import { handleError } from './handle-error';

const FIRST_PAINT_ROWS = 40;
/**
 * Up to this many changed rows are read and patched into the shown keys; more re-read the list.
 * Rows the change describes itself (a batch received by sync) are patched however many there are.
 */
const PATCH_UP_TO = 200;
/** The least time between two re-reads of the list caused by changes (see `#refreshForChanges`). */
const REFRESH_GAP_MS = 300;

/** The ascending `keys` and the ascending `added` as one ascending list. */
function mergeSorted(keys: readonly string[], added: readonly string[]): string[] {
	if (added.length === 0) return [...keys];
	const merged = new Array<string>(keys.length + added.length);
	let i = 0;
	let j = 0;
	let k = 0;
	while (i < keys.length && j < added.length) {
		merged[k++] =
			(keys[i] as string) <= (added[j] as string) ? (keys[i++] as string) : (added[j++] as string);
	}
	while (i < keys.length) merged[k++] = keys[i++] as string;
	while (j < added.length) merged[k++] = added[j++] as string;
	return merged;
}

/** Changed rows as the list applies them: the ids to take out, and the rows to put in where they sort. */
interface ListPatch {
	ids: ReadonlySet<string>;
	rows: readonly ListedRow[];
}

/**
 * The list pane's state: the filter, the ordered keys it selects, and the rows loaded for the
 * visible window. Only keys are held for the whole list; rows are read per window, so 50,000
 * contacts cost a few megabytes, not a document each.
 */
export class ContactListModel {
	#query = $state('');
	#kind = $state<ContactKind | null>(null);
	#group = $state<GroupId | null>(null);
	/** A status tag (id of the workspace's `statusTags` list); null for any. */
	#tag = $state<string | null>(null);
	/** True shows the archived contacts (and only them). */
	#archived = $state(false);
	#keys = $state.raw<string[]>([]);
	/** The filter the shown keys answer, as terms: typing that changes no term reads nothing. */
	#shownFilter: string | null = null;
	#complete = $state(false);
	#rows = $state.raw<Map<string, ContactRow>>(new Map());
	#loaded = $state(false);
	#busy = $state(false);
	/** The query the shown keys answer (lags `query` while a search runs). */
	#shownQuery = $state('');
	#window = { start: 0, end: 0 };
	#generation = 0;
	#unsubscribe: (() => void) | null = null;
	/** The re-read after changes in flight, and whether more changes came meanwhile. */
	#changeRefresh: Promise<unknown> | null = null;
	#changesWaiting = false;
	/**
	 * Patches applied while a re-read is in flight. The re-read may have read the database before
	 * or after their changes; applying them again to its keys gives the same list either way.
	 */
	#patchedDuringRefresh: ListPatch[] | null = null;

	constructor(private readonly store: KontorStore) {
		this.#unsubscribe = store.subscribe((change) => this.#onChange(change));
	}

	get query(): string {
		return this.#query;
	}
	get kind(): ContactKind | null {
		return this.#kind;
	}
	get group(): GroupId | null {
		return this.#group;
	}
	get tag(): string | null {
		return this.#tag;
	}
	get archived(): boolean {
		return this.#archived;
	}
	get keys(): readonly string[] {
		return this.#keys;
	}
	get count(): number {
		return this.#keys.length;
	}
	/** False until the first result arrived (so "no contacts" is not shown while loading). */
	get loaded(): boolean {
		return this.#loaded;
	}
	/** True once `count` is the full number of matches, not just the first screen. */
	get complete(): boolean {
		return this.#complete;
	}

	/** True while a query for the current filter is running. */
	get busy(): boolean {
		return this.#busy;
	}
	get shownQuery(): string {
		return this.#shownQuery;
	}

	/** The row at a list position, once its window is loaded. */
	rowAt(index: number): ContactRow | undefined {
		const key = this.#keys[index];
		return key === undefined ? undefined : this.#rows.get(key);
	}

	/**
	 * Position of a contact in the current list when its row is loaded (it is near the visible
	 * window), else -1. Keys are sorted, so the position is a binary search, not a scan of 50,000.
	 */
	indexOf(id: string): number {
		let key: string | undefined;
		for (const row of this.#rows.values())
			if (row.id === id) {
				key = row.key;
				break;
			}
		if (key === undefined) return -1;
		let low = 0;
		let high = this.#keys.length - 1;
		while (low <= high) {
			const mid = (low + high) >> 1;
			const probe = this.#keys[mid] as string;
			if (probe === key) return mid;
			if (probe < key) low = mid + 1;
			else high = mid - 1;
		}
		return -1;
	}

	setFilter(filter: {
		query?: string;
		kind?: ContactKind | null;
		group?: GroupId | null;
		tag?: string | null;
		archived?: boolean;
	}): Promise<void> {
		if (filter.query !== undefined) this.#query = filter.query;
		if (filter.kind !== undefined) this.#kind = filter.kind;
		if (filter.group !== undefined) this.#group = filter.group;
		if (filter.tag !== undefined) this.#tag = filter.tag;
		if (filter.archived !== undefined) this.#archived = filter.archived;
		return this.refresh();
	}

	/** Re-reads the keys for the filter and the rows of the visible window. */
	async refresh(force = false): Promise<void> {
		const generation = ++this.#generation;
		const query = this.#query;
		const terms = parseSearchQuery(query);
		const archived = this.#archived;
		const filter = [this.#kind, this.#group, this.#tag, archived, ...terms].join('\u0000');
		// Typing that changes no term, or that is not yet a term ("+4", "10"), keeps what is shown.
		const unchanged = filter === this.#shownFilter || (query.trim() !== '' && terms.length === 0);
		if (!force && this.#complete && unchanged) {
			this.#shownQuery = query;
			this.#busy = false;
			// A re-read this one replaced is dropped: nothing needs its patches any more.
			this.#patchedDuringRefresh = null;
			return;
		}
		this.#busy = true;
		this.#patchedDuringRefresh = [];
		try {
			if (!this.#loaded && !query && !this.#kind && !this.#group && !this.#tag && !archived)
				await this.#paintFirstRows(generation);
			const keys = await this.store.listKeys({
				query,
				kind: this.#kind,
				group: this.#group,
				tag: this.#tag,
				archived
			});
			// A newer keystroke started another query; its answer wins.
			if (generation !== this.#generation) return;
			const rows = await this.#fetch(keys, this.#window.start, this.#window.end, new Map());
			if (generation !== this.#generation) return;
			this.#keys = keys;
			this.#rows = rows;
			this.#shownQuery = query;
			this.#shownFilter = filter;
			this.#loaded = true;
			this.#complete = true;
			const late = this.#patchedDuringRefresh ?? [];
			this.#patchedDuringRefresh = null;
			for (const patch of late) this.#applyPatch(patch);
			if (late.length > 0) await this.showWindow(this.#window.start, this.#window.end);
		} catch (error) {
			handleError(error, 'loading the contact list');
		} finally {
			if (generation === this.#generation) {
				this.#busy = false;
				this.#patchedDuringRefresh = null;
			}
		}
	}

	/**
	 * At start the first screen of rows is read straight from the table (it is in list order), so
	 * the list paints before the keys of all contacts are loaded; the count follows.
	 */
	async #paintFirstRows(generation: number): Promise<void> {
		const rows = await this.store.firstRows(FIRST_PAINT_ROWS);
		if (generation !== this.#generation || this.#loaded) return;
		this.#keys = rows.map((r) => r.key);
		this.#rows = new Map(rows.map((r) => [r.key, r]));
		this.#loaded = true;
	}

	/** Makes sure rows [start, end) are loaded; called as the list scrolls. */
	async showWindow(start: number, end: number): Promise<void> {
		this.#window = { start, end };
		const missing = this.#keys.slice(start, end).some((k) => !this.#rows.has(k));
		if (!missing) return;
		const generation = this.#generation;
		try {
			const rows = await this.#fetch(this.#keys, start, end, this.#rows);
			if (generation === this.#generation) this.#rows = rows;
		} catch (error) {
			handleError(error, 'loading contacts');
		}
	}

	async #fetch(keys: readonly string[], start: number, end: number, have: Map<string, ContactRow>) {
		// Keep what is near the window, drop the rest: memory stays flat while scrolling far.
		const keep = new Map<string, ContactRow>();
		const from = Math.max(0, start - 200);
		const to = Math.min(keys.length, end + 200);
		const missing: string[] = [];
		for (let i = from; i < to; i++) {
			const k = keys[i] as string;
			const row = have.get(k);
			if (row) keep.set(k, row);
			else if (i >= start && i < end) missing.push(k);
		}
		const fetched = missing.length > 0 ? await this.store.rows(missing) : [];
		for (const row of fetched) if (row) keep.set(row.key, row);
		return keep;
	}

	#onChange(change: StoreChange): void {
		// Stars change no row (see FavoritesModel).
		if (change.rowIds.length === 0 && (change.docIds.length > 0 || change.favorites)) return;
		const described = new Set<string>(change.rows?.map((r) => r.id));
		const listed = change.rowIds.every((id) => described.has(id)) ? (change.rows ?? []) : null;
		// A search is re-run; without one, the changed rows are patched into the keys, so a change
		// does not read the keys of all 50,000 contacts again (nor does each batch of a first sync).
		if (this.#query.trim() !== '' || !this.#complete || (!listed && change.rowIds.length > PATCH_UP_TO))
			this.#refreshForChanges();
		else void this.#patch(change.rowIds, listed);
	}

	/**
	 * Re-reads the list after changes, but never two such reads at once and not more often than
	 * every REFRESH_GAP_MS: a first sync stores hundreds of batches, and reading all keys after each
	 * would compete with storing them. Changes arriving meanwhile are covered by one read afterwards.
	 */
	#refreshForChanges(): void {
		if (this.#changeRefresh) {
			this.#changesWaiting = true;
			return;
		}
		this.#changeRefresh = this.refresh(true)
			.then(() =>
				this.#changesWaiting ? new Promise((resolve) => setTimeout(resolve, REFRESH_GAP_MS)) : null
			)
			.finally(() => {
				this.#changeRefresh = null;
				if (this.#changesWaiting) {
					this.#changesWaiting = false;
					this.#refreshForChanges();
				}
			});
	}

	/**
	 * Moves the changed rows to where their (new) keys sort, or out of the list if they left it;
	 * `listed` describes them all when the change came with them, else they are read. Patches apply
	 * in the order they arrive; a refresh for a new filter started meanwhile reads the change itself,
	 * so the patch is dropped then.
	 */
	async #patch(rowIds: readonly string[], listed: readonly ListedRow[] | null): Promise<void> {
		const generation = this.#generation;
		try {
			const rows = listed ?? (await this.store.rowsByIds(rowIds));
			if (generation !== this.#generation) return;
			const patch: ListPatch = { ids: new Set(rowIds), rows };
			this.#applyPatch(patch);
			this.#patchedDuringRefresh?.push(patch);
			await this.showWindow(this.#window.start, this.#window.end);
		} catch (error) {
			handleError(error, 'updating the contact list');
		}
	}

	#applyPatch({ ids, rows }: ListPatch): void {
		const facets = filterKeys({
			kind: this.#kind,
			group: this.#group,
			tag: this.#tag,
			archived: this.#archived
		});
		const unchanged = (k: string) => !ids.has(k.slice(k.indexOf('\u0000') + 1));
		const added = rows
			.filter((row) => passesFilters(row.filters, facets))
			.map((row) => row.key)
			.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
		this.#keys = mergeSorted(this.#keys.filter(unchanged), added);
		this.#rows = new Map([...this.#rows].filter(([k]) => unchanged(k)));
	}

	dispose(): void {
		this.#unsubscribe?.();
		this.#unsubscribe = null;
	}
}
