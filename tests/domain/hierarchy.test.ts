import { describe, expect, it } from 'vitest';
import { ancestors, checkParent, type ContactId, type ParentLookup } from '../../src/lib/domain';

const id = (name: string) => name as ContactId;

/** A lookup over `child -> parent` pairs; every id named as a key is known. */
function tree(edges: Record<string, string | null>): ParentLookup {
	const map = new Map<ContactId, ContactId | null>(
		Object.entries(edges).map(([child, parent]) => [id(child), parent === null ? null : id(parent)])
	);
	return (c) => map.get(c);
}

// firma <- vertrieb <- anna ; firma <- einkauf ; solo ; a <-> b (a cycle already in the data)
const world = tree({
	firma: null,
	vertrieb: 'firma',
	anna: 'vertrieb',
	einkauf: 'firma',
	solo: null,
	a: 'b',
	b: 'a',
	orphan: 'notSynced'
});

describe('checkParent', () => {
	it.each([
		['a contact under a root company', 'solo', 'firma'],
		['a person under a department', 'solo', 'vertrieb'],
		['a deep contact under another branch', 'anna', 'einkauf'],
		['a subtree under a sibling of its root', 'vertrieb', 'einkauf'],
		['a contact under its current parent again', 'anna', 'vertrieb'],
		['a contact to its grandparent', 'anna', 'firma'],
		['a parent whose own parent is not synced yet', 'solo', 'orphan'],
		['an unknown child (new contact) under a known parent', 'neu', 'firma']
	])('accepts %s', (_, child, parent) => {
		expect(checkParent(id(child), id(parent), world)).toEqual({ ok: true, value: null });
	});

	it.each([['anna'], ['firma'], ['unknown']])('accepts no parent for %s', (child) => {
		expect(checkParent(id(child), null, world)).toEqual({ ok: true, value: null });
	});

	it.each([
		['the contact itself', 'firma', 'firma', 'parentSelf'],
		['itself, even when unknown', 'neu', 'neu', 'parentSelf'],
		['an unknown parent', 'anna', 'gibtsNicht', 'parentMissing'],
		['a parent that is only referenced, never seen', 'solo', 'notSynced', 'parentMissing'],
		['its direct child', 'vertrieb', 'anna', 'cycle'],
		['its child (root company)', 'firma', 'vertrieb', 'cycle'],
		['its grandchild', 'firma', 'anna', 'cycle'],
		['a parent inside an existing cycle', 'solo', 'a', 'cycle'],
		['the other half of a two-cycle', 'a', 'b', 'cycle']
	])('refuses %s', (_, child, parent, error) => {
		expect(checkParent(id(child), id(parent), world)).toEqual({ ok: false, error });
	});

	it('refuses a cycle through a long chain', () => {
		const edges: Record<string, string | null> = { c0: null };
		for (let i = 1; i <= 50; i++) edges[`c${i}`] = `c${i - 1}`;
		const long = tree(edges);
		expect(checkParent(id('c0'), id('c50'), long)).toEqual({ ok: false, error: 'cycle' });
		expect(checkParent(id('c10'), id('c49'), long)).toEqual({ ok: false, error: 'cycle' });
		expect(checkParent(id('c49'), id('c10'), long)).toEqual({ ok: true, value: null });
	});
});

describe('ancestors', () => {
	it.each([
		['anna', ['vertrieb', 'firma']],
		['vertrieb', ['firma']],
		['firma', []],
		['unknown', []],
		// an unknown ancestor ends the chain after it
		['orphan', ['notSynced']],
		// stops at a cycle instead of looping
		['a', ['b']],
		['b', ['a']]
	])('%s -> %j', (start, expected) => {
		expect(ancestors(id(start), world)).toEqual(expected.map(id));
	});

	it('stops at a cycle that does not include the start', () => {
		const lookup = tree({ x: 'y', y: 'z', z: 'y' });
		expect(ancestors(id('x'), lookup)).toEqual([id('y'), id('z')]);
	});

	it('stops at a self-parent', () => {
		expect(ancestors(id('s'), tree({ s: 's' }))).toEqual([]);
		expect(ancestors(id('t'), tree({ t: 's', s: 's' }))).toEqual([id('s')]);
	});
});
