/**
 * Fuzzing the sync socket: attackers throw at least 10,000 random and mutated messages at a running
 * server while two well-behaved devices keep editing. Every message the attackers send is decoded with
 * our own copy of the codec first, which tells what the server must answer: an `error` of the same
 * code (fatal, and the socket closed, where the stream cannot be trusted), an `ack` or `invalidUpdate`
 * for a push, a `syncStep2` for a state vector. So the storm checks every single answer, not a sample.
 *
 * Seeded (mulberry32): a failure names its seed; `KONTOR_FUZZ_SEED=<n>` runs another one.
 */
import 'fake-indexeddb/auto';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import * as Y from 'yjs';
import type { Contact, ContactId } from '../../src/lib/domain';
import {
	decodeClientMessage,
	decodeEntries,
	decodeServerFrame,
	encodeClientMessage,
	MAX_MESSAGE_BYTES,
	PROTOCOL_VERSION,
	ProtocolError,
	type ClientMessage,
	type ErrorCode,
	type ServerMessage,
	type WireEntry
} from '../../src/lib/sync/protocol';
import { int, mulberry32, pick, seededUuid, type Rng } from '../factories';
import { editContact, HOSTILE } from '../sync-server/update-fixtures';
import type { LogRecord } from '../../sync-server/storage/storage';
import { Rig, type Device, type TestAccount } from './helpers';

const SEED = Number(process.env.KONTOR_FUZZ_SEED ?? 0x6b6f6e74);
const TARGET_MESSAGES = 10_000;
/** Messages a signed-in attacker keeps unanswered at most (the server answers each one). */
const WINDOW = 8;
/** An answer later than this means the server stopped listening: the test fails. */
const ANSWER_TIMEOUT_MS = 15_000;
/** sync-hub.ts closes a signed-in connection after this many undecodable messages. */
const MAX_PROTOCOL_ERRORS = 100;
/** Hostile fixtures small enough to throw again and again (the big ones go once, in the replay). */
const SMALL_HOSTILE = HOSTILE.filter(([, update]) => update.byteLength <= 64 * 1024);

let rig: Rig;
const sockets = new Set<WebSocket>();

beforeEach(async () => {
	rig = await new Rig().start();
});

afterEach(async () => {
	for (const socket of sockets) socket.terminate();
	sockets.clear();
	await rig.stop();
});

// ---- what the attackers send ----

/** A message thrown at the server: binary, or a text frame. */
type Payload = Uint8Array | string;

interface AttackContext {
	rng: Rng;
	/** A valid session token for signed-in attackers, a made-up one for the others. */
	token: string;
	/** Documents the attackers push to (their own) and read (everyone's). */
	docIds: string[];
	readIds: string[];
}

function randomBytes(rng: Rng, length: number): Uint8Array {
	const out = new Uint8Array(length);
	for (let i = 0; i < length; i++) out[i] = Math.floor(rng() * 256);
	return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
	const encoder = encoding.createEncoder();
	for (const part of parts) encoding.writeUint8Array(encoder, part);
	return encoding.toUint8Array(encoder);
}

function varUints(...values: number[]): Uint8Array {
	const encoder = encoding.createEncoder();
	for (const value of values) encoding.writeVarUint(encoder, value);
	return encoding.toUint8Array(encoder);
}

/** A real Yjs update as a client would push it, sometimes shaped like a contact. */
function freshUpdate(rng: Rng): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = int(rng, 1, 2 ** 31);
	if (rng() < 0.5) {
		doc.getMap('fields').set('kind', pick(rng, ['company', 'person']));
		doc.getMap('fields').set('companyName', `Fuzz ${int(rng, 0, 999)}`);
	}
	for (let step = int(rng, 1, 4); step > 0; step--) editContact(doc, rng, step);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

/** Bit flips, truncation, extension, overwrites, insertions, deletions and repeats. */
function mutate(rng: Rng, input: Uint8Array): Uint8Array {
	let bytes: Uint8Array = new Uint8Array(input);
	for (let round = int(rng, 1, 3); round > 0; round--) {
		const at = int(rng, 0, Math.max(0, bytes.length - 1));
		switch (int(rng, 0, 6)) {
			case 0:
				if (bytes.length > 0) bytes[at] = (bytes[at] ?? 0) ^ (1 << int(rng, 0, 7));
				break;
			case 1:
				bytes = bytes.slice(0, int(rng, 0, bytes.length));
				break;
			case 2:
				bytes = concat(bytes, randomBytes(rng, int(rng, 1, 32)));
				break;
			case 3:
				if (bytes.length > 0) bytes[at] = int(rng, 0, 255);
				break;
			case 4:
				bytes = concat(bytes.slice(0, at), randomBytes(rng, 1), bytes.slice(at));
				break;
			case 5:
				bytes = concat(bytes.slice(0, at), bytes.slice(at + 1));
				break;
			default:
				bytes = concat(bytes.slice(0, at), bytes.slice(at, at + int(rng, 1, 16)), bytes.slice(at));
		}
	}
	return bytes;
}

