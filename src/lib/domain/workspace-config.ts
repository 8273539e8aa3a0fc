import type { SalutationTemplates, TextBlocks, WorkspaceSalutations } from './salutation';

/**
 * The workspace's own lists, which contacts point into by id: Zahlungsbedingungen,
 * Lieferbedingungen, Warengruppen (for discounts) and Status-Merkmale (VIP, Zahlungsverzug ...).
 */
export const WORKSPACE_LISTS = ['paymentTerms', 'deliveryTerms', 'productGroups', 'statusTags'] as const;
export type WorkspaceListName = (typeof WORKSPACE_LISTS)[number];

/** One entry of a workspace list. */
export interface ListEntry {
	id: string;
	name: string;
	/** `#rrggbb` for status tags (shown as a coloured tag); '' for the other lists. */
	color: string;
}

/** The keys of the salutation lines a workspace can change (see SalutationTemplates). */
export const SALUTATION_TEMPLATE_KEYS = [
	'formalMr',
	'formalMrTitled',
	'formalMs',
	'formalMsTitled',
	'formalNeutral',
	'formalNeutralTitled',
	'formalUnknown',
	'personalMr',
	'personalMs',
	'personalNeutral'
] as const satisfies readonly (keyof SalutationTemplates)[];
export type SalutationTemplateKey = (typeof SALUTATION_TEMPLATE_KEYS)[number];

/** Text blocks every workspace has; it can add its own keys. */
export const STANDARD_TEXT_BLOCKS = ['invoiceCover', 'quoteCover', 'reminderCover'] as const;

/** Everything the workspace sets for contacts and their correspondence. */
export interface WorkspaceConfig {
	/** Each list sorted by name. */
	lists: Record<WorkspaceListName, ListEntry[]>;
	/** What a new customer gets; null for none. */
	defaultPaymentTermsId: string | null;
	defaultDeliveryTermsId: string | null;
	/** Correspondence language when a contact has none the workspace can write in, and changed lines. */
	salutations: WorkspaceSalutations & { defaultLanguage: string };
	textBlocks: TextBlocks;
}

export function emptyWorkspaceConfig(): WorkspaceConfig {
	return {
		lists: { paymentTerms: [], deliveryTerms: [], productGroups: [], statusTags: [] },
		defaultPaymentTermsId: null,
		defaultDeliveryTermsId: null,
		salutations: { defaultLanguage: 'de', templates: {} },
		textBlocks: {}
	};
}

/** A language code a workspace may add: two or three lower-case letters (ISO 639). */
export function isLanguageCode(value: unknown): value is string {
	return typeof value === 'string' && /^[a-z]{2,3}$/.test(value);
}

/** A text block key: letters, digits, dashes; starts with a letter. */
export function isTextBlockKey(value: unknown): value is string {
	return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(value);
}

/** The entry of a list with this id, if the list still has it. */
export function listEntry(
	config: WorkspaceConfig,
	list: WorkspaceListName,
	id: string | null
): ListEntry | undefined {
	return id === null ? undefined : config.lists[list].find((e) => e.id === id);
}
