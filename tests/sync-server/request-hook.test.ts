import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startServer } from '../../sync-server/static-server';
import type { RunningServer } from '../../sync-server/static-server';

let root: string;
let server: RunningServer;
let base: string;

beforeAll(async () => {
	root = await mkdtemp(path.join(tmpdir(), 'kontor-hook-'));
	await writeFile(path.join(root, 'index.html'), 'shell');
	server = await startServer({
		port: 0,
		buildDir: root,
		dataDir: path.join(root, 'data'),
		onRequest: async (req, res) => {
			if (req.url === '/hooked') {
				res.end('from the hook');
				return true;
			}
			if (req.url === '/broken') throw new Error('hook failed');
			return false;
		}
	});
	base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
	await server?.close();
	await rm(root, { recursive: true, force: true });
});

it('lets the request hook answer first', async () => {
	expect(await (await fetch(`${base}/hooked`)).text()).toBe('from the hook');
});

it('serves the app when the hook declines', async () => {
	expect(await (await fetch(`${base}/contacts`)).text()).toBe('shell');
});

it('answers 500 when the hook fails, and keeps serving', async () => {
	const log = vi.spyOn(console, 'error').mockImplementation(() => {});
	try {
		expect((await fetch(`${base}/broken`)).status).toBe(500);
		expect(log).toHaveBeenCalled();
	} finally {
		log.mockRestore();
	}
	expect((await fetch(`${base}/hooked`)).status).toBe(200);
});
