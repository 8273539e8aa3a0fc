/**
 * Turns recorded changes into words a user understands, in the UI language: "Telefon Zentrale:
 * 030 123 → 030 456", "E-Mail gelöscht: buchhaltung@firma.de", "Adresse erben: aus → an". Generic
 * over the document schema: a field the history has no label for is still shown, by its path and
 * its JSON value, so nothing a change touched is hidden. Pure: no Svelte state, no store access.
 */
import type { Channel, Contact, ContactGroup } from '$lib/domain';
import type { FieldChange, HistoryEntry, JsonValue } from '$lib/store';
import { countryName, isMessageKey, t } from '../i18n/index.svelte';
import { formatBirthday, formatIsoDate } from '../contact/format-date';

/** What a change did: set a value, add or remove an entry (channel, group), or reorder an entry. */
export type ChangeAction = 'changed' | 'added' | 'removed' | 'moved';

/** One change in words. */
export interface ChangeText {
	action: ChangeAction;
	/** What was changed, as the user knows it: "Ort", "Telefon Zentrale", "Kontaktgruppe". */
	field: string;
	/** The lead of the line: the field, or with the verb for entries ("E-Mail gelöscht"). */
	label: string;
	/** The value before and after, formatted ("(leer)" for nothing; "" when not meaningful). */
	from: string;
	to: string;
}

/** What a channel is known as: its kind, label and value (now, or last seen in the history). */
export interface ChannelInfo {
	kind: string;
	label: string;
	value: string;
}

/** What the describer needs beyond a change: names of channels, groups and other contacts. */
export interface DescribeContext {
	channels: ReadonlyMap<string, ChannelInfo>;
	groups: ReadonlyMap<string, string>;
	/** Display names of contacts a `parentId` change points to. */
	names: ReadonlyMap<string, string>;
	/** Names of the workspace's members, for changes of rights. */
	members: ReadonlyMap<string, string>;
	/** Names of the workspace's status tags (Status-Merkmale); none known without it. */
	tags?: ReadonlyMap<string, string>;
}

type Entry = { [key: string]: JsonValue };

const isEntry = (v: JsonValue | undefined): v is Entry =>
	v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');

/**
 * Builds the context once per history load. A deleted channel is named from the history (its last
 * recorded kind, label and value); current channels override what the history says.
 */
export function describeContext(input: {
	channels: readonly Channel[];
	history: readonly HistoryEntry[];
	groups: readonly ContactGroup[];
	names?: ReadonlyMap<string, string>;
	members?: readonly { id: string; name: string }[];
	/** The workspace's status tags list. */
	tags?: readonly { id: string; name: string }[];
}): DescribeContext {
	const channels = new Map<string, ChannelInfo>();
	// Oldest first, so later changes win.
	for (let i = input.history.length - 1; i >= 0; i--) {
		for (const change of input.history[i]?.changes ?? []) {
			const [root, id, sub] = change.path;
			if (root !== 'channels' || !id) continue;
			const known = channels.get(id) ?? { kind: '', label: '', value: '' };
			if (sub === undefined) {
				const entry = isEntry(change.to) ? change.to : isEntry(change.from) ? change.from : null;
				if (entry)
					channels.set(id, { kind: str(entry.kind), label: str(entry.label), value: str(entry.value) });
			} else if (sub === 'kind' || sub === 'label' || sub === 'value') {
				channels.set(id, { ...known, [sub]: str(change.to ?? change.from) });
			}
		}
	}
	for (const c of input.channels) channels.set(c.id, { kind: c.kind, label: c.label, value: c.value });
	return {
		channels,
		groups: new Map(input.groups.map((g) => [g.id, g.name])),
		names: input.names ?? new Map(),
		members: new Map((input.members ?? []).map((m) => [m.id, m.name])),
		tags: new Map((input.tags ?? []).map((e) => [e.id, e.name]))
	};
}

/** The text for `key` when the catalog has it, else `fallback`. */
function message(key: string, fallback: string): string {
	return isMessageKey(key) ? t(key) : fallback;
}

/** The label of a field of the `fields` map: the form's label, or the field's name. */
export function fieldLabel(name: string): string {
	return name === 'parentId' ? t('contact.parent') : message(`contact.${name}`, name);
}

function kindName(kind: string): string {
	return kind ? message(`channel.${kind}`, kind) : t('contact.sectionChannels');
}

