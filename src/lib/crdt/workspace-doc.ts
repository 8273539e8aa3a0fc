import * as Y from 'yjs';
import { parseGroupId, type ContactGroup, type GroupId } from '../domain';

/** The document id of the workspace settings document (groups now; number ranges, texts later). */
export const WORKSPACE_DOC_ID = 'workspace';

/** An edit to the workspace settings, as plain data. */
export type WorkspaceEdit = { type: 'putGroup'; group: ContactGroup } | { type: 'removeGroup'; id: GroupId };

export function newWorkspaceDoc(): Y.Doc {
	return new Y.Doc({ guid: WORKSPACE_DOC_ID, gc: true });
}

function groupsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
	return doc.getMap('groups');
}

const COLOR = /^#[0-9a-f]{6}$/i;

/** The contact groups, sorted by name (German collation). */
export function readGroups(doc: Y.Doc): ContactGroup[] {
	const out: ContactGroup[] = [];
	groupsMap(doc).forEach((m, key) => {
		const id = parseGroupId(key);
		if (!id || !(m instanceof Y.Map)) return;
		const name = m.get('name');
		const color = m.get('color');
		out.push({
			id,
			name: typeof name === 'string' ? name : '',
			color: typeof color === 'string' && COLOR.test(color) ? color : '#888888'
		});
	});
	const collator = new Intl.Collator('de');
	return out.sort((a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1));
}

export function applyWorkspaceEdits(doc: Y.Doc, edits: readonly WorkspaceEdit[], origin: unknown): void {
	doc.transact(() => {
		const groups = groupsMap(doc);
		for (const edit of edits) {
			if (edit.type === 'removeGroup') {
				groups.delete(edit.id);
				continue;
			}
			let m = groups.get(edit.group.id);
			if (!m) {
				m = new Y.Map<unknown>();
				groups.set(edit.group.id, m);
			}
			if (m.get('name') !== edit.group.name) m.set('name', edit.group.name);
			if (m.get('color') !== edit.group.color) m.set('color', edit.group.color);
		}
	}, origin);
}
