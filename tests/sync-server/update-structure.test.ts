import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkStateVectorStructure, checkUpdateStructure } from '../../sync-server/update-guard';
import { mulberry32 } from '../factories';
import { bytes, contactClient, editContact, HOSTILE, raw, VALID_DOCS } from './update-fixtures';

describe('checkUpdateStructure', () => {
	it.each(VALID_DOCS)('accepts what Yjs encodes: %s', (_name, build) => {
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => updates.push(update));
		build(doc);
		for (const update of [Y.encodeStateAsUpdate(doc), ...updates]) {
			expect(checkUpdateStructure(update)).toBe(true);
		}
		expect(
			checkUpdateStructure(Y.mergeUpdates(updates.length ? updates : [Y.encodeStateAsUpdate(doc)]))
		).toBe(true);
		expect(checkUpdateStructure(Y.convertUpdateFormatV2ToV1(Y.encodeStateAsUpdateV2(doc)))).toBe(true);
	});

	it('accepts every update of seeded editing sessions by two clients', () => {
		for (let seed = 1; seed <= 20; seed++) {
			const rng = mulberry32(seed);
			const a = contactClient(1000 + seed);
			const b = contactClient(2000 + seed);
			for (let step = 0; step < 30; step++) {
				const [from, to] = rng() < 0.5 ? [a, b] : [b, a];
				editContact(from.doc, rng, step);
				if (rng() < 0.3) Y.applyUpdate(to.doc, Y.encodeStateAsUpdate(from.doc, Y.encodeStateVector(to.doc)));
			}
			for (const update of [...a.updates, ...b.updates, Y.encodeStateAsUpdate(a.doc)]) {
				expect(checkUpdateStructure(update)).toBe(true);
			}
		}
	});

	it.each(HOSTILE)('judges %s', (_name, payload, expected) => {
		// Only the refusals are structural; the rest is well-formed and left to Yjs in the worker.
		expect(checkUpdateStructure(payload)).toBe(expected !== 'structure');
	});

	it('refuses updates larger than the limit', () => {
		const doc = new Y.Doc();
		doc.getMap('fields').set('note', 'x'.repeat(200));
		const update = Y.encodeStateAsUpdate(doc);
		expect(checkUpdateStructure(update, update.length)).toBe(true);
		expect(checkUpdateStructure(update, update.length - 1)).toBe(false);
	});
});

describe('checkStateVectorStructure', () => {
	it.each([
		['an empty document', raw(0)],
		['two clients', bytes(2, 1, 5, 2 ** 32 - 1, 2 ** 40)]
	])('accepts %s', (_name, sv) => {
		expect(checkStateVectorStructure(sv)).toBe(true);
	});

	it('accepts what Yjs encodes', () => {
		const doc = new Y.Doc();
		doc.getMap('fields').set('name', 'x');
		expect(checkStateVectorStructure(Y.encodeStateVector(doc))).toBe(true);
	});

	it.each([
		['zero length', raw()],
		['a count larger than the bytes', bytes(2 ** 31, 1, 1)],
		['a truncated pair', bytes(1, 1)],
		['trailing bytes', bytes(1, 1, 1, 0)],
		['a var-uint running off the end', raw(1, 0x81)]
	])('refuses %s', (_name, sv) => {
		expect(checkStateVectorStructure(sv)).toBe(false);
	});
});
