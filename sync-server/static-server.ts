import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { mkdir, realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';

/** Handles an HTTP upgrade request; the WebSocket sync transport attaches here. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Handles an HTTP request before the static files; resolves true when it answered the request. */
export type RequestHook = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** Options for {@link startServer}. */
export interface ServerOptions {
	/** Port to listen on; 0 lets the OS pick a free one (tests do this). */
	port: number;
	/** Interface to bind. Defaults to 127.0.0.1, so the server is only reachable from the network when asked. */
	host?: string;
	/** The adapter-static output folder (`build/`). It may be missing; the app shell then answers 503. */
	buildDir: string;
	/** Folder for server state (the SQLite file); created when missing. */
	dataDir: string;
	/** Called for every HTTP upgrade request. Without it upgrade requests are refused. */
	onUpgrade?: UpgradeHandler;
	/** Runs first for every HTTP request (the account API attaches here); the app is served when it declines. */
	onRequest?: RequestHook;
}

/** A listening server, as returned by {@link startServer}. */
export interface RunningServer {
	/** The port actually bound (differs from the requested one when that was 0). */
	readonly port: number;
	/** The underlying server, for attaching further listeners. */
	readonly server: Server;
	/** Stops accepting connections, lets in-flight responses finish (briefly), and resolves when closed. */
	close(): Promise<void>;
}

/** The default bind address: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
	'.webmanifest': 'application/manifest+json; charset=utf-8',
	'.txt': 'text/plain; charset=utf-8',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.webp': 'image/webp',
	'.svg': 'image/svg+xml',
	'.ico': 'image/x-icon',
	'.woff': 'font/woff',
	'.woff2': 'font/woff2',
	'.wasm': 'application/wasm'
};

/**
 * Files the browser must revalidate on every load. The service worker, its registration script and
 * the manifest decide which version of the app a device runs; if a cache kept them for an hour, a
 * fixed release would reach devices an hour late. SvelteKit's version file and env module likewise
 * describe "the current release".
 */
const REVALIDATE_ALWAYS = new Set([
	'sw.js',
	'registerSW.js',
	'manifest.webmanifest',
	'index.html',
	'_app/version.json',
	'_app/env.js'
]);

const NO_CACHE = 'no-cache';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT = 'public, max-age=3600';

/** The content type for a file name, by extension; unknown types are served as bytes. */
export function contentTypeFor(fileName: string): string {
	return CONTENT_TYPES[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The Cache-Control value for a file, given its path relative to the build folder with `/` separators.
 * Files under `_app/immutable/` carry a content hash in their name, so they may be cached forever.
 */
export function cacheControlFor(relativePath: string): string {
	if (REVALIDATE_ALWAYS.has(relativePath) || relativePath.endsWith('.html')) return NO_CACHE;
	if (relativePath.startsWith('_app/immutable/')) return IMMUTABLE;
	return SHORT;
}

/**
 * A request listener that serves the built PWA from `buildDir`, with `index.html` as the fallback for
 * client-side routes. Only GET and HEAD are allowed.
 */
export function createStaticHandler(buildDir: string): (req: IncomingMessage, res: ServerResponse) => void {
	const root = path.resolve(buildDir);
	return (req, res) => {
		serveStatic(root, req, res).catch((error: unknown) => {
			console.error('Error while serving', req.url, error);
			if (res.headersSent) res.destroy();
			else sendText(req, res, 500, 'Internal Server Error');
		});
	};
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
	res.setHeader('X-Content-Type-Options', 'nosniff');
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		res.setHeader('Allow', 'GET, HEAD');
		return sendText(req, res, 405, 'Method Not Allowed');
	}
	const urlPath = decodeUrlPath(req.url ?? '/');
	if (urlPath === null) return sendText(req, res, 400, 'Bad Request');

	// Resolve after decoding, so `%2e%2e` and `%2f` cannot smuggle a `..` past the check.
	const target = path.join(root, urlPath);
	if (!isInside(root, target)) return sendText(req, res, 403, 'Forbidden');
	// Dot files (`.build-stamp`, editor leftovers) are build metadata, not part of the app.
	if (urlPath.split('/').some((segment) => segment.startsWith('.'))) {
		return sendText(req, res, 404, 'Not Found');
	}

	const found = await findFile(root, target);
	if (found) {
		const relative = toRelative(root, found.file);
		return sendFile(req, res, found.file, found.stats, cacheControlFor(relative));
	}

	if (wantsAppShell(urlPath, req)) {
		const shell = await findFile(root, path.join(root, 'index.html'));
		if (!shell) return sendText(req, res, 503, 'The app has not been built yet. Run `npm run build`.');
		return sendFile(req, res, shell.file, shell.stats, NO_CACHE);
	}
	return sendText(req, res, 404, 'Not Found');
}

/** The decoded path of a request target without query or fragment, or null when it is malformed. */
function decodeUrlPath(url: string): string | null {
	const end = url.search(/[?#]/);
	const raw = end === -1 ? url : url.slice(0, end);
	if (!raw.startsWith('/')) return null;
	let decoded: string;
	try {
		decoded = decodeURIComponent(raw);
	} catch {
		return null;
	}
	return decoded.includes('\0') ? null : decoded;
}

function isInside(root: string, target: string): boolean {
	return target === root || target.startsWith(root + path.sep);
}

function toRelative(root: string, file: string): string {
	return path.relative(root, file).split(path.sep).join('/');
}

/**
 * Client-side routes (`/contacts/abc`) get the app shell. A missing path with an extension is a
 * missing asset and gets a 404, unless a browser navigates to it. Missing files under `/_app/` always
 * get a 404: answering an old chunk's URL with HTML would surface as a baffling MIME-type error.
 */
function wantsAppShell(urlPath: string, req: IncomingMessage): boolean {
	if (urlPath.startsWith('/_app/')) return false;
	if (path.posix.extname(urlPath) === '') return true;
	return (req.headers.accept ?? '').includes('text/html');
}

/** The regular file at `target` (or its `index.html` when it is a folder), or null when there is none. */
async function findFile(root: string, target: string): Promise<{ file: string; stats: Stats } | null> {
	let stats = await statOrNull(target);
	let file = target;
	if (stats?.isDirectory()) {
		file = path.join(target, 'index.html');
		stats = await statOrNull(file);
	}
	if (!stats?.isFile()) return null;
	// A symlink in the build folder must not expose files outside it.
	const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
	return isInside(realRoot, realFile) ? { file, stats } : null;
}

async function statOrNull(file: string): Promise<Stats | null> {
	try {
		return await stat(file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return null;
		throw error;
	}
}

function sendFile(
	req: IncomingMessage,
	res: ServerResponse,
	file: string,
	stats: Stats,
	cacheControl: string
): void {
	// A weak validator is enough: with `no-cache` it turns every revalidation into a cheap 304.
	const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
	res.setHeader('Cache-Control', cacheControl);
	res.setHeader('ETag', etag);
	res.setHeader('Last-Modified', stats.mtime.toUTCString());
	if (req.headers['if-none-match'] === etag) {
		res.statusCode = 304;
		res.end();
		return;
	}
	res.statusCode = 200;
	res.setHeader('Content-Type', contentTypeFor(file));
	res.setHeader('Content-Length', stats.size);
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	pipeline(createReadStream(file), res, (error) => {
		// A client that goes away mid-download is normal; anything else is worth a line in the log.
		if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') {
			console.error('Error while sending', file, error);
		}
	});
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
	const body = `${message}\n`;
	res.statusCode = status;
	res.setHeader('Content-Type', 'text/plain; charset=utf-8');
	res.setHeader('Content-Length', Buffer.byteLength(body));
	res.setHeader('Cache-Control', 'no-store');
	res.end(req.method === 'HEAD' ? undefined : body);
}

/** Offers each request to `hook` first and serves it with `fallback` when the hook declines. */
function withRequestHook(
	hook: RequestHook,
	fallback: (req: IncomingMessage, res: ServerResponse) => void
): (req: IncomingMessage, res: ServerResponse) => void {
	return (req, res) => {
		Promise.resolve()
			.then(() => hook(req, res))
			.then(
				(handled) => {
					if (!handled) fallback(req, res);
				},
				(error: unknown) => {
					console.error('Error while handling', req.method, req.url, error);
					if (res.headersSent) res.destroy();
					else sendText(req, res, 500, 'Internal Server Error');
				}
			);
	};
}

function refuseUpgrade(_req: IncomingMessage, socket: Duplex): void {
	socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}

/**
 * Starts the Kontor server: serves the built PWA from `buildDir` and hands HTTP upgrades to
 * `onUpgrade` (the sync transport). Resolves once the server is listening.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
	await mkdir(options.dataDir, { recursive: true });
	const serveApp = createStaticHandler(options.buildDir);
	const server = createServer(options.onRequest ? withRequestHook(options.onRequest, serveApp) : serveApp);
	server.on('upgrade', options.onUpgrade ?? refuseUpgrade);

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host ?? DEFAULT_HOST, () => {
			server.off('error', reject);
			resolve();
		});
	});
	// Errors after startup (for example running out of file descriptors) must not crash the process.
	server.on('error', (error) => console.error('Server error', error));
	const address = server.address();
	if (address === null || typeof address === 'string') throw new Error('Server is not bound to a TCP port');

	let closing: Promise<void> | undefined;
	return {
		port: address.port,
		server,
		close: () => (closing ??= closeServer(server))
	};
}

/** How long in-flight responses may take before their connections are cut on close. */
const CLOSE_GRACE_MS = 2000;

function closeServer(server: Server): Promise<void> {
	return new Promise((resolve, reject) => {
		const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
		force.unref();
		server.close((error) => {
			clearTimeout(force);
			if (error) reject(error);
			else resolve();
		});
		// Keep-alive connections with no request in flight would otherwise hold close() open.
		server.closeIdleConnections();
	});
}
