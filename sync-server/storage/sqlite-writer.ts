/**
 * The SQLite storage writes in a thread of its own, on a connection of its own; reads stay on the
 * main thread's connection (WAL lets them read while the writer writes).
 *
 * A commit waits for the disk (`synchronous = FULL`) and writes every page a push touched to the
 * WAL: in the sync benchmark that was over a third of the main thread, time in which no device was
 * answered. In the writer thread the main thread goes on meanwhile, and the pushes arriving while a
 * commit runs go into the next one. Writes start in the order they were called (appends commit
 * together at the end of the writer's turn, as they did on the main thread), and a write's promise
 * resolves once it is committed, so a read after it sees it.
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import { ownBytes } from '../own-bytes';
import type { AppendInput, LogRecord, Storage } from './storage';

/** The storage's methods that write: the writer thread runs them. */
export const WRITE_METHODS = [
	'createFirstAccount',
	'createUser',
	'createWorkspace',
	'addMember',
	'setWorkspaceDefault',
	'createSession',
	'touchSession',
	'revokeSession',
	'createInvite',
	'acceptInvite',
	'revokeInvite',
	'append',
	'setAccess',
	'purge'
] as const satisfies readonly (keyof Storage)[];

type WriteMethod = (typeof WRITE_METHODS)[number];

interface Call {
	id: number;
	method: WriteMethod;
	args: unknown[];
}

/**
 * A write's result, or its error. An append that logged the push answers only its seq: the main
 * thread has the rest of the record (an earlier record for the same push comes whole).
 */
type Outcome =
	| { id: number; value: unknown }
	| { id: number; seq: number }
	| { id: number; error: { name: string; message: string; code?: string } };

type ToWriter = { calls: Call[] } | { close: true };
type FromWriter = { outcomes: Outcome[] };

interface Pending {
	resolve(value: unknown): void;
	reject(error: Error): void;
	/** For an append: the record it logged, from its seq. */
	record?: (seq: number) => LogRecord;
}

const ENTRY = new URL('./sqlite-writer-thread.mjs', import.meta.url);

/** The main thread's side: hands writes to the writer thread, started on the first write. */
export class SqliteWriter {
	readonly #file: string;
	readonly #record: (input: AppendInput, seq: number) => LogRecord;
	#worker: Worker | null = null;
	#referenced = false;
	readonly #pending = new Map<number, Pending>();
	#calls: Call[] = [];
	#nextId = 0;
	#closing: Promise<void> | null = null;
	#drained: (() => void) | null = null;

	/** `record`: the log record an append of `input` at `seq` wrote (as the storage builds it). */
	constructor(file: string, record: (input: AppendInput, seq: number) => LogRecord) {
		this.#file = file;
		this.#record = record;
	}

