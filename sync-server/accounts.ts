/**
 * Accounts of the sync server: the first admin (setup), logins, sessions and invites. Every rule
 * about who may do what with an account lives here; `http-api.ts` only translates HTTP, and the
 * WebSocket hub calls `authenticate` with the token from a socket's first message.
 *
 * Outcomes a user can act on are returned as error codes (`AccountResult`); exceptions mean a fault.
 */
import { uuidv7, WORKSPACE_DEFAULTS } from '../src/lib/domain';
import { MIN_PASSWORD_LENGTH } from '../src/lib/sync/account-types';
import type {
	AcceptInviteRequest,
	AccountInfo,
	ApiErrorCode,
	AuthResponse,
	InviteInfo,
	InvitePreview,
	InviteRequest,
	LoginRequest,
	MemberInfo,
	SessionInfo,
	SetupRequest,
	WorkspaceSettings
} from '../src/lib/sync/account-types';
import { hashPassword, hashToken, newToken, SCRYPT_N, TOKEN_SHAPE, verifyPassword } from './credentials';
import { LoginLimiter } from './login-limiter';
import type { Invite, Role, Session, Storage, User, Workspace } from './storage/storage';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const SESSION_TTL_MS = 30 * DAY;
/** A session's use is written at most this often: reads stay reads on a busy socket. */
export const SESSION_TOUCH_INTERVAL_MS = MINUTE;
export const INVITE_TTL_MS = 7 * DAY;

export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_NAME_LENGTH = 200;
export const MAX_EMAIL_LENGTH = 254;
const MAX_LABEL_LENGTH = 200;

// ---- input checks ----

/** E-mail addresses are kept trimmed and lower-cased, so they compare case-insensitively. */
export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}

const EMAIL_SHAPE = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u;

/** A deliberately simple check: one @, something on each side, no spaces; the mail is what proves it. */
export function isEmail(email: string): boolean {
	return email.length <= MAX_EMAIL_LENGTH && EMAIL_SHAPE.test(email);
}

/** Length in characters as people count them (code points), not UTF-16 units. */
function charCount(text: string): number {
	return [...text].length;
}

function isName(name: string): boolean {
	const trimmed = name.trim();
	return trimmed.length > 0 && charCount(trimmed) <= MAX_NAME_LENGTH;
}

function isAcceptablePassword(password: string): boolean {
	const length = charCount(password);
	return length >= MIN_PASSWORD_LENGTH && length <= MAX_PASSWORD_LENGTH;
}

/** The first problem with a new account's fields, in the order a form shows them; null when fine. */
export function accountInputProblem(input: {
	name: string;
	email: string;
	password: string;
}): ApiErrorCode | null {
	if (!isName(input.name)) return 'nameRequired';
	if (!isEmail(normalizeEmail(input.email))) return 'invalidEmail';
	if (!isAcceptablePassword(input.password)) return 'weakPassword';
	return null;
}

/** A device label fit for the list of sessions: one line, bounded. */
function deviceLabel(label: unknown): string {
	if (typeof label !== 'string') return '';
	return [...label.replace(/\p{Cc}+/gu, ' ').trim()].slice(0, MAX_LABEL_LENGTH).join('');
}

const PROBLEM_MESSAGES: Partial<Record<ApiErrorCode, string>> = {
	nameRequired: `A name of 1 to ${MAX_NAME_LENGTH} characters is required.`,
	invalidEmail: 'This is not an e-mail address.',
	weakPassword: `The password needs ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`
};

// ---- accounts ----

/** The outcome of an account operation: a value, or an error code the user can act on. */
export type AccountResult<T> =
	{ ok: true; value: T } | { ok: false; error: ApiErrorCode; message: string; retryAfter?: number };

function ok<T>(value: T): AccountResult<T> {
	return { ok: true, value };
}

function fail<T>(error: ApiErrorCode, message: string, retryAfter?: number): AccountResult<T> {
	return retryAfter === undefined ? { ok: false, error, message } : { ok: false, error, message, retryAfter };
}

function problem<T>(error: ApiErrorCode): AccountResult<T> {
	return fail(error, PROBLEM_MESSAGES[error] ?? error);
}

/** A live session with everything a request needs to decide what it may do. */
export interface AuthContext {
	session: Session;
	user: User;
	workspace: Workspace;
	role: Role;
}

/** A created invite; the token is returned once and only its hash is stored. */
export interface NewInvite {
	id: string;
	token: string;
	expiresAt: number;
}

