/**
 * Paces how fast the server reads one connection. A connection stops being read (TCP then holds
 * its sender back) while it has many messages waiting to be handled, or when it has sent more bytes
 * than its allowance: a rate with a burst on top, like a token bucket. A device syncing normally
 * never meets either limit; a client flooding the server with messages or megabyte frames gets its
 * share of the server and no more, and everyone else's messages are read meanwhile.
 */

export interface Pausable {
	pause(): void;
	resume(): void;
}

export interface PaceOptions {
	/** Bytes per second a connection may send in the long run. */
	bytesPerSecond: number;
	/** Bytes it may send at once on top of that. */
	burstBytes: number;
	/** Messages received and not handled yet at most. */
	maxWaiting: number;
}

export const DEFAULT_PACE: PaceOptions = {
	bytesPerSecond: 8 * 1024 * 1024,
	burstBytes: 16 * 1024 * 1024,
	maxWaiting: 64
};

export class ReadPacer {
	#allowance: number;
	#at: number;
	#waiting = 0;
	#paused = false;
	#timer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly socket: Pausable,
		private readonly options: PaceOptions = DEFAULT_PACE,
		private readonly now: () => number = () => performance.now()
	) {
		this.#allowance = options.burstBytes;
		this.#at = now();
	}

	/** Whether reading is paused now. */
	get paused(): boolean {
		return this.#paused;
	}

	/** A message of `bytes` arrived and waits to be handled. */
	received(bytes: number): void {
		this.#refill();
		this.#allowance -= bytes;
		this.#waiting++;
		this.#check();
	}

	/** A message has been handled. */
	handled(): void {
		this.#waiting = Math.max(0, this.#waiting - 1);
		this.#check();
	}

	/** The connection closed: no timer is left behind. */
	stop(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}

	#refill(): void {
		const now = this.now();
		this.#allowance = Math.min(
			this.options.burstBytes,
			this.#allowance + ((now - this.#at) / 1000) * this.options.bytesPerSecond
		);
		this.#at = now;
	}

	#check(): void {
		this.#refill();
		const tooMany = this.#waiting >= this.options.maxWaiting;
		const overdrawn = this.#allowance < 0;
		if (tooMany || overdrawn) {
			if (!this.#paused) {
				this.#paused = true;
				this.socket.pause();
			}
			// Read again once the allowance is back (the last handled message resumes a full queue).
			if (overdrawn && !this.#timer) {
				const waitMs = Math.ceil((-this.#allowance / this.options.bytesPerSecond) * 1000);
				this.#timer = setTimeout(() => {
					this.#timer = null;
					this.#check();
				}, waitMs);
			}
			return;
		}
		if (this.#paused) {
			this.#paused = false;
			this.socket.resume();
		}
	}
}
