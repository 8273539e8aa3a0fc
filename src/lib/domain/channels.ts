import { generateKeyBetween } from 'fractional-indexing';
import type { ChannelId } from './ids';
import type { Channel, ChannelKind } from './types';

/** Channels in display order: by fractional order key, ties (concurrent inserts) by id. */
export function sortChannels<C extends Pick<Channel, 'order' | 'id'>>(channels: readonly C[]): C[] {
	return [...channels].sort((a, b) =>
		a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
	);
}

/** Phone-like kinds share the phone number rules. */
export function isPhoneLike(kind: ChannelKind): boolean {
	return kind !== 'email';
}

/**
 * The preferred entry of a kind: the first e-mail, or the first phone (falling back to the first
 * mobile). This is what the list shows and what tel:/mailto: links use.
 */
export function preferredChannel(channels: readonly Channel[], kind: 'phone' | 'email'): Channel | null {
	const sorted = sortChannels(channels);
	if (kind === 'email') return sorted.find((c) => c.kind === 'email') ?? null;
	return sorted.find((c) => c.kind === 'phone') ?? sorted.find((c) => c.kind === 'mobile') ?? null;
}

/** An order key after every existing one: where a new entry goes. */
export function orderKeyAtEnd(channels: readonly Pick<Channel, 'order' | 'id'>[]): string {
	const sorted = sortChannels(channels);
	const last = sorted[sorted.length - 1];
	return generateKeyBetween(last ? last.order : null, null);
}

/**
 * The order key that moves `id` to position `toIndex` of the list without it. Only the moved entry
 * changes, so two devices reordering different entries at the same time both keep their move.
 */
export function orderKeyForMove(
	channels: readonly Pick<Channel, 'order' | 'id'>[],
	id: ChannelId,
	toIndex: number
): string | null {
	const others = sortChannels(channels).filter((c) => c.id !== id);
	if (others.length === channels.length) return null;
	const index = Math.max(0, Math.min(toIndex, others.length));
	const before = others[index - 1]?.order ?? null;
	// Equal neighbours (a concurrent tie) leave no room between them: go right after the tie, below
	// the next greater key, so the entry never lands past entries that follow the tie.
	const after = others.slice(index).find((c) => before === null || c.order > before)?.order ?? null;
	return generateKeyBetween(before, after);
}

/**
 * True for an order key that fractional-indexing accepts. A malformed key (from a broken or future
 * client) would make every later key computation throw, so readers replace it.
 */
export function isOrderKey(value: unknown): value is string {
	if (typeof value !== 'string' || !/^[A-Za-z][0-9A-Za-z]*$/.test(value)) return false;
	try {
		generateKeyBetween(value, null);
		return true;
	} catch {
		return false;
	}
}
