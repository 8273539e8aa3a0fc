/* eslint-disable prefer-spread -- `guard.apply(null, update)` is UpdateGuard.apply, not Function.prototype.apply */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	checkUpdateStructure,
	createUpdateGuard,
	type ApplyResult,
	type UpdateGuard
} from '../../sync-server/update-guard';
import { int, mulberry32, pick } from '../factories';
import {
	bytes,
	contactClient,
	editContact,
	HOSTILE,
	manyGcStructs,
	raw,
	validUpdate
} from './update-fixtures';

const MISBEHAVING_WORKER = new URL('./misbehaving-update-worker.mjs', import.meta.url);
const THREAD_REPORTING_WORKER = new URL('./thread-reporting-update-worker.mjs', import.meta.url);

function docFrom(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	return doc;
}

/** The content of `state`, read with the root types of `reference` (a loaded update does not know them). */
function contentLike(state: Uint8Array, reference: Y.Doc): unknown {
	const doc = docFrom(state);
	for (const [name, type] of reference.share) doc.get(name, type.constructor as typeof Y.AbstractType);
	return doc.toJSON();
}

const fieldsOf = (state: Uint8Array): unknown => docFrom(state).getMap('fields').toJSON();
const notesOf = (state: Uint8Array): string => docFrom(state).getText('notes').toString();

/** A well-defined answer: a refusal with a known reason, or a state Yjs can load again. */
function expectWellDefined(result: ApplyResult): void {
	if (!result.ok) {
		expect(['size', 'structure', 'invalid', 'timeout', 'memory']).toContain(result.reason);
		return;
	}
	expect(checkUpdateStructure(result.state, Infinity)).toBe(true);
	expect(() => docFrom(result.state)).not.toThrow();
}

