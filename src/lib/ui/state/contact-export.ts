import {
	effectiveValues,
	exportFileName,
	gdprExportJson,
	toVCard,
	type AccessInfo,
	type ContactId
} from '$lib/domain';
import type { KontorStore } from '$lib/store';
import type { AccountInfo } from '$lib/sync';

/** The two files the contact page offers (DSGVO Art. 15 and 20). */
export type ExportFormat = 'json' | 'vcf';

/** A file ready to be saved. */
export interface ExportFile {
	fileName: string;
	text: string;
	type: string;
}

const TYPES: Record<ExportFormat, string> = {
	json: 'application/json;charset=utf-8',
	vcf: 'text/vcard;charset=utf-8'
};

/**
 * Builds the export of one contact from what this device stores: the contact, what it inherits
 * from its parent, its history and rights, with user names from the workspace's member list.
 * Null when the contact is not on this device.
 */
export async function buildExport(
	store: KontorStore,
	account: AccountInfo | null,
	id: ContactId,
	format: ExportFormat,
	now: Date = new Date()
): Promise<ExportFile | null> {
	const contact = await store.loadContact(id);
	if (!contact) return null;
	const parent = await store.parentOf(contact);
	const effective = effectiveValues(
		{
			parentId: contact.parentId,
			inheritAddress: contact.inheritAddress,
			inheritGroups: contact.inheritGroups,
			address: contact,
			groups: contact.groups
		},
		parent
	);
	const fileName = exportFileName(contact, format, now);
	if (format === 'vcf') {
		const text = toVCard(contact, {
			now,
			effective: effective.addressFrom ? effective.address : null,
			parentName: parent?.displayName
		});
		return { fileName, text, type: TYPES.vcf };
	}
	const [history, stored, groups, config] = await Promise.all([
		store.history(id),
		store.accessOf(id),
		store.groups(),
		store.workspaceConfig()
	]);
	// The user this device acts for: the account, or (without a server) the device and its profile name.
	const me = account ? account.user : { id: store.deviceId, name: store.author };
	// Rights not known: a workspace without a server, or a contact the server has not confirmed yet,
	// which this user created and so owns; everyone may edit it until the server says otherwise.
	const access: AccessInfo = stored ?? { ownerId: me.id, everyone: 'edit', users: {} };
	const members = new Map((account?.members ?? []).map((m) => [m.id, m.name]));
	members.set(me.id, me.name);
	const text = gdprExportJson({
		contact,
		history,
		access,
		names: (userId) => members.get(userId),
		groupNames: new Map(groups.map((g) => [g.id, g.name])),
		tagNames: new Map(config.lists.statusTags.map((e) => [e.id, e.name])),
		effective,
		exportedBy: { id: me.id, name: me.name },
		now
	});
	return { fileName, text, type: TYPES.json };
}
