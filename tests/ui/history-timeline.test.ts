process.env.TZ = 'Europe/Berlin';

import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Contact } from '../../src/lib/domain';
import type { HistoryEntry, JsonValue } from '../../src/lib/store';
import HistoryTimeline from '../../src/lib/ui/history/HistoryTimeline.svelte';
import { describeContext } from '../../src/lib/ui/history/describe';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import {
	COMPANY,
	DEALERS,
	EMAIL_ID,
	GROUPS,
	OTHER_DEVICE,
	PHONE_ID,
	THIS_DEVICE,
	at,
	entry,
	linearHistory
} from './history-fixtures';

function setup(entries: HistoryEntry[] = linearHistory(), contact: Contact = COMPANY) {
	const onrestore = vi.fn(async (_path: string[], _value: JsonValue | undefined) => {});
	const context = describeContext({ channels: contact.channels, history: entries, groups: GROUPS });
	const view = render(HistoryTimeline, {
		props: { entries, contact, context, deviceId: THIS_DEVICE, onrestore }
	});
	return { onrestore, view, user: userEvent.setup() };
}

/** The timeline's entries, in the order shown. */
function items(): HTMLElement[] {
	const region = screen.getByRole('region', { name: /Änderungsverlauf|Change history/ });
	const list = region.querySelector('ol');
	return list ? [...list.children].filter((el): el is HTMLElement => el instanceof HTMLElement) : [];
}

const texts = (): string[] => items().map((item) => item.textContent?.replace(/\s+/g, ' ').trim() ?? '');

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	i18n.lang = 'de';
});

