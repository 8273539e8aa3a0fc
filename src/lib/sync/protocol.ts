/**
 * The sync protocol: one binary codec (lib0 encoding) used by the device and by the server. One
 * WebSocket per device carries every document; each message names its document. Every decoded
 * message is checked field by field before anyone uses it: `decodeClientMessage` and
 * `decodeServerMessage` return a message or throw a `ProtocolError`, never a half-read value.
 *
 * Frame: varUint protocol version, varUint message type, then the type's fields.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WORKSPACE_DOC_ID, type FieldChange, type HistoryEntry, type JsonValue } from '../crdt';
import { ACCESS_LEVELS, EVERYONE_LEVELS, isUuid, type AccessInfo, type AccessLevel } from '../domain';

export const PROTOCOL_VERSION = 2;
/** Default upper bound of one message, in bytes; larger messages are refused unread. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

const MAX_STRING = 4096;
const MAX_CHANGES_JSON = 256 * 1024;
const MAX_ENTRIES = 10_000;
const MAX_TIME = 8_640_000_000_000_000; // the largest Date
const MAX_GRANTS = 1000;
const MAX_MEMBERS = 10_000;
const MAX_COUNTS = 1_000_000;

/** A history entry as it travels: the document is named by the message that carries it. */
export type WireEntry = Omit<HistoryEntry, 'docId'>;

export type ErrorCode =
	| 'version' // the device speaks another protocol version
	| 'auth' // no, unknown, expired or revoked session
	| 'tooLarge' // message over the size limit
	| 'malformed' // could not be decoded
	| 'unknownType'
	| 'invalidUpdate' // the Yjs update was refused (structure, time or memory budget)
	| 'forbidden' // the user may not write (or read) this document
	| 'workspace' // the device holds another workspace's data
	| 'busy' // the server could not take the message now; resend later
	| 'purged' // the document was deleted for good; `ref` names the push or document
	| 'referenced' // the document cannot be deleted: other documents point at it
	| 'internal';

export type ClientMessage =
	/** First message on every connection. `cursor` is the last log seq the device has (0 = none). */
	| {
			type: 'hello';
			token: string;
			device: string;
			/** The workspace the device's data was synced with, '' when never synced. */
			workspace: string;
			cursor: number;
	  }
	/** One local change: its update and the history entries recorded with it. `id` makes it idempotent. */
	| { type: 'push'; id: string; docId: string; update: Uint8Array; entries: WireEntry[] }
	/** Repair: "this is what I have of the document" (y-protocols sync step 1). */
	| { type: 'syncStep1'; docId: string; stateVector: Uint8Array }
	/** Changes who may read and edit a contact (its owner or an admin only); answered with an ack. */
	| { type: 'setAccess'; id: string; docId: string; access: AccessInfo }
	/** Deletes a contact for good (its owner or an admin only); answered with an ack. */
	| { type: 'purge'; id: string; docId: string };

export interface Welcome {
	type: 'welcome';
	user: { id: string; name: string; email: string };
	workspace: { id: string; name: string };
	role: 'admin' | 'member';
	/** The workspace's members, for showing who has access. */
	members: { id: string; name: string }[];
	/** Contacts with contact persons this user may not see, and how many (all others: none). */
	hidden: { docId: string; count: number }[];
	/** The newest seq of the workspace's log. */
	head: number;
	/** How many `snapshot`/`update` messages follow before `caughtUp`; 0: nothing follows. */
	following: number;
	/**
	 * The device gets a snapshot of every document it may read instead of the log: what it holds
	 * beyond those (and has not pushed yet) is gone or no longer readable.
	 */
	fresh: boolean;
}

