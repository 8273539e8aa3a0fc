/**
 * The sync benchmark's data: the seeded German address book built into contact documents the way
 * the app builds them (`prepareContact` + `buildContact` inside `captureEdit`, one history entry
 * each, as `KontorStore.importContacts` does), and the small edits the latency and throughput
 * phases make.
 */
import * as Y from 'yjs';
import {
	applyContactEdits,
	applyWorkspaceEdits,
	captureEdit,
	LOCAL_ORIGIN,
	newContactDoc,
	newWorkspaceDoc,
	WORKSPACE_DOC_ID,
	type CapturedEdit
} from '../src/lib/crdt';
import type { ContactEdit } from '../src/lib/domain/edits';
import { newContactId, uuidv7, type ContactId } from '../src/lib/domain/ids';
import type { ContactKind } from '../src/lib/domain/types';
import { buildContact, prepareContact } from '../src/lib/store/contact-input';
import type { WireEntry } from '../src/lib/sync/protocol';
import { generateBook, type GeneratedContact } from './generate';

/** One document's first update and the history entry recorded with it, ready to push. */
export interface SeedDoc {
	docId: string;
	update: Uint8Array;
	entry: WireEntry;
}

export interface SeedBook {
	/** The workspace document with the contact groups. */
	workspace: SeedDoc;
	/** Companies first, so every contact person's parent is pushed before it. */
	contacts: SeedDoc[];
	generateMs: number;
	buildMs: number;
}

/** The history entry the store records with a local change (author and server time come from the server). */
export function historyEntry(
	device: string,
	facts: Omit<CapturedEdit, 'update'>,
	time = Date.now()
): WireEntry {
	return { id: uuidv7(time), time, author: { id: '', name: 'Bench' }, device, ...facts };
}

function seedDoc(docId: string, device: string, captured: CapturedEdit | null): SeedDoc {
	if (!captured) throw new Error(`document ${docId} came out empty`);
	const { update, ...facts } = captured;
	return { docId, update, entry: historyEntry(device, facts) };
}

function asImport(contact: GeneratedContact, parentId: ContactId | null) {
	const edits: ContactEdit[] = [
		...contact.channels.map((channel): ContactEdit => ({ type: 'addChannel', channel })),
		...contact.groups.map((id): ContactEdit => ({ type: 'addGroup', id }))
	];
	return {
		kind: contact.kind as ContactKind,
		fields: parentId ? { ...contact.fields, parentId } : contact.fields,
		edits
	};
}

/** Builds `count` generated contacts into documents, each with its creating update and history entry. */
export function buildSeedBook(count: number, seed: number, device: string): SeedBook {
	const started = performance.now();
	const book = generateBook(count, seed);
	const generated = performance.now();
	const workspaceDoc = newWorkspaceDoc();
	const workspace = seedDoc(
		WORKSPACE_DOC_ID,
		device,
		captureEdit(workspaceDoc, () =>
			applyWorkspaceEdits(
				workspaceDoc,
				book.groups.map((group) => ({ type: 'putGroup' as const, group })),
				LOCAL_ORIGIN
			)
		)
	);
	workspaceDoc.destroy();
	const companyIds: ContactId[] = [];
	const contacts: SeedDoc[] = [];
	const all = [...book.companies, ...book.persons];
	for (const [index, contact] of all.entries()) {
		const id = newContactId();
		if (index < book.companies.length) companyIds.push(id);
		const parent = contact.parent === null ? null : (companyIds[contact.parent] ?? null);
		const init = asImport(contact, parent);
		const prepared = prepareContact(id, init.kind, init);
		if (!prepared.ok) throw new Error(`contact ${index} rejected: ${prepared.error}`);
		const doc = newContactDoc(id);
		contacts.push(
			seedDoc(
				id,
				device,
				captureEdit(doc, () => buildContact(doc, prepared.fields, prepared.edits))
			)
		);
		doc.destroy();
	}
	return { workspace, contacts, generateMs: generated - started, buildMs: performance.now() - generated };
}

const STREETS = ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Lindenallee', 'Am Markt', 'Schulstraße'];

/**
 * A contact document that makes small real edits, as a user editing a contact does: the street
 * or the notes change, each edit one Yjs update with its history entry.
 */
export class EditableContact {
	readonly doc: Y.Doc;
	#n = 0;

	constructor(
		readonly docId: string,
		state: Uint8Array,
		readonly device: string
	) {
		this.doc = newContactDoc(docId as ContactId);
		Y.applyUpdate(this.doc, state, 'seed');
	}

	/** The next edit's update and history entry. */
	edit(): { update: Uint8Array; entry: WireEntry } {
		const n = ++this.#n;
		const edit: ContactEdit =
			n % 2 === 0
				? { type: 'set', field: 'street', value: `${STREETS[n % STREETS.length]} ${1 + (n % 150)}` }
				: { type: 'set', field: 'notes', value: `Rückruf ${n}: Angebot besprochen` };
		const captured = captureEdit(this.doc, () => applyContactEdits(this.doc, [edit]));
		if (!captured) throw new Error('an edit changed nothing');
		const { update, ...facts } = captured;
		return { update, entry: historyEntry(this.device, facts) };
	}

	destroy(): void {
		this.doc.destroy();
	}
}
