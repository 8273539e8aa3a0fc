/**
 * A throwaway PostgreSQL cluster for the tests: `initdb` in a temporary folder, started with
 * `pg_ctl` on a free local port, stopped and removed afterwards. The global setup of the `postgres`
 * test project starts one when `KONTOR_TEST_POSTGRES_URL` names no server.
 */
import { spawn } from 'node:child_process';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Runs a command to its end; rejects with its output when it fails. */
function run(command: string, args: readonly string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		// stdin closed and output piped: pg_ctl's server detaches and writes to its own log file.
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0
				? resolve(output)
				: reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`))
		);
	});
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() =>
				typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))
			);
		});
	});
}

/** uid and gid of a local account from /etc/passwd, or null. */
async function account(name: string): Promise<{ uid: number; gid: number } | null> {
	const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
	const fields = passwd
		.split('\n')
		.map((line) => line.split(':'))
		.find((entry) => entry[0] === name);
	return fields ? { uid: Number(fields[2]), gid: Number(fields[3]) } : null;
}

export interface Cluster {
	/** Connection URL of the cluster's `postgres` database, as its superuser `kontor`. */
	url: string;
	stop(): Promise<void>;
}

/**
 * Creates and starts a cluster with the binaries in `bin`. PostgreSQL refuses to run as root, so as
 * root the cluster runs as the `postgres` account (the Debian package creates it), else `nobody`.
 * For tests the cluster trades durability for speed (no fsync): it lives for one test run. The
 * benchmark asks for a `durable` one (fsync and synchronous commit, as in production).
 */
export async function startCluster(bin: string, options: { durable?: boolean } = {}): Promise<Cluster> {
	const dir = await mkdtemp(path.join(tmpdir(), 'kontor-postgres-'));
	let asUser = (command: string, args: string[]): [string, string[]] => [command, args];
	if (process.getuid?.() === 0) {
		const name = (await account('postgres')) ? 'postgres' : 'nobody';
		const owner = await account(name);
		if (!owner)
			throw new Error('Running as root with neither a postgres nor a nobody account to run PostgreSQL as');
		await chown(dir, owner.uid, owner.gid);
		asUser = (command, args) => ['runuser', ['-u', name, '--', command, ...args]];
	}
	const data = path.join(dir, 'data');
	const pgCtl = path.join(bin, 'pg_ctl');
	try {
		await run(
			...asUser(path.join(bin, 'initdb'), [
				'--pgdata',
				data,
				'--username',
				'kontor',
				'--auth',
				'trust',
				'--encoding',
				'UTF8',
				'--locale',
				'C',
				'--no-sync'
			])
		);
		const port = await freePort();
		const settings = [
			`-p ${port}`,
			`-k ${dir}`,
			'-c listen_addresses=127.0.0.1',
			'-c max_connections=200',
			...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'])
		].join(' ');
		await run(
			...asUser(pgCtl, [
				'start',
				'--pgdata',
				data,
				'--log',
				path.join(dir, 'server.log'),
				'--wait',
				'--timeout',
				'60',
				'-o',
				settings
			])
		);
		let stopped = false;
		return {
			url: `postgres://kontor@127.0.0.1:${port}/postgres`,
			async stop() {
				if (stopped) return;
				stopped = true;
				await run(...asUser(pgCtl, ['stop', '--pgdata', data, '--mode', 'fast', '--wait']));
				await rm(dir, { recursive: true, force: true });
			}
		};
	} catch (error) {
		const log = await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => '');
		await run(...asUser(pgCtl, ['stop', '--pgdata', data, '--mode', 'immediate'])).catch(() => undefined);
		await rm(dir, { recursive: true, force: true });
		throw log ? new Error(`${String(error)}\nserver log:\n${log}`) : error;
	}
}