export type ServerMessage =
	| Welcome
	/** A document's compacted state, all its history and its rights (a fresh device, or new access). */
	| { type: 'snapshot'; docId: string; update: Uint8Array; entries: WireEntry[]; access: AccessInfo }
	/** One log record: after the cursor on resume, or live from another device. */
	| { type: 'update'; seq: number; docId: string; update: Uint8Array; entries: WireEntry[] }
	/** The resume is complete; the device's cursor is now `seq`. */
	| { type: 'caughtUp'; seq: number }
	/**
	 * A push is stored (or was stored before: the same seq again). Entries are stamped with these.
	 * Seq 0: the push changed nothing and carried no history, so nothing was logged.
	 */
	| {
			type: 'ack';
			id: string;
			seq: number;
			serverTime: number;
			author: { id: string; name: string };
	  }
	/** A contact's rights changed and this user may read it; `entries` record the change. */
	| { type: 'access'; seq: number; docId: string; access: AccessInfo; entries: WireEntry[] }
	/** This user may no longer read the document: the device drops its copy. */
	| { type: 'revoked'; seq: number; docId: string }
	/** The document was deleted for good: every device drops its copy (seq 0: outside the log). */
	| { type: 'purged'; seq: number; docId: string }
	/** How many contact persons under these contacts this user may not see now (outside the log). */
	| { type: 'hidden'; counts: { docId: string; count: number }[] }
	/** Answer to syncStep1: what the device lacks, and the server's state vector (sync step 2). */
	| { type: 'syncStep2'; docId: string; update: Uint8Array; stateVector: Uint8Array }
	/** `ref` names the push or document concerned; a fatal error is followed by closing the socket. */
	| { type: 'error'; code: ErrorCode; message: string; ref: string; fatal: boolean };

/**
 * An entry list already encoded (as `encodeEntries` writes it, as the server stores it): the server
 * sends stored history as it is, without decoding and encoding every entry again.
 */
export class EncodedEntries {
	private constructor(readonly bytes: Uint8Array) {}

	/** Lists the server wrote itself: encodeEntries' output, stored unchanged. */
	static trusted(bytes: Uint8Array): EncodedEntries {
		return new EncodedEntries(bytes);
	}

	/** Several stored lists as one: the counts added, the entries one after another. */
	static join(lists: readonly Uint8Array[]): EncodedEntries {
		if (lists.length === 1) return new EncodedEntries(lists[0] as Uint8Array);
		let count = 0;
		const bodies: Uint8Array[] = [];
		for (const list of lists) {
			const dec = decoding.createDecoder(list);
			count += decoding.readVarUint(dec);
			bodies.push(list.subarray(dec.pos));
		}
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, count);
		for (const body of bodies) encoding.writeUint8Array(enc, body);
		return new EncodedEntries(encoding.toUint8Array(enc));
	}
}

/** What the server may hand to `encodeServerMessage`: history as entries or already encoded. */
export type OutgoingServerMessage = ServerMessage extends infer M
	? M extends { entries: WireEntry[] }
		? Omit<M, 'entries'> & { entries: readonly WireEntry[] | EncodedEntries }
		: M
	: never;

export class ProtocolError extends Error {
	constructor(
		readonly code: 'tooLarge' | 'malformed' | 'unknownType' | 'version',
		message: string
	) {
		super(message);
		this.name = 'ProtocolError';
	}
}

const CLIENT_TYPES = ['hello', 'push', 'syncStep1', 'setAccess', 'purge'] as const;
const SERVER_TYPES = [
	'welcome',
	'snapshot',
	'update',
	'caughtUp',
	'ack',
	'syncStep2',
	'error',
	'access',
	'revoked',
	'purged',
	'hidden'
] as const;
const ERROR_CODES: readonly ErrorCode[] = [
	'version',
	'auth',
	'tooLarge',
	'malformed',
	'unknownType',
	'invalidUpdate',
	'forbidden',
	'workspace',
	'busy',
	'purged',
	'referenced',
	'internal'
];

// ---- encoding ----

function writeEntry(enc: encoding.Encoder, entry: WireEntry): void {
	encoding.writeVarString(enc, entry.id);
	encoding.writeVarUint(enc, entry.time);
	encoding.writeVarString(enc, entry.author.id);
	encoding.writeVarString(enc, entry.author.name);
	encoding.writeVarString(enc, entry.device);
	encoding.writeVarString(enc, JSON.stringify(entry.changes));
	encoding.writeVarUint8Array(enc, entry.svBefore);
	encoding.writeVarUint(enc, entry.client);
	encoding.writeVarUint(enc, entry.clockEnd);
	encoding.writeVarUint(enc, entry.serverTime ?? 0);
}

