import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountInputProblem, Accounts, INVITE_TTL_MS, SESSION_TTL_MS } from '../../sync-server/accounts';
import { hashPassword, hashToken, verifyPassword } from '../../sync-server/credentials';
import { LOGIN_WINDOW_MS } from '../../sync-server/login-limiter';
import type { AccountResult, AuthContext } from '../../sync-server/accounts';
import { openTestStorage } from './test-database';
import type { Storage } from '../../sync-server/storage/storage';
import type { AuthResponse } from '../../src/lib/sync/account-types';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Cheap hashes keep the suite fast; the default cost has its own test. */
const TEST_SCRYPT_N = 2 ** 10;
const PASSWORD = 'correct horse battery';
const IP = '192.0.2.1';

let dir: string;
let files = 0;
let storage: Storage;
let clock: number;
let accounts: Accounts;

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'kontor-accounts-'));
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
	files++;
	storage = await openTestStorage(path.join(dir, `accounts-${files}.sqlite`));
	clock = Date.UTC(2025, 2, 1, 8, 0, 0);
	accounts = new Accounts({ storage, now: () => clock, scryptN: TEST_SCRYPT_N });
});
afterEach(async () => {
	await storage.close();
});

function value<T>(result: AccountResult<T>): T {
	if (!result.ok) throw new Error(`expected success, got ${result.error}: ${result.message}`);
	return result.value;
}

function errorOf(result: AccountResult<unknown>): string {
	return result.ok ? 'ok' : result.error;
}

async function setupAdmin(): Promise<AuthResponse> {
	return value(
		await accounts.setup({
			name: 'Ada Admin',
			email: 'Ada@Example.com',
			password: PASSWORD,
			workspaceName: 'Acme'
		})
	);
}

async function auth(token: string): Promise<AuthContext> {
	const context = await accounts.authenticate(token);
	if (!context) throw new Error('expected a live session');
	return context;
}

/** An admin, plus a member who joined through an invite. */
async function adminAndMember(): Promise<{ admin: AuthResponse; member: AuthResponse }> {
	const admin = await setupAdmin();
	const invite = value(
		await accounts.createInvite(await auth(admin.token), { email: 'bo@example.com', role: 'member' })
	);
	const member = value(
		await accounts.acceptInvite({
			token: invite.token,
			name: 'Bo',
			email: 'bo@example.com',
			password: PASSWORD
		})
	);
	return { admin, member };
}

function tokenHashOf(token: string): string {
	return hashToken(token);
}

describe('passwords', () => {
	it('hashes with scrypt at the default cost in the documented format, never in plain', async () => {
		const hash = await hashPassword(PASSWORD);
		const [scheme, N, r, p, salt, key, ...rest] = hash.split('$');
		expect([scheme, N, r, p, rest.length]).toEqual(['scrypt', '32768', '8', '1', 0]);
		expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
		expect(Buffer.from(key ?? '', 'base64')).toHaveLength(32);
		expect(hash).not.toContain(PASSWORD);
		expect(await verifyPassword(PASSWORD, hash)).toBe(true);
		expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
	});

	it('salts every hash', async () => {
		const [a, b] = await Promise.all([
			hashPassword(PASSWORD, TEST_SCRYPT_N),
			hashPassword(PASSWORD, TEST_SCRYPT_N)
		]);
		expect(a).not.toBe(b);
		expect(await verifyPassword(PASSWORD, b)).toBe(true);
	});

	it('treats composed and decomposed characters as the same password', async () => {
		const hash = await hashPassword('Gr\u00fc\u00dfe aus K\u00f6ln', TEST_SCRYPT_N);
		expect(await verifyPassword('Gru\u0308\u00dfe aus Ko\u0308ln', hash)).toBe(true);
	});

	it.each([
		'',
		'bcrypt$x',
		'scrypt$3$8$1$c2FsdA==$a2V5',
		'scrypt$1024$8$1$$a2V5',
		`scrypt$${2 ** 24}$8$1$c2FsdA==$a2V5`
	])('rejects the malformed or out-of-bounds hash %j', async (hash) => {
		expect(await verifyPassword(PASSWORD, hash)).toBe(false);
	});
});

