process.env.TZ = 'Europe/Berlin';

import { render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FieldChange, HistoryEntry } from '../../src/lib/store';
import HistoryTimeline from '../../src/lib/ui/history/HistoryTimeline.svelte';
import { describeContext } from '../../src/lib/ui/history/describe';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { COMPANY, GROUPS, THIS_DEVICE, at, entry, linearHistory } from './history-fixtures';

const MEMBERS = [
	{ id: 'u-anna', name: 'Anna Admin' },
	{ id: 'u-jonas', name: 'Jonas Weber' }
];

/** A change of rights as the server writes it: no operations in the document (clock end 0). */
function accessEntry(changes: FieldChange[], minutes: number): HistoryEntry {
	const made = entry(changes, { time: at(minutes), clockEnd: 0, seen: {}, author: '' });
	return { ...made, author: { id: 'u-anna', name: '' }, device: 'server' };
}

function setup(entries: HistoryEntry[]) {
	const onrestore = vi.fn(async () => {});
	const context = describeContext({
		channels: COMPANY.channels,
		history: entries,
		groups: GROUPS,
		members: MEMBERS
	});
	render(HistoryTimeline, {
		props: { entries, contact: COMPANY, context, deviceId: THIS_DEVICE, onrestore }
	});
}

const lines = (): string[] =>
	[...document.querySelectorAll('.changes li')].map(
		(li) => li.textContent?.replace(/\s+/g, ' ').trim() ?? ''
	);

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	i18n.lang = 'de';
});

describe('HistoryTimeline: changes of rights', () => {
	const rights = [
		accessEntry(
			[
				{ path: ['access', 'owner'], from: 'u-jonas', to: 'u-anna' },
				{ path: ['access', 'everyone'], from: 'edit', to: 'read' },
				{ path: ['access', 'users', 'u-jonas'], to: 'read' },
				{ path: ['access', 'users', 'u-anna'], from: 'read', to: 'edit' },
				{ path: ['access', 'users', 'u-gone'], from: 'edit' }
			],
			55
		)
	];

	it('describes them in words, with member names', () => {
		setup([...rights, ...linearHistory()]);
		expect(lines().slice(0, 5)).toEqual([
			'Eigentümer: Jonas Weber → Anna Admin',
			'Zugriff für alle: Bearbeiten → Lesen',
			'Jonas Weber: Lesen erteilt',
			'Anna Admin: Lesen → Bearbeiten',
			'Unbekanntes Mitglied: Bearbeiten entzogen'
		]);
		// The server records who changed them; the name comes from the member list.
		expect(document.querySelector('.entry .meta')?.textContent).toContain('Anna Admin');
	});

	it('offers no restore for them, while field changes keep theirs', () => {
		setup([...rights, ...linearHistory()]);
		const [first] = document.querySelectorAll('.entry');
		expect(first?.querySelectorAll('button')).toHaveLength(0);
		expect(
			screen.getAllByRole('button', { name: /wiederherstellen|wieder entfernen/ }).length
		).toBeGreaterThan(0);
	});

	it('can be filtered to the changes of rights', () => {
		setup([...rights, ...linearHistory()]);
		const filter = screen.getByRole('combobox', { name: 'Nach Feld filtern' });
		expect([...filter.querySelectorAll('option')].map((o) => o.textContent)).toContain('Zugriff');
	});

	it('reads in English too', () => {
		i18n.lang = 'en';
		setup(rights);
		expect(lines()).toEqual([
			'Owner: Jonas Weber → Anna Admin',
			'Access for everyone: Edit → Read',
			'Jonas Weber: Read granted',
			'Anna Admin: Read → Edit',
			'Unknown member: Edit revoked'
		]);
	});
});

describe('HistoryTimeline for a reader', () => {
	it('offers no restore at all', () => {
		const entries = linearHistory();
		const context = describeContext({ channels: COMPANY.channels, history: entries, groups: GROUPS });
		render(HistoryTimeline, {
			props: { entries, contact: COMPANY, context, deviceId: THIS_DEVICE, onrestore: vi.fn(), readonly: true }
		});
		expect(lines()).toContain('Ort: Köln → Bonn');
		expect(screen.queryByRole('button')).toBeNull();
	});
});