describe('HistoryTimeline', () => {
	it('lists the edits newest first with date and time, author and device', () => {
		setup();
		const shown = items();
		expect(shown).toHaveLength(7);
		const first = within(shown[0] as HTMLElement);
		expect(first.getByText('28.11.2026, 10:50')).toHaveAttribute('datetime', new Date(at(50)).toISOString());
		expect(first.getByText('Erika Muster')).toBeInTheDocument();
		expect(shown[0]?.querySelector('.meta')?.textContent).toMatch(/· Erika Muster · dieses Gerät\s*$/);
		const phone = within(shown[3] as HTMLElement);
		expect(phone.getByText('28.11.2026, 10:20')).toBeInTheDocument();
		expect(phone.getByText('Max Mustermann')).toBeInTheDocument();
		expect(shown[3]?.querySelector('.meta')?.textContent).toContain(
			`Max Mustermann · Gerät ${OTHER_DEVICE.slice(-6)}`
		);
	});

	it('says in words what each edit changed, without derived values', () => {
		setup();
		const shown = texts();
		expect(shown[0]).toContain('Kontaktgruppe hinzugefügt: Händler');
		expect(shown[1]).toContain('E-Mail gelöscht: buchhaltung@firma.de');
		expect(shown[2]).toContain('E-Mail hinzugefügt: buchhaltung@firma.de');
		expect(shown[3]).toContain('Telefon Zentrale: 030 1234567 → 030 7654321');
		expect(shown[3]).not.toContain('+49');
		expect(shown[4]).toContain('Telefon hinzugefügt: 030 1234567 (Zentrale)');
		expect(shown[5]).toContain('Ort: Köln → Bonn');
	});

	it('shows the creation as one collapsed line with the values it set', async () => {
		const { user } = setup();
		const creation = items()[6] as HTMLElement;
		const summary = within(creation).getByText('Kontakt angelegt (Firma)');
		expect(within(creation).getByText('Ort: Köln')).not.toBeVisible();
		await user.click(summary);
		for (const text of ['Ort: Köln', 'Firma: Mustermann GmbH', 'Land: Deutschland'])
			expect(within(creation).getByText(text)).toBeVisible();
		// Empty values and switches left off are not listed.
		expect(creation.textContent).not.toMatch(/Notizen|Adresse erben|Art:/);
	});

	it('filters by field, offering the fields the history touches', async () => {
		const { user } = setup();
		const select = screen.getByRole('combobox', { name: 'Nach Feld filtern' });
		const options = within(select)
			.getAllByRole('option')
			.map((o) => o.textContent);
		expect(options).toEqual([
			'Alle Felder',
			'E-Mail buchhaltung@firma.de',
			'Firma',
			'Kontaktgruppen',
			'Land',
			'Ort',
			'Telefon Zentrale'
		]);

		await user.selectOptions(select, 'Ort');
		expect(texts()).toEqual([
			expect.stringContaining('Ort: Köln → Bonn'),
			expect.stringContaining('Kontakt angelegt (Firma): Ort: Köln')
		]);
		expect(texts()[1]).not.toContain('Firma: Mustermann GmbH');

		await user.selectOptions(select, 'Telefon Zentrale');
		expect(texts()).toEqual([
			expect.stringContaining('Telefon Zentrale: 030 1234567 → 030 7654321'),
			expect.stringContaining('Telefon hinzugefügt: 030 1234567 (Zentrale)')
		]);

		await user.selectOptions(select, 'Alle Felder');
		expect(items()).toHaveLength(7);
	});

	it('restores the value from before a change, and offers nothing where that is the current value', async () => {
		const { user, onrestore } = setup();
		await user.click(screen.getByRole('button', { name: 'E-Mail buchhaltung@firma.de wiederherstellen' }));
		expect(onrestore).toHaveBeenLastCalledWith(['channels', EMAIL_ID], {
			kind: 'email',
			value: 'buchhaltung@firma.de',
			normalized: 'buchhaltung@firma.de',
			label: '',
			purpose: null,
			order: 'a1'
		});
		await user.click(screen.getByRole('button', { name: 'Telefon Zentrale: 030 1234567 wiederherstellen' }));
		expect(onrestore).toHaveBeenLastCalledWith(['channels', PHONE_ID, 'value'], '030 1234567');
		await user.click(screen.getByRole('button', { name: 'Ort: Köln wiederherstellen' }));
		expect(onrestore).toHaveBeenLastCalledWith(['fields', 'city'], 'Köln');
		await user.click(screen.getByRole('button', { name: 'Kontaktgruppe Händler wieder entfernen' }));
		expect(onrestore).toHaveBeenLastCalledWith(['groups', DEALERS], undefined);
		// The e-mail is gone already: undoing its addition would change nothing.
		expect(screen.queryByRole('button', { name: /E-Mail buchhaltung@firma.de wieder entfernen/ })).toBeNull();
		// The creation is not undone line by line.
		expect(within(items()[6] as HTMLElement).queryByRole('button')).toBeNull();
	});

	it('marks concurrent edits, says which value was kept and restores the other one', async () => {
		const created = entry([{ path: ['fields', 'kind'], to: 'company' }], { time: at(0), clockEnd: 5 });
		const mine = entry([{ path: ['fields', 'city'], from: 'Köln', to: 'Bonn' }], {
			time: at(20),
			client: 1,
			clockEnd: 10,
			seen: { 1: 5 }
		});
		const theirs = entry([{ path: ['fields', 'city'], from: 'Köln', to: 'Berlin' }], {
			time: at(21),
			client: 2,
			clockEnd: 3,
			seen: { 1: 5 },
			author: 'Max Mustermann',
			device: OTHER_DEVICE
		});
		const { user, onrestore } = setup([theirs, mine, created], { ...COMPANY, city: 'Bonn' });

		const [theirsItem, mineItem, createdItem] = items() as [HTMLElement, HTMLElement, HTMLElement];
		expect(theirsItem).toHaveTextContent('gleichzeitig mit Erika Muster, 28.11.2026, 10:20');
		expect(theirsItem).toHaveTextContent('Ort: Köln → Berlin überschrieben');
		expect(mineItem).toHaveTextContent('gleichzeitig mit Max Mustermann, 28.11.2026, 10:21');
		expect(mineItem).toHaveTextContent('Ort: Köln → Bonn übernommen');
		expect(within(mineItem).queryByRole('button', { name: /Diesen Wert/ })).toBeNull();
		expect(createdItem).not.toHaveTextContent('gleichzeitig');

		await user.click(
			within(theirsItem).getByRole('button', { name: 'Diesen Wert wiederherstellen: Ort Berlin' })
		);
		expect(onrestore).toHaveBeenCalledWith(['fields', 'city'], 'Berlin');
	});

	it('speaks English when the UI does', () => {
		i18n.lang = 'en';
		setup();
		const shown = texts();
		expect(shown[0]).toContain('Nov 28, 2026');
		expect(shown[0]).toContain('this device');
		expect(shown[1]).toContain('E-mail deleted: buchhaltung@firma.de');
		expect(shown[3]).toContain('Phone Zentrale: 030 1234567 → 030 7654321');
		expect(screen.getByRole('button', { name: 'Restore City: Köln' })).toBeInTheDocument();
	});

	it('shows the first entries at once and the rest of a long history right after', async () => {
		const long = Array.from({ length: 300 }, (_, i) =>
			entry([{ path: ['fields', 'notes'], from: `Notiz ${i}`, to: `Notiz ${i + 1}` }], {
				time: at(0) + i * 1000,
				clockEnd: (i + 1) * 2
			})
		).reverse();
		setup(long);
		expect(items().length).toBeGreaterThan(0);
		expect(items().length).toBeLessThan(300);
		await waitFor(() => expect(items()).toHaveLength(300));
		expect(texts()[0]).toContain('Notizen: Notiz 299 → Notiz 300');
		expect(texts()[299]).toContain('Notizen: Notiz 0 → Notiz 1');
	});

	it('says so when there is no history', () => {
		setup([]);
		expect(screen.getByText('Noch keine Änderungen.')).toBeInTheDocument();
		expect(screen.queryByRole('combobox')).toBeNull();
	});
});
