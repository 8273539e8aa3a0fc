/**
 * Convergence with real parts: a real server and several devices (real stores over fake-indexeddb,
 * real sync clients over `ws`) of two users. A seeded generator picks, step after step, a device and
 * what it does: go offline or online, create and import companies and persons (persons often under a
 * company), edit fields (one by one or several at once), channels, groups and the workspace's groups,
 * move persons, edit the same field on two devices that are both offline, restore values from the
 * history, open contacts, reload the app. Sync runs in the background all along. At the end every
 * device is online; once all are synced, every device must hold the same documents, the same history
 * (stamped by the server with the user of the device that made each edit), the same projection rows
 * (which must also be what a rebuild gives) and an empty outbox, must read what it stored, and a
 * device that joins last must get exactly the same from one snapshot per document.
 *
 * The sockets make the interleaving of sync and steps vary from run to run; a failure message names
 * the seed and the steps taken, which is what it takes to reproduce a failing scenario.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WORKSPACE_DOC_ID, type HistoryEntry, type JsonValue } from '../../src/lib/crdt';
import {
	newGroupId,
	type Channel,
	type ContactEdit,
	type ContactId,
	type ContactRow,
	type EditableField,
	type GroupId
} from '../../src/lib/domain';
import { mulberry32, int, pick, type Rng } from '../factories';
import { KontorStore } from '../../src/lib/store';
import { addChannel, byKey } from '../store/helpers';
import { Device, Rig, waitFor, type TestAccount } from './helpers';

const SEEDS = [7, 4711, 65537, 20240611];
const DEVICES = 4;
const STEPS = 150;

const COMPANY_NAMES = [
	'Müller Maschinenbau GmbH',
	'Schmidt & Söhne KG',
	'Bäckerei Süß e.K.',
	'Straßenbau AG'
];
const FIRST_NAMES = ['Anna', 'Jürgen', 'Özlem', 'Björn', 'Élodie'];
const LAST_NAMES = ['Müller', 'Schäfer', 'Weiß', 'Öztürk', 'van Dijk'];
const STREETS = ['Hauptstraße 1', 'Königsallee 12', 'Am Markt 3', ''];
const PLACES: readonly [string, string][] = [
	['10115', 'Berlin'],
	['80331', 'München'],
	['50667', 'Köln'],
	['20095', 'Hamburg'],
	['', '']
];
const PHONES = ['030 1234567', '(089) 123 456 78', '+49 221 123456', '0171 2345678'];
const EMAILS = ['info@mueller-maschinenbau.de', 'Anna.Mueller@Firma.DE', 'buchhaltung@schmidt-soehne.de'];
const GROUP_NAMES = ['Kunden', 'Lieferanten', 'Presse', 'Partner'];
const COLORS = ['#336699', '#993366', '#669933'];

interface User extends TestAccount {
	name: string;
}

/** One randomized run: the devices, who they belong to, and a log of every step for the failure message. */
class Run {
	readonly log: string[] = [];
	/** Devices opened again by `restart`, which the rig does not know of and the test closes. */
	readonly reopened: Device[] = [];
	#counter = 0;

	constructor(
		readonly seed: number,
		readonly rng: Rng,
		readonly rig: Rig,
		readonly devices: Device[],
		readonly users: readonly User[]
	) {}

	/** A message naming the seed and the last steps, for every assertion of the run. */
	say(what: string): string {
		return `seed ${this.seed}: ${what}\nsteps (last 40 of ${this.log.length}):\n${this.log.slice(-40).join('\n')}`;
	}

	/** A value no other step wrote, so two edits of the same field really disagree. */
	unique(prefix: string): string {
		this.#counter += 1;
		return `${prefix} ${this.#counter}`;
	}

	name(device: Device): string {
		const index = this.devices.indexOf(device);
		return index < 0 ? 'the late device' : `device ${index + 1}`;
	}

	note(device: Device, what: string): void {
		this.log.push(
			`${this.log.length + 1}. ${this.name(device)}${device.client ? '' : ' (offline)'}: ${what}`
		);
	}

