import { describe, expect, it } from 'vitest';
import { concurrentByPath, type HistoryEntry } from '../../src/lib/store';
import { int, mulberry32, pick, type Rng } from '../factories';
import { entry } from './history-fixtures';
import { concurrentWith } from '../history-oracle';

const PATHS = [
	['fields', 'city'],
	['fields', 'zip'],
	['channels', 'c1', 'value'],
	['groups', 'g1']
];

/**
 * A random history of `count` edits by three clients that sometimes sync (merge what another
 * client has seen), so edits are sometimes concurrent and sometimes not.
 */
function randomHistory(rng: Rng, count: number): HistoryEntry[] {
	const seen = [1, 2, 3].map((c) => new Map<number, number>([[c, 0]]));
	const entries: HistoryEntry[] = [];
	for (let i = 0; i < count; i++) {
		if (rng() < 0.3) {
			const [a, b] = [int(rng, 0, 2), int(rng, 0, 2)];
			for (const [client, clock] of seen[b] ?? []) {
				const known = seen[a]?.get(client) ?? 0;
				seen[a]?.set(client, Math.max(known, clock));
			}
		}
		const index = int(rng, 0, 2);
		const client = index + 1;
		const state = seen[index] as Map<number, number>;
		const clockEnd = (state.get(client) ?? 0) + int(rng, 1, 3);
		const paths = new Set([pick(rng, PATHS), ...(rng() < 0.3 ? [pick(rng, PATHS)] : [])]);
		entries.push(
			entry(
				[...paths].map((path) => ({ path, from: 'a', to: 'b' })),
				{ time: i, client, clockEnd, seen: Object.fromEntries(state) }
			)
		);
		state.set(client, clockEnd);
	}
	return entries.reverse();
}

describe('concurrentByPath', () => {
	it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
		'finds exactly the entries concurrentWith finds (seed %i)',
		(seed) => {
			const entries = randomHistory(mulberry32(seed), 80);
			const found = concurrentByPath(entries);
			let concurrentPairs = 0;
			for (const e of entries) {
				const expected = concurrentWith(entries, e)
					.map((o) => o.id)
					.sort();
				const actual = [...new Set([...(found.get(e.id)?.values() ?? [])].flat().map((o) => o.id))].sort();
				expect(actual, `entry ${e.id}`).toEqual(expected);
				concurrentPairs += expected.length;
			}
			// The generator must actually produce concurrent edits for this to prove much.
			expect(concurrentPairs).toBeGreaterThan(0);
		}
	);

	it('keys what it finds by the path both entries touched', () => {
		const mine = entry([{ path: ['fields', 'city'], from: 'Köln', to: 'Bonn' }], {
			time: 2,
			client: 1,
			clockEnd: 12,
			seen: { 1: 10 }
		});
		const theirs = entry(
			[
				{ path: ['fields', 'city'], from: 'Köln', to: 'Berlin' },
				{ path: ['fields', 'zip'], from: '50667', to: '10115' }
			],
			{ time: 1, client: 2, clockEnd: 3, seen: { 1: 10, 2: 0 } }
		);
		const found = concurrentByPath([mine, theirs]);
		expect([...(found.get(mine.id)?.keys() ?? [])]).toEqual(['fields\u0000city']);
		expect(found.get(mine.id)?.get('fields\u0000city')).toEqual([theirs]);
		expect(found.get(theirs.id)?.get('fields\u0000city')).toEqual([mine]);
	});

	it('finds nothing concurrent in a long history of devices that always synced first', () => {
		const entries = Array.from({ length: 1000 }, (_, i) => {
			const client = (i % 2) + 1;
			// Each edit saw every earlier one: both clients' clocks up to the previous edit.
			return entry([{ path: ['fields', 'notes'], from: `${i}`, to: `${i + 1}` }], {
				time: i,
				client,
				clockEnd: i + 1,
				seen: { 1: i, 2: i }
			});
		}).reverse();
		expect(concurrentByPath(entries).size).toBe(0);
	});
});
