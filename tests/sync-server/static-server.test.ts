import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../sync-server/static-server';
import type { RunningServer } from '../../sync-server/static-server';

const SHELL = '<!doctype html><title>Kontor</title><p>app shell</p>';
const SECRET = '{"name":"outside-the-build-folder"}';

/** A fake adapter-static output: one file per caching and content-type class. */
const BUILD_FILES: Record<string, string> = {
	'index.html': SHELL,
	'sw.js': 'self.addEventListener("install", () => {});',
	'registerSW.js': 'navigator.serviceWorker.register("/sw.js");',
	'manifest.webmanifest': '{"name":"Kontor"}',
	'_app/immutable/x.js': 'export const x = 1;',
	'_app/immutable/entry/app.mjs': 'export {};',
	'_app/immutable/assets/app.css': 'body{margin:0}',
	'_app/version.json': '{"version":"1"}',
	'icons/icon-192.png': 'png bytes',
	'favicon.ico': 'ico bytes',
	'logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
	'fonts/inter.woff2': 'font bytes',
	'robots.txt': 'User-agent: *',
	'data.json': '{}',
	'.build-stamp': 'stamp'
};

let root: string;
let server: RunningServer;
let base: string;

beforeAll(async () => {
	root = await mkdtemp(path.join(tmpdir(), 'kontor-static-'));
	const buildDir = path.join(root, 'build');
	for (const [file, content] of Object.entries(BUILD_FILES)) {
		await mkdir(path.dirname(path.join(buildDir, file)), { recursive: true });
		await writeFile(path.join(buildDir, file), content);
	}
	// Files next to the build folder that no request may reach.
	await writeFile(path.join(root, 'package.json'), SECRET);
	await symlink(path.join(root, 'package.json'), path.join(buildDir, 'leak.json'));

	server = await startServer({ port: 0, buildDir, dataDir: path.join(root, 'data') });
	base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
	await server?.close();
	await rm(root, { recursive: true, force: true });
});

/**
 * Sends the request target byte for byte. `fetch` normalizes `/../` and `/%2e%2e/` away before
 * sending, so traversal attempts need a raw request.
 */
function rawGet(target: string): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = request({ host: '127.0.0.1', port: server.port, path: target }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (body += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
		});
		req.on('error', reject);
		req.end();
	});
}

describe('static server', () => {
	it('creates the data folder', async () => {
		expect((await stat(path.join(root, 'data'))).isDirectory()).toBe(true);
	});

	it.each([
		['/', 'no-cache'],
		['/index.html', 'no-cache'],
		['/sw.js', 'no-cache'],
		['/registerSW.js', 'no-cache'],
		['/manifest.webmanifest', 'no-cache'],
		['/_app/version.json', 'no-cache'],
		['/_app/immutable/x.js', 'public, max-age=31536000, immutable'],
		['/_app/immutable/assets/app.css', 'public, max-age=31536000, immutable'],
		['/icons/icon-192.png', 'public, max-age=3600'],
		['/robots.txt', 'public, max-age=3600']
	])('serves %s with Cache-Control %s', async (url, cacheControl) => {
		const res = await fetch(base + url);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe(cacheControl);
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
	});

	it.each([
		['/index.html', 'text/html; charset=utf-8'],
		['/sw.js', 'text/javascript; charset=utf-8'],
		['/_app/immutable/entry/app.mjs', 'text/javascript; charset=utf-8'],
		['/_app/immutable/assets/app.css', 'text/css; charset=utf-8'],
		['/data.json', 'application/json; charset=utf-8'],
		['/manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
		['/icons/icon-192.png', 'image/png'],
		['/logo.svg', 'image/svg+xml'],
		['/favicon.ico', 'image/x-icon'],
		['/robots.txt', 'text/plain; charset=utf-8'],
		['/fonts/inter.woff2', 'font/woff2']
	])('serves %s as %s', async (url, contentType) => {
		const res = await fetch(base + url);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe(contentType);
		expect(await res.text()).toBe(BUILD_FILES[url.slice(1)]);
	});

	it('answers client-side routes with the app shell, revalidated on every load', async () => {
		for (const url of ['/contacts/abc', '/contacts/abc/', '/settings?tab=1']) {
			const res = await fetch(base + url);
			expect(res.status, url).toBe(200);
			expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
			expect(res.headers.get('cache-control')).toBe('no-cache');
			expect(await res.text()).toBe(SHELL);
		}
	});

	it('answers a navigation to a dotted route with the app shell', async () => {
		const res = await fetch(`${base}/contacts/max.mustermann`, { headers: { accept: 'text/html' } });
		expect(res.status).toBe(200);
		expect(await res.text()).toBe(SHELL);
	});

	it('answers missing assets with 404, not the app shell', async () => {
		for (const url of ['/missing.js', '/icons/missing.png', '/_app/immutable/old-chunk', '/.build-stamp']) {
			const res = await fetch(base + url);
			expect(res.status, url).toBe(404);
			expect(await res.text()).not.toContain('app shell');
		}
	});

	it.each(['/../package.json', '/%2e%2e/package.json', '/%2E%2E%2Fpackage.json', '/..%2f..%2fpackage.json'])(
		'refuses the traversal %s',
		async (target) => {
			const res = await rawGet(target);
			expect(res.status).toBe(403);
			expect(res.body).not.toContain('outside-the-build-folder');
		}
	);

	it('refuses an encoded traversal sent through fetch', async () => {
		const res = await fetch(`${base}/..%2fpackage.json`);
		expect(res.status).toBe(403);
	});

	it('does not follow a symlink out of the build folder', async () => {
		const res = await fetch(`${base}/leak.json`);
		expect(res.status).toBe(404);
		expect(await res.text()).not.toContain('outside-the-build-folder');
	});

	it('answers a malformed escape with 400', async () => {
		expect((await rawGet('/%E0%A4%A')).status).toBe(400);
	});

	it('supports HEAD with headers and no body', async () => {
		const res = await fetch(`${base}/_app/immutable/x.js`, { method: 'HEAD' });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
		expect(res.headers.get('content-length')).toBe(String(BUILD_FILES['_app/immutable/x.js']?.length));
		expect(await res.text()).toBe('');
	});

	it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])('answers %s with 405', async (method) => {
		const res = await fetch(`${base}/index.html`, { method });
		expect(res.status).toBe(405);
		expect(res.headers.get('allow')).toBe('GET, HEAD');
	});

	it('answers a matching If-None-Match with 304', async () => {
		const first = await fetch(`${base}/sw.js`);
		const etag = first.headers.get('etag');
		expect(etag).toBeTruthy();
		const second = await fetch(`${base}/sw.js`, { headers: { 'if-none-match': etag ?? '' } });
		expect(second.status).toBe(304);
	});
});