describe('account input', () => {
	const good = { name: 'Ada', email: 'ada@example.com', password: '0123456789' };
	it.each([
		[good, null],
		[{ ...good, email: '  ADA@example.com ' }, null],
		[{ ...good, email: 'admin@localhost' }, null],
		[{ ...good, name: '   ' }, 'nameRequired'],
		[{ ...good, name: 'x'.repeat(201) }, 'nameRequired'],
		[{ ...good, email: 'ada.example.com' }, 'invalidEmail'],
		[{ ...good, email: 'ada@@example.com' }, 'invalidEmail'],
		[{ ...good, email: 'a da@example.com' }, 'invalidEmail'],
		[{ ...good, email: `${'a'.repeat(250)}@example.com` }, 'invalidEmail'],
		[{ ...good, password: '012345678' }, 'weakPassword'],
		[{ ...good, password: 'x'.repeat(1025) }, 'weakPassword'],
		[{ ...good, password: '\u{1F511}'.repeat(9) }, 'weakPassword'],
		// Fields are checked in form order: the name's problem is reported first.
		[{ name: '', email: 'nope', password: 'short' }, 'nameRequired'],
		[{ name: 'Ada', email: 'nope', password: 'short' }, 'invalidEmail']
	])('%j -> %s', (input, expected) => {
		expect(accountInputProblem(input)).toBe(expected);
	});
});

describe('setup', () => {
	it('creates the admin, the workspace and a session, once', async () => {
		expect(await accounts.needsSetup()).toBe(true);
		const admin = await setupAdmin();
		expect(admin).toMatchObject({
			user: { name: 'Ada Admin', email: 'ada@example.com' },
			workspace: { name: 'Acme' },
			role: 'admin',
			expiresAt: clock + SESSION_TTL_MS
		});
		expect(await accounts.needsSetup()).toBe(false);

		const stored = await storage.userByEmail('ada@example.com');
		expect(stored?.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);
		expect(stored?.passwordHash).not.toContain(PASSWORD);
		expect(await verifyPassword(PASSWORD, stored?.passwordHash ?? '')).toBe(true);
		// Only the token's hash is stored.
		expect(await storage.sessionByTokenHash(admin.token)).toBeNull();
		expect(await storage.sessionByTokenHash(tokenHashOf(admin.token))).not.toBeNull();

		const again = await accounts.setup({
			name: 'Eve',
			email: 'eve@example.com',
			password: PASSWORD,
			workspaceName: 'X'
		});
		expect(errorOf(again)).toBe('setupDone');
		expect(await storage.userCount()).toBe(1);
	});

	it('lets exactly one of two racing setups win', async () => {
		const results = await Promise.all(
			['one', 'two'].map((name) =>
				accounts.setup({ name, email: `${name}@example.com`, password: PASSWORD, workspaceName: name })
			)
		);
		expect(results.map(errorOf).sort()).toEqual(['ok', 'setupDone']);
		expect(await storage.userCount()).toBe(1);
	});

	it.each([
		[{ name: '', email: 'a@example.com', password: PASSWORD, workspaceName: 'Acme' }, 'nameRequired'],
		[{ name: 'Ada', email: 'a', password: PASSWORD, workspaceName: 'Acme' }, 'invalidEmail'],
		[{ name: 'Ada', email: 'a@example.com', password: 'short', workspaceName: 'Acme' }, 'weakPassword'],
		[{ name: 'Ada', email: 'a@example.com', password: PASSWORD, workspaceName: ' ' }, 'nameRequired']
	])('refuses %j with %s and creates nothing', async (request, expected) => {
		expect(errorOf(await accounts.setup(request))).toBe(expected);
		expect(await accounts.needsSetup()).toBe(true);
	});
});

