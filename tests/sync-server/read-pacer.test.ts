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
