import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StorageErrorCode } from '../../src/lib/store';
import StorageBanner from '../../src/lib/ui/shell/StorageBanner.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';

const CASES: { code: StorageErrorCode; message: string; reload: boolean }[] = [
	{
		code: 'unavailable',
		message:
			'Der Browser erlaubt keinen lokalen Speicher (IndexedDB). Kontor braucht ihn, um Ihre Kontakte auf diesem Gerät zu halten. Bitte verlassen Sie den privaten Modus oder erlauben Sie Websitedaten für diese Seite.',
		reload: true
	},
	{
		code: 'blocked',
		message:
			'Kontor ist in einem anderen Tab mit einer älteren Version geöffnet. Bitte schließen Sie die anderen Kontor-Tabs und laden Sie diese Seite neu. Ihre Daten bleiben erhalten.',
		reload: true
	},
	{
		code: 'version',
		message:
			'Die gespeicherten Daten stammen von einer neueren Kontor-Version. Bitte laden Sie die Seite neu, um die aktuelle Version zu erhalten. Ihre Daten bleiben erhalten.',
		reload: true
	},
	{
		code: 'quota',
		message:
			'Der Speicher auf diesem Gerät ist voll. Die letzte Änderung wurde nicht gespeichert. Bitte geben Sie Speicherplatz frei; alle bisher gespeicherten Daten bleiben erhalten.',
		reload: false
	},
	{ code: 'unknown', message: 'Ein unerwarteter Fehler ist aufgetreten.', reload: true }
];

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	i18n.lang = 'de';
});

describe('StorageBanner', () => {
	it.each(CASES)('shows the message for "$code" as an alert', ({ code, message, reload }) => {
		render(StorageBanner, { props: { code } });

		const alert = screen.getByRole('alert');
		expect(alert).toHaveTextContent(message);
		const button = screen.queryByRole('button', { name: 'Neu laden' });
		if (reload) expect(alert).toContainElement(button);
		else expect(button).toBeNull();
	});

	it('renders nothing without an error', () => {
		const { container } = render(StorageBanner, { props: { code: null } });
		expect(screen.queryByRole('alert')).toBeNull();
		expect(screen.queryByRole('button')).toBeNull();
		expect(container).toHaveTextContent('');
	});

	it('appears and goes away as the code changes', async () => {
		const { rerender } = render(StorageBanner, { props: { code: null } });
		expect(screen.queryByRole('alert')).toBeNull();

		await rerender({ code: 'blocked' });
		expect(screen.getByRole('alert')).toHaveTextContent(/^Kontor ist in einem anderen Tab/);

		await rerender({ code: null });
		expect(screen.queryByRole('alert')).toBeNull();
	});

	it('follows the UI language', async () => {
		render(StorageBanner, { props: { code: 'version' } });
		i18n.lang = 'en';
		await tick();
		expect(screen.getByRole('alert')).not.toHaveTextContent(/neueren Kontor-Version/);
		expect(screen.getByRole('button', { name: 'Reload' })).toBeInTheDocument();
	});
});
