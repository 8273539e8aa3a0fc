/**
 * The update guard's queue, fair between sources (one per session): the next job comes from the
 * source that has used the workers least lately, so a device whose pushes are expensive (a flood of
 * huge or crafted updates) waits behind its own jobs, not in front of everyone else's. A batch stops
 * growing once its estimated time reaches a bound, so a job that arrives meanwhile waits for little
 * more than that.
 */

export interface FairJob {
	/** Who the job is for; jobs of one source run in the order queued, unless `take` is told to skip some. */
	source: string;
	bytes: number;
	/** Runs in a batch of its own. */
	solo: boolean;
	/** Small enough to be sure to run fast: the express lane takes nothing else (see `take`). */
	small: boolean;
	/** Set by `take`: the time counted for the job until `charge` corrects it (ms). */
	estimate?: number;
}

/** Usage halves over this time, so what a source did a while ago counts less and less. */
const HALF_LIFE_MS = 1000;
/** What a job of a source with no job measured yet is expected to take (ms): as much as a batch may. */
const FIRST_ESTIMATE_MS = 20;
/** Weight of the newest job in a source's estimate. */
const ESTIMATE_WEIGHT = 0.3;
/** How many of a source's queued jobs `take` looks through for one `accept` accepts. */
const ACCEPT_SCAN = 64;
/** Sources idle this long are forgotten. */
const FORGET_AFTER_MS = 60_000;

interface Source<J> {
	jobs: J[];
	/** Worker time used, decayed to `at`. */
	usage: number;
	at: number;
	/** Expected time of its next job (ms), from its recent jobs. */
	estimate: number;
	/** Whether a job of it has been measured. */
	measured: boolean;
}

export class FairQueue<J extends FairJob> {
	readonly #sources = new Map<string, Source<J>>();
	/** Jobs put back after a worker failed: they run first, in their order. */
	#front: J[] = [];
	#length = 0;
	/** When idle sources were last forgotten. */
	#swept = 0;

	constructor(private readonly now: () => number = () => performance.now()) {}

	get length(): number {
		return this.#length;
	}

	push(job: J): void {
		this.#source(job.source).jobs.push(job);
		this.#length++;
	}

	/** Puts jobs back at the front (a batch whose worker failed), to run before anything else. */
	unshift(jobs: readonly J[]): void {
		this.#front.unshift(...jobs);
		this.#length += jobs.length;
	}

	/**
	 * The next batch: jobs in fair order, at most `maxJobs` and `maxBytes` (a first job larger than
	 * that goes alone), and no more once the estimated time reaches `maxMs`. A solo job goes alone.
	 * With `maxUsage`, only small jobs of sources that used less than that lately (ms) are served
	 * (an express lane for light users while heavy ones keep the other workers busy): a source whose
	 * usage has faded would otherwise get a huge job into the lane meant to stay free. With `accept`,
	 * a source is served the first of its next 64 jobs that `accept` accepts, ahead of those it does
	 * not (jobs put back by `unshift` go first anyway).
	 */
	take(
		maxJobs: number,
		maxBytes: number,
		maxMs: number,
		maxUsage = Number.POSITIVE_INFINITY,
		accept?: (job: J) => boolean
	): J[] {
		const batch: J[] = [];
		let bytes = 0;
		let ms = 0;
		const fits = (job: J): boolean =>
			batch.length === 0 ||
			(!job.solo && batch.length < maxJobs && bytes + job.bytes <= maxBytes && ms < maxMs);
		const add = (job: J, estimate: number): void => {
			this.#length--;
			batch.push(job);
			bytes += job.bytes;
			job.estimate = estimate;
			ms += estimate;
		};
		if (maxUsage === Number.POSITIVE_INFINITY) {
			while (this.#front.length > 0) {
				const job = this.#front[0] as J;
				if (!fits(job)) return batch;
				this.#front.shift();
				const estimate = this.#source(job.source).estimate;
				this.#use(job.source, estimate);
				add(job, estimate);
				if (job.solo) return batch;
			}
		}
		// The sources with jobs waiting and their usage now, decayed once; each pick takes one job from
		// the least used and counts its estimate, so the next pick turns to another source.
		const express = maxUsage !== Number.POSITIVE_INFINITY;
		const now = this.now();
		const active: Source<J>[] = [];
		for (const source of this.#sources.values()) {
			if (source.jobs.length === 0) continue;
			source.usage = this.#decayed(source, now);
			source.at = now;
			active.push(source);
		}
		// With `accept`, each source's first job it accepts among its next few, looked for once per
		// take: a job it refused is not asked about again in this take.
		const picks = new Map<Source<J>, number>();
		const pick = (source: Source<J>): number => {
			if (!accept) return 0;
			let at = picks.get(source) ?? 0;
			const end = Math.min(source.jobs.length, ACCEPT_SCAN);
			while (at < end && !accept(source.jobs[at] as J)) at++;
			picks.set(source, at);
			return at < end ? at : -1;
		};
		for (;;) {
			let best: Source<J> | null = null;
			let bestAt = 0;
			for (const source of active) {
				if (source.usage >= maxUsage || (best && source.usage >= best.usage)) continue;
				const at = pick(source);
				const next = at < 0 ? undefined : source.jobs[at];
				if (!next || (express && !next.small)) continue;
				best = source;
				bestAt = at;
			}
			const job = best?.jobs[bestAt];
			if (!best || !job || !fits(job)) break;
			best.jobs.splice(bestAt, 1);
			best.usage += best.estimate;
			add(job, best.estimate);
			if (job.solo) break;
		}
		if (now - this.#swept > FORGET_AFTER_MS) this.#forgetIdle(now);
		return batch;
	}

	/** What `source` used of the workers lately (ms, faded to now). */
	usage(source: string): number {
		const entry = this.#sources.get(source);
		return entry ? this.#decayed(entry, this.now()) : 0;
	}

	/** `job` (taken by `take`) ran for `ms`: its source's usage and estimate follow. */
	charge(job: J, ms: number): void {
		const entry = this.#sources.get(job.source);
		if (!entry) return;
		this.#use(job.source, ms - (job.estimate ?? 0));
		job.estimate = ms;
		// The first measured job replaces the guess outright: until then a source's jobs are assumed
		// expensive, so a new connection cannot fill a batch with jobs of unknown cost.
		entry.estimate = entry.measured ? entry.estimate + ESTIMATE_WEIGHT * (ms - entry.estimate) : ms;
		entry.measured = true;
	}

	/** Every queued job, the queue left empty. */
	drain(): J[] {
		const all = [...this.#front];
		for (const source of this.#sources.values()) all.push(...source.jobs);
		this.#front = [];
		this.#sources.clear();
		this.#length = 0;
		return all;
	}

	#source(id: string): Source<J> {
		let source = this.#sources.get(id);
		if (!source) {
			source = { jobs: [], usage: 0, at: this.now(), estimate: FIRST_ESTIMATE_MS, measured: false };
			this.#sources.set(id, source);
		}
		return source;
	}

	#decayed(source: Source<J>, now: number): number {
		return source.usage * 0.5 ** ((now - source.at) / HALF_LIFE_MS);
	}

	#use(id: string, ms: number): void {
		const source = this.#source(id);
		const now = this.now();
		source.usage = Math.max(0, this.#decayed(source, now) + ms);
		source.at = now;
	}

	#forgetIdle(now: number): void {
		this.#swept = now;
		for (const [id, source] of this.#sources) {
			if (source.jobs.length === 0 && now - source.at > FORGET_AFTER_MS) this.#sources.delete(id);
		}
	}
}
