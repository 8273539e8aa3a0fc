/**
 * Yjs update fixtures for the update guard's tests: a byte-level writer for crafted updates, a
 * contact-shaped client, documents covering every kind of content, and named hostile payloads.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { int, pick, type Rng } from '../factories';

/**
 * Update bytes from var-uints (numbers), var-strings and raw bytes, so a test can write what Yjs's
 * encoder never would. Field by field this is the v1 layout Yjs reads.
 */
export function bytes(...parts: (number | string | Uint8Array)[]): Uint8Array {
	const encoder = encoding.createEncoder();
	for (const part of parts) {
		if (typeof part === 'number') encoding.writeVarUint(encoder, part);
		else if (typeof part === 'string') encoding.writeVarString(encoder, part);
		else encoding.writeUint8Array(encoder, part);
	}
	return encoding.toUint8Array(encoder);
}

export const raw = (...values: number[]): Uint8Array => new Uint8Array(values);

/** Info bytes: content ref in the low five bits, origin / right origin / parent sub flags above. */
export const GC = raw(0);
export const DELETED = raw(1);
export const JSON_CONTENT = raw(2);
export const STRING = raw(4);
export const TYPE = raw(7);
export const ANY = raw(8);
export const SKIP = raw(10);
export const STRING_AFTER_ORIGIN = raw(4 | 0x80);

/** A contact-shaped document and every update it emits, as a syncing client would push them. */
export function contactClient(clientID: number): { doc: Y.Doc; updates: Uint8Array[] } {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	return { doc, updates };
}

export function editContact(doc: Y.Doc, rng: Rng, step: number): void {
	const fields = doc.getMap('fields');
	const channels = doc.getMap<Y.Map<unknown>>('channels');
	switch (int(rng, 0, 3)) {
		case 0:
			fields.set(pick(rng, ['name', 'city', 'street', 'matchcode']), `value ${step}`);
			break;
		case 1: {
			const channel = new Y.Map<unknown>();
			channel.set('kind', pick(rng, ['phone', 'email']));
			channel.set('value', `+49 30 ${step}`);
			channels.set(`channel-${step}`, channel);
			break;
		}
		case 2: {
			const key = [...channels.keys()][0];
			if (key) channels.delete(key);
			else fields.set('note', `note ${step}`);
			break;
		}
		default:
			doc.getText('notes').insert(0, `line ${step}\n`);
	}
}

/** Named ways to fill a document, covering every content and type kind Yjs encodes. */
export const VALID_DOCS: [string, (doc: Y.Doc) => void][] = [
	['an empty document', () => {}],
	['map fields', (doc) => doc.getMap('fields').set('name', 'Mustermann GmbH')],
	[
		'nested values of every kind',
		(doc) =>
			doc.getMap('fields').set('misc', {
				n: null,
				u: undefined,
				b: true,
				i: -42,
				f: 1.5,
				big: 2 ** 40,
				s: 'Straße',
				list: [1, [2, [3]], { x: false }],
				bin: new Uint8Array([1, 2, 3])
			})
	],
	['binary content', (doc) => doc.getArray('files').insert(0, [new Uint8Array([0, 255, 7])])],
	[
		'formatted text with an embed',
		(doc) => {
			const text = doc.getText('notes');
			text.insert(0, 'Hallo Welt 👋', { bold: true });
			text.insertEmbed(5, { image: 'x.png' });
			text.format(0, 3, { italic: true });
			text.delete(2, 4);
		}
	],
	[
		'xml elements, text and a hook',
		(doc) => {
			const fragment = doc.getXmlFragment('xml');
			const element = new Y.XmlElement('p');
			element.setAttribute('class', 'x');
			element.insert(0, [new Y.XmlText('text')]);
			fragment.insert(0, [element]);
			doc.getMap('hooks').set('hook', new Y.XmlHook('card'));
		}
	],
	['a subdocument', (doc) => doc.getMap('docs').set('sub', new Y.Doc({ guid: 'sub-guid' }))],
	[
		'many deletions',
		(doc) => {
			const array = doc.getArray<number>('numbers');
			array.insert(
				0,
				Array.from({ length: 100 }, (_, i) => i)
			);
			for (let i = 0; i < 30; i++) array.delete(i, 1);
			doc.getMap('fields').set('a', 1);
			doc.getMap('fields').set('a', 2);
		}
	]
];

/** A valid item to mutate: a string under the root map "f", by client 1 at clock 0. */
export const oneItem = (content: Uint8Array, ...rest: (number | string | Uint8Array)[]): Uint8Array =>
	bytes(1, 1, 1, 0, content, 1, 'f', ...rest);

/** Values nested `depth` arrays deep inside one ContentAny. */
export function nestedAny(depth: number): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeUint8Array(encoder, oneItem(ANY, 1));
	for (let i = 0; i < depth; i++) encoding.writeUint8Array(encoder, raw(117, 1)); // an array of one
	encoding.writeUint8Array(encoder, raw(127, 0)); // undefined, then an empty delete set
	return encoding.toUint8Array(encoder);
}

export function manyGcStructs(count: number): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeUint8Array(encoder, bytes(1, count, 1, 0));
	for (let i = 0; i < count; i++) encoding.writeUint8Array(encoder, raw(0, 1));
	encoding.writeVarUint(encoder, 0);
	return encoding.toUint8Array(encoder);
}