	/** Installs the writer's methods on `storage` in place of its own writing ones. */
	writeFor(storage: Storage): void {
		const methods = storage as unknown as Record<WriteMethod, (...args: unknown[]) => Promise<unknown>>;
		for (const method of WRITE_METHODS) methods[method] = (...args) => this.#call(method, args);
		// SQLite serves one instance and does not check the base state (see AppendInput): not sent.
		storage.append = ({ baseState: _base, ...input }) =>
			this.#call(
				'append',
				[{ ...input, update: ownBytes(input.update), entries: ownBytes(input.entries) }],
				(seq) => this.#record(input, seq)
			) as Promise<LogRecord>;
	}

	/** Waits for every write called so far, then stops the thread (which closes its connection). */
	close(): Promise<void> {
		this.#closing ??= this.#close();
		return this.#closing;
	}

	async #close(): Promise<void> {
		if (this.#pending.size > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
		const worker = this.#worker;
		if (!worker) return;
		this.#worker = null;
		// Referenced until it has gone, so the process does not end halfway through closing.
		worker.ref();
		const exited = new Promise((resolve) => worker.once('exit', resolve));
		worker.postMessage({ close: true } satisfies ToWriter);
		await exited;
	}

	#call(method: WriteMethod, args: unknown[], record?: (seq: number) => LogRecord): Promise<unknown> {
		if (this.#closing) return Promise.reject(new Error('the storage is closed'));
		return new Promise((resolve, reject) => {
			const id = ++this.#nextId;
			this.#pending.set(id, { resolve, reject, ...(record ? { record } : {}) });
			this.#calls.push({ id, method, args });
			// The writes of one turn go together: the appends among them commit as one transaction.
			if (this.#calls.length === 1) setImmediate(() => this.#post());
			this.#updateRef();
		});
	}

	#post(): void {
		const calls = this.#calls;
		this.#calls = [];
		if (calls.length === 0) return;
		try {
			this.#worker ??= this.#start();
			this.#worker.postMessage({ calls } satisfies ToWriter);
		} catch {
			// Something that cannot be copied to the thread (not plain data) fails its own write only.
			for (const call of calls) {
				try {
					this.#worker?.postMessage({ calls: [call] } satisfies ToWriter);
				} catch (error) {
					this.#settle([{ id: call.id, error: { name: 'Error', message: String(error) } }]);
				}
			}
		}
	}

	#start(): Worker {
		const worker = new Worker(ENTRY, { workerData: { file: this.#file } });
		this.#referenced = true;
		let failure: Error | null = null;
		worker.on('message', (message: FromWriter) => this.#settle(message.outcomes));
		worker.on('error', (error) => (failure = error));
		worker.on('exit', () => {
			if (this.#worker === worker) this.#worker = null;
			// Stopped before answering (it failed, or could not start): what was sent to it fails. A
			// write that failed so may or may not have committed; a push is acknowledged only once it
			// has, and a device sends an unacknowledged push again, which is then logged once. Writes
			// not sent yet go to the next writer.
			const reason = failure?.message ?? 'it stopped';
			const unsent = new Set(this.#calls.map((call) => call.id));
			for (const [id, pending] of this.#pending) {
				if (unsent.has(id)) continue;
				this.#pending.delete(id);
				pending.reject(new Error(`the database writer failed: ${reason}`));
			}
			this.#afterSettling();
		});
		return worker;
	}

	#settle(outcomes: readonly Outcome[]): void {
		for (const outcome of outcomes) {
			const pending = this.#pending.get(outcome.id);
			if (!pending) continue;
			this.#pending.delete(outcome.id);
			if ('error' in outcome) pending.reject(Object.assign(new Error(outcome.error.message), outcome.error));
			else if ('seq' in outcome && pending.record) pending.resolve(pending.record(outcome.seq));
			else pending.resolve('value' in outcome ? outcome.value : undefined);
		}
		this.#afterSettling();
	}

	#afterSettling(): void {
		if (this.#pending.size === 0 && this.#drained) {
			this.#drained();
			this.#drained = null;
		}
		this.#updateRef();
	}

	/** The thread keeps the process alive only while writes are waiting. */
	#updateRef(): void {
		const busy = this.#pending.size > 0;
		if (!this.#worker || busy === this.#referenced) return;
		this.#referenced = busy;
		if (busy) this.#worker.ref();
		else this.#worker.unref();
	}
}

/**
 * The writer thread's side: runs each call on `storage` (opened on the thread's own connection) in
 * the order received, and answers the outcomes of one turn in one message.
 */
export function serveWrites(storage: Storage, port: MessagePort): void {
	let outcomes: Outcome[] = [];
	const answer = (outcome: Outcome): void => {
		outcomes.push(outcome);
		if (outcomes.length > 1) return;
		setImmediate(() => {
			const all = outcomes;
			outcomes = [];
			port.postMessage({ outcomes: all } satisfies FromWriter);
		});
	};
	port.on('message', (message: ToWriter) => {
		if ('close' in message) {
			// Ends this thread only.
			void storage.close().finally(() => process.exit(0));
			return;
		}
		for (const { id, method, args } of message.calls) {
			const run = storage[method] as (...args: unknown[]) => Promise<unknown>;
			run.apply(storage, args).then(
				(value) => {
					const input = args[0] as AppendInput;
					// A record of this push (not an earlier one of the same push id) holds its update.
					const logged = method === 'append' && (value as LogRecord).update === input.update;
					answer(logged ? { id, seq: (value as LogRecord).seq } : { id, value });
				},
				(error: unknown) => {
					const { name, message, code } = error as Error & { code?: unknown };
					answer({
						id,
						error: {
							name: typeof name === 'string' ? name : 'Error',
							message: typeof message === 'string' ? message : String(error),
							...(typeof code === 'string' ? { code } : {})
						}
					});
				}
			);
		}
	});
}
