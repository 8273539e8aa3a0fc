import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	decodeClientMessage,
	decodeEntries,
	decodeServerFrame,
	decodeServerMessage,
	EncodedEntries,
	encodeClientMessage,
	encodeEntries,
	encodeServerBatch,
	encodeServerMessage,
	isStateVector,
	MAX_MESSAGE_BYTES,
	PROTOCOL_VERSION,
	ProtocolError,
	SERVER_FRAME_TYPES,
	type ClientMessage,
	type ServerMessage,
	type WireEntry
} from '../../src/lib/sync/protocol';

const DOC = '01a22400-0000-7000-8000-000000000001';
const DEVICE = '01a22400-0000-7000-8000-000000000002';
const PUSH = '01a22400-0000-7000-8000-000000000003';

function entry(overrides: Partial<WireEntry> = {}): WireEntry {
	const doc = new Y.Doc();
	doc.getMap('fields').set('city', 'Köln');
	return {
		id: '01a22400-0000-7000-8000-000000000004',
		time: 1_795_000_000_000,
		author: { id: 'u1', name: 'Anna Admin' },
		device: DEVICE,
		changes: [
			{ path: ['fields', 'city'], from: 'Bonn', to: 'Köln' },
			{ path: ['groups', 'g1'], to: true }
		],
		svBefore: Y.encodeStateVector(doc),
		client: doc.clientID,
		clockEnd: 3,
		...overrides
	};
}

function errorCode(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		if (error instanceof ProtocolError) return error.code;
		throw error;
	}
	return 'decoded';
}

/** A frame with the current version, the type number and raw fields written by `body`. */
function frame(type: number, body: (enc: encoding.Encoder) => void = () => undefined): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, PROTOCOL_VERSION);
	encoding.writeVarUint(enc, type);
	body(enc);
	return encoding.toUint8Array(enc);
}

describe('client messages', () => {
	const messages: ClientMessage[] = [
		{ type: 'hello', token: 'abc_DEF-123', device: DEVICE, workspace: '', cursor: 0 },
		{ type: 'hello', token: 't', device: DEVICE, workspace: DOC, cursor: 2 ** 40 },
		{ type: 'push', id: PUSH, docId: DOC, update: new Uint8Array([1, 2, 3]), entries: [entry()] },
		{ type: 'push', id: PUSH, docId: 'workspace', update: new Uint8Array([0, 0]), entries: [] },
		{ type: 'syncStep1', docId: DOC, stateVector: new Uint8Array([0]) }
	];

	it.each(messages.map((m) => [m.type, m] as const))('round-trips %s', (_type, message) => {
		expect(decodeClientMessage(encodeClientMessage(message))).toEqual(message);
	});

	it('refuses a message over the limit before reading it', () => {
		const big = encodeClientMessage({
			type: 'push',
			id: PUSH,
			docId: DOC,
			update: new Uint8Array(MAX_MESSAGE_BYTES),
			entries: []
		});
		expect(errorCode(() => decodeClientMessage(big))).toBe('tooLarge');
		expect(errorCode(() => decodeClientMessage(big, 2 * MAX_MESSAGE_BYTES))).toBe('decoded');
	});

	it('names empty, truncated, trailing, unknown and other-version messages', () => {
		const hello = encodeClientMessage(messages[0] as ClientMessage);
		expect(errorCode(() => decodeClientMessage(new Uint8Array()))).toBe('malformed');
		expect(errorCode(() => decodeClientMessage(hello.slice(0, -1)))).toBe('malformed');
		expect(errorCode(() => decodeClientMessage(new Uint8Array([...hello, 0])))).toBe('malformed');
		expect(errorCode(() => decodeClientMessage(frame(5)))).toBe('unknownType');
		expect(errorCode(() => decodeClientMessage(new Uint8Array([PROTOCOL_VERSION + 1, 0])))).toBe('version');
	});

	it('refuses ids that are not ids, and a server message sent as a client message', () => {
		const bad = (patch: Partial<Extract<ClientMessage, { type: 'push' }>>) =>
			errorCode(() =>
				decodeClientMessage(
					encodeClientMessage({ ...(messages[2] as Extract<ClientMessage, { type: 'push' }>), ...patch })
				)
			);
		expect(bad({ docId: '../etc/passwd' })).toBe('malformed');
		expect(bad({ id: 'not-a-uuid' })).toBe('malformed');
		expect(bad({ docId: DOC.toUpperCase() })).toBe('malformed');
		expect(errorCode(() => decodeClientMessage(frame(0, (enc) => encoding.writeVarString(enc, 't'))))).toBe(
			'malformed'
		);
		const ack = encodeServerMessage({ type: 'caughtUp', seq: 1 });
		expect(errorCode(() => decodeClientMessage(ack))).not.toBe('decoded');
	});

	it('checks every history entry: its changes and its state vector', () => {
		const push = (e: WireEntry) =>
			errorCode(() =>
				decodeClientMessage(
					encodeClientMessage({
						type: 'push',
						id: PUSH,
						docId: DOC,
						update: new Uint8Array([0, 0]),
						entries: [e]
					})
				)
			);
		expect(push(entry())).toBe('decoded');
		expect(push(entry({ svBefore: new Uint8Array([5, 1]) }))).toBe('malformed');
		expect(push(entry({ svBefore: new Uint8Array([1, 1, 1, 9]) }))).toBe('malformed');
		expect(push(entry({ changes: [{ path: [] }] }))).toBe('malformed');
		expect(push(entry({ changes: [{ path: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] }] }))).toBe(
			'malformed'
		);
		expect(push(entry({ id: 'x' }))).toBe('malformed');
		expect(push(entry({ time: 9e15 }))).toBe('malformed');
	});
});

