/**
 * Browser bundle of the history benchmark, injected into a blank page of the app's origin (so no
 * app in the same page reacts to the edits): the recording benchmark (bench/history-record.ts), and
 * one contact edited many times through the app's own store, as a user's edits reach it.
 * Exposed as `window.KontorHistoryBench` (see history-api.ts).
 */
import type { ContactEdit } from '../src/lib/domain/edits';
import type { ContactId } from '../src/lib/domain/ids';
import { KontorStore } from '../src/lib/store/contact-store';
import { DEFAULT_DB_NAME } from '../src/lib/store/db';
import type { HistoryBenchApi, HistorySeedResult, PlainEntry } from './history-api';
import { EditScript, historyFixture } from './history-edits';
import { recording } from './history-record';

const PROGRESS_EVERY = 100;

/**
 * Creates the fixture's company in the app's database (with the workspace's groups), then makes
 * `count` scripted edits with `KontorStore.editContact`, one after another as a user would, each
 * timed until the store reports it stored (strict durability, projection and history included).
 */
async function seedHistory(count: number, seed: number, author: string): Promise<HistorySeedResult> {
	const fixture = historyFixture(seed);
	const store = await KontorStore.open({ name: DEFAULT_DB_NAME });
	try {
		await store.setAuthor(author);
		await store.editWorkspace(fixture.groups.map((group) => ({ type: 'putGroup', group })));
		const { contact } = fixture;
		const created = await store.createContact(contact.kind, {
			fields: contact.fields,
			edits: [
				...contact.channels.map((channel): ContactEdit => ({ type: 'addChannel', channel })),
				...contact.groups.map((id): ContactEdit => ({ type: 'addGroup', id }))
			]
		});
		if (!created.ok || !created.id) throw new Error(`The contact was rejected: ${JSON.stringify(created)}`);
		const id: ContactId = created.id;
		const script = new EditScript(fixture, seed + 2);
		const edits: HistorySeedResult['edits'] = [];
		for (let i = 0; i < count; i++) {
			const { kind, edits: edit } = script.next();
			const start = performance.now();
			const result = await store.editContact(id, edit);
			const ms = performance.now() - start;
			if (!result.ok) throw new Error(`Edit ${i} (${kind}) rejected: ${result.error}`);
			edits.push({ kind, ms });
			if ((i + 1) % PROGRESS_EVERY === 0) console.log(`history seed: ${i + 1}/${count}`);
		}
		const readStart = performance.now();
		const history = await store.history(id);
		const historyReadMs = performance.now() - readStart;
		const entries = history.map((e): PlainEntry => ({ ...e, svBefore: Array.from(e.svBefore) }));
		return { id, edits, entries, historyReadMs, updateRecords: await store.updateCount(id) };
	} finally {
		store.close();
	}
}

const api: HistoryBenchApi = { recording, seedHistory };
window.KontorHistoryBench = api;
