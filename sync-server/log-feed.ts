/**
 * Delivers each workspace's log records to this instance's devices strictly in seq order, whichever
 * instance wrote them. A device's cursor is the highest seq it has seen (acknowledgements move it
 * too), so a record delivered after a later one could be skipped for good when the device resumes:
 * with several server instances on one database, records written elsewhere arrive late.
 *
 * Records this instance writes are offered with their delivery (the acknowledgement to the pusher,
 * the broadcast to the others) and run once every earlier seq has run. Gaps are records of other
 * instances: they are read from the log (on a notification, or when a local record waits behind a
 * gap) and delivered by `deliverRemote`. With one instance there are no gaps and nothing is read.
 */
import type { LogRecord } from './storage/storage';

export interface LogFeedOptions {
	logAfter(workspaceId: string, afterSeq: number, limit: number): Promise<LogRecord[]>;
	head(workspaceId: string): Promise<number>;
	/**
	 * Prepares records written by another instance (or not delivered by this one) and returns, per
	 * record, the function that delivers it to this instance's devices.
	 */
	prepareRemote(workspaceId: string, records: readonly LogRecord[]): Promise<(() => void)[]>;
	onError?: (error: unknown) => void;
}

const PAGE = 500;

class Feed {
	/** Every seq up to this one has been delivered; null until the head has been read. */
	delivered: number | null = null;
	/** Deliveries waiting for earlier seqs, by seq (a resent push may offer a seq twice). */
	readonly pending = new Map<number, (() => void)[]>();
	/** The highest seq known to exist (from notifications). */
	wanted = 0;
	fetching = false;
	again = false;
}

export class LogFeeds {
	readonly #options: LogFeedOptions;
	readonly #feeds = new Map<string, Feed>();
	/** Writes in flight on this instance (workspace NUL push id): their records come by `offer`. */
	readonly #local = new Set<string>();
	#stopped = false;

	constructor(options: LogFeedOptions) {
		this.#options = options;
	}

	/** Starts following a workspace (its first device connected here); resolves once its head is known. */
	async open(workspaceId: string): Promise<void> {
		if (this.#feeds.has(workspaceId) || this.#stopped) return;
		const feed = new Feed();
		this.#feeds.set(workspaceId, feed);
		const head = await this.#options.head(workspaceId);
		if (this.#feeds.get(workspaceId) !== feed) return;
		feed.delivered = head;
		this.#drain(workspaceId, feed);
	}

	/** Stops following every workspace and reads nothing more (the server shuts down). */
	stop(): void {
		this.#stopped = true;
		for (const workspaceId of [...this.#feeds.keys()]) this.close(workspaceId);
	}

	/** Stops following a workspace (its last device here left). */
	close(workspaceId: string): void {
		const feed = this.#feeds.get(workspaceId);
		this.#feeds.delete(workspaceId);
		// What waited is delivered now, in order: the devices it was for are gone, but an acknowledgement
		// to a socket that closed is harmless and nothing may be left behind.
		for (const seq of [...(feed?.pending.keys() ?? [])].sort((a, b) => a - b))
			for (const run of feed?.pending.get(seq) ?? []) this.#run(run);
	}

	/** A write of `pushId` starts on this instance: its record must not be delivered as a remote one. */
	begin(workspaceId: string, pushId: string): void {
		this.#local.add(`${workspaceId}\u0000${pushId}`);
	}

	/** The write is over (offered, or failed): a record it left undelivered is read from the log. */
	end(workspaceId: string, pushId: string): void {
		this.#local.delete(`${workspaceId}\u0000${pushId}`);
		const feed = this.#feeds.get(workspaceId);
		if (feed && feed.pending.size > 0) this.#drain(workspaceId, feed);
	}

	/** Hands over a record this instance wrote, with its delivery, to run in seq order. */
	offer(workspaceId: string, seq: number, deliver: () => void): void {
		const feed = this.#feeds.get(workspaceId);
		if (!feed || (feed.delivered !== null && seq <= feed.delivered)) return this.#run(deliver);
		const waiting = feed.pending.get(seq);
		if (waiting) waiting.push(deliver);
		else feed.pending.set(seq, [deliver]);
		this.#drain(workspaceId, feed);
	}

	/**
	 * Catches up with the log of every followed workspace (after notifications may have been missed:
	 * the listening connection was lost).
	 */
	async catchUp(): Promise<void> {
		for (const workspaceId of [...this.#feeds.keys()]) {
			this.notified(workspaceId, await this.#options.head(workspaceId));
		}
	}

	/** Another instance (or this one) committed records up to `seq`. */
	notified(workspaceId: string, seq: number): void {
		const feed = this.#feeds.get(workspaceId);
		if (!feed || feed.delivered === null) return;
		feed.wanted = Math.max(feed.wanted, seq);
		this.#drain(workspaceId, feed);
	}

	#run(deliver: () => void): void {
		try {
			deliver();
		} catch (error) {
			this.#options.onError?.(error);
		}
	}

	/** Runs what is due in seq order; reads the log when something is missing. */
	#drain(workspaceId: string, feed: Feed): void {
		const delivered = this.#advance(feed);
		if (delivered === null) return;
		if (feed.pending.size > 0 || feed.wanted > delivered) void this.#fetch(workspaceId, feed);
	}

	/** Runs the deliveries that are due, in seq order; returns how far delivery got. */
	#advance(feed: Feed): number | null {
		let delivered = feed.delivered;
		if (delivered === null) return null;
		// Offered while the head was being read: in order already.
		const early = [...feed.pending.keys()].filter((s) => s <= (delivered ?? 0)).sort((a, b) => a - b);
		for (const seq of early) {
			const due = feed.pending.get(seq) ?? [];
			feed.pending.delete(seq);
			for (const run of due) this.#run(run);
		}
		for (let due = feed.pending.get(delivered + 1); due; due = feed.pending.get(delivered + 1)) {
			feed.pending.delete(delivered + 1);
			feed.delivered = delivered += 1;
			for (const run of due) this.#run(run);
		}
		return delivered;
	}

	/** Reads the records between what was delivered and what is known to exist; one read at a time. */
	async #fetch(workspaceId: string, feed: Feed): Promise<void> {
		if (feed.fetching) {
			feed.again = true;
			return;
		}
		feed.fetching = true;
		try {
			do {
				feed.again = false;
				const delivered = feed.delivered ?? 0;
				const records = await this.#options.logAfter(workspaceId, delivered, PAGE);
				const remote = records.filter(
					(r) => !feed.pending.has(r.seq) && !this.#local.has(`${workspaceId}\u0000${r.pushId}`)
				);
				const deliveries = await this.#options.prepareRemote(workspaceId, remote);
				if (this.#feeds.get(workspaceId) !== feed) return;
				for (const [i, record] of remote.entries()) {
					// Offered meanwhile by this instance after all: that delivery counts.
					if (feed.pending.has(record.seq) || record.seq <= (feed.delivered ?? 0)) continue;
					feed.pending.set(record.seq, [deliveries[i] as () => void]);
				}
				const before = feed.delivered;
				this.#advance(feed);
				// More to read when this page was full and it moved things along.
				if (records.length === PAGE && feed.delivered !== before) feed.again = true;
			} while (feed.again);
		} catch (error) {
			this.#options.onError?.(error);
		} finally {
			feed.fetching = false;
		}
	}
}
