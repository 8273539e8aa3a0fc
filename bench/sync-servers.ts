/**
 * The two servers of the sync benchmark as child processes, so their memory (VmRSS) is measured
 * apart from the benchmark's clients: the Kontor server (`sync-server/main.ts`, SQLite in a temp
 * folder) and the y-websocket reference (`sync-ywebsocket-server.mjs`). Each is stopped by its own
 * pid only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../sync-server/node-flags.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A server process the benchmark started, with its port and memory. */
export interface ChildServer {
	name: string;
	pid: number;
	port: number;
	/** Resident memory now, in MB (VmRSS from /proc). */
	rssMB(): number;
	/** CPU time the process has used so far (user + system, all threads), in seconds. */
	cpuSeconds(): number;
	/** Starts sampling VmRSS every `intervalMs`; the returned function stops and gives the peak in MB. */
	sampleRss(intervalMs?: number): () => number;
	/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
	stop(): Promise<void>;
}

/** VmRSS of a process in MB, or NaN when it cannot be read. */
export function rssOf(pid: number): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
		return kb ? Number(kb) / 1024 : Number.NaN;
	} catch {
		return Number.NaN;
	}
}

/** User + system CPU seconds of a process (all its threads), from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may hold spaces) start at ") ": utime and stime are 14 and 15.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
	} catch {
		return Number.NaN;
	}
}

/** Linux's USER_HZ, the unit of the times in /proc/<pid>/stat. */
const CLOCK_TICKS = 100;

/**
 * Servers still running. If the benchmark dies before its `finally` blocks run (a signal, or its
 * output piped into `head`), they are killed on the way out instead of outliving it.
 */
const running = new Set<ChildProcess>();
/** Temp folders to remove on the way out, when the `finally` that removes them does not run. */
const folders = new Set<string>();
let exitHooked = false;

function cleanUp(): void {
	for (const c of running) c.kill('SIGKILL');
	for (const dir of folders) rmSync(dir, { recursive: true, force: true });
}

function hookExit(): void {
	if (exitHooked) return;
	exitHooked = true;
	process.once('exit', cleanUp);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => process.exit(130));
	}
}

function killOnExit(child: ChildProcess): void {
	running.add(child);
	child.once('exit', () => running.delete(child));
	hookExit();
}

/** Removes `dir` when the benchmark exits, should it not get to remove it itself; returns `dir`. */
export function removeOnExit(dir: string): string {
	folders.add(dir);
	hookExit();
	return dir;
}

function exited(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function spawnServer(
	name: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	ready: RegExp,
	timeoutMs = 60_000
): Promise<ChildServer> {
	const child = spawn(process.execPath, args, {
		cwd: ROOT,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const pid = child.pid;
	if (pid === undefined) throw new Error(`${name} did not start`);
	killOnExit(child);
	let output = '';
	const stop = async (): Promise<void> => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
		await exited(child);
		clearTimeout(timer);
	};
	try {
		const port = await new Promise<number>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`${name} not ready:\n${output}`)), timeoutMs);
			const onData = (chunk: Buffer) => {
				output += chunk.toString();
				const match = ready.exec(output);
				if (match) {
					clearTimeout(timer);
					resolve(Number(match[1]));
				}
			};
			child.stdout?.on('data', onData);
			child.stderr?.on('data', (chunk: Buffer) => {
				output += chunk.toString();
			});
			child.once('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`${name} exited with ${code}:\n${output}`));
			});
		});
		// Keep reading its output (a full pipe would block the child) and show its errors.
		child.stdout?.removeAllListeners('data');
		child.stdout?.resume();
		child.stderr?.removeAllListeners('data');
		child.stderr?.on('data', (chunk: Buffer) => {
			const text = chunk.toString().trim();
			if (text) console.error(`[${name}] ${text.slice(0, 500)}`);
		});
		return {
			name,
			pid,
			port,
			rssMB: () => rssOf(pid),
			cpuSeconds: () => cpuSecondsOf(pid),
			sampleRss(intervalMs = 100) {
				let peak = rssOf(pid);
				const timer = setInterval(() => {
					const now = rssOf(pid);
					if (now > peak) peak = now;
				}, intervalMs);
				return () => {
					clearInterval(timer);
					return Math.max(peak, rssOf(pid));
				};
			},
			stop
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** The Kontor server exactly as `npm start` runs it, on a free port, over a fresh data folder. */
export function startKontorChild(
	dataDir: string,
	buildDir: string,
	env: NodeJS.ProcessEnv = {},
	name = 'kontor'
): Promise<ChildServer> {
	return spawnServer(
		name,
		[...SERVER_NODE_FLAGS, '--max-old-space-size=4096', '--import', 'tsx', 'sync-server/main.ts'],
		{ PORT: '0', HOST: '127.0.0.1', KONTOR_DATA_DIR: dataDir, KONTOR_BUILD_DIR: buildDir, ...env },
		/Kontor is running on http:\/\/[^:]+:(\d+)/
	);
}

/** The y-websocket reference server (documents in memory, no persistence), on a free port. */
export function startYWebsocketChild(): Promise<ChildServer> {
	return spawnServer(
		'y-websocket',
		['--max-old-space-size=8192', fileURLToPath(new URL('sync-ywebsocket-server.mjs', import.meta.url))],
		{ PORT: '0', HOST: '127.0.0.1' },
		/y-websocket listening on (\d+)/
	);
}
