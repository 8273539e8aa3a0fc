import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkspaceEdit } from '../../src/lib/store';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import SalutationEditor from '../../src/lib/ui/settings/SalutationEditor.svelte';
import TextBlocksEditor from '../../src/lib/ui/settings/TextBlocksEditor.svelte';
import { literally, outcome, workspaceRig, type WorkspaceRig } from './workspace-settings-fixtures';

let rig: WorkspaceRig | undefined;

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	rig?.dispose();
	rig = undefined;
	i18n.lang = 'de';
});

async function setup(
	component: typeof SalutationEditor | typeof TextBlocksEditor,
	edits: WorkspaceEdit[] = []
) {
	const r = await workspaceRig(edits);
	rig = r;
	const user = userEvent.setup();
	render(component, { props: { config: r.config } });
	return { user, rig: r };
}

/** The salutation the preview shows for an example ("Frau Maria Müller"). */
function preview(example: string): string {
	const region = screen.getByRole('region', { name: 'Vorschau' });
	return within(region).getByText(example).nextElementSibling?.textContent ?? '';
}

const line = (name: string) => screen.getByRole('textbox', { name });

describe('SalutationEditor', () => {
	it('shows the lines in effect with where they come from, and explains the placeholders', async () => {
		const { user } = await setup(SalutationEditor);
		expect(screen.getByRole('combobox', { name: 'Sprache der Anreden' })).toHaveValue('de');
		const lines = screen.getByRole('group', { name: 'Anredezeilen: Deutsch' });
		expect(within(lines).getAllByRole('textbox')).toHaveLength(10);
		expect(line('Förmlich, an einen Herrn')).toHaveValue('Sehr geehrter Herr {title} {lastName},');
		expect(line('Förmlich, an einen Herrn')).toHaveAccessibleDescription('Standard');
		expect(line('Förmlich, an eine Firma oder ohne Namen')).toHaveValue('Sehr geehrte Damen und Herren,');
		expect(line('Förmlich, an einen Herrn mit Titel')).toHaveValue('');
		expect(line('Förmlich, an einen Herrn mit Titel')).toHaveAccessibleDescription('Optional');
		expect(screen.getByText('Platzhalter in den Zeilen:')).toBeInTheDocument();
		const explained = (name: string) => screen.getByText(name).closest('dt')?.nextElementSibling?.textContent;
		expect(explained('{title}')).toBe('Titel, z. B. „Dr.“ oder „Prof. Dr.“');
		expect(explained('{firstName}')).toBe('Vorname');
		expect(explained('{lastName}')).toBe('Nachname');
		expect(preview('Herr Dr. Max Mustermann')).toBe('Sehr geehrter Herr Dr. Mustermann,');
		expect(preview('Frau Maria Müller')).toBe('Sehr geehrte Frau Müller,');
		expect(preview('Alex Schmidt (ohne Anrede)')).toBe('Guten Tag Alex Schmidt,');
		expect(preview('Eine Firma')).toBe('Sehr geehrte Damen und Herren,');
		expect(preview('Max Mustermann, als Freund markiert')).toBe('Lieber Max,');

		await user.selectOptions(screen.getByRole('combobox', { name: 'Sprache der Anreden' }), 'Englisch');
		expect(screen.getByRole('group', { name: 'Anredezeilen: Englisch' })).toBeInTheDocument();
		expect(line('Förmlich, an einen Herrn mit Titel')).toHaveValue('Dear {title} {lastName},');
		expect(preview('Herr Dr. Max Mustermann')).toBe('Dear Dr Mustermann,');
	});

	it("saves an edited line as the workspace's own and restores the built-in one", async () => {
		const { user, rig } = await setup(SalutationEditor);
		const formalMr = line('Förmlich, an einen Herrn');
		await user.clear(formalMr);
		await user.type(formalMr, literally('Werter Herr {title} {lastName},'));
		// The preview follows the typing before anything is saved.
		expect(preview('Herr Dr. Max Mustermann')).toBe('Werter Herr Dr. Mustermann,');
		expect((await rig.saved()).salutations.templates).toEqual({});
		await user.tab();
		await waitFor(() =>
			expect(outcome('Anreden').status).toHaveTextContent('Gespeichert: Förmlich, an einen Herrn (Deutsch).')
		);
		expect((await rig.saved()).salutations.templates).toEqual({
			de: { formalMr: 'Werter Herr {title} {lastName},' }
		});
		expect(formalMr).toHaveAccessibleDescription('Eigene Zeile des Arbeitsbereichs');

		await user.click(
			screen.getByRole('button', { name: 'Standard wiederherstellen: Förmlich, an einen Herrn' })
		);
		await waitFor(() =>
			expect(outcome('Anreden').status).toHaveTextContent(
				'Standard wiederhergestellt: Förmlich, an einen Herrn (Deutsch).'
			)
		);
		expect((await rig.saved()).salutations.templates).toEqual({});
		expect(formalMr).toHaveValue('Sehr geehrter Herr {title} {lastName},');
		expect(formalMr).toHaveAccessibleDescription('Standard');
		expect(screen.queryByRole('button', { name: /Standard wiederherstellen/ })).toBeNull();
		expect(preview('Herr Dr. Max Mustermann')).toBe('Sehr geehrter Herr Dr. Mustermann,');
	});

	it('goes back to the built-in line when the field is emptied', async () => {
		const { user, rig } = await setup(SalutationEditor, [
			{ type: 'setSalutation', language: 'de', key: 'personalMs', value: 'Hallo liebe {firstName},' }
		]);
		const personalMs = line('Persönlich (Freund), an eine Frau');
		expect(personalMs).toHaveValue('Hallo liebe {firstName},');
		await user.clear(personalMs);
		await user.tab();
		await waitFor(() => expect(personalMs).toHaveValue('Liebe {firstName},'));
		expect((await rig.saved()).salutations.templates).toEqual({});
	});

	it('adds a language that counts only with every required line, with a live preview', async () => {
		const { user, rig } = await setup(SalutationEditor);
		const code = screen.getByRole('textbox', { name: 'Neue Sprache (Sprachcode)' });
		await user.type(code, 'SV{Enter}');
		expect(code).toHaveAccessibleDescription(
			'Bitte einen Sprachcode aus zwei oder drei Kleinbuchstaben angeben (z. B. sv).'
		);
		await user.clear(code);
		await user.type(code, 'sv{Enter}');

		const language = screen.getByRole('combobox', { name: 'Sprache der Anreden' });
		expect(language).toHaveValue('sv');
		expect(
			within(language).getByRole('option', { name: 'Schwedisch (sv) – unvollständig' })
		).toBeInTheDocument();
		expect(outcome('Anreden').status).toHaveTextContent(
			'Schwedisch (sv) hinzugefügt. Die Sprache gilt erst, wenn alle Pflichtzeilen ausgefüllt sind.'
		);
		const lines = screen.getByRole('group', { name: 'Anredezeilen: Schwedisch (sv)' });
		expect(lines).toHaveAccessibleDescription(
			/^Schwedisch \(sv\) gilt erst, wenn alle Pflichtzeilen ausgefüllt sind\. Es fehlen noch: Förmlich, an einen Herrn; .*Persönlich \(Freund\), ohne Anrede\. Bis dahin erhalten Kontakte dieser Sprache die Anreden in Deutsch\.$/
		);
		expect(line('Förmlich, an einen Herrn')).toHaveAccessibleDescription('Pflichtzeile, fehlt noch');
		expect(
			screen.getByText(/Die Vorschau zeigt die Anreden in Deutsch, weil Schwedisch \(sv\)/)
		).toBeInTheDocument();
		expect(preview('Herr Dr. Max Mustermann')).toBe('Sehr geehrter Herr Dr. Mustermann,');

		const swedish: [string, string][] = [
			['Förmlich, an einen Herrn', 'Bäste herr {title} {lastName},'],
			['Förmlich, an eine Frau', 'Bästa fru {lastName},'],
			['Förmlich, ohne Anrede (Herr/Frau)', 'Hej {firstName} {lastName},'],
			['Förmlich, an eine Firma oder ohne Namen', 'Till berörd person,'],
			['Persönlich (Freund), an einen Herrn', 'Käre {firstName},'],
			['Persönlich (Freund), an eine Frau', 'Kära {firstName},']
		];
		for (const [name, text] of swedish) {
			await user.type(line(name), literally(text));
			await user.tab();
			await waitFor(() => expect(outcome('Anreden').status).toHaveTextContent(`Gespeichert: ${name}`));
		}
		// Six of seven lines saved: still German in letters.
		expect(lines).toHaveAccessibleDescription(/Es fehlen noch: Persönlich \(Freund\), ohne Anrede\./);
		expect(preview('Frau Maria Müller')).toBe('Sehr geehrte Frau Müller,');

		// The last line typed, not yet saved: the preview already shows Swedish.
		await user.type(line('Persönlich (Freund), ohne Anrede'), literally('Hej {firstName},'));
		expect(screen.queryByText(/Die Vorschau zeigt die Anreden in/)).toBeNull();
		expect(preview('Herr Dr. Max Mustermann')).toBe('Bäste herr Dr. Mustermann,');
		expect(preview('Frau Maria Müller')).toBe('Bästa fru Müller,');
		expect(preview('Alex Schmidt (ohne Anrede)')).toBe('Hej Alex Schmidt,');
		expect(preview('Eine Firma')).toBe('Till berörd person,');
		expect(preview('Max Mustermann, als Freund markiert')).toBe('Käre Max,');

		await user.tab();
		await waitFor(() => expect(lines).not.toHaveAccessibleDescription(/fehlen/));
		expect(within(language).getByRole('option', { name: 'Schwedisch (sv)' })).toBeInTheDocument();
		expect((await rig.saved()).salutations.templates?.sv).toMatchObject({
			formalMr: 'Bäste herr {title} {lastName},',
			personalNeutral: 'Hej {firstName},'
		});
		// An added language has no built-in line: its own line is removed, not "restored".
		expect(
			screen.getByRole('button', { name: 'Zeile entfernen: Förmlich, an eine Frau' })
		).toBeInTheDocument();
	});

	it('refuses an unknown placeholder before saving', async () => {
		const { user, rig } = await setup(SalutationEditor);
		const formalMs = line('Förmlich, an eine Frau');
		await user.clear(formalMs);
		await user.type(formalMs, literally('Sehr geehrte Frau {nachname},'));
		await user.tab();
		expect(outcome('Anreden').alert).toHaveTextContent(
			'Nicht gespeichert: unbekannter Platzhalter {nachname}. Möglich sind {title}, {firstName} und {lastName}.'
		);
		expect((await rig.saved()).salutations.templates).toEqual({});
		expect(formalMs).toHaveValue('Sehr geehrte Frau {nachname},');
	});

	it('says so when the workspace refuses a line, in the UI language', async () => {
		i18n.lang = 'en';
		const { user, rig } = await setup(SalutationEditor);
		vi.spyOn(rig.store, 'editWorkspace').mockResolvedValueOnce(false);
		const formalMr = screen.getByRole('textbox', { name: 'Formal, to a man' });
		await user.clear(formalMr);
		await user.type(formalMr, literally('Hallo Herr {lastName},'));
		await user.tab();
		await waitFor(() =>
			expect(outcome('Salutations').alert).toHaveTextContent(/^Not saved: the change was refused/)
		);
		expect(outcome('Salutations').status.textContent).toBe('');
		expect((await rig.saved()).salutations.templates).toEqual({});
	});
});

