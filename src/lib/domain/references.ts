import type { TradeEmbargo } from './commercial';
import type { ContactId } from './ids';

/**
 * What can point at a contact and so stop it from being deleted: a contact person listed under it,
 * a customer that names it as different invoice recipient, and business documents (invoices,
 * quotes ...) made out to it, an entity of its own that plugs in as one more source.
 */
export const REFERENCE_KINDS = ['contactPerson', 'invoiceRecipient', 'businessDocument'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** One thing that points at a contact, as the delete dialog lists it (with a link). */
export interface ContactReference {
	kind: ReferenceKind;
	/** The referring record's id (a contact's, a business document's). */
	id: string;
	/** What the user knows it as: a contact's display name, a document's number. */
	label: string;
	/** Where the app shows it. */
	href: string;
	/** For a contact: its trade embargo and status tags, shown beside its name. */
	embargo?: TradeEmbargo | null;
	tags?: readonly string[];
}

/** A contact person that would be deleted with the contact, or detached from it. */
export interface PersonReference {
	id: ContactId;
	label: string;
	embargo?: TradeEmbargo | null;
	tags?: readonly string[];
}

/**
 * What deleting a contact can do, given what references it:
 * - `persons`: contact persons under it; deleting takes them along or detaches them first;
 * - `blocking`: everything else (invoice recipient of customers, business documents): those need
 *   the contact, so it cannot be deleted while they exist; archiving it is what fits;
 * - `canDelete`: nothing blocks.
 */
export interface DeletionPlan {
	persons: PersonReference[];
	blocking: ContactReference[];
	canDelete: boolean;
}

/** Sorts references into what deleting resolves (contact persons) and what blocks it. */
export function planDeletion(references: readonly ContactReference[]): DeletionPlan {
	const persons: PersonReference[] = [];
	const blocking: ContactReference[] = [];
	for (const reference of references) {
		if (reference.kind === 'contactPerson') {
			const { id, label, embargo, tags } = reference;
			persons.push({
				id: id as ContactId,
				label,
				...(embargo ? { embargo } : {}),
				...(tags ? { tags } : {})
			});
		} else blocking.push(reference);
	}
	return { persons, blocking, canDelete: blocking.length === 0 };
}

/** The references grouped by kind, in the order of REFERENCE_KINDS, for listing under headings. */
export function groupReferences(
	references: readonly ContactReference[]
): { kind: ReferenceKind; references: ContactReference[] }[] {
	return REFERENCE_KINDS.map((kind) => ({
		kind,
		references: references.filter((r) => r.kind === kind)
	})).filter((group) => group.references.length > 0);
}
