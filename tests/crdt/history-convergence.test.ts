/**
 * History is the same on every device whatever order updates arrive in. Replicas of one contact make
 * random edits (fields, parent, inheritance, channels, groups, fields the schema does not know, and
 * restores of old values), and a seeded network delivers every edit's { update, entry } to every
 * other replica in random order, with duplicates, delays and replicas offline for a while.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
	applyContactEdits,
	covers,
	readContact,
	snapshotJson,
	sortHistory,
	within,
	writeAt,
	type HistoryEntry,
	type JsonValue
} from '../../src/lib/crdt';
import {
	orderKeyAtEnd,
	orderKeyForMove,
	type ChannelKind,
	type ContactEdit,
	type EditableField,
	type GroupId
} from '../../src/lib/domain';
import { int, makeChannel, mulberry32, pick, seededGroupId, seededUuid, type Rng } from '../factories';
import { CH1, CH2, CH3, CH4, CONTACT_ID, G1, G2, OTHER_PARENT_ID, PARENT_ID, recordEdit } from './helpers';
import { lastChange } from '../history-oracle';

/** What one edit sends to the other replicas: its update and its history entry. */
interface Message {
	update: Uint8Array;
	entry: HistoryEntry;
}

interface Replica {
	doc: Y.Doc;
	/** History entries known here, by id (a duplicate delivery changes nothing). */
	entries: Map<string, HistoryEntry>;
	/** Ids of the entries whose update was applied here (this replica's own included). */
	delivered: Set<string>;
	inbox: Message[];
	online: boolean;
	/** Device clock: increasing here, but not in step with the other devices (ties happen). */
	clock: number;
}

/** Everything a run produced, for the assertions. */
interface World {
	replicas: Replica[];
	/** Every entry made, with the ids that were delivered to its replica when it was made. */
	made: { entry: HistoryEntry; past: Set<string> }[];
}

const G3 = seededGroupId(mulberry32(3));
const CHANNEL_IDS = [CH1, CH2, CH3, CH4];
const GROUP_IDS: GroupId[] = [G1, G2, G3];
const FIELD_VALUES: [EditableField, string[]][] = [
	['city', ['Berlin', 'Köln', 'München']],
	['zip', ['10115', '50667', '80331']],
	['street', ['Hauptstraße 1', 'Am Markt 3']],
	['lastName', ['Müller', 'Schäfer', 'Öztürk']],
	['notes', ['', 'Rückruf', 'Zeile 1\nZeile 2']]
];
const PHONES = ['030 1234567', '089 12345678', '0221 123456'];
const EMAILS = ['info@mueller.de', 'buchhaltung@mueller.de'];

function newReplica(base: Uint8Array, entry: HistoryEntry, clientID: number): Replica {
	const doc = new Y.Doc({ guid: CONTACT_ID, gc: true });
	doc.clientID = clientID;
	Y.applyUpdate(doc, base, 'remote');
	return {
		doc,
		entries: new Map([[entry.id, entry]]),
		delivered: new Set([entry.id]),
		inbox: [],
		online: true,
		clock: 0
	};
}

/** One random contact edit that fits what this replica currently holds. */
function randomEdit(rng: Rng, doc: Y.Doc): ContactEdit {
	const contact = readContact(doc);
	const channel = contact.channels.length > 0 ? pick(rng, contact.channels) : null;
	const absent = CHANNEL_IDS.filter((id) => !contact.channels.some((c) => c.id === id));
	const roll = rng();
	if (roll < 0.3) {
		const [field, values] = pick(rng, FIELD_VALUES);
		return { type: 'set', field, value: pick(rng, values) };
	}
	if (roll < 0.35) return { type: 'set', field: 'inheritAddress', value: !contact.inheritAddress };
	if (roll < 0.4) return { type: 'setParent', parentId: pick(rng, [null, PARENT_ID, OTHER_PARENT_ID]) };
	if (roll < 0.5 && absent.length > 0) {
		const kind = pick<ChannelKind>(rng, ['phone', 'mobile', 'email']);
		const value = kind === 'email' ? pick(rng, EMAILS) : pick(rng, PHONES);
		return {
			type: 'addChannel',
			channel: makeChannel({
				id: pick(rng, absent),
				kind,
				value,
				normalized: value,
				purpose: kind === 'email' ? pick(rng, [null, 'invoice'] as const) : null,
				order: orderKeyAtEnd(contact.channels)
			})
		};
	}
	if (roll < 0.6 && channel) {
		const patch = pick(rng, [
			{ label: pick(rng, ['', 'Zentrale', 'Vertrieb']) },
			{ value: channel.kind === 'email' ? pick(rng, EMAILS) : pick(rng, PHONES) },
			channel.kind === 'email' ? { purpose: pick(rng, [null, 'invoice', 'accounting'] as const) } : {}
		]);
		return { type: 'updateChannel', id: channel.id, patch };
	}
	if (roll < 0.67 && channel) return { type: 'removeChannel', id: channel.id };
	if (roll < 0.75 && channel) {
		const order = orderKeyForMove(contact.channels, channel.id, int(rng, 0, contact.channels.length));
		if (order) return { type: 'moveChannel', id: channel.id, order };
	}
	const group = pick(rng, GROUP_IDS);
	return contact.groups.includes(group)
		? { type: 'removeGroup', id: group }
		: { type: 'addGroup', id: group };
}

