import * as Y from 'yjs';
import {
	LOCAL_ORIGIN,
	WORKSPACE_DOC_ID,
	applyUpdates,
	applyContactEdits,
	applyWorkspaceEdits,
	captureEdit,
	sortHistory,
	writeAt,
	type CapturedEdit,
	type HistoryEntry,
	type JsonValue,
	isInitialized,
	newContactDoc,
	newWorkspaceDoc,
	readContact,
	readGroups,
	readWorkspaceConfig,
	checkWorkspaceEdit,
	type WorkspaceEdit
} from '../crdt';
import {
	checkParent,
	completeEdits,
	newContactId,
	newDeviceId,
	parseContactId,
	passesFilter,
	uuidv7,
	rowAsParent,
	validateEdits,
	type Contact,
	type ContactEdit,
	type ContactFields,
	type ContactGroup,
	type WorkspaceConfig,
	type ContactId,
	type ContactKind,
	type ContactRow,
	type DeviceId,
	type GroupId,
	type InheritanceSource,
	type ValidationError,
	type AccessInfo,
	type EditError,
	type EditRejection,
	type InvoiceRecipientLookup,
	type ContactReference,
	localDate
} from '../domain';
import {
	createDatabase,
	DEFAULT_DB_NAME,
	whereAnyOf,
	type KontorDexie,
	type OutboxRecord,
	type UpdateRecord
} from './db';
import { DocCache, type DocEntry } from './doc-cache';
import { classifyStorageError, StorageError } from './errors';
import {
	projectAll,
	rebuildRows,
	reprojectChildren,
	writeProjection,
	writeProjectionBatch
} from './projection-writer';
import { queryKeys } from './contact-queries';
import {
	birthdayRows,
	favoriteItems,
	readFavorites,
	writeFavorite,
	type FavoriteItem,
	type FavoriteOwner
} from './favorites';
import { contactReferences, type ReferenceSource } from './references';
import { buildContact, derivedChannelValue, prepareContact, type EditRejectionResult } from './contact-input';

/** What changed: documents that got an update, and projection rows that were rewritten. */
export interface StoreChange {
	docIds: string[];
	rowIds: string[];
	/**
	 * Where some of the changed rows now sort and which filters they pass, when the writer has them
	 * at hand (a batch received by sync): the list places them without reading them back.
	 */
	rows?: ListedRow[];
	/** True when the change was made in another tab of this device. */
	remote: boolean;
	/** True when stars (favourites) changed on this device; they are in no document and no row. */
	favorites?: boolean;
}

/** What the list needs of a row to place it: its key (list order) and the filters it passes. */
export type ListedRow = Pick<ContactRow, 'id' | 'key' | 'filters'>;

/** The outcome of an edit the user made; storage failures throw a `StorageError` instead. */
export type EditResult =
	| { ok: true }
	| {
			ok: false;
			error: EditError | 'notFound';
			index: number;
			/** For the Kunde and Lieferant tabs: the value the error is about. */
			field?: EditRejection['field'];
	  };

/** An update from another device (through the sync server), with the history recorded with it. */
export interface ReceivedItem {
	docId: string;
	update: Uint8Array;
	entries?: readonly Omit<HistoryEntry, 'docId'>[];
	/** The document's rights, when the server sent them (with a snapshot). */
	access?: AccessInfo;
}

export interface ReceiveResult {
	/** Documents that still lack updates the received ones depend on. */
	incomplete: string[];
}

/** What `receive` reads before applying: loaded documents, and stored updates of the others. */
interface ReceivedRead {
	byDoc: Map<string, Uint8Array[]>;
	loaded: Map<string, DocEntry>;
	stored: Map<string, Uint8Array[]>;
}

/** A local change waiting for the server's acknowledgement, with its history entries. */
export interface PendingPush {
	id: string;
	docId: string;
	update: Uint8Array;
	entries: HistoryEntry[];
}

/** The server's acknowledgement of a push: the stamp its history entries get. */
export interface PushAck {
	id: string;
	serverTime: number;
	author: { id: string; name: string };
}

/** Facts the sync layer keeps on the device (its cursor is written with received data). */
export type SyncKey = 'syncCursor' | 'syncWorkspace' | 'syncSession';
const SYNC_CURSOR: SyncKey = 'syncCursor';
/** Meta key: contact persons the user may not see, counted per contact by the server. */
const HIDDEN_CHILDREN = 'hiddenChildren';
/**
 * Meta key: what the projection rows carry. Version 1 added status tags, embargo, birthday (with
 * their filter entries) and the profile's words; rows written before lack them and are rebuilt
 * once from the documents. No new index was needed (they are entries of `filters` and `tokens`),
 * so this is not a Dexie version.
 */
const PROJECTION_VERSION_KEY = 'projectionVersion';
const PROJECTION_VERSION = 1;
/** The Yjs update that changes nothing. */
const NO_CHANGE = Y.encodeStateAsUpdate(new Y.Doc());

/** List filters; null means "all". */
export interface ListFilter {
	query?: string;
	kind?: ContactKind | null;
	group?: GroupId | null;
	/** A status tag (id of the workspace's `statusTags` list). */
	tag?: string | null;
	/** True lists only the archived contacts; otherwise they are left out. */
	archived?: boolean;
}

export interface NewContact {
	fields?: Partial<ContactFields>;
	edits?: ContactEdit[];
}

export interface StoreOptions {
	/** IndexedDB database name; tests use a fresh one each. */
	name?: string;
	/** Called when another tab keeps an older version of the database open. */
	onBlocked?: () => void;
	/** Called when the database was closed under us (a newer version opened elsewhere). */
	onClosed?: (error: StorageError) => void;
}

const COMPACT_AFTER_ROWS = 64;

/** Aborts a write whose check failed inside its transaction; nothing of it is stored. */
class EditRefused extends Error {
	constructor(readonly reason: ValidationError) {
		super(`edit refused: ${reason}`);
	}
}

/** The transaction origin of updates received from another device. */
const REMOTE_ORIGIN = 'remote';