export interface AccountsOptions {
	storage: Storage;
	/** The clock, injectable for tests of expiry and rate limits. */
	now?: () => number;
	/** scrypt N for new password hashes (default `SCRYPT_N`); verification reads N from each hash. */
	scryptN?: number;
	/** Called when a session ends (logout or revoked), so open sync connections of it close at once. */
	onSessionEnded?: (sessionId: string) => void;
}

/** The account as the app sees it. */
export function accountInfo(auth: Pick<AuthContext, 'user' | 'workspace' | 'role'>): AccountInfo {
	return {
		user: { id: auth.user.id, name: auth.user.name, email: auth.user.email },
		workspace: { id: auth.workspace.id, name: auth.workspace.name },
		role: auth.role
	};
}

const ROLES: readonly Role[] = ['admin', 'member'];

/** Accounts, sessions and invites over a `Storage`. */
export class Accounts {
	readonly #storage: Storage;
	readonly #now: () => number;
	readonly #scryptN: number;
	readonly #onSessionEnded: (sessionId: string) => void;
	readonly #limiter = new LoginLimiter();
	#dummyHash: Promise<string> | undefined;

	constructor(options: AccountsOptions) {
		this.#storage = options.storage;
		this.#now = options.now ?? Date.now;
		this.#scryptN = options.scryptN ?? SCRYPT_N;
		this.#onSessionEnded = options.onSessionEnded ?? (() => undefined);
	}