	async step(): Promise<void> {
		const device = pick(this.rng, this.devices);
		const roll = this.rng();
		if (roll < 0.07) return this.toggle(device, false);
		if (roll < 0.16) {
			const offline = this.devices.filter((d) => !d.client);
			return this.toggle(offline.length > 0 ? pick(this.rng, offline) : device, true);
		}
		if (roll < 0.22) return this.createCompany(device);
		if (roll < 0.29) return this.createPerson(device);
		if (roll < 0.32) return this.importContacts(device);
		if (roll < 0.45) return this.editFields(device);
		if (roll < 0.49) return this.burst(device);
		if (roll < 0.53) return this.open(device);
		if (roll < 0.62) return this.editChannels(device);
		if (roll < 0.7) return this.editGroups(device);
		if (roll < 0.76) return this.moveOrInherit(device);
		if (roll < 0.83) return this.concurrentEdit(device);
		if (roll < 0.91) return this.restore(device);
		if (roll < 0.95) return this.editWorkspace(device);
		if (roll < 0.97) return this.restart(device);
		return this.settle(device);
	}

	toggle(device: Device, online: boolean): void {
		this.note(device, online ? 'online' : 'offline');
		if (online) device.online();
		else device.offline();
	}

	async rows(device: Device): Promise<ContactRow[]> {
		// In id order (creation order), not list order, which moves with every change of a name.
		return (await device.store.allRows()).sort((a, b) => (a.id < b.id ? -1 : 1));
	}

	async companies(device: Device): Promise<ContactRow[]> {
		return (await this.rows(device)).filter((r) => r.kind === 'company');
	}

	async someContact(device: Device): Promise<ContactRow | null> {
		const rows = await this.rows(device);
		return rows.length > 0 ? pick(this.rng, rows) : null;
	}

	async groupIds(device: Device): Promise<GroupId[]> {
		return (await device.store.groups()).map((g) => g.id);
	}

	async createCompany(device: Device): Promise<void> {
		const [zip, city] = pick(this.rng, PLACES);
		const edits: ContactEdit[] = [];
		if (this.rng() < 0.5) edits.push(addChannel('phone', pick(this.rng, PHONES)));
		const groups = await this.groupIds(device);
		if (groups.length > 0 && this.rng() < 0.5) edits.push({ type: 'addGroup', id: pick(this.rng, groups) });
		const companyName = pick(this.rng, COMPANY_NAMES);
		const result = await device.store.createContact('company', {
			fields: { companyName, street: pick(this.rng, STREETS), zip, city },
			edits
		});
		this.note(device, `create company ${companyName} -> ${result.ok ? result.id : JSON.stringify(result)}`);
		expect(result.ok, this.say('create company refused')).toBe(true);
	}

	async createPerson(device: Device): Promise<void> {
		const companies = await this.companies(device);
		const parent = companies.length > 0 && this.rng() < 0.7 ? pick(this.rng, companies) : null;
		const edits: ContactEdit[] = [];
		if (this.rng() < 0.5) edits.push(addChannel('email', pick(this.rng, EMAILS)));
		const fields = {
			firstName: pick(this.rng, FIRST_NAMES),
			lastName: pick(this.rng, LAST_NAMES),
			parentId: parent?.id ?? null,
			inheritAddress: parent !== null && this.rng() < 0.6,
			inheritGroups: parent !== null && this.rng() < 0.4
		};
		const result = await device.store.createContact('person', { fields, edits });
		this.note(
			device,
			`create person ${fields.firstName} ${fields.lastName} under ${parent?.id ?? 'none'} -> ${result.ok ? result.id : JSON.stringify(result)}`
		);
		expect(result.ok, this.say('create person refused')).toBe(true);
	}

