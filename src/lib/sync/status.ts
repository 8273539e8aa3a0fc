import type { AccountInfo } from './account-types';

/**
 * - `local`: no server account on this device; everything works, nothing syncs.
 * - `offline`: the server cannot be reached (or the browser is offline); retrying at `nextRetryAt`.
 * - `connecting`: opening the socket and signing in.
 * - `syncing`: catching up (`progress` on a first sync) or sending `pending` local changes.
 * - `synced`: nothing pending, up to date as of `lastSyncedAt`.
 * - `signedOut`: the server refused the session (expired or revoked); sign in again.
 * - `error`: the server refused this device for a reason `error` names; no retry until resolved.
 */
export type SyncPhase = 'local' | 'offline' | 'connecting' | 'syncing' | 'synced' | 'signedOut' | 'error';

export type SyncProblem = 'workspace' | 'version' | 'server';

export interface SyncStatus {
	phase: SyncPhase;
	/** Local changes not yet acknowledged by the server. */
	pending: number;
	/** When the device was last fully in step with the server (ms since epoch). */
	lastSyncedAt: number | null;
	/** While catching up with many documents (a first sync): how many of how many are stored. */
	progress: { done: number; total: number } | null;
	error: SyncProblem | null;
	/** When the next connection attempt is due while offline. */
	nextRetryAt: number | null;
	/** The signed-in account, when there is one. */
	account: AccountInfo | null;
}

export const LOCAL_STATUS: SyncStatus = {
	phase: 'local',
	pending: 0,
	lastSyncedAt: null,
	progress: null,
	error: null,
	nextRetryAt: null,
	account: null
};
