/**
 * The text of a field's history tooltip: the previous value, when and by whom the current value
 * was set; for an inherited field, the same from the contact the value is stored in.
 */
import { within, type FieldChange, type HistoryEntry } from '$lib/store';
import { t } from '../i18n/index.svelte';
import { changeLine, describeChange, isCreation, isDerived, type DescribeContext } from './describe';
import { authorName, formatTime } from './timeline';

/** The history of the contact a shown value is inherited from (a parent, or further up). */
export interface InheritedHistory {
	name: string;
	entries: readonly HistoryEntry[];
}

/** What the form hands its fields: the contact's history and where inherited values come from. */
export interface ContactHistory {
	/** Newest first. */
	own: readonly HistoryEntry[];
	context: DescribeContext;
	/** Set when the contact shows an inherited address; null while it shows its own. */
	address: InheritedHistory | null;
	groups: InheritedHistory | null;
}

/** One field's tooltip input. */
export interface FieldHistoryData {
	entries: readonly HistoryEntry[];
	context: DescribeContext;
	/** The field (['fields', 'city']) or entry (['channels', id], ['groups']) the tooltip is about. */
	path: readonly string[];
	/** When the shown value is inherited: the history it comes from. */
	inherited?: InheritedHistory | null;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((part, i) => part === b[i]);
}

/**
 * The newest entry that set the value at `path` or anything inside it, with the change to show: the
 * change at `path` itself, else an entry's value, else the first one a user sees (never a derived
 * value such as a channel's normalized number). `entries` must be newest first.
 */
export function lastVisibleChange(
	entries: readonly HistoryEntry[],
	path: readonly string[]
): { entry: HistoryEntry; change: FieldChange } | null {
	for (const entry of entries) {
		const inside = entry.changes.filter(
			(c) => !isDerived(c) && (within(c.path, path) || within(path, c.path))
		);
		if (inside.length === 0) continue;
		const change =
			inside.find((c) => samePath(c.path, path)) ??
			inside.find((c) => c.path[c.path.length - 1] === 'value') ??
			(inside[0] as FieldChange);
		return { entry, change };
	}
	return null;
}

type Variant = 'never' | 'created' | 'added' | 'before' | 'last';

/** The tooltip text; see the 'history.tip.*' texts. */
export function fieldHistoryText(data: FieldHistoryData): string {
	const source = data.inherited ?? null;
	const found = lastVisibleChange(source ? source.entries : data.entries, data.path);
	const say = (variant: Variant, params: Record<string, string> = {}) =>
		t(source ? `history.tip.inherited.${variant}` : `history.tip.${variant}`, {
			name: source?.name ?? '',
			...params
		});
	if (!found) return say('never');
	const { entry, change } = found;
	const when = { date: formatTime(entry.time), author: authorName(entry) };
	if (isCreation(entry)) return say('created', when);
	const text = describeChange(change, data.context);
	const exact = samePath(change.path, data.path);
	if (exact && text.action === 'added') return say('added', when);
	if (text.action === 'changed' && (exact || change.path[change.path.length - 1] === 'value'))
		return say('before', { ...when, value: text.from });
	return say('last', { ...when, line: changeLine(text) });
}