	/** An import: a company with a contact person under it, and a person of its own. */
	async importContacts(device: Device): Promise<void> {
		const company = pick(this.rng, COMPANY_NAMES);
		const result = await device.store.importContacts([
			{ kind: 'company', fields: { companyName: company, city: pick(this.rng, PLACES)[1] } },
			{ kind: 'person', fields: { lastName: pick(this.rng, LAST_NAMES) } }
		]);
		if (!result.ok) expect.fail(this.say(`import refused: ${JSON.stringify(result)}`));
		const [parentId] = result.ids;
		const child = await device.store.createContact('person', {
			fields: { firstName: pick(this.rng, FIRST_NAMES), parentId, inheritAddress: true }
		});
		this.note(device, `import ${JSON.stringify(result.ids)}, then a person under the company -> ${child.id}`);
		expect(child.ok, this.say('person under an imported company refused')).toBe(true);
	}

	/** Opens a few contacts, as the UI does while sync goes on in the background. */
	async open(device: Device): Promise<void> {
		const rows = await this.rows(device);
		if (rows.length === 0) return this.createCompany(device);
		const ids = Array.from({ length: int(this.rng, 1, 3) }, () => pick(this.rng, rows).id);
		this.note(device, `open ${ids.join(', ')}`);
		const contacts = await Promise.all(ids.map((id) => device.store.loadContact(id)));
		expect(
			contacts.every((c) => c !== null),
			this.say('a listed contact did not load')
		).toBe(true);
	}

	async edit(device: Device, id: ContactId, edits: ContactEdit[]): Promise<void> {
		const result = await device.store.editContact(id, edits);
		this.note(device, `edit ${id} ${JSON.stringify(edits)} -> ${JSON.stringify(result)}`);
		expect(result, this.say(`edit of ${id} refused`)).toEqual({ ok: true });
	}

	fieldEdit(row: ContactRow): ContactEdit {
		const fields: EditableField[] =
			row.kind === 'company'
				? ['companyName', 'street', 'zip', 'city', 'notes', 'matchcode']
				: ['firstName', 'lastName', 'department', 'street', 'zip', 'city', 'notes'];
		const field = pick(this.rng, fields);
		const value =
			field === 'companyName'
				? pick(this.rng, COMPANY_NAMES)
				: field === 'firstName'
					? pick(this.rng, FIRST_NAMES)
					: field === 'lastName'
						? pick(this.rng, LAST_NAMES)
						: this.rng() < 0.15
							? ''
							: this.unique(field);
		return { type: 'set', field, value };
	}

	async editFields(device: Device): Promise<void> {
		const row = await this.someContact(device);
		if (!row) return this.createCompany(device);
		const edits = Array.from({ length: int(this.rng, 1, 3) }, () => this.fieldEdit(row));
		// One edit per field: the store applies them in order, and two sets of one field in one edit say nothing.
		const byField = new Map(edits.map((e) => [e.type === 'set' ? e.field : '', e]));
		return this.edit(device, row.id, [...byField.values()]);
	}

	/**
	 * Several edits of one contact started at once, as fields saved in quick succession are: they
	 * are stored one after another, often within the same millisecond.
	 */
	async burst(device: Device): Promise<void> {
		const row = await this.someContact(device);
		if (!row) return this.createCompany(device);
		const edits = Array.from({ length: int(this.rng, 3, 6) }, () => [this.fieldEdit(row)]);
		const results = await Promise.all(edits.map((e) => device.store.editContact(row.id, e)));
		this.note(device, `burst ${row.id} ${JSON.stringify(edits)} -> ${JSON.stringify(results)}`);
		for (const result of results) expect(result, this.say(`edit of ${row.id} refused`)).toEqual({ ok: true });
	}

