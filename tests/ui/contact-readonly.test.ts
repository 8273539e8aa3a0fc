import { render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccessInfo } from '../../src/lib/domain';
import ContactData from '../../src/lib/ui/contact/ContactData.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { ANNA, accessRig, withMembers, type AccessRig } from './access-fixtures';
import { ADMIN, MEMBER } from './sync-fake-api';

let rig: AccessRig | undefined;

beforeEach(() => {
	i18n.lang = 'de';
});

afterEach(() => {
	rig?.dispose();
	rig = undefined;
});

const READ_ONLY: AccessInfo = { ownerId: ANNA.id, everyone: 'read', users: {} };

async function renderData(r: AccessRig) {
	const contact = await r.store.loadContact(r.id);
	if (!contact) throw new Error('missing');
	const onedit = vi.fn(async () => ({ ok: true as const }));
	const onaddperson = vi.fn();
	render(ContactData, {
		props: {
			contact,
			parent: null,
			groups: await r.store.groups(),
			persons: [],
			history: null,
			readOnlyReason: r.model.readOnlyReason,
			onedit,
			searchParents: async () => [],
			chooseParent: async () => null,
			onaddperson
		}
	});
	return { onedit, onaddperson };
}

describe('ContactAccessModel', () => {
	it('gives a reader read-only access, with the owner named', async () => {
		rig = await accessRig(withMembers(MEMBER), READ_ONLY);
		expect(rig.model.permission).toBe('read');
		expect(rig.model.readOnlyReason).toBe(
			'Nur Lesezugriff: Sie dürfen diesen Kontakt ansehen, aber nicht bearbeiten. Eigentümer: Anna Admin'
		);
		expect(rig.model.manageReason).toBe(
			'Nur der Eigentümer (Anna Admin) oder ein Administrator kann das ändern.'
		);
	});

	it('follows new rights as the store announces them', async () => {
		rig = await accessRig(withMembers(MEMBER), READ_ONLY);
		await rig.store.applyAccess(rig.id, { ...READ_ONLY, users: { [MEMBER.user.id]: 'edit' } }, []);
		await waitFor(() => expect(rig?.model.permission).toBe('edit'));
		expect(rig.model.readOnlyReason).toBeNull();
	});

	it.each([
		['an admin', withMembers(ADMIN), READ_ONLY, 'manage'],
		['the owner', withMembers(MEMBER), { ...READ_ONLY, ownerId: MEMBER.user.id }, 'manage'],
		['anyone without a server', null, null, 'manage'],
		['a member while the rights are unknown', withMembers(MEMBER), null, 'edit'],
		['a member everyone may edit for', withMembers(MEMBER), { ...READ_ONLY, everyone: 'edit' }, 'edit']
	] as const)('lets %s do what they may', async (_who, account, access, expected) => {
		rig = await accessRig(account, access);
		expect(rig.model.permission).toBe(expected);
		expect(rig.model.readOnlyReason).toBeNull();
	});
});

describe('ContactData', () => {
	it('is read-only for a reader, and says why', async () => {
		rig = await accessRig(withMembers(MEMBER), READ_ONLY);
		const { onedit } = await renderData(rig);
		expect(screen.getByRole('note')).toHaveTextContent('Nur Lesezugriff: Sie dürfen diesen Kontakt ansehen');
		expect(screen.getByRole('note')).toHaveTextContent('Eigentümer: Anna Admin');
		const fields = [...document.querySelectorAll('input:not([type="checkbox"]), textarea')];
		expect(fields.length).toBeGreaterThan(3);
		for (const field of fields) expect(field).toHaveAttribute('readonly');
		for (const control of document.querySelectorAll('select, input[type="checkbox"]'))
			expect(control).toBeDisabled();
		expect(screen.getByRole('textbox', { name: 'Firma' })).toHaveValue('Hartmann Logistik GmbH');
		// No adding, removing or re-assigning: nothing to press that would edit.
		expect(screen.queryByRole('button', { name: /hinzufügen|löschen|entfernen|Zuordnung/i })).toBeNull();
		expect(onedit).not.toHaveBeenCalled();
	});

	it('is editable for an editor, without a banner', async () => {
		rig = await accessRig(withMembers(MEMBER), { ...READ_ONLY, everyone: 'edit' });
		await renderData(rig);
		expect(screen.queryByRole('note')).toBeNull();
		expect(screen.getByRole('textbox', { name: 'Firma' })).not.toHaveAttribute('readonly');
		expect(screen.getByRole('button', { name: /Ansprechpartner hinzufügen/ })).toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Zuordnung ändern' })).toBeInTheDocument();
	});
});
