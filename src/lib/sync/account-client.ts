/**
 * The client of the account API (routes in `account-types.ts`), for the browser and for Node. Each
 * method returns an `ApiResult`: the server's error code when it answered with one, `network` when
 * it could not be reached, and `internal` when something answered that is not this API.
 */
import {
	API_ERROR_CODES,
	type AcceptInviteRequest,
	type AccountInfo,
	type ApiErrorCode,
	type AuthResponse,
	type InviteCreated,
	type InviteInfo,
	type InvitePreview,
	type InviteRequest,
	type LoginRequest,
	type MemberInfo,
	type ServerStatus,
	type SessionInfo,
	type SetupRequest,
	type WorkspaceSettings
} from './account-types';
import { WORKSPACE_DEFAULTS } from '../domain/access';
import type { ApiResult } from './sync-api';

/** One method per route; Bearer routes take the session token as their first argument. */
export interface AccountClient {
	status(): Promise<ApiResult<ServerStatus>>;
	setup(request: SetupRequest): Promise<ApiResult<AuthResponse>>;
	login(request: LoginRequest): Promise<ApiResult<AuthResponse>>;
	logout(token: string): Promise<ApiResult<null>>;
	session(token: string): Promise<ApiResult<AccountInfo>>;
	sessions(token: string): Promise<ApiResult<SessionInfo[]>>;
	revokeSession(token: string, sessionId: string): Promise<ApiResult<null>>;
	members(token: string): Promise<ApiResult<MemberInfo[]>>;
	createInvite(token: string, request: InviteRequest): Promise<ApiResult<InviteCreated>>;
	invites(token: string): Promise<ApiResult<InviteInfo[]>>;
	revokeInvite(token: string, inviteId: string): Promise<ApiResult<null>>;
	previewInvite(inviteToken: string): Promise<ApiResult<InvitePreview>>;
	acceptInvite(request: AcceptInviteRequest): Promise<ApiResult<AuthResponse>>;
	workspaceSettings(token: string): Promise<ApiResult<WorkspaceSettings>>;
	setWorkspaceSettings(token: string, settings: WorkspaceSettings): Promise<ApiResult<WorkspaceSettings>>;
}

const ERROR_CODES: ReadonlySet<string> = new Set<ApiErrorCode>(API_ERROR_CODES);

// ---- response checks: only what the app goes on to use, so a proxy's HTML page is not taken for data ----

type Check<T> = (value: unknown) => value is T;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasFields(value: unknown, fields: Record<string, 'string' | 'number' | 'boolean'>): boolean {
	return isRecord(value) && Object.entries(fields).every(([key, type]) => typeof value[key] === type);
}

function isRole(value: unknown): boolean {
	return value === 'admin' || value === 'member';
}

const isStatus: Check<ServerStatus> = (v): v is ServerStatus =>
	hasFields(v, { needsSetup: 'boolean', protocolVersion: 'number' });

const isAccountInfo: Check<AccountInfo> = (v): v is AccountInfo =>
	isRecord(v) &&
	hasFields(v.user, { id: 'string', name: 'string', email: 'string' }) &&
	hasFields(v.workspace, { id: 'string', name: 'string' }) &&
	isRole(v.role);

const isAuthResponse: Check<AuthResponse> = (v): v is AuthResponse =>
	isAccountInfo(v) && hasFields(v, { token: 'string', expiresAt: 'number' });

const isSessionInfo: Check<SessionInfo> = (v): v is SessionInfo =>
	hasFields(v, {
		id: 'string',
		label: 'string',
		createdAt: 'number',
		lastSeenAt: 'number',
		expiresAt: 'number',
		current: 'boolean'
	});

const isMemberInfo: Check<MemberInfo> = (v): v is MemberInfo =>
	hasFields(v, { id: 'string', name: 'string', email: 'string' }) && isRecord(v) && isRole(v.role);

const isInviteCreated: Check<InviteCreated> = (v): v is InviteCreated =>
	hasFields(v, { id: 'string', url: 'string', expiresAt: 'number' });

const isInviteInfo: Check<InviteInfo> = (v): v is InviteInfo =>
	hasFields(v, { id: 'string', email: 'string', createdAt: 'number', expiresAt: 'number' }) &&
	isRecord(v) &&
	isRole(v.role);

const isInvitePreview: Check<InvitePreview> = (v): v is InvitePreview =>
	hasFields(v, { workspaceName: 'string', email: 'string', expiresAt: 'number' }) &&
	isRecord(v) &&
	isRole(v.role);

