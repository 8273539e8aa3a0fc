import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { applyContactEdits, readContact } from '../../src/lib/crdt';
import { orderKeyAtEnd, orderKeyForMove, type ContactEdit } from '../../src/lib/domain';
import { makeChannel, mulberry32, pick, seededChannelId } from '../factories';
import { CH1, CH2, CH3, CH4, G1, G2, OTHER_PARENT_ID, PARENT_ID, docWith, replica, sync } from './helpers';

describe('concurrent edits converge', () => {
	function withChannels(): Y.Doc {
		const doc = docWith({ city: 'Berlin' }, 1);
		applyContactEdits(doc, [
			{ type: 'addChannel', channel: makeChannel({ id: CH1, order: 'a0' }) },
			{ type: 'addChannel', channel: makeChannel({ id: CH2, kind: 'mobile', order: 'a1' }) },
			{ type: 'addChannel', channel: makeChannel({ id: CH3, kind: 'email', order: 'a2' }) },
			{ type: 'addGroup', id: G1 }
		]);
		return doc;
	}

	/** Runs `edit` on two replicas (client ids both ways round) and returns both, synced. */
	function concurrently(
		base: Y.Doc,
		editA: (d: Y.Doc) => void,
		editB: (d: Y.Doc) => void,
		ids: [number, number]
	) {
		const a = replica(base, ids[0]);
		const b = replica(base, ids[1]);
		editA(a);
		editB(b);
		sync(a, b);
		const ca = readContact(a);
		expect(readContact(b)).toEqual(ca);
		expect(Y.encodeStateAsUpdate(a)).toEqual(Y.encodeStateAsUpdate(b));
		return ca;
	}

	const orders: [number, number][] = [
		[10, 20],
		[20, 10]
	];

	it.each(orders)('keeps edits of different fields (clients %i, %i)', (x, y) => {
		const c = concurrently(
			withChannels(),
			(d) => applyContactEdits(d, [{ type: 'set', field: 'city', value: 'Köln' }]),
			(d) =>
				applyContactEdits(d, [
					{ type: 'set', field: 'lastName', value: 'Schäfer' },
					{ type: 'addGroup', id: G2 }
				]),
			[x, y]
		);
		expect(c).toMatchObject({ city: 'Köln', lastName: 'Schäfer', firstName: 'Anna', groups: [G1, G2] });
	});

	it.each(orders)('picks one value when both set the same field (clients %i, %i)', (x, y) => {
		const c = concurrently(
			withChannels(),
			(d) => applyContactEdits(d, [{ type: 'set', field: 'city', value: 'Köln' }]),
			(d) => applyContactEdits(d, [{ type: 'set', field: 'city', value: 'Bonn' }]),
			[x, y]
		);
		expect(['Köln', 'Bonn']).toContain(c.city);
	});

	it.each(orders)(
		'keeps both reorders of different channels, without duplicates (clients %i, %i)',
		(x, y) => {
			const base = withChannels();
			const c = concurrently(
				base,
				// A: the e-mail to the top
				(d) => {
					const key = orderKeyForMove(readContact(d).channels, CH3, 0);
					if (key) applyContactEdits(d, [{ type: 'moveChannel', id: CH3, order: key }]);
				},
				// B: the phone to the bottom
				(d) => {
					const key = orderKeyForMove(readContact(d).channels, CH1, 2);
					if (key) applyContactEdits(d, [{ type: 'moveChannel', id: CH1, order: key }]);
				},
				[x, y]
			);
			expect(c.channels.map((ch) => ch.id)).toEqual([CH3, CH2, CH1]);
		}
	);

	it.each(orders)('keeps both channels added at the end at the same time (clients %i, %i)', (x, y) => {
		const c = concurrently(
			withChannels(),
			(d) => {
				const order = orderKeyAtEnd(readContact(d).channels);
				applyContactEdits(d, [{ type: 'addChannel', channel: makeChannel({ id: CH4, kind: 'fax', order }) }]);
			},
			(d) => {
				const order = orderKeyAtEnd(readContact(d).channels);
				const id = seededChannelId(mulberry32(99));
				applyContactEdits(d, [{ type: 'addChannel', channel: makeChannel({ id, kind: 'phone', order }) }]);
			},
			[x, y]
		);
		expect(c.channels).toHaveLength(5);
		expect(new Set(c.channels.map((ch) => ch.id)).size).toBe(5);
		expect(c.channels.slice(0, 3).map((ch) => ch.id)).toEqual([CH1, CH2, CH3]);
		// the tie at the end is broken by id, the same way on both devices
		expect(c.channels[3]?.order).toBe(c.channels[4]?.order);
	});

	it.each(orders)('removes a channel that was updated at the same time (clients %i, %i)', (x, y) => {
		const c = concurrently(
			withChannels(),
			(d) => applyContactEdits(d, [{ type: 'removeChannel', id: CH2 }]),
			(d) =>
				applyContactEdits(d, [
					{ type: 'updateChannel', id: CH2, patch: { value: '0171 9999999', label: 'neu' } }
				]),
			[x, y]
		);
		expect(c.channels.map((ch) => ch.id)).toEqual([CH1, CH3]);
	});

	it.each(orders)('keeps an update and a move of the same channel (clients %i, %i)', (x, y) => {
		const c = concurrently(
			withChannels(),
			(d) => applyContactEdits(d, [{ type: 'updateChannel', id: CH1, patch: { label: 'Zentrale' } }]),
			(d) => applyContactEdits(d, [{ type: 'moveChannel', id: CH1, order: 'a3' }]),
			[x, y]
		);
		expect(c.channels.map((ch) => [ch.id, ch.label])).toEqual([
			[CH2, ''],
			[CH3, ''],
			[CH1, 'Zentrale']
		]);
	});

	it.each(orders)('a no-op edit does not undo a concurrent real change (clients %i, %i)', (x, y) => {
		const base = withChannels();
		applyContactEdits(base, [{ type: 'setParent', parentId: PARENT_ID }]);
		const c = concurrently(
			base,
			(d) =>
				applyContactEdits(d, [
					{ type: 'setParent', parentId: OTHER_PARENT_ID },
					{ type: 'removeGroup', id: G1 },
					{ type: 'moveChannel', id: CH1, order: 'a5' },
					{ type: 'set', field: 'city', value: 'Köln' }
				]),
			// B saves the form unchanged: the same parent, group, order and city again
			(d) =>
				applyContactEdits(d, [
					{ type: 'setParent', parentId: PARENT_ID },
					{ type: 'addGroup', id: G1 },
					{ type: 'moveChannel', id: CH1, order: 'a0' },
					{ type: 'set', field: 'city', value: 'Berlin' }
				]),
			[x, y]
		);
		expect(c.parentId).toBe(OTHER_PARENT_ID);
		expect(c.groups).toEqual([]);
		expect(c.channels.map((ch) => ch.id)).toEqual([CH2, CH3, CH1]);
		expect(c.city).toBe('Köln');
	});

	it('converges across three replicas with random edits and delivery order (seeded)', () => {
		const random = mulberry32(31337);
		const pool = [CH1, CH2, CH3, CH4];
		const groups = [G1, G2];
		for (let round = 0; round < 40; round++) {
			const base = withChannels();
			const replicas = [replica(base, 101), replica(base, 202), replica(base, 303)];
			for (let step = 0; step < 12; step++) {
				const d = pick(random, replicas);
				const current = readContact(d);
				const id = pick(random, pool);
				const group = pick(random, groups);
				const edits: ContactEdit[] = [
					{ type: 'set', field: 'city', value: `Stadt ${step}` },
					{ type: 'removeChannel', id },
					{ type: 'addChannel', channel: makeChannel({ id, order: orderKeyAtEnd(current.channels) }) },
					{ type: 'updateChannel', id, patch: { label: `L${step}` } },
					{ type: 'moveChannel', id, order: orderKeyForMove(current.channels, id, 0) ?? 'a0' },
					{ type: 'addGroup', id: group },
					{ type: 'removeGroup', id: group },
					{ type: 'setParent', parentId: random() < 0.5 ? PARENT_ID : null }
				];
				applyContactEdits(d, [pick(random, edits)]);
				// sometimes a random pair syncs in the middle
				if (random() < 0.3) {
					const i = Math.floor(random() * 3);
					const j = (i + 1 + Math.floor(random() * 2)) % 3;
					const [p, q] = [replicas[i], replicas[j]];
					if (p && q) sync(p, q);
				}
			}
			const [r0, r1, r2] = replicas;
			if (!r0 || !r1 || !r2) throw new Error('replicas');
			sync(r0, r1);
			sync(r1, r2);
			sync(r0, r1);
			const c = readContact(r0);
			expect(readContact(r1), `round ${round}`).toEqual(c);
			expect(readContact(r2), `round ${round}`).toEqual(c);
			expect(new Set(c.channels.map((ch) => ch.id)).size).toBe(c.channels.length);
		}
	});
});