function entry(rng: Rng): WireEntry {
	return {
		id: seededUuid(rng),
		time: int(rng, 0, 2 ** 42),
		author: { id: '', name: 'Mallory' },
		device: seededUuid(rng),
		changes: [{ path: ['fields', 'city'], from: null, to: `Ort ${int(rng, 0, 99)}` }],
		svBefore: varUints(0),
		client: int(rng, 0, 2 ** 32 - 1),
		clockEnd: int(rng, 0, 1000)
	};
}

function push(rng: Rng, ctx: AttackContext, update: Uint8Array): Uint8Array {
	const docId = rng() < 0.9 ? pick(rng, ctx.docIds) : seededUuid(rng);
	const entries = rng() < 0.5 ? [] : [entry(rng)];
	return encodeClientMessage({ type: 'push', id: seededUuid(rng), docId, update, entries });
}

function hello(rng: Rng, token: string): Uint8Array {
	return encodeClientMessage({
		type: 'hello',
		token,
		device: seededUuid(rng),
		workspace: '',
		cursor: int(rng, 0, 1000)
	});
}

function syncStep1(rng: Rng, ctx: AttackContext, stateVector: Uint8Array): Uint8Array {
	const docId = pick(rng, rng() < 0.5 ? ctx.docIds : ctx.readIds);
	return encodeClientMessage({ type: 'syncStep1', docId, stateVector });
}

function validMessage(rng: Rng, ctx: AttackContext): Uint8Array {
	switch (int(rng, 0, 3)) {
		case 0:
			return hello(rng, ctx.token);
		case 1:
			return syncStep1(rng, ctx, varUints(1, int(rng, 1, 2 ** 31), int(rng, 0, 50)));
		default:
			return push(rng, ctx, freshUpdate(rng));
	}
}

function hostileUpdate(rng: Rng): Uint8Array {
	const r = rng();
	if (r < 0.4) return pick(rng, SMALL_HOSTILE)[1];
	if (r < 0.6) return randomBytes(rng, int(rng, 0, 256));
	return mutate(rng, freshUpdate(rng));
}

/** The kinds of attack and how often each is thrown (weights). */
const ATTACKS: [string, number, (rng: Rng, ctx: AttackContext) => Payload][] = [
	['random bytes', 10, (rng) => randomBytes(rng, rng() < 0.1 ? 0 : int(rng, 1, 600))],
	[
		'garbage after a valid header',
		12,
		(rng) => concat(varUints(PROTOCOL_VERSION, int(rng, 0, 2)), randomBytes(rng, int(rng, 0, 300)))
	],
	['mutated valid message', 26, (rng, ctx) => mutate(rng, validMessage(rng, ctx))],
	[
		'unknown type',
		6,
		(rng) => concat(varUints(PROTOCOL_VERSION, int(rng, 3, rng() < 0.5 ? 20 : 2 ** 30)), randomBytes(rng, 8))
	],
	[
		'wrong protocol version',
		3,
		(rng, ctx) => {
			const valid = validMessage(rng, ctx);
			return concat(varUints(pick(rng, [0, 2, 3, 127, 2 ** 20])), valid.slice(1));
		}
	],
	[
		'text frame',
		5,
		(rng) => String.fromCharCode(...randomBytes(rng, int(rng, 0, 200)).map((b) => 32 + (b % 95)))
	],
	['push of a hostile update', 14, (rng, ctx) => push(rng, ctx, hostileUpdate(rng))],
	['push of a valid update', 4, (rng, ctx) => push(rng, ctx, freshUpdate(rng))],
	[
		'garbage state vector',
		8,
		(rng, ctx) => syncStep1(rng, ctx, mutate(rng, randomBytes(rng, int(rng, 0, 40))))
	],
	['valid state vector', 3, (rng, ctx) => syncStep1(rng, ctx, varUints(0))],
	[
		'hello (again, or with a made-up token)',
		4,
		(rng, ctx) => hello(rng, rng() < 0.5 ? ctx.token : `forged-${int(rng, 0, 1e9)}`)
	],
	[
		'just over the size limit',
		0.3,
		(rng) => {
			const bytes = new Uint8Array(MAX_MESSAGE_BYTES + int(rng, 1, 1024)).fill(0x41);
			bytes.set(varUints(PROTOCOL_VERSION, 1));
			return bytes;
		}
	]
];
const TOTAL_WEIGHT = ATTACKS.reduce((sum, [, weight]) => sum + weight, 0);

function attack(rng: Rng, ctx: AttackContext): { kind: string; payload: Payload } {
	let roll = rng() * TOTAL_WEIGHT;
	for (const [kind, weight, make] of ATTACKS) {
		roll -= weight;
		if (roll < 0) return { kind, payload: make(rng, ctx) };
	}
	const [kind, , make] = ATTACKS[0] as (typeof ATTACKS)[number];
	return { kind, payload: make(rng, ctx) };
}

// ---- what the server must answer ----