describe('update guard: well-behaved updates', () => {
	let guard: UpdateGuard;
	beforeAll(() => {
		guard = createUpdateGuard({ maxUpdateBytes: 64 * 1024 });
	});
	afterAll(() => guard.close());

	it('merges an update into a state like applying both to one document', async () => {
		const a = new Y.Doc();
		a.getMap('fields').set('name', 'Mustermann GmbH');
		a.getText('notes').insert(0, 'Kunde seit 2019');
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		b.getMap('fields').set('city', 'Berlin');
		b.getText('notes').insert(0, 'Wichtig: ');
		const update = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
		a.getMap('fields').set('name', 'Mustermann AG'); // concurrent with b's edit

		const result = await guard.apply(Y.encodeStateAsUpdate(a), update);
		Y.applyUpdate(a, update);
		expect(result).toEqual({
			ok: true,
			state: Y.encodeStateAsUpdate(a),
			changed: true,
			parentId: null,
			references: []
		});
		expect(contentLike((result as { state: Uint8Array }).state, a)).toEqual(a.toJSON());
	});

	it('starts from an empty document when there is no state', async () => {
		const doc = new Y.Doc();
		doc.getMap('fields').set('name', 'Erika');
		const result = await guard.apply(null, Y.encodeStateAsUpdate(doc));
		expect(result.ok && fieldsOf(result.state)).toEqual({ name: 'Erika' });
		expect(result.ok && result.changed).toBe(true);
	});

	it('reads the contact it is listed under (fields.parentId) after the update', async () => {
		const doc = new Y.Doc();
		doc.getMap('fields').set('lastName', 'Weiß');
		const first = await guard.apply(null, Y.encodeStateAsUpdate(doc));
		expect(first.ok && first.parentId).toBeNull();
		const before = Y.encodeStateVector(doc);
		doc.getMap('fields').set('parentId', '01a22400-0000-7000-8000-00000000000a');
		const moved = await guard.apply(
			(first as { state: Uint8Array }).state,
			Y.encodeStateAsUpdate(doc, before)
		);
		expect(moved.ok && moved.parentId).toBe('01a22400-0000-7000-8000-00000000000a');
	});

	it("reads a customer's different invoice recipient as a reference, while the contact is a customer", async () => {
		const recipient = '01a22400-0000-7000-8000-00000000000b';
		const doc = new Y.Doc();
		doc.getMap('customer').set('invoiceRecipientId', recipient);
		const dormant = await guard.apply(null, Y.encodeStateAsUpdate(doc));
		expect(dormant.ok && dormant.references).toEqual([]);
		const before = Y.encodeStateVector(doc);
		doc.getMap('fields').set('isCustomer', true);
		const customer = await guard.apply(
			(dormant as { state: Uint8Array }).state,
			Y.encodeStateAsUpdate(doc, before)
		);
		expect(customer.ok && customer.references).toEqual([{ kind: 'invoiceRecipient', docId: recipient }]);
	});

	it('reports a delete-only update as a change, and the same update again as none', async () => {
		const { doc, updates } = contactClient(7);
		doc.getMap('fields').set('city', 'Berlin');
		doc.getText('notes').insert(0, 'abcdef');
		const state = Y.encodeStateAsUpdate(doc);
		updates.length = 0;
		doc.getMap('fields').delete('city');
		doc.getText('notes').delete(1, 3);
		const deletion = Y.mergeUpdates(updates);
		expect(Y.decodeUpdate(deletion).structs).toHaveLength(0);

		const first = await guard.apply(state, deletion);
		expect(first.ok && first.changed).toBe(true);
		expect(first.ok && contentLike(first.state, doc)).toEqual(doc.toJSON());
		const again = await guard.apply((first as { state: Uint8Array }).state, deletion);
		expect(again).toEqual({
			ok: true,
			state: (first as { state: Uint8Array }).state,
			changed: false,
			parentId: null,
			references: []
		});
	});

	it('reports an update already contained in the state as no change', async () => {
		const { doc, updates } = contactClient(8);
		doc.getMap('fields').set('name', 'x');
		doc.getMap('fields').set('city', 'y');
		const result = await guard.apply(Y.encodeStateAsUpdate(doc), updates[0] as Uint8Array);
		expect(result.ok && result.changed).toBe(false);
	});

	it('keeps an update whose dependencies are missing until they arrive, as y-protocols does', async () => {
		const { doc, updates } = contactClient(9);
		doc.getText('notes').insert(0, 'first ');
		doc.getText('notes').insert(6, 'second');
		const [earlier, later] = updates as [Uint8Array, Uint8Array];

		const pending = await guard.apply(null, later);
		expect(pending.ok && pending.changed).toBe(true);
		expect(pending.ok && notesOf(pending.state)).toBe('');
		const complete = await guard.apply((pending as { state: Uint8Array }).state, earlier);
		expect(complete.ok && notesOf(complete.state)).toBe('first second');
	});

	it('applies several updates in order as one job, as one job each would', async () => {
		const { doc, updates } = contactClient(10);
		const rng = mulberry32(10);
		for (let step = 0; step < 8; step++) editContact(doc, rng, step);
		let state: Uint8Array | null = null;
		for (const update of updates) {
			const one = await guard.apply(state, update);
			state = one.ok ? one.state : null;
		}
		const together = await guard.apply(null, updates);
		expect(together).toEqual({ ok: true, state, changed: true, parentId: null, references: [] });
		expect(together.ok && contentLike(together.state, doc)).toEqual(doc.toJSON());
	});

	it('refuses several updates together when one of them is refused', async () => {
		const { doc, updates } = contactClient(11);
		doc.getMap('fields').set('city', 'Köln');
		doc.getMap('fields').set('city', 'Bonn');
		const [first, second] = updates as [Uint8Array, Uint8Array];
		const large = new Y.Doc();
		large.getMap('fields').set('note', 'x'.repeat(70 * 1024));
		const [, invalid] = HOSTILE.find(([, , answer]) => answer === 'invalid') as [string, Uint8Array, string];
		expect(await guard.apply(null, [first, raw(), second])).toEqual({ ok: false, reason: 'structure' });
		expect(await guard.apply(null, [first, Y.encodeStateAsUpdate(large)])).toEqual({
			ok: false,
			reason: 'size'
		});
		expect(await guard.apply(null, [first, invalid, second])).toEqual({ ok: false, reason: 'invalid' });
		expect(await guard.apply(null, [])).toEqual({ ok: false, reason: 'structure' });
		// The document the failed job held is not kept half-changed: the next job sees its state.
		const after = await guard.apply(null, [first, second]);
		expect(after.ok && fieldsOf(after.state)).toEqual({ city: 'Bonn' });
	});

	it('refuses an update over the size limit before any work', async () => {
		const doc = new Y.Doc();
		doc.getMap('fields').set('note', 'x'.repeat(70 * 1024));
		expect(await guard.apply(null, Y.encodeStateAsUpdate(doc))).toEqual({ ok: false, reason: 'size' });
	});

	it('diffs exactly what a peer lacks', async () => {
		const server = new Y.Doc();
		const peer = new Y.Doc();
		server.getMap('fields').set('name', 'Mustermann GmbH');
		Y.applyUpdate(peer, Y.encodeStateAsUpdate(server));
		peer.getMap('fields').set('phone', '030 1234'); // the peer's own, unsent change
		server.getMap('fields').set('city', 'Berlin');
		server.getText('notes').insert(0, 'neu');
		server.getMap('fields').delete('name');

		const result = await guard.diff(Y.encodeStateAsUpdate(server), Y.encodeStateVector(peer));
		if (!result.ok) throw new Error(`diff failed: ${result.reason}`);
		expect(result.update).toEqual(Y.encodeStateAsUpdate(server, Y.encodeStateVector(peer)));
		expect(result.stateVector).toEqual(Y.encodeStateVector(server));
		Y.applyUpdate(peer, result.update);
		expect(peer.getMap('fields').toJSON()).toEqual({ city: 'Berlin', phone: '030 1234' });
		expect(peer.getText('notes').toString()).toBe('neu');
		Y.applyUpdate(server, Y.encodeStateAsUpdate(peer, result.stateVector));
		expect(server.toJSON()).toEqual(peer.toJSON());
	});

	it('diffs an absent document as empty and refuses a malformed state vector', async () => {
		const empty = new Y.Doc();
		expect(await guard.diff(null, raw(0))).toEqual({
			ok: true,
			update: Y.encodeStateAsUpdate(empty),
			stateVector: Y.encodeStateVector(empty)
		});
		expect(await guard.diff(null, raw())).toEqual({ ok: false, reason: 'structure' });
		expect(await guard.diff(null, bytes(2 ** 31, 1))).toEqual({ ok: false, reason: 'structure' });
	});

	it('spreads concurrent jobs over several workers without mixing up answers', async () => {
		const several = createUpdateGuard({ workers: 2 });
		try {
			const docs = Array.from({ length: 300 }, (_, i) => {
				const doc = new Y.Doc();
				doc.getMap('fields').set('name', `contact ${i}`);
				return doc;
			});
			const results = await Promise.all(docs.map((doc) => several.apply(null, Y.encodeStateAsUpdate(doc))));
			results.forEach((result, i) => {
				expect(result.ok && fieldsOf(result.state)).toEqual({ name: `contact ${i}` });
			});
		} finally {
			await several.close();
		}
	});
});

