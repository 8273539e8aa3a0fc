/**
 * The design Kontor does not use, measured for comparison: every contact in one Y.Doc (a Y.Map
 * 'contacts' of Y.Maps with the same fields, channels and groups), persisted with y-indexeddb.
 * To paint its list it has to load the whole document and read every contact.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { newContactId, type ContactId } from '../src/lib/domain/ids';
import { displayName } from '../src/lib/domain/names';
import type { ContactKind } from '../src/lib/domain/types';
import { generateBook, type GeneratedContact } from './generate';
import type { NaiveColdStart, NaiveSeedResult } from './page-api';
import { afterPaint } from './page-timing';

/** IndexedDB name of the naive design (y-indexeddb creates it). */
export const NAIVE_DB = 'kontor-naive';

/** Contacts per write transaction while seeding. */
const WRITE_CHUNK = 10_000;

function contactMap(contact: GeneratedContact, parentId: ContactId | null): Y.Map<unknown> {
	const map = new Y.Map<unknown>();
	map.set('kind', contact.kind);
	for (const [field, value] of Object.entries(contact.fields)) if (value !== undefined) map.set(field, value);
	map.set('parentId', parentId);
	const channels = new Y.Map<Y.Map<unknown>>();
	for (const { id, ...channel } of contact.channels) {
		const entry = new Y.Map<unknown>();
		for (const [key, value] of Object.entries(channel)) entry.set(key, value);
		channels.set(id, entry);
	}
	map.set('channels', channels);
	const groups = new Y.Map<boolean>();
	for (const group of contact.groups) groups.set(group, true);
	map.set('groups', groups);
	return map;
}

/** Waits until every write y-indexeddb queued is committed, and sums up what it stored. */
async function storedUpdates(): Promise<{ updates: number; bytes: number }> {
	const db = await new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(NAIVE_DB);
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
	try {
		// A transaction created after the pending read-write ones on the same store runs after them.
		const store = db.transaction('updates', 'readonly').objectStore('updates');
		return await new Promise((resolve, reject) => {
			let updates = 0;
			let bytes = 0;
			const cursor = store.openCursor();
			cursor.onsuccess = () => {
				const current = cursor.result;
				if (!current) return resolve({ updates, bytes });
				updates += 1;
				bytes += (current.value as Uint8Array).byteLength;
				current.continue();
			};
			cursor.onerror = () => reject(cursor.error);
		});
	} finally {
		db.close();
	}
}

/** Writes `count` generated contacts into the naive design's single document. */
export async function seedNaive(count: number, seed: number): Promise<NaiveSeedResult> {
	const started = performance.now();
	const book = generateBook(count, seed);
	const generated = performance.now();
	const doc = new Y.Doc();
	const persistence = new IndexeddbPersistence(NAIVE_DB, doc);
	await persistence.whenSynced;
	const contacts = doc.getMap<Y.Map<unknown>>('contacts');
	const companyIds = book.companies.map(() => newContactId());
	const all: [ContactId, GeneratedContact, ContactId | null][] = [
		...book.companies.map((c, i): [ContactId, GeneratedContact, null] => [
			companyIds[i] as ContactId,
			c,
			null
		]),
		...book.persons.map((p): [ContactId, GeneratedContact, ContactId | null] => [
			newContactId(),
			p,
			p.parent === null ? null : (companyIds[p.parent] ?? null)
		])
	];
	for (let start = 0; start < all.length; start += WRITE_CHUNK) {
		doc.transact(() => {
			for (const [id, contact, parentId] of all.slice(start, start + WRITE_CHUNK))
				contacts.set(id, contactMap(contact, parentId));
		});
		console.log(`naive seed: ${Math.min(start + WRITE_CHUNK, all.length)}/${all.length}`);
		await new Promise((resolve) => setTimeout(resolve, 0));
	}
	const stored = await storedUpdates();
	const written = contacts.size;
	await persistence.destroy();
	doc.destroy();
	return {
		count: written,
		generateMs: generated - started,
		writeMs: performance.now() - generated,
		...stored
	};
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

interface NaiveRow {
	id: string;
	name: string;
	place: string;
	phone: string;
	email: string;
}

/** What the list needs of one contact: its name, place, first phone and first e-mail. */
function readRow(id: string, map: Y.Map<unknown>): NaiveRow {
	const kind: ContactKind = map.get('kind') === 'company' ? 'company' : 'person';
	const name = displayName({
		kind,
		companyName: text(map.get('companyName')),
		firstName: text(map.get('firstName')),
		lastName: text(map.get('lastName'))
	});
	let phone = { order: '\uffff', value: '' };
	let email = { order: '\uffff', value: '' };
	const channels = map.get('channels');
	if (channels instanceof Y.Map)
		channels.forEach((entry: unknown) => {
			if (!(entry instanceof Y.Map)) return;
			const candidate = { order: text(entry.get('order')), value: text(entry.get('value')) };
			const channelKind = entry.get('kind');
			if (channelKind === 'email' && candidate.order < email.order) email = candidate;
			else if (channelKind !== 'email' && candidate.order < phone.order) phone = candidate;
		});
	const place = `${text(map.get('zip'))} ${text(map.get('city'))}`.trim();
	return { id, name, place, phone: phone.value, email: email.value };
}

function renderRows(rows: readonly NaiveRow[]): void {
	const list = document.createElement('div');
	list.setAttribute('role', 'listbox');
	for (const row of rows) {
		const option = document.createElement('div');
		option.setAttribute('role', 'option');
		const link = document.createElement('a');
		link.className = 'name';
		link.href = `/contacts/${row.id}`;
		link.textContent = row.name;
		const details = document.createElement('span');
		details.textContent = [row.place, row.phone, row.email].filter(Boolean).join(' · ');
		option.append(link, ' ', details);
		list.append(option);
	}
	document.body.append(list);
}

/**
 * What the naive design must do to paint its list: load the document, read every contact, sort by
 * name (German collation) and render the first 50 rows. Times are ms since navigation start.
 */
export async function naiveColdStart(): Promise<NaiveColdStart> {
	const doc = new Y.Doc();
	const persistence = new IndexeddbPersistence(NAIVE_DB, doc);
	await persistence.whenSynced;
	const syncedMs = performance.now();
	const rows: NaiveRow[] = [];
	doc.getMap<Y.Map<unknown>>('contacts').forEach((map, id) => rows.push(readRow(id, map)));
	const collator = new Intl.Collator('de');
	rows.sort((a, b) => collator.compare(a.name, b.name));
	const sortedMs = performance.now();
	renderRows(rows.slice(0, 50));
	const ms = await afterPaint();
	window.naiveKeepAlive = { doc, persistence };
	return { ms, syncedMs, sortedMs, count: rows.length };
}