/** "Telefon Zentrale" (kind and label), or "Telefon" for an entry without a label. */
function channelName(info: ChannelInfo | undefined): string {
	return [kindName(info?.kind ?? ''), info?.label ?? ''].filter(Boolean).join(' ');
}

/** What a filter offers for a channel: its kind and its label, or its value when it has none. */
function channelTitle(info: ChannelInfo | undefined): string {
	return [kindName(info?.kind ?? ''), info?.label || info?.value || ''].filter(Boolean).join(' ');
}

/** "030 1234567 (Zentrale)": a whole channel entry as one value. */
function entrySummary(entry: Entry): string {
	const value = str(entry.value) || t('history.empty');
	return entry.label ? `${value} (${str(entry.label)})` : value;
}

/** A value as the user reads it: names for codes, an/aus for booleans, JSON for anything else. */
export function formatValue(
	path: readonly string[],
	value: JsonValue | undefined,
	ctx: DescribeContext
): string {
	const [root, key, sub] = path;
	if (root === 'channels' && sub === 'purpose' && (value === null || value === undefined || value === ''))
		return t('channel.noPurpose');
	if (root === 'fields' && key === 'parentId' && (value === null || value === undefined || value === ''))
		return t('contact.noParent');
	if (value === undefined || value === null || value === '') return t('history.empty');
	if (typeof value === 'boolean') return t(value ? 'history.on' : 'history.off');
	if (typeof value === 'string') {
		if (root === 'fields' && path.length === 2) {
			if (key === 'country') return countryName(value);
			if (key === 'parentId') return ctx.names.get(value) || t('history.unknownContact');
			if (key === 'salutation' || key === 'language' || key === 'kind')
				return message(`${key}.${value}`, value);
		}
		if (root === 'channels' && sub === 'purpose') return message(`purpose.${value}`, value);
		return value;
	}
	if (typeof value === 'number') return String(value);
	if (root === 'channels' && path.length === 2 && isEntry(value)) return entrySummary(value);
	if (root === 'fields' && path.length === 2 && isEntry(value)) {
		const text = statusValue(key, value);
		if (text !== null) return text;
	}
	return JSON.stringify(value);
}

/**
 * Birthday, trade embargo and advertising consent, which are stored as one object each:
 * "12. April 1985", "Offene Forderungen (seit 01.10.2026)", "20.05.2025, Messe". Null for others.
 */
function statusValue(key: string | undefined, value: Entry): string | null {
	const { day, month, year } = value;
	if (key === 'birthday' && typeof day === 'number' && typeof month === 'number')
		return formatBirthday({ day, month, year: typeof year === 'number' ? year : null });
	if (key === 'embargo')
		return t('history.embargoValue', { reason: str(value.reason), date: formatIsoDate(str(value.since)) });
	if (key === 'advertisingConsent')
		return t('history.consentValue', { date: formatIsoDate(str(value.date)), source: str(value.source) });
	return null;
}

function describeChannel(change: FieldChange, ctx: DescribeContext): ChangeText {
	const [, id = '', sub] = change.path;
	const { from, to } = change;
	const known = ctx.channels.get(id);
	if (sub === undefined) {
		const entry = isEntry(to) ? to : isEntry(from) ? from : null;
		const kind = kindName(entry ? str(entry.kind) : (known?.kind ?? ''));
		const fromText = from === undefined ? '' : formatValue(change.path, from, ctx);
		const toText = to === undefined ? '' : formatValue(change.path, to, ctx);
		if (from === undefined)
			return {
				action: 'added',
				field: kind,
				label: t('history.channelAdded', { kind }),
				from: '',
				to: toText
			};
		if (to === undefined)
			return {
				action: 'removed',
				field: kind,
				label: t('history.channelRemoved', { kind }),
				from: fromText,
				to: ''
			};
		const field = channelName(known);
		return { action: 'changed', field, label: field, from: fromText, to: toText };
	}
	if (sub === 'order') {
		const field = channelName(known);
		return { action: 'moved', field, label: t('history.moved', { field }), from: '', to: '' };
	}
	const part = sub === 'value' ? '' : message(`channel.${sub}`, sub);
	const field = part
		? t('history.channelPart', {
				channel: [kindName(known?.kind ?? ''), known?.value ?? ''].filter(Boolean).join(' '),
				part
			})
		: channelName(known);
	return {
		action: 'changed',
		field,
		label: field,
		from: formatValue(change.path, from, ctx),
		to: formatValue(change.path, to, ctx)
	};
}

