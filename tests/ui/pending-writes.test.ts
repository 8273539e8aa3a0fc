import { describe, expect, it } from 'vitest';
import { pendingWrites } from '../../src/lib/ui/state/pending-writes';

function unloadEvent(): BeforeUnloadEvent {
	return new Event('beforeunload', { cancelable: true }) as BeforeUnloadEvent;
}

describe('pendingWrites', () => {
	it('holds the page while a tracked write runs, and lets it go when the write settles', async () => {
		let finish: (value: string) => void = () => undefined;
		let fail: (reason: Error) => void = () => undefined;
		const ok = pendingWrites.track(new Promise<string>((resolve) => (finish = resolve)));
		const failing = pendingWrites.track(new Promise<string>((_, reject) => (fail = reject)));
		expect(pendingWrites.count).toBe(2);
		const held = unloadEvent();
		pendingWrites.guard(held);
		expect(held.defaultPrevented).toBe(true);

		finish('saved');
		fail(new Error('quota'));
		await expect(ok).resolves.toBe('saved');
		await expect(failing).rejects.toThrow('quota');
		expect(pendingWrites.count).toBe(0);
		const free = unloadEvent();
		pendingWrites.guard(free);
		expect(free.defaultPrevented).toBe(false);
	});

	it('counts a started write once, however often it is marked done', () => {
		const done = pendingWrites.start();
		done();
		done();
		expect(pendingWrites.count).toBe(0);
	});
});