	async editChannels(device: Device): Promise<void> {
		const row = await this.someContact(device);
		if (!row) return this.createPerson(device);
		const contact = await device.store.loadContact(row.id);
		const channels: Channel[] = contact?.channels ?? [];
		const roll = this.rng();
		if (channels.length > 0 && roll < 0.35) {
			return this.edit(device, row.id, [{ type: 'removeChannel', id: pick(this.rng, channels).id }]);
		}
		if (channels.length > 0 && roll < 0.6) {
			const channel = pick(this.rng, channels);
			const patch =
				channel.kind === 'email'
					? { value: pick(this.rng, EMAILS), label: this.unique('Label') }
					: { value: pick(this.rng, PHONES) };
			return this.edit(device, row.id, [{ type: 'updateChannel', id: channel.id, patch }]);
		}
		const edit =
			this.rng() < 0.5
				? addChannel('phone', pick(this.rng, PHONES))
				: addChannel('email', pick(this.rng, EMAILS), this.rng() < 0.5 ? 'invoice' : null);
		return this.edit(device, row.id, [edit]);
	}

	async editGroups(device: Device): Promise<void> {
		const row = await this.someContact(device);
		const groups = await this.groupIds(device);
		if (!row || groups.length === 0) return this.editWorkspace(device);
		const own = row.ownGroups;
		if (own.length > 0 && this.rng() < 0.4) {
			return this.edit(device, row.id, [{ type: 'removeGroup', id: pick(this.rng, own) }]);
		}
		return this.edit(device, row.id, [{ type: 'addGroup', id: pick(this.rng, groups) }]);
	}

	/** Moves a person under another company (or none), or switches its inheritance. Companies never move. */
	async moveOrInherit(device: Device): Promise<void> {
		const rows = await this.rows(device);
		const persons = rows.filter((r) => r.kind === 'person');
		if (persons.length === 0) return this.createPerson(device);
		const person = pick(this.rng, persons);
		const roll = this.rng();
		if (roll < 0.5) {
			const companies = rows.filter((r) => r.kind === 'company' && r.id !== person.parentId);
			const parentId = companies.length > 0 && this.rng() < 0.8 ? pick(this.rng, companies).id : null;
			if (parentId === person.parentId) return;
			return this.edit(device, person.id, [{ type: 'setParent', parentId }]);
		}
		const field = roll < 0.75 ? 'inheritAddress' : 'inheritGroups';
		return this.edit(device, person.id, [{ type: 'set', field, value: !person[field] }]);
	}

	/** Two devices, both offline, write different values into the same field of the same contact. */
	async concurrentEdit(device: Device): Promise<void> {
		const other = pick(
			this.rng,
			this.devices.filter((d) => d !== device)
		);
		const theirs = new Set((await this.rows(other)).map((r) => r.id));
		const shared = (await this.rows(device)).filter((r) => theirs.has(r.id));
		if (shared.length === 0) return this.editFields(device);
		const row = pick(this.rng, shared);
		const field = pick(this.rng, ['city', 'notes', 'street'] as const);
		this.toggle(device, false);
		this.toggle(other, false);
		for (const d of [device, other]) {
			await this.edit(d, row.id, [{ type: 'set', field, value: this.unique(`${field} ${this.name(d)}`) }]);
		}
	}

	/** Writes back a value from the history, as the history tab's buttons do (never the creation entry). */
	async restore(device: Device): Promise<void> {
		const row = await this.someContact(device);
		if (!row) return this.createCompany(device);
		const history = await device.store.history(row.id);
		const isCreation = (e: HistoryEntry) => e.changes.some((c) => c.path.join('.') === 'fields.kind');
		const changes = history.filter((e) => !isCreation(e)).flatMap((e) => e.changes);
		if (changes.length === 0) return this.editFields(device);
		const change = pick(this.rng, changes);
		const value: JsonValue | undefined = this.rng() < 0.7 ? change.from : change.to;
		const refused = await device.store.restore(row.id, change.path, value);
		this.note(device, `restore ${row.id} ${change.path.join('.')} = ${JSON.stringify(value)} -> ${refused}`);
		// Parents are companies, which never move: no restore can make a cycle. A restored parent
		// may not have reached this device yet, which the store refuses.
		expect([null, 'parentMissing'], this.say('restore refused')).toContain(refused);
	}

