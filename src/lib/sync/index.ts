export * from './account-types';
export * from './status';
export * from './sync-api';
export {
	createSyncController,
	syncUrl,
	type SyncController,
	type SyncControllerOptions
} from './sync-controller';
export type { SyncNotice } from './sync-client';