/** One random local change: contact edits, a field of a map the schema does not know, or a restore. */
function randomChange(rng: Rng, replica: Replica): () => void {
	const { doc } = replica;
	const roll = rng();
	if (roll < 0.08) {
		const key = pick(rng, ['f1', 'f2']);
		const value = pick(rng, ['x', 'y', 'z']);
		return () => doc.getMap('custom').set(key, value);
	}
	if (roll < 0.12) {
		const percent = int(rng, 0, 3) * 5;
		return () => doc.getMap('discounts').set('pg1', percent);
	}
	if (roll < 0.22) {
		// Restore: write an old value from this replica's history back.
		const changes = [...replica.entries.values()].flatMap((e) => e.changes);
		if (changes.length > 0) {
			const change = pick(rng, changes);
			return () => writeAt(doc, change.path, change.from);
		}
	}
	const edits = Array.from({ length: int(rng, 1, 3) }, () => randomEdit(rng, doc));
	return () => applyContactEdits(doc, edits);
}

function deliver(replica: Replica, message: Message): void {
	Y.applyUpdate(replica.doc, message.update, 'remote');
	replica.entries.set(message.entry.id, message.entry);
	replica.delivered.add(message.entry.id);
}

/** Takes a random message from the inbox; sometimes it stays there, to be delivered again later. */
function deliverOne(rng: Rng, replica: Replica): void {
	const index = int(rng, 0, replica.inbox.length - 1);
	const message = replica.inbox[index];
	if (!message) return;
	if (rng() >= 0.15) replica.inbox.splice(index, 1);
	deliver(replica, message);
}

/** The base contact every replica starts from, made by client 1. */
function baseContact(rng: Rng): Message {
	const doc = new Y.Doc({ guid: CONTACT_ID, gc: true });
	doc.clientID = 1;
	const recorded = recordEdit(
		doc,
		() => {
			doc.getMap('fields').set('kind', 'person');
			applyContactEdits(doc, [
				{ type: 'set', field: 'firstName', value: 'Anna' },
				{ type: 'set', field: 'lastName', value: 'Müller' },
				{ type: 'set', field: 'city', value: 'Berlin' },
				{ type: 'addChannel', channel: makeChannel({ id: CH1, value: PHONES[0], order: 'a0' }) },
				{ type: 'addGroup', id: G1 }
			]);
		},
		{ id: seededUuid(rng), time: 0, device: 'device-0' }
	);
	if (!recorded) throw new Error('the base contact wrote nothing');
	return recorded;
}

