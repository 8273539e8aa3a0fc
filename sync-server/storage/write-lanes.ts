/**
 * Orders one process's writes per key (a workspace) for a storage whose writes are asynchronous
 * transactions: the jobs of a key run one at a time in call order, different keys in parallel.
 * Items `add`ed while the key's previous job runs are grouped into one batch (group commit): one
 * transaction serves many pushes, and each caller's promise resolves, in call order, only after the
 * batch committed. If a batch fails, its items are retried one by one (those made together as
 * one), so one bad item fails alone.
 */

import { retryUnits } from './storage';

interface Waiting<I, R> {
	item: I;
	resolve: (result: R) => void;
	reject: (error: unknown) => void;
}

interface Lane<I, R> {
	/** Settles when the last job queued so far has finished (never rejects). */
	tail: Promise<void>;
	/** Jobs queued and not finished; the lane is forgotten at 0. */
	jobs: number;
	/** The batch still taking items: queued, not yet started. */
	open: Waiting<I, R>[] | null;
}

export class WriteLanes<I, R> {
	readonly #lanes = new Map<string, Lane<I, R>>();
	readonly #writeBatch: (items: readonly I[]) => Promise<R[]>;
	readonly #keyOf: (item: I) => string;
	readonly #together: (item: I) => string | undefined;

	/**
	 * `writeBatch` writes items of one key in order, atomically, and returns one result per item.
	 * `together`: items next to each other with the same value are retried as one (see retryUnits).
	 */
	constructor(
		writeBatch: (items: readonly I[]) => Promise<R[]>,
		keyOf: (item: I) => string,
		together: (item: I) => string | undefined = () => undefined
	) {
		this.#writeBatch = writeBatch;
		this.#keyOf = keyOf;
		this.#together = together;
	}

	/** Writes `item` in the next batch of its key. */
	add(item: I): Promise<R> {
		return new Promise((resolve, reject) => {
			const lane = this.#lane(this.#keyOf(item));
			if (!lane.open) {
				const batch: Waiting<I, R>[] = [];
				lane.open = batch;
				void this.#enqueue(lane, this.#keyOf(item), () => {
					if (lane.open === batch) lane.open = null;
					return this.#flush(batch);
				});
			}
			lane.open.push({ item, resolve, reject });
		});
	}

	/** Runs `job` after everything queued for `key` so far; items added later go after it. */
	run<T>(key: string, job: () => Promise<T>): Promise<T> {
		const lane = this.#lane(key);
		lane.open = null;
		return this.#enqueue(lane, key, job);
	}

	/** Settles once every job queued so far has finished. */
	async idle(): Promise<void> {
		await Promise.all([...this.#lanes.values()].map((lane) => lane.tail));
	}

	#lane(key: string): Lane<I, R> {
		let lane = this.#lanes.get(key);
		if (!lane) {
			lane = { tail: Promise.resolve(), jobs: 0, open: null };
			this.#lanes.set(key, lane);
		}
		return lane;
	}

	#enqueue<T>(lane: Lane<I, R>, key: string, job: () => Promise<T>): Promise<T> {
		lane.jobs++;
		const result = lane.tail.then(job);
		lane.tail = result.then(
			() => this.#finished(lane, key),
			() => this.#finished(lane, key)
		);
		return result;
	}

	#finished(lane: Lane<I, R>, key: string): void {
		lane.jobs--;
		if (lane.jobs === 0 && this.#lanes.get(key) === lane) this.#lanes.delete(key);
	}

	async #flush(batch: readonly Waiting<I, R>[]): Promise<void> {
		try {
			const results = await this.#writeBatch(batch.map((waiting) => waiting.item));
			for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as R);
			return;
		} catch (error) {
			if (batch.length === 1) {
				batch[0]?.reject(error);
				return;
			}
		}
		for (const unit of retryUnits(batch, (waiting) => this.#together(waiting.item))) {
			try {
				const results = await this.#writeBatch(unit.map((waiting) => waiting.item));
				for (const [i, waiting] of unit.entries()) waiting.resolve(results[i] as R);
			} catch (error) {
				for (const waiting of unit) waiting.reject(error);
			}
		}
	}
}