/** The answer one message must get, as our own copy of the codec reads the message. */
type Expected =
	/** An error of this code, in order with the other answers that are not about pushes. */
	| { kind: 'error'; code: ErrorCode; counted: boolean }
	/** An ack or an `invalidUpdate` error naming the push, in any order (pushes run per document). */
	| { kind: 'push'; id: string }
	/** A syncStep2 for the document, or a `malformed` error naming it (the state vector was refused). */
	| { kind: 'step'; docId: string }
	/** A change of rights or a deletion: an ack, or a refusal naming the request, in order. */
	| { kind: 'request'; id: string };

function expectedAnswer(payload: Payload, signedIn: boolean): Expected {
	if (typeof payload === 'string') return { kind: 'error', code: 'malformed', counted: true };
	let message: ClientMessage;
	try {
		message = decodeClientMessage(payload);
	} catch (error) {
		if (!(error instanceof ProtocolError)) throw error;
		return { kind: 'error', code: error.code, counted: error.code !== 'version' };
	}
	// Before a hello with a valid token, anything is refused; attackers without one never have one.
	if (!signedIn) return { kind: 'error', code: 'auth', counted: false };
	switch (message.type) {
		case 'hello':
			return { kind: 'error', code: 'malformed', counted: false }; // already signed in
		case 'push':
			return { kind: 'push', id: message.id };
		case 'syncStep1':
			return { kind: 'step', docId: message.docId };
		case 'setAccess':
		case 'purge':
			return { kind: 'request', id: message.id };
	}
}

/** Everything the attackers did and saw. */
class Storm {
	sent = 0;
	connections = 0;
	done = false;
	readonly byKind = new Map<string, number>();
	readonly answers = new Map<string, number>();
	readonly failures: string[] = [];
	/** Pushes sent by signed-in attackers that decode (so the server may store them), and those acked with a seq. */
	readonly pushIds = new Set<string>();
	readonly acked = new Set<string>();

	constructor(readonly url: string) {}

	get full(): boolean {
		return this.done || this.sent >= TARGET_MESSAGES;
	}

	count(map: Map<string, number>, key: string): void {
		map.set(key, (map.get(key) ?? 0) + 1);
	}

	fail(what: string): void {
		if (this.failures.length < 50) this.failures.push(what);
	}
}

/** A socket with a way to wait for what it receives. */
class Wire {
	closed = false;
	closeCode = 0;
	#wake: (() => void) | null = null;

	private constructor(readonly socket: WebSocket) {
		socket.on('close', (code) => {
			this.closed = true;
			this.closeCode = code;
			this.poke();
		});
		socket.on('error', () => undefined);
	}

	static async open(url: string): Promise<Wire> {
		const socket = new WebSocket(url);
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		await new Promise((resolve, reject) => {
			socket.once('open', resolve);
			socket.once('error', reject);
		});
		return new Wire(socket);
	}

	onMessage(handle: (message: ServerMessage) => void, storm: Storm): void {
		this.socket.on('message', (data: RawData) => {
			try {
				for (const message of decodeServerFrame(new Uint8Array(data as Buffer))) handle(message);
			} catch (error) {
				storm.fail(`an answer the client cannot decode: ${String(error)}`);
			}
			this.poke();
		});
	}

	send(payload: Payload): void {
		this.socket.send(payload, { binary: typeof payload !== 'string' });
	}

	poke(): void {
		this.#wake?.();
	}

	/** Waits until `condition` holds; false (and the socket dropped) when the server stays silent. */
	async until(condition: () => boolean): Promise<boolean> {
		const end = Date.now() + ANSWER_TIMEOUT_MS;
		while (!condition()) {
			const left = end - Date.now();
			if (left <= 0) {
				this.socket.terminate();
				return false;
			}
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, Math.min(left, 200));
				this.#wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
			this.#wake = null;
		}
		return true;
	}
}

/** Without a session: one connection per message (the first message is answered and the socket closed). */
async function anonymousRound(storm: Storm, ctx: AttackContext): Promise<void> {
	const wire = await Wire.open(storm.url);
	storm.connections++;
	const answers: ServerMessage[] = [];
	wire.onMessage((message) => answers.push(message), storm);
	const burst = Array.from({ length: int(ctx.rng, 1, 3) }, () => attack(ctx.rng, ctx));
	const expected = expectedAnswer((burst[0] as { payload: Payload }).payload, false);
	for (const { kind, payload } of burst) {
		wire.send(payload);
		storm.sent++;
		storm.count(storm.byKind, kind);
	}
	if (!(await wire.until(() => wire.closed))) return storm.fail('an unauthenticated connection stayed open');
	const [answer, ...more] = answers;
	storm.count(storm.answers, answer?.type === 'error' ? answer.code : String(answer?.type));
	if (
		answer?.type !== 'error' ||
		expected.kind !== 'error' ||
		answer.code !== expected.code ||
		!answer.fatal ||
		more.length > 0 ||
		wire.closeCode !== 1008
	) {
		storm.fail(`unauthenticated ${burst[0]?.kind}: expected ${JSON.stringify(expected)}, got
			${JSON.stringify(answers).slice(0, 300)} and close ${wire.closeCode}`);
	}
}

