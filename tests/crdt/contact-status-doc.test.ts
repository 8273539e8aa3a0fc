import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
	CONTACT_MAPS,
	LOCAL_ORIGIN,
	applyContactEdits,
	readContact,
	recordChanges,
	writeAt
} from '../../src/lib/crdt';
import type { Birthday, ContactEdit, TradeEmbargo } from '../../src/lib/domain';
import { docWith, replica, sync, updatesDuring } from './helpers';

const BIRTHDAY: Birthday = { day: 12, month: 4, year: 1985 };
const EMBARGO: TradeEmbargo = { reason: 'Offene Forderungen', since: '2026-03-01' };
const CONSENT = { date: '2025-05-20', source: 'Messe 2025, Formular' };
const set = (field: string, value: unknown) => ({ type: 'set', field, value }) as ContactEdit;

describe('birthday, friend, embargo, consent and status tags in the contact document', () => {
	it('round-trips every value', () => {
		const doc = docWith();
		applyContactEdits(doc, [
			set('birthday', BIRTHDAY),
			set('friend', true),
			set('embargo', EMBARGO),
			set('advertisingConsent', CONSENT),
			{ type: 'addTag', id: 'vip' },
			{ type: 'addTag', id: 'late' }
		]);
		const contact = readContact(doc);
		expect(contact).toMatchObject({
			birthday: BIRTHDAY,
			friend: true,
			embargo: EMBARGO,
			advertisingConsent: CONSENT,
			tags: ['late', 'vip']
		});
		applyContactEdits(doc, [
			set('birthday', null),
			set('embargo', null),
			set('advertisingConsent', null),
			{ type: 'removeTag', id: 'vip' }
		]);
		expect(readContact(doc)).toMatchObject({
			birthday: null,
			embargo: null,
			advertisingConsent: null,
			tags: ['late']
		});
	});

	it('stores birthday, embargo and consent as one plain value each in `fields`, tags as a set', () => {
		const doc = docWith();
		applyContactEdits(doc, [set('embargo', EMBARGO), { type: 'addTag', id: 'vip' }]);
		expect(doc.getMap(CONTACT_MAPS.fields).get('embargo')).toEqual(EMBARGO);
		expect(doc.getMap(CONTACT_MAPS.tags).toJSON()).toEqual({ vip: true });
	});

	it('reads defaults from a document without the values, and from malformed ones', () => {
		expect(readContact(docWith())).toMatchObject({
			birthday: null,
			friend: false,
			embargo: null,
			advertisingConsent: null,
			tags: []
		});
		const cases: [string, unknown][] = [
			['birthday', { day: 31, month: 2, year: null }],
			['birthday', { day: 29, month: 2, year: 2023 }],
			['birthday', { day: '12', month: 4 }],
			['birthday', '1985-04-12'],
			['friend', 'yes'],
			['embargo', { reason: '', since: '2026-03-01' }],
			['embargo', { reason: 'Insolvenz', since: 'gestern' }],
			['embargo', ['Insolvenz', '2026-03-01']],
			['advertisingConsent', { date: '2025-05-20' }],
			['advertisingConsent', { date: '2025-02-30', source: 'Messe' }],
			['advertisingConsent', true]
		];
		for (const [field, value] of cases) {
			const doc = docWith();
			doc.transact(() => doc.getMap(CONTACT_MAPS.fields).set(field, value));
			const contact = readContact(doc);
			expect([field, contact[field as 'birthday']]).toEqual([field, field === 'friend' ? false : null]);
		}
		const doc = docWith();
		doc.transact(() => {
			doc.getMap(CONTACT_MAPS.tags).set('', true);
			doc.getMap(CONTACT_MAPS.tags).set('x'.repeat(101), true);
			doc.getMap(CONTACT_MAPS.tags).set('vip', true);
		});
		expect(readContact(doc).tags).toEqual(['vip']);
	});

	it('reads no birthday for a company, whatever its document holds', () => {
		const doc = docWith({ kind: 'company', companyName: 'Braun KG' });
		doc.transact(() => doc.getMap(CONTACT_MAPS.fields).set('birthday', BIRTHDAY));
		expect(readContact(doc).birthday).toBeNull();
	});

	it('writes nothing when a value is set to what it is (objects compared by content)', () => {
		const doc = docWith();
		applyContactEdits(doc, [
			set('birthday', BIRTHDAY),
			set('embargo', EMBARGO),
			{ type: 'addTag', id: 'vip' }
		]);
		const again: ContactEdit[] = [
			set('birthday', { ...BIRTHDAY }),
			set('embargo', { ...EMBARGO }),
			set('advertisingConsent', null),
			set('friend', false),
			{ type: 'addTag', id: 'vip' },
			{ type: 'removeTag', id: 'late' }
		];
		expect(updatesDuring(doc, () => applyContactEdits(doc, again))).toBe(0);
	});

	it('records each change for the history, objects as whole values', () => {
		const doc = docWith();
		applyContactEdits(doc, [set('birthday', BIRTHDAY), { type: 'addTag', id: 'vip' }]);
		const changes = recordChanges(doc, LOCAL_ORIGIN, () =>
			applyContactEdits(doc, [
				set('birthday', { ...BIRTHDAY, year: null }),
				set('embargo', EMBARGO),
				set('friend', true),
				{ type: 'removeTag', id: 'vip' },
				{ type: 'addTag', id: 'late' }
			])
		);
		expect(changes).toEqual([
			{ path: ['fields', 'birthday'], from: BIRTHDAY, to: { ...BIRTHDAY, year: null } },
			{ path: ['fields', 'embargo'], from: null, to: EMBARGO },
			{ path: ['fields', 'friend'], from: false, to: true },
			{ path: ['tags', 'late'], from: undefined, to: true },
			{ path: ['tags', 'vip'], from: true, to: undefined }
		]);
	});

	it('restores an old birthday or embargo from the history as the plain value it was', () => {
		const doc = docWith();
		applyContactEdits(doc, [set('birthday', BIRTHDAY), set('embargo', EMBARGO)]);
		applyContactEdits(doc, [set('birthday', { day: 1, month: 1, year: null }), set('embargo', null)]);
		doc.transact(() => {
			writeAt(doc, ['fields', 'birthday'], { ...BIRTHDAY });
			writeAt(doc, ['fields', 'embargo'], { ...EMBARGO });
			writeAt(doc, ['tags', 'vip'], true);
		}, LOCAL_ORIGIN);
		expect(doc.getMap(CONTACT_MAPS.fields).get('birthday')).not.toBeInstanceOf(Y.Map);
		expect(readContact(doc)).toMatchObject({ birthday: BIRTHDAY, embargo: EMBARGO, tags: ['vip'] });
	});

	it('converges after concurrent edits: tags of both sides, one winner per object', () => {
		const base = docWith();
		for (const ids of [
			[10, 20],
			[20, 10]
		] as const) {
			const a = replica(base, ids[0]);
			const b = replica(base, ids[1]);
			applyContactEdits(a, [
				{ type: 'addTag', id: 'vip' },
				set('embargo', EMBARGO),
				set('birthday', BIRTHDAY)
			]);
			applyContactEdits(b, [
				{ type: 'addTag', id: 'late' },
				set('embargo', { reason: 'Insolvenz', since: '2026-02-01' }),
				set('friend', true)
			]);
			sync(a, b);
			const merged = readContact(a);
			expect(readContact(b)).toEqual(merged);
			expect(merged.tags).toEqual(['late', 'vip']);
			expect(merged.birthday).toEqual(BIRTHDAY);
			expect(merged.friend).toBe(true);
			// Whole objects win or lose together: never the reason of one and the date of the other.
			expect([EMBARGO, { reason: 'Insolvenz', since: '2026-02-01' }]).toContainEqual(merged.embargo);
		}
	});

	it('converges when one side removes a tag the other adds again', () => {
		const base = docWith();
		applyContactEdits(base, [{ type: 'addTag', id: 'vip' }]);
		const a = replica(base, 30);
		const b = replica(base, 40);
		applyContactEdits(a, [{ type: 'removeTag', id: 'vip' }]);
		applyContactEdits(b, [{ type: 'removeTag', id: 'vip' }]);
		applyContactEdits(b, [{ type: 'addTag', id: 'vip' }]);
		sync(a, b);
		expect(readContact(a).tags).toEqual(readContact(b).tags);
		// B's add came after its own removal, concurrent with A's removal: the later write wins.
		expect(readContact(a).tags).toEqual(['vip']);
	});
});
