/**
 * The update worker's jobs, run in this thread: the document cache must give exactly the answers a
 * fresh document would, whatever states the jobs bring.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocumentCache, runUpdateJob, type JobOutcome } from '../../sync-server/update-jobs.mjs';
import { mulberry32 } from '../factories';
import { contactClient, editContact, HOSTILE } from './update-fixtures';

type Applied = Extract<JobOutcome, { state: Uint8Array }>;

function applied(outcome: JobOutcome): Applied {
	if (!outcome.ok || !('state' in outcome))
		throw new Error(`not an apply outcome: ${JSON.stringify(outcome)}`);
	return outcome;
}

/** Every update a client makes over `steps` random edits. */
function editsOf(clientID: number, steps: number, seed: number): Uint8Array[] {
	const { doc, updates } = contactClient(clientID);
	const rng = mulberry32(seed);
	for (let step = 0; step < steps; step++) editContact(doc, rng, step);
	return updates;
}

const KEY = 'workspace\0contact';

/** Counts the jobs its cached documents served. */
class CountingCache extends DocumentCache {
	hits = 0;
	override take(key: string | undefined, state: Uint8Array | null, held?: boolean) {
		const taken = super.take(key, state, held);
		if (taken?.cached) this.hits++;
		return taken;
	}
}

