/**
 * The sync benchmark's report: figures of both servers side by side, the ratios, the issue's
 * targets, the markdown table printed to the terminal, and the JSON under bench/results/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { percentile, type Environment } from './report';
import type { AttackFigures } from './sync-attack';
import type { BrowserSyncFigures } from './sync-browser';
import type { EditFigures, SeedFigures, SyncFigures, ThroughputFigures } from './sync-kontor';
import type { Traffic } from './sync-wire';
import type { PoolFigures, YEditFigures, YSeedFigures, YThroughputFigures } from './sync-yws';

/** The targets. */
export const SYNC_TARGETS = {
	firstSyncMs: 30_000,
	reconnectRoundTrips: 1,
	reconnectBytes: 2048,
	editP95Ms: 100,
	updatesPerSecond: 5000
} as const;

export interface SyncRun {
	environment: Environment & { openFilesLimit: string };
	config: {
		count: number;
		seed: number;
		edits: number;
		editDevices: number;
		devices: number;
		users: number;
		docsPerDevice: number;
		window: number;
		warmupMs: number;
		durationMs: number;
		yConcurrency: number;
		yCapMs: number;
		attackers: number;
		attackEdits: number;
	};
	kontor: {
		seed: SeedFigures;
		rssAfterSeedMB: number;
		firstSync: SyncFigures;
		device: BrowserSyncFigures & { kind: 'chromium' | 'node'; note: string | null };
		reconnect: SyncFigures;
		edit: EditFigures;
		throughput: ThroughputFigures;
		attack: AttackFigures;
	};
	y: {
		seed: Omit<YSeedFigures, 'held'>;
		rssAfterSeedMB: number;
		firstSync: PoolFigures;
		reconnect: PoolFigures;
		edit: YEditFigures;
		throughput: YThroughputFigures;
	};
}

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

function spread(values: readonly number[]) {
	return {
		n: values.length,
		p50: round(percentile(values, 50), 2),
		p95: round(percentile(values, 95), 2),
		max: round(values.length ? Math.max(...values) : Number.NaN, 2)
	};
}

const wireBytes = (t: Traffic): number => t.wireSent + t.wireReceived;

export function buildSyncReport(run: SyncRun) {
	const k = run.kontor;
	const y = run.y;
	const kEdit = { observer: spread(k.edit.observer), listeners: spread(k.edit.listeners) };
	const yEdit = { observer: spread(y.edit.observer), listeners: spread(y.edit.listeners) };
	const attack = {
		...k.attack,
		baseline: spread(k.attack.baseline),
		underAttack: spread(k.attack.underAttack)
	};
	const deviceMs = k.device.completeMs;
	const reconnectBytes = wireBytes(k.reconnect.traffic);
	return {
		date: new Date().toISOString(),
		environment: run.environment,
		config: run.config,
		targets: SYNC_TARGETS,
		pass: {
			firstSync: deviceMs !== null && deviceMs <= SYNC_TARGETS.firstSyncMs,
			reconnectRoundTrips: k.reconnect.clientMessages <= SYNC_TARGETS.reconnectRoundTrips,
			reconnectBytes: reconnectBytes <= SYNC_TARGETS.reconnectBytes,
			editP95: kEdit.observer.p95 <= SYNC_TARGETS.editP95Ms && k.edit.missed === 0,
			editP95UnderAttack: attack.underAttack.p95 <= SYNC_TARGETS.editP95Ms && attack.missed === 0,
			throughput: k.throughput.perSecond >= SYNC_TARGETS.updatesPerSecond
		},
		kontor: {
			...k,
			edit: { ...kEdit, missed: k.edit.missed, devices: k.edit.devices, edits: k.edit.edits },
			throughput: { ...k.throughput, ackLatency: spread(k.throughput.ackLatency) },
			attack
		},
		y: {
			...y,
			edit: { ...yEdit, missed: y.edit.missed, devices: y.edit.devices, edits: y.edit.edits },
			throughput: { ...y.throughput, ackLatency: spread(y.throughput.ackLatency) }
		}
	};
}

export type SyncReport = ReturnType<typeof buildSyncReport>;

const n = (value: number, digits = 0): string =>
	value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (value: number | null): string =>
	value === null || Number.isNaN(value)
		? '—'
		: value >= 1000
			? `${n(value / 1000, 1)} s`
			: `${n(value, 1)} ms`;
const mb = (value: number): string => `${n(value, 0)} MB`;
function bytes(value: number): string {
	if (value < 10 * 1024) return `${n(value)} B`;
	if (value < 10 * 2 ** 20) return `${n(value / 1024, 1)} KB`;
	return `${n(value / 2 ** 20, 1)} MB`;
}
const ok = (pass: boolean): string => (pass ? 'yes' : '**NO**');
function ratio(kontor: number | null, y: number | null): string {
	if (kontor === null || y === null || !Number.isFinite(kontor) || !Number.isFinite(y) || y === 0) return '—';
	const r = kontor / y;
	if (r > 0 && r < 0.01) return `1/${n(1 / r)}`;
	return `${r >= 100 ? n(r) : r >= 10 ? n(r, 1) : n(r, 2)}×`;
}

