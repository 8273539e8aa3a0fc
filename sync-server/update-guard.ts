/**
 * Applies untrusted Yjs updates without risking the server's event loop.
 *
 * Yjs can loop forever or exhaust memory on crafted updates (yjs issues 479, 498, 687), and a stuck
 * `Y.applyUpdate` on the main thread would stop every connection. So an update first passes a bounded
 * structural check here (update-structure.ts), and only then goes to Yjs, in a worker thread with a heap
 * limit and a time budget per job. A job over its budget gets its worker terminated (the only way to
 * stop a spinning loop) and fails alone; the jobs queued or in flight with it are re-run on a fresh
 * worker, so a hostile push never costs a well-behaved client its change.
 *
 * Jobs are independent: each brings the state it applies to (the guard leaves it out of the message
 * when the worker keeps exactly that state, see `#dispatch`). Callers that chain states (apply to the
 * result of the previous apply) must wait for each result; with several workers, jobs may finish out
 * of order.
 */
import { Worker } from 'node:worker_threads';
import { FairQueue, type FairJob } from './fair-queue';
import { ownBytes } from './own-bytes';
import { CACHE_MAX_STATE_BYTES, type JobOutcome, type UpdateJob } from './update-jobs.mjs';
import { checkStateVectorStructure, DEFAULT_MAX_UPDATE_BYTES, inspectUpdate } from './update-structure';
import type { DocReference } from './storage/storage';

export { checkStateVectorStructure, checkUpdateStructure } from './update-structure';

export interface GuardOptions {
	/** Budget of one job in a worker, in ms (default 2000). */
	timeoutMs?: number;
	/** Old-generation heap limit of each worker, in MB (default 128). */
	maxMemoryMb?: number;
	/** Largest update accepted (default 1 MiB). */
	maxUpdateBytes?: number;
	/** Worker threads (default 2: an express lane for light users, and one for everything). */
	workers?: number;
	/**
	 * The worker module to run (default update-worker.mjs next to this file). A seam for tests, which
	 * substitute a worker that misbehaves on purpose.
	 */
	workerUrl?: URL;
	/**
	 * How long a job may wait for the busy worker that keeps its document decoded (ms, default
	 * 40): only while that worker's batch was expected to take no longer and has not run longer.
	 */
	waitForHomeMs?: number;
}

export type ApplyResult =
	/**
	 * `parentId`: the document's `fields.parentId` after the update (a contact person's company);
	 * `references`: what else it points at (see DocReference).
	 */
	| { ok: true; state: Uint8Array; changed: boolean; parentId: string | null; references: DocReference[] }
	| { ok: false; reason: 'size' | 'structure' | 'invalid' | 'timeout' | 'memory' };

export type DiffResult =
	| { ok: true; update: Uint8Array; stateVector: Uint8Array }
	| { ok: false; reason: 'structure' | 'invalid' | 'timeout' | 'memory' };

/** Who a job is for. */
export interface JobOptions {
	/** The document (workspace and id): a worker may keep it decoded for the next job on it. */
	key?: string;
	/**
	 * Who asked (a session): jobs are taken in turn from the sources that used the workers least
	 * lately (see fair-queue.ts), so a flood of expensive updates delays its sender, not everyone.
	 */
	source?: string;
}