export const validUpdate = (() => {
	const doc = new Y.Doc();
	doc.clientID = 42;
	doc.getMap('fields').set('name', 'Mustermann GmbH');
	doc.getText('notes').insert(0, 'Kunde seit 2019');
	doc.getMap('fields').delete('name');
	return Y.encodeStateAsUpdate(doc);
})();

/**
 * Named hostile payloads and what the guard answers. `ok` marks crafted updates that Yjs applies
 * with a well-defined result (absurd lengths, but representable). The yjs issues: #479 garbage that
 * made readVarUint spin, #498 zero-length input, #687/PR 688 run-length and count bombs.
 */
export const HOSTILE: [string, Uint8Array, 'ok' | 'structure' | 'invalid'][] = [
	['zero-length (yjs#498)', raw(), 'structure'],
	[
		'"garbagedoc" decoded as base64 (yjs#479)',
		new Uint8Array(Buffer.from('garbagedoc', 'base64')),
		'structure'
	],
	['a block claiming 2^31 structs', bytes(1, 2 ** 31, 1, 0, GC, 1, 0), 'structure'],
	['2^31 client blocks', bytes(2 ** 31, 1, 1, 0, GC, 1, 0), 'structure'],
	['more structs declared than present', bytes(1, 3, 1, 0, GC, 1, 0), 'structure'],
	['a GC struct of length 2^52', bytes(1, 1, 1, 0, GC, 2 ** 52, 0), 'ok'],
	['a GC struct running the clock past 2^53', bytes(1, 1, 1, 2 ** 53 - 10, GC, 2 ** 52, 0), 'structure'],
	[
		'an item after a clock near 2^53',
		bytes(1, 2, 1, 2 ** 53 - 3, GC, 1, STRING, 1, 'f', 'xyz', 0),
		'structure'
	],
	['deleted content of length 2^52', oneItem(DELETED, 2 ** 52, 0), 'ok'],
	['a skip of length 2^52 before a GC struct', bytes(1, 2, 1, 0, SKIP, 2 ** 52, GC, 5, 0), 'ok'],
	['JSON content claiming 2^40 entries', oneItem(JSON_CONTENT, 2 ** 40, 0), 'structure'],
	['any content claiming 2^40 values', oneItem(ANY, 2 ** 40, 0), 'structure'],
	['a string claiming 2^40 bytes', oneItem(STRING, 2 ** 40, 0), 'structure'],
	['an empty string item', oneItem(STRING, '', 0), 'structure'],
	['an unknown content ref', oneItem(raw(11), 0), 'structure'],
	['an unknown type ref', oneItem(TYPE, 9, 0), 'structure'],
	['unparsable JSON content', oneItem(JSON_CONTENT, 1, '{', 0), 'invalid'],
	['an item whose origin is itself', bytes(1, 1, 7, 0, STRING_AFTER_ORIGIN, 7, 0, 'x', 0), 'invalid'],
	['an item whose parent is itself', bytes(1, 1, 7, 0, STRING, 0, 7, 0, 'x', 0), 'invalid'],
	['an item whose origin is a later struct', bytes(1, 1, 7, 0, STRING_AFTER_ORIGIN, 7, 9, 'x', 0), 'invalid'],
	['a delete set claiming 2^40 ranges', bytes(0, 1, 1, 2 ** 40, 0, 1), 'structure'],
	['a delete range of length 2^52', bytes(0, 1, 1, 1, 0, 2 ** 52), 'ok'],
	['a delete range past 2^53', bytes(0, 1, 1, 1, 2 ** 52, 2 ** 53 - 5), 'structure'],
	['values nested 10,000 deep', nestedAny(10_000), 'structure'],
	['values nested 50 deep', nestedAny(50), 'ok'],
	['trailing bytes after a valid update', bytes(validUpdate, 0), 'structure'],
	[
		'PR 688: 4398046511101 structs (v2 bytes)',
		raw(0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 2, 0, 0, 22, 2, 0, 0, 1, 253, 255, 255, 255, 255, 127, 0, 0),
		'structure'
	],
	[
		'PR 688: 265828 updates (v1 merge)',
		raw(
			228,
			156,
			16,
			0,
			5,
			255,
			255,
			5,
			0,
			1,
			0,
			0,
			0,
			1,
			1,
			0,
			0,
			0,
			237,
			0,
			0,
			0,
			1,
			1,
			0,
			254,
			184,
			194,
			233,
			173,
			135,
			217,
			18,
			0,
			0,
			1,
			1,
			255,
			237,
			246
		),
		'structure'
	],
	[
		'PR 688: 267854847 structs in one update (v2 apply)',
		raw(
			0,
			1,
			35,
			0,
			0,
			0,
			1,
			2,
			129,
			0,
			0,
			16,
			0,
			199,
			220,
			0,
			196,
			122,
			128,
			0,
			65,
			171,
			234,
			214,
			0,
			1,
			0,
			0,
			1,
			0,
			0,
			132,
			0,
			0,
			16,
			255,
			199,
			220,
			255,
			0,
			0,
			0
		),
		'structure'
	],
	['300,000 two-byte GC structs', manyGcStructs(300_000), 'ok']
];