describe('server messages', () => {
	const messages: ServerMessage[] = [
		{
			type: 'welcome',
			user: { id: 'u1', name: 'Anna', email: 'anna@example.com' },
			workspace: { id: DOC, name: 'Muster GmbH' },
			role: 'admin',
			members: [
				{ id: 'u1', name: 'Anna' },
				{ id: 'u2', name: 'Ben' }
			],
			hidden: [{ docId: DOC, count: 2 }],
			head: 12,
			following: 0,
			fresh: false
		},
		{
			type: 'snapshot',
			docId: DOC,
			update: new Uint8Array([0, 0]),
			entries: [entry({ serverTime: 1_795_000_000_500 })],
			access: { ownerId: 'u1', everyone: 'none', users: { u2: 'read' } }
		},
		{ type: 'update', seq: 13, docId: DOC, update: new Uint8Array([1]), entries: [] },
		{ type: 'caughtUp', seq: 13 },
		{ type: 'ack', id: PUSH, seq: 0, serverTime: 1_795_000_000_500, author: { id: 'u1', name: 'Anna' } },
		{ type: 'syncStep2', docId: DOC, update: new Uint8Array([0, 0]), stateVector: new Uint8Array([0]) },
		{ type: 'error', code: 'busy', message: 'later', ref: PUSH, fatal: false },
		{
			type: 'access',
			seq: 14,
			docId: DOC,
			access: { ownerId: 'u1', everyone: 'read', users: {} },
			entries: []
		},
		{ type: 'revoked', seq: 15, docId: DOC },
		{ type: 'purged', seq: 0, docId: DOC },
		{ type: 'hidden', counts: [{ docId: DOC, count: 1 }] }
	];

	it.each(messages.map((m) => [m.type, m] as const))('round-trips %s', (_type, message) => {
		expect(decodeServerMessage(encodeServerMessage(message))).toEqual(message);
	});

	it('carries several messages in one batch frame, each checked, and no batch inside a batch', () => {
		const frames = messages.map(encodeServerMessage);
		// The type numbers readers that only count messages look at (after the version byte).
		expect(frames[1]?.[1]).toBe(SERVER_FRAME_TYPES.snapshot);
		expect(frames[2]?.[1]).toBe(SERVER_FRAME_TYPES.update);
		expect(encodeServerBatch(frames)[1]).toBe(SERVER_FRAME_TYPES.batch);
		expect(decodeServerFrame(encodeServerBatch(frames))).toEqual(messages);
		expect(decodeServerFrame(frames[3] as Uint8Array)).toEqual([messages[3]]);
		const nested = encodeServerBatch([encodeServerBatch(frames)]);
		expect(errorCode(() => decodeServerFrame(nested))).toBe('unknownType');
		const broken = encodeServerBatch([...frames.slice(0, 2), new Uint8Array([PROTOCOL_VERSION, 3])]);
		expect(errorCode(() => decodeServerFrame(broken))).toBe('malformed');
	});

	it('writes a batch as lib0 would, frame lengths across the var-uint boundaries included', () => {
		const frames = [0, 1, 127, 128, 16_383, 16_384, 70_000].map((n) =>
			new Uint8Array(n).map((_, i) => (i * 31 + n) % 256)
		);
		const reference = encoding.createEncoder();
		encoding.writeVarUint(reference, PROTOCOL_VERSION);
		encoding.writeVarUint(reference, SERVER_FRAME_TYPES.batch);
		encoding.writeVarUint(reference, frames.length);
		for (const frame of frames) encoding.writeVarUint8Array(reference, frame);
		expect(encodeServerBatch(frames)).toEqual(encoding.toUint8Array(reference));
		const many = Array.from({ length: 300 }, () => encodeServerMessage(messages[3] as ServerMessage));
		expect(decodeServerFrame(encodeServerBatch(many))).toHaveLength(300);
	});

	it("sends stored entry lists as they are, a document's several lists joined into one", () => {
		const first = [entry()];
		const second = [entry({ id: '01a22400-0000-7000-8000-000000000005' }), entry({ device: PUSH })];
		const stored = [encodeEntries(first), encodeEntries(second), encodeEntries([])];
		const update = Y.encodeStateAsUpdate(new Y.Doc());
		const access = { ownerId: 'u1', everyone: 'read' as const, users: { u2: 'edit' as const } };
		expect(
			encodeServerMessage({
				type: 'update',
				seq: 3,
				docId: DOC,
				update,
				entries: EncodedEntries.trusted(stored[1] as Uint8Array)
			})
		).toEqual(encodeServerMessage({ type: 'update', seq: 3, docId: DOC, update, entries: second }));
		expect(
			encodeServerMessage({
				type: 'access',
				seq: 4,
				docId: DOC,
				access,
				entries: EncodedEntries.trusted(stored[0] as Uint8Array)
			})
		).toEqual(encodeServerMessage({ type: 'access', seq: 4, docId: DOC, access, entries: first }));
		const joined = encodeServerMessage({
			type: 'snapshot',
			docId: DOC,
			update,
			access,
			entries: EncodedEntries.join(stored)
		});
		expect(joined).toEqual(
			encodeServerMessage({ type: 'snapshot', docId: DOC, update, access, entries: [...first, ...second] })
		);
		expect(decodeServerMessage(joined)).toEqual({
			type: 'snapshot',
			docId: DOC,
			update,
			access,
			entries: [...first, ...second]
		});
		expect(EncodedEntries.join([encodeEntries([])]).bytes).toEqual(encodeEntries([]));
	});

	it('decodes byte fields as copies, so a stored update does not keep (or store) its whole frame', () => {
		const [, snapshot] = decodeServerFrame(encodeServerBatch(messages.map(encodeServerMessage)));
		if (snapshot?.type !== 'snapshot') throw new Error('expected the snapshot');
		expect(snapshot.update.buffer.byteLength).toBe(snapshot.update.byteLength);
		const sv = snapshot.entries[0]?.svBefore as Uint8Array;
		expect(sv.buffer.byteLength).toBe(sv.byteLength);
	});

	it('decodes strings short and long, ASCII or not, and refuses bytes that are not UTF-8', () => {
		const welcome = (name: string | Uint8Array) =>
			frame(0, (enc) => {
				encoding.writeVarString(enc, 'u1');
				if (typeof name === 'string') encoding.writeVarString(enc, name);
				else encoding.writeVarUint8Array(enc, name);
				for (const text of ['a@b.de', DOC, 'W', 'admin']) encoding.writeVarString(enc, text);
				encoding.writeVarUint(enc, 0); // members
				encoding.writeVarUint(enc, 0); // hidden
				encoding.writeVarUint(enc, 1);
				encoding.writeVarUint(enc, 0);
				encoding.writeVarUint(enc, 0);
			});
		for (const name of ['', 'Anna', 'Jürgen Weiß', 'x'.repeat(64), 'y'.repeat(65), `${'z'.repeat(70)}ö`]) {
			const decoded = decodeServerMessage(welcome(name));
			expect(decoded.type === 'welcome' && decoded.user.name).toBe(name);
		}
		for (const bytes of [[0xc3], [0x41, 0xff, 0x42], [0xed, 0xa0, 0x80], [...Array(80).fill(0x41), 0xc3]]) {
			expect(errorCode(() => decodeServerMessage(welcome(new Uint8Array(bytes))))).toBe('malformed');
		}
	});

	it('refuses an unknown role or error code', () => {
		const welcome = frame(0, (enc) => {
			for (const text of ['u1', 'Anna', 'a@b.de', DOC, 'W', 'owner']) encoding.writeVarString(enc, text);
			encoding.writeVarUint(enc, 1);
			encoding.writeVarUint(enc, 0);
		});
		expect(errorCode(() => decodeServerMessage(welcome))).toBe('malformed');
		const error = frame(6, (enc) => {
			for (const text of ['panic', 'm', '']) encoding.writeVarString(enc, text);
			encoding.writeVarUint(enc, 0);
		});
		expect(errorCode(() => decodeServerMessage(error))).toBe('malformed');
	});
});

describe('entries and state vectors', () => {
	it('round-trips a list of entries as the server stores them', () => {
		const entries = [entry(), entry({ id: '01a22400-0000-7000-8000-000000000009', serverTime: 5 })];
		expect(decodeEntries(encodeEntries(entries))).toEqual(entries);
	});

	it('accepts real state vectors and refuses counts, truncation and trailing bytes', () => {
		const doc = new Y.Doc();
		doc.getMap('m').set('k', 1);
		expect(isStateVector(Y.encodeStateVector(doc))).toBe(true);
		expect(isStateVector(new Uint8Array([0]))).toBe(true);
		expect(isStateVector(new Uint8Array())).toBe(false);
		expect(isStateVector(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]))).toBe(false);
		expect(isStateVector(new Uint8Array([1, 5]))).toBe(false);
		expect(isStateVector(new Uint8Array([0, 0]))).toBe(false);
	});
});
