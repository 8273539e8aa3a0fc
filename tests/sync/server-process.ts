/**
 * The real server, `node --import tsx sync-server/main.ts`, as a child process that a test can kill
 * with SIGKILL. Every process started is killed when the test process exits, whatever fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../sync-server/node-flags.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY = /Kontor is running on http:\/\/localhost:(\d+)/;

/** Every server process started and not yet known to be gone. */
export const children = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of children) child.kill('SIGKILL');
});

/** SIGKILL, and resolves once the process is gone. */
export async function killed(child: ChildProcess): Promise<void> {
	if (child.exitCode === null && child.signalCode === null) {
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
	}
	children.delete(child);
}

/** Kills every server process still running (for afterEach). */
export async function killAll(): Promise<void> {
	for (const child of [...children]) await killed(child);
}

/** The real server as a child process. */
export class ServerProcess {
	private constructor(
		readonly child: ChildProcess,
		readonly port: number
	) {}

	get origin(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get syncUrl(): string {
		return `ws://127.0.0.1:${this.port}/sync`;
	}

	/** Starts a server on `dataDir` (and the database `env` names, if any), on `port` (0: any). */
	static async start(dataDir: string, port = 0, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
		const child = spawn(
			process.execPath,
			[...SERVER_NODE_FLAGS, '--import', 'tsx', 'sync-server/main.ts', '--port', String(port)],
			{
				cwd: ROOT,
				env: {
					...process.env,
					HOST: '127.0.0.1',
					KONTOR_DATA_DIR: dataDir,
					KONTOR_BUILD_DIR: path.join(dataDir, 'no-build'),
					...env
				},
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		children.add(child);
		let output = '';
		const ready = await new Promise<number>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
			const read = (chunk: Buffer): void => {
				output += chunk.toString();
				const match = READY.exec(output);
				if (match) {
					clearTimeout(timer);
					resolve(Number(match[1]));
				}
			};
			child.stdout?.on('data', read);
			child.stderr?.on('data', read);
			child.once('exit', (code, signal) => {
				clearTimeout(timer);
				reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${output}`));
			});
		});
		return new ServerProcess(child, ready);
	}

	/** The crash: SIGKILL, no shutdown of any kind. */
	async kill(): Promise<void> {
		await killed(this.child);
	}

	/** Starts again on the same folder and port (devices reconnect to the address they know). */
	static async restart(dataDir: string, port: number): Promise<ServerProcess> {
		// The port is free once the old process is gone; a retry covers a slow release.
		for (let attempt = 1; ; attempt++) {
			try {
				return await ServerProcess.start(dataDir, port);
			} catch (error) {
				if (attempt >= 5 || !/already in use/.test(String(error))) throw error;
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		}
	}
}
