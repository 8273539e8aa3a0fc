/**
 * Paces how fast the server reads one connection. A connection stops being read (TCP then holds
 * its sender back) while it has many messages waiting to be handled, or when it has sent more bytes
 * than its allowance: a rate with a burst on top, like a token bucket. Once signed in, the
 * connections of one session draw on one allowance (see `share`). A device syncing normally
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

/** Bytes a sender may still send, as of `at`: one per connection, or shared by a session's connections. */
export interface Allowance {
	bytes: number;
	at: number;
}

export class ReadPacer {
	#allowance: Allowance;
	#waiting = 0;
	#paused = false;
	#timer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly socket: Pausable,
		private readonly options: PaceOptions = DEFAULT_PACE,
		private readonly now: () => number = () => performance.now()
	) {
		this.#allowance = { bytes: options.burstBytes, at: now() };
	}

	/** What this connection may still send; hand it to `share` of the sender's next connection. */
	get allowance(): Allowance {
		return this.#allowance;
	}

	/**
	 * Paces this connection from `allowance` from now on, with what it sent so far taken off: the
	 * connections of one session share one, so a sender does not get a new burst by reconnecting.
	 */
	share(allowance: Allowance): void {
		if (allowance === this.#allowance) return;
		this.#refill(this.#allowance);
		this.#refill(allowance);
		allowance.bytes -= this.options.burstBytes - this.#allowance.bytes;
		this.#allowance = allowance;
		this.#check();
	}

	/** True when `allowance` is back to the full burst: forgetting it changes nothing. */
	isFull(allowance: Allowance): boolean {
		this.#refill(allowance);
		return allowance.bytes >= this.options.burstBytes;
	}

	/** Whether reading is paused now. */
	get paused(): boolean {
		return this.#paused;
	}

	/** A message of `bytes` arrived and waits to be handled. */
	received(bytes: number): void {
		this.#refill(this.#allowance);
		this.#allowance.bytes -= bytes;
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

	#refill(allowance: Allowance): void {
		const now = this.now();
		allowance.bytes = Math.min(
			this.options.burstBytes,
			allowance.bytes + ((now - allowance.at) / 1000) * this.options.bytesPerSecond
		);
		allowance.at = now;
	}

	#check(): void {
		this.#refill(this.#allowance);
		const tooMany = this.#waiting >= this.options.maxWaiting;
		const overdrawn = this.#allowance.bytes < 0;
		if (tooMany || overdrawn) {
			if (!this.#paused) {
				this.#paused = true;
				this.socket.pause();
			}
			// Read again once the allowance is back (the last handled message resumes a full queue).
			if (overdrawn && !this.#timer) {
				const waitMs = Math.ceil((-this.#allowance.bytes / this.options.bytesPerSecond) * 1000);
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
