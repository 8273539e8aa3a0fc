/**
 * Edit to visible while the server is under attack: signed-in attackers throw the hostile Yjs
 * payloads the guard's tests use (zero-length, garbage, huge struct and run-length counts), random
 * and bit-flipped updates, garbage frames, unknown types, bad state vectors and oversize frames, and
 * an anonymous attacker sends garbage before any hello, reconnecting whenever the server closes
 * its socket. Meanwhile one raw device edits a contact and another measures when each edit arrives,
 * first without the attack (the baseline), then with it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION, encodeClientMessage, MAX_MESSAGE_BYTES } from '../src/lib/sync/protocol';
import { uuidv7 } from '../src/lib/domain/ids';
import { HOSTILE } from '../tests/sync-server/update-fixtures';
import { int, mulberry32, pick, type Rng } from '../tests/factories';
import { signIn, type Account, type Accounts } from './sync-kontor';
import { EditableContact, type SeedBook, type SeedDoc } from './sync-contacts';
import { isCaughtUp, WireClient } from './sync-wire';

export interface AttackFigures {
	/** Signed-in attackers, plus one anonymous one. */
	attackers: number;
	/** Edit on one device until another received it, without the attack (ms). */
	baseline: number[];
	/** The same during the attack (ms). */
	underAttack: number[];
	/** Edits not received within 5 s. */
	missed: number;
	/** Hostile messages sent while the edits under attack were measured, and the server's answers. */
	hostileSent: number;
	answers: number;
	/** Times the server closed an attacker's socket (oversize frames, too many bad messages, no hello). */
	closedByServer: number;
	durationMs: number;
}

/** Hostile messages a signed-in attacker keeps unanswered at most. */
const WINDOW = 8;
/** An attacker whose messages went unanswered this long sends the next ones anyway. */
const STALL_MS = 2000;
/** The anonymous attacker's pause between connections. */
const RECONNECT_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function randomBytes(rng: Rng, length: number): Uint8Array {
	return Uint8Array.from({ length }, () => int(rng, 0, 255));
}

/** One hostile message: what a confused or malicious signed-in client might send. */
function hostileMessage(rng: Rng, valid: Uint8Array): Uint8Array {
	const push = (update: Uint8Array) =>
		encodeClientMessage({ type: 'push', id: uuidv7(), docId: uuidv7(), update, entries: [] });
	switch (int(rng, 0, 7)) {
		case 0:
		case 1:
			return push(pick(rng, HOSTILE)[1]);
		case 2: {
			const mutated = valid.slice();
			for (let i = 0; i < 3; i++) mutated[int(rng, 0, mutated.length - 1)] = int(rng, 0, 255);
			return push(mutated);
		}
		case 3:
			return push(randomBytes(rng, int(rng, 0, 200)));
		case 4:
			return encodeClientMessage({ type: 'syncStep1', docId: uuidv7(), stateVector: randomBytes(rng, 12) });
		case 5:
			return randomBytes(rng, int(rng, 1, 64));
		case 6:
			return Uint8Array.of(PROTOCOL_VERSION, 99, ...randomBytes(rng, 8));
		default:
			// Over the size limit: the server answers and closes the socket.
			return new Uint8Array(MAX_MESSAGE_BYTES + 1);
	}
}

export interface AttackCounts {
	sent: number;
	answers: number;
	closed: number;
}

/** A signed-in attacker: sends hostile messages, WINDOW unanswered at most, reconnecting when closed. */
async function signedInAttacker(
	url: string,
	account: Account,
	workspaceId: string,
	head: number,
	rng: Rng,
	valid: Uint8Array,
	counts: AttackCounts,
	running: () => boolean
): Promise<void> {
	// Resumes from the newest position it knows, as a device does after being disconnected.
	let cursor = head;
	while (running()) {
		const client = await WireClient.connect(url, true);
		try {
			cursor = Math.max(cursor, (await client.hello(account.token, uuidv7(), workspaceId, cursor)).head);
		} catch {
			client.close();
			continue;
		}
		let open = true;
		let unanswered = 0;
		let lastAnswer = performance.now();
		client.ws.on('close', () => {
			open = false;
			counts.closed++;
		});
		client.on((message) => {
			if (message.type === 'ack') cursor = Math.max(cursor, message.seq);
			if (message.type === 'error' || message.type === 'ack' || message.type === 'syncStep2') {
				counts.answers++;
				unanswered = Math.max(0, unanswered - 1);
				lastAnswer = performance.now();
			}
		});
		client.on((message) => {
			if (message.type === 'caughtUp') cursor = Math.max(cursor, message.seq);
		});
		while (open && running()) {
			cursor = Math.max(cursor, client.lastSeq);
			if (unanswered >= WINDOW && performance.now() - lastAnswer < STALL_MS) {
				await sleep(1);
				continue;
			}
			if (unanswered >= WINDOW) unanswered = 0;
			client.ws.send(hostileMessage(rng, valid));
			counts.sent++;
			unanswered++;
			// Let the answers in.
			if (counts.sent % 4 === 0) await sleep(0);
		}
		cursor = Math.max(cursor, client.lastSeq);
		client.close();
	}
}

/**
 * Garbage before any hello: the server closes the socket; the attacker connects again after
 * `RECONNECT_MS`. (A flood of new connections as fast as the network allows is for the reverse
 * proxy's connection limits; the server answers each one.)
 */
async function anonymousAttacker(url: string, rng: Rng, counts: AttackCounts, running: () => boolean) {
	while (running()) {
		await sleep(RECONNECT_MS);
		const client = await WireClient.connect(url, true).catch(() => null);
		if (!client) continue;
		const closed = new Promise<void>((resolve) => client.ws.once('close', () => resolve()));
		client.ws.send(randomBytes(rng, int(rng, 1, 64)));
		counts.sent++;
		await Promise.race([closed, sleep(STALL_MS)]);
		counts.closed++;
		client.close();
	}
}

