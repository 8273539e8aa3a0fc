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
 * @typedef {{ kind: 'apply', state: Uint8Array | null, update: Uint8Array }
 *   | { kind: 'diff', state: Uint8Array | null, stateVector: Uint8Array }} UpdateJob
 * @typedef {{ ok: true, state: Uint8Array, changed: boolean, parentId: string | null, references: { kind: string, docId: string }[] }
 *   | { ok: true, update: Uint8Array, stateVector: Uint8Array }
 *   | { ok: false, message: string }} JobOutcome
 * @typedef {{ seq: number, firstToken: number, jobs: UpdateJob[] }} JobBatch
 */

/**
 * A fresh document per job: nothing a bad update leaves behind can affect the next job. The fixed guid
 * skips the random UUID Yjs would generate, which costs more than applying a small update.
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
 * Runs one job; Yjs errors propagate to the caller.
 *
 * `changed` compares the encoded state before and after: unlike comparing state vectors it also sees
 * delete-only updates and updates that only add pending structs or deletions (updates referencing
 * parts not seen yet, which stay in the state as y-protocols keeps them). Both encodings come from the
 * same document, so equal content means equal bytes.
 * @param {UpdateJob} job
 * @returns {JobOutcome}
 */
export function runUpdateJob(job) {
	const doc = docFrom(job.state);
	if (job.kind === 'diff') {
		return {
			ok: true,
			update: Y.encodeStateAsUpdate(doc, job.stateVector),
			stateVector: Y.encodeStateVector(doc)
		};
	}
	const before = Y.encodeStateAsUpdate(doc);
	Y.applyUpdate(doc, job.update);
	const state = Y.encodeStateAsUpdate(doc);
	// The contact it is listed under, so the server can tell who cannot see some contact persons,
	// and what else it points at (a customer's different invoice recipient), for the reference index.
	const fields = doc.getMap('fields');
	const parent = fields.get('parentId');
	const recipient = doc.getMap('customer').get('invoiceRecipientId');
	return {
		ok: true,
		state,
		changed: !sameBytes(before, state),
		parentId: typeof parent === 'string' ? parent : null,
		references:
			fields.get('isCustomer') === true && typeof recipient === 'string' && recipient !== ''
				? [{ kind: 'invoiceRecipient', docId: recipient }]
				: []
	};
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
		for (let i = 0; i < batch.jobs.length; i++) {
			Atomics.store(started, 0, BigInt(Date.now()));
			Atomics.store(token, 0, BigInt(batch.firstToken + i));
			try {
				outcomes.push(run(/** @type {UpdateJob} */ (batch.jobs[i])));
			} catch (error) {
				outcomes.push({ ok: false, message: error instanceof Error ? error.message : String(error) });
			}
		}
		Atomics.store(token, 0, BigInt(batch.firstToken + batch.jobs.length));
		port.postMessage({ seq: batch.seq, outcomes }, transferables(outcomes));
	});
	port.postMessage({ ready: true });
}