describe('runUpdateJob with the document cache', () => {
	it('answers a chain of pushes as fresh documents do, decoding the document only for the first', () => {
		const cache = new CountingCache();
		const uncached = new DocumentCache(0, 0);
		let state: Uint8Array | null = null;
		for (const update of editsOf(7, 40, 1)) {
			const reference = applied(runUpdateJob({ kind: 'apply', state, update }, uncached));
			const outcome = applied(runUpdateJob({ kind: 'apply', key: KEY, state, update }, cache));
			expect(outcome).toEqual(reference);
			state = outcome.state;
		}
		expect(cache.hits).toBe(39);
		expect(cache.size).toBe(1);
	});

	it('applies a job that brings no state to the kept document, as a job bringing it would', () => {
		const cache = new CountingCache();
		const uncached = new DocumentCache(0, 0);
		let state: Uint8Array | null = null;
		for (const [i, update] of editsOf(5, 20, 3).entries()) {
			const reference = applied(runUpdateJob({ kind: 'apply', state, update }, uncached));
			const held = i > 0;
			const job = { kind: 'apply' as const, key: KEY, state: held ? null : state, update, held };
			const outcome = applied(runUpdateJob(job, cache));
			expect(outcome).toEqual(reference);
			state = outcome.state;
		}
		expect(cache.hits).toBe(19);
	});

	it('answers a job that brings no state as missing when the document is no longer kept', () => {
		const cache = new DocumentCache();
		const [first, second] = editsOf(4, 2, 5) as [Uint8Array, Uint8Array];
		runUpdateJob({ kind: 'apply', key: 'other', state: null, update: first }, cache);
		const outcome = runUpdateJob({ kind: 'apply', key: KEY, state: null, update: second, held: true }, cache);
		expect(outcome).toEqual({ ok: false, message: 'document not kept', missing: true });
		expect(cache.size).toBe(1);
	});

	it('serves a job that brings another state than the cached one from that state', () => {
		const cache = new CountingCache();
		const [first, second, third] = editsOf(3, 3, 2) as [Uint8Array, Uint8Array, Uint8Array];
		const one = applied(runUpdateJob({ kind: 'apply', key: KEY, state: null, update: first }, cache));
		// The append of this result failed, say: the next push brings the older state again.
		const lost = applied(runUpdateJob({ kind: 'apply', key: KEY, state: one.state, update: second }, cache));
		const retried = applied(
			runUpdateJob({ kind: 'apply', key: KEY, state: one.state, update: third }, cache)
		);
		const fresh = applied(
			runUpdateJob({ kind: 'apply', state: one.state, update: third }, new DocumentCache(0, 0))
		);
		expect(cache.hits).toBe(1);
		expect(retried).toEqual(fresh);
		expect(retried.state).not.toEqual(lost.state);
	});

	it('drops the cached document when an update fails on it', () => {
		const cache = new DocumentCache();
		const [first, second] = editsOf(5, 2, 3) as [Uint8Array, Uint8Array];
		const one = applied(runUpdateJob({ kind: 'apply', key: KEY, state: null, update: first }, cache));
		expect(cache.size).toBe(1);
		// One Yjs throws on (the guard's structure check lets it through, and the worker reports the throw).
		const [, hostile] = HOSTILE.find(([, , answer]) => answer === 'invalid') as [string, Uint8Array, string];
		expect(() =>
			runUpdateJob({ kind: 'apply', key: KEY, state: one.state, update: hostile }, cache)
		).toThrow();
		expect(cache.size).toBe(0);
		const after = applied(runUpdateJob({ kind: 'apply', key: KEY, state: one.state, update: second }, cache));
		expect(after).toEqual(
			applied(runUpdateJob({ kind: 'apply', state: one.state, update: second }, new DocumentCache(0, 0)))
		);
	});

	it('applies several updates as one job, as one job each would, and encodes the state once', () => {
		const cache = new CountingCache();
		const uncached = new DocumentCache(0, 0);
		const [first, ...rest] = editsOf(13, 6, 6) as [Uint8Array, ...Uint8Array[]];
		const one = applied(runUpdateJob({ kind: 'apply', key: KEY, state: null, update: first }, cache));
		let state = one.state;
		for (const update of rest)
			state = applied(runUpdateJob({ kind: 'apply', state, update }, uncached)).state;
		const together = applied(
			runUpdateJob(
				{
					kind: 'apply',
					key: KEY,
					state: null,
					update: rest[0] as Uint8Array,
					more: rest.slice(1),
					held: true
				},
				cache
			)
		);
		expect(together).toEqual({ ok: true, state, changed: true, parentId: null, references: [] });
		expect(cache.hits).toBe(1);
		// The kept document is the one after all of them.
		const again = applied(
			runUpdateJob({ kind: 'apply', key: KEY, state, update: rest.at(-1) as Uint8Array }, cache)
		);
		expect(again.changed).toBe(false);
		expect(cache.hits).toBe(2);
	});

	it('fails a job of several updates when one fails, and keeps nothing of it', () => {
		const cache = new DocumentCache();
		const [first, second] = editsOf(15, 2, 7) as [Uint8Array, Uint8Array];
		const one = applied(runUpdateJob({ kind: 'apply', key: KEY, state: null, update: first }, cache));
		const [, hostile] = HOSTILE.find(([, , answer]) => answer === 'invalid') as [string, Uint8Array, string];
		expect(() =>
			runUpdateJob({ kind: 'apply', key: KEY, state: one.state, update: second, more: [hostile] }, cache)
		).toThrow();
		expect(cache.size).toBe(0);
	});

	it('says "unchanged" for an update the cached document already holds', () => {
		const cache = new DocumentCache();
		const [first] = editsOf(9, 1, 4) as [Uint8Array];
		const one = applied(runUpdateJob({ kind: 'apply', key: KEY, state: null, update: first }, cache));
		const again = applied(runUpdateJob({ kind: 'apply', key: KEY, state: one.state, update: first }, cache));
		expect(again.changed).toBe(false);
		expect(again.state).toEqual(one.state);
	});

	it('diffs against the cached document without changing it', () => {
		const cache = new DocumentCache();
		const updates = editsOf(11, 6, 5);
		let state: Uint8Array | null = null;
		for (const update of updates) {
			state = applied(runUpdateJob({ kind: 'apply', key: KEY, state, update }, cache)).state;
		}
		const peer = new Y.Doc();
		Y.applyUpdate(peer, updates[0] as Uint8Array);
		const outcome = runUpdateJob(
			{ kind: 'diff', key: KEY, state, stateVector: Y.encodeStateVector(peer) },
			cache
		);
		if (!outcome.ok || !('update' in outcome)) throw new Error('not a diff');
		Y.applyUpdate(peer, outcome.update);
		expect(Y.encodeStateAsUpdate(peer)).toEqual(state);
		expect(outcome.stateVector).toEqual(Y.encodeStateVector(docOf(state as Uint8Array)));
		expect(cache.take(KEY, state)?.cached).toBe(true);
	});

	it('keeps at most its number of documents and bytes, dropping the least recently used', () => {
		const cache = new DocumentCache(2, Number.POSITIVE_INFINITY);
		const states = [1, 2, 3].map(
			(n) =>
				applied(
					runUpdateJob(
						{ kind: 'apply', key: `doc ${n}`, state: null, update: editsOf(n, 1, n)[0] as Uint8Array },
						cache
					)
				).state
		);
		expect(cache.size).toBe(2);
		expect(cache.take('doc 1', states[0] as Uint8Array)?.cached).toBe(false);
		expect(cache.take('doc 3', states[2] as Uint8Array)?.cached).toBe(true);

		const small = new DocumentCache(10, (states[0] as Uint8Array).length);
		runUpdateJob({ kind: 'apply', key: 'a', state: null, update: editsOf(1, 1, 1)[0] as Uint8Array }, small);
		runUpdateJob({ kind: 'apply', key: 'b', state: null, update: editsOf(1, 1, 1)[0] as Uint8Array }, small);
		expect(small.size).toBe(1);
	});

	it('decodes a job without a key afresh and keeps nothing', () => {
		const cache = new DocumentCache();
		runUpdateJob({ kind: 'apply', state: null, update: editsOf(1, 1, 1)[0] as Uint8Array }, cache);
		expect(cache.size).toBe(0);
	});
});

function docOf(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	return doc;
}
