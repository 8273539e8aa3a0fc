/**
 * `npm run bench:scale`: the sync benchmark's throughput and edit-to-visible latency with the
 * server on SQLite (one instance, the default), on PostgreSQL with one instance, and on PostgreSQL
 * with two instances sharing the database (devices spread over both, the observer of each edit on
 * the other instance than the editor). PostgreSQL is a throwaway cluster started here with fsync
 * and synchronous commit on, as in production. Prints a table and writes bench/results/scale-*.json.
 * Not part of `npm test`.
 *
 *   SCALE_COUNT=2000 SYNC_DURATION_MS=5000 node --max-semi-space-size=32 --import tsx bench/run-scale-bench.ts
 *
 * (A quick run; the flag is the one `npm run bench:scale` passes, see run-sync-bench.ts.)
 */
import 'fake-indexeddb/auto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { uuidv7 } from '../src/lib/domain/ids';
import { findPostgresBin } from '../tests/sync-server/find-postgres.js';
import { startCluster, type Cluster } from '../tests/sync-server/postgres-cluster';
import { describeEnvironment, percentile, positiveInt, type Environment } from './report';
import { buildSeedBook, type SeedBook } from './sync-contacts';
import {
	createAccounts,
	kontorEditToVisible,
	kontorThroughput,
	rawFirstSync,
	seedKontor,
	type Account,
	type EditFigures,
	type ThroughputFigures
} from './sync-kontor';
import { removeOnExit, startKontorChild, type ChildServer } from './sync-servers';

const config = {
	count: positiveInt('SCALE_COUNT', 10_000),
	seed: positiveInt('BENCH_SEED', 20_250_101),
	edits: positiveInt('SYNC_EDITS', 200),
	editDevices: 20,
	devices: positiveInt('SYNC_DEVICES', 50),
	users: 5,
	docsPerDevice: positiveInt('SYNC_DOCS_PER_DEVICE', 8),
	window: positiveInt('SYNC_WINDOW', 32),
	warmupMs: positiveInt('SYNC_WARMUP_MS', 2_000),
	durationMs: positiveInt('SYNC_DURATION_MS', 10_000)
};

interface Setup {
	name: string;
	storage: 'sqlite' | 'postgres';
	instances: number;
}

const SETUPS: readonly Setup[] = [
	{ name: 'SQLite, 1 instance', storage: 'sqlite', instances: 1 },
	{ name: 'PostgreSQL, 1 instance', storage: 'postgres', instances: 1 },
	{ name: 'PostgreSQL, 2 instances', storage: 'postgres', instances: 2 }
];

interface SetupFigures {
	setup: Setup;
	seedPerSecond: number;
	edit: EditFigures;
	throughput: ThroughputFigures;
}

const section = (title: string) => console.log(`\n${title}`);

async function measure(setup: Setup, book: SeedBook, buildDir: string, cluster: Cluster | null) {
	const dataDir = removeOnExit(await mkdtemp(path.join(os.tmpdir(), 'kontor-scale-bench-')));
	const schema = `kontor_bench_${uuidv7().replace(/-/g, '').slice(-12)}`;
	const env: NodeJS.ProcessEnv =
		setup.storage === 'postgres' && cluster
			? { DATABASE_URL: cluster.url, KONTOR_DATABASE_SCHEMA: schema }
			: {};
	const servers: ChildServer[] = [];
	try {
		for (let i = 0; i < setup.instances; i++) {
			servers.push(await startKontorChild(dataDir, buildDir, env, `kontor-${i + 1}`));
		}
		const urls = servers.map((s) => `ws://127.0.0.1:${s.port}/sync`);
		const origin = `http://127.0.0.1:${(servers[0] as ChildServer).port}`;
		section(`${setup.name}: pids ${servers.map((s) => s.pid).join(', ')}`);
		const accounts = await createAccounts(origin, config.users);
		const seed = await seedKontor(urls[0] as string, accounts.users[0] as Account, book);
		const seedPerSecond = seed.perSecond;
		console.log(
			`  seeded ${book.contacts.length.toLocaleString('en')} contacts, ${Math.round(seedPerSecond)}/s`
		);
		// The devices start caught up: a first sync tells where the log ends.
		const { head } = await rawFirstSync(urls[0] as string, accounts.users[1] as Account);

		const edit = await kontorEditToVisible(urls, accounts, head, config.edits, config.editDevices);
		console.log(
			`  edit → visible p50 ${percentile(edit.observer, 50).toFixed(1)} ms, p95 ${percentile(edit.observer, 95).toFixed(1)} ms`
		);
		const throughput = await kontorThroughput(urls, accounts, book, servers, config);
		console.log(`  ${Math.round(throughput.perSecond).toLocaleString('en')} updates/s acknowledged`);
		return { setup, seedPerSecond, edit, throughput } satisfies SetupFigures;
	} finally {
		for (const server of servers) await server.stop();
		await rm(dataDir, { recursive: true, force: true });
	}
}