/** Signed in: keeps `WINDOW` messages unanswered until the server closes it or the storm is over. */
async function signedInRound(storm: Storm, ctx: AttackContext, head: () => Promise<number>): Promise<void> {
	const wire = await Wire.open(storm.url);
	storm.connections++;
	const inOrder: Expected[] = [];
	const pushes = new Map<string, number>();
	let outstandingPushes = 0;
	let welcomed = false;
	let fatal = false;
	let leaving = false;
	let protocolErrors = 0;
	const takePush = (id: string): boolean => {
		const left = pushes.get(id) ?? 0;
		if (left === 0) return false;
		if (left === 1) pushes.delete(id);
		else pushes.set(id, left - 1);
		outstandingPushes--;
		return true;
	};
	wire.onMessage((message) => {
		if (message.type === 'welcome') welcomed = true;
		if (message.type === 'welcome' || message.type === 'snapshot' || message.type === 'update') return;
		if (message.type === 'caughtUp') return;
		// What a change of rights or a deletion (a request decoded from a mutation) tells the devices.
		if (['access', 'revoked', 'purged', 'hidden'].includes(message.type)) return;
		storm.count(storm.answers, message.type === 'error' ? message.code : message.type);
		const next = inOrder[0];
		if (next?.kind === 'request') {
			const answered =
				(message.type === 'ack' && message.id === next.id) ||
				(message.type === 'error' &&
					message.ref === next.id &&
					['malformed', 'forbidden', 'purged'].includes(message.code) &&
					!message.fatal);
			if (answered) {
				inOrder.shift();
				return;
			}
		}
		if (message.type === 'ack') {
			if (!takePush(message.id)) storm.fail(`an ack for a push never sent: ${message.id}`);
			// Seq 0: the push changed nothing and was not logged.
			if (message.seq > 0) storm.acked.add(message.id);
			return;
		}
		if (message.type === 'error' && message.code === 'invalidUpdate' && takePush(message.ref)) {
			if (message.fatal) storm.fail('a refused update closed the connection');
			return;
		}
		const expected = inOrder.shift();
		const got = JSON.stringify(message).slice(0, 300);
		if (!expected || expected.kind === 'push') return storm.fail(`an answer nobody asked for: ${got}`);
		if (message.type === 'syncStep2' || (message.type === 'error' && expected.kind === 'step')) {
			const ok =
				expected.kind === 'step' &&
				(message.type === 'syncStep2' ? message.docId : message.ref) === expected.docId &&
				(message.type === 'syncStep2' || (message.code === 'malformed' && !message.fatal));
			if (!ok) storm.fail(`expected ${JSON.stringify(expected)}, got ${got}`);
			return;
		}
		if (message.type !== 'error' || expected.kind !== 'error' || message.code !== expected.code) {
			return storm.fail(`expected ${JSON.stringify(expected)}, got ${got}`);
		}
		if (expected.counted) protocolErrors++;
		const mustClose = expected.code === 'version' || protocolErrors > MAX_PROTOCOL_ERRORS;
		if (message.fatal !== mustClose)
			storm.fail(`fatal ${message.fatal} after ${protocolErrors} errors: ${got}`);
		fatal ||= message.fatal;
	}, storm);
	wire.socket.on('close', (code) => {
		if (!fatal && !leaving) storm.fail(`a signed-in connection closed (${code}) without a fatal error`);
	});

	wire.send(
		encodeClientMessage({
			type: 'hello',
			token: ctx.token,
			device: seededUuid(ctx.rng),
			workspace: '',
			cursor: await head()
		})
	);
	storm.sent++;
	storm.count(storm.byKind, 'hello (sign in)');
	if (!(await wire.until(() => welcomed || wire.closed)) || !welcomed) {
		return storm.fail('no welcome for a valid session');
	}
	const outstanding = (): number => inOrder.length + outstandingPushes;
	while (!wire.closed && !storm.full) {
		while (outstanding() < WINDOW && !storm.full) {
			const { kind, payload } = attack(ctx.rng, ctx);
			const expected = expectedAnswer(payload, true);
			if (expected.kind === 'push') {
				pushes.set(expected.id, (pushes.get(expected.id) ?? 0) + 1);
				outstandingPushes++;
				storm.pushIds.add(expected.id);
			} else inOrder.push(expected);
			wire.send(payload);
			storm.sent++;
			storm.count(storm.byKind, kind);
		}
		if (!(await wire.until(() => outstanding() < WINDOW || wire.closed))) {
			return storm.fail(`no answer within ${ANSWER_TIMEOUT_MS} ms to ${JSON.stringify(inOrder[0])}`);
		}
	}
	if (!(await wire.until(() => outstanding() === 0 || wire.closed))) {
		return storm.fail(`unanswered at the end: ${outstanding()}`);
	}
	leaving = true;
	wire.socket.close(1000);
}

