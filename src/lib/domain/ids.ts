/**
 * Branded identifiers. A plain string cannot be passed where a `ContactId` is expected, so ids of
 * different kinds cannot be swapped by accident; `parse*` functions are the only way in from
 * untrusted text (URLs, storage, the network).
 */
export type Brand<T, B extends string> = T & { readonly __brand: B };

export type ContactId = Brand<string, 'ContactId'>;
export type ChannelId = Brand<string, 'ChannelId'>;
export type GroupId = Brand<string, 'GroupId'>;
export type DeviceId = Brand<string, 'DeviceId'>;
export type UserId = Brand<string, 'UserId'>;
export type WorkspaceId = Brand<string, 'WorkspaceId'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function hex(bytes: Uint8Array): string {
	let out = '';
	for (const b of bytes) out += b.toString(16).padStart(2, '0');
	return out;
}

/** The time asked for last, the millisecond encoded last (ahead of it after an overflow), the counter. */
let lastNow = -1;
let base = -1;
let counter = 0;

/**
 * A UUIDv7: 48 bits of milliseconds, then random bits. Ids created later sort later, which keeps
 * IndexedDB inserts append-mostly and makes ids usable as stable tie-breakers. Ids made one after
 * another for the same millisecond count up in the 12 bits after the version (RFC 9562, method 1),
 * so they sort in the order they were made (the outbox sends changes in the order of their ids);
 * after 4096 of them the next ones borrow the following millisecond.
 */
export function uuidv7(now: number = Date.now()): string {
	const bytes = new Uint8Array(16);
	crypto.getRandomValues(bytes);
	if (now === lastNow || (now > lastNow && now <= base)) {
		counter += 1;
		if (counter > 0xfff) {
			base += 1;
			counter = 0;
		}
	} else {
		base = now;
		// Start low in the range, leaving room to count up.
		counter = ((bytes[6] ?? 0) & 0x07) * 256 + (bytes[7] ?? 0);
	}
	lastNow = now;
	const time = base;
	bytes[6] = counter >> 8;
	bytes[7] = counter & 0xff;
	let ms = time;
	for (let i = 5; i >= 0; i--) {
		bytes[i] = ms % 256;
		ms = Math.floor(ms / 256);
	}
	bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
	bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
	const h = hex(bytes);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const newContactId = (): ContactId => uuidv7() as ContactId;
export const newChannelId = (): ChannelId => uuidv7() as ChannelId;
export const newGroupId = (): GroupId => uuidv7() as GroupId;
export const newDeviceId = (): DeviceId => uuidv7() as DeviceId;
export const newUserId = (): UserId => uuidv7() as UserId;
export const newWorkspaceId = (): WorkspaceId => uuidv7() as WorkspaceId;

/** True for the lower-case canonical UUID form every Kontor id uses. */
export function isUuid(value: unknown): value is string {
	return typeof value === 'string' && UUID.test(value);
}

export function parseContactId(value: unknown): ContactId | null {
	return isUuid(value) ? (value as ContactId) : null;
}
export function parseChannelId(value: unknown): ChannelId | null {
	return isUuid(value) ? (value as ChannelId) : null;
}
export function parseGroupId(value: unknown): GroupId | null {
	return isUuid(value) ? (value as GroupId) : null;
}
export function parseDeviceId(value: unknown): DeviceId | null {
	return isUuid(value) ? (value as DeviceId) : null;
}
export function parseUserId(value: unknown): UserId | null {
	return isUuid(value) ? (value as UserId) : null;
}
export function parseWorkspaceId(value: unknown): WorkspaceId | null {
	return isUuid(value) ? (value as WorkspaceId) : null;
}
