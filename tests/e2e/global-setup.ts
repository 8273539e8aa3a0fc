/**
 * vitest globalSetup for the e2e project: starts the real Kontor server (app, account API, sync) on a
 * free port, serving the production build from `build/` with a throwaway data folder, and provides its URL as `baseURL`
 * (`inject('baseURL')` in tests). `npm test` builds before running vitest.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startKontorServer } from '../../sync-server/server';

declare module 'vitest' {
	export interface ProvidedContext {
		/** Origin of the server under test, without a trailing slash, e.g. `http://127.0.0.1:41234`. */
		baseURL: string;
	}
}

const buildDir = fileURLToPath(new URL('../../build', import.meta.url));

/** Starts the server and returns the teardown that stops it and removes its data folder. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	if (!existsSync(path.join(buildDir, 'index.html'))) {
		throw new Error(
			`No production build in ${buildDir}. The e2e tests run against the built app: ` +
				'run `npm run build` first (`npm test` and `npm run test:e2e` do this for you).'
		);
	}
	const dataDir = await mkdtemp(path.join(tmpdir(), 'kontor-e2e-data-'));
	const server = await startKontorServer({ port: 0, host: '127.0.0.1', buildDir, dataDir });
	project.provide('baseURL', `http://127.0.0.1:${server.port}`);

	return async () => {
		await server.close();
		await rm(dataDir, { recursive: true, force: true });
	};
}
