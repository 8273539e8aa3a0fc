import {
	birthdayFiltersOn,
	isBirthdayToday,
	parseContactId,
	type ContactId,
	type ContactRow
} from '../domain';
import { whereAnyOf, type KontorDexie } from './db';

/**
 * Whose stars: the signed-in user (`user:<id>`), or the device's local profile when there is no
 * account (`local`). Stars are personal and stay on the device: they are no part of any document,
 * so they never sync and never show in a contact's history.
 */
export type FavoriteOwner = string;

/** The owner of the stars made while nobody is signed in on this device. */
export const LOCAL_FAVORITES: FavoriteOwner = 'local';

/** The owner key of a signed-in user's stars. */
export function userFavorites(userId: string): FavoriteOwner {
	return `user:${userId}`;
}

/** One entry of the "Favoriten" section: a starred contact, a birthday today, or both. */
export interface FavoriteItem {
	row: ContactRow;
	starred: boolean;
	birthdayToday: boolean;
}

const metaKey = (owner: FavoriteOwner) => `favorites:${owner}`;

function idsOf(value: unknown): ContactId[] {
	if (!Array.isArray(value)) return [];
	return value.map(parseContactId).filter((id): id is ContactId => id !== null);
}

/** The contacts `owner` starred on this device, sorted by id. */
export async function readFavorites(db: KontorDexie, owner: FavoriteOwner): Promise<ContactId[]> {
	return idsOf((await db.meta.get(metaKey(owner)))?.value);
}

/**
 * Stars or unstars a contact for `owner`. Read and write are one transaction, so two tabs starring
 * different contacts at once both keep theirs. Returns false when nothing changed.
 */
export async function writeFavorite(
	db: KontorDexie,
	owner: FavoriteOwner,
	id: ContactId,
	starred: boolean
): Promise<boolean> {
	return db.transaction('rw', db.meta, async () => {
		const ids = new Set(await readFavorites(db, owner));
		if (ids.has(id) === starred) return false;
		if (starred) ids.add(id);
		else ids.delete(id);
		await db.meta.put({ key: metaKey(owner), value: [...ids].sort() });
		return true;
	});
}

/**
 * The persons whose birthday is on the local date of `date` (29 February on 28 February in other
 * years), archived ones left out. Looked up by their `b:MM-DD` filter entries: a few index reads,
 * however many contacts the device holds.
 */
export async function birthdayRows(db: KontorDexie, date: Date): Promise<ContactRow[]> {
	const rows = await db.contacts.where('filters').anyOf(birthdayFiltersOn(date)).toArray();
	// The index entry says the day; the row's own birthday decides (a 29 February entry in a leap year).
	return rows.filter((row) => isBirthdayToday({ kind: row.kind, birthday: row.birthday ?? null }, date));
}

/**
 * The "Favoriten" section: the contacts `owner` starred (archived ones left out) and the persons
 * with a birthday today, each once, in list order.
 */
export async function favoriteItems(
	db: KontorDexie,
	owner: FavoriteOwner,
	date: Date
): Promise<FavoriteItem[]> {
	return db.transaction('r', db.meta, db.contacts, async () => {
		const starredIds = await readFavorites(db, owner);
		const [starred, birthdays] = await Promise.all([
			whereAnyOf(db.contacts, 'id', starredIds),
			birthdayRows(db, date)
		]);
		const items = new Map<string, FavoriteItem>();
		for (const row of starred)
			if (!row.archived) items.set(row.id, { row, starred: true, birthdayToday: false });
		for (const row of birthdays) {
			const item = items.get(row.id);
			if (item) item.birthdayToday = true;
			else items.set(row.id, { row, starred: false, birthdayToday: true });
		}
		return [...items.values()].sort((a, b) => (a.row.key < b.row.key ? -1 : a.row.key > b.row.key ? 1 : 0));
	});
}
