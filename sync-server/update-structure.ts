/**
 * Structural checks of Yjs update v1 and state vector bytes, run on the main thread before anything
 * reaches Yjs. They use lib0's decoder only (never Yjs), and every loop consumes at least one byte per
 * iteration or stops, so the work is linear in the input whatever counts the bytes declare: a header
 * claiming 2^31 structs in ten bytes is refused here instead of making Yjs allocate and loop.
 *
 * The walk follows Yjs 13.6's `readClientsStructRefs`, `readItemContent` and `readDeleteSet` for
 * `UpdateDecoderV1`. It is stricter than Yjs where Yjs's own encoder never produces the accepted form
 * (trailing bytes, zero-length structs, unknown content or type refs, clocks beyond 2^53), because
 * those are either garbage that Yjs silently ignores or shapes its algorithms assume cannot occur.
 * Passing these checks bounds the work; it does not prove that Yjs will accept the update.
 */
import * as decoding from 'lib0/decoding';

/** Largest update the guard accepts by default. */
export const DEFAULT_MAX_UPDATE_BYTES = 1024 * 1024;

/**
 * Deepest nesting of arrays/objects inside `ContentAny`/`ContentDoc` values. Yjs decodes them
 * recursively; contact documents nest a few levels at most, so anything deeper is an attack on the stack.
 */
const MAX_ANY_DEPTH = 256;

/** Content refs (`info & 31`) as Yjs numbers them. */
const GC = 0;
const DELETED = 1;
const JSON_CONTENT = 2;
const BINARY = 3;
const STRING = 4;
const EMBED = 5;
const FORMAT = 6;
const TYPE = 7;
const ANY = 8;
const DOC = 9;
const SKIP = 10;

/** Type refs that carry a node name (`YXmlElement`, `YXmlHook`); refs above 6 do not exist. */
const XML_ELEMENT = 3;
const XML_HOOK = 5;
const LAST_TYPE_REF = 6;

const BIT_ORIGIN = 0x80;
const BIT_RIGHT_ORIGIN = 0x40;
const BIT_PARENT_SUB = 0x20;

class StructureError extends Error {}

function fail(what: string): never {
	throw new StructureError(what);
}

function remaining(d: decoding.Decoder): number {
	return d.arr.length - d.pos;
}

/** `decoding.readUint8` does not check the end of the array; reading past it must fail, not yield undefined. */
function readByte(d: decoding.Decoder): number {
	if (d.pos >= d.arr.length) fail('unexpected end');
	return decoding.readUint8(d);
}

/** A count that says how many items follow, each taking at least one byte. */
function readCount(d: decoding.Decoder): number {
	const count = decoding.readVarUint(d);
	if (count > remaining(d)) fail('count larger than the bytes left');
	return count;
}

function skipBytes(d: decoding.Decoder, length: number): void {
	if (length > remaining(d)) fail('length larger than the bytes left');
	d.pos += length;
}

/** A var-string or var-uint8array: a length and that many bytes. Returns the byte length. */
function skipVarBytes(d: decoding.Decoder): number {
	const length = decoding.readVarUint(d);
	skipBytes(d, length);
	return length;
}

/** lib0's signed var-int: continuation in the high bit of every byte; at most 8 bytes stay in 2^53. */
function skipVarInt(d: decoding.Decoder): void {
	for (let i = 0; i < 8; i++) if (readByte(d) < 0x80) return;
	fail('var-int too long');
}

/** Skips one lib0 `writeAny` value. */
function skipAny(d: decoding.Decoder, depth: number): void {
	if (depth > MAX_ANY_DEPTH) fail('value nested too deeply');
	const tag = readByte(d);
	switch (tag) {
		case 127: // undefined
		case 126: // null
		case 121: // false
		case 120: // true
			return;
		case 125:
			return skipVarInt(d);
		case 124:
			return skipBytes(d, 4);
		case 123: // float64
		case 122: // bigint64
			return skipBytes(d, 8);
		case 119: // string
		case 116: // Uint8Array
			skipVarBytes(d);
			return;
		case 118: {
			const keys = readCount(d);
			for (let i = 0; i < keys; i++) {
				skipVarBytes(d);
				skipAny(d, depth + 1);
			}
			return;
		}
		case 117: {
			const items = readCount(d);
			for (let i = 0; i < items; i++) skipAny(d, depth + 1);
			return;
		}
		default:
			fail(`unknown value tag ${tag}`);
	}
}

/** Adds a struct's length to its clock, refusing empty structs and clocks Yjs cannot count exactly. */
function advance(clock: number, length: number): number {
	if (length < 1) fail('empty struct');
	const end = clock + length;
	if (end > Number.MAX_SAFE_INTEGER) fail('clock overflow');
	return end;
}

