import { describe, expect, it } from 'vitest';
import { LogFeeds } from '../../sync-server/log-feed';
import { EMPTY_ENTRIES, EMPTY_UPDATE, type LogRecord } from '../../sync-server/storage/storage';

const WS = 'workspace-1';

function record(seq: number, pushId = `push-${seq}`): LogRecord {
	return {
		workspaceId: WS,
		seq,
		kind: 'update',
		docId: `doc-${seq}`,
		pushId,
		update: EMPTY_UPDATE,
		authorId: 'user-1',
		device: 'device-1',
		clientTime: seq,
		serverTime: seq,
		entries: EMPTY_ENTRIES
	};
}

/** Feeds over a log held in memory; what reaches "the devices" is written to `delivered`. */
function rig(head = 0) {
	const log: LogRecord[] = Array.from({ length: head }, (_, i) => record(i + 1));
	const delivered: string[] = [];
	let reads = 0;
	const feeds = new LogFeeds({
		head: async () => log.length,
		logAfter: async (_ws, after, limit) => {
			reads++;
			return log.filter((r) => r.seq > after).slice(0, limit);
		},
		prepareRemote: async (_ws, records) => records.map((r) => () => void delivered.push(`remote ${r.seq}`)),
		onError: (error) => {
			throw error;
		}
	});
	/** Another instance commits the next record. */
	const remote = () => {
		const r = record(log.length + 1);
		log.push(r);
		return r;
	};
	/** This instance commits the next record (its delivery is offered later by the test). */
	const local = () => {
		const r = record(log.length + 1);
		feeds.begin(WS, r.pushId);
		log.push(r);
		return r;
	};
	const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
	return { feeds, delivered, remote, local, settle, reads: () => reads };
}

describe('LogFeeds', () => {
	it('delivers records of this instance at once when nothing is missing, without reading the log', async () => {
		const { feeds, delivered, local, reads } = rig(3);
		await feeds.open(WS);
		for (let i = 0; i < 3; i++) {
			const r = local();
			feeds.offer(WS, r.seq, () => delivered.push(`local ${r.seq}`));
			feeds.end(WS, r.pushId);
		}
		expect(delivered).toEqual(['local 4', 'local 5', 'local 6']);
		expect(reads()).toBe(0);
	});

	it('holds a local record back until the record of another instance before it is delivered', async () => {
		const { feeds, delivered, remote, local, settle } = rig();
		await feeds.open(WS);
		remote();
		const mine = local();
		feeds.offer(WS, mine.seq, () => delivered.push(`local ${mine.seq}`));
		feeds.end(WS, mine.pushId);
		await settle();
		expect(delivered).toEqual(['remote 1', 'local 2']);
	});

	it('reads records of other instances when notified, in order, and each once', async () => {
		const { feeds, delivered, remote, settle } = rig(2);
		await feeds.open(WS);
		remote();
		remote();
		feeds.notified(WS, 4);
		feeds.notified(WS, 4);
		await settle();
		remote();
		feeds.notified(WS, 5);
		feeds.notified(WS, 3);
		await settle();
		expect(delivered).toEqual(['remote 3', 'remote 4', 'remote 5']);
	});

	it('never delivers a record of this instance as a remote one, even when notified before it is offered', async () => {
		const { feeds, delivered, remote, local, settle } = rig();
		await feeds.open(WS);
		const mine = local();
		remote();
		feeds.notified(WS, 2);
		await settle();
		// Record 2 waits behind record 1, which this instance is still delivering.
		expect(delivered).toEqual([]);
		feeds.offer(WS, mine.seq, () => delivered.push(`local ${mine.seq}`));
		feeds.end(WS, mine.pushId);
		await settle();
		expect(delivered).toEqual(['local 1', 'remote 2']);
	});

	it('delivers from the log a local record whose write ended without offering it', async () => {
		const { feeds, delivered, local, remote, settle } = rig();
		await feeds.open(WS);
		const lost = local();
		const later = remote();
		feeds.notified(WS, later.seq);
		await settle();
		expect(delivered).toEqual([]);
		feeds.end(WS, lost.pushId);
		await settle();
		expect(delivered).toEqual(['remote 1', 'remote 2']);
	});

	it('runs a repeated offer of a seq delivered already at once (a resent push gets its answer again)', async () => {
		const { feeds, delivered, local } = rig();
		await feeds.open(WS);
		const r = local();
		feeds.offer(WS, r.seq, () => delivered.push('first answer'));
		feeds.end(WS, r.pushId);
		feeds.offer(WS, r.seq, () => delivered.push('second answer'));
		expect(delivered).toEqual(['first answer', 'second answer']);
	});

	it('starts after the head it finds, and delivers what was offered while it read the head', async () => {
		const { feeds, delivered, local } = rig(5);
		const opening = feeds.open(WS);
		const r = local();
		feeds.offer(WS, r.seq, () => delivered.push(`local ${r.seq}`));
		feeds.end(WS, r.pushId);
		await opening;
		expect(delivered).toEqual(['local 6']);
	});

	it('delivers what waits when the workspace is no longer followed', async () => {
		const { feeds, delivered, local } = rig();
		await feeds.open(WS);
		const first = local();
		const second = local();
		feeds.offer(WS, second.seq, () => delivered.push(`local ${second.seq}`));
		expect(delivered).toEqual([]);
		feeds.close(WS);
		expect(delivered).toEqual(['local 2']);
		feeds.offer(WS, first.seq, () => delivered.push(`local ${first.seq}`));
		expect(delivered).toEqual(['local 2', 'local 1']);
	});

	it('catches up with every followed workspace after notifications were missed', async () => {
		const { feeds, delivered, remote, settle } = rig();
		await feeds.open(WS);
		remote();
		remote();
		await feeds.catchUp();
		await settle();
		expect(delivered).toEqual(['remote 1', 'remote 2']);
	});
});