	async editWorkspace(device: Device): Promise<void> {
		const groups = await device.store.groups();
		const roll = this.rng();
		if (groups.length > 0 && roll < 0.15) {
			const group = pick(this.rng, groups);
			this.note(device, `remove group ${group.id}`);
			expect(await device.store.editWorkspace([{ type: 'removeGroup', id: group.id }])).toBe(true);
			return;
		}
		const group =
			groups.length > 0 && roll < 0.5
				? { ...pick(this.rng, groups), color: pick(this.rng, COLORS) }
				: { id: newGroupId(), name: pick(this.rng, GROUP_NAMES), color: pick(this.rng, COLORS) };
		this.note(device, `put group ${JSON.stringify(group)}`);
		expect(await device.store.editWorkspace([{ type: 'putGroup', group }])).toBe(true);
	}

	/**
	 * Reloads the app on the device: its sync client stops and a new tab opens the same database with
	 * nothing in memory. What was not acknowledged must still be in the outbox, and the device resumes
	 * from its stored cursor. (The old tab's store stays open until the end, like a tab that lingers:
	 * closing a store under a write still in flight is reported separately.)
	 */
	async restart(device: Device): Promise<void> {
		this.note(device, 'restart');
		const online = !!device.client;
		device.offline();
		const store = await KontorStore.open({ name: device.store.databaseName });
		const again = new Device(store, device.account, device.url);
		this.devices[this.devices.indexOf(device)] = again;
		this.reopened.push(again);
		if (online) again.online();
	}

	/** Lets the devices that are online finish sending, so later steps build on received data too. */
	async settle(device: Device): Promise<void> {
		this.note(device, 'settle');
		const online = this.devices.filter((d) => d.client);
		await Promise.all(online.map((d) => d.synced())).catch((error: unknown) =>
			expect.fail(this.say(`settling failed: ${String(error)}`))
		);
	}

	/** Every device online, connected, caught up to the server's head and with nothing pending. */
	async converge(devices: readonly Device[]): Promise<void> {
		for (const device of devices) device.online();
		const workspace = this.users[0]?.workspaceId ?? '';
		let last = '';
		await waitFor(
			async () => {
				const head = await this.rig.server.storage.head(workspace);
				const states = await Promise.all(
					devices.map(async (d) => ({
						phase: d.status?.phase,
						pending: await d.store.pendingCount(),
						cursor: await d.store.syncValue('syncCursor')
					}))
				);
				last = JSON.stringify({ head, states });
				return states.every((s) => s.phase === 'synced' && s.pending === 0 && s.cursor === head);
			},
			20_000,
			() => this.say(`devices did not converge: ${last}`)
		);
	}
}

/** A row without its device-local time (when this device stored the update, which differs per device). */
function comparable(rows: readonly ContactRow[]): Omit<ContactRow, 'updatedAt'>[] {
	return byKey(rows).map((row) => {
		const copy: Partial<ContactRow> = { ...row };
		delete copy.updatedAt;
		return copy as Omit<ContactRow, 'updatedAt'>;
	});
}

/** Asserts that `device` holds exactly what `reference` holds. */
async function expectSame(
	run: Run,
	reference: Device,
	device: Device,
	ids: readonly ContactId[]
): Promise<void> {
	const who = `${run.name(device)} vs ${run.name(reference)}`;
	expect(comparable(await device.store.allRows()), run.say(`rows differ, ${who}`)).toEqual(
		comparable(await reference.store.allRows())
	);
	expect(await device.store.groups(), run.say(`groups differ, ${who}`)).toEqual(
		await reference.store.groups()
	);
	expect(await device.store.history(WORKSPACE_DOC_ID), run.say(`workspace history differs, ${who}`)).toEqual(
		await reference.store.history(WORKSPACE_DOC_ID)
	);
	for (const id of ids) {
		expect(await device.store.loadContact(id), run.say(`contact ${id} differs, ${who}`)).toEqual(
			await reference.store.loadContact(id)
		);
		expect(await device.store.history(id), run.say(`history of ${id} differs, ${who}`)).toEqual(
			await reference.store.history(id)
		);
	}
	expect(await device.store.pendingCount(), run.say(`outbox of ${run.name(device)} not empty`)).toBe(0);
}

