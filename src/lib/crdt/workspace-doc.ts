import * as Y from 'yjs';
import {
	SALUTATION_TEMPLATE_KEYS,
	WORKSPACE_LISTS,
	emptyWorkspaceConfig,
	isLanguageCode,
	isTextBlockKey,
	parseGroupId,
	type ContactGroup,
	type GroupId,
	type ListEntry,
	type SalutationTemplateKey,
	type WorkspaceConfig,
	type WorkspaceListName
} from '../domain';

/** The document id of the workspace settings document: groups, lists, salutations, text blocks. */
export const WORKSPACE_DOC_ID = 'workspace';

/**
 * An edit to the workspace settings, as plain data. A `null` value of a salutation line or a text
 * removes the workspace's own text (the built-in line applies again).
 */
export type WorkspaceEdit =
	| { type: 'putGroup'; group: ContactGroup }
	| { type: 'removeGroup'; id: GroupId }
	| { type: 'putListEntry'; list: WorkspaceListName; entry: ListEntry }
	| { type: 'removeListEntry'; list: WorkspaceListName; id: string }
	| { type: 'setDefault'; key: 'paymentTermsId' | 'deliveryTermsId'; value: string | null }
	| { type: 'setDefaultLanguage'; language: string }
	| { type: 'setSalutation'; language: string; key: SalutationTemplateKey; value: string | null }
	| { type: 'setTextBlock'; key: string; language: string; text: string | null };

/**
 * The shape of the workspace document:
 * - `groups`: Y.Map<groupId, Y.Map{name, color}>;
 * - one Y.Map per workspace list (`paymentTerms` ...): Y.Map<entryId, Y.Map{name, color}>;
 * - `settings`: Y.Map of the defaults (paymentTermsId, deliveryTermsId, language);
 * - `salutations`: Y.Map<'language:line key', text>;
 * - `textBlocks`: Y.Map<'block key:language', text>.
 * A map per entry and one key per line or text, so two people changing different ones both win
 * (two devices creating the same nested map at once would keep only one of them).
 */
export function newWorkspaceDoc(): Y.Doc {
	return new Y.Doc({ guid: WORKSPACE_DOC_ID, gc: true });
}

function groupsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
	return doc.getMap('groups');
}

const COLOR = /^#[0-9a-f]{6}$/i;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const byName =
	(collator: Intl.Collator) => (a: { name: string; id: string }, b: { name: string; id: string }) =>
		collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1);

/** The contact groups, sorted by name (German collation). */
export function readGroups(doc: Y.Doc): ContactGroup[] {
	const out: ContactGroup[] = [];
	groupsMap(doc).forEach((m, key) => {
		const id = parseGroupId(key);
		if (!id || !(m instanceof Y.Map)) return;
		const name = m.get('name');
		const color = m.get('color');
		out.push({
			id,
			name: typeof name === 'string' ? name : '',
			color: typeof color === 'string' && COLOR.test(color) ? color : '#888888'
		});
	});
	return out.sort(byName(new Intl.Collator('de')));
}

/**
 * Reads a map of `outer:inner` keys into nested records, keeping the string values whose parts
 * `validOuter` and `validInner` accept.
 */
function readPairs(
	m: Y.Map<unknown>,
	validOuter: (key: string) => boolean,
	validInner: (key: string) => boolean
): Record<string, Record<string, string>> {
	const out: Record<string, Record<string, string>> = {};
	m.forEach((value, key) => {
		const at = key.indexOf(':');
		const [outer, inner] = [key.slice(0, at), key.slice(at + 1)];
		if (at < 0 || typeof value !== 'string' || !validOuter(outer) || !validInner(inner)) return;
		(out[outer] ??= {})[inner] = value;
	});
	return out;
}