/** A right as the user reads it: "Niemand", "Lesen", "Bearbeiten". */
function levelName(value: JsonValue | undefined): string {
	return typeof value === 'string' ? message(`access.level.${value}`, value) : t('history.empty');
}

function memberName(value: JsonValue | undefined, ctx: DescribeContext): string {
	if (typeof value !== 'string' || value === '') return t('history.empty');
	return ctx.members.get(value) ?? t('access.unknownMember');
}

/**
 * A change of rights (written by the server): "Zugriff für alle: Bearbeiten → Lesen",
 * "Anna Admin: Lesen erteilt", "Eigentümer: Anna Admin → Jonas Weber".
 */
function describeAccess(change: FieldChange, ctx: DescribeContext): ChangeText {
	const [, key, userId] = change.path;
	const { from, to } = change;
	if (key === 'everyone') {
		const field = t('history.accessEveryone');
		return { action: 'changed', field, label: field, from: levelName(from), to: levelName(to) };
	}
	if (key === 'owner') {
		const field = t('history.accessOwner');
		return { action: 'changed', field, label: field, from: memberName(from, ctx), to: memberName(to, ctx) };
	}
	if (key === 'users' && userId) {
		const name = memberName(userId, ctx);
		// The whole sentence is the label, so `changeLine` shows it as it is.
		if (from === undefined || from === null)
			return {
				action: 'changed',
				field: name,
				label: t('history.accessGranted', { name, level: levelName(to) }),
				from: '',
				to: ''
			};
		if (to === undefined || to === null)
			return {
				action: 'changed',
				field: name,
				label: t('history.accessRevoked', { name, level: levelName(from) }),
				from: '',
				to: ''
			};
		return { action: 'changed', field: name, label: name, from: levelName(from), to: levelName(to) };
	}
	const field = change.path.join(' › ');
	return {
		action: 'changed',
		field,
		label: field,
		from: JSON.stringify(from ?? null),
		to: JSON.stringify(to ?? null)
	};
}

/** True for a change of rights: the server writes it, nothing on the device can restore it. */
export function isAccessChange(change: FieldChange): boolean {
	return change.path[0] === 'access';
}

/** One change in words; see `changeLine` for the sentence. */
export function describeChange(change: FieldChange, ctx: DescribeContext): ChangeText {
	const [root, key] = change.path;
	if (root === 'access') return describeAccess(change, ctx);
	if (root === 'channels' && key) return describeChannel(change, ctx);
	if (root === 'groups' && key && change.path.length === 2) {
		const name = ctx.groups.get(key) ?? t('history.unknownGroup');
		const field = t('history.group');
		return change.to === undefined
			? { action: 'removed', field, label: t('history.groupRemoved'), from: name, to: '' }
			: change.from === undefined
				? { action: 'added', field, label: t('history.groupAdded'), from: '', to: name }
				: { action: 'changed', field: `${field} ${name}`, label: `${field} ${name}`, from: '', to: '' };
	}
	if (root === 'tags' && key && change.path.length === 2) {
		const name = ctx.tags?.get(key) ?? t('history.unknownTag');
		const field = t('history.tag');
		return change.to === undefined
			? { action: 'removed', field, label: t('history.tagRemoved'), from: name, to: '' }
			: change.from === undefined
				? { action: 'added', field, label: t('history.tagAdded'), from: '', to: name }
				: { action: 'changed', field: `${field} ${name}`, label: `${field} ${name}`, from: '', to: '' };
	}
	const field =
		root === 'fields' && key && change.path.length === 2 ? fieldLabel(key) : change.path.join(' › ');
	const from = formatValue(change.path, change.from, ctx);
	const to = formatValue(change.path, change.to, ctx);
	// A whole entry of a map the UI does not know yet (custom fields, discounts, ...).
	if (change.from === undefined && isEntry(change.to))
		return { action: 'added', field, label: field, from: '', to };
	if (change.to === undefined && isEntry(change.from))
		return { action: 'removed', field, label: field, from, to: '' };
	return { action: 'changed', field, label: field, from, to };
}

