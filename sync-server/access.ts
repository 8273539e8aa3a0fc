/**
 * The one place that decides who may read and write a document. Every path that sends a document
 * to a device (resume, snapshot, broadcast, repair) asks `mayRead`; every push asks `mayWrite`.
 * Today every member of a workspace may read and write all of its documents; per-contact rights
 * (owner, editors, readers) plug in here.
 */

/** The signed-in user asking. */
export interface Reader {
	userId: string;
	role: 'admin' | 'member';
}

/** What the rules look at of a document. */
export interface DocumentAccess {
	docId: string;
	ownerId: string;
}

export function mayRead(reader: Reader, doc: DocumentAccess): boolean {
	void doc;
	return reader.role === 'admin' || reader.role === 'member';
}

export function mayWrite(reader: Reader, doc: DocumentAccess): boolean {
	return mayRead(reader, doc);
}