function writeAccess(enc: encoding.Encoder, access: AccessInfo): void {
	encoding.writeVarString(enc, access.ownerId);
	encoding.writeVarString(enc, access.everyone);
	const users = Object.entries(access.users);
	encoding.writeVarUint(enc, users.length);
	for (const [id, level] of users) {
		encoding.writeVarString(enc, id);
		encoding.writeVarString(enc, level);
	}
}

function writeCounts(enc: encoding.Encoder, counts: readonly { docId: string; count: number }[]): void {
	encoding.writeVarUint(enc, counts.length);
	for (const { docId, count } of counts) {
		encoding.writeVarString(enc, docId);
		encoding.writeVarUint(enc, count);
	}
}

function writeEntries(enc: encoding.Encoder, entries: readonly WireEntry[] | EncodedEntries): void {
	if (entries instanceof EncodedEntries) return encoding.writeUint8Array(enc, entries.bytes);
	encoding.writeVarUint(enc, entries.length);
	for (const entry of entries) writeEntry(enc, entry);
}

function frame(type: string, types: readonly string[], body: (enc: encoding.Encoder) => void): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, PROTOCOL_VERSION);
	encoding.writeVarUint(enc, types.indexOf(type));
	body(enc);
	return encoding.toUint8Array(enc);
}

export function encodeClientMessage(message: ClientMessage): Uint8Array {
	return frame(message.type, CLIENT_TYPES, (enc) => {
		switch (message.type) {
			case 'hello':
				encoding.writeVarString(enc, message.token);
				encoding.writeVarString(enc, message.device);
				encoding.writeVarString(enc, message.workspace);
				encoding.writeVarUint(enc, message.cursor);
				break;
			case 'push':
				encoding.writeVarString(enc, message.id);
				encoding.writeVarString(enc, message.docId);
				encoding.writeVarUint8Array(enc, message.update);
				writeEntries(enc, message.entries);
				break;
			case 'syncStep1':
				encoding.writeVarString(enc, message.docId);
				encoding.writeVarUint8Array(enc, message.stateVector);
				break;
			case 'setAccess':
				encoding.writeVarString(enc, message.id);
				encoding.writeVarString(enc, message.docId);
				writeAccess(enc, message.access);
				break;
			case 'purge':
				encoding.writeVarString(enc, message.id);
				encoding.writeVarString(enc, message.docId);
				break;
		}
	});
}

export function encodeServerMessage(message: OutgoingServerMessage): Uint8Array {
	return frame(message.type, SERVER_TYPES, (enc) => {
		switch (message.type) {
			case 'welcome':
				encoding.writeVarString(enc, message.user.id);
				encoding.writeVarString(enc, message.user.name);
				encoding.writeVarString(enc, message.user.email);
				encoding.writeVarString(enc, message.workspace.id);
				encoding.writeVarString(enc, message.workspace.name);
				encoding.writeVarString(enc, message.role);
				encoding.writeVarUint(enc, message.members.length);
				for (const member of message.members) {
					encoding.writeVarString(enc, member.id);
					encoding.writeVarString(enc, member.name);
				}
				writeCounts(enc, message.hidden);
				encoding.writeVarUint(enc, message.head);
				encoding.writeVarUint(enc, message.following);
				encoding.writeVarUint(enc, message.fresh ? 1 : 0);
				break;
			case 'snapshot':
				encoding.writeVarString(enc, message.docId);
				encoding.writeVarUint8Array(enc, message.update);
				writeEntries(enc, message.entries);
				writeAccess(enc, message.access);
				break;
			case 'update':
				encoding.writeVarUint(enc, message.seq);
				encoding.writeVarString(enc, message.docId);
				encoding.writeVarUint8Array(enc, message.update);
				writeEntries(enc, message.entries);
				break;
			case 'caughtUp':
				encoding.writeVarUint(enc, message.seq);
				break;
			case 'ack':
				encoding.writeVarString(enc, message.id);
				encoding.writeVarUint(enc, message.seq);
				encoding.writeVarUint(enc, message.serverTime);
				encoding.writeVarString(enc, message.author.id);
				encoding.writeVarString(enc, message.author.name);
				break;
			case 'syncStep2':
				encoding.writeVarString(enc, message.docId);
				encoding.writeVarUint8Array(enc, message.update);
				encoding.writeVarUint8Array(enc, message.stateVector);
				break;
			case 'error':
				encoding.writeVarString(enc, message.code);
				encoding.writeVarString(enc, message.message);
				encoding.writeVarString(enc, message.ref);
				encoding.writeVarUint(enc, message.fatal ? 1 : 0);
				break;
			case 'access':
				encoding.writeVarUint(enc, message.seq);
				encoding.writeVarString(enc, message.docId);
				writeAccess(enc, message.access);
				writeEntries(enc, message.entries);
				break;
			case 'revoked':
			case 'purged':
				encoding.writeVarUint(enc, message.seq);
				encoding.writeVarString(enc, message.docId);
				break;
			case 'hidden':
				writeCounts(enc, message.counts);
				break;
		}
	});
}

