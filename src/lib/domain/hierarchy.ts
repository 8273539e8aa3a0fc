import type { ContactId } from './ids';
import type { Validated } from './validation';

/** Looks up the parent of a contact; `undefined` when the contact is unknown. */
export type ParentLookup = (id: ContactId) => ContactId | null | undefined;

/**
 * May `child` be put under `newParent`? Refused when the parent is the contact itself, unknown, or
 * one of its descendants (the move would make the contact its own ancestor).
 */
export function checkParent(
	child: ContactId,
	newParent: ContactId | null,
	parentOf: ParentLookup
): Validated<null> {
	if (newParent === null) return { ok: true, value: null };
	if (newParent === child) return { ok: false, error: 'parentSelf' };
	const seen = new Set<ContactId>();
	let current: ContactId | null | undefined = newParent;
	if (parentOf(newParent) === undefined) return { ok: false, error: 'parentMissing' };
	while (current) {
		if (current === child) return { ok: false, error: 'cycle' };
		if (seen.has(current)) return { ok: false, error: 'cycle' };
		seen.add(current);
		current = parentOf(current);
	}
	return { ok: true, value: null };
}

/** The chain of ancestors, nearest first; stops at a cycle or an unknown id. */
export function ancestors(id: ContactId, parentOf: ParentLookup): ContactId[] {
	const chain: ContactId[] = [];
	const seen = new Set<ContactId>([id]);
	let current = parentOf(id);
	while (current && !seen.has(current)) {
		chain.push(current);
		seen.add(current);
		current = parentOf(current);
	}
	return chain;
}