/** Records the order in which applies finish (`run` each), every one expected to succeed. */
function finishingOrder(): {
	order: string[];
	run: (name: string, result: Promise<ApplyResult>) => Promise<void>;
} {
	const order: string[] = [];
	const run = async (name: string, result: Promise<ApplyResult>) => {
		expect((await result).ok).toBe(true);
		order.push(name);
	};
	return { order, run };
}

describe('update guard: taking turns', () => {
	it.each([1, 2])(
		'answers a light user before a flood of expensive updates queued ahead of it (%i workers)',
		async (workers) => {
			const guard = createUpdateGuard({ workers });
			try {
				// Valid but slow to apply: 100,000 structs each.
				const heavy = manyGcStructs(100_000);
				const jobs: [string, () => Promise<ApplyResult>][] = Array.from({ length: 12 }, (_, i) => [
					`flood ${i}`,
					() => guard.apply(null, heavy, { source: 'flood' })
				]);
				jobs.push(['editor', () => guard.apply(null, validUpdate, { source: 'editor' })]);
				const { order, run } = finishingOrder();
				await Promise.all(jobs.map(([name, start]) => run(name, start())));
				// First come, first served would answer the editor last.
				expect(order.indexOf('editor')).toBeLessThan(6);
			} finally {
				await guard.close();
			}
		}
	);
});

