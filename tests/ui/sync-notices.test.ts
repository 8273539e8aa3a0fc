import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import Notices from '../../src/lib/ui/shell/Notices.svelte';
import { showSyncNotice, syncNoticeText } from '../../src/lib/ui/shell/sync-notice';
import { app } from '../../src/lib/ui/state/app.svelte';

const DOC = '0192aaaa-0000-7000-8000-000000000001';

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	app.reset();
	i18n.lang = 'de';
});

describe('sync notices', () => {
	it.each([
		[
			{ code: 'refused', docId: DOC, message: 'push refused' },
			'Der Server hat eine Änderung an einem Kontakt abgelehnt (fehlende Berechtigung oder ungültige Daten).'
		],
		[
			{ code: 'revoked', docId: DOC, message: 'Hartmann Logistik GmbH' },
			'„Hartmann Logistik GmbH“ wurde von diesem Gerät entfernt: Sie haben keinen Zugriff mehr.'
		],
		[
			{ code: 'revoked', docId: DOC, message: '' },
			'Ein Kontakt wurde von diesem Gerät entfernt: Sie haben keinen Zugriff mehr.'
		],
		[{ code: 'purged', docId: DOC, message: 'Weber, Jonas' }, '„Weber, Jonas“ wurde gelöscht.'],
		[{ code: 'purged', docId: DOC, message: ' ' }, 'Ein Kontakt wurde gelöscht.']
	] as const)('says %o as %s', (notice, text) => {
		expect(syncNoticeText(notice).text).toBe(text);
	});

	it('shows a lost access as an alert that stays, a deletion as a status', async () => {
		render(Notices);
		showSyncNotice({ code: 'revoked', docId: DOC, message: 'Hartmann Logistik GmbH' });
		showSyncNotice({ code: 'purged', docId: DOC, message: 'Weber, Jonas' });
		await tick();
		expect(screen.getByRole('alert')).toHaveTextContent(
			'„Hartmann Logistik GmbH“ wurde von diesem Gerät entfernt: Sie haben keinen Zugriff mehr.'
		);
		expect(screen.getByRole('status')).toHaveTextContent('„Weber, Jonas“ wurde gelöscht.');
	});

	it('follows the UI language', () => {
		i18n.lang = 'en';
		expect(syncNoticeText({ code: 'purged', docId: DOC, message: 'Weber, Jonas' }).text).toBe(
			'“Weber, Jonas” was deleted.'
		);
	});
});