function checkId(d: decoding.Decoder): void {
	decoding.readVarUint(d); // client
	if (decoding.readVarUint(d) >= Number.MAX_SAFE_INTEGER) fail('clock overflow');
}

/** Skips an item's content and returns its length in clock ticks (an upper bound for strings). */
function skipContent(d: decoding.Decoder, ref: number): number {
	switch (ref) {
		case DELETED:
			return decoding.readVarUint(d);
		case JSON_CONTENT: {
			const items = readCount(d);
			for (let i = 0; i < items; i++) skipVarBytes(d);
			return items;
		}
		case BINARY:
			skipVarBytes(d);
			return 1;
		case STRING:
			// UTF-16 length is at most the UTF-8 byte length; the exact value needs decoding.
			return skipVarBytes(d);
		case EMBED:
			skipVarBytes(d);
			return 1;
		case FORMAT:
			skipVarBytes(d);
			skipVarBytes(d);
			return 1;
		case TYPE: {
			const typeRef = decoding.readVarUint(d);
			if (typeRef > LAST_TYPE_REF) fail(`unknown type ref ${typeRef}`);
			if (typeRef === XML_ELEMENT || typeRef === XML_HOOK) skipVarBytes(d);
			return 1;
		}
		case ANY: {
			const items = readCount(d);
			for (let i = 0; i < items; i++) skipAny(d, 0);
			return items;
		}
		case DOC:
			skipVarBytes(d); // guid
			skipAny(d, 0); // options
			return 1;
		default:
			return fail(`unknown content ref ${ref}`);
	}
}

function skipItem(d: decoding.Decoder, info: number): number {
	if (info & BIT_ORIGIN) checkId(d);
	if (info & BIT_RIGHT_ORIGIN) checkId(d);
	if ((info & (BIT_ORIGIN | BIT_RIGHT_ORIGIN)) === 0) {
		// Without origins the parent is written out: 1 = a root type's name, 0 = the id of a type item.
		const parentInfo = decoding.readVarUint(d);
		if (parentInfo === 1) skipVarBytes(d);
		else if (parentInfo === 0) checkId(d);
		else fail('unknown parent info');
		if (info & BIT_PARENT_SUB) skipVarBytes(d);
	}
	return skipContent(d, info & 0x1f);
}

function checkStructs(d: decoding.Decoder): void {
	const clients = readCount(d);
	for (let c = 0; c < clients; c++) {
		const structs = readCount(d);
		decoding.readVarUint(d); // client id
		let clock = decoding.readVarUint(d);
		for (let s = 0; s < structs; s++) {
			const info = readByte(d);
			const ref = info & 0x1f;
			const length = ref === GC || ref === SKIP ? decoding.readVarUint(d) : skipItem(d, info);
			clock = advance(clock, length);
		}
	}
}

function checkDeleteSet(d: decoding.Decoder): void {
	const clients = readCount(d);
	for (let c = 0; c < clients; c++) {
		decoding.readVarUint(d); // client id
		const ranges = readCount(d);
		for (let r = 0; r < ranges; r++) {
			const clock = decoding.readVarUint(d);
			if (clock + decoding.readVarUint(d) > Number.MAX_SAFE_INTEGER) fail('clock overflow');
		}
	}
}

/**
 * Why `update` is not a well-formed Yjs update v1 of at most `maxBytes` bytes, or null if it is.
 * Zero-length input is malformed (Yjs itself would fail or, in older versions, spin on it).
 */
export function inspectUpdate(
	update: Uint8Array,
	maxBytes = DEFAULT_MAX_UPDATE_BYTES
): 'size' | 'structure' | null {
	if (update.length > maxBytes) return 'size';
	if (update.length === 0) return 'structure';
	const d = decoding.createDecoder(update);
	try {
		checkStructs(d);
		checkDeleteSet(d);
	} catch {
		// lib0 throws plain errors for a truncated var-uint or one beyond 2^53; all mean "malformed".
		return 'structure';
	}
	return remaining(d) === 0 ? null : 'structure';
}

/**
 * Cheap, bounded structural check on the main thread (no Yjs): false for anything that is not a
 * well-formed update v1 whose declared counts fit in the bytes present, or that is larger than `maxBytes`.
 */
export function checkUpdateStructure(update: Uint8Array, maxBytes = DEFAULT_MAX_UPDATE_BYTES): boolean {
	return inspectUpdate(update, maxBytes) === null;
}

/** True for a well-formed state vector: a count, then that many (client, clock) var-uint pairs, nothing after. */
export function checkStateVectorStructure(sv: Uint8Array): boolean {
	const d = decoding.createDecoder(sv);
	try {
		const entries = decoding.readVarUint(d);
		if (entries * 2 > remaining(d)) return false;
		for (let i = 0; i < entries; i++) {
			decoding.readVarUint(d);
			decoding.readVarUint(d);
		}
	} catch {
		return false;
	}
	return remaining(d) === 0;
}
