/**
 * Secrets of the sync server: scrypt password hashes and random tokens. Storage only ever sees the
 * results: the hash of a password, the SHA-256 of a token.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

/** scrypt work factor for new hashes: 2^15 with r = 8 needs 32 MiB and ~50-100 ms per hash. */
export const SCRYPT_N = 2 ** 15;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds for parameters read back from a stored hash, so a damaged row cannot demand gigabytes. */
const MAX_SCRYPT_N = 2 ** 20;
const MAX_SCRYPT_R = 32;
const MAX_SCRYPT_P = 16;

/** The shape of every token `newToken` makes; anything else is refused before a lookup. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function scryptAsync(
	password: string,
	salt: Buffer,
	keyLength: number,
	options: ScryptOptions
): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
	});
}

function scryptOptions(N: number, r: number, p: number): ScryptOptions {
	// N = 2^15, r = 8 needs a little over Node's default maxmem of 32 MiB; allow twice what is needed.
	return { N, r, p, maxmem: 2 * 128 * N * r * p };
}

/**
 * Passwords are compared as NFC: the same password typed on two systems may arrive composed on one
 * and decomposed on the other.
 */
function normalizePassword(password: string): string {
	return password.normalize('NFC');
}

/** An scrypt hash of `password` in the form `scrypt$N$r$p$saltB64$hashB64`. */
export async function hashPassword(password: string, N: number = SCRYPT_N): Promise<string> {
	const salt = randomBytes(SALT_BYTES);
	const key = await scryptAsync(
		normalizePassword(password),
		salt,
		KEY_BYTES,
		scryptOptions(N, SCRYPT_R, SCRYPT_P)
	);
	return ['scrypt', N, SCRYPT_R, SCRYPT_P, salt.toString('base64'), key.toString('base64')].join('$');
}

function inRange(value: number, min: number, max: number): boolean {
	return Number.isInteger(value) && value >= min && value <= max;
}

function parseHash(stored: string): { N: number; r: number; p: number; salt: Buffer; key: Buffer } | null {
	const parts = stored.split('$');
	if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
	const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
	const valid =
		inRange(N, 2, MAX_SCRYPT_N) &&
		(N & (N - 1)) === 0 &&
		inRange(r, 1, MAX_SCRYPT_R) &&
		inRange(p, 1, MAX_SCRYPT_P);
	const salt = Buffer.from(parts[4] ?? '', 'base64');
	const key = Buffer.from(parts[5] ?? '', 'base64');
	return valid && salt.length > 0 && key.length > 0 ? { N, r, p, salt, key } : null;
}

/** True when `password` matches `stored`; false also for a malformed hash. Constant time in the key. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const hash = parseHash(stored);
	if (!hash) return false;
	const options = scryptOptions(hash.N, hash.r, hash.p);
	const key = await scryptAsync(normalizePassword(password), hash.salt, hash.key.length, options);
	return timingSafeEqual(key, hash.key);
}

/** A new secret token: 32 random bytes, base64url (43 characters). */
export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

/** What storage keeps of a token: its SHA-256, hex. A stolen database holds no usable token. */
export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}