describe('update guard: the express lane', () => {
	it("takes a light user's small edit, not a light user's huge update", async () => {
		const guard = createUpdateGuard({ workers: 2 });
		try {
			await guard.ready();
			// 300,000 structs in 600 KB: valid, and slow to apply. Both senders are new, so both are light.
			const huge = manyGcStructs(300_000);
			const { order, run } = finishingOrder();
			await Promise.all([
				run('flood', guard.apply(null, huge, { source: 'flood' })),
				run('faded', guard.apply(null, huge, { source: 'faded' })),
				run('editor', guard.apply(null, validUpdate, { source: 'editor' }))
			]);
			// Had the express lane taken a huge update, both workers would be busy when the edit came.
			expect(order[0]).toBe('editor');
		} finally {
			await guard.close();
		}
	});
});

/**
 * Edits of documents `ws\0doc-<i>` (their notes) through a guard running the thread-reporting
 * worker: which thread ran each and as its how-manieth job. With `keepState`, an edit brings the
 * state the previous edit of its document was answered.
 */
function documentEditor(guard: UpdateGuard, { keepState }: { keepState: boolean }) {
	const docs = new Map<number, Y.Doc>();
	const states = new Map<number, Uint8Array>();
	return async (i: number, value: string | number, source = 'device') => {
		let doc = docs.get(i);
		if (!doc) docs.set(i, (doc = new Y.Doc()));
		const before = Y.encodeStateVector(doc);
		doc.getMap('fields').set('notes', value);
		const state = keepState ? (states.get(i) ?? null) : null;
		const result = await guard.apply(state, Y.encodeStateAsUpdate(doc, before), {
			key: `ws\0doc-${i}`,
			source
		});
		if (!result.ok) throw new Error(result.reason);
		if (keepState) states.set(i, result.state);
		const { thread, ran } = result as unknown as { thread: number; ran: number };
		return { doc: i, thread, ran };
	};
}

describe('update guard: documents stay with their worker', () => {
	it('sends a job to the worker that last worked on its document, while that worker is free', async () => {
		const guard = createUpdateGuard({ workers: 2, workerUrl: THREAD_REPORTING_WORKER });
		try {
			await guard.ready();
			const edit = documentEditor(guard, { keepState: true });
			const threadOf = async (i: number, value: number) => (await edit(i, value)).thread;
			// Sent together, the second while the first worker is busy: one document on each worker.
			const [first, second] = await Promise.all([threadOf(0, 0), threadOf(1, 0)]);
			expect(first).not.toBe(second);
			// One at a time, both workers free: each goes where its document is decoded already.
			for (let round = 1; round <= 3; round++) {
				expect(await threadOf(1, round)).toBe(second);
				expect(await threadOf(0, round)).toBe(first);
			}
		} finally {
			await guard.close();
		}
	});
	it('leaves a document to its busy worker while the free one has documents of its own', async () => {
		// However long the busy worker's batch runs, here: the order must not depend on the machine's speed.
		const guard = createUpdateGuard({
			workers: 2,
			workerUrl: THREAD_REPORTING_WORKER,
			waitForHomeMs: 60_000
		});
		try {
			await guard.ready();
			// Several edits of a document at once: each brings no state (the update alone will do).
			const edit = documentEditor(guard, { keepState: false });
			// One document on each worker.
			const [a, b] = await Promise.all([edit(0, 'a'), edit(1, 'b')]);
			expect(a?.thread).not.toBe(b?.thread);
			// b's worker gets a long job (the test worker takes 300 ms on a 2 KB update), of another
			// sender; meanwhile edits of both documents queue up, alternating.
			const burst = [edit(1, 'x'.repeat(2000), 'other')];
			for (let k = 0; k < 8; k++) burst.push(edit(0, `a${k}`), edit(1, `b${k}`));
			const onA = (await Promise.all(burst))
				.filter((run) => run.thread === a?.thread)
				.sort((x, y) => x.ran - y.ran)
				.map((run) => run.doc);
			// a's worker runs a's edits first; b's only once it has none left (then it does not sit idle).
			expect(onA.slice(0, 8)).toEqual(Array(8).fill(0));
		} finally {
			await guard.close();
		}
	});
});