/** "12.3 s" or, when the cap stopped it, "12.3 s for 20,000 (≈ 30.8 s for 50,001, extrapolated)". */
function poolTime(p: PoolFigures): string {
	if (!p.capped && p.done === p.total) return ms(p.ms);
	return `${ms(p.ms)} for ${n(p.done)} of ${n(p.total)} (≈ ${ms(p.extrapolatedMs)} for all, extrapolated)`;
}

/** The markdown table: metric | Kontor | y-websocket | ratio (Kontor ÷ y-websocket) | target | ok. */
export function formatSyncTable(r: SyncReport): string {
	const k = r.kontor;
	const y = r.y;
	const docs = n(k.seed.documents);
	const yDocs = n(y.firstSync.done);
	const kReconnectBytes = wireBytes(k.reconnect.traffic);
	const yReconnectBytes = wireBytes(y.reconnect.traffic);
	const deviceLabel =
		k.device.kind === 'chromium'
			? `first sync, real device (Chromium: submit sign-in → all ${n(r.config.count)} listed)`
			: `first sync, Node device (app store on fake-indexeddb + SyncClient; Chromium sign-in unavailable)`;
	const rows: [string, string, string, string, string, string][] = [
		[
			`seeding ${docs} documents over the protocol, one uploader (updates/s)`,
			`${n(k.seed.perSecond)}/s (${ms(k.seed.ms)})`,
			`${n(y.seed.perSecond)}/s (${poolTime(y.seed)})`,
			ratio(k.seed.perSecond, y.seed.perSecond),
			'(info)',
			''
		],
		[deviceLabel, ms(k.device.completeMs), '—', '', `≤ ${ms(r.targets.firstSyncMs)}`, ok(r.pass.firstSync)],
		[
			'first sync, real device: until the indicator says synced / first rows listed',
			`${ms(k.device.syncedMs)} / ${ms(k.device.firstRowsMs)}`,
			'—',
			'',
			'(info)',
			''
		],
		[
			`first sync, protocol level (fresh client: connect → caught up, ${docs} / ${yDocs} documents)`,
			ms(k.firstSync.ms),
			poolTime(y.firstSync),
			ratio(k.firstSync.ms, y.firstSync.extrapolatedMs),
			'(info)',
			''
		],
		[
			'first sync, bytes on the wire (both ways, handshakes included)',
			bytes(wireBytes(k.firstSync.traffic)),
			bytes(wireBytes(y.firstSync.traffic)),
			ratio(wireBytes(k.firstSync.traffic), wireBytes(y.firstSync.traffic)),
			'(info)',
			''
		],
		[
			'reconnect, nothing new: messages the client sends until caught up',
			n(k.reconnect.clientMessages),
			`${n(y.reconnect.clientMessages)} (step 1 + step 2 on ${n(y.reconnect.done)} sockets)`,
			ratio(k.reconnect.clientMessages, y.reconnect.clientMessages),
			'',
			''
		],
		[
			'reconnect, nothing new: round trips',
			`${n(k.reconnect.clientMessages)} (+ 1 socket handshake)`,
			`${n(y.reconnect.done)} (+ ${n(y.reconnect.done)} socket handshakes), ${n(y.reconnect.concurrency)} at a time`,
			ratio(k.reconnect.clientMessages, y.reconnect.done),
			`${r.targets.reconnectRoundTrips}`,
			ok(r.pass.reconnectRoundTrips)
		],
		[
			'reconnect, nothing new: bytes on the wire (both ways, handshake included)',
			bytes(kReconnectBytes),
			bytes(yReconnectBytes),
			ratio(kReconnectBytes, yReconnectBytes),
			`≤ ${bytes(r.targets.reconnectBytes)}`,
			ok(r.pass.reconnectBytes)
		],
		[
			'reconnect, nothing new: time',
			ms(k.reconnect.ms),
			poolTime(y.reconnect),
			ratio(k.reconnect.ms, y.reconnect.extrapolatedMs),
			'(info)',
			''
		],
		[
			`edit → visible on a 2nd device, p50 (${k.edit.devices} devices connected, ${k.edit.edits} edits)`,
			ms(k.edit.observer.p50),
			ms(y.edit.observer.p50),
			ratio(k.edit.observer.p50, y.edit.observer.p50),
			'',
			''
		],
		[
			'edit → visible on a 2nd device, p95 / max',
			`${ms(k.edit.observer.p95)} / ${ms(k.edit.observer.max)}`,
			`${ms(y.edit.observer.p95)} / ${ms(y.edit.observer.max)}`,
			ratio(k.edit.observer.p95, y.edit.observer.p95),
			`p95 ≤ ${ms(r.targets.editP95Ms)}`,
			ok(r.pass.editP95)
		],
		[
			`edit → received by the other ${k.edit.devices - 2} / ${y.edit.devices - 2} listeners, p50 / p95`,
			`${ms(k.edit.listeners.p50)} / ${ms(k.edit.listeners.p95)}`,
			`${ms(y.edit.listeners.p50)} / ${ms(y.edit.listeners.p95)}`,
			ratio(k.edit.listeners.p95, y.edit.listeners.p95),
			'(info)',
			''
		],
		[
			`edit → visible on a 2nd device while ${k.attack.attackers} signed-in attackers and 1 anonymous one send hostile messages, p50 / p95 / max`,
			`${ms(k.attack.underAttack.p50)} / ${ms(k.attack.underAttack.p95)} / ${ms(k.attack.underAttack.max)}`,
			'—',
			'',
			`p95 ≤ ${ms(r.targets.editP95Ms)}`,
			ok(r.pass.editP95UnderAttack)
		],
		[
			'  the same without the attack (just before it), p50 / p95; hostile messages sent during the measured edits / answered / sockets the server closed',
			`${ms(k.attack.baseline.p50)} / ${ms(k.attack.baseline.p95)}; ${n(k.attack.hostileSent)} / ${n(k.attack.answers)} / ${n(k.attack.closedByServer)}`,
			'—',
			'',
			'(info)',
			''
		],
		[
			`throughput, ${r.config.devices} pushing devices (${r.config.users} users), acknowledged updates/s`,
			n(k.throughput.perSecond),
			n(y.throughput.perSecond),
			ratio(k.throughput.perSecond, y.throughput.perSecond),
			`≥ ${n(r.targets.updatesPerSecond)}`,
			ok(r.pass.throughput)
		],
		[
			`throughput during the ${n(r.config.warmupMs / 1000)} s of warm-up before the measured ${n(r.config.durationMs / 1000)} s (not counted), acknowledged updates/s`,
			n(k.throughput.warmupPerSecond),
			n(y.throughput.warmupPerSecond),
			ratio(k.throughput.warmupPerSecond, y.throughput.warmupPerSecond),
			'(info)',
			''
		],
		[
			'throughput: push → acknowledgement p50 / p95',
			`${ms(k.throughput.ackLatency.p50)} / ${ms(k.throughput.ackLatency.p95)}`,
			`${ms(y.throughput.ackLatency.p50)} / ${ms(y.throughput.ackLatency.p95)}`,
			ratio(k.throughput.ackLatency.p95, y.throughput.ackLatency.p95),
			'(info)',
			''
		],
		[
			'throughput: updates delivered to the other devices per second (fan-out)',
			n(k.throughput.deliveredPerSecond),
			"0 (no device holds another device's documents)",
			'',
			'(info)',
			''
		],
		[
			'throughput: server CPU / load generator CPU (cores)',
			`${n(k.throughput.serverCores, 2)} / ${n(k.throughput.loadCores, 2)}`,
			`${n(y.throughput.serverCores, 2)} / ${n(y.throughput.loadCores, 2)}`,
			ratio(k.throughput.serverCores, y.throughput.serverCores),
			'(info)',
			''
		],
		[
			'server memory (VmRSS), peak during throughput',
			mb(k.throughput.serverPeakRssMB),
			mb(y.throughput.serverPeakRssMB),
			ratio(k.throughput.serverPeakRssMB, y.throughput.serverPeakRssMB),
			'(info)',
			''
		],
		[
			`server memory (VmRSS) holding ${docs} / ${n(y.seed.done)} documents after seeding`,
			mb(k.rssAfterSeedMB),
			mb(y.rssAfterSeedMB),
			ratio(k.rssAfterSeedMB, y.rssAfterSeedMB),
			'(info)',
			''
		]
	];
	return [
		'| metric | Kontor | y-websocket | ratio (Kontor ÷ y-ws) | target | ok |',
		'|---|---|---|---|---|---|',
		...rows.map((row) => `| ${row.join(' | ')} |`)
	].join('\n');
}

/** Writes bench/results/sync-<date>.json and bench/results/sync-latest.json; returns the paths. */
export async function writeSyncReport(r: SyncReport): Promise<string[]> {
	const dir = fileURLToPath(new URL('results/', import.meta.url));
	await mkdir(dir, { recursive: true });
	const json = `${JSON.stringify(r, null, '\t')}\n`;
	const paths = [`${dir}sync-${r.date.replace(/[:.]/g, '-')}.json`, `${dir}sync-latest.json`];
	for (const path of paths) await writeFile(path, json);
	return paths;
}
