/**
 * Counts writes to the device database that have not finished. While any is running, leaving
 * the page asks for confirmation, so closing a tab right after typing cannot drop the last edit.
 */
class PendingWrites {
	#count = 0;

	get count(): number {
		return this.#count;
	}

	/** Marks a write as started; call the returned function when it finished or failed. */
	start(): () => void {
		this.#count += 1;
		let finished = false;
		return () => {
			if (finished) return;
			finished = true;
			this.#count -= 1;
		};
	}

	/** Counts `work` as pending until it settles. */
	async track<T>(work: Promise<T>): Promise<T> {
		const done = this.start();
		try {
			return await work;
		} finally {
			done();
		}
	}

	/** A `beforeunload` listener that holds the page while writes are pending. */
	readonly guard = (event: BeforeUnloadEvent): void => {
		if (this.#count > 0) event.preventDefault();
	};
}

export const pendingWrites = new PendingWrites();
