import type {
	AcceptInviteRequest,
	AccountInfo,
	ApiErrorCode,
	InviteCreated,
	InviteInfo,
	InvitePreview,
	InviteRequest,
	LoginRequest,
	MemberInfo,
	ServerStatus,
	SessionInfo,
	SetupRequest,
	WorkspaceSettings
} from './account-types';
import type { AccessInfo } from '../domain';
import type { SyncStatus } from './status';

/** The outcome of an account request: `network` when the server could not be reached. */
export type ApiResult<T> =
	| { ok: true; value: T }
	| { ok: false; error: ApiErrorCode | 'network'; message?: string; retryAfter?: number };

/**
 * What the UI may do with sync and accounts. The implementation (`SyncController`) keeps the session
 * on the device, runs the sync client in one tab per device and reports its status to every tab.
 */
export interface SyncApi {
	readonly status: SyncStatus;
	/** Calls `listener` now and on every change; returns the unsubscribe function. */
	subscribe(listener: (status: SyncStatus) => void): () => void;
	/** The server's status, or null when no Kontor server answers on this origin. */
	serverStatus(): Promise<ServerStatus | null>;
	setup(request: SetupRequest): Promise<ApiResult<AccountInfo>>;
	login(request: LoginRequest): Promise<ApiResult<AccountInfo>>;
	previewInvite(token: string): Promise<ApiResult<InvitePreview>>;
	acceptInvite(request: AcceptInviteRequest): Promise<ApiResult<AccountInfo>>;
	/** Ends the session on the server (when reachable) and on the device; local data stays. */
	logout(): Promise<void>;
	createInvite(request: InviteRequest): Promise<ApiResult<InviteCreated>>;
	invites(): Promise<ApiResult<InviteInfo[]>>;
	revokeInvite(id: string): Promise<ApiResult<null>>;
	members(): Promise<ApiResult<MemberInfo[]>>;
	sessions(): Promise<ApiResult<SessionInfo[]>>;
	revokeSession(id: string): Promise<ApiResult<null>>;
	/** The workspace's settings (any member; needs the server, so only online). */
	workspaceSettings(): Promise<ApiResult<WorkspaceSettings>>;
	/**
	 * Changes the workspace's settings (admins only; the server checks the role again) and resolves
	 * to the settings the server now holds. The default applies to contacts created from now on.
	 */
	setWorkspaceSettings(settings: WorkspaceSettings): Promise<ApiResult<WorkspaceSettings>>;
	/** Tries to connect at once instead of waiting for the next retry. */
	retryNow(): void;
	/**
	 * Gives a contact new rights (its owner or an admin; needs the server, so only online). The
	 * device learns the outcome like every other device, through sync.
	 */
	setAccess(docId: string, access: AccessInfo): Promise<RequestResult>;
	/**
	 * Deletes a contact for good: through the server when signed in (its owner or an admin; only
	 * online), else on this device alone.
	 */
	deleteContact(docId: string): Promise<RequestResult>;
}

/** The outcome of a request only the server can carry out. */
export type RequestResult =
	| { ok: true }
	| { ok: false; error: 'offline' | 'forbidden' | 'purged' | 'referenced' | 'refused' | 'storage' };