/**
 * The device's contact store: Yjs documents persisted as updates in IndexedDB, a projection for
 * lists and search, and change notifications within and across tabs. The UI reaches it through
 * small reactive adapters, never directly to Dexie or Yjs.
 */
export class KontorStore {
	readonly #db: KontorDexie;
	readonly #contacts: DocCache;
	readonly #workspace: DocCache;
	readonly #listeners = new Set<(change: StoreChange) => void>();
	readonly #referenceSources = new Set<ReferenceSource>();
	readonly #channel: BroadcastChannel | null;
	#author = '';
	/** The tail of this tab's edits, which run one after another (see `#serially`). */
	#writes: Promise<unknown> = Promise.resolve();

	private constructor(
		db: KontorDexie,
		readonly deviceId: DeviceId
	) {
		this.#db = db;
		this.#contacts = new DocCache(db, (id) => newContactDoc(id as ContactId));
		this.#workspace = new DocCache(db, () => newWorkspaceDoc(), 1);
		this.#channel =
			typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`kontor:${db.name}`);
		this.#channel?.addEventListener('message', (event: MessageEvent<Omit<StoreChange, 'remote'>>) => {
			void this.#onRemote(event.data);
		});
	}

	/** Opens (and on first use creates) the device database. */
	static async open(options: StoreOptions = {}): Promise<KontorStore> {
		if (typeof indexedDB === 'undefined') throw new StorageError('unavailable');
		const db = createDatabase(options.name ?? DEFAULT_DB_NAME);
		db.on('blocked', () => options.onBlocked?.());
		db.on('versionchange', () => {
			db.close();
			options.onClosed?.(new StorageError('version'));
			return false;
		});
		try {
			await db.open();
			let device = (await db.meta.get('deviceId'))?.value as DeviceId | undefined;
			if (!device) {
				device = newDeviceId();
				await db.meta.put({ key: 'deviceId', value: device });
			}
			const store = new KontorStore(db, device);
			store.#author = String((await db.meta.get('profileName'))?.value ?? '');
			await store.#checkProjection();
			return store;
		} catch (error) {
			db.close();
			throw classifyStorageError(error);
		}
	}

	get databaseName(): string {
		return this.#db.name;
	}

	/** The local profile name recorded as author of this device's edits. */
	get author(): string {
		return this.#author;
	}

	async setAuthor(name: string): Promise<void> {
		this.#author = name.trim();
		await this.#guard(() => this.#db.meta.put({ key: 'profileName', value: this.#author }));
	}

	/** Subscribes to changes made in this tab and in other tabs; returns the unsubscribe function. */
	subscribe(listener: (change: StoreChange) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	close(): void {
		this.#channel?.close();
		this.#contacts.clear();
		this.#workspace.clear();
		this.#db.close();
	}

	// ---- reads: lists and search (projection only) ----

	/** Row keys of the contacts a filter selects, in list order (German collation). */
	async listKeys(filter: ListFilter = {}): Promise<string[]> {
		return this.#guard(() => queryKeys(this.#db, filter));
	}

	/** The first rows of the whole list (archived ones left out), read in table order (list order). */
	async firstRows(limit: number): Promise<ContactRow[]> {
		return this.#guard(async () => {
			const rows: ContactRow[] = [];
			let batch = await this.#db.contacts.limit(limit).toArray();
			// Reads on past archived rows; usually the first read is all it takes.
			while (batch.length > 0) {
				for (const row of batch) if (passesFilter(row.filters, null) && rows.length < limit) rows.push(row);
				const last = batch[batch.length - 1];
				if (rows.length >= limit || batch.length < limit || !last) break;
				batch = await this.#db.contacts.where(':id').above(last.key).limit(limit).toArray();
			}
			return rows;
		});
	}

	/** The rows for keys, in the same order; a key whose row is gone gives `undefined`. */
	async rows(keys: readonly string[]): Promise<(ContactRow | undefined)[]> {
		return this.#guard(() => this.#db.contacts.bulkGet([...keys]));
	}

	/** The rows of contacts by id, in no particular order; unknown ids are left out. */
	async rowsByIds(ids: readonly string[]): Promise<ContactRow[]> {
		const db = this.#db;
		return this.#guard(() => db.transaction('r', db.contacts, () => whereAnyOf(db.contacts, 'id', ids)));
	}

	async row(id: ContactId): Promise<ContactRow | undefined> {
		return this.#guard(() => this.#db.contacts.where('id').equals(id).first());
	}

	/** Direct children (contact persons) of a contact, in list order. */
	async children(id: ContactId): Promise<ContactRow[]> {
		return this.#guard(async () => {
			const rows = await this.#db.contacts.where('parentId').equals(id).toArray();
			return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
		});
	}

	async count(): Promise<number> {
		return this.#guard(() => this.#db.contacts.count());
	}

	// ---- favourites (personal, on this device) ----

	/** The contacts `owner` starred on this device (see `FavoriteOwner`), sorted by id. */
	async favorites(owner: FavoriteOwner): Promise<ContactId[]> {
		return this.#guard(() => readFavorites(this.#db, owner));
	}

	/** Stars or unstars a contact for `owner`; other tabs hear of it as a change with `favorites`. */
	async setFavorite(owner: FavoriteOwner, id: ContactId, starred: boolean): Promise<void> {
		const changed = await this.#guard(() => writeFavorite(this.#db, owner, id, starred));
		if (changed) this.#announce({ docIds: [], rowIds: [], favorites: true });
	}

	/** Persons whose birthday is on the local date of `date` (by index, see `birthdayRows`). */
	async birthdaysOn(date: Date): Promise<ContactRow[]> {
		return this.#guard(() => birthdayRows(this.#db, date));
	}

	/** The "Favoriten" section for `owner` on the local date of `date`: starred contacts and birthdays. */
	async favoriteItems(owner: FavoriteOwner, date: Date): Promise<FavoriteItem[]> {
		return this.#guard(() => favoriteItems(this.#db, owner, date));
	}

	// ---- references ----

	/**
	 * Adds a source of references to contacts (business documents, when that entity arrives), so
	 * deleting a contact they point at is refused. Returns the function that removes it again.
	 */
	addReferenceSource(source: ReferenceSource): () => void {
		this.#referenceSources.add(source);
		return () => this.#referenceSources.delete(source);
	}

	/**
	 * The reference index: everything on this device that points at a contact, contact persons
	 * first, then customers naming it as invoice recipient, then what the added sources find.
	 */
	async referencesTo(id: ContactId): Promise<ContactReference[]> {
		const own = await this.#guard(() => contactReferences(this.#db, id));
		const found = await Promise.all([...this.#referenceSources].map((source) => source.find(id)));
		return [...own, ...found.flat()];
	}

	// ---- contacts (documents) ----

	/** The contact's own values, from its document; null when it does not exist on this device. */
	async loadContact(id: ContactId): Promise<Contact | null> {
		return this.#guard(async () => {
			const entry = await this.#contacts.get(id);
			return isInitialized(entry.doc) ? readContact(entry.doc) : null;
		});
	}

	/** The inheritance source of a contact's parent, if it has one on this device. */
	async parentOf(contact: Pick<Contact, 'parentId'>): Promise<InheritanceSource | null> {
		if (!contact.parentId) return null;
		const row = await this.row(contact.parentId);
		return row ? rowAsParent(row) : null;
	}

	/** Creates a contact; `edits` (channels, groups) are validated like any later edit. */
	async createContact(kind: ContactKind, init: NewContact = {}): Promise<EditResult & { id?: ContactId }> {
		const id = newContactId();
		const prepared = prepareContact(id, kind, init);
		if (!prepared.ok) return prepared;
		if (prepared.fields.parentId) {
			const parentCheck = await this.#checkParent(id, prepared.fields.parentId);
			if (parentCheck) return { ok: false, error: parentCheck, index: 0 };
		}
		const entry = await this.#contacts.get(id);
		const captured = captureEdit(entry.doc, () => buildContact(entry.doc, prepared.fields, prepared.edits));
		if (captured) await this.#persist(this.#contacts, entry, captured, true);
		return { ok: true, id };
	}

	/**
	 * Stores many new contacts at once (imports, sample data) with relaxed durability, in batches of
	 * one transaction each: updates and projection rows of a batch land together. Parents must come
	 * before their children in `contacts` or exist already. Returns the ids, or the first rejection
	 * (then nothing is stored).
	 */
	async importContacts(
		contacts: readonly (NewContact & { kind: ContactKind })[],
		onProgress?: (done: number, total: number) => void
	): Promise<{ ok: true; ids: ContactId[] } | (EditRejectionResult & { contact: number })> {
		// Check everything first, so an invalid contact leaves nothing half-imported.
		const prepared: { id: ContactId; fields: ContactFields; edits: ContactEdit[] }[] = [];
		for (const [index, init] of contacts.entries()) {
			const id = newContactId();
			const checked = prepareContact(id, init.kind, init);
			if (!checked.ok) return { ...checked, contact: index };
			prepared.push({ id, fields: checked.fields, edits: checked.edits });
		}
		const bulk = createDatabase(this.#db.name, 'relaxed');
		const batchSize = 1000;
		try {
			await bulk.open();
			for (let start = 0; start < prepared.length; start += batchSize) {
				const batch: Contact[] = [];
				const updates: UpdateRecord[] = [];
				const history: HistoryEntry[] = [];
				const outbox: OutboxRecord[] = [];
				const time = Date.now();
				for (const { id, fields, edits } of prepared.slice(start, start + batchSize)) {
					const doc = newContactDoc(id);
					const captured = captureEdit(doc, () => buildContact(doc, fields, edits));
					if (captured) {
						const { update, ...facts } = captured;
						updates.push({ docId: id, update, time, device: this.deviceId, author: this.#author });
						const entry = this.#historyEntry(id, time, facts);
						history.push(entry);
						outbox.push({ id: entry.id, docId: id, update, entryIds: [entry.id] });
					}
					batch.push(readContact(doc));
					doc.destroy();
				}
				await bulk.transaction('rw', [bulk.updates, bulk.contacts, bulk.history, bulk.outbox], async () => {
					const outside = [...new Set(batch.map((c) => c.parentId).filter((p) => p !== null))];
					const known = await whereAnyOf(bulk.contacts, 'id', outside);
					const rows = projectAll(batch, () => time, new Map(known.map((r) => [r.id, rowAsParent(r)])));
					await bulk.updates.bulkAdd(updates);
					await bulk.history.bulkAdd(history);
					await bulk.outbox.bulkAdd(outbox);
					await bulk.contacts.bulkPut(rows);
				});
				onProgress?.(Math.min(start + batchSize, prepared.length), prepared.length);
			}
		} catch (error) {
			throw classifyStorageError(error);
		} finally {
			bulk.close();
		}
		const ids = prepared.map((p) => p.id);
		this.#announce({ docIds: ids, rowIds: ids });
		return { ok: true, ids };
	}

	/** Validates and applies a user's edits to a contact as one change. */
	editContact(id: ContactId, edits: readonly ContactEdit[]): Promise<EditResult> {
		return this.#serially(() => this.#editContact(id, edits));
	}

	async #editContact(id: ContactId, edits: readonly ContactEdit[]): Promise<EditResult> {
		const entry = await this.#guard(() => this.#contacts.get(id));
		if (!isInitialized(entry.doc)) return { ok: false, error: 'notFound', index: 0 };
		const contact = readContact(entry.doc);
		const checked = validateEdits(contact, edits, {
			today: localDate(new Date()),
			lookup: await this.#recipientChain(id, edits)
		});
		if (!checked.ok) return checked;
		for (const [index, edit] of checked.value.entries()) {
			if (edit.type !== 'setParent') continue;
			const error = await this.#checkParent(id, edit.parentId);
			if (error) return { ok: false, error, index };
		}
		const complete = completeEdits(contact, checked.value, await this.parentOf(contact));
		const captured = captureEdit(entry.doc, () => applyContactEdits(entry.doc, complete));
		if (!captured) return { ok: true };
		// A move is checked again inside the write: another tab may have moved the new parent under
		// this contact since the check above.
		const moveAt = complete.findIndex((e) => e.type === 'setParent');
		const move = complete[moveAt];
		const verify =
			move?.type === 'setParent' && move.parentId ? () => this.#checkParent(id, move.parentId) : undefined;
		const refused = await this.#persist(this.#contacts, entry, captured, true, verify);
		return refused ? { ok: false, error: refused, index: Math.max(0, moveAt) } : { ok: true };
	}

	/**
	 * The invoice recipient an edit sets and the recipients that follow from it, from their rows:
	 * what checking for a missing recipient or a cycle needs. Undefined when no edit sets one.
	 */
	async #recipientChain(
		id: ContactId,
		edits: readonly ContactEdit[]
	): Promise<InvoiceRecipientLookup | undefined> {
		let next: ContactId | null = null;
		for (const edit of edits)
			if (edit.type === 'setCustomer' && edit.values.invoiceRecipientId)
				next = parseContactId(edit.values.invoiceRecipientId);
		if (!next) return undefined;
		const known = new Map<ContactId, { customer: { invoiceRecipientId: ContactId | null } }>();
		while (next && next !== id && !known.has(next)) {
			const row: ContactRow | undefined = await this.row(next);
			if (!row) break;
			known.set(next, { customer: { invoiceRecipientId: row.invoiceRecipientId ?? null } });
			next = row.invoiceRecipientId ?? null;
		}
		return (c) => known.get(c);
	}

	/** Refuses a parent that is unknown, the contact itself, or one of its descendants. */
	async #checkParent(id: ContactId, parentId: ContactId | null): Promise<ValidationError | null> {
		if (!parentId) return null;
		const known = new Map<ContactId, ContactId | null>();
		let current: ContactId | null = parentId;
		while (current && !known.has(current) && current !== id) {
			const row: ContactRow | undefined = await this.row(current);
			if (!row) break;
			known.set(current, row.parentId);
			current = row.parentId;
		}
		const result = checkParent(id, parentId, (c) => (c === id ? null : known.get(c)));
		return result.ok ? null : result.error;
	}

	// ---- workspace ----

	async groups(): Promise<ContactGroup[]> {
		return this.#guard(async () => readGroups((await this.#workspace.get(WORKSPACE_DOC_ID)).doc));
	}

	/** The workspace's lists (terms, product groups, status tags), defaults, salutations and texts. */
	async workspaceConfig(): Promise<WorkspaceConfig> {
		return this.#guard(async () => readWorkspaceConfig((await this.#workspace.get(WORKSPACE_DOC_ID)).doc));
	}

	/**
	 * Changes the workspace settings as one change. Resolves to false, writing nothing, when an edit
	 * is refused (an empty name, a malformed language code or key, an overlong text).
	 */
	editWorkspace(edits: readonly WorkspaceEdit[]): Promise<boolean> {
		return this.#serially(() => this.#editWorkspace(edits));
	}

	async #editWorkspace(edits: readonly WorkspaceEdit[]): Promise<boolean> {
		const checked = edits.map(checkWorkspaceEdit);
		if (checked.some((e) => e === null)) return false;
		const valid = checked as WorkspaceEdit[];
		const entry = await this.#guard(() => this.#workspace.get(WORKSPACE_DOC_ID));
		const captured = captureEdit(entry.doc, () => applyWorkspaceEdits(entry.doc, valid, LOCAL_ORIGIN));
		if (captured) await this.#persist(this.#workspace, entry, captured, false);
		return true;
	}

	// ---- persistence ----

	/**
	 * Runs this tab's edits one after another. An edit's Yjs update depends on every earlier update
	 * of the same client, so an edit captured while an earlier one is still being stored would be
	 * unreadable (and the row written with it would show the failed edit) if that store failed; waiting also
	 * makes the hierarchy check see the previous move (other tabs can still race it). IndexedDB runs
	 * these transactions one at a time anyway, so little is lost.
	 */
	#serially<T>(run: () => Promise<T>): Promise<T> {
		const result = this.#writes.then(run);
		this.#writes = result.catch(() => undefined);
		return result;
	}

	/**
	 * Stores an update and, for contacts, its projection rows in one IndexedDB transaction. Updates
	 * another tab stored meanwhile are applied first, so the row reflects every stored update. If
	 * storing fails, the document is dropped from memory so it reloads as stored, and the error
	 * reaches the UI: nothing is reported saved that is not.
	 */
	async #persist(
		cache: DocCache,
		entry: DocEntry,
		captured: CapturedEdit,
		project: boolean,
		verify?: () => Promise<ValidationError | null>
	): Promise<ValidationError | null> {
		const docId = entry.doc.guid;
		const time = Date.now();
		const { update, ...facts } = captured;
		let rowIds: string[];
		try {
			rowIds = await this.#db.transaction(
				'rw',
				[this.#db.updates, this.#db.contacts, this.#db.history, this.#db.outbox],
				async () => {
					const refused = verify ? await verify() : null;
					if (refused) throw new EditRefused(refused);
					await cache.catchUp(entry);
					const seq = await this.#db.updates.add({
						docId,
						update,
						time,
						device: this.deviceId,
						author: this.#author
					});
					const historyEntry = this.#historyEntry(docId, time, facts);
					await this.#db.history.add(historyEntry);
					await this.#db.outbox.add({ id: historyEntry.id, docId, update, entryIds: [historyEntry.id] });
					entry.lastSeq = Math.max(entry.lastSeq, seq as number);
					entry.rows += 1;
					return project ? [...(await writeProjection(this.#db, readContact(entry.doc), time))] : [];
				}
			);
		} catch (error) {
			// The edit is in the document in memory but not stored: reload the document as stored.
			cache.drop(docId);
			if (error instanceof EditRefused) return error.reason;
			throw classifyStorageError(error);
		}
		this.#announce({ docIds: [docId], rowIds });
		if (entry.rows >= COMPACT_AFTER_ROWS) void this.compact(docId).catch(() => undefined);
		return null;
	}

	/**
	 * Replaces a document's stored updates by one merged update. History lives in its own records
	 * (entries received on update records move there), so nothing a user sees is lost; loading gets
	 * faster.
	 */
	async compact(docId: string): Promise<void> {
		await this.#guard(() =>
			this.#db.transaction('rw', this.#db.updates, this.#db.history, async () => {
				const rows = await this.#db.updates
					.where('[docId+seq]')
					.between([docId, 0], [docId, Infinity])
					.toArray();
				if (rows.length < 2) return;
				const last = rows[rows.length - 1];
				if (!last) return;
				const access = rows.findLast((r) => r.access)?.access;
				const received = receivedEntries(docId, rows);
				if (received.length > 0) await this.#db.history.bulkPut(received);
				await this.#db.updates.bulkDelete(rows.map((r) => r.seq as number));
				await this.#db.updates.add({
					docId,
					update: Y.mergeUpdates(rows.map((r) => r.update)),
					time: last.time,
					device: last.device,
					author: last.author,
					compacted: true,
					...(access ? { access } : {})
				});
				const entry = this.#contacts.peek(docId) ?? this.#workspace.peek(docId);
				if (entry) entry.rows = 1;
			})
		);
	}

	/** How many update records a document has (compaction keeps this small). */
	async updateCount(docId: string): Promise<number> {
		return this.#guard(() => this.#db.updates.where('docId').equals(docId).count());
	}

	#historyEntry(docId: string, time: number, facts: Omit<CapturedEdit, 'update'>): HistoryEntry {
		return {
			id: uuidv7(time),
			docId,
			time,
			author: { id: '', name: this.#author },
			device: this.deviceId,
			...facts
		};
	}

	/**
	 * The history of a document, newest first: its entries in `history` and those received on its
	 * update records. An entry stored twice (received again, or received after this device recorded
	 * it) counts once, as received: that copy carries the server's stamp.
	 */
	async history(docId: string): Promise<HistoryEntry[]> {
		const db = this.#db;
		return this.#guard(async () => {
			const [kept, records] = await db.transaction('r', [db.history, db.updates], () =>
				Promise.all([
					db.history.where('[docId+time]').between([docId, 0], [docId, Infinity]).toArray(),
					db.updates.where('[docId+seq]').between([docId, 0], [docId, Infinity]).toArray()
				])
			);
			const byId = new Map(kept.map((e) => [e.id, e]));
			for (const e of receivedEntries(docId, records)) byId.set(e.id, e);
			return sortHistory([...byId.values()]);
		});
	}

	/**
	 * Writes a value from the history back as a new change (history itself is append-only). For a
	 * contact the projection follows, like after any edit; a contact this device does not have is
	 * left alone (writing into its empty document would list a contact that does not exist). A
	 * parent that would make a cycle now is refused with 'cycle', and nothing is written.
	 */
	async restore(
		docId: string,
		path: readonly string[],
		value: JsonValue | undefined
	): Promise<ValidationError | null> {
		return this.#serially(async () => {
			const contact = docId !== WORKSPACE_DOC_ID;
			const cache = contact ? this.#contacts : this.#workspace;
			const entry = await this.#guard(() => cache.get(docId));
			if (contact && !isInitialized(entry.doc)) return null;
			const derived = contact ? derivedChannelValue(readContact(entry.doc), path, value) : null;
			const captured = captureEdit(entry.doc, () => {
				writeAt(entry.doc, path, value);
				if (derived) writeAt(entry.doc, derived.path, derived.value);
			});
			const parent = path.join('.') === 'fields.parentId' ? parseContactId(value) : null;
			const verify = contact && parent ? () => this.#checkParent(docId as ContactId, parent) : undefined;
			return captured ? this.#persist(cache, entry, captured, contact, verify) : null;
		});
	}

	/**
	 * Stores updates that came from another device, with the history entries recorded where they
	 * were made, and re-projects the contacts, all in one transaction; `cursor` (the sync log
	 * position these bring the device to) is written in the same transaction, so a crash can never
	 * leave the cursor ahead of the data. Receiving the same update or entry twice changes nothing
	 * the user sees (Yjs updates are idempotent; entries are kept and read once by id). Returns the
	 * documents that still miss updates these depend on (to be repaired by state vector).
	 */
	async receive(items: readonly ReceivedItem[], options: { cursor?: number } = {}): Promise<ReceiveResult> {
		return this.#serially(async () => {
			const db = this.#db;
			let result: { rowIds: Set<string>; rows: ContactRow[]; incomplete: string[] };
			try {
				result = await db.transaction('rw', [db.updates, db.contacts, db.history, db.meta], async () => {
					const time = Date.now();
					const read = await this.#readReceived(items);
					// The history entries of a document new to this device ride on its update's record
					// (see `UpdateRecord.entries`); a document it holds already may have them stored (a
					// resume by snapshots sends its whole history again): `history` keeps each once.
					const isNew = (docId: string) =>
						!read.stored.has(docId) && (read.loaded.get(docId)?.rows ?? 0) === 0;
					const records = items.map((item): UpdateRecord => ({
						docId: item.docId,
						update: item.update,
						time,
						device: '',
						author: '',
						...(item.entries && item.entries.length > 0 && isNew(item.docId)
							? { entries: item.entries }
							: {}),
						...(item.access ? { access: item.access } : {})
					}));
					const known = items
						.filter((item) => !isNew(item.docId))
						.flatMap((item) => (item.entries ?? []).map((e) => ({ ...e, docId: item.docId })));
					// The writes that need no documents go first: the database stores them while this
					// thread applies the updates and projects the rows.
					const stored = Promise.all([
						db.updates.bulkAdd(records, { allKeys: true }) as Promise<number[]>,
						known.length > 0 ? db.history.bulkPut(known) : null,
						options.cursor === undefined ? null : db.meta.put({ key: SYNC_CURSOR, value: options.cursor })
					]);
					// Marked as handled: should applying throw first, the transaction aborts with its error.
					stored.catch(() => undefined);
					const applied = this.#applyRead(read);
					// The row's time is when this device stored the update, as a rebuild reads it back.
					const [[seqs], projected] = await Promise.all([
						stored,
						writeProjectionBatch(db, applied.contacts, time)
					]);
					for (const [i, item] of items.entries()) {
						const entry = read.loaded.get(item.docId);
						if (!entry) continue;
						entry.lastSeq = Math.max(entry.lastSeq, seqs[i] ?? 0);
						entry.rows += 1;
					}
					return { rowIds: projected.changed, rows: projected.rows, incomplete: applied.incomplete };
				});
			} catch (error) {
				for (const item of items) this.#contacts.drop(item.docId);
				this.#workspace.drop(WORKSPACE_DOC_ID);
				throw classifyStorageError(error);
			}
			// A contact `loadContact` read while the batch was being stored (loads do not wait for
			// writes) missed the batch: bring it up to date before anyone reads it again.
			for (const docId of new Set(items.map((i) => i.docId))) {
				const entry = docId === WORKSPACE_DOC_ID ? undefined : this.#contacts.peek(docId);
				if (entry) await this.#contacts.catchUp(entry).catch(() => this.#contacts.drop(docId));
			}
			if (items.length > 0) {
				this.#announce({
					docIds: [...new Set(items.map((i) => i.docId))],
					rowIds: [...result.rowIds],
					rows: result.rows.map(({ id, key, filters }) => ({ id, key, filters }))
				});
			}
			return { incomplete: result.incomplete };
		});
	}

	/**
	 * Reads what applying received updates needs: the loaded documents, brought up to date, and for
	 * the others their stored updates (in one query), which keeps a first sync of thousands of
	 * contacts from loading them one by one.
	 */
	async #readReceived(items: readonly ReceivedItem[]): Promise<ReceivedRead> {
		const byDoc = new Map<string, Uint8Array[]>();
		for (const item of items) {
			const list = byDoc.get(item.docId);
			if (list) list.push(item.update);
			else byDoc.set(item.docId, [item.update]);
		}
		const loaded = new Map<string, DocEntry>();
		const cold: string[] = [];
		for (const docId of byDoc.keys()) {
			const cache = docId === WORKSPACE_DOC_ID ? this.#workspace : this.#contacts;
			const entry = docId === WORKSPACE_DOC_ID ? await cache.get(docId) : cache.peek(docId);
			if (entry) {
				await cache.catchUp(entry);
				loaded.set(docId, entry);
			} else cold.push(docId);
		}
		const stored = new Map<string, Uint8Array[]>();
		if (cold.length > 0) {
			const records = await whereAnyOf(this.#db.updates, 'docId', cold);
			for (const r of records.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) {
				const list = stored.get(r.docId);
				if (list) list.push(r.update);
				else stored.set(r.docId, [r.update]);
			}
		}
		return { byDoc, loaded, stored };
	}

	/**
	 * Applies received updates to the loaded documents, or else to throwaway documents built from
	 * the stored updates; returns the contacts to project and the documents still missing updates.
	 */
	#applyRead({ byDoc, loaded, stored }: ReceivedRead): { contacts: Contact[]; incomplete: string[] } {
		const contacts: Contact[] = [];
		const incomplete: string[] = [];
		for (const [docId, updates] of byDoc) {
			const entry = loaded.get(docId);
			const doc = entry?.doc ?? newContactDoc(docId as ContactId);
			const all = entry ? updates : [...(stored.get(docId) ?? []), ...updates];
			applyUpdates(doc, all, REMOTE_ORIGIN);
			if (doc.store.pendingStructs || doc.store.pendingDs) incomplete.push(docId);
			if (docId !== WORKSPACE_DOC_ID && isInitialized(doc)) contacts.push(readContact(doc));
			if (!entry) doc.destroy();
		}
		return { contacts, incomplete };
	}

	/** The full state of a document as one update (what another device needs to catch up). */
	async encodeState(docId: string): Promise<Uint8Array> {
		const cache = docId === WORKSPACE_DOC_ID ? this.#workspace : this.#contacts;
		const entry = await this.#guard(() => cache.get(docId));
		return Y.encodeStateAsUpdate(entry.doc);
	}

	/** The document's state vector (what this device has of it). */
	async stateVector(docId: string): Promise<Uint8Array> {
		const cache = docId === WORKSPACE_DOC_ID ? this.#workspace : this.#contacts;
		const entry = await this.#guard(() => cache.get(docId));
		return Y.encodeStateVector(entry.doc);
	}

	// ---- sync ----

	async syncValue(key: SyncKey): Promise<unknown> {
		return this.#guard(async () => (await this.#db.meta.get(key))?.value);
	}

	async setSyncValue(key: SyncKey, value: unknown): Promise<void> {
		await this.#guard(async () => {
			if (value === undefined) await this.#db.meta.delete(key);
			else await this.#db.meta.put({ key, value });
		});
	}

	/** Local changes not acknowledged yet, oldest first, leaving out `skip` (those in flight). */
	async pendingPushes(limit: number, skip: ReadonlySet<string> = new Set()): Promise<PendingPush[]> {
		return this.#guard(async () =>
			this.#db.transaction('r', [this.#db.outbox, this.#db.history], async () => {
				const records = await this.#db.outbox
					.filter((r) => !skip.has(r.id))
					.limit(limit)
					.toArray();
				const entries = await this.#db.history.bulkGet(records.flatMap((r) => r.entryIds));
				const byId = new Map(entries.filter((e) => e !== undefined).map((e) => [e.id, e]));
				return records.map((r) => ({
					id: r.id,
					docId: r.docId,
					update: r.update,
					entries: r.entryIds.flatMap((id) => byId.get(id) ?? [])
				}));
			})
		);
	}

	async pendingCount(): Promise<number> {
		return this.#guard(() => this.#db.outbox.count());
	}

	/**
	 * Records the server's acknowledgements: the changes leave the outbox, their history entries get
	 * the server's author and time, and the cursor moves to `cursor`, all in one transaction.
	 */
	async acknowledge(acks: readonly PushAck[], cursor: number): Promise<void> {
		const db = this.#db;
		const docIds = await this.#guard(() =>
			db.transaction('rw', [db.outbox, db.history, db.meta], async () => {
				const records = await db.outbox.bulkGet(acks.map((a) => a.id));
				const stamps: { key: string; changes: Partial<HistoryEntry> }[] = [];
				for (const [i, record] of records.entries()) {
					const ack = acks[i] as PushAck;
					for (const id of record?.entryIds ?? []) {
						stamps.push({ key: id, changes: { author: ack.author, serverTime: ack.serverTime } });
					}
				}
				await db.history.bulkUpdate(stamps);
				await db.outbox.bulkDelete(acks.map((a) => a.id));
				await db.meta.put({ key: SYNC_CURSOR, value: cursor });
				return [...new Set(records.flatMap((r) => (r ? [r.docId] : [])))];
			})
		);
		// History changed (server stamps), not the documents: tell the views showing history.
		if (docIds.length > 0) this.#announce({ docIds, rowIds: [] });
	}

	/** Gives up a change the server refused for good (it stays in this device's documents). */
	async dropPush(id: string): Promise<void> {
		await this.#guard(() => this.#db.outbox.delete(id));
	}

	/** The document a pending change belongs to, while it waits in the outbox. */
	async pushDocument(id: string): Promise<string | null> {
		return this.#guard(async () => (await this.#db.outbox.get(id))?.docId ?? null);
	}

	/**
	 * Records how many contact persons under each contact this device's user may not see, as the
	 * server counts them; `complete` replaces all earlier counts.
	 */
	async setHiddenChildren(
		counts: readonly { docId: string; count: number }[],
		complete: boolean
	): Promise<void> {
		const before = await this.#hiddenCounts();
		const next: Record<string, number> = complete ? {} : { ...before };
		for (const { docId, count } of counts) {
			if (count > 0) next[docId] = count;
			else delete next[docId];
		}
		const changed = [...new Set([...Object.keys(before), ...Object.keys(next)])].filter(
			(id) => before[id] !== next[id]
		);
		if (changed.length === 0) return;
		await this.#guard(() => this.#db.meta.put({ key: HIDDEN_CHILDREN, value: next }));
		this.#announce({ docIds: changed, rowIds: [] });
	}

	/** How many contact persons under `docId` this device's user may not see. */
	async hiddenChildren(docId: string): Promise<number> {
		return (await this.#hiddenCounts())[docId] ?? 0;
	}

	async #hiddenCounts(): Promise<Record<string, number>> {
		const value = await this.#guard(async () => (await this.#db.meta.get(HIDDEN_CHILDREN))?.value);
		return value && typeof value === 'object' ? (value as Record<string, number>) : {};
	}

	/** The rights of several contacts as the server last sent them; contacts without known rights are left out. */
	async accessOfMany(docIds: readonly string[]): Promise<Map<string, AccessInfo>> {
		const db = this.#db;
		return this.#guard(async () => {
			const records = await db.transaction('r', db.updates, () => whereAnyOf(db.updates, 'docId', docIds));
			const found = new Map<string, AccessInfo>();
			for (const r of records.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) {
				if (r.access) found.set(r.docId, r.access);
			}
			return found;
		});
	}

	/** A contact's rights as the server last sent them; null when not known (yet). */
	async accessOf(docId: string): Promise<AccessInfo | null> {
		return this.#guard(async () => {
			const records = await this.#db.updates
				.where('[docId+seq]')
				.between([docId, 0], [docId, Infinity])
				.toArray();
			for (let i = records.length - 1; i >= 0; i--) {
				const access = records[i]?.access;
				if (access) return access;
			}
			return null;
		});
	}

	/**
	 * Stores a contact's new rights with the history entry that records the change, and the sync
	 * cursor, in one transaction.
	 */
	async applyAccess(
		docId: string,
		access: AccessInfo,
		entries: readonly Omit<HistoryEntry, 'docId'>[],
		cursor?: number
	): Promise<void> {
		const db = this.#db;
		await this.#guard(() =>
			db.transaction('rw', [db.updates, db.history, db.meta], async () => {
				// Rights travel on an update record that changes nothing in the document.
				await db.updates.add({ docId, update: NO_CHANGE, time: Date.now(), device: '', author: '', access });
				if (entries.length > 0) await db.history.bulkPut(entries.map((e) => ({ ...e, docId })));
				if (cursor !== undefined && cursor > 0) await db.meta.put({ key: SYNC_CURSOR, value: cursor });
			})
		);
		this.#announce({ docIds: [docId], rowIds: [docId] });
	}

	/**
	 * After a sync that brought every document its user may read: removes the contacts beyond
	 * `keep` (deleted, or no longer readable, while this device was away), except those with
	 * changes not sent yet. Returns what it removed, with the names as they were listed.
	 */
	async retainOnly(keep: ReadonlySet<string>): Promise<{ docId: string; name: string }[]> {
		const db = this.#db;
		const [ids, pending] = await this.#guard(() =>
			db.transaction('r', [db.contacts, db.outbox], async () => [
				// Row keys are "sort key NUL id", all read in one request.
				(await db.contacts.toCollection().primaryKeys()).map((key) => key.slice(key.indexOf('\u0000') + 1)),
				new Set((await db.outbox.orderBy('docId').uniqueKeys()) as string[])
			])
		);
		const removed: { docId: string; name: string }[] = [];
		for (const docId of ids) {
			if (keep.has(docId) || (pending as Set<string>).has(docId)) continue;
			removed.push({ docId, name: await this.removeDocument(docId) });
		}
		return removed;
	}

	/**
	 * Removes everything this device has of a document (a contact deleted for good, or one its
	 * user may no longer read): updates, history, pending changes, rights and its row; contacts
	 * under it lose what they inherited. The cursor, when given, moves in the same transaction.
	 * Returns the contact's name as it was listed ('' when the device did not have it).
	 */
	async removeDocument(docId: string, cursor?: number): Promise<string> {
		const db = this.#db;
		return this.#serially(async () => {
			let name = '';
			let rowIds = new Set<string>();
			try {
				await db.transaction('rw', [db.updates, db.contacts, db.history, db.outbox, db.meta], async () => {
					const row = await db.contacts.where('id').equals(docId).first();
					name = row?.displayName ?? '';
					await db.updates.where('[docId+seq]').between([docId, 0], [docId, Infinity]).delete();
					await db.history.where('[docId+time]').between([docId, 0], [docId, Infinity]).delete();
					await db.outbox.where('docId').equals(docId).delete();
					if (row) {
						await db.contacts.delete(row.key);
						rowIds = await reprojectChildren(db, docId as ContactId);
						rowIds.add(docId);
					}
					if (cursor !== undefined && cursor > 0) await db.meta.put({ key: SYNC_CURSOR, value: cursor });
				});
			} catch (error) {
				throw classifyStorageError(error);
			} finally {
				this.#contacts.drop(docId);
			}
			this.#announce({ docIds: [docId], rowIds: [...rowIds] });
			return name;
		});
	}

	/**
	 * Queues what this device has of a document beyond `stateVector` (the server's), as found by a
	 * repair; nothing when the server has everything.
	 */
	async queueRepair(docId: string, stateVector: Uint8Array): Promise<boolean> {
		return this.#serially(async () => {
			const cache = docId === WORKSPACE_DOC_ID ? this.#workspace : this.#contacts;
			const entry = await this.#guard(() => cache.get(docId));
			// The server has every struct this device has: nothing to send. Deletions need no check of
			// their own: every edit that deletes also advances its client's clock (`transactEdit`), and
			// structs held pending (waiting for what they depend on) are not in the state vector, so
			// they cannot make a repair look necessary forever.
			const own = Y.decodeStateVector(Y.encodeStateVector(entry.doc));
			if (vectorCovers(Y.decodeStateVector(stateVector), own)) return false;
			const missing = Y.encodeStateAsUpdate(entry.doc, stateVector);
			await this.#guard(() => this.#db.outbox.add({ id: uuidv7(), docId, update: missing, entryIds: [] }));
			this.#announce({ docIds: [docId], rowIds: [] });
			return true;
		});
	}

	#announce(change: Omit<StoreChange, 'remote'>): void {
		this.#emit({ ...change, remote: false });
		try {
			this.#channel?.postMessage(change);
		} catch {
			// The store was closed while a write finished (the tab is going away): the data is stored;
			// other tabs see it when they next read.
		}
	}

	#emit(change: StoreChange): void {
		for (const listener of this.#listeners) listener(change);
	}

	async #onRemote(change: Omit<StoreChange, 'remote'>): Promise<void> {
		for (const id of change.docIds) {
			const entry = this.#contacts.peek(id) ?? this.#workspace.peek(id);
			if (entry) await (entry === this.#workspace.peek(id) ? this.#workspace : this.#contacts).catchUp(entry);
		}
		// Another tab's row facts are left out: its messages may be handled out of order here, and an
		// older snapshot of a row's key must not win over a newer one (listeners read the rows instead).
		const { rows: _rows, ...facts } = change;
		this.#emit({ ...facts, remote: true });
	}

	async #guard<T>(run: () => Promise<T>): Promise<T> {
		try {
			return await run();
		} catch (error) {
			throw classifyStorageError(error);
		}
	}

	// ---- maintenance ----

	/**
	 * Rebuilds the whole projection from the documents. The projection is derived data; this is the
	 * proof, and the repair when it was lost or an older version wrote it differently.
	 */
	async rebuildProjection(onProgress?: (done: number, total: number) => void): Promise<number> {
		const rows = await this.#guard(() => rebuildRows(this.#db, onProgress));
		this.#announce({ docIds: [], rowIds: rows.map((r) => r.id) });
		return rows.length;
	}

	/**
	 * Rows projected by an older version lack what this one lists and searches by: they are rebuilt
	 * once, in the background (the old rows serve meanwhile; this tab's edits wait for it). A
	 * database without rows is current at once. A failed rebuild is tried again at the next start.
	 */
	async #checkProjection(): Promise<void> {
		const db = this.#db;
		if ((await db.meta.get(PROJECTION_VERSION_KEY))?.value === PROJECTION_VERSION) return;
		const current = { key: PROJECTION_VERSION_KEY, value: PROJECTION_VERSION };
		if ((await db.contacts.count()) === 0) {
			await db.meta.put(current);
			return;
		}
		void this.#serially(async () => {
			await this.rebuildProjection();
			await this.#guard(() => db.meta.put(current));
		}).catch((error: unknown) => console.warn('Kontor: the list could not be rebuilt', error));
	}

	/** Every projection row, in list order (for verification and export). */
	async allRows(): Promise<ContactRow[]> {
		return this.#guard(() => this.#db.contacts.toArray());
	}
}

/** The history entries received on a document's update records, named by the document. */
function receivedEntries(docId: string, records: readonly UpdateRecord[]): HistoryEntry[] {
	return records.flatMap((r) => (r.entries ?? []).map((e) => ({ ...e, docId })));
}

/** True when state vector `a` has every clock of `b`. */
function vectorCovers(a: Map<number, number>, b: Map<number, number>): boolean {
	for (const [client, clock] of b) if ((a.get(client) ?? 0) < clock) return false;
	return true;
}

/** Opens the store with defaults; see `KontorStore.open`. */
export function openStore(options?: StoreOptions): Promise<KontorStore> {
	return KontorStore.open(options);
}
