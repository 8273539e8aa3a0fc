/**
 * The acceptance suite every `Storage` implementation runs (SQLite now, PostgreSQL later): the
 * implementation's test file only says how to open a fresh, empty store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	EMPTY_ENTRIES,
	EMPTY_UPDATE,
	type AppendInput,
	type Invite,
	type Session,
	type Storage,
	type User,
	type Workspace
} from '../../sync-server/storage/storage';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);

export function user(n: number, overrides: Partial<User> = {}): User {
	return {
		id: `user-${n}`,
		email: `person${n}@example.com`,
		name: `Person ${n}`,
		passwordHash: `scrypt$1024$8$1$c2FsdA==$aGFzaA==`,
		createdAt: T0 + n,
		...overrides
	};
}

export function workspace(n: number): Workspace {
	return { id: `workspace-${n}`, name: `Workspace ${n}`, createdAt: T0 + n };
}

function session(n: number, userId: string, workspaceId: string): Session {
	return {
		id: `session-${n}`,
		tokenHash: `token-hash-${n}`,
		userId,
		workspaceId,
		createdAt: T0,
		lastSeenAt: T0,
		expiresAt: T0 + 30 * DAY,
		revokedAt: null,
		label: `Device ${n}`
	};
}

function invite(n: number, workspaceId: string, createdBy: string, overrides: Partial<Invite> = {}): Invite {
	return {
		id: `invite-${n}`,
		tokenHash: `invite-hash-${n}`,
		workspaceId,
		role: 'member',
		email: `Invitee${n}@Example.com`,
		createdBy,
		createdAt: T0,
		expiresAt: T0 + 7 * DAY,
		usedAt: null,
		usedBy: null,
		...overrides
	};
}

function push(workspaceId: string, authorId: string, docId: string, n: number): AppendInput {
	return {
		workspaceId,
		docId,
		pushId: `push-${docId}-${n}`,
		update: Uint8Array.of(1, n % 256, 3),
		authorId,
		device: 'device-a',
		clientTime: T0 + n,
		serverTime: T0 + 1000 + n,
		entries: Uint8Array.of(9, n % 256),
		state: Uint8Array.of(7, n % 256),
		access: { ownerId: authorId, everyone: 'edit', users: {} },
		parentId: null
	};
}

/** Runs the shared suite against fresh stores made by `open`; `cleanup` runs after each test. */
export function describeStorage(name: string, open: () => Promise<Storage>): void {
	describe(`Storage: ${name}`, () => {
		let storage: Storage;
		const admin = user(1);
		const ws = workspace(1);

		beforeEach(async () => {
			storage = await open();
		});
		afterEach(async () => {
			await storage.close();
		});

		async function withAccount(): Promise<void> {
			expect(await storage.createFirstAccount(admin, ws)).toBe(true);
		}

		describe('accounts', () => {
			it('creates the first account once: user, workspace and admin membership', async () => {
				expect(await storage.userCount()).toBe(0);
				await withAccount();
				expect(await storage.createFirstAccount(user(2), workspace(2))).toBe(false);
				expect(await storage.userCount()).toBe(1);
				expect(await storage.workspaceById(ws.id)).toEqual(ws);
				expect(await storage.workspaceById(workspace(2).id)).toBeNull();
				expect(await storage.membership(ws.id, admin.id)).toEqual({
					workspaceId: ws.id,
					userId: admin.id,
					role: 'admin'
				});
			});

			it('lets exactly one of two concurrent first accounts win', async () => {
				const results = await Promise.all([
					storage.createFirstAccount(user(1), workspace(1)),
					storage.createFirstAccount(user(2), workspace(2))
				]);
				expect(results.filter(Boolean)).toHaveLength(1);
				expect(await storage.userCount()).toBe(1);
			});

			it('finds users by e-mail regardless of case and refuses a second user with the same address', async () => {
				await withAccount();
				expect(await storage.userByEmail('PERSON1@Example.COM')).toEqual(admin);
				expect(await storage.userById(admin.id)).toEqual(admin);
				expect(await storage.userByEmail('nobody@example.com')).toBeNull();
				await expect(storage.createUser(user(2, { email: 'Person1@EXAMPLE.com' }))).rejects.toThrow();
			});

			it('lists members by name with their users, and the workspaces of a user', async () => {
				await withAccount();
				const zoe = user(2, { name: 'zoe' });
				const anna = user(3, { name: 'Anna' });
				for (const member of [zoe, anna]) {
					await storage.createUser(member);
					await storage.addMember({ workspaceId: ws.id, userId: member.id, role: 'member' });
				}
				const members = await storage.members(ws.id);
				expect(members.map((member) => member.user.name)).toEqual(['Anna', 'Person 1', 'zoe']);
				expect(members[0]).toEqual({
					workspaceId: ws.id,
					userId: anna.id,
					role: 'member',
					user: { id: anna.id, name: 'Anna', email: anna.email }
				});
				expect(await storage.workspacesOf(zoe.id)).toEqual([
					{ workspaceId: ws.id, userId: zoe.id, role: 'member' }
				]);
			});
		});

		describe('sessions', () => {
			it('stores, finds, touches and revokes sessions', async () => {
				await withAccount();
				const first = session(1, admin.id, ws.id);
				await storage.createSession(first);
				await storage.createSession(session(2, admin.id, ws.id));
				expect(await storage.sessionByTokenHash(first.tokenHash)).toEqual(first);
				expect(await storage.sessionByTokenHash('unknown')).toBeNull();

				await storage.touchSession(first.id, T0 + 5000);
				expect(await storage.sessionByTokenHash(first.tokenHash)).toMatchObject({
					lastSeenAt: T0 + 5000,
					expiresAt: first.expiresAt
				});
				await storage.touchSession(first.id, T0 + 9000, T0 + 40 * DAY);
				expect(await storage.sessionByTokenHash(first.tokenHash)).toMatchObject({
					lastSeenAt: T0 + 9000,
					expiresAt: T0 + 40 * DAY
				});

				await storage.revokeSession(first.id, T0 + 10_000);
				await storage.revokeSession(first.id, T0 + 20_000);
				expect((await storage.sessionByTokenHash(first.tokenHash))?.revokedAt).toBe(T0 + 10_000);
				const sessions = await storage.sessionsOf(admin.id);
				expect(sessions.map((s) => s.id).sort()).toEqual(['session-1', 'session-2']);
			});
		});

		describe('invites', () => {
			beforeEach(withAccount);

			it('stores invites with the e-mail lower-cased and lists them per workspace', async () => {
				await storage.createInvite(invite(1, ws.id, admin.id));
				const stored = await storage.inviteByTokenHash('invite-hash-1');
				expect(stored).toEqual({ ...invite(1, ws.id, admin.id), email: 'invitee1@example.com' });
				expect((await storage.invitesOf(ws.id)).map((i) => i.id)).toEqual(['invite-1']);
			});

			it('accepts an invite once: user, membership with the invite role, and the invite marked used', async () => {
				await storage.createInvite(invite(1, ws.id, admin.id, { role: 'admin' }));
				const invitee = user(2);
				expect(await storage.acceptInvite('invite-1', invitee, T0 + 100)).toBe(true);
				expect(await storage.acceptInvite('invite-1', user(3), T0 + 200)).toBe(false);
				expect(await storage.userById(invitee.id)).toEqual(invitee);
				expect(await storage.userById(user(3).id)).toBeNull();
				expect(await storage.membership(ws.id, invitee.id)).toMatchObject({ role: 'admin' });
				expect(await storage.inviteByTokenHash('invite-hash-1')).toMatchObject({
					usedAt: T0 + 100,
					usedBy: invitee.id
				});
			});

			it('lets exactly one of two concurrent acceptances win', async () => {
				await storage.createInvite(invite(1, ws.id, admin.id));
				const results = await Promise.all([
					storage.acceptInvite('invite-1', user(2), T0 + 100),
					storage.acceptInvite('invite-1', user(3), T0 + 100)
				]);
				expect(results.filter(Boolean)).toHaveLength(1);
				expect(await storage.userCount()).toBe(2);
			});

			it('refuses expired, revoked and unknown invites', async () => {
				await storage.createInvite(invite(1, ws.id, admin.id));
				await storage.createInvite(invite(2, ws.id, admin.id));
				expect(await storage.acceptInvite('invite-1', user(2), T0 + 7 * DAY)).toBe(false);
				await storage.revokeInvite('invite-2', T0 + 50);
				expect(await storage.acceptInvite('invite-2', user(2), T0 + 100)).toBe(false);
				expect(await storage.acceptInvite('invite-9', user(2), T0 + 100)).toBe(false);
				expect(await storage.inviteByTokenHash('invite-hash-2')).toMatchObject({
					usedAt: T0 + 50,
					usedBy: null
				});
				expect(await storage.userCount()).toBe(1);
			});

			it('keeps who used an invite when it is revoked afterwards', async () => {
				await storage.createInvite(invite(1, ws.id, admin.id));
				await storage.acceptInvite('invite-1', user(2), T0 + 100);
				await storage.revokeInvite('invite-1', T0 + 500);
				expect(await storage.inviteByTokenHash('invite-hash-1')).toMatchObject({
					usedAt: T0 + 100,
					usedBy: user(2).id
				});
			});
		});

		describe('log and documents', () => {
			beforeEach(withAccount);

			it('gives many concurrent appends gap-free, unique seqs', async () => {
				const docs = ['doc-a', 'doc-b', 'doc-c', 'doc-d'];
				const records = await Promise.all(
					Array.from({ length: 200 }, (_, n) => storage.append(push(ws.id, admin.id, docs[n % 4] ?? '', n)))
				);
				const seqs = records.map((record) => record.seq).sort((a, b) => a - b);
				expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
				expect(await storage.head(ws.id)).toBe(200);
				expect(await storage.logCount(ws.id)).toBe(200);
				expect(await storage.documentCount(ws.id)).toBe(4);
				// Counted up to a bound: no further than asked.
				const bounded = await Promise.all([0, 1, 3, 4, 5].map((n) => storage.documentCount(ws.id, n)));
				expect(bounded).toEqual([0, 1, 3, 4, 4]);
			});

			it('resolves concurrent appends in seq order, so acknowledgements and broadcasts go out in log order', async () => {
				const resolved: number[] = [];
				await Promise.all(
					Array.from({ length: 50 }, (_, n) =>
						storage.append(push(ws.id, admin.id, `doc-${n}`, n)).then((r) => resolved.push(r.seq))
					)
				);
				expect(resolved).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
			});

			it('stores a resent push id once even when both arrive together', async () => {
				const input = push(ws.id, admin.id, 'doc-a', 7);
				const [first, second] = await Promise.all([storage.append(input), storage.append(input)]);
				expect(second).toEqual(first);
				expect(await storage.logCount(ws.id)).toBe(1);
			});

			it('returns the stored record and round-trips bytes as Uint8Array', async () => {
				const input = push(ws.id, admin.id, 'doc-a', 1);
				const record = await storage.append(input);
				const { state: _state, access: _access, parentId: _parentId, ...fields } = input;
				expect(record).toEqual({ ...fields, seq: 1, kind: 'update' });
				const [read] = await storage.logAfter(ws.id, 0, 10);
				expect(read).toEqual(record);
				expect(read?.update).toBeInstanceOf(Uint8Array);
				expect(Array.from(read?.update ?? [])).toEqual([1, 1, 3]);
			});

			it('logs a push id once: a repeated push returns the earlier record and writes nothing', async () => {
				const first = await storage.append(push(ws.id, admin.id, 'doc-a', 1));
				const again = await storage.append({ ...push(ws.id, admin.id, 'doc-a', 1), state: Uint8Array.of(0) });
				expect(again).toEqual(first);
				expect(await storage.logCount(ws.id)).toBe(1);
				expect(await storage.logByPushId(ws.id, first.pushId)).toEqual(first);
				expect(await storage.logByPushId(ws.id, 'unknown')).toBeNull();
				expect(Array.from((await storage.document(ws.id, 'doc-a'))?.state ?? [])).toEqual([7, 1]);
			});

			it('keeps the first author as owner and updates the state', async () => {
				const other = user(2);
				await storage.createUser(other);
				await storage.addMember({ workspaceId: ws.id, userId: other.id, role: 'member' });
				await storage.append(push(ws.id, admin.id, 'doc-a', 1));
				await storage.append(push(ws.id, other.id, 'doc-a', 2));
				const doc = await storage.document(ws.id, 'doc-a');
				expect(doc).toMatchObject({ ownerId: admin.id, createdAt: T0 + 1001, updatedAt: T0 + 1002 });
				expect(doc?.state).toBeInstanceOf(Uint8Array);
				expect(Array.from(doc?.state ?? [])).toEqual([7, 2]);
				expect(await storage.document(ws.id, 'doc-z')).toBeNull();
			});

			it('keeps owner, creation time and newest state right when one turn appends to a document several times', async () => {
				const other = user(2);
				await storage.createUser(other);
				await storage.addMember({ workspaceId: ws.id, userId: other.id, role: 'member' });
				// Appended together (one commit where the storage groups them), a resend among them.
				const records = await Promise.all([
					storage.append(push(ws.id, admin.id, 'doc-new', 1)),
					storage.append(push(ws.id, other.id, 'doc-new', 2)),
					storage.append(push(ws.id, admin.id, 'doc-new', 1)),
					storage.append(push(ws.id, other.id, 'doc-new', 3))
				]);
				expect(records.map((r) => r.seq)).toEqual([1, 2, 1, 3]);
				expect(await storage.head(ws.id)).toBe(3);
				const doc = await storage.document(ws.id, 'doc-new');
				expect(doc).toMatchObject({ ownerId: admin.id, createdAt: T0 + 1001, updatedAt: T0 + 1003 });
				expect(Array.from(doc?.state ?? [])).toEqual([7, 3]);
			});

			it('commits appends made together all or none when their batch fails, and the others one by one', async () => {
				// One turn: a lone append, two made together of which the second names no user, another lone one.
				const together = (n: number, authorId = admin.id): AppendInput => ({
					...push(ws.id, authorId, 'doc-group', n),
					together: 'group-1'
				});
				const [lone, first, second, after] = await Promise.allSettled([
					storage.append(push(ws.id, admin.id, 'doc-a', 1)),
					storage.append(together(2)),
					storage.append(together(3, 'no-such-user')),
					storage.append(push(ws.id, admin.id, 'doc-b', 4))
				]);
				expect(lone).toMatchObject({ status: 'fulfilled', value: { pushId: 'push-doc-a-1' } });
				expect(first.status).toBe('rejected');
				expect(second.status).toBe('rejected');
				expect(after).toMatchObject({ status: 'fulfilled', value: { pushId: 'push-doc-b-4' } });
				expect(await storage.document(ws.id, 'doc-group')).toBeNull();
				expect(await storage.logByPushId(ws.id, 'push-doc-group-2')).toBeNull();
				expect(await storage.logCount(ws.id)).toBe(2);
				// Made together again, both valid: they commit.
				const again = await Promise.all([storage.append(together(2)), storage.append(together(3))]);
				expect(again.map((record) => record.pushId)).toEqual(['push-doc-group-2', 'push-doc-group-3']);
				expect(Array.from((await storage.document(ws.id, 'doc-group'))?.state ?? [])).toEqual([7, 3]);
			});

			it('lists the contacts under another, with their rights, and follows a move', async () => {
				await storage.append(push(ws.id, admin.id, 'company', 1));
				await storage.append({ ...push(ws.id, admin.id, 'person', 2), parentId: 'company' });
				await storage.append({ ...push(ws.id, admin.id, 'other', 3), parentId: 'elsewhere' });
				const access = { ownerId: admin.id, everyone: 'edit', users: {} };
				expect(await storage.children(ws.id, 'company')).toEqual([
					{ docId: 'person', parentId: 'company', access }
				]);
				expect(await storage.children(ws.id, 'elsewhere')).toEqual([
					{ docId: 'other', parentId: 'elsewhere', access }
				]);
				await storage.append({ ...push(ws.id, admin.id, 'person', 4), parentId: null });
				expect(await storage.children(ws.id, 'company')).toEqual([]);
				expect((await storage.document(ws.id, 'other'))?.parentId).toBe('elsewhere');
			});

			it('keeps the reference index: what each document points at, and who points at a document', async () => {
				const access = { ownerId: admin.id, everyone: 'edit', users: {} };
				const toCentral = [{ kind: 'invoiceRecipient', docId: 'central' }];
				await storage.append(push(ws.id, admin.id, 'central', 1));
				expect((await storage.document(ws.id, 'central'))?.references).toEqual([]);
				await storage.append({ ...push(ws.id, admin.id, 'branch', 2), references: toCentral });
				await storage.append({ ...push(ws.id, admin.id, 'person', 3), parentId: 'central' });
				expect((await storage.document(ws.id, 'branch'))?.references).toEqual(toCentral);
				expect(await storage.referrers(ws.id, 'central')).toEqual([
					{ kind: 'contactPerson', docId: 'person', access },
					{ kind: 'invoiceRecipient', docId: 'branch', access }
				]);
				// An append without references leaves them; one with an empty list removes them.
				await storage.append(push(ws.id, admin.id, 'branch', 4));
				expect((await storage.document(ws.id, 'branch'))?.references).toEqual(toCentral);
				await storage.append({ ...push(ws.id, admin.id, 'branch', 5), references: [] });
				expect((await storage.referrers(ws.id, 'central')).map((r) => r.docId)).toEqual(['person']);
				// Several appends to one document in one turn: the last references given count.
				await Promise.all([
					storage.append({ ...push(ws.id, admin.id, 'other', 6), references: [] }),
					storage.append({ ...push(ws.id, admin.id, 'other', 7), references: toCentral }),
					storage.append(push(ws.id, admin.id, 'other', 8))
				]);
				expect((await storage.referrers(ws.id, 'central')).map((r) => r.docId)).toEqual(['person', 'other']);
				expect(await storage.referrers(ws.id, 'nobody')).toEqual([]);
			});

			it('drops a purged document from the reference index', async () => {
				await storage.append(push(ws.id, admin.id, 'central', 1));
				await storage.append({
					...push(ws.id, admin.id, 'branch', 2),
					parentId: 'central',
					references: [{ kind: 'invoiceRecipient', docId: 'central' }]
				});
				await storage.purge({
					workspaceId: ws.id,
					docId: 'branch',
					pushId: 'request-purge',
					authorId: admin.id,
					device: 'device-a',
					serverTime: T0 + 9000,
					entries: EMPTY_ENTRIES
				});
				expect(await storage.referrers(ws.id, 'central')).toEqual([]);
				expect((await storage.document(ws.id, 'branch'))?.references).toEqual([]);
				// A late edit of the purged document brings no references back.
				await storage.append({
					...push(ws.id, admin.id, 'branch', 3),
					references: [{ kind: 'invoiceRecipient', docId: 'central' }]
				});
				expect((await storage.document(ws.id, 'branch'))?.references).toEqual([]);
				expect(await storage.referrers(ws.id, 'central')).toEqual([]);
			});

			it('changes rights with a log record that keeps the rights before, once per request id', async () => {
				await storage.append(push(ws.id, admin.id, 'doc-a', 1));
				const before = { ownerId: admin.id, everyone: 'edit' as const, users: {} };
				const after = { ownerId: admin.id, everyone: 'none' as const, users: { 'user-x': 'read' as const } };
				const input = {
					workspaceId: ws.id,
					docId: 'doc-a',
					pushId: 'request-1',
					authorId: admin.id,
					device: 'device-a',
					serverTime: T0 + 5000,
					entries: Uint8Array.of(0),
					access: after
				};
				const record = await storage.setAccess(input);
				expect(record).toMatchObject({ seq: 2, kind: 'access', docId: 'doc-a', accessBefore: before });
				expect(Array.from(record.update)).toEqual(Array.from(EMPTY_UPDATE));
				expect((await storage.document(ws.id, 'doc-a'))?.access).toEqual(after);
				expect(await storage.setAccess({ ...input, serverTime: T0 + 6000 })).toEqual(record);
				expect((await storage.logAfter(ws.id, 1, 10))[0]).toEqual(record);
				expect(await storage.logCount(ws.id)).toBe(2);
			});

			it('lists the documents not everyone may read, with the contact they are listed under', async () => {
				const closed = (users: Record<string, 'read' | 'edit'> = {}) => ({
					ownerId: admin.id,
					everyone: 'none' as const,
					users
				});
				await storage.append(push(ws.id, admin.id, 'company', 1));
				await storage.append({ ...push(ws.id, admin.id, 'private', 2), access: closed() });
				await storage.append({
					...push(ws.id, admin.id, 'person', 3),
					parentId: 'company',
					access: closed({ 'user-x': 'read' })
				});
				await storage.append({
					...push(ws.id, admin.id, 'readable', 4),
					parentId: 'company',
					access: { ownerId: admin.id, everyone: 'read', users: {} }
				});
				await storage.append({ ...push(ws.id, admin.id, 'gone', 5), access: closed() });
				const byId = async () =>
					(await storage.restrictedDocuments(ws.id)).sort((a, b) => a.docId.localeCompare(b.docId));
				expect(await byId()).toEqual([
					{ docId: 'gone', parentId: null, access: closed() },
					{ docId: 'person', parentId: 'company', access: closed({ 'user-x': 'read' }) },
					{ docId: 'private', parentId: null, access: closed() }
				]);
				const change = {
					workspaceId: ws.id,
					authorId: admin.id,
					device: 'device-a',
					entries: Uint8Array.of(0)
				};
				// Opened to everyone, closed, purged: the list follows.
				await storage.setAccess({
					...change,
					docId: 'private',
					pushId: 'open-private',
					serverTime: T0 + 5000,
					access: { ownerId: admin.id, everyone: 'read', users: {} }
				});
				await storage.setAccess({
					...change,
					docId: 'company',
					pushId: 'close-company',
					serverTime: T0 + 5001,
					access: closed()
				});
				await storage.purge({
					...change,
					docId: 'gone',
					pushId: 'purge-gone',
					serverTime: T0 + 5002,
					entries: EMPTY_ENTRIES
				});
				expect(await byId()).toEqual([
					{ docId: 'company', parentId: null, access: closed() },
					{ docId: 'person', parentId: 'company', access: closed({ 'user-x': 'read' }) }
				]);
			});

			it('purges a document to a tombstone, once per request id', async () => {
				await storage.append(push(ws.id, admin.id, 'doc-a', 1));
				await storage.append(push(ws.id, admin.id, 'doc-b', 2));
				await storage.append(push(ws.id, admin.id, 'doc-a', 3));
				const input = {
					workspaceId: ws.id,
					docId: 'doc-a',
					pushId: 'request-2',
					authorId: admin.id,
					device: 'device-a',
					serverTime: T0 + 9000,
					entries: EMPTY_ENTRIES
				};
				const record = await storage.purge(input);
				expect(record).toMatchObject({ seq: 4, kind: 'purge', docId: 'doc-a', authorId: admin.id });
				const tombstone = await storage.document(ws.id, 'doc-a');
				expect(tombstone).toMatchObject({ purgedAt: T0 + 9000, purgedBy: admin.id });
				expect(Array.from(tombstone?.state ?? [])).toEqual(Array.from(EMPTY_UPDATE));
				const log = await storage.logAfter(ws.id, 0, 10);
				for (const r of log.filter((r) => r.docId === 'doc-a')) {
					expect(Array.from(r.update)).toEqual(Array.from(EMPTY_UPDATE));
					expect(Array.from(r.entries)).toEqual(Array.from(EMPTY_ENTRIES));
				}
				expect(Array.from(log[1]?.update ?? [])).toEqual([1, 2, 3]);
				expect(await storage.documentCount(ws.id)).toBe(1);
				expect((await storage.documents(ws.id, '', 10)).map((d) => d.docId)).toEqual(['doc-b']);
				expect(await storage.purge({ ...input, serverTime: T0 + 9999 })).toEqual(record);
				expect(await storage.logCount(ws.id)).toBe(4);
				// An edit arriving late never brings the state back.
				await storage.append(push(ws.id, admin.id, 'doc-a', 5));
				expect(Array.from((await storage.document(ws.id, 'doc-a'))?.state ?? [])).toEqual(
					Array.from(EMPTY_UPDATE)
				);
			});

			it('keeps the workspace default for new contacts', async () => {
				expect(await storage.workspaceDefault(ws.id)).toBe('everyoneEdits');
				await storage.setWorkspaceDefault(ws.id, 'private');
				expect(await storage.workspaceDefault(ws.id)).toBe('private');
			});

			it('pages the log by seq and the documents by id', async () => {
				for (let n = 1; n <= 7; n++) await storage.append(push(ws.id, admin.id, `doc-${8 - n}`, n));
				expect((await storage.logAfter(ws.id, 2, 3)).map((r) => r.seq)).toEqual([3, 4, 5]);
				expect(await storage.logAfter(ws.id, 7, 10)).toEqual([]);

				const pages: string[][] = [];
				let after = '';
				for (;;) {
					const page = await storage.documents(ws.id, after, 3);
					if (page.length === 0) break;
					pages.push(page.map((doc) => doc.docId));
					after = page.at(-1)?.docId ?? '';
				}
				expect(pages).toEqual([['doc-1', 'doc-2', 'doc-3'], ['doc-4', 'doc-5', 'doc-6'], ['doc-7']]);
			});

			it("returns a document's history entries in log order", async () => {
				await storage.append(push(ws.id, admin.id, 'doc-a', 1));
				await storage.append(push(ws.id, admin.id, 'doc-b', 2));
				await storage.append(push(ws.id, admin.id, 'doc-a', 3));
				const entries = await storage.entriesOf(ws.id, 'doc-a');
				expect(entries.map((entry) => Array.from(entry))).toEqual([
					[9, 1],
					[9, 3]
				]);
				expect(await storage.entriesOf(ws.id, 'doc-none')).toEqual([]);
			});

			it('numbers each workspace on its own', async () => {
				const second = workspace(2);
				await storage.createWorkspace(second);
				await storage.addMember({ workspaceId: second.id, userId: admin.id, role: 'admin' });
				await storage.append(push(ws.id, admin.id, 'doc-a', 1));
				await storage.append(push(ws.id, admin.id, 'doc-a', 2));
				const other = await storage.append(push(second.id, admin.id, 'doc-a', 1));
				expect(other.seq).toBe(1);
				expect(await storage.head(ws.id)).toBe(2);
				expect(await storage.head(second.id)).toBe(1);
				expect(await storage.head('workspace-none')).toBe(0);
			});

			it('refuses log records of an unknown workspace', async () => {
				await expect(storage.append(push('workspace-none', admin.id, 'doc-a', 1))).rejects.toThrow();
				expect(await storage.logCount('workspace-none')).toBe(0);
			});
		});
	});
}