/** The line the history shows: "Ort: Köln → Bonn", "E-Mail gelöscht: a@b.de". */
export function changeLine(text: ChangeText): string {
	switch (text.action) {
		case 'changed':
			return text.from || text.to ? `${text.label}: ${text.from} → ${text.to}` : text.label;
		case 'added':
			return `${text.label}: ${text.to}`;
		case 'removed':
			return `${text.label}: ${text.from}`;
		case 'moved':
			return text.label;
	}
}

/** How a value set at creation reads: "Ort: Berlin", "Telefon: 030 123 (Zentrale)". */
export function initialLine(text: ChangeText): string {
	return `${text.field}: ${text.action === 'removed' ? text.from : text.to}`;
}

/**
 * Derived values the user never typed (a channel's normalized number, kept with its value). They
 * change together with what they are derived from, which the history shows.
 */
export function isDerived(change: FieldChange): boolean {
	return change.path[0] === 'channels' && change.path[2] === 'normalized';
}

/** True for the entry that created the document: it is the first to set `kind`. */
export function isCreation(entry: HistoryEntry): boolean {
	return entry.changes.some((c) => c.path[0] === 'fields' && c.path[1] === 'kind' && c.from === undefined);
}

/** A value set at creation worth listing: anything but empty text, no value and "off". */
export function isInitialValue(change: FieldChange): boolean {
	const v = change.to;
	return v !== undefined && v !== null && v !== '' && v !== false && !isDerived(change);
}

/** Which filter a change belongs to: a field, a channel entry, the contact groups or status tags. */
export function filterKey(path: readonly string[]): string {
	return path[0] === 'groups' || path[0] === 'tags' || path[0] === 'access'
		? path[0]
		: path.slice(0, 2).join('/');
}

/** The name of a filter (see `filterKey`). */
export function filterLabel(path: readonly string[], ctx: DescribeContext): string {
	const [root, key] = path;
	if (root === 'groups') return t('contact.sectionGroups');
	if (root === 'tags') return t('contact.tags');
	if (root === 'access') return t('history.access');
	if (root === 'channels' && key) return channelTitle(ctx.channels.get(key));
	if (root === 'fields' && key) return fieldLabel(key);
	return path.slice(0, 2).join(' › ');
}

/** Marks a value the UI cannot read off the contact (a field it does not know yet). */
export const UNKNOWN: unique symbol = Symbol('unknown');

/**
 * The value at `path` as the document holds it now, in the shape the history records it: a field's
 * value, a channel entry as a plain object (without its id), `true` for a group the contact has,
 * `undefined` for nothing there. `UNKNOWN` for paths the domain contact does not carry.
 */
export function currentValue(
	contact: Contact,
	path: readonly string[]
): JsonValue | undefined | typeof UNKNOWN {
	const [root, key, sub] = path;
	if (!key) return UNKNOWN;
	if (root === 'fields' && path.length === 2) {
		if (
			key === 'id' ||
			key === 'channels' ||
			key === 'groups' ||
			key === 'tags' ||
			!Object.hasOwn(contact, key)
		)
			return UNKNOWN;
		return (contact as unknown as Record<string, JsonValue>)[key];
	}
	if (root === 'groups' && path.length === 2) return contact.groups.some((g) => g === key) ? true : undefined;
	if (root === 'tags' && path.length === 2) return contact.tags.includes(key) ? true : undefined;
	if (root === 'channels') {
		const channel = contact.channels.find((c) => c.id === key);
		if (!channel) return path.length === 2 ? undefined : UNKNOWN;
		const { id: _id, ...entry } = channel;
		if (sub === undefined) return entry;
		return path.length === 3 && Object.hasOwn(entry, sub)
			? (entry as Record<string, JsonValue>)[sub]
			: UNKNOWN;
	}
	return UNKNOWN;
}

/** Can `restore` write at `path`? Not inside a channel that no longer exists (restore the entry). */
export function canRestore(contact: Contact, path: readonly string[]): boolean {
	return !(path[0] === 'channels' && path.length > 2 && !contact.channels.some((c) => c.id === path[1]));
}

function canonical(value: JsonValue | undefined): string {
	if (value === undefined) return 'undefined';
	if (!isEntry(value)) return JSON.stringify(value);
	const keys = Object.keys(value).sort();
	return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

/** Equal JSON values, whatever the order of object keys (a Y.Map does not keep one). */
export function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
	return canonical(a) === canonical(b);
}
