import { WORKSPACE_DOC_ID, applyUpdates, isInitialized, newContactDoc, readContact } from '../crdt';
import {
	projectContact,
	reprojectRow,
	rowAsParent,
	type Contact,
	type ContactId,
	type ContactRow,
	type InheritanceSource
} from '../domain';
import { whereAnyOf, type KontorDexie } from './db';

/** Did anything a child inherits or shows of its parent change? */
function parentFacingChanged(before: ContactRow | undefined, after: ContactRow): boolean {
	if (!before) return true;
	return (
		before.displayName !== after.displayName ||
		before.companyName !== after.companyName ||
		before.street !== after.street ||
		before.zip !== after.zip ||
		before.city !== after.city ||
		before.country !== after.country ||
		before.groups.join() !== after.groups.join()
	);
}

async function replaceRow(db: KontorDexie, before: ContactRow | undefined, after: ContactRow): Promise<void> {
	if (before && before.key !== after.key) await db.contacts.delete(before.key);
	await db.contacts.put(after);
}

/**
 * Re-derives the rows of every descendant whose inherited or shown values depend on `parent`.
 * Must run inside the caller's transaction: a parent's row and its children's rows change together.
 */
async function cascade(db: KontorDexie, parent: ContactRow, changed: Set<ContactId>): Promise<void> {
	const queue: ContactRow[] = [parent];
	const seen = new Set<ContactId>([parent.id]);
	while (queue.length > 0) {
		const current = queue.shift() as ContactRow;
		const children = await db.contacts.where('parentId').equals(current.id).toArray();
		for (const child of children) {
			if (seen.has(child.id)) continue;
			seen.add(child.id);
			const next = reprojectRow(child, rowAsParent(current));
			if (!parentFacingChanged(child, next) && child.parentName === next.parentName) continue;
			await replaceRow(db, child, next);
			changed.add(child.id);
			queue.push(next);
		}
	}
}

/**
 * Re-derives the rows of the contacts under `parentId` once that contact is gone from this device:
 * they keep their own values, and their descendants follow. Call inside the removing transaction.
 */
export async function reprojectChildren(db: KontorDexie, parentId: ContactId): Promise<Set<ContactId>> {
	const changed = new Set<ContactId>();
	for (const child of await db.contacts.where('parentId').equals(parentId).toArray()) {
		const next = reprojectRow(child, null);
		await replaceRow(db, child, next);
		changed.add(child.id);
		if (parentFacingChanged(child, next)) await cascade(db, next, changed);
	}
	return changed;
}

/**
 * Writes the projection row of a contact and re-derives its descendants. Call inside a Dexie
 * transaction that also stores the update, so the list never disagrees with the documents after
 * a crash. Returns the ids of every row it changed.
 */
export async function writeProjection(
	db: KontorDexie,
	contact: Contact,
	time: number
): Promise<Set<ContactId>> {
	const changed = new Set<ContactId>([contact.id]);
	const before = await db.contacts.where('id').equals(contact.id).first();
	const parentRow = contact.parentId
		? await db.contacts.where('id').equals(contact.parentId).first()
		: undefined;
	const after = projectContact(contact, parentRow ? rowAsParent(parentRow) : null, time);
	await replaceRow(db, before, after);
	if (parentFacingChanged(before, after)) await cascade(db, after, changed);
	return changed;
}

/**
 * Writes the rows of many contacts at once (a batch received from the server): parents within the
 * batch are resolved in memory, parents outside it read in one query, and descendants outside the
 * batch re-derived as in `writeProjection`. Call inside the transaction that stores the updates.
 * Returns the ids of every row written (the batch's and re-derived descendants') and the batch's rows.
 */
