/**
 * Raw Kontor protocol clients for the sync benchmark: one `ws` socket speaking the codec of
 * src/lib/sync/protocol.ts, counting messages and bytes both ways. "Payload" bytes are the encoded
 * messages; "wire" bytes are what the TCP socket carried, WebSocket handshake and frame headers
 * included.
 */
import * as decoding from 'lib0/decoding';
import type { Socket } from 'node:net';
import { WebSocket, type RawData } from 'ws';
import {
	decodeServerMessage,
	SERVER_FRAME_TYPES,
	encodeClientMessage,
	type ClientMessage,
	type ServerMessage
} from '../src/lib/sync/protocol';

/** Messages and bytes a client has sent and received so far. */
export interface Traffic {
	sentMessages: number;
	receivedMessages: number;
	sentPayload: number;
	receivedPayload: number;
	wireSent: number;
	wireReceived: number;
}

export function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Opens a `ws` socket: the socket at once, and its TCP socket once it is open. `onMessage` is
 * attached before the socket opens: a server that speaks first (y-websocket sends its sync step 1
 * at once) can have its first frame arrive with the handshake's answer, and ws emits it right after
 * 'open', before anything awaiting the open runs.
 */
export function openSocket(
	url: string,
	onMessage: (data: RawData) => void
): { ws: WebSocket; opened: Promise<Socket> } {
	const ws = new WebSocket(url, { perMessageDeflate: false });
	ws.on('message', onMessage);
	const opened = new Promise<Socket>((resolve, reject) => {
		let tcp: Socket | null = null;
		ws.once('upgrade', (response) => (tcp = response.socket as Socket));
		ws.once('open', () => {
			ws.off('error', reject);
			ws.on('error', () => undefined);
			if (!tcp) reject(new Error('no TCP socket after the upgrade'));
			else resolve(tcp);
		});
		ws.once('error', reject);
	});
	return { ws, opened };
}

type Listener = (message: ServerMessage, bytes: number) => void;

const { snapshot: SNAPSHOT_TYPE, update: UPDATE_TYPE, batch: BATCH_TYPE } = SERVER_FRAME_TYPES;

/** The encoded messages inside a batch frame, unread (light clients only count most of them). */
function batchedMessages(bytes: Uint8Array): Uint8Array[] {
	const dec = decoding.createDecoder(bytes);
	decoding.readVarUint(dec);
	decoding.readVarUint(dec);
	const count = decoding.readVarUint(dec);
	return Array.from({ length: count }, () => decoding.readVarUint8Array(dec));
}

/** One device's socket to the Kontor server, without a store: what arrives is counted and handed on. */
export class WireClient {
	#sentMessages = 0;
	#receivedMessages = 0;
	#sentPayload = 0;
	#receivedPayload = 0;
	/** Updates and snapshots counted but not decoded (light clients). */
	skipped = 0;
	/** The highest log position of an update received (read from the frame, also by light clients). */
	lastSeq = 0;
	readonly #listeners = new Set<Listener>();

	/**
	 * A light client (`light`) only counts the updates and snapshots it receives: the throughput
	 * phase's 50 devices would otherwise spend the benchmark's CPU decoding each other's broadcasts.
	 */
	readonly ws: WebSocket;
	readonly #opened: Promise<Socket>;
	#tcp: Socket | null = null;

	private constructor(
		url: string,
		readonly light: boolean
	) {
		({ ws: this.ws, opened: this.#opened } = openSocket(url, (data) => this.#receive(data)));
	}

	static async connect(url: string, light = false): Promise<WireClient> {
		const client = new WireClient(url, light);
		client.#tcp = await client.#opened;
		return client;
	}

	#receive(data: RawData): void {
		// What the listeners send in answer leaves together, in one write (as a device that answers
		// several acknowledgements at once does), not one system call per message.
		this.#tcp?.cork();
		try {
			this.#handle(data);
		} finally {
			this.#tcp?.uncork();
		}
	}

	#handle(data: RawData): void {
		const bytes = toBytes(data);
		this.#receivedMessages++;
		this.#receivedPayload += bytes.length;
		// A batch frame carries several messages; each is handled as if it had come alone.
		const inner = bytes[1] === BATCH_TYPE ? batchedMessages(bytes) : [bytes];
		for (const message of inner) {
			if (message[1] === UPDATE_TYPE) {
				const dec = decoding.createDecoder(message);
				decoding.readVarUint(dec);
				decoding.readVarUint(dec);
				this.lastSeq = Math.max(this.lastSeq, decoding.readVarUint(dec));
			}
			if (this.light && (message[1] === UPDATE_TYPE || message[1] === SNAPSHOT_TYPE)) {
				this.skipped++;
				continue;
			}
			const decoded = decodeServerMessage(message);
			for (const listener of this.#listeners) listener(decoded, message.length);
		}
	}

	send(message: ClientMessage): void {
		const bytes = encodeClientMessage(message);
		this.#sentMessages++;
		this.#sentPayload += bytes.length;
		this.ws.send(bytes);
	}

	/** Calls `listener` for every message from now on; returns the unsubscribe function. */
	on(listener: Listener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Resolves with the first message from now on that `test` accepts; rejects on an error message. */
	next<T extends ServerMessage>(test: (m: ServerMessage) => m is T, timeoutMs = 60_000): Promise<T> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				off();
				reject(new Error('timed out waiting for the server'));
			}, timeoutMs);
			timer.unref();
			const off = this.on((message) => {
				if (message.type === 'error' && message.fatal) {
					off();
					clearTimeout(timer);
					reject(new Error(`server error ${message.code}: ${message.message}`));
				} else if (test(message)) {
					off();
					clearTimeout(timer);
					resolve(message);
				}
			});
		});
	}

	/** Sends the hello and resolves with the welcome. */
	async hello(token: string, device: string, workspace: string, cursor: number) {
		const welcome = this.next((m): m is Extract<ServerMessage, { type: 'welcome' }> => m.type === 'welcome');
		this.send({ type: 'hello', token, device, workspace, cursor });
		return welcome;
	}

	traffic(): Traffic {
		return {
			sentMessages: this.#sentMessages,
			receivedMessages: this.#receivedMessages,
			sentPayload: this.#sentPayload,
			receivedPayload: this.#receivedPayload,
			wireSent: this.#tcp?.bytesWritten ?? 0,
			wireReceived: this.#tcp?.bytesRead ?? 0
		};
	}

	close(): void {
		this.ws.terminate();
	}
}

export const isCaughtUp = (m: ServerMessage): m is Extract<ServerMessage, { type: 'caughtUp' }> =>
	m.type === 'caughtUp';
