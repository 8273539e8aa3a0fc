/**
 * The history tab's data, computed once per history load: every entry with its lines in words,
 * what each restore button writes, concurrent edits and which value won, and the field filter.
 * The component only renders it, so a contact with 1,000 edits needs no per-entry work there.
 */
import type { Contact } from '$lib/domain';
import { concurrentByPath, pathKey, type FieldChange, type HistoryEntry, type JsonValue } from '$lib/store';
import { i18n, t } from '../i18n/index.svelte';
import {
	UNKNOWN,
	canRestore,
	changeLine,
	currentValue,
	describeChange,
	filterKey,
	filterLabel,
	formatValue,
	initialLine,
	isCreation,
	isDerived,
	isAccessChange,
	isInitialValue,
	sameValue,
	type ChangeText,
	type DescribeContext
} from './describe';

/** A button that writes a value back through `restore(docId, path, value)`. */
export interface RestoreAction {
	path: string[];
	value: JsonValue | undefined;
	/** The button's text, and its accessible name (which says what and which value). */
	text: string;
	label: string;
}

export interface TimelineLine {
	/** Unique within its entry. */
	key: string;
	filter: string;
	text: string;
	/**
	 * For a change another device made concurrently to the same value: won (this value is the
	 * current one), lost (the other one is) or open (neither is any more); null otherwise.
	 */
	status: 'won' | 'lost' | 'open' | null;
	/** "übernommen" or "überschrieben" for a won or lost value, else empty. */
	badge: string;
	/** "Diesen Wert wiederherstellen" for a lost value, then "Wiederherstellen" (the value before). */
	actions: RestoreAction[];
}

export interface TimelineItem {
	id: string;
	/** ISO date-time, for `<time datetime>`. */
	iso: string;
	when: string;
	author: string;
	device: string;
	/** The summary of the entry that created the contact ("Kontakt angelegt (Firma)"), else null. */
	creation: string | null;
	/** "gleichzeitig mit Max, 28.11.2026, 19:08" when the entry is concurrent with others. */
	concurrent: string | null;
	lines: TimelineLine[];
}

