import { describe, expect, it } from 'vitest';
import {
	isPhoneLike,
	orderKeyAtEnd,
	orderKeyForMove,
	preferredChannel,
	sortChannels,
	type Channel,
	type ChannelId
} from '../../src/lib/domain';
import { int, makeChannel, mulberry32, pick } from '../factories';

const cid = (name: string) => name as ChannelId;
const entry = (id: string, order: string) => ({ id: cid(id), order });
const ids = (list: readonly { id: ChannelId }[]) => list.map((c) => c.id as string);

/** The list after giving `id` the order key `order`. */
function moved<T extends { id: ChannelId; order: string }>(
	list: readonly T[],
	id: string,
	order: string | null
) {
	if (order === null) throw new Error('no key');
	return sortChannels(list.map((c) => (c.id === id ? { ...c, order } : c)));
}

describe('sortChannels', () => {
	it('sorts by order key, then by id', () => {
		const list = [entry('c', 'a1'), entry('b', 'a0'), entry('a', 'a1'), entry('d', 'Zz'), entry('e', 'a0V')];
		expect(ids(sortChannels(list))).toEqual(['d', 'b', 'e', 'a', 'c']);
	});

	it('does not change its input', () => {
		const list = [entry('b', 'a1'), entry('a', 'a0')];
		sortChannels(list);
		expect(ids(list)).toEqual(['b', 'a']);
	});

	it('is stable under any input order', () => {
		const rng = mulberry32(7);
		const list = Array.from({ length: 12 }, (_, i) =>
			entry(`id${i % 5}-${i}`, pick(rng, ['a0', 'a1', 'a2']))
		);
		const once = ids(sortChannels(list));
		for (let i = 0; i < 20; i++) {
			const shuffled = [...list].sort(() => rng() - 0.5);
			expect(ids(sortChannels(shuffled))).toEqual(once);
		}
	});
});

describe('isPhoneLike', () => {
	it.each([
		['phone', true],
		['mobile', true],
		['fax', true],
		['email', false]
	] as const)('%s -> %s', (kind, expected) => {
		expect(isPhoneLike(kind)).toBe(expected);
	});
});

describe('preferredChannel', () => {
	const phone1 = makeChannel({ id: cid('p1'), kind: 'phone', value: '030 111', order: 'a2' });
	const phone2 = makeChannel({ id: cid('p2'), kind: 'phone', value: '030 222', order: 'a1' });
	const mobile = makeChannel({ id: cid('m1'), kind: 'mobile', order: 'a0' });
	const fax = makeChannel({ id: cid('f1'), kind: 'fax', order: 'Zz' });
	const mail1 = makeChannel({ id: cid('e1'), kind: 'email', value: 'b@firma.de', order: 'a3' });
	const mail2 = makeChannel({ id: cid('e2'), kind: 'email', value: 'a@firma.de', order: 'a4' });

	it.each([
		['the first phone in display order', [phone1, phone2, mobile, fax], 'phone', 'p2'],
		['a mobile when there is no phone', [mobile, fax, mail1], 'phone', 'm1'],
		['never a fax', [fax, mail1], 'phone', null],
		['nothing from an empty list', [], 'phone', null],
		['the first e-mail in display order', [mail2, mail1, phone1], 'email', 'e1'],
		['no e-mail among phones', [phone1, mobile], 'email', null]
	] as [string, Channel[], 'phone' | 'email', string | null][])('picks %s', (_, list, kind, expected) => {
		expect(preferredChannel(list, kind)?.id ?? null).toBe(expected);
	});

	it('breaks an order tie by id', () => {
		const a = makeChannel({ id: cid('a'), kind: 'phone', order: 'a1' });
		const b = makeChannel({ id: cid('b'), kind: 'phone', order: 'a1' });
		expect(preferredChannel([b, a], 'phone')?.id).toBe('a');
	});
});

describe('orderKeyAtEnd', () => {
	it.each([
		[[], 'a0'],
		[[entry('x', 'a0')], 'a1'],
		[[entry('x', 'a5'), entry('y', 'a0'), entry('z', 'a2')], 'a6'],
		[[entry('x', 'Zz')], 'a0']
	])('after %j -> %s', (list, expected) => {
		expect(orderKeyAtEnd(list)).toBe(expected);
	});

	it('always sorts the new entry last', () => {
		const rng = mulberry32(99);
		let list: { id: ChannelId; order: string }[] = [];
		for (let i = 0; i < 30; i++) {
			const order = orderKeyAtEnd(list);
			expect(list.every((c) => c.order < order)).toBe(true);
			list = [...list, entry(`n${i}`, order)];
			// occasionally reorder, so the end is not always the last appended
			if (rng() < 0.5 && list.length > 1) {
				const target = pick(rng, list).id;
				list = moved(list, target, orderKeyForMove(list, target, int(rng, 0, list.length - 1)));
			}
		}
	});
});