describe('login, sessions and logout', () => {
	it('logs in with the e-mail in any case and authenticates the token', async () => {
		const admin = await setupAdmin();
		const login = value(
			await accounts.login(
				{ email: ' ADA@example.COM', password: PASSWORD, deviceLabel: 'Firefox on Linux' },
				IP
			)
		);
		expect(login.token).not.toBe(admin.token);
		const context = await auth(login.token);
		expect(context).toMatchObject({
			user: { id: admin.user.id },
			workspace: { id: admin.workspace.id, name: 'Acme' },
			role: 'admin',
			session: { label: 'Firefox on Linux' }
		});
	});

	it('names the session of the setup after the device it was made on', async () => {
		const admin = value(
			await accounts.setup({
				name: 'Ada Admin',
				email: 'ada@example.com',
				password: PASSWORD,
				workspaceName: 'Acme',
				deviceLabel: 'Chromium (Linux)'
			})
		);
		expect((await auth(admin.token)).session.label).toBe('Chromium (Linux)');
	});

	it('answers wrong passwords and unknown e-mails alike', async () => {
		await setupAdmin();
		const wrong = await accounts.login({ email: 'ada@example.com', password: 'wrong password' }, IP);
		const unknown = await accounts.login({ email: 'nobody@example.com', password: PASSWORD }, IP);
		expect(wrong).toEqual(unknown);
		expect(errorOf(wrong)).toBe('invalidCredentials');
	});

	it('rejects unknown, malformed, revoked and logged-out tokens', async () => {
		const admin = await setupAdmin();
		expect(await accounts.authenticate('')).toBeNull();
		expect(await accounts.authenticate('not a token')).toBeNull();
		expect(await accounts.authenticate('A'.repeat(43))).toBeNull();

		expect(await accounts.logout(admin.token)).toBe(true);
		expect(await accounts.authenticate(admin.token)).toBeNull();
		expect(await accounts.logout(admin.token)).toBe(false);
	});

	it('lists the own open sessions and revokes only own ones', async () => {
		const { admin, member } = await adminAndMember();
		const second = value(
			await accounts.login({ email: 'ada@example.com', password: PASSWORD, deviceLabel: 'Phone' }, IP)
		);
		const adminAuth = await auth(admin.token);

		const sessions = await accounts.sessions(adminAuth);
		expect(sessions).toHaveLength(2);
		expect(sessions.filter((s) => s.current).map((s) => s.id)).toEqual([adminAuth.session.id]);
		expect(sessions.find((s) => !s.current)?.label).toBe('Phone');

		const memberSession = (await auth(member.token)).session;
		expect(errorOf(await accounts.revokeSession(adminAuth, memberSession.id))).toBe('notFound');
		expect(await accounts.authenticate(member.token)).not.toBeNull();

		const secondId = (await auth(second.token)).session.id;
		expect(errorOf(await accounts.revokeSession(adminAuth, secondId))).toBe('ok');
		expect(await accounts.authenticate(second.token)).toBeNull();
		expect((await accounts.sessions(adminAuth)).map((s) => s.id)).toEqual([adminAuth.session.id]);
	});

	it('expires sessions after 30 days without use and slides the expiry with use', async () => {
		const admin = await setupAdmin();
		clock += 20 * DAY;
		expect((await auth(admin.token)).session.expiresAt).toBe(clock + SESSION_TTL_MS);
		clock += 29 * DAY; // 49 days after login, 29 after the last use
		expect(await accounts.authenticate(admin.token)).not.toBeNull();
		clock += SESSION_TTL_MS;
		expect(await accounts.authenticate(admin.token)).toBeNull();
		expect(errorOf(await accounts.login({ email: 'ada@example.com', password: PASSWORD }, IP))).toBe('ok');
	});

	it('writes the last use at most once a minute', async () => {
		const admin = await setupAdmin();
		const created = clock;
		const lastSeen = async () => (await storage.sessionByTokenHash(tokenHashOf(admin.token)))?.lastSeenAt;
		clock += 30_000;
		await auth(admin.token);
		expect(await lastSeen()).toBe(created);
		clock += 30_000;
		await auth(admin.token);
		expect(await lastSeen()).toBe(clock);
	});

	it('no longer authenticates a session whose user left the workspace', async () => {
		const admin = await setupAdmin();
		// A session pointing at a workspace the user is not a member of (as after a removal).
		await storage.createWorkspace({ id: 'other-workspace', name: 'Other', createdAt: clock });
		await storage.createSession({
			...(await auth(admin.token)).session,
			id: 'foreign-session',
			tokenHash: tokenHashOf('B'.repeat(43)),
			workspaceId: 'other-workspace'
		});
		expect(await accounts.authenticate('B'.repeat(43))).toBeNull();
	});
});

