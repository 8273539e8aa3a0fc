/**
 * In-page benchmark of what recording history costs an edit. Every scripted edit is made twice, on
 * two identical documents of a realistic contact: once as the store makes it (the changes read off
 * the transaction, the state vector before, the client's clock after, the entry built) and once in
 * a plain transaction. Both collect the edit's update, which the store needs with or without
 * history, so the difference is what history adds. Which side goes first alternates from edit to
 * edit, so neither always runs on the warmer cache.
 */
import * as Y from 'yjs';
import {
	LOCAL_ORIGIN,
	applyContactEdits,
	captureEdit,
	initContact,
	newContactDoc,
	readContact,
	type HistoryEntry
} from '../src/lib/crdt';
import {
	completeEdits,
	emptyContactFields,
	emptyContactParts,
	newContactId,
	newDeviceId,
	suggestMatchcode,
	uuidv7,
	validateEdits,
	type Contact,
	type ContactEdit,
	type ContactFields,
	type ContactId
} from '../src/lib/domain';
import type { RecordedEdit, RecordingResult } from './history-api';
import { EditScript, historyFixture, type HistoryFixture } from './history-edits';

/** Edits made first on another pair of documents and not counted: the code gets compiled. */
const WARMUP = 300;
const AUTHOR = 'Anna Becker';
const DEVICE = newDeviceId();

/**
 * What the store does to record an edit: `captureEdit` (the changes read off the transaction, the
 * state vector before, the client's clock after, the update) and the entry `#historyEntry` builds.
 */
function withHistory(doc: Y.Doc, run: () => void): { update: Uint8Array; entry: HistoryEntry } | null {
	const captured = captureEdit(doc, run);
	if (!captured) return null;
	const { update, ...facts } = captured;
	const time = Date.now();
	const entry: HistoryEntry = {
		id: uuidv7(time),
		docId: doc.guid,
		time,
		author: { id: '', name: AUTHOR },
		device: DEVICE,
		...facts
	};
	return { update, entry };
}

/** The same edit without history: a plain transaction, its update collected for storing. */
function withoutHistory(doc: Y.Doc, run: () => void): Uint8Array | null {
	const updates: Uint8Array[] = [];
	const onUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === LOCAL_ORIGIN) updates.push(update);
	};
	doc.on('update', onUpdate);
	try {
		doc.transact(run, LOCAL_ORIGIN);
	} finally {
		doc.off('update', onUpdate);
	}
	if (updates.length === 0) return null;
	return updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates);
}

/** The fixture's contact as the store creates it: one recorded transaction with every value. */
function createDoc(fixture: HistoryFixture): Y.Doc {
	const { contact } = fixture;
	const id = newContactId();
	const fields: ContactFields = {
		...emptyContactFields(contact.kind),
		...contact.fields,
		kind: contact.kind
	};
	if (!fields.matchcode) fields.matchcode = suggestMatchcode(fields);
	const edits: ContactEdit[] = [
		...Object.entries(fields)
			.filter(([k]) => k !== 'kind' && k !== 'parentId')
			.map(([field, value]) => ({ type: 'set', field, value }) as ContactEdit),
		...contact.channels.map((channel): ContactEdit => ({ type: 'addChannel', channel })),
		...contact.groups.map((group): ContactEdit => ({ type: 'addGroup', id: group }))
	];
	const blank: Contact = { id, ...emptyContactFields(contact.kind), ...emptyContactParts() };
	const checked = validateEdits(blank, edits);
	if (!checked.ok) throw new Error(`The fixture contact is invalid: ${checked.error}`);
	const doc = newContactDoc(id);
	withHistory(doc, () => {
		initContact(doc, emptyContactFields(contact.kind));
		applyContactEdits(doc, checked.value);
	});
	return doc;
}

interface Timed<T> {
	value: T;
	ms: number;
}

function timed<T>(run: () => T): Timed<T> {
	const start = performance.now();
	const value = run();
	return { value, ms: performance.now() - start };
}

/** Runs `count` scripted edits on two identical documents; returns both timings of each edit. */
function paired(fixture: HistoryFixture, count: number, seed: number): { edits: RecordedEdit[]; doc: Y.Doc } {
	const a = createDoc(fixture);
	const b = newContactDoc(a.guid as ContactId);
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
	const script = new EditScript(fixture, seed);
	const out: RecordedEdit[] = [];
	for (let i = 0; i < count; i++) {
		const { kind, edits } = script.next();
		// Validation and completion are the same with or without history: done before the timing.
		const contact = readContact(a);
		const checked = validateEdits(contact, edits);
		if (!checked.ok) throw new Error(`Edit ${i} (${kind}) rejected: ${checked.error}`);
		const complete = completeEdits(contact, checked.value, null);
		const timeWith = () => timed(() => withHistory(a, () => applyContactEdits(a, complete)));
		const timeWithout = () => timed(() => withoutHistory(b, () => applyContactEdits(b, complete)));
		let recorded: Timed<ReturnType<typeof withHistory>>;
		let plain: Timed<Uint8Array | null>;
		if (i % 2 === 0) {
			recorded = timeWith();
			plain = timeWithout();
		} else {
			plain = timeWithout();
			recorded = timeWith();
		}
		const update = recorded.value?.update;
		if (!update || !plain.value) throw new Error(`Edit ${i} (${kind}) changed nothing`);
		out.push({
			kind,
			withMs: recorded.ms,
			withoutMs: plain.ms,
			updateBytesWith: update.byteLength,
			updateBytesWithout: plain.value.byteLength
		});
	}
	if (JSON.stringify(readContact(a)) !== JSON.stringify(readContact(b)))
		throw new Error('The two documents differ after the same edits');
	return { edits: out, doc: a };
}

/** The smallest step `performance.now()` takes in this page (5 µs isolated, ~100 µs otherwise). */
function timerStep(): number {
	let step = Infinity;
	let last = performance.now();
	for (let i = 0; i < 200_000; i++) {
		const now = performance.now();
		if (now > last) step = Math.min(step, now - last);
		last = now;
	}
	return step;
}

/** The recording benchmark: `count` edits of the fixture's contact, with and without history. */
export function recording(count: number, seed: number): RecordingResult {
	const fixture = historyFixture(seed);
	paired(fixture, WARMUP, seed + 1);
	const before = Y.encodeStateAsUpdate(createDoc(fixture)).byteLength;
	const { edits, doc } = paired(fixture, count, seed + 2);
	return {
		edits,
		warmup: WARMUP,
		isolated: globalThis.crossOriginIsolated === true,
		timerStepMs: timerStep(),
		docBytes: { before, after: Y.encodeStateAsUpdate(doc).byteLength }
	};
}
