// @ts-check
/**
 * What the update guard's worker threads do: apply or diff Yjs updates, a batch at a time, and report
 * progress through shared memory so the main thread can tell which job of a batch overran its budget.
 *
 * Plain JavaScript on purpose: the worker is started by URL, both under tsx (the server) and under
 * vitest, and neither makes `new Worker('x.ts')` work; an .mjs file that only needs `yjs` and
 * `node:worker_threads` loads the same way in both. `update-worker.mjs` is the entry point; this
 * module is separate so a test worker can reuse the loop with a misbehaving job runner.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as Y from 'yjs';

/**
 * `held`: the job brings no state (`state` is null); it applies to the state this worker answered
 * for `key` last, which the main thread found to be the document's state. `more`: updates applied
 * after `update`, in order, as one job: the state is encoded once, after the last.
 * @typedef {{ kind: 'apply', key?: string, state: Uint8Array | null, update: Uint8Array, more?: Uint8Array[], held?: boolean }
 *   | { kind: 'diff', key?: string, state: Uint8Array | null, stateVector: Uint8Array }} UpdateJob
 * `missing`: a `held` job whose document this worker no longer keeps; it has to bring the state.
 * @typedef {{ ok: true, state: Uint8Array, changed: boolean, parentId: string | null, references: { kind: string, docId: string }[] }
 *   | { ok: true, update: Uint8Array, stateVector: Uint8Array }
 *   | { ok: false, message: string, missing?: true }} JobOutcome
 * @typedef {{ seq: number, firstToken: number, jobs: UpdateJob[] }} JobBatch
 */

/**
 * A fresh document: nothing a bad update leaves behind can affect the next job. The fixed guid skips
 * the random UUID Yjs would generate, which costs more than applying a small update.
 * @param {Uint8Array | null} state
 */
function docFrom(state) {
	const doc = new Y.Doc({ gc: true, guid: 'update-guard' });
	if (state) Y.applyUpdate(doc, state);
	return doc;
}

