import { vi } from 'vitest';
import type { AccessInfo } from '../../src/lib/domain';
import {
	LOCAL_STATUS,
	type AccountInfo,
	type ApiResult,
	type InviteCreated,
	type InviteInfo,
	type InvitePreview,
	type MemberInfo,
	type RequestResult,
	type ServerStatus,
	type SessionInfo,
	type SyncApi,
	type SyncStatus,
	type WorkspaceSettings
} from '../../src/lib/sync';

export const ADMIN: AccountInfo = {
	user: { id: 'u-admin', name: 'Greta Hartmann', email: 'greta@hartmann.example' },
	workspace: { id: 'w-1', name: 'Hartmann Logistik' },
	role: 'admin'
};

export const MEMBER: AccountInfo = {
	user: { id: 'u-member', name: 'Jonas Weber', email: 'jonas@hartmann.example' },
	workspace: { id: 'w-1', name: 'Hartmann Logistik' },
	role: 'member'
};

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });

/** Resolves after the pending promise callbacks ran (fake requests answer in a microtask). */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A SyncApi whose status the test drives (`set`) and whose requests are spies answering with
 * what the test put in (`mockResolvedValue` on the spy, or the defaults here).
 */
export class FakeSyncApi implements SyncApi {
	status: SyncStatus = LOCAL_STATUS;
	#listeners = new Set<(status: SyncStatus) => void>();

	set(change: Partial<SyncStatus>): void {
		this.status = { ...this.status, ...change };
		for (const listener of this.#listeners) listener(this.status);
	}

	subscribe(listener: (status: SyncStatus) => void): () => void {
		this.#listeners.add(listener);
		listener(this.status);
		return () => this.#listeners.delete(listener);
	}

	get listenerCount(): number {
		return this.#listeners.size;
	}

	serverStatus = vi.fn(async (): Promise<ServerStatus | null> => ({ needsSetup: false, protocolVersion: 1 }));
	setup = vi.fn(async (): Promise<ApiResult<AccountInfo>> => ok(ADMIN));
	login = vi.fn(async (): Promise<ApiResult<AccountInfo>> => ok(MEMBER));
	previewInvite = vi.fn(async (): Promise<ApiResult<InvitePreview>> =>
		ok({
			workspaceName: 'Hartmann Logistik',
			email: 'neu@hartmann.example',
			role: 'member',
			expiresAt: Date.UTC(2031, 2, 14, 12, 0)
		})
	);
	acceptInvite = vi.fn(async (): Promise<ApiResult<AccountInfo>> => ok(MEMBER));
	logout = vi.fn(async (): Promise<void> => this.set({ ...LOCAL_STATUS }));
	createInvite = vi.fn(async (): Promise<ApiResult<InviteCreated>> =>
		ok({ id: 'i-new', url: 'http://localhost:8787/invite#tok-123', expiresAt: Date.UTC(2031, 2, 21, 9, 0) })
	);
	invites = vi.fn(async (): Promise<ApiResult<InviteInfo[]>> => ok([]));
	revokeInvite = vi.fn(async (): Promise<ApiResult<null>> => ok(null));
	members = vi.fn(async (): Promise<ApiResult<MemberInfo[]>> =>
		ok([
			{ id: ADMIN.user.id, name: ADMIN.user.name, email: ADMIN.user.email, role: 'admin' },
			{ id: MEMBER.user.id, name: MEMBER.user.name, email: MEMBER.user.email, role: 'member' }
		])
	);
	setAccess = vi.fn(async (_docId: string, _access: AccessInfo): Promise<RequestResult> => ({ ok: true }));
	deleteContact = vi.fn(async (_docId: string): Promise<RequestResult> => ({ ok: true }));
	sessions = vi.fn(async (): Promise<ApiResult<SessionInfo[]>> =>
		ok([
			{
				id: 's-here',
				label: 'Firefox, Linux',
				createdAt: Date.UTC(2031, 0, 2, 8, 0),
				lastSeenAt: Date.UTC(2031, 2, 1, 8, 0),
				expiresAt: Date.UTC(2031, 5, 1),
				current: true
			},
			{
				id: 's-phone',
				label: 'Safari, iOS',
				createdAt: Date.UTC(2031, 0, 5, 8, 0),
				lastSeenAt: Date.UTC(2031, 1, 20, 8, 0),
				expiresAt: Date.UTC(2031, 5, 4),
				current: false
			}
		])
	);
	revokeSession = vi.fn(async (): Promise<ApiResult<null>> => ok(null));
	workspaceSettings = vi.fn(async (): Promise<ApiResult<WorkspaceSettings>> =>
		ok({ defaultAccess: 'everyoneEdits' })
	);
	/** Answers with what it was given, as the server does. */
	setWorkspaceSettings = vi.fn(async (settings: WorkspaceSettings): Promise<ApiResult<WorkspaceSettings>> =>
		ok({ ...settings })
	);
	retryNow = vi.fn();
}