	/** True while no account exists, so the first visitor may create the admin. */
	async needsSetup(): Promise<boolean> {
		return (await this.#storage.userCount()) === 0;
	}

	/** Creates the first user, their workspace and an admin session; refused once any user exists. */
	async setup(request: SetupRequest): Promise<AccountResult<AuthResponse>> {
		if (!(await this.needsSetup())) return fail('setupDone', 'This server already has an administrator.');
		const invalid = accountInputProblem(request);
		if (invalid) return problem(invalid);
		if (!isName(request.workspaceName)) return problem('nameRequired');

		const now = this.#now();
		const user = await this.#newUser(request, now);
		const workspace: Workspace = { id: uuidv7(now), name: request.workspaceName.trim(), createdAt: now };
		// The check above only saves the hashing; this transaction is what lets exactly one setup win.
		if (!(await this.#storage.createFirstAccount(user, workspace))) {
			return fail('setupDone', 'This server already has an administrator.');
		}
		return ok(await this.#openSession(user, workspace, 'admin', deviceLabel(request.deviceLabel)));
	}

	/** Opens a session for e-mail and password; failures are rate-limited per e-mail and per `ip`. */
	async login(request: LoginRequest, ip: string): Promise<AccountResult<AuthResponse>> {
		const email = normalizeEmail(request.email);
		const wait = this.#limiter.begin(email, ip, this.#now());
		if (wait !== null) return fail('rateLimited', 'Too many failed logins; try again later.', wait);

		const plausible = isEmail(email) && charCount(request.password) <= MAX_PASSWORD_LENGTH;
		const user = plausible ? await this.#storage.userByEmail(email) : null;
		// Unknown addresses cost a hash check too, so response times do not reveal who has an account.
		const valid = user
			? await verifyPassword(request.password, user.passwordHash)
			: await this.#dummyVerify(request.password);
		if (!user || !valid) return fail('invalidCredentials', 'E-mail or password is wrong.');
		this.#limiter.succeeded(email, ip, this.#now());

		const membership = (await this.#storage.workspacesOf(user.id))[0];
		const workspace = membership && (await this.#storage.workspaceById(membership.workspaceId));
		if (!membership || !workspace) return fail('forbidden', 'This account belongs to no workspace.');
		return ok(await this.#openSession(user, workspace, membership.role, deviceLabel(request.deviceLabel)));
	}

	/** Ends the session of `token`; false when it was not a live session. */
	async logout(token: string): Promise<boolean> {
		const session = await this.#liveSession(token);
		if (!session) return false;
		await this.#storage.revokeSession(session.id, this.#now());
		this.#onSessionEnded(session.id);
		return true;
	}

	/**
	 * The live session of `token` with its user, workspace and role, or null for an unknown, expired
	 * or revoked session or a user no longer in the workspace. Each use extends the session (sliding
	 * expiry), written at most once a minute.
	 */
	async authenticate(token: string): Promise<AuthContext | null> {
		const found = await this.#liveSession(token);
		if (!found) return null;
		const [user, workspace, membership] = await Promise.all([
			this.#storage.userById(found.userId),
			this.#storage.workspaceById(found.workspaceId),
			this.#storage.membership(found.workspaceId, found.userId)
		]);
		if (!user || !workspace || !membership) return null;

		let session = found;
		const now = this.#now();
		if (now - session.lastSeenAt >= SESSION_TOUCH_INTERVAL_MS) {
			session = { ...session, lastSeenAt: now, expiresAt: now + SESSION_TTL_MS };
			await this.#storage.touchSession(session.id, now, session.expiresAt);
		}
		return { session, user, workspace, role: membership.role };
	}

	/** The members of the caller's workspace. */
	async members(auth: AuthContext): Promise<MemberInfo[]> {
		const members = await this.#storage.members(auth.workspace.id);
		return members.map(({ user, role }) => ({ id: user.id, name: user.name, email: user.email, role }));
	}

	/** The settings of the caller's workspace; every member may read them. */
	async workspaceSettings(auth: AuthContext): Promise<WorkspaceSettings> {
		return { defaultAccess: await this.#storage.workspaceDefault(auth.workspace.id) };
	}

	/**
	 * Changes the settings of the caller's workspace (admins only). The value comes from a request
	 * body, so it is checked here; the role is checked first, so a member learns nothing from it.
	 * The new default applies to contacts that reach the server from now on.
	 */
	async setWorkspaceSettings(
		auth: AuthContext,
		request: { defaultAccess: string }
	): Promise<AccountResult<WorkspaceSettings>> {
		if (auth.role !== 'admin')
			return fail('forbidden', 'Only administrators can change the workspace settings.');
		const defaultAccess = WORKSPACE_DEFAULTS.find((value) => value === request.defaultAccess);
		if (!defaultAccess) {
			return fail('badRequest', `defaultAccess must be one of: ${WORKSPACE_DEFAULTS.join(', ')}.`);
		}
		await this.#storage.setWorkspaceDefault(auth.workspace.id, defaultAccess);
		return ok(await this.workspaceSettings(auth));
	}

	/** The caller's open sessions, the current one marked. */
	async sessions(auth: AuthContext): Promise<SessionInfo[]> {
		const sessions = await this.#openSessionsOf(auth.user.id);
		return sessions.map((session) => ({
			id: session.id,
			label: session.label,
			createdAt: session.createdAt,
			lastSeenAt: session.lastSeenAt,
			expiresAt: session.expiresAt,
			current: session.id === auth.session.id
		}));
	}

	/** Revokes one of the caller's own open sessions (another user's session is "not found"). */
	async revokeSession(auth: AuthContext, sessionId: string): Promise<AccountResult<null>> {
		const sessions = await this.#openSessionsOf(auth.user.id);
		if (!sessions.some((session) => session.id === sessionId)) return fail('notFound', 'No such session.');
		await this.#storage.revokeSession(sessionId, this.#now());
		this.#onSessionEnded(sessionId);
		return ok(null);
	}

	/** Creates a single-use invite into the caller's workspace (admins only). */
	async createInvite(auth: AuthContext, request: InviteRequest): Promise<AccountResult<NewInvite>> {
		if (auth.role !== 'admin') return fail('forbidden', 'Only administrators can invite.');
		const email = normalizeEmail(request.email);
		if (!isEmail(email)) return problem('invalidEmail');
		if (!ROLES.includes(request.role)) return fail('badRequest', 'Unknown role.');

		const now = this.#now();
		const token = newToken();
		const invite: Invite = {
			id: uuidv7(now),
			tokenHash: hashToken(token),
			workspaceId: auth.workspace.id,
			role: request.role,
			email,
			createdBy: auth.user.id,
			createdAt: now,
			expiresAt: now + INVITE_TTL_MS,
			usedAt: null,
			usedBy: null
		};
		await this.#storage.createInvite(invite);
		return ok({ id: invite.id, token, expiresAt: invite.expiresAt });
	}

	/** The workspace's open invites: neither used, revoked nor expired (admins only). */
	async invites(auth: AuthContext): Promise<AccountResult<InviteInfo[]>> {
		if (auth.role !== 'admin') return fail('forbidden', 'Only administrators can see invites.');
		const open = await this.#openInvitesOf(auth.workspace.id);
		return ok(
			open.map(({ id, email, role, createdAt, expiresAt }) => ({ id, email, role, createdAt, expiresAt }))
		);
	}

	/** Revokes an open invite of the caller's workspace (admins only). */
	async revokeInvite(auth: AuthContext, inviteId: string): Promise<AccountResult<null>> {
		if (auth.role !== 'admin') return fail('forbidden', 'Only administrators can revoke invites.');
		const open = await this.#openInvitesOf(auth.workspace.id);
		if (!open.some((invite) => invite.id === inviteId)) return fail('notFound', 'No such open invite.');
		await this.#storage.revokeInvite(inviteId, this.#now());
		return ok(null);
	}

	/** What an invite link leads to, shown before the account form. */
	async previewInvite(token: string): Promise<AccountResult<InvitePreview>> {
		const found = await this.#usableInvite(token);
		if (!found.ok) return found;
		const invite = found.value;
		const workspace = await this.#storage.workspaceById(invite.workspaceId);
		if (!workspace) return fail('inviteInvalid', 'This invite is not valid.');
		return ok({
			workspaceName: workspace.name,
			email: invite.email,
			role: invite.role,
			expiresAt: invite.expiresAt
		});
	}

	/** Creates the invited person's account and membership and opens a session; each invite works once. */
	async acceptInvite(request: AcceptInviteRequest): Promise<AccountResult<AuthResponse>> {
		const found = await this.#usableInvite(request.token);
		if (!found.ok) return found;
		const invite = found.value;
		const invalid = accountInputProblem(request);
		if (invalid) return problem(invalid);
		const email = normalizeEmail(request.email);
		if (await this.#storage.userByEmail(email))
			return fail('emailTaken', 'This e-mail already has an account.');

		const now = this.#now();
		const user = await this.#newUser(request, now);
		let accepted: boolean;
		try {
			accepted = await this.#storage.acceptInvite(invite.id, user, now);
		} catch (error) {
			// Someone registered the same address while this password was being hashed.
			if (await this.#storage.userByEmail(email))
				return fail('emailTaken', 'This e-mail already has an account.');
			throw error;
		}
		if (!accepted) return fail('inviteInvalid', 'This invite has been used or revoked.');

		const workspace = await this.#storage.workspaceById(invite.workspaceId);
		if (!workspace) throw new Error(`Workspace ${invite.workspaceId} of invite ${invite.id} is missing`);
		return ok(await this.#openSession(user, workspace, invite.role, deviceLabel(request.deviceLabel)));
	}

	async #newUser(input: { name: string; email: string; password: string }, now: number): Promise<User> {
		return {
			id: uuidv7(now),
			email: normalizeEmail(input.email),
			name: input.name.trim(),
			passwordHash: await hashPassword(input.password, this.#scryptN),
			createdAt: now
		};
	}

	async #openSession(user: User, workspace: Workspace, role: Role, label: string): Promise<AuthResponse> {
		const now = this.#now();
		const token = newToken();
		const session: Session = {
			id: uuidv7(now),
			tokenHash: hashToken(token),
			userId: user.id,
			workspaceId: workspace.id,
			createdAt: now,
			lastSeenAt: now,
			expiresAt: now + SESSION_TTL_MS,
			revokedAt: null,
			label
		};
		await this.#storage.createSession(session);
		return { ...accountInfo({ user, workspace, role }), token, expiresAt: session.expiresAt };
	}

	async #liveSession(token: string): Promise<Session | null> {
		if (!TOKEN_SHAPE.test(token)) return null;
		const session = await this.#storage.sessionByTokenHash(hashToken(token));
		if (!session || session.revokedAt !== null || this.#now() >= session.expiresAt) return null;
		return session;
	}

	async #openSessionsOf(userId: string): Promise<Session[]> {
		const now = this.#now();
		const sessions = await this.#storage.sessionsOf(userId);
		return sessions.filter((session) => session.revokedAt === null && now < session.expiresAt);
	}

	async #openInvitesOf(workspaceId: string): Promise<Invite[]> {
		const now = this.#now();
		const invites = await this.#storage.invitesOf(workspaceId);
		return invites.filter((invite) => invite.usedAt === null && now < invite.expiresAt);
	}

	async #usableInvite(token: string): Promise<AccountResult<Invite>> {
		const invite = TOKEN_SHAPE.test(token) ? await this.#storage.inviteByTokenHash(hashToken(token)) : null;
		if (!invite || invite.usedAt !== null) return fail('inviteInvalid', 'This invite is not valid.');
		if (this.#now() >= invite.expiresAt) return fail('inviteExpired', 'This invite has expired.');
		return ok(invite);
	}

	/** Costs what a real check costs, against a hash of a random password, and always fails. */
	async #dummyVerify(password: string): Promise<false> {
		this.#dummyHash ??= hashPassword(newToken(), this.#scryptN);
		await verifyPassword(password, await this.#dummyHash);
		return false;
	}
}