/**
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 */
function sameBytes(a, b) {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/**
 * Documents kept decoded between jobs, and the bytes of their state. A decoded document takes many
 * times its encoded size on the heap, and the worker's heap is limited (update-guard.ts), so the
 * budget stays small: a contact's state is one or two KB.
 */
const CACHE_DOCUMENTS = 512;
const CACHE_BYTES = 2 * 1024 * 1024;
/** A state larger than this is decoded afresh each time rather than kept. */
export const CACHE_MAX_STATE_BYTES = 16 * 1024;

/**
 * The documents of recent jobs, decoded, so a document edited again is not decoded from its state
 * and encoded once more before each update. An entry serves a job only when the job's state is
 * byte for byte the state the entry's document encodes to (or the job is `held`: the main thread
 * compared them), so a job sees exactly the document it brings, as if decoded afresh: a state the server did not store (a failed append, a document
 * changed through another instance) simply misses. A job that throws drops its entry, since the
 * failed update may have left part of itself in the document.
 */
export class DocumentCache {
	/** @type {Map<string, { doc: Y.Doc, state: Uint8Array }>} */
	#entries = new Map();
	#bytes = 0;

	/**
	 * @param {number} [maxDocuments]
	 * @param {number} [maxBytes]
	 */
	constructor(maxDocuments = CACHE_DOCUMENTS, maxBytes = CACHE_BYTES) {
		this.maxDocuments = maxDocuments;
		this.maxBytes = maxBytes;
	}

	get size() {
		return this.#entries.size;
	}

	/**
	 * Takes the entry out (a job owns its document until it puts it back). `held`: the caller knows
	 * the entry's state to be the job's (see UpdateJob); null when there is no entry.
	 * @param {string | undefined} key
	 * @param {Uint8Array | null} state
	 * @param {boolean} [held]
	 * @returns {{ doc: Y.Doc, state: Uint8Array | null, cached: boolean } | null}
	 */
	take(key, state, held = false) {
		const entry = key === undefined ? undefined : this.#entries.get(key);
		if (entry && key !== undefined) {
			this.#entries.delete(key);
			this.#bytes -= entry.state.length;
			if (held || (state && sameBytes(entry.state, state)))
				return { doc: entry.doc, state: entry.state, cached: true };
			entry.doc.destroy();
		}
		if (held) return null;
		return { doc: docFrom(state), state: null, cached: false };
	}

	/**
	 * Keeps `doc`, whose encoding is `state`, for the next job on `key` (a copy of `state`, since
	 * the caller's bytes are handed to the main thread).
	 * @param {string | undefined} key
	 * @param {Y.Doc} doc
	 * @param {Uint8Array} state
	 */
	put(key, doc, state) {
		if (key === undefined || state.length > CACHE_MAX_STATE_BYTES) {
			doc.destroy();
			return;
		}
		this.#entries.set(key, { doc, state: state.slice() });
		this.#bytes += state.length;
		for (const [oldest, entry] of this.#entries) {
			if (this.#entries.size <= this.maxDocuments && this.#bytes <= this.maxBytes) break;
			this.#entries.delete(oldest);
			this.#bytes -= entry.state.length;
			entry.doc.destroy();
		}
	}
}

const cache = new DocumentCache();

/**
 * Runs one job; Yjs errors propagate to the caller.
 *
 * `changed` compares the encoded state before and after: unlike comparing state vectors it also sees
 * delete-only updates and updates that only add pending structs or deletions (updates referencing
 * parts not seen yet, which stay in the state as y-protocols keeps them). Both encodings come from the
 * same document, so equal content means equal bytes.
 * @param {UpdateJob} job
 * @param {DocumentCache} [documents]
 * @returns {JobOutcome}
 */
export function runUpdateJob(job, documents = cache) {
	const taken = documents.take(job.key, job.state, job.kind === 'apply' && job.held === true);
	if (!taken) return { ok: false, message: 'document not kept', missing: true };
	const { doc } = taken;
	if (job.kind === 'diff') {
		const stateVector = Y.encodeStateVector(doc);
		const update = Y.encodeStateAsUpdate(doc, job.stateVector);
		if (taken.state) documents.put(job.key, doc, taken.state);
		else doc.destroy();
		return { ok: true, update, stateVector };
	}
	const before = taken.state ?? Y.encodeStateAsUpdate(doc);
	let state;
	try {
		Y.applyUpdate(doc, job.update);
		for (const update of job.more ?? []) Y.applyUpdate(doc, update);
		state = Y.encodeStateAsUpdate(doc);
	} catch (error) {
		doc.destroy();
		throw error;
	}
	// The contact it is listed under, so the server can tell who cannot see some contact persons,
	// and what else it points at (a customer's different invoice recipient), for the reference index.
	const fields = doc.getMap('fields');
	const parent = fields.get('parentId');
	const recipient = doc.getMap('customer').get('invoiceRecipientId');
	const outcome = {
		ok: /** @type {const} */ (true),
		state,
		changed: !sameBytes(before, state),
		parentId: typeof parent === 'string' ? parent : null,
		references:
			fields.get('isCustomer') === true && typeof recipient === 'string' && recipient !== ''
				? [{ kind: 'invoiceRecipient', docId: recipient }]
				: []
	};
	documents.put(job.key, doc, state);
	return outcome;
}

/**
 * Buffers that can move to the main thread instead of being copied: whole, unshared, and each once.
 * @param {JobOutcome[]} outcomes
 * @returns {ArrayBuffer[]}
 */
function transferables(outcomes) {
	/** @type {Set<ArrayBuffer>} */
	const buffers = new Set();
	for (const outcome of outcomes) {
		if (!outcome.ok) continue;
		for (const bytes of 'state' in outcome ? [outcome.state] : [outcome.update, outcome.stateVector]) {
			const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
			if (whole && bytes.buffer instanceof ArrayBuffer) buffers.add(bytes.buffer);
		}
	}
	return [...buffers];
}

/**
 * Answers every batch from the main thread with one message holding one outcome per job. Before each
 * job it publishes the start time, then the job's token: the main thread reads the token first, so the
 * time it sees is never earlier than the real start and a job is never blamed for its predecessor's time.
 * After the batch the token moves one past the last job, meaning "done, the answer is on its way".
 * @param {(job: UpdateJob) => JobOutcome} run
 */
export function serveUpdateJobs(run = runUpdateJob) {
	const port = parentPort;
	if (!port) throw new Error('update jobs are served from a worker thread');
	// Shared with the main thread: when the current job started (Date.now()), and the current job's token.
	const started = new BigInt64Array(workerData.started);
	const token = new BigInt64Array(workerData.token);
	port.on('message', (/** @type {JobBatch} */ batch) => {
		/** @type {JobOutcome[]} */
		const outcomes = [];
		/** How long each job ran (ms), so the main thread can tell whose jobs are expensive. */
		const times = [];
		for (let i = 0; i < batch.jobs.length; i++) {
			Atomics.store(started, 0, BigInt(Date.now()));
			Atomics.store(token, 0, BigInt(batch.firstToken + i));
			const begin = performance.now();
			try {
				outcomes.push(run(/** @type {UpdateJob} */ (batch.jobs[i])));
			} catch (error) {
				outcomes.push({ ok: false, message: error instanceof Error ? error.message : String(error) });
			}
			times.push(performance.now() - begin);
		}
		Atomics.store(token, 0, BigInt(batch.firstToken + batch.jobs.length));
		port.postMessage({ seq: batch.seq, outcomes, times }, transferables(outcomes));
	});
	port.postMessage({ ready: true });
}