const ms = (value: number) => (Number.isNaN(value) ? '—' : `${value.toFixed(1)} ms`);

function table(results: readonly SetupFigures[]): string {
	const rows = [
		'| setup | seeding/s | edit → visible on another device p50 / p95 / max | missed | updates/s (50 devices) | ack p50 / p95 | fan-out/s | server CPU (cores) | server memory peak |',
		'|---|---|---|---|---|---|---|---|---|'
	];
	for (const { setup, seedPerSecond, edit, throughput: t } of results) {
		rows.push(
			`| ${setup.name} | ${Math.round(seedPerSecond).toLocaleString('en')} | ${ms(percentile(edit.observer, 50))} / ${ms(percentile(edit.observer, 95))} / ${ms(Math.max(...edit.observer))} | ${edit.missed} | ${Math.round(t.perSecond).toLocaleString('en')} | ${ms(percentile(t.ackLatency, 50))} / ${ms(percentile(t.ackLatency, 95))} | ${Math.round(t.deliveredPerSecond).toLocaleString('en')} | ${t.serverCores.toFixed(2)} | ${Math.round(t.serverPeakRssMB)} MB |`
		);
	}
	return rows.join('\n');
}

async function main(): Promise<void> {
	const buildDir = fileURLToPath(new URL('../build', import.meta.url));
	const bin = findPostgresBin();
	if (!bin)
		throw new Error('PostgreSQL is not installed (initdb, pg_ctl): on Debian `apt-get install postgresql`.');
	const loadAtStart = os.loadavg();
	console.log(`Generating ${config.count.toLocaleString('en')} contacts (seed ${config.seed}) ...`);
	const book = buildSeedBook(config.count, config.seed, uuidv7());
	const cluster = await startCluster(bin, { durable: true });
	const results: SetupFigures[] = [];
	try {
		for (const setup of SETUPS) results.push(await measure(setup, book, buildDir, cluster));
	} finally {
		await cluster.stop();
	}
	const environment: Environment = describeEnvironment('not used', loadAtStart);
	console.log(
		`\n## Sync server on SQLite and on PostgreSQL, ${config.count.toLocaleString('en')} contacts\n`
	);
	console.log(table(results));
	console.log(
		`\n${environment.cpu}, ${environment.cores} cores, Node ${environment.node}; every instance, the database and the load on this one machine.`
	);
	const date = new Date().toISOString();
	const dir = fileURLToPath(new URL('results/', import.meta.url));
	await mkdir(dir, { recursive: true });
	const json = `${JSON.stringify({ date, environment, config, results }, null, '\t')}\n`;
	for (const file of [`${dir}scale-${date.replace(/[:.]/g, '-')}.json`, `${dir}scale-latest.json`]) {
		await writeFile(file, json);
		console.log(`Wrote ${path.relative(process.cwd(), file)}`);
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
