import { describe, expect, it } from 'vitest';
import { FairQueue, type FairJob } from '../../sync-server/fair-queue';

interface TestJob extends FairJob {
	name: string;
}

const job = (source: string, name: string, bytes = 10, solo = false, small = true): TestJob => ({
	source,
	name,
	bytes,
	solo,
	small
});
const names = (jobs: readonly TestJob[]) => jobs.map((j) => j.name);

/** A queue on a clock the test moves. */
function queueAt(): { queue: FairQueue<TestJob>; advance: (ms: number) => void } {
	let now = 0;
	return { queue: new FairQueue<TestJob>(() => now), advance: (ms) => (now += ms) };
}

describe('FairQueue', () => {
	it('takes jobs in turns between sources, each source in the order it queued', () => {
		const { queue } = queueAt();
		for (const name of ['a1', 'a2', 'a3', 'a4']) queue.push(job('a', name));
		for (const name of ['b1', 'b2']) queue.push(job('b', name));
		queue.push(job('c', 'c1'));
		expect(queue.length).toBe(7);
		expect(names(queue.take(64, 1e9, 1e9))).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
		expect(queue.length).toBe(0);
	});

	it('serves a light source before one whose jobs ran long, though it queued later', () => {
		const { queue, advance } = queueAt();
		queue.push(job('flood', 'f1'));
		const [first] = queue.take(1, 1e9, 1e9);
		queue.charge(first as TestJob, 150);
		advance(10);
		for (const name of ['f2', 'f3', 'f4']) queue.push(job('flood', name));
		queue.push(job('editor', 'e1'));
		expect(names(queue.take(1, 1e9, 1e9))).toEqual(['e1']);
		expect(names(queue.take(64, 1e9, 1e9))).toEqual(['f2', 'f3', 'f4']);
	});

	it('forgets usage over time: after a few seconds a source counts as light again', () => {
		const { queue, advance } = queueAt();
		queue.push(job('flood', 'f1'));
		queue.charge(queue.take(1, 1e9, 1e9)[0] as TestJob, 200);
		queue.push(job('flood', 'f2'));
		expect(queue.take(64, 1e9, 1e9, 50)).toEqual([]);
		advance(3000);
		expect(names(queue.take(64, 1e9, 1e9, 50))).toEqual(['f2']);
	});

	it('keeps heavy sources out of a batch limited to light users, and serves them in others', () => {
		const { queue } = queueAt();
		queue.push(job('heavy', 'h1'));
		queue.charge(queue.take(1, 1e9, 1e9)[0] as TestJob, 400);
		queue.push(job('heavy', 'h2'));
		queue.push(job('light', 'l1'));
		expect(names(queue.take(64, 1e9, 1e9, 50))).toEqual(['l1']);
		expect(names(queue.take(64, 1e9, 1e9, 50))).toEqual([]);
		expect(names(queue.take(64, 1e9, 1e9))).toEqual(['h2']);
	});

	it('keeps a large job of a light source out of a batch limited to light users', () => {
		const { queue, advance } = queueAt();
		// A source whose usage has faded: its next job is a 600 KB update, then an edit.
		queue.push(job('faded', 'f1'));
		queue.charge(queue.take(1, 1e9, 1e9)[0] as TestJob, 10);
		advance(5000);
		queue.push(job('faded', 'huge', 600_000, false, false));
		queue.push(job('faded', 'f2'));
		queue.push(job('editor', 'e1'));
		expect(names(queue.take(64, 1e9, 1e9, 50))).toEqual(['e1']);
		expect(names(queue.take(64, 1e9, 1e9, 50))).toEqual([]);
		// Its jobs keep their order in the other lane.
		expect(names(queue.take(64, 1e9, 1e9))).toEqual(['huge', 'f2']);
	});

	it('serves each source the first of its next jobs a batch accepts, the others staying queued', () => {
		const { queue } = queueAt();
		for (const name of ['a1', 'a2']) queue.push(job('a', name));
		for (const name of ['b1', 'b2']) queue.push(job('b', name));
		queue.push(job('c', 'c1'));
		const accept = (j: TestJob) => j.name !== 'b1' && j.name !== 'a2';
		expect(names(queue.take(64, 1e9, 1e9, undefined, accept))).toEqual(['a1', 'b2', 'c1']);
		expect(names(queue.take(64, 1e9, 1e9))).toEqual(['a2', 'b1']);
		// Only the next 64 jobs of a source are looked through.
		for (let i = 0; i < 64; i++) queue.push(job('d', `d${i}`));
		queue.push(job('d', 'wanted'));
		expect(queue.take(64, 1e9, 1e9, undefined, (j) => j.name === 'wanted')).toEqual([]);
		expect(names(queue.take(1, 1e9, 1e9))).toEqual(['d0']);
		expect(names(queue.take(64, 1e9, 1e9, undefined, (j) => j.name === 'wanted'))).toEqual(['wanted']);
	});

	it('ends a batch at the job count, the bytes, the expected time, or a job that runs alone', () => {
		const { queue } = queueAt();
		for (let i = 0; i < 5; i++) queue.push(job('a', `a${i}`, 100));
		expect(names(queue.take(2, 1e9, 1e9))).toEqual(['a0', 'a1']);
		expect(names(queue.take(64, 250, 1e9))).toEqual(['a2', 'a3']);
		expect(names(queue.take(64, 50, 1e9))).toEqual(['a4']); // larger than the bytes allow: alone
		// A source whose jobs took 10 ms each: a 25 ms budget holds three (the third starts under it).
		for (let i = 0; i < 8; i++) {
			queue.push(job('slow', `warm${i}`));
			queue.charge(queue.take(1, 1e9, 1e9)[0] as TestJob, 10);
		}
		for (let i = 1; i <= 5; i++) queue.push(job('slow', `s${i}`));
		expect(names(queue.take(64, 1e9, 25))).toEqual(['s1', 's2', 's3']);
		queue.drain();
		queue.push(job('a', 'x1'));
		queue.push(job('a', 'solo', 10, true));
		queue.push(job('a', 'x2'));
		expect(names(queue.take(64, 1e9, 1e9))).toEqual(['x1']);
		expect(names(queue.take(64, 1e9, 1e9))).toEqual(['solo']);
		expect(names(queue.take(64, 1e9, 1e9))).toEqual(['x2']);
	});

	it('runs jobs put back after a worker failed first, in their order, and drains everything', () => {
		const { queue } = queueAt();
		queue.push(job('a', 'a1'));
		queue.push(job('b', 'b1'));
		queue.unshift([job('c', 'r1'), job('d', 'r2')]);
		expect(queue.length).toBe(4);
		expect(names(queue.take(3, 1e9, 1e9))).toEqual(['r1', 'r2', 'a1']);
		expect(names(queue.drain())).toEqual(['b1']);
		expect(queue.length).toBe(0);
		expect(queue.take(64, 1e9, 1e9)).toEqual([]);
	});

	it('gives a source one job per time-limited batch until one of its jobs has been measured', () => {
		const { queue } = queueAt();
		for (let i = 0; i < 10; i++) queue.push(job('new', `n${i}`));
		expect(names(queue.take(64, 1e9, 20))).toEqual(['n0']);
		expect(names(queue.take(64, 1e9, 20))).toEqual(['n1']);
		// Measured: its jobs take 0.1 ms, so the rest fit one batch.
		queue.charge({ ...job('new', 'n0'), estimate: 20 }, 0.1);
		expect(names(queue.take(64, 1e9, 20))).toEqual(['n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9']);
	});
});