/** Every named hostile payload once, as a push to a fresh document: refused, or stored when well-defined. */
async function replayHostile(storm: Storm, account: TestAccount, rng: Rng): Promise<void> {
	const wire = await Wire.open(storm.url);
	const received: ServerMessage[] = [];
	wire.onMessage((message) => {
		if (message.type === 'ack' || message.type === 'error') received.push(message);
	}, storm);
	wire.send(
		encodeClientMessage({
			type: 'hello',
			token: account.token,
			device: seededUuid(rng),
			workspace: '',
			cursor: 0
		})
	);
	storm.sent++;
	for (const [name, update, verdict] of HOSTILE) {
		const id = seededUuid(rng);
		wire.send(encodeClientMessage({ type: 'push', id, docId: seededUuid(rng), update, entries: [] }));
		storm.sent++;
		storm.count(storm.byKind, 'hostile replay');
		storm.pushIds.add(id);
		if (!(await wire.until(() => received.length > 0))) return storm.fail(`no answer to hostile "${name}"`);
		const answer = received.shift() as ServerMessage;
		storm.count(storm.answers, answer.type === 'error' ? answer.code : answer.type);
		const ok =
			verdict === 'ok'
				? answer.type === 'ack' && answer.id === id
				: answer.type === 'error' && answer.code === 'invalidUpdate' && answer.ref === id && !answer.fatal;
		if (answer.type === 'ack' && answer.seq > 0) storm.acked.add(id);
		if (!ok) storm.fail(`hostile "${name}" (${verdict}): got ${JSON.stringify(answer).slice(0, 200)}`);
	}
	wire.socket.close(1000);
}

// ---- the well-behaved devices ----

/** Resolves with the time (ms) at which `check` first holds on `device`, checked at every change it stores. */
function whenVisible(
	device: Device,
	id: ContactId,
	check: (contact: Contact | null) => boolean,
	timeoutMs = 30_000
): Promise<number> {
	return new Promise((resolve, reject) => {
		let settled = false;
		let running = false;
		let again = false;
		const settle = (error?: Error): void => {
			if (settled) return;
			settled = true;
			unsubscribe();
			clearTimeout(timer);
			if (error) reject(error);
			else resolve(Date.now());
		};
		const run = async (): Promise<void> => {
			if (running) {
				again = true;
				return;
			}
			running = true;
			try {
				do {
					again = false;
					if (check(await device.store.loadContact(id))) return settle();
				} while (again && !settled);
			} catch (error) {
				settle(error instanceof Error ? error : new Error(String(error)));
			} finally {
				running = false;
			}
		};
		const unsubscribe = device.store.subscribe((change) => {
			if (change.docIds.includes(id)) void run();
		});
		const timer = setTimeout(
			() => settle(new Error(`${id} not as expected within ${timeoutMs} ms`)),
			timeoutMs
		);
		void run();
	});
}

/** One device writing, and what it wrote. */
interface Writer {
	device: Device;
	other: Device;
	/** Each device writes its own field, so every value it writes must arrive as written. */
	field: 'city' | 'street';
	label: string;
	/** Changes made (each one push): creations and edits. */
	pushes: number;
	/** The last value written per contact. */
	last: Map<ContactId, string>;
	/** Every edit: its value, when it was made and when the other device showed it (ms). */
	edits: { value: string; madeAt: number; seenAt: number }[];
}

function writer(device: Device, other: Device, field: Writer['field'], label: string): Writer {
	return { device, other, field, label, pushes: 0, last: new Map(), edits: [] };
}

async function createCompanies(writer: Writer, count: number): Promise<ContactId[]> {
	const ids: ContactId[] = [];
	for (let i = 0; i < count; i++) {
		const result = await writer.device.store.createContact('company', {
			fields: { companyName: `${writer.label} Firma ${i}` }
		});
		if (!result.ok || !result.id) throw new Error('create failed');
		writer.pushes++;
		ids.push(result.id);
	}
	return ids;
}

/** Edits one contact after another, each time waiting until the other device shows the edit. */
async function keepEditing(
	writer: Writer,
	ids: ContactId[],
	rng: Rng,
	more: (n: number) => boolean
): Promise<void> {
	for (let n = 1; more(n); n++) {
		const id = pick(rng, ids);
		const value = `${writer.label} ${n}`;
		const madeAt = Date.now();
		const visible = whenVisible(writer.other, id, (contact) => contact?.[writer.field] === value);
		const result = await writer.device.store.editContact(id, [{ type: 'set', field: writer.field, value }]);
		if (!result.ok) throw new Error(`edit refused: ${JSON.stringify(result)}`);
		writer.pushes++;
		writer.last.set(id, value);
		writer.edits.push({ value, madeAt, seenAt: await visible });
	}
}

