/**
 * `npm run bench:sync`: Kontor's sync on loopback against the y-websocket reference server, same
 * workload, same run. Seeds SYNC_COUNT (default 50,000) realistic contacts, then measures the first
 * sync to a fresh device (real Chromium through the app's sign-in, and a raw protocol client), a
 * reconnect with nothing new, edit-to-visible with 20 devices connected, and push throughput of 50
 * devices with the server's memory. Prints a table and writes bench/results/sync-*.json. Not part
 * of `npm test`.
 *
 *   SYNC_COUNT=5000 node --max-semi-space-size=32 --import tsx bench/run-sync-bench.ts   # quick run
 *
 * (The flag gives the simulated devices, which share the cores with the server, the server's young
 * generation, as `npm run bench:sync` does.)
 */
import 'fake-indexeddb/auto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { uuidv7 } from '../src/lib/domain/ids';
import { describeEnvironment, positiveInt } from './report';
import { kontorEditUnderAttack } from './sync-attack';
import { browserFirstSync, type BrowserSyncFigures } from './sync-browser';
import { buildSeedBook, type SeedBook } from './sync-contacts';
import {
	createAccounts,
	kontorEditToVisible,
	kontorThroughput,
	nodeFirstSync,
	rawFirstSync,
	rawReconnect,
	seedKontor,
	type Account
} from './sync-kontor';
import { buildSyncReport, formatSyncTable, writeSyncReport, type SyncRun } from './sync-report';
import { removeOnExit, startKontorChild, startYWebsocketChild, type ChildServer } from './sync-servers';
import { seedYWebsocket, yEditToVisible, yFirstSync, yReconnect, yThroughput } from './sync-yws';

const config = {
	count: positiveInt('SYNC_COUNT', 50_000),
	seed: positiveInt('BENCH_SEED', 20_250_101),
	edits: positiveInt('SYNC_EDITS', 200),
	editDevices: 20,
	devices: positiveInt('SYNC_DEVICES', 50),
	users: 5,
	docsPerDevice: positiveInt('SYNC_DOCS_PER_DEVICE', 8),
	window: positiveInt('SYNC_WINDOW', 32),
	warmupMs: positiveInt('SYNC_WARMUP_MS', 2_000),
	durationMs: positiveInt('SYNC_DURATION_MS', 10_000),
	yConcurrency: positiveInt('SYNC_YWS_CONCURRENCY', 128),
	yCapMs: positiveInt('SYNC_YWS_CAP_MS', 150_000),
	attackers: positiveInt('SYNC_ATTACKERS', 4),
	attackEdits: positiveInt('SYNC_ATTACK_EDITS', 200)
};
const BROWSER_TIMEOUT_MS = positiveInt('SYNC_BROWSER_TIMEOUT_MS', 240_000);

function openFilesLimit(): string {
	try {
		return execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
	} catch {
		return 'unknown';
	}
}

const section = (title: string) => console.log(`\n${title}`);

async function measureKontor(
	book: SeedBook,
	buildDir: string
): Promise<SyncRun['kontor'] & { chromium: string }> {
	const dataDir = removeOnExit(await mkdtemp(path.join(os.tmpdir(), 'kontor-sync-bench-')));
	let server: ChildServer | null = null;
	try {
		server = await startKontorChild(dataDir, buildDir);
		const origin = `http://127.0.0.1:${server.port}`;
		const url = `ws://127.0.0.1:${server.port}/sync`;
		console.log(`Kontor server (pid ${server.pid}) at ${origin}, SQLite in ${dataDir}`);
		const accounts = await createAccounts(origin, config.users);
		const admin = accounts.users[0] as Account;

		section(`Kontor: seeding ${book.contacts.length.toLocaleString('en')} contacts over the protocol ...`);
		const seed = await seedKontor(url, admin, book);
		const rssAfterSeedMB = server.rssMB();

		section('Kontor: first sync, raw protocol client ...');
		const firstSync = await rawFirstSync(url, accounts.users[1] as Account);
		console.log(
			`  ${firstSync.documents.toLocaleString('en')} documents in ${(firstSync.ms / 1000).toFixed(1)} s`
		);

		section('Kontor: first sync to a real device (Chromium, sign-in through the app) ...');
		let device: SyncRun['kontor']['device'];
		let chromium = 'not used';
		try {
			const figures: BrowserSyncFigures = await browserFirstSync(
				origin,
				admin.email,
				admin.password,
				config.count,
				BROWSER_TIMEOUT_MS
			);
			chromium = figures.chromium;
			device = { ...figures, kind: 'chromium', note: null };
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			console.warn(`  Chromium sign-in unavailable (${reason}); falling back to a Node device.`);
			const figures = await nodeFirstSync(url, admin, config.count, BROWSER_TIMEOUT_MS);
			device = { ...figures, chromium, kind: 'node', note: `Chromium sign-in unavailable: ${reason}` };
		}
		console.log(
			`  complete after ${device.completeMs === null ? '—' : (device.completeMs / 1000).toFixed(1)} s`
		);

		section('Kontor: reconnect with nothing new ...');
		const reconnect = await rawReconnect(
			url,
			accounts.users[2] as Account,
			accounts.workspaceId,
			firstSync.head
		);

		section(`Kontor: edit → visible, ${config.editDevices} devices, ${config.edits} edits ...`);
		const edit = await kontorEditToVisible(url, accounts, firstSync.head, config.edits, config.editDevices);

		section(
			`Kontor: throughput, ${config.devices} devices for ${config.durationMs / 1000} s after ${config.warmupMs / 1000} s of warm-up ...`
		);
		const throughput = await kontorThroughput(url, accounts, book, server, config);
		console.log(`  ${Math.round(throughput.perSecond).toLocaleString('en')} updates/s acknowledged`);

		section(
			`Kontor: edit → visible while ${config.attackers} signed-in attackers and 1 anonymous one send hostile messages ...`
		);
		const attack = await kontorEditUnderAttack(url, accounts, book, firstSync.head, {
			edits: config.attackEdits,
			attackers: config.attackers,
			seed: config.seed
		});
		console.log(
			`  ${attack.hostileSent.toLocaleString('en')} hostile messages during ${(attack.durationMs / 1000).toFixed(1)} s of edits`
		);
		return { seed, rssAfterSeedMB, firstSync, device, reconnect, edit, throughput, attack, chromium };
	} finally {
		await server?.stop();
		await rm(dataDir, { recursive: true, force: true });
	}
}

