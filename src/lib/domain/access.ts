/**
 * Zugriffsrechte: who may read, edit and share a contact. One set of rules, used by the server
 * (which decides) and by the device (which explains): the owner and workspace admins may do
 * everything; editors edit; readers read; "everyone in the workspace" is one more grant.
 */

/** What a grant allows. */
export const ACCESS_LEVELS = ['read', 'edit'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** What "everyone in the workspace" may do with a contact. */
export const EVERYONE_LEVELS = ['none', 'read', 'edit'] as const;
export type EveryoneLevel = (typeof EVERYONE_LEVELS)[number];

/** The rights on one contact. */
export interface AccessInfo {
	ownerId: string;
	everyone: EveryoneLevel;
	/** Grants to single users, by user id; the owner needs none. */
	users: Readonly<Record<string, AccessLevel>>;
}

/** The default for new contacts, set per workspace. */
export const WORKSPACE_DEFAULTS = ['everyoneEdits', 'private'] as const;
export type WorkspaceDefault = (typeof WORKSPACE_DEFAULTS)[number];

/** A signed-in user as the rules see them. */
export interface AccessUser {
	userId: string;
	role: 'admin' | 'member';
}

/** The rights a new contact gets: its creator owns it, the rest follows the workspace default. */
export function initialAccess(ownerId: string, workspaceDefault: WorkspaceDefault): AccessInfo {
	return { ownerId, everyone: workspaceDefault === 'private' ? 'none' : 'edit', users: {} };
}

/** What `user` may do with a contact: nothing, read it, edit it, or also change its rights. */
export type Permission = 'none' | 'read' | 'edit' | 'manage';

export function permission(user: AccessUser, access: AccessInfo): Permission {
	if (user.role === 'admin' || user.userId === access.ownerId) return 'manage';
	const own = access.users[user.userId];
	if (own === 'edit' || access.everyone === 'edit') return 'edit';
	if (own === 'read' || access.everyone === 'read') return 'read';
	return 'none';
}

export const canRead = (user: AccessUser, access: AccessInfo): boolean => permission(user, access) !== 'none';

export const canEdit = (user: AccessUser, access: AccessInfo): boolean => {
	const p = permission(user, access);
	return p === 'edit' || p === 'manage';
};

export const canManage = (user: AccessUser, access: AccessInfo): boolean =>
	permission(user, access) === 'manage';

/**
 * Checks rights as a device sent them: known levels only, no grant to the owner (owning is more),
 * at most `maxUsers` grants. Returns the cleaned rights or null.
 */
export function parseAccess(value: unknown, maxUsers = 1000): AccessInfo | null {
	if (!value || typeof value !== 'object') return null;
	const { ownerId, everyone, users } = value as Record<string, unknown>;
	if (typeof ownerId !== 'string' || ownerId === '') return null;
	if (!(EVERYONE_LEVELS as readonly unknown[]).includes(everyone)) return null;
	if (!users || typeof users !== 'object' || Array.isArray(users)) return null;
	const entries = Object.entries(users as Record<string, unknown>);
	if (entries.length > maxUsers) return null;
	const clean: Record<string, AccessLevel> = {};
	for (const [id, level] of entries) {
		if (id === '' || !(ACCESS_LEVELS as readonly unknown[]).includes(level)) return null;
		if (id !== ownerId) clean[id] = level as AccessLevel;
	}
	return { ownerId, everyone: everyone as EveryoneLevel, users: clean };
}

/** One change of rights, as the history shows it. */
export interface AccessChange {
	/** 'owner', 'everyone', or the user id whose grant changed. */
	subject: string;
	from: string | null;
	to: string | null;
}

/** What changed from `before` to `after`, owner first, then everyone, then users by id. */
export function accessChanges(before: AccessInfo, after: AccessInfo): AccessChange[] {
	const changes: AccessChange[] = [];
	if (before.ownerId !== after.ownerId)
		changes.push({ subject: 'owner', from: before.ownerId, to: after.ownerId });
	if (before.everyone !== after.everyone)
		changes.push({ subject: 'everyone', from: before.everyone, to: after.everyone });
	const ids = [...new Set([...Object.keys(before.users), ...Object.keys(after.users)])].sort();
	for (const id of ids) {
		const from = before.users[id] ?? null;
		const to = after.users[id] ?? null;
		if (from !== to) changes.push({ subject: id, from, to });
	}
	return changes;
}
