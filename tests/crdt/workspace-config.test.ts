import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
	applyWorkspaceEdits,
	checkWorkspaceEdit,
	newWorkspaceDoc,
	readWorkspaceConfig,
	type WorkspaceEdit
} from '../../src/lib/crdt';
import { emptyWorkspaceConfig, salutation } from '../../src/lib/domain';
import { sync, updatesDuring } from './helpers';

function docWith(edits: WorkspaceEdit[], clientID = 1): Y.Doc {
	const doc = newWorkspaceDoc();
	doc.clientID = clientID;
	applyWorkspaceEdits(doc, edits, 'local');
	return doc;
}

const entry = (id: string, name: string, color = '') => ({ id, name, color });

describe('workspace lists and correspondence settings', () => {
	it('reads an empty document as the empty configuration', () => {
		expect(readWorkspaceConfig(newWorkspaceDoc())).toEqual(emptyWorkspaceConfig());
	});

	it('keeps each list sorted by name, renames and removes entries', () => {
		const doc = docWith([
			{ type: 'putListEntry', list: 'paymentTerms', entry: entry('p30', '30 Tage netto') },
			{ type: 'putListEntry', list: 'paymentTerms', entry: entry('p14', '14 Tage 2 % Skonto') },
			{ type: 'putListEntry', list: 'statusTags', entry: entry('vip', 'VIP', '#b8860b') },
			{ type: 'putListEntry', list: 'productGroups', entry: entry('screws', 'Schrauben') }
		]);
		applyWorkspaceEdits(
			doc,
			[
				{ type: 'putListEntry', list: 'paymentTerms', entry: entry('p30', 'Zahlbar in 30 Tagen') },
				{ type: 'removeListEntry', list: 'productGroups', id: 'screws' }
			],
			'local'
		);
		const config = readWorkspaceConfig(doc);
		expect(config.lists.paymentTerms.map((e) => e.name)).toEqual([
			'14 Tage 2 % Skonto',
			'Zahlbar in 30 Tagen'
		]);
		expect(config.lists.statusTags).toEqual([entry('vip', 'VIP', '#b8860b')]);
		expect(config.lists.productGroups).toEqual([]);
		expect(config.lists.deliveryTerms).toEqual([]);
	});

	it('takes a default only while its list has the entry', () => {
		const doc = docWith([
			{ type: 'putListEntry', list: 'deliveryTerms', entry: entry('dap', 'DAP Lieferadresse') },
			{ type: 'setDefault', key: 'deliveryTermsId', value: 'dap' },
			{ type: 'setDefault', key: 'paymentTermsId', value: 'gone' }
		]);
		expect(readWorkspaceConfig(doc).defaultDeliveryTermsId).toBe('dap');
		expect(readWorkspaceConfig(doc).defaultPaymentTermsId).toBeNull();
		applyWorkspaceEdits(doc, [{ type: 'removeListEntry', list: 'deliveryTerms', id: 'dap' }], 'local');
		expect(readWorkspaceConfig(doc).defaultDeliveryTermsId).toBeNull();
	});

	it('holds changed salutation lines, added languages and text blocks that salutations and texts use', () => {
		const doc = docWith([
			{ type: 'setDefaultLanguage', language: 'en' },
			{ type: 'setSalutation', language: 'de', key: 'formalUnknown', value: 'Guten Tag,' },
			{ type: 'setSalutation', language: 'pl', key: 'formalMr', value: 'Szanowny Panie {lastName},' },
			{ type: 'setTextBlock', key: 'invoiceCover', language: 'de', text: 'anbei erhalten Sie Ihre Rechnung.' }
		]);
		const config = readWorkspaceConfig(doc);
		expect(config.salutations).toEqual({
			defaultLanguage: 'en',
			templates: { de: { formalUnknown: 'Guten Tag,' }, pl: { formalMr: 'Szanowny Panie {lastName},' } }
		});
		expect(config.textBlocks).toEqual({ invoiceCover: { de: 'anbei erhalten Sie Ihre Rechnung.' } });
		const company = { kind: 'company', salutation: 'none', title: '', firstName: '', lastName: '' } as const;
		expect(salutation(company, 'de', config.salutations)).toBe('Guten Tag,');
		// Removing the workspace's line brings the built-in one back.
		applyWorkspaceEdits(
			doc,
			[{ type: 'setSalutation', language: 'de', key: 'formalUnknown', value: null }],
			'local'
		);
		expect(salutation(company, 'de', readWorkspaceConfig(doc).salutations)).toBe(
			'Sehr geehrte Damen und Herren,'
		);
	});

	it('leaves out malformed values another version may have written', () => {
		const doc = newWorkspaceDoc();
		doc.transact(() => {
			doc.getMap('paymentTerms').set('x', 'not a map');
			doc.getMap('settings').set('language', 'Deutsch');
			doc.getMap('salutations').set('de:formalMr', 7);
			doc.getMap('salutations').set('de:unknownLine', 'Hallo');
			doc.getMap('salutations').set('German:formalMr', 'Hallo');
			doc.getMap('textBlocks').set('1bad key:de', 'Text');
			doc.getMap('textBlocks').set('invoiceCover', 'no language');
		});
		expect(readWorkspaceConfig(doc)).toEqual(emptyWorkspaceConfig());
	});

	it('writes nothing for an edit that changes nothing', () => {
		const edits: WorkspaceEdit[] = [
			{ type: 'putListEntry', list: 'statusTags', entry: entry('late', 'Zahlungsverzug', '#c0392b') },
			{ type: 'setTextBlock', key: 'invoiceCover', language: 'en', text: 'Please find attached.' }
		];
		const doc = docWith(edits);
		expect(updatesDuring(doc, () => applyWorkspaceEdits(doc, edits, 'local'))).toBe(0);
	});

	it('keeps concurrent changes of different entries and lines', () => {
		const base = docWith([
			{ type: 'putListEntry', list: 'statusTags', entry: entry('vip', 'VIP', '#b8860b') }
		]);
		const a = docWith([], 10);
		const b = docWith([], 20);
		sync(a, base);
		sync(b, base);
		applyWorkspaceEdits(
			a,
			[{ type: 'putListEntry', list: 'statusTags', entry: entry('vip', 'Premium', '#b8860b') }],
			'a'
		);
		applyWorkspaceEdits(
			b,
			[{ type: 'putListEntry', list: 'statusTags', entry: entry('vip', 'VIP', '#000000') }],
			'b'
		);
		applyWorkspaceEdits(
			a,
			[{ type: 'setSalutation', language: 'de', key: 'formalMr', value: 'Sehr geehrter Herr {lastName}!' }],
			'a'
		);
		applyWorkspaceEdits(
			b,
			[{ type: 'setSalutation', language: 'de', key: 'formalMs', value: 'Sehr geehrte Frau {lastName}!' }],
			'b'
		);
		sync(a, b);
		const merged = readWorkspaceConfig(a);
		expect(readWorkspaceConfig(b)).toEqual(merged);
		expect(merged.lists.statusTags).toEqual([entry('vip', 'Premium', '#000000')]);
		expect(merged.salutations.templates).toEqual({
			de: { formalMr: 'Sehr geehrter Herr {lastName}!', formalMs: 'Sehr geehrte Frau {lastName}!' }
		});
	});
});