async function measureYWebsocket(book: SeedBook): Promise<SyncRun['y']> {
	let server: ChildServer | null = null;
	try {
		server = await startYWebsocketChild();
		const base = `ws://127.0.0.1:${server.port}`;
		console.log(`y-websocket server (pid ${server.pid}) at ${base}, documents in memory`);
		const { yConcurrency: concurrency, yCapMs: capMs } = config;

		section(`y-websocket: seeding, one socket per document, ${concurrency} at a time ...`);
		const { held, ...seed } = await seedYWebsocket(base, book, concurrency, capMs);
		const rssAfterSeedMB = server.rssMB();

		section('y-websocket: first sync to a fresh client ...');
		const { states, ...firstSync } = await yFirstSync(
			base,
			held.map((d) => d.docId),
			concurrency,
			capMs
		);

		section('y-websocket: reconnect with nothing new ...');
		const reconnect = await yReconnect(base, states, concurrency, capMs);
		states.clear();

		section(`y-websocket: edit → visible, ${config.editDevices} sockets on one document ...`);
		const editDoc = held[Math.min(held.length - 1, 1 + config.devices * config.docsPerDevice)];
		if (!editDoc) throw new Error('y-websocket holds no document to edit');
		const edit = await yEditToVisible(base, editDoc, config.edits, config.editDevices);

		section(
			`y-websocket: throughput, ${config.devices} clients for ${config.durationMs / 1000} s after ${config.warmupMs / 1000} s of warm-up ...`
		);
		const contacts = held.filter((d) => d.docId !== book.workspace.docId);
		const throughput = await yThroughput(base, contacts, server, config);
		console.log(`  ${Math.round(throughput.perSecond).toLocaleString('en')} updates/s echoed`);
		return { seed, rssAfterSeedMB, firstSync, reconnect, edit, throughput };
	} finally {
		await server?.stop();
	}
}

async function main(): Promise<void> {
	const buildDir = fileURLToPath(new URL('../build', import.meta.url));
	if (!existsSync(path.join(buildDir, 'index.html')))
		throw new Error(
			`No production build in ${buildDir}: run \`npm run build\` first (npm run bench:sync does).`
		);
	const loadAtStart = os.loadavg();
	if ((loadAtStart[0] ?? 0) > os.cpus().length / 2)
		console.warn(
			`Warning: load average ${loadAtStart[0]?.toFixed(1)} — other work on this machine will skew the timings.`
		);
	const started = performance.now();

	console.log(`Generating ${config.count.toLocaleString('en')} contacts (seed ${config.seed}) ...`);
	const book = buildSeedBook(config.count, config.seed, uuidv7());
	console.log(
		`  generated in ${(book.generateMs / 1000).toFixed(1)} s, documents built in ${(book.buildMs / 1000).toFixed(1)} s`
	);

	const kontor = await measureKontor(book, buildDir);
	const y = await measureYWebsocket(book);
	const { chromium, ...kontorFigures } = kontor;
	const report = buildSyncReport({
		environment: { ...describeEnvironment(chromium, loadAtStart), openFilesLimit: openFilesLimit() },
		config,
		kontor: kontorFigures,
		y
	});
	console.log(`\n## Kontor sync vs y-websocket, ${config.count.toLocaleString('en')} contacts, loopback\n`);
	console.log(formatSyncTable(report));
	const env = report.environment;
	console.log(
		`\n${env.cpu}, ${env.cores} cores, ${env.memoryGB} GB, Node ${env.node}, ${env.chromium === 'not used' ? 'no Chromium' : `Chromium ${env.chromium}`}, ulimit -n ${env.openFilesLimit}`
	);
	console.log(
		`Load average at start ${env.loadAverage.start.join(' ')}, at end ${env.loadAverage.end.join(' ')}`
	);
	if (report.kontor.device.note) console.log(`Note: ${report.kontor.device.note}`);
	for (const file of await writeSyncReport(report))
		console.log(`Wrote ${path.relative(process.cwd(), file)}`);
	console.log(`Total ${((performance.now() - started) / 1000 / 60).toFixed(1)} min`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