function percentiles(values: number[]): string {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
	return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`;
}

/**
 * Every projection row's contact and every document's history, as one comparable value. A contact
 * that does not load fails with its log records (base64), to replay the case.
 */
async function holdings(device: Device, docIds: readonly string[], workspaceId: string): Promise<unknown> {
	const ids = (await device.store.allRows()).map((row) => row.id).sort();
	const contacts = await Promise.all(
		ids.map(async (id) => {
			try {
				return await device.store.loadContact(id as ContactId);
			} catch (error) {
				const records = (await wholeLog(workspaceId)).filter((r) => r.docId === id);
				const updates = records.map((r) => `${r.seq}:${Buffer.from(r.update).toString('base64')}`);
				throw new Error(`${id} does not load on ${device.store.author} (${String(error)}); log: ${updates}`, {
					cause: error
				});
			}
		})
	);
	const history = await Promise.all(docIds.map((id) => device.store.history(id)));
	return { ids, contacts, history };
}

async function wholeLog(workspaceId: string): Promise<LogRecord[]> {
	const log: LogRecord[] = [];
	for (let after = 0; ;) {
		const page = await rig.server.storage.logAfter(workspaceId, after, 1000);
		const last = page.at(-1);
		if (!last) return log;
		log.push(...page);
		after = last.seq;
	}
}

/** Signs in on a raw connection; resolves once the welcome is there. */
async function signedInWire(
	account: TestAccount,
	storm: Storm,
	onMessage: (m: ServerMessage) => void
): Promise<Wire> {
	const wire = await Wire.open(rig.server.syncUrl);
	let welcomed = false;
	wire.onMessage((message) => {
		if (message.type === 'welcome') welcomed = true;
		onMessage(message);
	}, storm);
	wire.send(hello(mulberry32(2), account.token));
	expect(await wire.until(() => welcomed)).toBe(true);
	return wire;
}

describe('fuzzing the sync socket', () => {
	it('answers 10,000 random and mutated messages as the codec says while two devices keep syncing', async () => {
		const rng = mulberry32(SEED);
		console.log(`fuzz seed ${SEED} (KONTOR_FUZZ_SEED=${SEED} repeats this run)`);
		const admin = await rig.admin();
		const member = await rig.member(admin, 'Bernd Berger', 'bernd@example.com');
		const mallory = await rig.member(admin, 'Mallory', 'mallory@example.com');
		const a = await rig.device(admin, 'Laptop A');
		const b = await rig.device(member, 'Laptop B');
		a.online();
		b.online();
		await Promise.all([a.synced(), b.synced()]);
		const writerA = writer(a, b, 'city', 'A');
		const writerB = writer(b, a, 'street', 'B');
		const writers = [writerA, writerB];
		const contactIds = [...(await createCompanies(writerA, 3)), ...(await createCompanies(writerB, 2))];
		await Promise.all([a.synced(), b.synced()]);

		const started = Date.now();
		const storm = new Storm(rig.server.syncUrl);
		const attackerDocs = Array.from({ length: 12 }, () => seededUuid(rng));
		const head = (): Promise<number> => rig.server.storage.head(admin.workspaceId);
		const attacker = async (signedIn: boolean, seed: number): Promise<void> => {
			const ctx: AttackContext = {
				rng: mulberry32(seed),
				token: signedIn ? mallory.token : `forged-${seed}`,
				docIds: attackerDocs,
				readIds: contactIds
			};
			while (!storm.full) {
				if (signedIn) await signedInRound(storm, ctx, head);
				else await anonymousRound(storm, ctx);
			}
		};
		const attackers = Promise.all([
			replayHostile(storm, mallory, mulberry32(SEED + 1)),
			...[2, 3].map((n) => attacker(false, SEED + n)),
			...[4, 5, 6, 7].map((n) => attacker(true, SEED + n))
		]).finally(() => (storm.done = true));
		const minimumEdits = 25;
		await Promise.all([
			attackers,
			...writers.map((w, i) =>
				keepEditing(w, contactIds, mulberry32(SEED + 10 + i), (n) => !storm.done || n <= minimumEdits)
			)
		]);
		const stormMs = Date.now() - started;

		// Every answer was the one the codec predicts; no silence, no close without a fatal error.
		expect(storm.failures).toEqual([]);
		expect(storm.sent).toBeGreaterThanOrEqual(TARGET_MESSAGES);
		for (const code of ['tooLarge', 'malformed', 'unknownType', 'version', 'auth', 'invalidUpdate']) {
			expect(storm.answers.get(code), `answers of code ${code}`).toBeGreaterThan(0);
		}
		expect(storm.answers.get('ack')).toBeGreaterThan(0);
		expect(storm.answers.get('syncStep2')).toBeGreaterThan(0);

		// The server still takes a fresh device, and everyone ends with the same contacts and history.
		await Promise.all([a.synced(), b.synced()]);
		const c = await rig.device(admin, 'Fresh C');
		c.online();
		await c.synced();
		const serverHead = await head();
		for (const device of [a, b, c]) {
			await expect.poll(() => device.store.syncValue('syncCursor'), { timeout: 20_000 }).toBe(serverHead);
		}
		const docIds = (await rig.server.storage.documents(admin.workspaceId, '', 100_000)).map((d) => d.docId);
		const held = await holdings(a, docIds, admin.workspaceId);
		expect(await holdings(b, docIds, admin.workspaceId)).toEqual(held);
		expect(await holdings(c, docIds, admin.workspaceId)).toEqual(held);

		// Every edit of the devices arrived as written, acknowledged (server-stamped) and in the history.
		for (const w of writers) {
			for (const [id, value] of w.last) {
				for (const device of [a, b, c]) expect((await device.store.loadContact(id))?.[w.field]).toBe(value);
			}
			const inHistory = new Set(
				(await Promise.all(contactIds.map((id) => c.store.history(id))))
					.flat()
					.flatMap((e) => e.changes.filter((ch) => ch.path.join('.') === `fields.${w.field}`))
					.map((ch) => ch.to)
			);
			expect(w.edits.filter((e) => !inHistory.has(e.value))).toEqual([]);
		}
		for (const id of contactIds) {
			const history = await b.store.history(id);
			expect(history.every((e) => e.serverTime && [admin.userId, member.userId].includes(e.author.id))).toBe(
				true
			);
		}

		// The log: each device change once, repairs only of the attackers' documents, and of the
		// attackers only pushes they sent (every acknowledged one among them); seqs without gaps.
		const log = await wholeLog(admin.workspaceId);
		expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
		const devices = new Set<string>([a.store.deviceId, b.store.deviceId]);
		const fromDevices = log.filter((r) => devices.has(r.device));
		const changes = fromDevices.filter((r) => decodeEntries(r.entries).length > 0);
		const repairs = fromDevices.filter((r) => decodeEntries(r.entries).length === 0);
		const fromAttackers = log.filter((r) => !devices.has(r.device));
		expect(changes).toHaveLength(writerA.pushes + writerB.pushes);
		expect(changes.filter((r) => !contactIds.includes(r.docId as ContactId))).toEqual([]);
		expect(repairs.filter((r) => contactIds.includes(r.docId as ContactId))).toEqual([]);
		expect(fromAttackers.filter((r) => !storm.pushIds.has(r.pushId))).toEqual([]);
		expect(fromAttackers.filter((r) => r.authorId !== mallory.userId)).toEqual([]);
		const stored = new Set(log.map((r) => r.pushId));
		expect([...storm.acked].filter((id) => !stored.has(id))).toEqual([]);
		expect(await rig.server.storage.logCount(admin.workspaceId)).toBe(
			writerA.pushes + writerB.pushes + repairs.length + fromAttackers.length
		);

		// Latency is measured, not asserted (target: p95 <= 100 ms from edit to the other device).
		const edits = writers.flatMap((w) => w.edits);
		const storedAt = new Map(
			changes.map((r) => [String(decodeEntries(r.entries)[0]?.changes[0]?.to), r.serverTime])
		);
		const toServer = edits.map((e) => (storedAt.get(e.value) ?? NaN) - e.madeAt);
		const toOther = edits.map((e) => e.seenAt - (storedAt.get(e.value) ?? NaN));
		console.log(
			[
				`fuzz: ${storm.sent} messages over ${storm.connections} connections in ${stormMs} ms`,
				`sent: ${JSON.stringify(Object.fromEntries(storm.byKind))}`,
				`answers: ${JSON.stringify(Object.fromEntries(storm.answers))}`,
				`log: ${changes.length} device changes, ${repairs.length} device repairs, ` +
					`${fromAttackers.length} attacker pushes stored (${storm.acked.size} acked)`,
				`edit -> other device (${edits.length} edits): ${percentiles(edits.map((e) => e.seenAt - e.madeAt))}`,
				`  edit -> stored on the server: ${percentiles(toServer)}`,
				`  stored -> shown on the other device: ${percentiles(toOther)}`
			].join('\n')
		);
	}, 120_000);
});

describe('a document whose update waits for a change nobody has', () => {
	it('is not pushed back and forth between the devices', async () => {
		const admin = await rig.admin();
		const member = await rig.member(admin, 'Bernd Berger', 'bernd@example.com');
		const a = await rig.device(admin, 'Laptop A');
		const b = await rig.device(member, 'Laptop B');
		a.online();
		b.online();
		await Promise.all([a.synced(), b.synced()]);

		// The second change of client 7 without its first, which nobody has: Yjs keeps it pending, on the
		// server and on every device, so no device has anything of this document the server lacks.
		const received: ServerMessage[] = [];
		const storm = new Storm(rig.server.syncUrl);
		const wire = await signedInWire(admin, storm, (message) => received.push(message));
		const id = crypto.randomUUID();
		const source = new Y.Doc();
		source.clientID = 7;
		source.getMap('fields').set('city', 'Alt');
		const before = Y.encodeStateVector(source);
		source.getMap('fields').set('city', 'Neu');
		const update = Y.encodeStateAsUpdate(source, before);
		wire.send(encodeClientMessage({ type: 'push', id, docId: crypto.randomUUID(), update, entries: [] }));
		expect(await wire.until(() => received.some((m) => m.type === 'ack' && m.id === id))).toBe(true);
		wire.socket.close(1000);

		// Two changes that each travel to the other device: by then both have held that document a while.
		const writerA = writer(a, b, 'city', 'A');
		const [contact] = await createCompanies(writerA, 1);
		await whenVisible(b, contact as ContactId, (c) => c !== null);
		const edited = await b.store.editContact(contact as ContactId, [
			{ type: 'set', field: 'street', value: 'X' }
		]);
		expect(edited.ok).toBe(true);
		await whenVisible(a, contact as ContactId, (c) => c?.street === 'X');
		await Promise.all([a.synced(), b.synced()]);

		// Neither device has anything the server lacks: the log holds that push and the two changes.
		const log = await wholeLog(admin.workspaceId);
		expect(log.map((r) => (r.pushId === id ? 'waiting' : decodeEntries(r.entries).length))).toEqual([
			'waiting',
			1,
			1
		]);
		expect(storm.failures).toEqual([]);
	});
});

describe('one bad message of each kind on a fresh connection', () => {
	const pushBytes = (update: Uint8Array): Uint8Array =>
		encodeClientMessage({
			type: 'push',
			id: crypto.randomUUID(),
			docId: crypto.randomUUID(),
			update,
			entries: []
		});
	const oversized = (): Uint8Array => {
		const bytes = new Uint8Array(MAX_MESSAGE_BYTES + 1);
		bytes.set(varUints(PROTOCOL_VERSION, 1));
		return bytes;
	};
	const hostile = (name: string): Uint8Array => {
		const fixture = HOSTILE.find(([n]) => n === name);
		if (!fixture) throw new Error(`no fixture ${name}`);
		return fixture[1];
	};
	// [what, sign in first, message, error code, fatal (the socket is closed)]
	const cases: [string, boolean, () => Payload, ErrorCode, boolean][] = [
		['a zero-length frame', false, () => new Uint8Array(), 'malformed', true],
		['a text frame', false, () => '{"type":"hello"}', 'malformed', true],
		['a push before hello', false, () => pushBytes(Y.encodeStateAsUpdate(new Y.Doc())), 'auth', true],
		['a hello with a made-up token', false, () => hello(mulberry32(1), 'made-up'), 'auth', true],
		['a message just over 1 MB, unauthenticated', false, oversized, 'tooLarge', true],
		['a message just over 1 MB', true, oversized, 'tooLarge', false],
		['a newer protocol version', true, () => varUints(PROTOCOL_VERSION + 1, 0), 'version', true],
		['an unknown message type', true, () => varUints(PROTOCOL_VERSION, 5), 'unknownType', false],
		['a truncated push', true, () => pushBytes(new Uint8Array([1, 2, 3])).slice(0, 30), 'malformed', false],
		['a hello when signed in', true, () => hello(mulberry32(3), 'any'), 'malformed', false],
		['a push of zero bytes', true, () => pushBytes(hostile('zero-length (yjs#498)')), 'invalidUpdate', false],
		[
			'a push claiming 2^31 structs',
			true,
			() => pushBytes(hostile('a block claiming 2^31 structs')),
			'invalidUpdate',
			false
		],
		[
			'a state vector of garbage',
			true,
			() =>
				encodeClientMessage({ type: 'syncStep1', docId: crypto.randomUUID(), stateVector: varUints(5, 1) }),
			'malformed',
			false
		]
	];

	it.each(cases)('%s', async (_what, signIn, payload, code, fatal) => {
		const account = await rig.admin();
		const storm = new Storm(rig.server.syncUrl);
		const errors: ServerMessage[] = [];
		const collect = (message: ServerMessage): void => {
			if (message.type === 'error') errors.push(message);
		};
		let wire: Wire;
		if (signIn) wire = await signedInWire(account, storm, collect);
		else {
			wire = await Wire.open(rig.server.syncUrl);
			wire.onMessage(collect, storm);
		}
		wire.send(payload());
		expect(await wire.until(() => errors.length > 0)).toBe(true);
		expect(errors[0]).toMatchObject({ type: 'error', code, fatal });
		if (fatal) {
			expect(await wire.until(() => wire.closed)).toBe(true);
			expect(wire.closeCode).toBe(1008);
		} else {
			// Still listening: a valid state vector is answered.
			const docId = crypto.randomUUID();
			const steps: ServerMessage[] = [];
			wire.onMessage((message) => message.type === 'syncStep2' && steps.push(message), storm);
			wire.send(encodeClientMessage({ type: 'syncStep1', docId, stateVector: varUints(0) }));
			expect(await wire.until(() => steps.length > 0)).toBe(true);
			expect(steps[0]).toMatchObject({ type: 'syncStep2', docId });
			wire.socket.close(1000);
		}
		expect(storm.failures).toEqual([]);
	});
});
