import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_DOC_ID, applyWorkspaceEdits, newWorkspaceDoc, readGroups } from '../../src/lib/crdt';
import type { ContactGroup, GroupId } from '../../src/lib/domain';
import { mulberry32, seededGroupId } from '../factories';
import { updatesDuring } from './helpers';

const rng = mulberry32(1234);
const ids = Array.from({ length: 10 }, () => seededGroupId(rng)).sort();
const idAt = (i: number): GroupId => {
	const id = ids[i];
	if (!id) throw new Error(`no id ${i}`);
	return id;
};

const group = (i: number, name: string, color = '#1f4e79'): ContactGroup => ({ id: idAt(i), name, color });

function withGroups(groups: ContactGroup[]): Y.Doc {
	const doc = newWorkspaceDoc();
	applyWorkspaceEdits(
		doc,
		groups.map((g) => ({ type: 'putGroup', group: g })),
		'local'
	);
	return doc;
}

describe('workspace document', () => {
	it('has the workspace guid', () => {
		expect(newWorkspaceDoc().guid).toBe(WORKSPACE_DOC_ID);
	});

	it('starts without groups', () => {
		expect(readGroups(newWorkspaceDoc())).toEqual([]);
	});

	it('puts and reads a group', () => {
		const doc = withGroups([group(0, 'Kunden', '#AABBCC')]);
		expect(readGroups(doc)).toEqual([{ id: idAt(0), name: 'Kunden', color: '#AABBCC' }]);
	});

	it('updates a group in place', () => {
		const doc = withGroups([group(0, 'Kunden')]);
		applyWorkspaceEdits(doc, [{ type: 'putGroup', group: group(0, 'Stammkunden', '#00ff00') }], 'local');
		expect(readGroups(doc)).toEqual([{ id: idAt(0), name: 'Stammkunden', color: '#00ff00' }]);
	});

	it('removes a group, and ignores removing a missing one', () => {
		const doc = withGroups([group(0, 'Kunden'), group(1, 'Lieferanten')]);
		applyWorkspaceEdits(doc, [{ type: 'removeGroup', id: idAt(0) }], 'local');
		expect(readGroups(doc).map((g) => g.name)).toEqual(['Lieferanten']);
		expect(
			updatesDuring(doc, () => applyWorkspaceEdits(doc, [{ type: 'removeGroup', id: idAt(5) }], 'local'))
		).toBe(0);
	});

	it('writes nothing when a group is put unchanged', () => {
		const doc = withGroups([group(0, 'Kunden')]);
		expect(
			updatesDuring(doc, () =>
				applyWorkspaceEdits(doc, [{ type: 'putGroup', group: group(0, 'Kunden') }], 'x')
			)
		).toBe(0);
		expect(
			updatesDuring(doc, () => applyWorkspaceEdits(doc, [{ type: 'putGroup', group: group(0, 'Neu') }], 'x'))
		).toBe(1);
	});

	it('applies several edits as one update with the given origin', () => {
		const doc = newWorkspaceDoc();
		const origins: unknown[] = [];
		doc.on('update', (_update: Uint8Array, origin: unknown) => origins.push(origin));
		applyWorkspaceEdits(
			doc,
			[
				{ type: 'putGroup', group: group(0, 'A') },
				{ type: 'putGroup', group: group(1, 'B') },
				{ type: 'removeGroup', id: idAt(0) }
			],
			'admin'
		);
		expect(origins).toEqual(['admin']);
		expect(readGroups(doc).map((g) => g.name)).toEqual(['B']);
	});

	it('sorts groups by name in German collation, ties by id', () => {
		const names = [
			'Zulieferer',
			'Ärzte',
			'apotheken',
			'Öffentliche Hand',
			'Obst',
			'Bau',
			'Straße',
			'Strasse',
			'Ärzte',
			''
		];
		const doc = withGroups(names.map((name, i) => group(9 - i, name)));
		const collator = new Intl.Collator('de');
		const read = readGroups(doc);
		expect(read.map((g) => g.name)).toEqual([...names].sort(collator.compare));
		expect(read.map((g) => g.name)).toEqual([
			'',
			'apotheken',
			'Ärzte',
			'Ärzte',
			'Bau',
			'Obst',
			'Öffentliche Hand',
			'Strasse',
			'Straße',
			'Zulieferer'
		]);
		const aerzte = read.filter((g) => g.name === 'Ärzte').map((g) => g.id);
		expect(aerzte).toEqual([...aerzte].sort());
	});

	describe('malformed values', () => {
		function raw(write: (groups: Y.Map<unknown>) => void): ContactGroup[] {
			const doc = newWorkspaceDoc();
			write(doc.getMap('groups'));
			return readGroups(doc);
		}
		function map(values: Record<string, unknown>): Y.Map<unknown> {
			const m = new Y.Map<unknown>();
			for (const [k, v] of Object.entries(values)) m.set(k, v);
			return m;
		}

		it.each([
			['#abc', '#888888'],
			['red', '#888888'],
			['#12345g', '#888888'],
			['#1234567', '#888888'],
			['1f4e79', '#888888'],
			[' #1f4e79', '#888888'],
			[0x1f4e79, '#888888'],
			[null, '#888888'],
			['#1f4e79', '#1f4e79'],
			['#1F4E79', '#1F4E79']
		])('colour %j -> %s', (color, expected) => {
			const groups = raw((m) => m.set(idAt(0), map({ name: 'Kunden', color })));
			expect(groups).toEqual([{ id: idAt(0), name: 'Kunden', color: expected }]);
		});

		it('reads a missing or wrongly typed name as empty', () => {
			const groups = raw((m) => {
				m.set(idAt(0), map({ color: '#000000' }));
				m.set(idAt(1), map({ name: 42, color: '#000000' }));
			});
			expect(groups.map((g) => g.name)).toEqual(['', '']);
		});

		it('skips entries with a bad id or that are not maps', () => {
			const groups = raw((m) => {
				m.set('kunden', map({ name: 'Kunden', color: '#000000' }));
				m.set(idAt(0), 'Kunden');
				m.set(idAt(1), { name: 'plain object' });
				m.set(idAt(2), map({ name: 'Lieferanten', color: '#000000' }));
			});
			expect(groups).toEqual([{ id: idAt(2), name: 'Lieferanten', color: '#000000' }]);
		});
	});

	it('converges when two admins edit groups at the same time', () => {
		const base = withGroups([group(0, 'Kunden'), group(1, 'Lieferanten')]);
		const a = new Y.Doc({ guid: WORKSPACE_DOC_ID });
		const b = new Y.Doc({ guid: WORKSPACE_DOC_ID });
		a.clientID = 1;
		b.clientID = 2;
		Y.applyUpdate(a, Y.encodeStateAsUpdate(base));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(base));
		applyWorkspaceEdits(a, [{ type: 'putGroup', group: group(0, 'Kunden', '#ff0000') }], 'a');
		applyWorkspaceEdits(
			b,
			[
				{ type: 'putGroup', group: group(0, 'Stammkunden') },
				{ type: 'removeGroup', id: idAt(1) }
			],
			'b'
		);
		applyWorkspaceEdits(b, [{ type: 'putGroup', group: group(2, 'Interessenten') }], 'b');
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
		expect(readGroups(a)).toEqual(readGroups(b));
		expect(readGroups(a)).toEqual([
			{ id: idAt(2), name: 'Interessenten', color: '#1f4e79' },
			{ id: idAt(0), name: 'Stammkunden', color: '#ff0000' }
		]);
	});
});