function run(seed: number): World {
	const rng = mulberry32(seed);
	const base = baseContact(rng);
	const count = int(rng, 3, 5);
	const replicas = Array.from({ length: count }, (_, i) => newReplica(base.update, base.entry, 100 + i));
	const made: World['made'] = [{ entry: base.entry, past: new Set() }];
	const steps = int(rng, 25, 60);
	for (let step = 0; step < steps; step++) {
		const roll = rng();
		if (roll < 0.5) {
			const at = int(rng, 0, count - 1);
			const replica = replicas[at] as Replica;
			replica.clock += int(rng, 0, 2) * 1000;
			const past = new Set(replica.delivered);
			const message = recordEdit(replica.doc, randomChange(rng, replica), {
				id: seededUuid(rng),
				time: replica.clock,
				device: `device-${at}`,
				author: `Nutzer ${at}`
			});
			if (!message) continue;
			made.push({ entry: message.entry, past });
			replica.entries.set(message.entry.id, message.entry);
			replica.delivered.add(message.entry.id);
			for (const other of replicas) {
				if (other === replica) continue;
				other.inbox.push(message);
				if (rng() < 0.1) other.inbox.push(message);
			}
		} else if (roll < 0.9) {
			const ready = replicas.filter((r) => r.online && r.inbox.length > 0);
			if (ready.length > 0) deliverOne(rng, pick(rng, ready));
		} else {
			const replica = pick(rng, replicas);
			replica.online = !replica.online;
		}
	}
	// Everyone comes back online; the network drains in random order, duplicates included.
	for (const replica of replicas) replica.online = true;
	for (let ready = replicas.filter((r) => r.inbox.length > 0); ready.length > 0;) {
		deliverOne(rng, pick(rng, ready));
		ready = replicas.filter((r) => r.inbox.length > 0);
	}
	return { replicas, made };
}

function lookup(value: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
	let current = value;
	for (const key of path) {
		if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
		current = current[key];
	}
	return current;
}

/** Paths of single values: a whole entry (['channels', id]) stands for each of its properties. */
function leafPaths(entries: readonly HistoryEntry[]): string[][] {
	const out = new Map<string, string[]>();
	for (const change of entries.flatMap((e) => e.changes)) {
		const keys = new Set<string>();
		for (const side of [change.from, change.to])
			if (side !== null && typeof side === 'object' && !Array.isArray(side))
				for (const key of Object.keys(side)) keys.add(key);
		const paths = keys.size > 0 ? [...keys].map((k) => [...change.path, k]) : [change.path];
		for (const path of paths) out.set(path.join('\u0000'), path);
	}
	return [...out.values()];
}

/**
 * For a path, the entries that wrote it (set it, or the whole entry it is in) and were not
 * overwritten by a later writer that saw them, with the value each wrote there.
 */
function lastWriters(
	entries: readonly HistoryEntry[],
	path: string[]
): { entry: HistoryEntry; value: JsonValue | undefined }[] {
	const writers = entries.flatMap((entry) =>
		entry.changes
			.filter((c) => within(path, c.path))
			.map((c) => ({ entry, value: lookup(c.to, path.slice(c.path.length)) }))
	);
	return writers.filter((w) => !writers.some((o) => o.entry.id !== w.entry.id && covers(o.entry, w.entry)));
}

describe('history converges', () => {
	const SEEDS = Array.from({ length: 100 }, (_, i) => 1000 + i);

	it('gives equal documents and equal history on every replica, for 100 seeded runs', () => {
		for (const seed of SEEDS) {
			const { replicas, made } = run(seed);
			const [first, ...others] = replicas as [Replica, ...Replica[]];
			const history = sortHistory([...first.entries.values()]);
			expect(history, `seed ${seed}`).toHaveLength(made.length);
			for (const other of others) {
				expect(readContact(other.doc), `seed ${seed}`).toEqual(readContact(first.doc));
				expect(snapshotJson(other.doc), `seed ${seed}`).toEqual(snapshotJson(first.doc));
				expect(Y.encodeStateVector(other.doc), `seed ${seed}`).toEqual(Y.encodeStateVector(first.doc));
				expect(sortHistory([...other.entries.values()]), `seed ${seed}`).toEqual(history);
			}
		}
	});

	it('decides concurrency exactly from the recorded state vectors', () => {
		let concurrentPairs = 0;
		for (const seed of SEEDS) {
			const { made } = run(seed);
			const pasts = new Map(made.map((m) => [m.entry.id, m.past]));
			for (const { entry: a, past } of made) {
				for (const { entry: b } of made) {
					if (a.id === b.id) continue;
					const label = `seed ${seed}: ${a.id} / ${b.id}`;
					// An edit whose update had not arrived was not seen...
					if (!past.has(b.id)) expect(covers(a, b), label).toBe(false);
					// ...and one that had arrived with everything it was made on was.
					const bPast = pasts.get(b.id) ?? new Set();
					if (past.has(b.id) && [...bPast].every((id) => past.has(id)))
						expect(covers(a, b), label).toBe(true);
					expect(covers(a, b) && covers(b, a), label).toBe(false);
					if (!covers(a, b) && !covers(b, a)) concurrentPairs += 1;
				}
			}
		}
		// The runs really do make concurrent edits.
		expect(concurrentPairs).toBeGreaterThan(10_000);
	});

	it('keeps, at every path, the value of one of its last concurrent writers', () => {
		let contested = 0;
		for (const seed of SEEDS) {
			const { replicas } = run(seed);
			const replica = replicas[0] as Replica;
			const entries = [...replica.entries.values()];
			const history = sortHistory(entries);
			const current = snapshotJson(replica.doc);
			for (const path of leafPaths(entries)) {
				const writers = lastWriters(entries, path);
				expect(writers.length, `seed ${seed}: ${path.join('/')}`).toBeGreaterThan(0);
				if (writers.length > 1) contested += 1;
				const values = writers.map((w) => w.value);
				expect(values, `seed ${seed}: ${path.join('/')}`).toContainEqual(lookup(current, path));
				// The history's newest change at the path is one of them, whatever the device clocks said.
				const last = lastChange(history, path);
				expect(
					writers.map((w) => w.entry.id),
					`seed ${seed}: ${path.join('/')}`
				).toContain(last?.entry.id);
			}
		}
		expect(contested).toBeGreaterThan(500);
	});
});

