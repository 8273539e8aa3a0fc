/**
 * The same workload against the y-websocket reference server: one socket per document, y-protocols
 * sync step 1/2 on each, updates echoed to every socket of the document (the sender's included,
 * which serves as its acknowledgement). Clients use y-protocols and lib0 as y-websocket's own
 * provider does; documents are opened at most `concurrency` at a time.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { uuidv7, type ContactId } from '../src/lib/domain/ids';
import { newContactDoc } from '../src/lib/crdt';
import { EditableContact, type SeedBook, type SeedDoc } from './sync-contacts';
import type { ThroughputOptions } from './sync-kontor';
import type { ChildServer } from './sync-servers';
import { openSocket, toBytes, type Traffic } from './sync-wire';
import type { RawData, WebSocket } from 'ws';
import type { Socket } from 'node:net';

const MESSAGE_SYNC = 0;

/** What a document socket got from the server, as y-protocols names it. */
type SyncKind = 'step1' | 'step2' | 'update' | 'other';
const KINDS: Record<number, SyncKind> = {
	[syncProtocol.messageYjsSyncStep1]: 'step1',
	[syncProtocol.messageYjsSyncStep2]: 'step2',
	[syncProtocol.messageYjsUpdate]: 'update'
};

function syncMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

/** One socket bound to one document, as y-websocket's provider keeps it. */
class DocSocket {
	sentMessages = 0;
	receivedMessages = 0;
	sentPayload = 0;
	receivedPayload = 0;
	#onSync: ((kind: SyncKind) => void) | null = null;

	readonly ws: WebSocket;
	readonly #opened: Promise<Socket>;
	#tcp: Socket | null = null;

