import { sortChannels } from './channels';
import type { AdvertisingConsent, CustomerData, TradeEmbargo } from './commercial';
import type { ChannelId, ContactId } from './ids';
import type { Channel, EmailPurpose } from './types';

/** What is being sent: every e-mail purpose but accounting, which is an address, not a document. */
export const DOCUMENT_KINDS = [
	'advertising',
	'cancellation',
	'invoice',
	'quote',
	'deliveryNote',
	'workOrder',
	'creditNote',
	'purchaseOrder',
	'storageLetter'
] as const satisfies readonly EmailPurpose[];
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Kinds that follow the customer's different invoice recipient (abweichender Rechnungsempfänger). */
export const INVOICE_RECIPIENT_KINDS: readonly DocumentKind[] = ['invoice', 'cancellation', 'creditNote'];
/** Kinds a trade embargo does not stop: they undo or refund business already done. */
export const EMBARGO_EXEMPT_KINDS: readonly DocumentKind[] = ['cancellation', 'creditNote'];

/** The part of an effective (inheritance-resolved) contact that routing reads. */
export interface RoutingContact {
	id: ContactId;
	channels: readonly Pick<Channel, 'id' | 'kind' | 'value' | 'purpose' | 'order'>[];
	/** The customer tab; null when the contact is no customer. */
	customer: Pick<CustomerData, 'invoiceRecipientId' | 'documentEmail'> | null;
	embargo: TradeEmbargo | null;
	advertisingConsent: AdvertisingConsent | null;
}

/** Returns the effective contact for an id, or undefined when there is none (deleted, not synced). */
export type RoutingLookup = (id: ContactId) => RoutingContact | undefined;

/**
 * Which rule chose the address: a purpose e-mail for the kind, the customer tab's document e-mail,
 * the accounting (Buchhaltung) e-mail, the standard e-mail (first entry without a purpose), or, for
 * business documents only, the first e-mail entry whatever its purpose.
 */
export type RoutingRule = 'purpose' | 'documentEmail' | 'accounting' | 'standard' | 'firstEmail';

/**
 * Where a business document of a kind goes. `contactId` is the contact the outcome is about (whose
 * address it is, who is under embargo, who is missing ...); `via` lists the contacts the document was
 * passed on from through invoice recipients, starting with the contact it was for.
 */
export type RoutingResult =
	| {
			status: 'ok';
			address: string;
			rule: RoutingRule;
			/** The e-mail entry used; null for the document e-mail of the customer tab. */
			channelId: ChannelId | null;
			contactId: ContactId;
			via: ContactId[];
	  }
	| { status: 'blocked'; reason: 'embargo'; embargo: TradeEmbargo; contactId: ContactId; via: ContactId[] }
	| { status: 'blocked'; reason: 'noConsent'; contactId: ContactId; via: ContactId[] }
	/** The contact has no e-mail that may be used for this kind. */
	| { status: 'none'; reason: 'noEmail'; contactId: ContactId; via: ContactId[] }
	/** The invoice recipients lead back to `contactId`, which is already in `via`. */
	| { status: 'none'; reason: 'cycle'; contactId: ContactId; via: ContactId[] }
	/** `contactId` (the contact itself or an invoice recipient) is not there. */
	| { status: 'none'; reason: 'missingContact'; contactId: ContactId; via: ContactId[] };

/** Consent counts only when it was recorded with both its date and its source. */
export function hasAdvertisingConsent(consent: AdvertisingConsent | null): boolean {
	return consent !== null && consent.date.trim() !== '' && consent.source.trim() !== '';
}

function chooseAddress(contact: RoutingContact, kind: DocumentKind, via: ContactId[]): RoutingResult {
	const emails = sortChannels(contact.channels).filter((c) => c.kind === 'email' && c.value.trim() !== '');
	const ok = (rule: RoutingRule, address: string, channelId: ChannelId | null): RoutingResult => ({
		status: 'ok',
		address: address.trim(),
		rule,
		channelId,
		contactId: contact.id,
		via
	});
	const forKind = emails.find((c) => c.purpose === kind);
	if (forKind) return ok('purpose', forKind.value, forKind.id);
	const business = kind !== 'advertising';
	const documentEmail = contact.customer?.documentEmail.trim() ?? '';
	if (business && documentEmail !== '') return ok('documentEmail', documentEmail, null);
	const accounting = emails.find((c) => c.purpose === 'accounting');
	if (business && accounting) return ok('accounting', accounting.value, accounting.id);
	// The standard e-mail is the first entry without a purpose. A business document may fall back to
	// the first entry of any purpose (better the customer's invoice address than no quote at all);
	// advertising may not, as an address given for a purpose was not given for advertising.
	const standard = emails.find((c) => c.purpose === null);
	if (standard) return ok('standard', standard.value, standard.id);
	const first = emails[0];
	if (business && first) return ok('firstEmail', first.value, first.id);
	return { status: 'none', reason: 'noEmail', contactId: contact.id, via };
}

/**
 * Where a document of `kind` for `contactId` is e-mailed, by these rules in order:
 * 1. invoices, cancellations and credit notes go to the customer's different invoice recipient when
 *    one is set, resolved there by these same rules (so chains are followed; a cycle or a missing
 *    recipient is reported, never silently replaced by another address);
 * 2. an e-mail entry with the kind as its purpose;
 * 3. the customer tab's document e-mail (not for advertising);
 * 4. the accounting e-mail (not for advertising: it is no business document);
 * 5. the standard e-mail, see `chooseAddress`;
 * 6. none.
 * A trade embargo stops every kind but cancellations and credit notes, whether it is on the contact
 * the document is for or on any invoice recipient it is passed on to (the recipient is a business
 * partner of its own). Advertising also needs the contact's recorded consent; an embargo is reported
 * before missing consent. `lookup` gives effective contacts, so an embargo or consent inherited from a
 * parent company is already part of the contact it returns.
 */
export function resolveEmailRecipient(
	contactId: ContactId,
	kind: DocumentKind,
	lookup: RoutingLookup
): RoutingResult {
	const via: ContactId[] = [];
	let id = contactId;
	for (;;) {
		if (via.includes(id)) return { status: 'none', reason: 'cycle', contactId: id, via };
		const contact = lookup(id);
		if (!contact) return { status: 'none', reason: 'missingContact', contactId: id, via };
		if (contact.embargo && !EMBARGO_EXEMPT_KINDS.includes(kind)) {
			return { status: 'blocked', reason: 'embargo', embargo: contact.embargo, contactId: id, via };
		}
		const recipient = INVOICE_RECIPIENT_KINDS.includes(kind)
			? (contact.customer?.invoiceRecipientId ?? null)
			: null;
		if (recipient === null) {
			if (kind === 'advertising' && !hasAdvertisingConsent(contact.advertisingConsent)) {
				return { status: 'blocked', reason: 'noConsent', contactId: id, via };
			}
			return chooseAddress(contact, kind, via);
		}
		via.push(id);
		id = recipient;
	}
}
