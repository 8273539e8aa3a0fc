export * from './contact-store';
export * from './errors';
export type { UpdateRecord } from './db';
export type { WorkspaceEdit } from '../crdt';
