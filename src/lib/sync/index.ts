export * from './account-types';
export * from './status';
export * from './sync-api';