/** Applies and diffs Yjs updates off the main thread, each within a time and memory budget. */
export interface UpdateGuard {
	/**
	 * Merges `update` into `state` (null: an empty document). `state` in the result is compact
	 * (`encodeStateAsUpdate` of a document holding both); `changed` says whether the update added
	 * anything. Updates that reference parts not seen yet are kept in the state, as y-protocols does.
	 * Several updates are applied in order as one job, the state encoded once after the last; one
	 * that is refused refuses them all. Rejects only when the guard is closed or its worker cannot start.
	 */
	apply(
		state: Uint8Array | null,
		update: Uint8Array | readonly Uint8Array[],
		job?: JobOptions
	): Promise<ApplyResult>;
	/** y-protocols sync step 2: what a peer with `stateVector` lacks of `state`, and `state`'s own state vector. */
	diff(state: Uint8Array | null, stateVector: Uint8Array, job?: JobOptions): Promise<DiffResult>;
	/** Resolves once every worker has loaded (or failed to): the first jobs then start at once. */
	ready(): Promise<void>;
	/** Terminates the workers; jobs not finished yet reject. */
	close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_MAX_MEMORY_MB = 128;
const YOUNG_GENERATION_MB = 16;
const STACK_MB = 4;
/** Batching amortizes the message round trip: one post and one answer per batch, not per job. */
const MAX_BATCH_JOBS = 64;
const MAX_BATCH_BYTES = 512 * 1024;
/** A batch takes no more jobs once their expected time reaches this (ms): a job arriving meanwhile waits little. */
const MAX_BATCH_MS = 20;
/**
 * Worker time (ms, fading by half each second) up to which a source counts as a light user: about
 * 15 % of a worker. Its jobs are small ones only (see SMALL_JOB_BYTES), so the lane stays quick; a
 * device typing into a contact (30 edits a second at most) stays under it.
 */
const LIGHT_USAGE_MS = 200;
/**
 * The most bytes (state and update, or state and state vector) of a job the express lane takes. An
 * edit of a contact is a few hundred bytes on a state of one or two KB; what Yjs does with a job is
 * bounded by its size (300,000 structs in 600 KB take 190 ms to apply, and so does decoding a state
 * that large), so a small one cannot hold up the lane.
 */
const SMALL_JOB_BYTES = 64 * 1024;
/** Documents whose worker the guard remembers (each worker keeps at most 512 decoded). */
const MAX_HOMES = 4096;
/** An express lane for light users and one worker for everything (see `#pump`). */
const DEFAULT_WORKERS = 2;

type Failure = 'timeout' | 'memory';

/** `solo`: it was in progress when a shared batch's worker died. */
interface Job extends FairJob {
	message: UpdateJob;
	settle(outcome: JobOutcome): void;
	fail(reason: Failure): void;
	reject(error: Error): void;
}

interface Batch {
	seq: number;
	/** Token of the first job; job i has token firstToken + i, and firstToken + jobs.length means done. */
	firstToken: number;
	sentAt: number;
	/** What its jobs are expected to take together (ms, from their sources' recent jobs). */
	expectedMs: number;
	jobs: Job[];
}

interface Slot {
	worker: Worker;
	/** Written by the worker (update-jobs.mjs): when its current job started, and that job's token. */
	started: BigInt64Array;
	token: BigInt64Array;
	ready: boolean;
	retired: boolean;
	referenced: boolean;
	batch: Batch | null;
	timer: NodeJS.Timeout | null;
	error: Error | null;
	/** Settles when the worker has loaded or exited. */
	loaded: Promise<void>;
}

/** `times`: how long each job ran in the worker (ms). */
type WorkerReply = { ready: true } | { seq: number; outcomes: JobOutcome[]; times?: number[] };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

function isOutOfMemory(error: Error | null): boolean {
	return (error as NodeJS.ErrnoException | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

class WorkerUpdateGuard implements UpdateGuard {
	readonly #timeoutMs: number;
	readonly #maxUpdateBytes: number;
	readonly #maxMemoryMb: number;
	readonly #workerUrl: URL;
	readonly #waitForHomeMs: number;
	readonly #slots: (Slot | null)[];
	readonly #queue = new FairQueue<Job>();
	/**
	 * The worker that last worked on each document (by job key), most recent last, and the state it
	 * answered for it (null: not known to be kept there).
	 */
	readonly #homes = new Map<string, { slot: Slot; state: Uint8Array | null }>();
	#seq = 0;
	// Starts at 1: a fresh token array holds 0, which must not look like a started job.
	#nextToken = 1;
	#closed = false;

	constructor(options: GuardOptions) {
		this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.#maxUpdateBytes = options.maxUpdateBytes ?? DEFAULT_MAX_UPDATE_BYTES;
		this.#maxMemoryMb = options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
		this.#workerUrl = options.workerUrl ?? new URL('./update-worker.mjs', import.meta.url);
		this.#waitForHomeMs = options.waitForHomeMs ?? 2 * MAX_BATCH_MS;
		const workers = Math.max(1, Math.floor(options.workers ?? DEFAULT_WORKERS));
		// Started up front so the first push does not wait for a worker to load Yjs.
		this.#slots = Array.from({ length: workers }, () => this.#spawn());
	}

	apply(
		state: Uint8Array | null,
		update: Uint8Array | readonly Uint8Array[],
		{ key, source = '' }: JobOptions = {}
	): Promise<ApplyResult> {
		const [first, ...more] = update instanceof Uint8Array ? [update] : update;
		if (!first) return Promise.resolve({ ok: false, reason: 'structure' });
		let bytes = state?.length ?? 0;
		for (const each of [first, ...more]) {
			const refused = inspectUpdate(each, this.#maxUpdateBytes);
			if (refused) return Promise.resolve({ ok: false, reason: refused });
			bytes += each.length;
		}
		return new Promise((resolve, reject) => {
			this.#enqueue({
				message: {
					kind: 'apply',
					state: ownBytes(state),
					update: ownBytes(first),
					...(more.length > 0 ? { more: more.map((each) => ownBytes(each)) } : {}),
					...(key === undefined ? {} : { key })
				},
				source,
				bytes,
				solo: false,
				small: bytes <= SMALL_JOB_BYTES,
				settle: (outcome) => {
					if (!outcome.ok) resolve({ ok: false, reason: 'invalid' });
					else if ('changed' in outcome) resolve(outcome);
					else reject(new Error('update worker answered an apply with a diff'));
				},
				fail: (reason) => resolve({ ok: false, reason }),
				reject
			});
		});
	}

	diff(
		state: Uint8Array | null,
		stateVector: Uint8Array,
		{ key, source = '' }: JobOptions = {}
	): Promise<DiffResult> {
		if (!checkStateVectorStructure(stateVector)) return Promise.resolve({ ok: false, reason: 'structure' });
		return new Promise((resolve, reject) => {
			this.#enqueue({
				message: {
					kind: 'diff',
					state: ownBytes(state),
					stateVector: ownBytes(stateVector),
					...(key === undefined ? {} : { key })
				},
				source,
				bytes: (state?.length ?? 0) + stateVector.length,
				solo: false,
				small: (state?.length ?? 0) + stateVector.length <= SMALL_JOB_BYTES,
				settle: (outcome) => {
					if (!outcome.ok) resolve({ ok: false, reason: 'invalid' });
					else if ('update' in outcome) resolve(outcome);
					else reject(new Error('update worker answered a diff with an apply'));
				},
				fail: (reason) => resolve({ ok: false, reason }),
				reject
			});
		});
	}

