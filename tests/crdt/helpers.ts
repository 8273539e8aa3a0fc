/** Shared setup for the contact-document tests: fixed ids and replica plumbing. */
import * as Y from 'yjs';
import { captureEdit, initContact, newContactDoc, type HistoryEntry } from '../../src/lib/crdt';
import { emptyContactFields, type ContactFields } from '../../src/lib/domain';
import { mulberry32, seededChannelId, seededContactId, seededGroupId } from '../factories';

const rng = mulberry32(4711);
export const CONTACT_ID = seededContactId(rng);
export const PARENT_ID = seededContactId(rng);
export const OTHER_PARENT_ID = seededContactId(rng);
export const CH1 = seededChannelId(rng);
export const CH2 = seededChannelId(rng);
export const CH3 = seededChannelId(rng);
export const CH4 = seededChannelId(rng);
const GA = seededGroupId(rng);
const GB = seededGroupId(rng);
/** Two group ids, G1 < G2 (readContact returns groups sorted). */
export const [G1, G2] = GA < GB ? [GA, GB] : [GB, GA];

/** A contact document (Anna Müller plus `overrides`) with a fixed client id, so conflicts are deterministic. */
export function docWith(overrides: Partial<ContactFields> = {}, clientID = 1): Y.Doc {
	const doc = newContactDoc(CONTACT_ID);
	doc.clientID = clientID;
	initContact(doc, { ...emptyContactFields('person'), firstName: 'Anna', lastName: 'Müller', ...overrides });
	return doc;
}

/** Counts the updates `fn` makes the document emit. */
export function updatesDuring(doc: Y.Doc, fn: () => void): number {
	let count = 0;
	const onUpdate = () => count++;
	doc.on('update', onUpdate);
	fn();
	doc.off('update', onUpdate);
	return count;
}

/** Another replica of `doc` (same guid, same state) with its own client id. */
export function replica(doc: Y.Doc, clientID: number): Y.Doc {
	const copy = new Y.Doc({ guid: doc.guid, gc: true });
	copy.clientID = clientID;
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

/** Exchanges what each side is missing, as the sync protocol's step 1/2 would. */
export function sync(a: Y.Doc, b: Y.Doc): void {
	const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
	const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
	Y.applyUpdate(b, toB);
	Y.applyUpdate(a, toA);
}

/** Who made an edit and when, for `recordEdit`; the rest of an entry is read off the document. */
export interface EditMeta {
	id: string;
	time: number;
	device?: string;
	author?: string;
}

/**
 * Runs `run` as one local edit of `doc` and returns its update and the history entry for it, built
 * the way the store builds it (changes read off the transaction, the state vector before, the
 * client and its clock after); null when the edit wrote nothing.
 */
export function recordEdit(
	doc: Y.Doc,
	run: () => void,
	meta: EditMeta
): { update: Uint8Array; entry: HistoryEntry } | null {
	const captured = captureEdit(doc, run);
	if (!captured) return null;
	const { update, ...facts } = captured;
	const entry: HistoryEntry = {
		id: meta.id,
		docId: doc.guid,
		time: meta.time,
		author: { id: '', name: meta.author ?? '' },
		device: meta.device ?? '',
		...facts
	};
	return { update, entry };
}