/** Edits `contact` `edits` times, ~`spacingMs` apart; each time until `listener` received it (ms). */
async function measureEdits(
	editor: WireClient,
	listener: WireClient,
	contact: EditableContact,
	edits: number,
	spacingMs: number
): Promise<{ latencies: number[]; missed: number }> {
	const latencies: number[] = [];
	let missed = 0;
	for (let i = 0; i < edits; i++) {
		const { update, entry } = contact.edit();
		const started = performance.now();
		const heard = new Promise<number>((resolve) => {
			const off = listener.on((message) => {
				if (message.type !== 'update' || message.docId !== contact.docId) return;
				off();
				resolve(performance.now() - started);
			});
			setTimeout(() => {
				off();
				resolve(Number.NaN);
			}, 5000).unref();
		});
		editor.send({ type: 'push', id: entry.id, docId: contact.docId, update, entries: [entry] });
		const ms = await heard;
		if (Number.isNaN(ms)) missed++;
		else latencies.push(ms);
		await sleep(spacingMs);
	}
	return { latencies, missed };
}

/** What the attacking process needs: where, as whom, and from which log position. */
export interface AttackConfig {
	url: string;
	accounts: Account[];
	workspaceId: string;
	head: number;
	attackers: number;
	seed: number;
	/** A valid update of a contact, to mutate. */
	valid: Uint8Array;
}

/**
 * Runs the attackers until `running` turns false (in the attacking process, see
 * sync-attack-process.ts); `counts` grows as they go.
 */
export async function runAttackers(config: AttackConfig, counts: AttackCounts, running: () => boolean) {
	const attacks: Promise<void>[] = [];
	for (let i = 0; i < config.attackers; i++) {
		const account = config.accounts[i % config.accounts.length] as Account;
		const rng = mulberry32(config.seed + i + 1);
		attacks.push(
			signedInAttacker(
				config.url,
				account,
				config.workspaceId,
				config.head,
				rng,
				config.valid,
				counts,
				running
			)
		);
	}
	attacks.push(anonymousAttacker(config.url, mulberry32(config.seed), counts, running));
	await Promise.allSettled(attacks);
}

/** The attackers in a process of their own, so their work does not delay the measuring clients' events. */
function startAttackProcess(config: AttackConfig): { counts: () => AttackCounts; stop: () => Promise<void> } {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', fileURLToPath(new URL('sync-attack-process.ts', import.meta.url))],
		{ stdio: ['pipe', 'pipe', 'inherit'] }
	);
	let latest: AttackCounts = { sent: 0, answers: 0, closed: 0 };
	let buffered = '';
	child.stdout.on('data', (chunk: Buffer) => {
		buffered += chunk.toString();
		const lines = buffered.split('\n');
		buffered = lines.pop() ?? '';
		for (const line of lines) if (line.startsWith('{')) latest = JSON.parse(line) as AttackCounts;
	});
	child.stdin.end(JSON.stringify({ ...config, valid: Buffer.from(config.valid).toString('base64') }));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return {
		counts: () => latest,
		stop: async () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		}
	};
}

export async function kontorEditUnderAttack(
	url: string,
	accounts: Accounts,
	book: SeedBook,
	head: number,
	options: { edits: number; attackers: number; seed: number; spacingMs?: number }
): Promise<AttackFigures> {
	const { edits, attackers, seed, spacingMs = 25 } = options;
	const [first, second] = accounts.users as [Account, Account];
	const seedDoc = book.contacts[book.contacts.length - 1] as SeedDoc;
	const contact = new EditableContact(seedDoc.docId, seedDoc.update, uuidv7());
	const editor = await WireClient.connect(url, true);
	const listener = await WireClient.connect(url);
	let attack: ReturnType<typeof startAttackProcess> | null = null;
	try {
		// Everyone starts from the log's current head, so no reconnect is sent earlier phases' records.
		const caught = editor.next(isCaughtUp);
		caught.catch(() => undefined);
		const welcome = await editor.hello(first.token, uuidv7(), accounts.workspaceId, head);
		if (welcome.following > 0) await caught;
		await listener.hello(second.token, uuidv7(), accounts.workspaceId, welcome.head);
		const baseline = await measureEdits(editor, listener, contact, Math.ceil(edits / 2), spacingMs);

		// Each attacker is a device of its own, signed in with a session of its own: what it costs the
		// server is charged to that session, not to the measured devices' sessions.
		const origin = url.replace(/^ws/, 'http').replace(/\/sync$/, '');
		const attackerAccounts = await Promise.all(
			Array.from({ length: attackers }, (_, i) =>
				signIn(origin, accounts.users[i % accounts.users.length] as Account, `attacker ${i + 1}`)
			)
		);
		attack = startAttackProcess({
			url,
			accounts: attackerAccounts,
			workspaceId: accounts.workspaceId,
			head: welcome.head,
			attackers,
			seed,
			valid: contact.edit().update
		});
		// The attack is under way before the first measured edit.
		await sleep(1000);
		const before = attack.counts();
		const started = performance.now();
		const attacked = await measureEdits(editor, listener, contact, edits, spacingMs);
		const durationMs = performance.now() - started;
		const after = attack.counts();
		return {
			attackers,
			baseline: baseline.latencies,
			underAttack: attacked.latencies,
			missed: baseline.missed + attacked.missed,
			hostileSent: after.sent - before.sent,
			answers: after.answers - before.answers,
			closedByServer: after.closed - before.closed,
			durationMs
		};
	} finally {
		await attack?.stop();
		editor.close();
		listener.close();
		contact.destroy();
	}
}
