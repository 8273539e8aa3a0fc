/**
 * Browser bundle for seeding: fills the app's own store (KontorStore on the app's database, through
 * the bulk import an import or sample data would use) and the naive single-document design.
 * Exposed as `window.KontorBench` (see page-api.ts).
 */
import type { ContactEdit } from '../src/lib/domain/edits';
import type { ContactId } from '../src/lib/domain/ids';
import type { ContactKind } from '../src/lib/domain/types';
import { KontorStore, type NewContact } from '../src/lib/store/contact-store';
import { DEFAULT_DB_NAME } from '../src/lib/store/db';
import { generateBook, type GeneratedContact } from './generate';
import { naiveColdStart, seedNaive } from './naive-design';
import type { BenchApi, SeedResult } from './page-api';

const PROGRESS_EVERY = 5000;

/** A generated contact as the store's import takes it: fields, then channels and groups as edits. */
function asImport(contact: GeneratedContact, parentId: ContactId | null): NewContact & { kind: ContactKind } {
	const edits: ContactEdit[] = [
		...contact.channels.map((channel): ContactEdit => ({ type: 'addChannel', channel })),
		...contact.groups.map((id): ContactEdit => ({ type: 'addGroup', id }))
	];
	const fields = parentId ? { ...contact.fields, parentId } : contact.fields;
	return { kind: contact.kind, fields, edits };
}

/** Logs progress every 5,000 contacts across both imports (companies first, then persons). */
function progress(offset: number, total: number): (done: number) => void {
	return (done) => {
		const all = offset + done;
		if (all % PROGRESS_EVERY === 0 || all === total) console.log(`seed: ${all}/${total}`);
	};
}

/**
 * Imports `count` generated contacts into the app's store. Companies go first, so the contact
 * persons can name their company's id as parent.
 */
async function seed(count: number, seedValue: number): Promise<SeedResult> {
	const started = performance.now();
	const book = generateBook(count, seedValue);
	const generated = performance.now();
	const store = await KontorStore.open({ name: DEFAULT_DB_NAME });
	try {
		await store.editWorkspace(book.groups.map((group) => ({ type: 'putGroup', group })));
		const companies = await store.importContacts(
			book.companies.map((c) => asImport(c, null)),
			progress(0, count)
		);
		if (!companies.ok) throw new Error(`Company ${companies.contact} rejected: ${companies.error}`);
		const persons = await store.importContacts(
			book.persons.map((p) => asImport(p, p.parent === null ? null : (companies.ids[p.parent] ?? null))),
			progress(companies.ids.length, count)
		);
		if (!persons.ok) throw new Error(`Person ${persons.contact} rejected: ${persons.error}`);
		return {
			count: await store.count(),
			generateMs: generated - started,
			importMs: performance.now() - generated
		};
	} finally {
		store.close();
	}
}

const api: BenchApi = { seed, seedNaive, naiveColdStart };
window.KontorBench = api;
