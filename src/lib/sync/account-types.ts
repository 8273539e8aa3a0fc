/**
 * The account API between the app and the sync server (JSON over HTTP on the server's origin),
 * shared by both sides as types. The session token travels in `Authorization: Bearer <token>`,
 * never in a URL; invite links carry their invite token in the URL fragment (`/invite#<token>`),
 * which browsers do not send to servers.
 *
 * Routes:
 * - `GET  /api/status` -> `ServerStatus`
 * - `POST /api/setup` `SetupRequest` -> `AuthResponse` (only while the server has no user: the first admin)
 * - `POST /api/login` `LoginRequest` -> `AuthResponse` (failed logins are rate-limited: 429)
 * - `POST /api/logout` (Bearer) -> 204, the session is revoked
 * - `GET  /api/session` (Bearer) -> `AccountInfo`
 * - `GET  /api/sessions` (Bearer) -> `SessionInfo[]` (the user's open sessions)
 * - `DELETE /api/sessions/:id` (Bearer) -> 204 (revoke one of the user's own sessions)
 * - `GET  /api/members` (Bearer) -> `MemberInfo[]`
 * - `POST /api/invites` (Bearer, admin) `InviteRequest` -> `InviteCreated`
 * - `GET  /api/invites` (Bearer, admin) -> `InviteInfo[]` (open ones)
 * - `DELETE /api/invites/:id` (Bearer, admin) -> 204
 * - `POST /api/invites/lookup` `{ token }` -> `InvitePreview` (no session needed)
 * - `POST /api/invites/accept` `AcceptInviteRequest` -> `AuthResponse` (creates the member's account)
 * - `GET  /api/workspace` (Bearer) -> `WorkspaceSettings`
 * - `PUT  /api/workspace` (Bearer, admin) `WorkspaceSettings` -> `WorkspaceSettings` (400 for an
 *   unknown `defaultAccess`)
 *
 * Errors: a status code with `ApiError` as body.
 */

import type { WorkspaceDefault } from '../domain/access';

export type MemberRole = 'admin' | 'member';

export interface ServerStatus {
	/** True while no account exists: the first visitor may create the admin account. */
	needsSetup: boolean;
	protocolVersion: number;
}

export interface AccountInfo {
	user: { id: string; name: string; email: string };
	workspace: { id: string; name: string };
	role: MemberRole;
	/** The workspace's members (from the sync server's welcome), for showing who has access. */
	members?: { id: string; name: string }[];
}

export interface AuthResponse extends AccountInfo {
	/** The session token; shown once, stored on the device, sent as Bearer and in the sync hello. */
	token: string;
	expiresAt: number;
}

export interface SetupRequest {
	name: string;
	email: string;
	password: string;
	workspaceName: string;
	deviceLabel?: string;
}

export interface LoginRequest {
	email: string;
	password: string;
	/** What the device calls itself, shown in the list of sessions. */
	deviceLabel?: string;
}

export interface SessionInfo {
	id: string;
	label: string;
	createdAt: number;
	lastSeenAt: number;
	expiresAt: number;
	current: boolean;
}

export interface MemberInfo {
	id: string;
	name: string;
	email: string;
	role: MemberRole;
}

export interface InviteRequest {
	email: string;
	role: MemberRole;
}

export interface InviteCreated {
	id: string;
	/** The link to hand over: `<origin>/invite#<token>`. */
	url: string;
	expiresAt: number;
}

export interface InviteInfo {
	id: string;
	email: string;
	role: MemberRole;
	createdAt: number;
	expiresAt: number;
}

export interface InvitePreview {
	workspaceName: string;
	email: string;
	role: MemberRole;
	expiresAt: number;
}

export interface AcceptInviteRequest {
	token: string;
	name: string;
	email: string;
	password: string;
	deviceLabel?: string;
}

/** The workspace's settings every member may read and admins may change. */
export interface WorkspaceSettings {
	/**
	 * The rights a contact gets when it first reaches the server: everyone in the workspace edits,
	 * or only its owner (and the admins) see it. Contacts that exist keep theirs.
	 */
	defaultAccess: WorkspaceDefault;
}

/** Every error the account API answers with (the client accepts no other). */
export const API_ERROR_CODES = [
	'badRequest', // malformed body
	'invalidEmail',
	'weakPassword', // fewer than 10 characters
	'nameRequired',
	'setupDone', // setup after the first account exists
	'emailTaken',
	'invalidCredentials', // wrong e-mail or password (never says which)
	'rateLimited', // too many failed logins; `retryAfter` seconds
	'unauthorized', // no, unknown, expired or revoked session
	'forbidden', // not an admin
	'inviteInvalid', // unknown, used, revoked
	'inviteExpired',
	'notFound',
	'tooLarge',
	'internal'
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiError {
	error: ApiErrorCode;
	message: string;
	/** Seconds until a rate-limited login may be tried again. */
	retryAfter?: number;
}

export const MIN_PASSWORD_LENGTH = 10;
