export * from './contact-store';
export * from './errors';
export { LOCAL_FAVORITES, userFavorites, type FavoriteItem, type FavoriteOwner } from './favorites';
export type { ReferenceSource } from './references';
export type { UpdateRecord } from './db';
export type { WorkspaceEdit } from '../crdt';
// History as the UI reads it: plain data and pure functions over it (no Yjs types reach the UI).
export {
	concurrent,
	concurrentByPath,
	covers,
	pathKey,
	sortHistory,
	within,
	type Author,
	type FieldChange,
	type HistoryEntry,
	type JsonValue
} from '../crdt';