describe('update guard: no job waits for its worker', () => {
	it("runs a light user's edit on the express lane while its document's worker is busy with a long job", async () => {
		const guard = createUpdateGuard({ workers: 2, workerUrl: THREAD_REPORTING_WORKER });
		try {
			await guard.ready();
			const { order, run } = finishingOrder();
			// The test worker takes 300 ms on an update of 1–16 KB and a second on one of 100 KB.
			const withNotes = (length: number): Uint8Array => {
				const doc = new Y.Doc();
				doc.getText('notes').insert(0, 'x'.repeat(length));
				return Y.encodeStateAsUpdate(doc);
			};
			// A small contact kept by the general worker: it takes it while the express lane is busy.
			const busyLane = guard.apply(null, withNotes(2000), { key: 'ws\0busy', source: 'warm-up' });
			const contact = new Y.Doc();
			contact.getMap('fields').set('city', 'Bonn');
			const kept = await guard.apply(null, Y.encodeStateAsUpdate(contact), { key: 'ws\0k', source: 'setup' });
			if (!kept.ok) throw new Error(kept.reason);
			await busyLane;
			// The general worker gets a long job, the express lane light users' edits of 300 ms each.
			const flood = run('flood', guard.apply(null, withNotes(150_000), { key: 'ws\0z', source: 'flood' }));
			const first = run('light 0', guard.apply(null, withNotes(2000), { key: 'ws\0x0', source: 'light 0' }));
			const before = Y.encodeStateVector(contact);
			contact.getMap('fields').set('city', 'Köln');
			const edit = run(
				'edit',
				guard.apply(kept.state, Y.encodeStateAsUpdate(contact, before), { key: 'ws\0k', source: 'editor' })
			);
			const others = [1, 2, 3].map((i) =>
				run(`light ${i}`, guard.apply(null, withNotes(2000), { key: `ws\0x${i}`, source: `light ${i}` }))
			);
			await Promise.all([flood, first, edit, ...others]);
			// Waiting for the worker that keeps the contact would answer the edit after the long job.
			expect(order.indexOf('edit')).toBeLessThan(order.indexOf('flood'));
		} finally {
			await guard.close();
		}
	});

	it('runs a large edit of a document the express lane keeps on the other worker, between a flood', async () => {
		const guard = createUpdateGuard({ workers: 2 });
		try {
			await guard.ready();
			const { order, run } = finishingOrder();
			// 200 KB each: not for the express lane, so the other worker takes them one after another.
			const heavy = manyGcStructs(100_000);
			const flood = Array.from({ length: 6 }, (_, i) =>
				run(`flood ${i}`, guard.apply(null, heavy, { source: 'flood' }))
			);
			// A small edit: the express lane takes it and keeps the document.
			const doc = new Y.Doc();
			doc.getMap('fields').set('city', 'Bonn');
			const small = await guard.apply(null, Y.encodeStateAsUpdate(doc), { key: 'ws\0k', source: 'editor' });
			if (!small.ok) throw new Error(small.reason);
			// Then 70 KB pasted into it: too large for the express lane, so it has to go to the other one.
			const before = Y.encodeStateVector(doc);
			doc.getText('notes').insert(0, 'y'.repeat(70_000));
			const paste = run(
				'paste',
				guard.apply(small.state, Y.encodeStateAsUpdate(doc, before), { key: 'ws\0k', source: 'editor' })
			);
			await Promise.all([...flood, paste]);
			// Waiting for the lane that keeps the document would answer it after the whole flood.
			expect(order.indexOf('paste')).toBeLessThan(order.length - 1);
		} finally {
			await guard.close();
		}
	});
});

