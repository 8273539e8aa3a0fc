/**
 * Entry point of the SQLite storage's writer thread (see sqlite-writer.ts). The storage is
 * TypeScript: tsx loads it, in the server (which runs under tsx already) as under vitest.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { openSqliteStorage } = await import('./sqlite-storage.ts');
const { serveWrites } = await import('./sqlite-writer.ts');
if (!parentPort) throw new Error('the writer runs in a worker thread');
serveWrites(openSqliteStorage(workerData.file, { writes: 'here' }), parentPort);