export interface Timeline {
	items: TimelineItem[];
	/** The fields the history touches, by name. */
	filters: { key: string; label: string }[];
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Date and time of an edit in the UI language: "28.11.2026, 19:08". */
export function formatTime(ms: number): string {
	const lang = i18n.lang;
	let format = formats.get(lang);
	if (!format) {
		format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
		formats.set(lang, format);
	}
	return format.format(ms);
}

/** The author's recorded name, else the name the member list gives their id, else "Unbekannt". */
export function authorName(entry: HistoryEntry, members?: ReadonlyMap<string, string>): string {
	return entry.author.name.trim() || members?.get(entry.author.id) || t('history.unknownAuthor');
}

/** "dieses Gerät" for this device, else a short form of the other device's id. */
export function deviceLabel(entry: HistoryEntry, deviceId: string): string {
	return entry.device === deviceId
		? t('history.thisDevice')
		: t('history.device', { id: entry.device.slice(-6) });
}

function restoreLabel(text: ChangeText): string {
	switch (text.action) {
		case 'changed':
			return t('history.restoreValue', { field: text.field, value: text.from });
		case 'removed':
			return t('history.restoreEntry', { field: text.field, value: text.from });
		case 'added':
			return t('history.restoreAbsent', { field: text.field, value: text.to });
		case 'moved':
			return `${t('history.restore')}: ${text.label}`;
	}
}

/** Which of concurrent changes to the same value is the current value. */
function statusOf(
	change: FieldChange,
	others: readonly HistoryEntry[],
	current: JsonValue | undefined | typeof UNKNOWN
): TimelineLine['status'] {
	if (current === UNKNOWN) return 'open';
	if (sameValue(change.to, current)) return 'won';
	const key = pathKey(change.path);
	const otherWon = others.some((o) =>
		o.changes.some((c) => pathKey(c.path) === key && sameValue(c.to, current))
	);
	return otherWon ? 'lost' : 'open';
}

/** The restore buttons of a line: the lost value of a concurrent edit, and the value before. */
function actionsOf(
	change: FieldChange,
	text: ChangeText,
	status: TimelineLine['status'],
	contact: Contact,
	current: JsonValue | undefined | typeof UNKNOWN,
	ctx: DescribeContext
): RestoreAction[] {
	const actions: RestoreAction[] = [];
	if (status === 'lost') {
		const value = formatValue(change.path, change.to, ctx);
		actions.push({
			path: change.path,
			value: change.to,
			text: t('history.restoreOther'),
			label: t('history.restoreOtherLabel', { field: text.field, value })
		});
	}
	if (canRestore(contact, change.path) && (current === UNKNOWN || !sameValue(current, change.from)))
		actions.push({
			path: change.path,
			value: change.from,
			text: t('history.restore'),
			label: restoreLabel(text)
		});
	return actions;
}

function concurrentNote(others: Iterable<HistoryEntry>): string | null {
	const unique = new Map<string, HistoryEntry>();
	for (const o of others) unique.set(o.id, o);
	if (unique.size === 0) return null;
	return [...unique.values()]
		.sort((a, b) => a.time - b.time)
		.map((o) => t('history.concurrentWith', { author: authorName(o), time: formatTime(o.time) }))
		.join('; ');
}

function itemOf(
	entry: HistoryEntry,
	contact: Contact,
	ctx: DescribeContext,
	deviceId: string,
	concurrent: Map<string, HistoryEntry[]> | undefined
): TimelineItem {
	const creation = isCreation(entry);
	const lines: TimelineLine[] = [];
	for (const change of entry.changes) {
		if (creation ? !isInitialValue(change) || change.path.join('/') === 'fields/kind' : isDerived(change))
			continue;
		const text = describeChange(change, ctx);
		const key = pathKey(change.path);
		const filter = filterKey(change.path);
		if (creation) {
			lines.push({ key, filter, text: initialLine(text), status: null, badge: '', actions: [] });
			continue;
		}
		if (isAccessChange(change)) {
			// Rights are the server's to change (Zugriff tab): no restore, and no device edit competes.
			lines.push({ key, filter, text: changeLine(text), status: null, badge: '', actions: [] });
			continue;
		}
		const current = currentValue(contact, change.path);
		const others = concurrent?.get(key);
		const status = others?.length ? statusOf(change, others, current) : null;
		const actions = actionsOf(change, text, status, contact, current, ctx);
		const badge = status === 'won' ? t('history.won') : status === 'lost' ? t('history.lost') : '';
		lines.push({ key, filter, text: changeLine(text), status, badge, actions });
	}
	const kind = entry.changes.find((c) => c.path.join('/') === 'fields/kind')?.to;
	return {
		id: entry.id,
		iso: new Date(entry.time).toISOString(),
		when: formatTime(entry.time),
		author: authorName(entry, ctx.members),
		device: deviceLabel(entry, deviceId),
		creation: creation
			? typeof kind === 'string'
				? t('history.createdKind', { kind: formatValue(['fields', 'kind'], kind, ctx) })
				: t('history.created')
			: null,
		concurrent: concurrent ? concurrentNote([...concurrent.values()].flat()) : null,
		lines
	};
}

/**
 * The timeline of `entries` (newest first, as the store returns them) for the contact as it is now.
 * An entry with nothing to show (only derived values changed) is left out; a creation entry shows
 * as one item with the values it set.
 */
export function buildTimeline(
	entries: readonly HistoryEntry[],
	contact: Contact,
	ctx: DescribeContext,
	deviceId: string
): Timeline {
	const concurrent = concurrentByPath(entries);
	const items: TimelineItem[] = [];
	const filters = new Map<string, string>();
	for (const entry of entries) {
		const item = itemOf(entry, contact, ctx, deviceId, concurrent.get(entry.id));
		if (item.lines.length === 0 && !item.creation) continue;
		items.push(item);
		for (const change of entry.changes) {
			const key = filterKey(change.path);
			if (!filters.has(key) && item.lines.some((l) => l.filter === key))
				filters.set(key, filterLabel(change.path, ctx));
		}
	}
	return {
		items,
		filters: [...filters]
			.map(([key, label]) => ({ key, label }))
			.sort((a, b) => a.label.localeCompare(b.label, i18n.lang))
	};
}

/**
 * The items with a line about the filtered field, each showing only those lines; a creation then
 * shows as plain lines ("Kontakt angelegt (Firma): Ort: Berlin"), not collapsed.
 */
export function filterTimeline(items: readonly TimelineItem[], filter: string): readonly TimelineItem[] {
	if (!filter) return items;
	const out: TimelineItem[] = [];
	for (const item of items) {
		const lines = item.lines.filter((l) => l.filter === filter);
		if (lines.length === 0) continue;
		const creation = item.creation;
		out.push({
			...item,
			creation: null,
			lines: creation ? lines.map((l) => ({ ...l, text: `${creation}: ${l.text}` })) : lines
		});
	}
	return out;
}
