import * as Y from 'yjs';

/**
 * Applies stored or received updates to a document, merged into one when possible (much faster
 * than one by one). `Y.mergeUpdates` refuses some update sets that applying one after another
 * accepts (an update from another device may be unusual but valid); then they are applied one by
 * one in a single transaction, and an update Yjs cannot read at all is skipped rather than making
 * the whole document unreadable. Returns how many updates were skipped.
 */
export function applyUpdates(doc: Y.Doc, updates: readonly Uint8Array[], origin: unknown): number {
	if (updates.length === 0) return 0;
	if (updates.length === 1) return applyOne(doc, updates[0] as Uint8Array, origin) ? 0 : 1;
	let merged: Uint8Array | null;
	try {
		merged = Y.mergeUpdates([...updates]);
	} catch {
		merged = null;
	}
	if (merged && applyOne(doc, merged, origin)) return 0;
	let skipped = 0;
	doc.transact(() => {
		for (const update of updates) if (!applyOne(doc, update, origin)) skipped += 1;
	}, origin);
	return skipped;
}

function applyOne(doc: Y.Doc, update: Uint8Array, origin: unknown): boolean {
	try {
		Y.applyUpdate(doc, update, origin);
		return true;
	} catch (error) {
		console.error(`Kontor: an update of document ${doc.guid} cannot be read and is skipped`, error);
		return false;
	}
}
