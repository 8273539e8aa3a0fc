import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { applyUpdates } from '../../src/lib/crdt';

function edits(): Uint8Array[] {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	doc.getMap('fields').set('city', 'Köln');
	doc.getMap('fields').set('zip', '50667');
	doc.getMap('fields').set('city', 'Bonn');
	return updates;
}

describe('applyUpdates', () => {
	it('applies a set of updates as one merged update', () => {
		const doc = new Y.Doc();
		expect(applyUpdates(doc, edits(), 'test')).toBe(0);
		expect(doc.getMap('fields').toJSON()).toEqual({ city: 'Bonn', zip: '50667' });
	});

	it('applies the readable updates one by one and skips one Yjs cannot read', () => {
		const [first, second, third] = edits() as [Uint8Array, Uint8Array, Uint8Array];
		const garbage = new Uint8Array([1, 200, 200, 200, 200, 200, 7]);
		const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const doc = new Y.Doc();
		expect(applyUpdates(doc, [first, garbage, second, third], 'test')).toBe(1);
		expect(doc.getMap('fields').toJSON()).toEqual({ city: 'Bonn', zip: '50667' });
		expect(log).toHaveBeenCalledTimes(1);
		log.mockRestore();
	});
});
