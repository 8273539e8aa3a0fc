/**
 * The login rate limit. It lives in memory: a restart forgets the counts, and several server
 * instances count separately, which only multiplies the limit by the number of instances.
 */
const MINUTE = 60_000;
export const LOGIN_WINDOW_MS = 15 * MINUTE;
export const MAX_FAILED_LOGINS_PER_EMAIL = 5;
export const MAX_FAILED_LOGINS_PER_IP = 20;
/** How many e-mails or addresses the limiter tracks before it drops the oldest. */
const MAX_TRACKED_KEYS = 100_000;

interface Window {
	start: number;
	count: number;
}

/** Counts attempts per key in fixed windows of `LOGIN_WINDOW_MS`, starting at a key's first attempt. */
class AttemptCounter {
	readonly #windows = new Map<string, Window>();

	constructor(readonly limit: number) {}

	/** Seconds until `key` may try again, or null when it may try now. */
	retryAfter(key: string, now: number): number | null {
		const window = this.#current(key, now);
		if (!window || window.count < this.limit) return null;
		return Math.max(1, Math.ceil((window.start + LOGIN_WINDOW_MS - now) / 1000));
	}

	add(key: string, now: number): void {
		const window = this.#current(key, now);
		if (window) window.count++;
		else this.#windows.set(key, { start: now, count: 1 });
		this.#bound(now);
	}

	remove(key: string, now: number): void {
		const window = this.#current(key, now);
		if (window) window.count = Math.max(0, window.count - 1);
	}

	clear(key: string): void {
		this.#windows.delete(key);
	}

	#current(key: string, now: number): Window | undefined {
		const window = this.#windows.get(key);
		if (window && now >= window.start + LOGIN_WINDOW_MS) {
			this.#windows.delete(key);
			return undefined;
		}
		return window;
	}

	/** Memory stays bounded when someone tries thousands of addresses: expired windows go first, then the oldest. */
	#bound(now: number): void {
		if (this.#windows.size <= MAX_TRACKED_KEYS) return;
		for (const [key, window] of this.#windows) {
			if (now >= window.start + LOGIN_WINDOW_MS) this.#windows.delete(key);
		}
		for (const key of this.#windows.keys()) {
			if (this.#windows.size <= MAX_TRACKED_KEYS) break;
			this.#windows.delete(key);
		}
	}
}

/**
 * Limits failed logins per e-mail and per client address. An attempt counts as failed from its
 * start, and a success takes it back: checking only after the (slow, asynchronous) password check
 * would let a burst of parallel guesses all pass the check before the first one failed.
 */
export class LoginLimiter {
	readonly #byEmail = new AttemptCounter(MAX_FAILED_LOGINS_PER_EMAIL);
	readonly #byIp = new AttemptCounter(MAX_FAILED_LOGINS_PER_IP);

	/** Starts an attempt: the seconds to wait when refused, else null (and the attempt is counted). */
	begin(email: string, ip: string, now: number): number | null {
		const wait = Math.max(this.#byEmail.retryAfter(email, now) ?? 0, this.#byIp.retryAfter(ip, now) ?? 0);
		if (wait > 0) return wait;
		this.#byEmail.add(email, now);
		this.#byIp.add(ip, now);
		return null;
	}

	/** Ends an attempt that succeeded: the e-mail starts afresh, the address gets its attempt back. */
	succeeded(email: string, ip: string, now: number): void {
		this.#byEmail.clear(email);
		this.#byIp.remove(ip, now);
	}
}