describe('checkWorkspaceEdit', () => {
	it('trims names and texts, and keeps colours for status tags only', () => {
		expect(
			checkWorkspaceEdit({
				type: 'putListEntry',
				list: 'paymentTerms',
				entry: entry('p', '  Sofort  ', '#ff0000')
			})
		).toEqual({ type: 'putListEntry', list: 'paymentTerms', entry: entry('p', 'Sofort') });
		expect(
			checkWorkspaceEdit({ type: 'setSalutation', language: 'fr', key: 'formalMr', value: '  ' })
		).toEqual({
			type: 'setSalutation',
			language: 'fr',
			key: 'formalMr',
			value: null
		});
	});

	it('refuses empty names, malformed language codes and block keys, and overlong texts', () => {
		const refused: WorkspaceEdit[] = [
			{ type: 'putListEntry', list: 'statusTags', entry: entry('x', '   ') },
			{ type: 'setDefaultLanguage', language: 'Deutsch' },
			{ type: 'setSalutation', language: 'DE', key: 'formalMr', value: 'Hallo' },
			{ type: 'setTextBlock', key: 'cover text', language: 'de', text: 'x' },
			{ type: 'setTextBlock', key: 'invoiceCover', language: 'de', text: 'x'.repeat(10_001) }
		];
		for (const edit of refused)
			expect(checkWorkspaceEdit(edit), JSON.stringify(edit).slice(0, 80)).toBeNull();
	});
});
