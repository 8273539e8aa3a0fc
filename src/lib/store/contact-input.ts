import type * as Y from 'yjs';
import { applyContactEdits, initContact, type JsonValue } from '../crdt';
import {
	emptyContactFields,
	emptyContactParts,
	suggestMatchcode,
	validateChannelValue,
	validateEdits,
	type Contact,
	type ContactEdit,
	type ContactFields,
	type ContactId,
	type ContactKind
} from '../domain';
import type { EditResult, NewContact } from './contact-store';

export type EditRejectionResult = Extract<EditResult, { ok: false }>;

/** Checks a new contact's fields and edits; the matchcode is suggested when none is given. */
export function prepareContact(
	id: ContactId,
	kind: ContactKind,
	init: NewContact
): { ok: true; fields: ContactFields; edits: ContactEdit[] } | EditRejectionResult {
	const fields: ContactFields = { ...emptyContactFields(kind), ...init.fields, kind };
	if (!fields.matchcode) fields.matchcode = suggestMatchcode(fields);
	const blank: Contact = {
		id,
		...emptyContactFields(kind),
		country: fields.country,
		...emptyContactParts()
	};
	// What equals the default is not written (see initContact).
	const defaults = emptyContactFields(kind) as unknown as Record<string, unknown>;
	const fieldEdits: ContactEdit[] = Object.entries(fields)
		.filter(([k, v]) => k !== 'kind' && k !== 'parentId' && JSON.stringify(v) !== JSON.stringify(defaults[k]))
		.map(([field, value]) => ({ type: 'set', field, value }) as ContactEdit);
	const checked = validateEdits(blank, [...fieldEdits, ...(init.edits ?? [])]);
	return checked.ok ? { ok: true, fields, edits: checked.value } : checked;
}

/** Writes a new contact's initial state; call inside `capture` so it becomes one update. */
export function buildContact(doc: Y.Doc, fields: ContactFields, edits: readonly ContactEdit[]): void {
	initContact(doc, { ...emptyContactFields(fields.kind), parentId: fields.parentId });
	applyContactEdits(doc, edits);
}

/**
 * A restored channel value brings its normalized form (E.164, lower-case e-mail) along, which search
 * and the list read; a value that no longer validates keeps the stored normalized form.
 */
export function derivedChannelValue(
	contact: Contact,
	path: readonly string[],
	value: JsonValue | undefined
): { path: string[]; value: string } | null {
	const [root, id, prop] = path;
	if (root !== 'channels' || prop !== 'value' || typeof value !== 'string' || path.length !== 3) return null;
	const channel = contact.channels.find((c) => c.id === id);
	if (!channel) return null;
	const checked = validateChannelValue(channel.kind, value, contact.country);
	return checked.ok
		? { path: ['channels', channel.id, 'normalized'], value: checked.value.normalized }
		: null;
}