/** Reads the lists, defaults, salutations and text blocks; malformed entries are left out. */
export function readWorkspaceConfig(doc: Y.Doc): WorkspaceConfig {
	const config = emptyWorkspaceConfig();
	const collator = new Intl.Collator('de');
	for (const list of WORKSPACE_LISTS) {
		const entries: ListEntry[] = [];
		doc.getMap<unknown>(list).forEach((m, id) => {
			if (!(m instanceof Y.Map)) return;
			const color = str(m.get('color'));
			entries.push({ id, name: str(m.get('name')), color: COLOR.test(color) ? color : '' });
		});
		config.lists[list] = entries.sort(byName(collator));
	}
	const settings = doc.getMap<unknown>('settings');
	const known = (list: WorkspaceListName, v: unknown) =>
		typeof v === 'string' && config.lists[list].some((e) => e.id === v) ? v : null;
	config.defaultPaymentTermsId = known('paymentTerms', settings.get('paymentTermsId'));
	config.defaultDeliveryTermsId = known('deliveryTerms', settings.get('deliveryTermsId'));
	const language = settings.get('language');
	config.salutations.defaultLanguage = isLanguageCode(language) ? language : 'de';
	const lineKey = (k: string) => (SALUTATION_TEMPLATE_KEYS as readonly string[]).includes(k);
	config.salutations.templates = readPairs(doc.getMap('salutations'), isLanguageCode, lineKey);
	config.textBlocks = readPairs(doc.getMap('textBlocks'), isTextBlockKey, isLanguageCode);
	return config;
}

/** The nested map under `key`, made when missing. */
function child(parent: Y.Map<unknown>, key: string): Y.Map<unknown> {
	const existing = parent.get(key);
	if (existing instanceof Y.Map) return existing;
	const made = new Y.Map<unknown>();
	parent.set(key, made);
	return made;
}

/** Sets a value only when it differs (a rewritten value would be a new concurrent write). */
function put(m: Y.Map<unknown>, key: string, value: unknown): void {
	if (value === null || value === undefined) {
		if (m.has(key)) m.delete(key);
	} else if (m.get(key) !== value) {
		m.set(key, value);
	}
}

function applyOne(doc: Y.Doc, edit: WorkspaceEdit): void {
	switch (edit.type) {
		case 'putGroup': {
			const m = child(groupsMap(doc) as Y.Map<unknown>, edit.group.id);
			put(m, 'name', edit.group.name);
			put(m, 'color', edit.group.color);
			return;
		}
		case 'removeGroup':
			groupsMap(doc).delete(edit.id);
			return;
		case 'putListEntry': {
			const m = child(doc.getMap(edit.list), edit.entry.id);
			put(m, 'name', edit.entry.name);
			put(m, 'color', edit.entry.color);
			return;
		}
		case 'removeListEntry':
			doc.getMap(edit.list).delete(edit.id);
			return;
		case 'setDefault':
			put(doc.getMap('settings'), edit.key, edit.value);
			return;
		case 'setDefaultLanguage':
			put(doc.getMap('settings'), 'language', edit.language);
			return;
		case 'setSalutation':
			put(doc.getMap('salutations'), `${edit.language}:${edit.key}`, edit.value);
			return;
		case 'setTextBlock':
			put(doc.getMap('textBlocks'), `${edit.key}:${edit.language}`, edit.text);
			return;
	}
}

/**
 * Checks an edit before it is written: names not empty, ids and language codes well-formed, texts
 * of a sensible length. Returns the edit normalised (trimmed), or null when it is refused.
 */
export function checkWorkspaceEdit(edit: WorkspaceEdit): WorkspaceEdit | null {
	switch (edit.type) {
		case 'putListEntry': {
			const name = edit.entry.name.trim();
			if (name === '' || name.length > 100 || edit.entry.id === '') return null;
			if (!(WORKSPACE_LISTS as readonly string[]).includes(edit.list)) return null;
			const color = edit.list === 'statusTags' && COLOR.test(edit.entry.color) ? edit.entry.color : '';
			return { ...edit, entry: { id: edit.entry.id, name, color } };
		}
		case 'setDefaultLanguage':
			return isLanguageCode(edit.language) ? edit : null;
		case 'setSalutation': {
			if (!isLanguageCode(edit.language)) return null;
			const value = edit.value === null ? null : edit.value.trim();
			if (value !== null && value.length > 200) return null;
			return { ...edit, value: value === '' ? null : value };
		}
		case 'setTextBlock': {
			if (!isTextBlockKey(edit.key) || !isLanguageCode(edit.language)) return null;
			if (edit.text !== null && edit.text.length > 10_000) return null;
			return { ...edit, text: edit.text === null || edit.text.trim() === '' ? null : edit.text };
		}
		default:
			return edit;
	}
}

export function applyWorkspaceEdits(doc: Y.Doc, edits: readonly WorkspaceEdit[], origin: unknown): void {
	doc.transact(() => {
		for (const edit of edits) applyOne(doc, edit);
	}, origin);
}