describe('adversarial delivery', () => {
	/** Three replicas edit the same fields without seeing each other; returns their messages. */
	function threeWay(): { replicas: Replica[]; messages: Message[] } {
		const rng = mulberry32(42);
		const base = baseContact(rng);
		const replicas = [0, 1, 2].map((i) => newReplica(base.update, base.entry, 200 + i));
		const messages: Message[] = [];
		const edits: ContactEdit[][] = [
			[
				{ type: 'set', field: 'city', value: 'Köln' },
				{ type: 'removeGroup', id: G1 }
			],
			[
				{ type: 'set', field: 'city', value: 'München' },
				{ type: 'removeChannel', id: CH1 }
			],
			[
				{ type: 'updateChannel', id: CH1, patch: { label: 'Zentrale' } },
				{ type: 'addGroup', id: G2 }
			]
		];
		for (const [i, replica] of replicas.entries()) {
			for (const round of [0, 1]) {
				const list =
					round === 0 ? (edits[i] ?? []) : [{ type: 'set', field: 'notes', value: `r${i}` } as const];
				const recorded = recordEdit(replica.doc, () => applyContactEdits(replica.doc, list), {
					id: seededUuid(rng),
					time: 1000 * round,
					device: `device-${i}`
				});
				if (!recorded) throw new Error('edit wrote nothing');
				replica.entries.set(recorded.entry.id, recorded.entry);
				messages.push(recorded);
			}
		}
		return { replicas, messages };
	}

	function expectEqual(replicas: Replica[]): void {
		const [first, ...others] = replicas as [Replica, ...Replica[]];
		for (const other of others) {
			expect(readContact(other.doc)).toEqual(readContact(first.doc));
			expect(Y.encodeStateVector(other.doc)).toEqual(Y.encodeStateVector(first.doc));
			expect(sortHistory([...other.entries.values()])).toEqual(sortHistory([...first.entries.values()]));
		}
	}

	it('survives out-of-order delivery (a later update of a client before its earlier one)', () => {
		const { replicas, messages } = threeWay();
		for (const replica of replicas) for (const m of [...messages].reverse()) deliver(replica, m);
		expectEqual(replicas);
	});

	it('survives every message delivered twice, and a full replay at the end', () => {
		const { replicas, messages } = threeWay();
		for (const replica of replicas) for (const m of [...messages, ...messages]) deliver(replica, m);
		const before = replicas.map((r) => Y.encodeStateAsUpdate(r.doc));
		for (const replica of replicas) for (const m of messages) deliver(replica, m);
		expect(replicas.map((r) => Y.encodeStateAsUpdate(r.doc))).toEqual(before);
		expectEqual(replicas);
	});

	it('finds the three first edits pairwise concurrent on every replica', () => {
		const { replicas, messages } = threeWay();
		for (const replica of replicas) for (const m of messages) deliver(replica, m);
		const firsts = [0, 2, 4].map((i) => messages[i]?.entry as HistoryEntry);
		for (const a of firsts)
			for (const b of firsts) if (a !== b) expect(!covers(a, b) && !covers(b, a)).toBe(true);
		const city = readContact(replicas[0]?.doc as Y.Doc).city;
		expect(['Köln', 'München']).toContain(city);
	});
});
