import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadPacer } from '../../sync-server/read-pacer';

/** A socket that records when it was paused and resumed. */
function socket() {
	const calls: string[] = [];
	return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
}

const MB = 1024 * 1024;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ReadPacer', () => {
	it('leaves a connection alone while it stays within its rate and burst', () => {
		const s = socket();
		const pacer = new ReadPacer(s, { bytesPerSecond: 1 * MB, burstBytes: 2 * MB, maxWaiting: 8 }, () =>
			Date.now()
		);
		for (let i = 0; i < 20; i++) {
			pacer.received(100 * 1024);
			pacer.handled();
			vi.advanceTimersByTime(100);
		}
		expect(s.calls).toEqual([]);
	});

	it('stops reading once the allowance is spent and reads again when it has grown back', () => {
		const s = socket();
		const pacer = new ReadPacer(s, { bytesPerSecond: 1 * MB, burstBytes: 2 * MB, maxWaiting: 8 }, () =>
			Date.now()
		);
		pacer.received(1.5 * MB);
		pacer.handled();
		expect(s.calls).toEqual([]);
		pacer.received(1.5 * MB); // 1 MB over: a second's worth of allowance
		pacer.handled();
		expect(s.calls).toEqual(['pause']);
		expect(pacer.paused).toBe(true);
		vi.advanceTimersByTime(900);
		expect(s.calls).toEqual(['pause']);
		vi.advanceTimersByTime(200);
		expect(s.calls).toEqual(['pause', 'resume']);
		expect(pacer.paused).toBe(false);
	});

	it("gives a sender's next connection what its last one left, not a new burst", () => {
		const pace = { bytesPerSecond: 1 * MB, burstBytes: 2 * MB, maxWaiting: 8 };
		const first = socket();
		const firstPacer = new ReadPacer(first, pace, () => Date.now());
		firstPacer.received(1.5 * MB);
		firstPacer.handled();
		const session = firstPacer.allowance;
		firstPacer.stop();
		// The next connection has sent its hello (1 KB) when it is known to be the same sender.
		const next = socket();
		const nextPacer = new ReadPacer(next, pace, () => Date.now());
		nextPacer.received(1024);
		nextPacer.handled();
		nextPacer.share(session);
		expect(next.calls).toEqual([]);
		nextPacer.received(1 * MB); // a fresh connection could; this one is 0.5 MB over
		nextPacer.handled();
		expect(next.calls).toEqual(['pause']);
		vi.advanceTimersByTime(600);
		expect(next.calls).toEqual(['pause', 'resume']);
		expect(nextPacer.isFull(session)).toBe(false);
		vi.advanceTimersByTime(2000);
		expect(nextPacer.isFull(session)).toBe(true);
	});

	it('pauses at once a connection that joins an overdrawn allowance', () => {
		const pace = { bytesPerSecond: 1 * MB, burstBytes: 2 * MB, maxWaiting: 8 };
		const first = new ReadPacer(socket(), pace, () => Date.now());
		first.received(3 * MB);
		const s = socket();
		const second = new ReadPacer(s, pace, () => Date.now());
		second.share(first.allowance);
		expect(s.calls).toEqual(['pause']);
		vi.advanceTimersByTime(1100);
		expect(s.calls).toEqual(['pause', 'resume']);
		first.stop();
	});

	it('stops reading while too many messages wait, and reads again as they are handled', () => {
		const s = socket();
		const pacer = new ReadPacer(s, { bytesPerSecond: 1 * MB, burstBytes: 2 * MB, maxWaiting: 3 }, () =>
			Date.now()
		);
		pacer.received(10);
		pacer.received(10);
		expect(s.calls).toEqual([]);
		pacer.received(10);
		expect(s.calls).toEqual(['pause']);
		pacer.handled();
		expect(s.calls).toEqual(['pause', 'resume']);
	});

	it('leaves no timer behind once stopped', () => {
		const s = socket();
		const pacer = new ReadPacer(s, { bytesPerSecond: MB, burstBytes: MB, maxWaiting: 8 }, () => Date.now());
		pacer.received(3 * MB);
		expect(vi.getTimerCount()).toBe(1);
		pacer.stop();
		expect(vi.getTimerCount()).toBe(0);
	});
});