	private constructor(
		url: string,
		readonly doc: Y.Doc
	) {
		({ ws: this.ws, opened: this.#opened } = openSocket(url, (data) => this.#receive(data)));
	}

	#receive(data: RawData): void {
		const bytes = toBytes(data);
		this.receivedMessages++;
		this.receivedPayload += bytes.length;
		const decoder = decoding.createDecoder(bytes);
		if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return this.#onSync?.('other');
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		const kind = KINDS[syncProtocol.readSyncMessage(decoder, encoder, this.doc, 'server')] ?? 'other';
		// The answer to the server's step 1 (step 2: what the server lacks), as the provider sends it.
		if (encoding.length(encoder) > 1) this.send(encoding.toUint8Array(encoder));
		this.#onSync?.(kind);
	}

	/** Opens the document's socket and sends sync step 1, as the provider does on open. */
	static async open(base: string, docName: string, doc: Y.Doc): Promise<DocSocket> {
		const socket = new DocSocket(`${base}/${docName}`, doc);
		socket.#tcp = await socket.#opened;
		socket.send(syncMessage((encoder) => syncProtocol.writeSyncStep1(encoder, doc)));
		return socket;
	}

	onSync(listener: ((kind: SyncKind) => void) | null): void {
		this.#onSync = listener;
	}

	/** Resolves when a message of `kind` arrives. */
	until(kind: SyncKind, timeoutMs = 60_000): Promise<void> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no ${kind} within ${timeoutMs} ms`)), timeoutMs);
			timer.unref();
			this.onSync((k) => {
				if (k !== kind) return;
				clearTimeout(timer);
				this.onSync(null);
				resolve();
			});
		});
	}

	send(bytes: Uint8Array): void {
		this.sentMessages++;
		this.sentPayload += bytes.length;
		this.ws.send(bytes);
	}

	sendUpdate(update: Uint8Array): void {
		this.send(syncMessage((encoder) => syncProtocol.writeUpdate(encoder, update)));
	}

	traffic(): Traffic {
		return {
			sentMessages: this.sentMessages,
			receivedMessages: this.receivedMessages,
			sentPayload: this.sentPayload,
			receivedPayload: this.receivedPayload,
			wireSent: this.#tcp?.bytesWritten ?? 0,
			wireReceived: this.#tcp?.bytesRead ?? 0
		};
	}

	/** Closes with the WebSocket closing handshake, as a browser does; resolves when the socket is gone. */
	close(): Promise<void> {
		return new Promise((resolve) => {
			if (this.ws.readyState === this.ws.CLOSED) return resolve();
			this.ws.once('close', () => resolve());
			this.ws.close();
		});
	}
}

function addTraffic(sum: Traffic, t: Traffic): void {
	sum.sentMessages += t.sentMessages;
	sum.receivedMessages += t.receivedMessages;
	sum.sentPayload += t.sentPayload;
	sum.receivedPayload += t.receivedPayload;
	sum.wireSent += t.wireSent;
	sum.wireReceived += t.wireReceived;
}

const noTraffic = (): Traffic => ({
	sentMessages: 0,
	receivedMessages: 0,
	sentPayload: 0,
	receivedPayload: 0,
	wireSent: 0,
	wireReceived: 0
});

/** What a run over many documents managed. */
export interface PoolFigures {
	/** Documents asked for, and done before the time cap. */
	total: number;
	done: number;
	failed: number;
	ms: number;
	/** `ms` scaled to all `total` documents when the cap stopped the run early; else `ms`. */
	extrapolatedMs: number;
	/** Messages the client sent until each document was in sync (summed over all sockets). */
	clientMessages: number;
	traffic: Traffic;
	concurrency: number;
	capped: boolean;
	firstError: string | null;
}

/**
 * Runs `work` for documents 0..total-1, `concurrency` at a time, until all are done or `capMs` has
 * passed (then the documents in progress finish and no new ones start).
 */
async function pool(
	total: number,
	concurrency: number,
	capMs: number,
	label: string,
	work: (index: number, traffic: Traffic) => Promise<void>
): Promise<PoolFigures> {
	const traffic = noTraffic();
	const started = performance.now();
	let next = 0;
	let done = 0;
	let failed = 0;
	let firstError: string | null = null;
	let capped = false;
	const progressEvery = Math.max(1000, Math.round(total / 10 / 1000) * 1000);
	const lane = async () => {
		while (next < total) {
			if (performance.now() - started > capMs) {
				capped = true;
				return;
			}
			const index = next++;
			try {
				await work(index, traffic);
				done++;
				if (done % progressEvery === 0) {
					const seconds = (performance.now() - started) / 1000;
					console.log(
						`  ${label}: ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${Math.round(done / seconds).toLocaleString('en')}/s)`
					);
				}
			} catch (error) {
				failed++;
				firstError ??= error instanceof Error ? error.message : String(error);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
	const ms = performance.now() - started;
	return {
		total,
		done,
		failed,
		ms,
		extrapolatedMs: done > 0 && done < total ? (ms * total) / done : ms,
		clientMessages: traffic.sentMessages,
		traffic,
		concurrency,
		capped,
		firstError
	};
}

export interface YSeedFigures extends PoolFigures {
	perSecond: number;
	/** The documents the server holds after seeding (the later phases use these). */
	held: SeedDoc[];
}

/**
 * Uploads every seed document as a y-websocket client would: open its socket, answer the server's
 * step 1 with the document's state (step 2), wait for the server's echo of the applied update, close.
 */
export async function seedYWebsocket(
	base: string,
	book: SeedBook,
	concurrency: number,
	capMs: number
): Promise<YSeedFigures> {
	const docs: SeedDoc[] = [book.workspace, ...book.contacts];
	const seeded: boolean[] = [];
	const figures = await pool(docs.length, concurrency, capMs, 'y-websocket seed', async (index, traffic) => {
		const seed = docs[index] as SeedDoc;
		const doc = new Y.Doc({ guid: seed.docId });
		Y.applyUpdate(doc, seed.update);
		const socket = await DocSocket.open(base, seed.docId, doc);
		try {
			await socket.until('update');
			addTraffic(traffic, socket.traffic());
			seeded[index] = true;
		} finally {
			await socket.close();
			doc.destroy();
		}
	});
	const held = docs.filter((_, i) => seeded[i]);
	return { ...figures, perSecond: figures.done / (figures.ms / 1000), held };
}

export interface YFirstSyncFigures extends PoolFigures {
	/** Each synced document's state as the fresh client has it (for the reconnect). */
	states: Map<string, Uint8Array>;
}

/** A fresh client syncs every document the server holds: a socket each, step 1/2 both ways. */
export async function yFirstSync(
	base: string,
	docIds: readonly string[],
	concurrency: number,
	capMs: number
): Promise<YFirstSyncFigures> {
	const states = new Map<string, Uint8Array>();
	const figures = await pool(
		docIds.length,
		concurrency,
		capMs,
		'y-websocket first sync',
		async (index, traffic) => {
			const docId = docIds[index] as string;
			const doc = new Y.Doc({ guid: docId });
			const socket = await DocSocket.open(base, docId, doc);
			try {
				await socket.until('step2');
				addTraffic(traffic, socket.traffic());
				states.set(docId, Y.encodeStateAsUpdate(doc));
			} finally {
				await socket.close();
				doc.destroy();
			}
		}
	);
	return { ...figures, states };
}

/**
 * A client that has every document reconnects with nothing new: per document a socket, its state
 * vector (step 1), the server's empty step 2, and the answer to the server's step 1.
 */
export function yReconnect(
	base: string,
	states: ReadonlyMap<string, Uint8Array>,
	concurrency: number,
	capMs: number
): Promise<PoolFigures> {
	const entries = [...states];
	return pool(entries.length, concurrency, capMs, 'y-websocket reconnect', async (index, traffic) => {
		const [docId, state] = entries[index] as [string, Uint8Array];
		const doc = new Y.Doc({ guid: docId });
		Y.applyUpdate(doc, state);
		const socket = await DocSocket.open(base, docId, doc);
		try {
			await socket.until('step2');
			addTraffic(traffic, socket.traffic());
		} finally {
			await socket.close();
			doc.destroy();
		}
	});
}

export interface YEditFigures {
	edits: number;
	/** Edit until the first listener's document applied it (ms). */
	observer: number[];
	/** Edit until each listener's document applied it (ms), all listeners and edits. */
	listeners: number[];
	missed: number;
	devices: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `devices` sockets on one document: one editor, the others listen; `edits` edits ~`spacingMs` apart. */
export async function yEditToVisible(
	base: string,
	seed: SeedDoc,
	edits = 200,
	devices = 20,
	spacingMs = 50
): Promise<YEditFigures> {
	const sockets: DocSocket[] = [];
	const editor = new EditableContact(seed.docId, seed.update, uuidv7());
	try {
		const editorSocket = await DocSocket.open(base, seed.docId, editor.doc);
		sockets.push(editorSocket);
		await editorSocket.until('step2');
		const listeners: DocSocket[] = [];
		for (let i = 1; i < devices; i++) {
			const socket = await DocSocket.open(base, seed.docId, newContactDoc(seed.docId as ContactId));
			sockets.push(socket);
			listeners.push(socket);
			await socket.until('step2');
		}
		const figures: YEditFigures = { edits, observer: [], listeners: [], missed: 0, devices };
		for (let i = 0; i < edits; i++) {
			const started = performance.now();
			const applied = listeners.map(
				(socket) =>
					new Promise<number>((resolve) => {
						const onUpdate = () => {
							socket.doc.off('update', onUpdate);
							resolve(performance.now() - started);
						};
						socket.doc.on('update', onUpdate);
					})
			);
			editorSocket.sendUpdate(editor.edit().update);
			const timeout = sleep(5000).then(() => Number.NaN);
			const [observed, ...rest] = await Promise.all(applied.map((p) => Promise.race([p, timeout])));
			for (const ms of [observed as number, ...rest]) if (Number.isNaN(ms)) figures.missed++;
			if (!Number.isNaN(observed)) figures.observer.push(observed as number);
			figures.listeners.push(...rest.filter((ms) => !Number.isNaN(ms)));
			await sleep(spacingMs);
		}
		return figures;
	} finally {
		await Promise.all(sockets.map((s) => s.close()));
		for (const s of sockets) s.doc.destroy();
	}
}

export interface YThroughputFigures {
	devices: number;
	docsPerDevice: number;
	window: number;
	warmupMs: number;
	warmupPerSecond: number;
	durationMs: number;
	elapsedMs: number;
	acknowledged: number;
	perSecond: number;
	ackLatency: number[];
	serverRssBeforeMB: number;
	serverPeakRssMB: number;
	serverCores: number;
	loadCores: number;
}

/**
 * `devices` clients each edit `docsPerDevice` documents, one socket per document (y-websocket's
 * model), `window / docsPerDevice` updates unechoed per socket, for `warmupMs` and then the
 * measured `durationMs`.
 */
export async function yThroughput(
	base: string,
	docs: readonly SeedDoc[],
	server: ChildServer,
	options: ThroughputOptions
): Promise<YThroughputFigures> {
	const { devices, docsPerDevice, window, warmupMs, durationMs } = options;
	const perSocket = Math.max(1, Math.floor(window / docsPerDevice));
	const sockets: { socket: DocSocket; contact: EditableContact; sentAt: number[] }[] = [];
	try {
		for (let i = 0; i < devices * docsPerDevice; i++) {
			const seed = docs[i] as SeedDoc;
			const contact = new EditableContact(seed.docId, seed.update, uuidv7());
			const socket = await DocSocket.open(base, seed.docId, contact.doc);
			sockets.push({ socket, contact, sentAt: [] });
			await socket.until('step2');
		}
		let running = true;
		let warmedUp = 0;
		let acknowledged = 0;
		let startAt = Number.POSITIVE_INFINITY;
		let endAt = Number.POSITIVE_INFINITY;
		const ackLatency: number[] = [];
		const fill = (s: (typeof sockets)[number]) => {
			while (running && s.sentAt.length < perSocket) {
				s.sentAt.push(performance.now());
				s.socket.sendUpdate(s.contact.edit().update);
			}
		};
		for (const s of sockets) {
			s.socket.onSync((kind) => {
				// The server sends every applied update to every socket of the document, the sender's too.
				if (kind !== 'update') return;
				const sentAt = s.sentAt.shift();
				if (sentAt === undefined) return;
				const now = performance.now();
				if (now < startAt) warmedUp++;
				else if (now <= endAt) {
					acknowledged++;
					if (acknowledged % 16 === 0) ackLatency.push(now - sentAt);
				}
				fill(s);
			});
		}
		const rssBefore = server.rssMB();
		const stopRss = server.sampleRss(100);
		for (const s of sockets) fill(s);
		await sleep(warmupMs);
		const cpuBefore = server.cpuSeconds();
		const loadBefore = process.cpuUsage();
		const started = performance.now();
		startAt = started;
		endAt = started + durationMs;
		await sleep(durationMs);
		running = false;
		const elapsed = performance.now() - started;
		const serverCpu = server.cpuSeconds() - cpuBefore;
		const load = process.cpuUsage(loadBefore);
		const end = Date.now() + 30_000;
		while (sockets.some((s) => s.sentAt.length > 0) && Date.now() < end) await sleep(10);
		return {
			devices,
			docsPerDevice,
			window: perSocket * docsPerDevice,
			warmupMs,
			warmupPerSecond: warmedUp / (warmupMs / 1000),
			durationMs,
			elapsedMs: elapsed,
			acknowledged,
			// Acknowledgements are counted until `endAt`, so the rate is over that window.
			perSecond: acknowledged / (durationMs / 1000),
			ackLatency,
			serverRssBeforeMB: rssBefore,
			serverPeakRssMB: stopRss(),
			serverCores: serverCpu / (elapsed / 1000),
			loadCores: (load.user + load.system) / 1e6 / (elapsed / 1000)
		};
	} finally {
		await Promise.all(sockets.map((s) => s.socket.close()));
		for (const s of sockets) s.contact.destroy();
	}
}