/** Encodes history entries alone (the server stores them in this form beside each log record). */
export function encodeEntries(entries: readonly WireEntry[]): Uint8Array {
	const enc = encoding.createEncoder();
	writeEntries(enc, entries);
	return encoding.toUint8Array(enc);
}

// ---- decoding: every read is bounded and checked ----

class Reader {
	readonly #dec: decoding.Decoder;
	constructor(bytes: Uint8Array) {
		this.#dec = decoding.createDecoder(bytes);
	}
	#fail(what: string): never {
		throw new ProtocolError('malformed', `malformed message: ${what}`);
	}
	uint(what: string, max = Number.MAX_SAFE_INTEGER): number {
		let value: number;
		try {
			value = decoding.readVarUint(this.#dec);
		} catch {
			this.#fail(what);
		}
		if (!Number.isSafeInteger(value) || value < 0 || value > max) this.#fail(what);
		return value;
	}
	/**
	 * A copy, not a view into the message: a view keeps the whole frame alive, and storing it in
	 * IndexedDB would store the whole frame (a batch of hundreds of messages) with every record.
	 */
	bytes(what: string): Uint8Array {
		const length = this.uint(what);
		if (length > this.#dec.arr.length - this.#dec.pos) this.#fail(what);
		return decoding.readUint8Array(this.#dec, length).slice();
	}
	string(what: string, max = MAX_STRING): string {
		const length = this.uint(what);
		if (length > max || length > this.#dec.arr.length - this.#dec.pos) this.#fail(what);
		let text: string;
		try {
			text = decodeUtf8(decoding.readUint8Array(this.#dec, length));
		} catch {
			this.#fail(what);
		}
		return text;
	}
	oneOf<T extends string>(what: string, allowed: readonly T[]): T {
		const value = this.string(what, 64);
		if (!(allowed as readonly string[]).includes(value)) this.#fail(what);
		return value as T;
	}
	end(): void {
		if (decoding.hasContent(this.#dec)) this.#fail('trailing bytes');
	}
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Strict UTF-8. Most strings in a message are short and ASCII (ids, names, keys), and decoding
 * those here costs a fraction of a TextDecoder call; a first sync decodes several hundred thousand.
 */
function decodeUtf8(bytes: Uint8Array): string {
	if (bytes.length <= 64) {
		let ascii = true;
		for (const byte of bytes) {
			if (byte >= 0x80) {
				ascii = false;
				break;
			}
		}
		if (ascii) return String.fromCharCode(...bytes);
	}
	return UTF8.decode(bytes);
}

function isJsonValue(value: unknown, depth = 0): value is JsonValue {
	if (depth > 32) return false;
	if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
	if (typeof value === 'number') return Number.isFinite(value);
	if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
	if (typeof value === 'object') return Object.values(value).every((v) => isJsonValue(v, depth + 1));
	return false;
}

function parseChanges(json: string): FieldChange[] | null {
	let parsed: unknown;
	try {
		parsed = JSON.parse(json);
	} catch {
		return null;
	}
	if (!Array.isArray(parsed)) return null;
	const changes: FieldChange[] = [];
	for (const item of parsed as unknown[]) {
		if (item === null || typeof item !== 'object' || Array.isArray(item)) return null;
		const { path, from, to } = item as Record<string, unknown>;
		if (!Array.isArray(path) || path.length === 0 || path.length > 8) return null;
		if (!path.every((p) => typeof p === 'string' && p.length <= 256)) return null;
		const change: FieldChange = { path: path as string[] };
		if (from !== undefined) {
			if (!isJsonValue(from)) return null;
			change.from = from;
		}
		if (to !== undefined) {
			if (!isJsonValue(to)) return null;
			change.to = to;
		}
		changes.push(change);
	}
	return changes;
}

/**
 * A well-formed Yjs state vector: a count, then that many (client, clock) pairs of safe integers,
 * nothing after. History entries carry one, and every device decodes it to order the history.
 */
export function isStateVector(bytes: Uint8Array): boolean {
	const dec = decoding.createDecoder(bytes);
	try {
		const count = decoding.readVarUint(dec);
		// Each pair takes at least two bytes.
		if (count > (bytes.length - dec.pos) / 2) return false;
		for (let i = 0; i < count; i++) {
			const client = decoding.readVarUint(dec);
			const clock = decoding.readVarUint(dec);
			if (!Number.isSafeInteger(client) || !Number.isSafeInteger(clock)) return false;
		}
	} catch {
		return false;
	}
	return !decoding.hasContent(dec);
}

/** A contact id or the workspace document. */
export function isDocId(value: string): boolean {
	return value === WORKSPACE_DOC_ID || isUuid(value);
}

function readDocId(r: Reader): string {
	const id = r.string('document id', 64);
	if (!isDocId(id)) throw new ProtocolError('malformed', 'malformed message: document id');
	return id;
}

function readUuid(r: Reader, what: string): string {
	const id = r.string(what, 64);
	if (!isUuid(id)) throw new ProtocolError('malformed', `malformed message: ${what}`);
	return id;
}

function readEntry(r: Reader): WireEntry {
	const id = readUuid(r, 'entry id');
	const time = r.uint('entry time', MAX_TIME);
	const author = { id: r.string('author id', 64), name: r.string('author name', 256) };
	const device = r.string('device', 64);
	const changes = parseChanges(r.string('changes', MAX_CHANGES_JSON));
	if (!changes) throw new ProtocolError('malformed', 'malformed message: changes');
	const svBefore = r.bytes('state vector');
	if (!isStateVector(svBefore)) throw new ProtocolError('malformed', 'malformed message: state vector');
	const client = r.uint('client', 0xffffffff);
	const clockEnd = r.uint('clock');
	const serverTime = r.uint('server time', MAX_TIME);
	const entry: WireEntry = { id, time, author, device, changes, svBefore, client, clockEnd };
	if (serverTime > 0) entry.serverTime = serverTime;
	return entry;
}

function readAccess(r: Reader): AccessInfo {
	const ownerId = r.string('owner', 64);
	if (ownerId === '') throw new ProtocolError('malformed', 'malformed message: owner');
	const everyone = r.oneOf('everyone', EVERYONE_LEVELS);
	const count = r.uint('grant count', MAX_GRANTS);
	const users: Record<string, AccessLevel> = {};
	for (let i = 0; i < count; i++) {
		const id = r.string('grant user', 64);
		const level = r.oneOf('grant level', ACCESS_LEVELS);
		if (id === '' || id === ownerId || id in users)
			throw new ProtocolError('malformed', 'malformed message: grant');
		users[id] = level;
	}
	return { ownerId, everyone, users };
}

/** Decodes a list written by `encodeEntries`. */
export function decodeEntries(bytes: Uint8Array): WireEntry[] {
	const r = new Reader(bytes);
	const entries = readEntryList(r);
	r.end();
	return entries;
}

function readCounts(r: Reader): { docId: string; count: number }[] {
	const total = r.uint('hidden count', MAX_COUNTS);
	const counts: { docId: string; count: number }[] = [];
	for (let i = 0; i < total; i++) counts.push({ docId: readDocId(r), count: r.uint('count') });
	return counts;
}

function readMembers(r: Reader): { id: string; name: string }[] {
	const count = r.uint('member count', MAX_MEMBERS);
	const members: { id: string; name: string }[] = [];
	for (let i = 0; i < count; i++)
		members.push({ id: r.string('member id', 64), name: r.string('member name', 256) });
	return members;
}

function readEntryList(r: Reader): WireEntry[] {
	const count = r.uint('entry count', MAX_ENTRIES);
	const entries: WireEntry[] = [];
	for (let i = 0; i < count; i++) entries.push(readEntry(r));
	return entries;
}

function readFrame(bytes: Uint8Array, types: readonly string[], limit: number): { r: Reader; type: string } {
	if (bytes.length > limit) throw new ProtocolError('tooLarge', `message of ${bytes.length} bytes`);
	if (bytes.length === 0) throw new ProtocolError('malformed', 'malformed message: empty');
	const r = new Reader(bytes);
	const version = r.uint('version');
	if (version !== PROTOCOL_VERSION) throw new ProtocolError('version', `protocol version ${version}`);
	const index = r.uint('type');
	const type = types[index];
	if (type === undefined) throw new ProtocolError('unknownType', `message type ${index}`);
	return { r, type };
}

/** Decodes and validates what a device sent; throws `ProtocolError`. */
export function decodeClientMessage(bytes: Uint8Array, limit = MAX_MESSAGE_BYTES): ClientMessage {
	const { r, type } = readFrame(bytes, CLIENT_TYPES, limit);
	let message: ClientMessage;
	switch (type as ClientMessage['type']) {
		case 'hello': {
			const token = r.string('token', 256);
			const device = r.string('device', 64);
			const workspace = r.string('workspace', 64);
			if (!isUuid(device) || (workspace !== '' && !isUuid(workspace))) {
				throw new ProtocolError('malformed', 'malformed message: hello');
			}
			message = { type: 'hello', token, device, workspace, cursor: r.uint('cursor') };
			break;
		}
		case 'push':
			message = {
				type: 'push',
				id: readUuid(r, 'push id'),
				docId: readDocId(r),
				update: r.bytes('update'),
				entries: readEntryList(r)
			};
			break;
		case 'syncStep1':
			message = { type: 'syncStep1', docId: readDocId(r), stateVector: r.bytes('state vector') };
			break;
		case 'setAccess':
			message = {
				type: 'setAccess',
				id: readUuid(r, 'request id'),
				docId: readDocId(r),
				access: readAccess(r)
			};
			break;
		case 'purge':
			message = { type: 'purge', id: readUuid(r, 'request id'), docId: readDocId(r) };
			break;
	}
	r.end();
	return message;
}

/** Decodes and validates what the server sent; throws `ProtocolError`. */
export function decodeServerMessage(bytes: Uint8Array, limit = 64 * MAX_MESSAGE_BYTES): ServerMessage {
	const { r, type } = readFrame(bytes, SERVER_TYPES, limit);
	let message: ServerMessage;
	switch (type as ServerMessage['type']) {
		case 'welcome':
			message = {
				type: 'welcome',
				user: {
					id: r.string('user id', 64),
					name: r.string('user name', 256),
					email: r.string('email', 256)
				},
				workspace: { id: readUuid(r, 'workspace id'), name: r.string('workspace name', 256) },
				role: r.oneOf('role', ['admin', 'member'] as const),
				members: readMembers(r),
				hidden: readCounts(r),
				head: r.uint('head'),
				following: r.uint('following'),
				fresh: r.uint('fresh', 1) === 1
			};
			break;
		case 'snapshot':
			message = {
				type: 'snapshot',
				docId: readDocId(r),
				update: r.bytes('update'),
				entries: readEntryList(r),
				access: readAccess(r)
			};
			break;
		case 'update':
			message = {
				type: 'update',
				seq: r.uint('seq'),
				docId: readDocId(r),
				update: r.bytes('update'),
				entries: readEntryList(r)
			};
			break;
		case 'caughtUp':
			message = { type: 'caughtUp', seq: r.uint('seq') };
			break;
		case 'ack':
			message = {
				type: 'ack',
				id: readUuid(r, 'push id'),
				seq: r.uint('seq'),
				serverTime: r.uint('server time', MAX_TIME),
				author: { id: r.string('author id', 64), name: r.string('author name', 256) }
			};
			break;
		case 'syncStep2':
			message = {
				type: 'syncStep2',
				docId: readDocId(r),
				update: r.bytes('update'),
				stateVector: r.bytes('state vector')
			};
			break;
		case 'error':
			message = {
				type: 'error',
				code: r.oneOf('error code', ERROR_CODES),
				message: r.string('error message', 1024),
				ref: r.string('ref', 64),
				fatal: r.uint('fatal', 1) === 1
			};
			break;
		case 'access':
			message = {
				type: 'access',
				seq: r.uint('seq'),
				docId: readDocId(r),
				access: readAccess(r),
				entries: readEntryList(r)
			};
			break;
		case 'revoked':
		case 'purged':
			message = { type: type as 'revoked' | 'purged', seq: r.uint('seq'), docId: readDocId(r) };
			break;
		case 'hidden':
			message = { type: 'hidden', counts: readCounts(r) };
			break;
	}
	r.end();
	return message;
}

// ---- batches: several server messages in one frame ----

/** The frame type of a batch, after the message types (so single messages keep their numbers). */
const BATCH_TYPE = SERVER_TYPES.length;

/** The type numbers a frame starts with (after the version), for readers that only count messages. */
export const SERVER_FRAME_TYPES = {
	snapshot: SERVER_TYPES.indexOf('snapshot'),
	update: SERVER_TYPES.indexOf('update'),
	batch: BATCH_TYPE
} as const;

/**
 * Several encoded server messages as one frame: a busy server sends what it has for a device in
 * one WebSocket frame instead of one each (a broadcast to many devices costs a frame per device,
 * not per update and device).
 */
export function encodeServerBatch(frames: readonly Uint8Array[]): Uint8Array {
	// Sized up front and copied once: a broadcast encodes one batch per device and turn.
	let size = varUintLength(PROTOCOL_VERSION) + varUintLength(BATCH_TYPE) + varUintLength(frames.length);
	for (const bytes of frames) size += varUintLength(bytes.length) + bytes.length;
	const out = new Uint8Array(size);
	let at = writeVarUintAt(out, 0, PROTOCOL_VERSION);
	at = writeVarUintAt(out, at, BATCH_TYPE);
	at = writeVarUintAt(out, at, frames.length);
	for (const bytes of frames) {
		at = writeVarUintAt(out, at, bytes.length);
		out.set(bytes, at);
		at += bytes.length;
	}
	return out;
}

/** Bytes of `n` as a lib0 var uint (7 bits a byte). */
function varUintLength(n: number): number {
	let length = 1;
	while (n > 0x7f) {
		n = Math.floor(n / 128);
		length++;
	}
	return length;
}

/** Writes `n` as a lib0 var uint at `at`; returns the position after it. */
function writeVarUintAt(out: Uint8Array, at: number, n: number): number {
	while (n > 0x7f) {
		out[at++] = 0x80 | (n & 0x7f);
		n = Math.floor(n / 128);
	}
	out[at++] = n;
	return at;
}

/** Decodes a frame from the server: one message, or each message of a batch, every one validated. */
export function decodeServerFrame(bytes: Uint8Array, limit = 64 * MAX_MESSAGE_BYTES): ServerMessage[] {
	if (bytes.length > limit) throw new ProtocolError('tooLarge', `message of ${bytes.length} bytes`);
	const r = new Reader(bytes);
	const version = r.uint('version');
	if (version !== PROTOCOL_VERSION) throw new ProtocolError('version', `protocol version ${version}`);
	if (r.uint('type') !== BATCH_TYPE) return [decodeServerMessage(bytes, limit)];
	const count = r.uint('batch size', bytes.length);
	const messages: ServerMessage[] = [];
	// A batch inside a batch is an unknown type to decodeServerMessage.
	for (let i = 0; i < count; i++) messages.push(decodeServerMessage(r.bytes('batched message'), limit));
	r.end();
	return messages;
}