describe('update guard: states the worker keeps', () => {
	it("sends a document's state only when its worker may no longer keep it", async () => {
		const guard = createUpdateGuard({ workers: 1, workerUrl: THREAD_REPORTING_WORKER });
		try {
			const doc = new Y.Doc();
			let state: Uint8Array | null = null;
			let lastResult: ApplyResult | null = null;
			const edit = async (value: number, notes?: string): Promise<boolean> => {
				const before = Y.encodeStateVector(doc);
				if (notes !== undefined) doc.getMap('fields').set('notes', notes);
				doc.getMap('fields').set('n', value);
				const result = await guard.apply(state, Y.encodeStateAsUpdate(doc, before), {
					key: 'ws\0doc',
					source: 'device'
				});
				lastResult = result;
				if (!result.ok) throw new Error(result.reason);
				state = result.state;
				expect(fieldsOf(state)).toEqual(doc.getMap('fields').toJSON());
				return (result as unknown as { held: boolean }).held;
			};
			const held: boolean[] = [];
			for (let value = 0; value < 5; value++) held.push(await edit(value));
			expect(held).toEqual([false, true, true, true, true]);
			// 600 other documents push it out of the worker's cache (512): sent again, with its state.
			await Promise.all(
				Array.from({ length: 600 }, (_, i) => guard.apply(null, validUpdate, { key: `ws\0other-${i}` }))
			);
			expect(await edit(5)).toBe(false);
			expect(await edit(6)).toBe(true);
			// A state the worker did not answer (another instance changed the document) is sent.
			const elsewhere = new Y.Doc();
			Y.applyUpdate(elsewhere, state as unknown as Uint8Array);
			elsewhere.getMap('fields').set('city', 'Köln');
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(elsewhere));
			state = Y.encodeStateAsUpdate(elsewhere);
			expect(await edit(7)).toBe(false);
			// A state too large for the worker to keep (over 16 KB) is always sent: one run per job.
			const ran = async (value: number, notes?: string) => {
				await edit(value, notes);
				return (lastResult as unknown as { ran: number }).ran;
			};
			const first = await ran(8, 'x'.repeat(20_000));
			expect(await ran(9)).toBe(first + 1);
			expect(await ran(10)).toBe(first + 2);
		} finally {
			await guard.close();
		}
	});
});

describe('update guard: hostile payloads', () => {
	let guard: UpdateGuard;
	beforeAll(() => {
		guard = createUpdateGuard({ timeoutMs: 1000 });
	});
	afterAll(() => guard.close());

	it.each(HOSTILE)('answers %s', async (_name, payload, expected) => {
		const result = await guard.apply(null, payload);
		expectWellDefined(result);
		expect(result.ok ? 'ok' : result.reason).toBe(expected);
	});

	it('answers truncations and bit flips of a valid update, on top of an existing state', async () => {
		const state = (() => {
			const doc = new Y.Doc();
			doc.getMap('fields').set('city', 'Berlin');
			return Y.encodeStateAsUpdate(doc);
		})();
		const mutants: Uint8Array[] = [];
		for (let length = 0; length < validUpdate.length; length++) mutants.push(validUpdate.slice(0, length));
		for (let bit = 0; bit < validUpdate.length * 8; bit++) {
			const flipped = validUpdate.slice();
			flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
			mutants.push(flipped);
		}
		const results = await Promise.all(mutants.map((mutant) => guard.apply(state, mutant)));
		results.forEach(expectWellDefined);
	});

	it('keeps a well-behaved client syncing while seeded garbage arrives alongside', async () => {
		const rng = mulberry32(687);
		const garbage: Promise<ApplyResult>[] = [];
		const client = contactClient(4711);
		let state: Uint8Array | null = null;
		for (let step = 0; step < 60; step++) {
			for (let i = 0; i < 5; i++) {
				const size = pick(rng, [1, 2, 3, 5, 8, 13, 64, 200, 1024, 4096, 65_536]);
				const noise = Uint8Array.from({ length: size }, () => int(rng, 0, 255));
				if (rng() < 0.5) noise[0] = int(rng, 0, 3); // a plausible client count gets past the first check
				garbage.push(guard.apply(state, noise));
			}
			client.updates.length = 0;
			editContact(client.doc, rng, step);
			const pushed: ApplyResult = await guard.apply(state, Y.mergeUpdates(client.updates));
			if (!pushed.ok) throw new Error(`a well-behaved push was refused: ${pushed.reason}`);
			state = pushed.state;
		}
		expect(contentLike(state as Uint8Array, client.doc)).toEqual(client.doc.toJSON());
		(await Promise.all(garbage)).forEach(expectWellDefined);
	});
});