describe('login rate limit', () => {
	const ada = (password: string, ip = IP) => accounts.login({ email: 'ada@example.com', password }, ip);

	it('refuses even the right password after 5 failures for an e-mail, until the window passes', async () => {
		await setupAdmin();
		for (let i = 0; i < 5; i++) expect(errorOf(await ada('wrong password'))).toBe('invalidCredentials');
		const limited = await ada(PASSWORD, '198.51.100.7');
		expect(limited).toMatchObject({ ok: false, error: 'rateLimited', retryAfter: LOGIN_WINDOW_MS / 1000 });

		clock += 10 * MINUTE;
		expect(await ada(PASSWORD)).toMatchObject({ error: 'rateLimited', retryAfter: 5 * 60 });
		clock += 5 * MINUTE;
		expect(errorOf(await ada(PASSWORD))).toBe('ok');
	});

	it('starts an e-mail afresh after a successful login', async () => {
		await setupAdmin();
		for (let i = 0; i < 4; i++) await ada('wrong password');
		expect(errorOf(await ada(PASSWORD))).toBe('ok');
		for (let i = 0; i < 4; i++) await ada('wrong password');
		expect(errorOf(await ada(PASSWORD))).toBe('ok');
	});

	it('refuses an address after 20 failures, whatever the e-mail', async () => {
		await setupAdmin();
		for (let i = 0; i < 20; i++) {
			expect(errorOf(await accounts.login({ email: `guess${i}@example.com`, password: PASSWORD }, IP))).toBe(
				'invalidCredentials'
			);
		}
		expect(errorOf(await ada(PASSWORD))).toBe('rateLimited');
		expect(errorOf(await ada(PASSWORD, '198.51.100.7'))).toBe('ok');
		clock += LOGIN_WINDOW_MS;
		expect(errorOf(await ada(PASSWORD))).toBe('ok');
	});

	it('counts parallel guesses before their passwords are checked', async () => {
		await setupAdmin();
		const results = await Promise.all(Array.from({ length: 12 }, () => ada('wrong password')));
		const errors = results.map(errorOf);
		expect(errors.filter((e) => e === 'invalidCredentials')).toHaveLength(5);
		expect(errors.filter((e) => e === 'rateLimited')).toHaveLength(7);
	});
});

describe('invites', () => {
	it('lets an admin invite, shows the invite, and makes the invitee a member once', async () => {
		const admin = await setupAdmin();
		const adminAuth = await auth(admin.token);
		const invite = value(await accounts.createInvite(adminAuth, { email: 'Bo@Example.com', role: 'member' }));
		expect(invite.expiresAt).toBe(clock + INVITE_TTL_MS);
		expect(await storage.inviteByTokenHash(invite.token)).toBeNull();

		expect(value(await accounts.previewInvite(invite.token))).toEqual({
			workspaceName: 'Acme',
			email: 'bo@example.com',
			role: 'member',
			expiresAt: invite.expiresAt
		});
		expect(value(await accounts.invites(adminAuth)).map((i) => i.id)).toEqual([invite.id]);

		const bo = value(
			await accounts.acceptInvite({
				token: invite.token,
				name: 'Bo',
				email: 'bo@example.com',
				password: PASSWORD
			})
		);
		expect(bo).toMatchObject({ role: 'member', workspace: { id: admin.workspace.id }, user: { name: 'Bo' } });
		expect((await accounts.members(adminAuth)).map((m) => [m.name, m.role])).toEqual([
			['Ada Admin', 'admin'],
			['Bo', 'member']
		]);

		const reuse = await accounts.acceptInvite({
			token: invite.token,
			name: 'Mallory',
			email: 'mallory@example.com',
			password: PASSWORD
		});
		expect(errorOf(reuse)).toBe('inviteInvalid');
		expect(errorOf(await accounts.previewInvite(invite.token))).toBe('inviteInvalid');
		expect(value(await accounts.invites(adminAuth))).toEqual([]);
	});

	it('lets only one of two concurrent acceptances of one invite win', async () => {
		const admin = await setupAdmin();
		const invite = value(
			await accounts.createInvite(await auth(admin.token), { email: 'x@example.com', role: 'member' })
		);
		const results = await Promise.all(
			['one', 'two'].map((name) =>
				accounts.acceptInvite({ token: invite.token, name, email: `${name}@example.com`, password: PASSWORD })
			)
		);
		expect(results.map(errorOf).sort()).toEqual(['inviteInvalid', 'ok']);
		expect(await accounts.members(await auth(admin.token))).toHaveLength(2);
	});

	it('refuses an expired invite', async () => {
		const admin = await setupAdmin();
		const invite = value(
			await accounts.createInvite(await auth(admin.token), { email: 'x@example.com', role: 'member' })
		);
		clock += INVITE_TTL_MS;
		expect(errorOf(await accounts.previewInvite(invite.token))).toBe('inviteExpired');
		const accept = await accounts.acceptInvite({
			token: invite.token,
			name: 'X',
			email: 'x@example.com',
			password: PASSWORD
		});
		expect(errorOf(accept)).toBe('inviteExpired');
		expect(await storage.userCount()).toBe(1);
	});

	it('refuses a revoked invite and drops it from the open ones', async () => {
		const admin = await setupAdmin();
		const adminAuth = await auth(admin.token);
		const invite = value(await accounts.createInvite(adminAuth, { email: 'x@example.com', role: 'admin' }));
		expect(errorOf(await accounts.revokeInvite(adminAuth, invite.id))).toBe('ok');
		expect(errorOf(await accounts.revokeInvite(adminAuth, invite.id))).toBe('notFound');
		expect(value(await accounts.invites(adminAuth))).toEqual([]);
		const accept = await accounts.acceptInvite({
			token: invite.token,
			name: 'X',
			email: 'x@example.com',
			password: PASSWORD
		});
		expect(errorOf(accept)).toBe('inviteInvalid');
	});

	it('refuses an e-mail that already has an account and keeps the invite usable', async () => {
		const admin = await setupAdmin();
		const invite = value(
			await accounts.createInvite(await auth(admin.token), { email: 'x@example.com', role: 'member' })
		);
		const taken = await accounts.acceptInvite({
			token: invite.token,
			name: 'X',
			email: 'ADA@example.com',
			password: PASSWORD
		});
		expect(errorOf(taken)).toBe('emailTaken');
		const weak = await accounts.acceptInvite({
			token: invite.token,
			name: 'X',
			email: 'x@example.com',
			password: 'short'
		});
		expect(errorOf(weak)).toBe('weakPassword');
		expect(errorOf(await accounts.previewInvite(invite.token))).toBe('ok');
	});

	it('keeps invites to admins', async () => {
		const { member } = await adminAndMember();
		const memberAuth = await auth(member.token);
		expect(memberAuth.role).toBe('member');
		expect(errorOf(await accounts.createInvite(memberAuth, { email: 'y@example.com', role: 'admin' }))).toBe(
			'forbidden'
		);
		expect(errorOf(await accounts.invites(memberAuth))).toBe('forbidden');
		expect(errorOf(await accounts.revokeInvite(memberAuth, 'any'))).toBe('forbidden');
	});

	it('checks the invited e-mail and role', async () => {
		const admin = await setupAdmin();
		const adminAuth = await auth(admin.token);
		expect(errorOf(await accounts.createInvite(adminAuth, { email: 'nope', role: 'member' }))).toBe(
			'invalidEmail'
		);
		const badRole = { email: 'y@example.com', role: 'owner' } as unknown as { email: string; role: 'member' };
		expect(errorOf(await accounts.createInvite(adminAuth, badRole))).toBe('badRequest');
	});

	it('rejects unknown and malformed invite tokens', async () => {
		await setupAdmin();
		expect(errorOf(await accounts.previewInvite('C'.repeat(43)))).toBe('inviteInvalid');
		expect(errorOf(await accounts.previewInvite('../etc'))).toBe('inviteInvalid');
	});
});

