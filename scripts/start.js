/**
 * `npm start`: builds the PWA when its sources changed since the last build, then runs the Kontor
 * server (sync-server/main.ts) through tsx. Arguments are passed on to the server
 * (`npm start -- --port 9000`); the exit code is the server's.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../sync-server/node-flags.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildDir = path.join(root, 'build');
const stampFile = path.join(buildDir, '.build-stamp');

/** Everything the build output depends on, relative to the repository root. */
const BUILD_INPUTS = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

/** @type {NodeJS.Signals[]} */
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The first file under `entry` (a file or a folder) modified after `since`, or null.
 * @param {string} entry
 * @param {number} since milliseconds since the epoch
 * @returns {string | null}
 */
function newerFile(entry, since) {
	if (!existsSync(entry)) return null;
	const stats = statSync(entry);
	if (!stats.isDirectory()) return stats.mtimeMs > since ? entry : null;
	for (const name of readdirSync(entry)) {
		const found = newerFile(path.join(entry, name), since);
		if (found) return found;
	}
	return null;
}

/**
 * Why the app has to be built, or null when the build is up to date.
 * @returns {string | null}
 */
function buildReason() {
	if (!existsSync(path.join(buildDir, 'index.html'))) return 'no build yet';
	// `npm run build` (as `npm test` runs it) writes no stamp; then the build's own page is the reference.
	const since = statSync(existsSync(stampFile) ? stampFile : path.join(buildDir, 'index.html')).mtimeMs;
	for (const input of BUILD_INPUTS) {
		const found = newerFile(path.join(root, input), since);
		if (found) return `${path.relative(root, found)} changed`;
	}
	return null;
}

/**
 * Runs `node ...args` in the repository root with inherited stdio, forwarding termination signals,
 * and resolves with its exit code (128 + signal number when it was killed by a signal).
 * @param {string[]} args
 * @returns {Promise<number>}
 */
function runNode(args) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
		/** @param {NodeJS.Signals} signal */
		const forward = (signal) => {
			// On Ctrl+C the child usually got the signal from the terminal already; it tolerates a second one.
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		};
		for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
		const cleanUp = () => {
			for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
		};
		child.once('error', (error) => {
			cleanUp();
			reject(error);
		});
		child.once('exit', (code, signal) => {
			cleanUp();
			resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
		});
	});
}

async function main() {
	const reason = buildReason();
	if (reason) {
		console.log(`Building Kontor (${reason}) ...`);
		// The stamp gets the time the build started, so an edit made during the build triggers the next one.
		const startedAt = new Date();
		const code = await runNode([path.join(root, 'node_modules/vite/bin/vite.js'), 'build']);
		if (code !== 0) {
			console.error(`Build failed (exit code ${code}); not starting the server.`);
			return code;
		}
		writeFileSync(stampFile, `${startedAt.toISOString()}\n`);
		utimesSync(stampFile, startedAt, startedAt);
	} else {
		console.log('Build is up to date.');
	}
	// `--import tsx` runs the TypeScript entry in this one child process, so signals reach the server directly.
	return runNode([
		...SERVER_NODE_FLAGS,
		'--import',
		'tsx',
		path.join(root, 'sync-server/main.ts'),
		...process.argv.slice(2)
	]);
}

main().then(
	(code) => process.exit(code),
	(/** @type {unknown} */ error) => {
		console.error(error);
		process.exit(1);
	}
);