describe('update guard: budgets', () => {
	const contactUpdate = (name: string): Uint8Array => {
		const doc = new Y.Doc();
		doc.getMap('fields').set('name', name);
		return Y.encodeStateAsUpdate(doc);
	};
	const nameIn = (result: ApplyResult): unknown =>
		result.ok ? docFrom(result.state).getMap('fields').get('name') : result;

	it('stops a job that loops forever and still completes the jobs queued with it', async () => {
		const guard = createUpdateGuard({ workerUrl: MISBEHAVING_WORKER, timeoutMs: 300 });
		try {
			const results = await Promise.all(
				['before', 'spin-forever', 'after', 'last'].map((name) => guard.apply(null, contactUpdate(name)))
			);
			expect(results.map(nameIn)).toEqual(['before', { ok: false, reason: 'timeout' }, 'after', 'last']);
			// The replacement worker keeps serving.
			expect(nameIn(await guard.apply(null, contactUpdate('later')))).toBe('later');
		} finally {
			await guard.close();
		}
	});

	it('stops a job that allocates without bound and still completes the jobs queued with it', async () => {
		const guard = createUpdateGuard({ workerUrl: MISBEHAVING_WORKER, maxMemoryMb: 32 });
		try {
			const results = await Promise.all(
				['before', 'allocate-forever', 'after'].map((name) => guard.apply(null, contactUpdate(name)))
			);
			expect(results.map(nameIn)).toEqual(['before', { ok: false, reason: 'memory' }, 'after']);
			expect(nameIn(await guard.apply(null, contactUpdate('later')))).toBe('later');
		} finally {
			await guard.close();
		}
	});

	it('keeps a client syncing while a hostile one makes its worker spin', async () => {
		const guard = createUpdateGuard({ workerUrl: MISBEHAVING_WORKER, timeoutMs: 300 });
		try {
			const rng = mulberry32(479);
			const client = contactClient(1);
			const hostile = [guard.apply(null, contactUpdate('spin-forever'))];
			let state: Uint8Array | null = null;
			for (let step = 0; step < 20; step++) {
				if (step === 10) hostile.push(guard.apply(state, contactUpdate('spin-forever')));
				client.updates.length = 0;
				editContact(client.doc, rng, step);
				const pushed: ApplyResult = await guard.apply(state, Y.mergeUpdates(client.updates));
				if (!pushed.ok) throw new Error(`a well-behaved push was refused: ${pushed.reason}`);
				state = pushed.state;
			}
			expect(contentLike(state as Uint8Array, client.doc)).toEqual(client.doc.toJSON());
			expect(await Promise.all(hostile)).toEqual([
				{ ok: false, reason: 'timeout' },
				{ ok: false, reason: 'timeout' }
			]);
		} finally {
			await guard.close();
		}
	});

	it('rejects jobs still pending when closed, and any job after', async () => {
		const guard = createUpdateGuard();
		const pending = [guard.apply(null, contactUpdate('a')), guard.diff(null, raw(0))].map((job) =>
			expect(job).rejects.toThrow('update guard closed')
		);
		await guard.close();
		await Promise.all(pending);
		await expect(guard.apply(null, contactUpdate('b'))).rejects.toThrow('update guard closed');
	});

	it('rejects jobs when its worker cannot start', async () => {
		const guard = createUpdateGuard({ workerUrl: new URL('./no-such-worker.mjs', import.meta.url) });
		try {
			await expect(guard.apply(null, contactUpdate('a'))).rejects.toThrow('update worker failed to start');
		} finally {
			await guard.close();
		}
	});
});