describe('orderKeyForMove', () => {
	const list = [entry('a', 'a0'), entry('b', 'a1'), entry('c', 'a2'), entry('d', 'a3')];

	it.each([
		['d', 0, ['d', 'a', 'b', 'c']],
		['c', 1, ['a', 'c', 'b', 'd']],
		['b', 0, ['b', 'a', 'c', 'd']],
		['a', 1, ['b', 'a', 'c', 'd']],
		['a', 3, ['b', 'c', 'd', 'a']],
		['b', 2, ['a', 'c', 'b', 'd']],
		['a', 99, ['b', 'c', 'd', 'a']],
		['c', -5, ['c', 'a', 'b', 'd']],
		['b', 1, ['a', 'b', 'c', 'd']]
	])('moves %s to index %i', (id, to, expected) => {
		const key = orderKeyForMove(list, cid(id), to);
		expect(ids(moved(list, id, key))).toEqual(expected);
	});

	it('changes only the moved entry', () => {
		const key = orderKeyForMove(list, cid('d'), 1);
		expect(key !== null && key > 'a0' && key < 'a1').toBe(true);
	});

	it('returns null for an unknown entry', () => {
		expect(orderKeyForMove(list, cid('zzz'), 0)).toBeNull();
	});

	it('works on a list with one entry', () => {
		expect(ids(moved([entry('a', 'a0')], 'a', orderKeyForMove([entry('a', 'a0')], cid('a'), 0)))).toEqual([
			'a'
		]);
	});

	it('works on unsorted input', () => {
		const shuffled = [entry('c', 'a2'), entry('a', 'a0'), entry('d', 'a3'), entry('b', 'a1')];
		expect(ids(moved(shuffled, 'a', orderKeyForMove(shuffled, cid('a'), 2)))).toEqual(['b', 'c', 'a', 'd']);
	});

	describe('with tied neighbours (two devices added entries at the same time)', () => {
		// b and c share "a1": there is no key between them, so the moved entry goes right after the tie.
		const tied = [entry('a', 'a0'), entry('b', 'a1'), entry('c', 'a1'), entry('d', 'a2'), entry('e', 'a3')];

		it('moving between the tied entries lands right after them', () => {
			expect(ids(moved(tied, 'a', orderKeyForMove(tied, cid('a'), 1)))).toEqual(['b', 'c', 'a', 'd', 'e']);
			expect(ids(moved(tied, 'e', orderKeyForMove(tied, cid('e'), 2)))).toEqual(['a', 'b', 'c', 'e', 'd']);
		});

		it('never lands past the entry after the tie', () => {
			const close = [
				entry('a', 'a0'),
				entry('b', 'a1'),
				entry('c', 'a1'),
				entry('d', 'a1V'),
				entry('e', 'a2')
			];
			expect(ids(moved(close, 'a', orderKeyForMove(close, cid('a'), 1)))).toEqual(['b', 'c', 'a', 'd', 'e']);
			expect(ids(moved(close, 'e', orderKeyForMove(close, cid('e'), 2)))).toEqual(['a', 'b', 'c', 'e', 'd']);
		});

		it('moves before or after a tie exactly', () => {
			expect(ids(moved(tied, 'e', orderKeyForMove(tied, cid('e'), 1)))).toEqual(['a', 'e', 'b', 'c', 'd']);
			expect(ids(moved(tied, 'a', orderKeyForMove(tied, cid('a'), 2)))).toEqual(['b', 'c', 'a', 'd', 'e']);
			expect(ids(moved(tied, 'e', orderKeyForMove(tied, cid('e'), 4)))).toEqual(['a', 'b', 'c', 'd', 'e']);
		});

		it('moving a tied entry itself works', () => {
			expect(ids(moved(tied, 'c', orderKeyForMove(tied, cid('c'), 0)))).toEqual(['c', 'a', 'b', 'd', 'e']);
			expect(ids(moved(tied, 'b', orderKeyForMove(tied, cid('b'), 4)))).toEqual(['a', 'c', 'd', 'e', 'b']);
		});

		it('a tie at the end', () => {
			const end = [entry('a', 'a0'), entry('b', 'a1'), entry('c', 'a1')];
			expect(ids(moved(end, 'a', orderKeyForMove(end, cid('a'), 1)))).toEqual(['b', 'c', 'a']);
		});
	});

	it('lands on the target, or right after a tie that straddles it, on random lists (seeded)', () => {
		const rng = mulberry32(2024);
		for (let round = 0; round < 500; round++) {
			const n = int(rng, 1, 7);
			const list = Array.from({ length: n }, (_, i) => entry(`k${i}`, pick(rng, ['a0', 'a0V', 'a1', 'a2'])));
			const target = pick(rng, list).id;
			const to = int(rng, 0, n - 1);
			const result = ids(moved(list, target, orderKeyForMove(list, target, to)));
			const others = sortChannels(list).filter((c) => c.id !== target);
			const context = JSON.stringify({ list, target, to });
			// everything else keeps its relative order
			expect(
				result.filter((x) => x !== target),
				context
			).toEqual(ids(others));
			const prev = others[to - 1];
			const next = others[to];
			const tie = prev !== undefined && next !== undefined && prev.order === next.order;
			const expected = tie ? others.filter((c) => c.order <= prev.order).length : to;
			expect(result.indexOf(target), context).toBe(expected);
		}
	});
});
