/**
 * The bytes in a buffer of their own, for posting to a worker thread: posting a view copies the
 * whole buffer it views, and a received update is a view into the socket's read buffer (up to 64 KB
 * for a 200-byte push). A copy, not `slice`, which on a Buffer is a view again.
 */
export function ownBytes<T extends Uint8Array | null>(bytes: T): T {
	if (!bytes || bytes.byteLength === bytes.buffer.byteLength) return bytes;
	return new Uint8Array(bytes) as T;
}