/**
 * Asserts that what the device's store answers (documents it may hold in memory) is what its
 * database holds, as a store opened afresh on it reads it.
 */
async function expectReadsAsStored(run: Run, device: Device, ids: readonly ContactId[]): Promise<void> {
	const fresh = await KontorStore.open({ name: device.store.databaseName });
	try {
		for (const id of ids) {
			expect(await device.store.loadContact(id), run.say(`${run.name(device)} shows a stale ${id}`)).toEqual(
				await fresh.loadContact(id)
			);
		}
	} finally {
		fresh.close();
	}
}

let rig: Rig;
let run: Run | null = null;

beforeEach(async () => {
	// On PostgreSQL the devices are spread over two server instances sharing the database.
	rig = await new Rig({ instances: 2 }).start();
});

afterEach(async () => {
	for (const device of run?.reopened ?? []) device.close();
	run = null;
	await rig.stop();
});

/** A run of `seed` with `DEVICES` online devices, half of them the admin's, half a member's. */
async function startRun(seed: number): Promise<Run> {
	const admin: User = { ...(await rig.admin()), name: 'Anna Admin' };
	const member: User = {
		...(await rig.member(admin, 'Bernd Berger', 'bernd@example.com')),
		name: 'Bernd Berger'
	};
	const devices: Device[] = [];
	for (let i = 0; i < DEVICES; i++) {
		const device = await rig.device(i % 2 === 0 ? admin : member, `Gerät ${i + 1}`);
		device.online();
		devices.push(device);
	}
	return new Run(seed, mulberry32(seed), rig, devices, [admin, member]);
}

describe('devices going offline and online at random', () => {
	it.each(SEEDS)(
		'converge to the same documents, history and rows (seed %i)',
		async (seed) => {
			const current = (run = await startRun(seed));
			for (let i = 0; i < STEPS; i++) await current.step();

			const devices = [...current.devices];
			await current.converge(devices);
			const rows = await Promise.all(devices.map((d) => current.rows(d)));
			const ids = [...new Set(rows.flat().map((r) => r.id))];
			expect(ids.length, current.say('the run created no contacts')).toBeGreaterThan(0);
			for (const device of devices) await expectReadsAsStored(current, device, ids);
			const [reference, ...others] = devices as [Device, ...Device[]];
			for (const device of others) await expectSame(current, reference, device, ids);

			// The server stamped each entry with the user of the device that made it, and its time.
			const userOf = new Map(devices.map((d) => [d.store.deviceId as string, d.account as User]));
			let entries = 0;
			for (const id of [...ids, WORKSPACE_DOC_ID]) {
				for (const entry of await reference.store.history(id)) {
					const user = userOf.get(entry.device);
					expect(user, current.say(`entry ${entry.id} from an unknown device`)).toBeDefined();
					expect(entry.author, current.say(`entry ${entry.id} of ${id} not stamped`)).toEqual({
						id: user?.userId,
						name: user?.name
					});
					expect(entry.serverTime, current.say(`entry ${entry.id} has no server time`)).toBeGreaterThan(0);
					entries += 1;
				}
			}
			expect(entries, current.say('history shorter than the contacts')).toBeGreaterThanOrEqual(ids.length);

			// The rows maintained edit by edit and batch by batch are the ones a rebuild derives.
			for (const device of devices) {
				const live = comparable(await device.store.allRows());
				await device.store.rebuildProjection();
				expect(
					comparable(await device.store.allRows()),
					current.say(`rebuild differs, ${current.name(device)}`)
				).toEqual(live);
			}

			// A device joining last gets the same from one snapshot per document.
			const late = await rig.device(current.users[1] as User, 'Gerät neu');
			await current.converge([...devices, late]);
			await expectSame(current, reference, late, ids);
			for (const id of ids) {
				expect(await late.store.updateCount(id), current.say(`${id} did not come as one snapshot`)).toBe(1);
			}
		},
		40_000
	);
});
