import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ExportButtons from '../../src/lib/ui/contact/ExportButtons.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { buildExport } from '../../src/lib/ui/state/contact-export';
import { ANNA, accessRig, withMembers, type AccessRig } from './access-fixtures';
import { ADMIN, MEMBER } from './sync-fake-api';

let rig: AccessRig | undefined;
let downloads: { name: string; blob: Blob }[];
const NOW = new Date(2026, 10, 28, 10, 30);
const { createObjectURL, revokeObjectURL } = URL;

beforeEach(() => {
	i18n.lang = 'de';
	downloads = [];
	const blobs = new Map<string, Blob>();
	URL.createObjectURL = vi.fn((blob: Blob) => {
		const url = `blob:kontor/${blobs.size}`;
		blobs.set(url, blob);
		return url;
	});
	URL.revokeObjectURL = vi.fn();
	vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
		downloads.push({ name: this.download, blob: blobs.get(this.href) as Blob });
	});
});

afterEach(() => {
	vi.restoreAllMocks();
	URL.createObjectURL = createObjectURL;
	URL.revokeObjectURL = revokeObjectURL;
	rig?.dispose();
	rig = undefined;
});

const read = (blob: Blob): Promise<string> =>
	new Promise((resolve) => {
		const reader = new FileReader();
		reader.onload = () => resolve(String(reader.result));
		reader.readAsText(blob);
	});

async function setup() {
	rig = await accessRig(withMembers(ADMIN), {
		ownerId: ANNA.id,
		everyone: 'read',
		users: { [MEMBER.user.id]: 'edit' }
	});
	const r = rig;
	await r.store.editContact(r.id, [{ type: 'set', field: 'street', value: 'Hafenstraße 1' }]);
	const user = userEvent.setup();
	render(ExportButtons, {
		props: { build: (format) => buildExport(r.store, r.sync.status.account, r.id, format, NOW) }
	});
	return { user, rig: r };
}

describe('ExportButtons', () => {
	it('downloads everything stored about the contact as JSON, with names and history', async () => {
		const { user, rig } = await setup();
		await user.click(screen.getByRole('button', { name: 'Daten exportieren (JSON)' }));
		await waitFor(() => expect(downloads).toHaveLength(1));
		const [file] = downloads;
		expect(file?.name).toBe('kontakt-hartmann-logistik-gmbh-2026-11-28.json');
		expect(file?.blob.type).toBe('application/json;charset=utf-8');
		const data = JSON.parse(await read(file!.blob));
		expect(data).toMatchObject({
			format: 'kontor-gdpr-export',
			exportedBy: { id: ADMIN.user.id, name: ADMIN.user.name },
			contact: { id: rig.id, fields: { companyName: 'Hartmann Logistik GmbH', street: 'Hafenstraße 1' } },
			access: {
				owner: { id: ANNA.id, name: 'Anna Admin' },
				everyone: 'read',
				users: [{ id: MEMBER.user.id, name: 'Jonas Weber', level: 'edit' }]
			}
		});
		expect(data.history).toHaveLength(2);
		expect(screen.getByRole('status')).toHaveTextContent(
			'Datei „kontakt-hartmann-logistik-gmbh-2026-11-28.json“ wurde erstellt.'
		);
	});

	it('downloads a vCard', async () => {
		const { user } = await setup();
		await user.click(screen.getByRole('button', { name: 'vCard exportieren' }));
		await waitFor(() => expect(downloads).toHaveLength(1));
		const [file] = downloads;
		expect(file?.name).toBe('kontakt-hartmann-logistik-gmbh-2026-11-28.vcf');
		const text = await read(file!.blob);
		expect(text).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\n/);
		expect(text).toContain('FN:Hartmann Logistik GmbH\r\n');
		expect(text).toContain('ADR;TYPE=work:;;Hafenstraße 1;Köln;;;DE\r\n');
	});

	it('says when the contact is no longer on this device', async () => {
		const { user, rig } = await setup();
		await rig.store.removeDocument(rig.id);
		await user.click(screen.getByRole('button', { name: 'vCard exportieren' }));
		await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/Export ist fehlgeschlagen/));
		expect(downloads).toEqual([]);
	});
});