export async function writeProjectionBatch(
	db: KontorDexie,
	contacts: readonly Contact[],
	time: number
): Promise<{ changed: Set<ContactId>; rows: ContactRow[] }> {
	const changed = new Set<ContactId>(contacts.map((c) => c.id));
	if (contacts.length === 0) return { changed, rows: [] };
	const ids = contacts.map((c) => c.id);
	const inBatch = new Set<ContactId>(ids);
	const outsideIds = [
		...new Set(contacts.map((c) => c.parentId).filter((p): p is ContactId => !!p && !inBatch.has(p)))
	];
	const [beforeRows, outsideRows] = await Promise.all([
		whereAnyOf(db.contacts, 'id', ids),
		whereAnyOf(db.contacts, 'id', outsideIds)
	]);
	const before = new Map(beforeRows.map((r) => [r.id, r]));
	const rows = projectAll(contacts, () => time, new Map(outsideRows.map((r) => [r.id, rowAsParent(r)])));
	const stale = rows.flatMap((r) => {
		const old = before.get(r.id);
		return old && old.key !== r.key ? [old.key] : [];
	});
	if (stale.length > 0) await db.contacts.bulkDelete(stale);
	await db.contacts.bulkPut(rows);
	const parents = rows.filter((r) => parentFacingChanged(before.get(r.id), r));
	if (parents.length === 0) return { changed, rows };
	// Only parents with children outside the batch need the cascade (the batch was projected together).
	const children = await db.contacts
		.where('parentId')
		.anyOf(parents.map((p) => p.id))
		.toArray();
	const withOutsideChildren = new Set(children.filter((c) => !inBatch.has(c.id)).map((c) => c.parentId));
	for (const parent of parents) {
		if (withOutsideChildren.has(parent.id)) await cascade(db, parent, changed);
	}
	return { changed, rows };
}

/**
 * Builds every row from scratch: own values first, then inherited values in parent-before-child
 * order. Pure over its input, so a rebuilt projection can be compared with the live one. Parents
 * not among `contacts` are looked up in `outside`.
 */
export function projectAll(
	contacts: readonly Contact[],
	time: (id: ContactId) => number,
	outside: ReadonlyMap<ContactId, InheritanceSource> = new Map()
): ContactRow[] {
	const byId = new Map(contacts.map((c) => [c.id, c]));
	const done = new Map<ContactId, ContactRow>();
	const visiting = new Set<ContactId>();
	const resolve = (c: Contact): ContactRow => {
		const cached = done.get(c.id);
		if (cached) return cached;
		visiting.add(c.id);
		const parent = c.parentId && !visiting.has(c.parentId) ? byId.get(c.parentId) : undefined;
		const parentSource = parent
			? rowAsParent(resolve(parent))
			: c.parentId
				? (outside.get(c.parentId) ?? null)
				: null;
		visiting.delete(c.id);
		const row = projectContact(c, parentSource, time(c.id));
		done.set(c.id, row);
		return row;
	};
	return contacts.map(resolve);
}

/**
 * Rebuilds every row from the documents' stored updates, in one transaction over updates and rows:
 * an edit from another tab waits for the rebuild instead of being overwritten by an older row.
 */
export async function rebuildRows(
	db: KontorDexie,
	onProgress?: (done: number, total: number) => void
): Promise<ContactRow[]> {
	return db.transaction('rw', db.updates, db.contacts, async () => {
		const keys = (await db.updates.orderBy('[docId+seq]').keys()) as unknown as [string, number][];
		const ids = [...new Set(keys.map(([docId]) => docId))].filter((id) => id !== WORKSPACE_DOC_ID);
		const contacts: Contact[] = [];
		const times = new Map<string, number>();
		const chunk = 500;
		for (let i = 0; i < ids.length; i += chunk) {
			const slice = ids.slice(i, i + chunk);
			const records = await whereAnyOf(db.updates, 'docId', slice);
			const byDoc = new Map<string, Uint8Array[]>();
			for (const r of records.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) {
				const list = byDoc.get(r.docId);
				if (list) list.push(r.update);
				else byDoc.set(r.docId, [r.update]);
				times.set(r.docId, Math.max(times.get(r.docId) ?? 0, r.time));
			}
			for (const [id, updates] of byDoc) {
				const doc = newContactDoc(id as ContactId);
				applyUpdates(doc, updates, null);
				if (isInitialized(doc)) contacts.push(readContact(doc));
				doc.destroy();
			}
			onProgress?.(Math.min(i + chunk, ids.length), ids.length);
		}
		const rebuilt = projectAll(contacts, (id) => times.get(id) ?? 0);
		await db.contacts.clear();
		await db.contacts.bulkPut(rebuilt);
		return rebuilt;
	});
}