const isWorkspaceSettings: Check<WorkspaceSettings> = (v): v is WorkspaceSettings =>
	isRecord(v) && (WORKSPACE_DEFAULTS as readonly unknown[]).includes(v.defaultAccess);

function listOf<T>(check: Check<T>): Check<T[]> {
	return (v): v is T[] => Array.isArray(v) && v.every(check);
}

/** For 204 answers: the body is not looked at. */
const isNothing: Check<null> = (v): v is null => v === null;

// ---- requests ----

interface Call<T> {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	path: string;
	token?: string;
	body?: unknown;
	check: Check<T>;
}

function unexpected<T>(message: string): ApiResult<T> {
	return { ok: false, error: 'internal', message };
}

/** The error an answer with a failure status carries, or `internal` when it is not an `ApiError`. */
function errorResult<T>(body: unknown, status: number): ApiResult<T> {
	if (!isRecord(body) || typeof body.error !== 'string' || !ERROR_CODES.has(body.error)) {
		return unexpected(`Unexpected answer (HTTP ${status})`);
	}
	const result: ApiResult<T> = { ok: false, error: body.error as ApiErrorCode };
	if (typeof body.message === 'string') result.message = body.message;
	if (typeof body.retryAfter === 'number') result.retryAfter = body.retryAfter;
	return result;
}

async function readJson(response: Response): Promise<{ json: unknown } | null> {
	try {
		return { json: await response.json() };
	} catch {
		return null;
	}
}

/** Creates a client for the server at `baseUrl` ('' for the page's own origin). */
export function createAccountClient(baseUrl: string, fetchImpl: typeof fetch = fetch): AccountClient {
	const base = baseUrl.replace(/\/+$/, '');

	async function call<T>({ method, path, token, body, check }: Call<T>): Promise<ApiResult<T>> {
		const headers: Record<string, string> = { Accept: 'application/json' };
		if (token !== undefined) headers.Authorization = `Bearer ${token}`;
		if (body !== undefined) headers['Content-Type'] = 'application/json';
		let response: Response;
		try {
			response = await fetchImpl(`${base}/api/${path}`, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
				cache: 'no-store'
			});
		} catch {
			return { ok: false, error: 'network', message: 'The server could not be reached.' };
		}
		if (response.status === 204)
			return check(null) ? { ok: true, value: null as T } : unexpected('No content');
		const parsed = await readJson(response);
		if (!parsed) return unexpected(`The answer is not JSON (HTTP ${response.status})`);
		if (!response.ok) return errorResult(parsed.json, response.status);
		return check(parsed.json)
			? { ok: true, value: parsed.json }
			: unexpected('The answer has an unexpected shape');
	}

	const id = encodeURIComponent;
	return {
		status: () => call({ method: 'GET', path: 'status', check: isStatus }),
		setup: (request) => call({ method: 'POST', path: 'setup', body: request, check: isAuthResponse }),
		login: (request) => call({ method: 'POST', path: 'login', body: request, check: isAuthResponse }),
		logout: (token) => call({ method: 'POST', path: 'logout', token, check: isNothing }),
		session: (token) => call({ method: 'GET', path: 'session', token, check: isAccountInfo }),
		sessions: (token) => call({ method: 'GET', path: 'sessions', token, check: listOf(isSessionInfo) }),
		revokeSession: (token, sessionId) =>
			call({ method: 'DELETE', path: `sessions/${id(sessionId)}`, token, check: isNothing }),
		members: (token) => call({ method: 'GET', path: 'members', token, check: listOf(isMemberInfo) }),
		createInvite: (token, request) =>
			call({ method: 'POST', path: 'invites', token, body: request, check: isInviteCreated }),
		invites: (token) => call({ method: 'GET', path: 'invites', token, check: listOf(isInviteInfo) }),
		revokeInvite: (token, inviteId) =>
			call({ method: 'DELETE', path: `invites/${id(inviteId)}`, token, check: isNothing }),
		previewInvite: (inviteToken) =>
			call({ method: 'POST', path: 'invites/lookup', body: { token: inviteToken }, check: isInvitePreview }),
		acceptInvite: (request) =>
			call({ method: 'POST', path: 'invites/accept', body: request, check: isAuthResponse }),
		workspaceSettings: (token) =>
			call({ method: 'GET', path: 'workspace', token, check: isWorkspaceSettings }),
		setWorkspaceSettings: (token, settings) =>
			call({
				method: 'PUT',
				path: 'workspace',
				token,
				body: { defaultAccess: settings.defaultAccess },
				check: isWorkspaceSettings
			})
	};
}