	async ready(): Promise<void> {
		await Promise.all(this.#slots.map((slot) => slot?.loaded));
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		const error = new Error('update guard closed');
		const pending = this.#queue.drain();
		const terminating: Promise<number>[] = [];
		for (const slot of this.#slots) {
			if (!slot) continue;
			if (slot.batch) pending.push(...slot.batch.jobs);
			this.#retire(slot);
			terminating.push(slot.worker.terminate());
		}
		for (const job of pending) job.reject(error);
		await Promise.allSettled(terminating);
	}

	#enqueue(job: Job): void {
		if (this.#closed) return job.reject(new Error('update guard closed'));
		this.#queue.push(job);
		this.#pump();
	}

	#spawn(): Slot {
		const started = new BigInt64Array(new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT));
		const token = new BigInt64Array(new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT));
		const worker = new Worker(this.#workerUrl, {
			workerData: { started: started.buffer, token: token.buffer },
			resourceLimits: {
				maxOldGenerationSizeMb: this.#maxMemoryMb,
				maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
				stackSizeMb: STACK_MB
			}
		});
		let loaded = (): void => undefined;
		const slot: Slot = {
			worker,
			started,
			token,
			ready: false,
			retired: false,
			referenced: true,
			batch: null,
			timer: null,
			error: null,
			loaded: new Promise((resolve) => (loaded = resolve))
		};
		worker.on('message', (reply: WorkerReply) => {
			if ('ready' in reply) loaded();
			this.#onReply(slot, reply);
		});
		worker.on('error', (error) => {
			slot.error = error;
		});
		worker.on('exit', () => {
			loaded();
			this.#onExit(slot);
		});
		this.#updateRef(slot);
		return slot;
	}

	#onReply(slot: Slot, reply: WorkerReply): void {
		if (slot.retired) return;
		if ('ready' in reply) {
			slot.ready = true;
		} else {
			const batch = slot.batch;
			if (!batch || reply.seq !== batch.seq) return;
			this.#finishBatch(slot);
			const again: Job[] = [];
			batch.jobs.forEach((job, i) => {
				const outcome = reply.outcomes[i];
				const home = job.message.key === undefined ? undefined : this.#homes.get(job.message.key);
				// What the worker now keeps of the document: the state it answered (when not too large
				// to keep), or nothing.
				if (home?.slot === slot)
					home.state =
						outcome?.ok && 'state' in outcome && outcome.state.length <= CACHE_MAX_STATE_BYTES
							? outcome.state
							: null;
				const ms = reply.times?.[i];
				if (ms !== undefined) this.#queue.charge(job, ms);
				// Sent without its state to a worker that no longer kept the document: again, with it.
				if (outcome && !outcome.ok && outcome.missing) return again.push(job);
				if (outcome) job.settle(outcome);
				else job.reject(new Error('update worker gave no answer for a job'));
			});
			if (again.length > 0) this.#queue.unshift(again);
		}
		this.#pump();
	}

	/** Hands queued jobs to idle workers, spreading them so one worker does not take everything. */
	#pump(): void {
		if (this.#closed) return;
		if (this.#queue.length > 0 && !this.#slots.some((slot) => slot !== null)) {
			// Every worker failed to start and their jobs were rejected; new work gets a new attempt.
			for (let i = 0; i < this.#slots.length; i++) this.#slots[i] = this.#spawn();
		}
		// A worker keeps the documents it worked on decoded: first each idle worker takes jobs on those
		// (or on documents no live worker has), then what is left goes to whichever is still idle.
		for (const round of this.#slots.length > 1 ? (['own', 'any'] as const) : (['any'] as const)) {
			const idle = this.#slots.filter((s): s is Slot => !!s && s.ready && !s.batch);
			for (const slot of idle) {
				if (this.#queue.length === 0) break;
				const jobs = this.#queue.take(
					Math.min(MAX_BATCH_JOBS, Math.ceil(this.#queue.length / idle.length)),
					MAX_BATCH_BYTES,
					MAX_BATCH_MS,
					this.#isExpressLane(slot) ? LIGHT_USAGE_MS : undefined,
					round === 'own' ? (job) => !this.#heldElsewhere(job, slot) : undefined
				);
				if (jobs.length > 0) this.#dispatch(slot, jobs);
			}
		}
		for (const slot of this.#slots) if (slot) this.#updateRef(slot);
	}

	/**
	 * Whether the document of `job` is kept decoded by another worker than `slot`'s that may take the
	 * job: then it is left to that one, since decoding a contact afresh costs more than applying an
	 * edit. Also while that worker is busy, as long as its batch is a short one (see waitForHomeMs):
	 * a job never waits long behind a flood on its worker. A worker that finds no job of its own
	 * takes such jobs all the same (the 'any' round of `#pump`).
	 */
	#heldElsewhere(job: Job, slot: Slot): boolean {
		const key = job.message.key;
		const home = key === undefined ? undefined : this.#homes.get(key)?.slot;
		if (!home || home === slot || home.retired || !home.ready) return false;
		const busy = home.batch;
		if (busy && (busy.expectedMs > this.#waitForHomeMs || Date.now() - busy.sentAt >= this.#waitForHomeMs))
			return false;
		return !this.#isExpressLane(home) || (job.small && this.#queue.usage(job.source) < LIGHT_USAGE_MS);
	}

	/**
	 * With several workers the first is an express lane: only light users' small jobs run there, so a
	 * device editing now and then never waits behind someone's flood of expensive updates.
	 */
	#isExpressLane(slot: Slot): boolean {
		return slot === this.#slots[0] && this.#slots.some((other, i) => i > 0 && other !== null);
	}

	#dispatch(slot: Slot, jobs: Job[]): void {
		const keys = new Set<string>();
		const messages = jobs.map((job): UpdateJob => {
			const { message } = job;
			const key = message.key;
			if (key === undefined) return message;
			const home = this.#homes.get(key);
			// The worker keeps the document as it answered it last: a job bringing exactly that state
			// need not send it (the first of the batch on that document only).
			const held =
				message.kind === 'apply' &&
				!keys.has(key) &&
				home?.slot === slot &&
				!!home.state &&
				!!message.state &&
				sameBytes(home.state, message.state);
			keys.add(key);
			this.#homes.delete(key);
			this.#homes.set(key, { slot, state: null });
			if (this.#homes.size > MAX_HOMES) this.#homes.delete(this.#homes.keys().next().value as string);
			return held ? { ...message, state: null, held: true } : message;
		});
		const batch: Batch = {
			seq: ++this.#seq,
			firstToken: this.#nextToken,
			sentAt: Date.now(),
			expectedMs: jobs.reduce((sum, job) => sum + (job.estimate ?? 0), 0),
			jobs
		};
		// One token more than jobs: the "done" marker of this batch is never a job token of the next one.
		this.#nextToken += jobs.length + 1;
		slot.batch = batch;
		// Structured clone copies the bytes. Transferring would be cheaper but would detach the caller's
		// buffers (the server still stores the update) and lose them for a re-run after a crash.
		slot.worker.postMessage({
			seq: batch.seq,
			firstToken: batch.firstToken,
			jobs: messages
		});
		slot.timer = setTimeout(() => this.#checkDeadline(slot), this.#timeoutMs);
	}

	/**
	 * Fires when the batch has had one job budget. The worker publishes which job runs and since when,
	 * so a job is judged by its own time, not by the batch's: a slow but honest batch is left alone.
	 */
	#checkDeadline(slot: Slot): void {
		slot.timer = null;
		const batch = slot.batch;
		if (!batch || slot.retired) return;
		const index = Number(Atomics.load(slot.token, 0)) - batch.firstToken;
		if (index === batch.jobs.length) {
			// Done; the answer is on its way (the main thread may just have been busy).
			slot.timer = setTimeout(() => this.#checkDeadline(slot), this.#timeoutMs);
			return;
		}
		// Before the worker publishes the batch's first token, the clock runs from sending.
		const running = index >= 0 && index < batch.jobs.length;
		const started = running ? Number(Atomics.load(slot.started, 0)) : batch.sentAt;
		const left = started + this.#timeoutMs - Date.now();
		if (left > 0) {
			slot.timer = setTimeout(() => this.#checkDeadline(slot), left);
			return;
		}
		// Terminating is the only way to stop a job that may be spinning forever.
		this.#replaceWorker(slot, running ? index : 0, 'timeout');
	}

	#onExit(slot: Slot): void {
		if (slot.retired) return;
		const error = slot.error ?? new Error('update worker exited');
		if (!slot.ready) {
			// Failed while loading: no job caused it, and a new worker would most likely fail the same way.
			// Other workers keep serving the queue; with none left, the queued jobs fail with the reason.
			this.#retire(slot);
			this.#slots[this.#slots.indexOf(slot)] = null;
			if (this.#slots.some((other) => other !== null)) return this.#pump();
			for (const job of this.#queue.drain())
				job.reject(new Error(`update worker failed to start: ${error.message}`));
			return;
		}
		const batch = slot.batch;
		const index = batch ? Number(Atomics.load(slot.token, 0)) - batch.firstToken : -1;
		const culprit = batch ? Math.min(Math.max(index, 0), batch.jobs.length - 1) : -1;
		this.#replaceWorker(slot, culprit, isOutOfMemory(slot.error) ? 'memory' : error);
	}

	/**
	 * Replaces a worker that overran or died. The job that was running (`culprit`) fails; a job that
	 * shared its batch and died of memory or a crash is first re-run alone, since the batch's other jobs
	 * share the heap. Every other job of the batch goes back to the front of the queue, in order.
	 */
	#replaceWorker(slot: Slot, culprit: number, cause: Failure | Error): void {
		const batch = slot.batch;
		this.#retire(slot);
		void slot.worker.terminate().catch(() => undefined);
		this.#slots[this.#slots.indexOf(slot)] = this.#spawn();
		if (batch) {
			const retry: Job[] = [];
			batch.jobs.forEach((job, i) => {
				if (i !== culprit) return retry.push(job);
				// Its sender pays for the whole budget (or what the job used until the worker died).
				this.#queue.charge(job, cause === 'timeout' ? this.#timeoutMs : Date.now() - batch.sentAt);
				if (cause !== 'timeout' && !job.solo && batch.jobs.length > 1) {
					job.solo = true;
					return retry.push(job);
				}
				if (cause instanceof Error) job.reject(new Error(`update worker failed: ${cause.message}`));
				else job.fail(cause);
			});
			this.#queue.unshift(retry);
		}
		this.#pump();
	}

	#finishBatch(slot: Slot): void {
		if (slot.timer) clearTimeout(slot.timer);
		slot.timer = null;
		slot.batch = null;
	}

	#retire(slot: Slot): void {
		this.#finishBatch(slot);
		slot.retired = true;
	}

	/**
	 * A worker keeps the process alive only while it loads or has work, so an idle guard never blocks
	 * an exit (and one awaited in `ready` does not let the process end meanwhile).
	 */
	#updateRef(slot: Slot): void {
		const busy = !slot.retired && (!slot.ready || slot.batch !== null || this.#queue.length > 0);
		if (busy === slot.referenced) return;
		slot.referenced = busy;
		if (busy) slot.worker.ref();
		else slot.worker.unref();
	}
}

/** Starts the guard's workers. Call `close()` when done. */
export function createUpdateGuard(options: GuardOptions = {}): UpdateGuard {
	return new WorkerUpdateGuard(options);
}