describe('TextBlocksEditor', () => {
	it('edits a standard block per language and removes a text when emptied', async () => {
		const { user, rig } = await setup(TextBlocksEditor);
		const invoice = screen.getByRole('group', { name: 'Anschreiben zur Rechnung' });
		expect(screen.getByRole('group', { name: 'Anschreiben zum Angebot' })).toBeInTheDocument();
		expect(screen.getByRole('group', { name: 'Anschreiben zur Zahlungserinnerung' })).toBeInTheDocument();
		expect(
			within(invoice)
				.getAllByRole('textbox')
				.map((t) => t.getAttribute('id')?.split('-').pop())
		).toEqual(['de', 'en', 'fr', 'it', 'es', 'nl']);

		const german = within(invoice).getByRole('textbox', { name: 'Deutsch' });
		await user.type(german, 'anbei erhalten Sie unsere Rechnung.');
		await user.tab();
		await waitFor(() =>
			expect(outcome('Textbausteine').status).toHaveTextContent(
				'Gespeichert: Anschreiben zur Rechnung (Deutsch).'
			)
		);
		expect((await rig.saved()).textBlocks).toEqual({
			invoiceCover: { de: 'anbei erhalten Sie unsere Rechnung.' }
		});

		await user.type(
			within(invoice).getByRole('textbox', { name: 'Englisch' }),
			'please find our invoice attached.'
		);
		await user.tab();
		await waitFor(() =>
			expect(outcome('Textbausteine').status).toHaveTextContent(
				'Gespeichert: Anschreiben zur Rechnung (Englisch).'
			)
		);

		await user.clear(german);
		await user.tab();
		await waitFor(() =>
			expect(outcome('Textbausteine').status).toHaveTextContent(
				'Text entfernt: Anschreiben zur Rechnung (Deutsch).'
			)
		);
		expect((await rig.saved()).textBlocks).toEqual({
			invoiceCover: { en: 'please find our invoice attached.' }
		});
	});

	it("shows the workspace's own blocks and languages, and adds a block by key", async () => {
		const { user, rig } = await setup(TextBlocksEditor, [
			{ type: 'setTextBlock', key: 'deliveryNoteCover', language: 'sv', text: 'Här är följesedeln.' }
		]);
		const own = screen.getByRole('group', { name: 'deliveryNoteCover' });
		expect(within(own).getByRole('textbox', { name: 'Schwedisch (sv)' })).toHaveValue('Här är följesedeln.');

		const key = screen.getByRole('textbox', { name: 'Neuer Textbaustein (Schlüssel)' });
		await user.type(key, '1-thanks{Enter}');
		expect(key).toHaveAccessibleDescription(/^Bitte einen Schlüssel aus Buchstaben/);
		await user.clear(key);
		await user.type(key, 'invoiceCover{Enter}');
		expect(key).toHaveAccessibleDescription(/^Den Textbaustein „Anschreiben zur Rechnung“ gibt es schon\./);

		await user.clear(key);
		await user.type(key, 'thanks{Enter}');
		expect(outcome('Textbausteine').status).toHaveTextContent(
			'Textbaustein „thanks“ hinzugefügt. Er wird mit seinem ersten Text gespeichert.'
		);
		const added = screen.getByRole('group', { name: 'thanks' });
		const german = within(added).getByRole('textbox', { name: 'Deutsch' });
		expect(german).toHaveFocus();
		await user.type(german, 'Vielen Dank für Ihren Auftrag.');
		await user.tab();
		await waitFor(() =>
			expect(outcome('Textbausteine').status).toHaveTextContent('Gespeichert: thanks (Deutsch).')
		);
		expect((await rig.saved()).textBlocks).toEqual({
			deliveryNoteCover: { sv: 'Här är följesedeln.' },
			thanks: { de: 'Vielen Dank für Ihren Auftrag.' }
		});
	});

	it('puts the text back and says so when the workspace refuses it', async () => {
		const { user, rig } = await setup(TextBlocksEditor, [
			{ type: 'setTextBlock', key: 'quoteCover', language: 'de', text: 'anbei unser Angebot.' }
		]);
		vi.spyOn(rig.store, 'editWorkspace').mockResolvedValueOnce(false);
		const german = within(screen.getByRole('group', { name: 'Anschreiben zum Angebot' })).getByRole(
			'textbox',
			{
				name: 'Deutsch'
			}
		);
		await user.type(german, ' Gültig 30 Tage.');
		await user.tab();
		await waitFor(() => expect(outcome('Textbausteine').alert).toHaveTextContent(/^Nicht gespeichert/));
		expect(german).toHaveValue('anbei unser Angebot.');
		expect((await rig.saved()).textBlocks).toEqual({ quoteCover: { de: 'anbei unser Angebot.' } });
	});
});