describe('workspace settings', () => {
	it('lets every member read the default for new contacts, everyone editing until changed', async () => {
		const { admin, member } = await adminAndMember();
		expect(await accounts.workspaceSettings(await auth(member.token))).toEqual({
			defaultAccess: 'everyoneEdits'
		});
		expect(await accounts.workspaceSettings(await auth(admin.token))).toEqual({
			defaultAccess: 'everyoneEdits'
		});
	});

	it('lets an admin change it and stores it for the workspace', async () => {
		const { admin, member } = await adminAndMember();
		const adminAuth = await auth(admin.token);
		expect(value(await accounts.setWorkspaceSettings(adminAuth, { defaultAccess: 'private' }))).toEqual({
			defaultAccess: 'private'
		});
		expect(await storage.workspaceDefault(admin.workspace.id)).toBe('private');
		expect(await accounts.workspaceSettings(await auth(member.token))).toEqual({ defaultAccess: 'private' });

		expect(value(await accounts.setWorkspaceSettings(adminAuth, { defaultAccess: 'everyoneEdits' }))).toEqual(
			{ defaultAccess: 'everyoneEdits' }
		);
		expect(await storage.workspaceDefault(admin.workspace.id)).toBe('everyoneEdits');
	});

	it('keeps changing it to admins, checking the role before the value', async () => {
		const { admin, member } = await adminAndMember();
		const memberAuth = await auth(member.token);
		expect(errorOf(await accounts.setWorkspaceSettings(memberAuth, { defaultAccess: 'private' }))).toBe(
			'forbidden'
		);
		expect(errorOf(await accounts.setWorkspaceSettings(memberAuth, { defaultAccess: 'nonsense' }))).toBe(
			'forbidden'
		);
		expect(await storage.workspaceDefault(admin.workspace.id)).toBe('everyoneEdits');
	});

	it.each(['', 'public', 'Private', 'everyone', 'none'])('refuses the unknown default %j', async (bad) => {
		const admin = await setupAdmin();
		const result = await accounts.setWorkspaceSettings(await auth(admin.token), { defaultAccess: bad });
		expect(errorOf(result)).toBe('badRequest');
		expect(await storage.workspaceDefault(admin.workspace.id)).toBe('everyoneEdits');
	});
});
