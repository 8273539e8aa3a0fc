import { describe, expect, it } from 'vitest';
import {
	DOCUMENT_KINDS,
	EMBARGO_EXEMPT_KINDS,
	INVOICE_RECIPIENT_KINDS,
	hasAdvertisingConsent,
	resolveEmailRecipient,
	type ChannelId,
	type ContactId,
	type DocumentKind,
	type EmailPurpose,
	type RoutingContact,
	type RoutingLookup
} from '../../src/lib/domain';
import { mulberry32, seededContactId } from '../factories';

const rng = mulberry32(42);
const id = () => seededContactId(rng);
const [KUNDE, ZENTRALE, KONZERN, OTHER] = [id(), id(), id(), id()];

let channelCounter = 0;
/** An e-mail entry; entries are listed in the order given unless `order` says otherwise. */
function email(value: string, purpose: EmailPurpose | null = null, order?: string) {
	channelCounter += 1;
	return {
		id: `ch-${value}` as ChannelId,
		kind: 'email' as const,
		value,
		purpose,
		order: order ?? `a${channelCounter.toString().padStart(4, '0')}`
	};
}

function contact(contactId: ContactId, overrides: Partial<RoutingContact> = {}): RoutingContact {
	return {
		id: contactId,
		channels: [],
		customer: null,
		embargo: null,
		advertisingConsent: { date: '2024-01-10', source: 'Messe, Formular' },
		...overrides
	};
}

function lookupOf(...contacts: RoutingContact[]): RoutingLookup {
	const byId = new Map(contacts.map((c) => [c.id, c]));
	return (contactId) => byId.get(contactId);
}

const customer = (invoiceRecipientId: ContactId | null, documentEmail = '') => ({
	invoiceRecipientId,
	documentEmail
});
const embargo = { reason: 'Sanktionsliste', since: '2024-02-01' };
const BUSINESS_KINDS = DOCUMENT_KINDS.filter((k) => k !== 'advertising');

describe('resolveEmailRecipient: rules at one contact', () => {
	const everything = contact(KUNDE, {
		channels: [
			email('info@kunde.de'),
			email('buchhaltung@kunde.de', 'accounting'),
			...DOCUMENT_KINDS.map((k) => email(`${k}@kunde.de`, k))
		],
		customer: customer(null, 'belege@kunde.de')
	});

	it.each(DOCUMENT_KINDS)('rule 2: a purpose e-mail for %s wins over everything else', (kind) => {
		expect(resolveEmailRecipient(KUNDE, kind, lookupOf(everything))).toEqual({
			status: 'ok',
			address: `${kind}@kunde.de`,
			rule: 'purpose',
			channelId: `ch-${kind}@kunde.de`,
			contactId: KUNDE,
			via: []
		});
	});

	const noPurposeForKind = contact(KUNDE, {
		channels: [email('info@kunde.de'), email('buchhaltung@kunde.de', 'accounting')],
		customer: customer(null, 'belege@kunde.de')
	});

	it.each(BUSINESS_KINDS)('rule 3: the document e-mail comes next for %s', (kind) => {
		expect(resolveEmailRecipient(KUNDE, kind, lookupOf(noPurposeForKind))).toMatchObject({
			status: 'ok',
			address: 'belege@kunde.de',
			rule: 'documentEmail',
			channelId: null
		});
	});

	it('rules 3 and 4 do not apply to advertising: it goes to the standard e-mail', () => {
		expect(resolveEmailRecipient(KUNDE, 'advertising', lookupOf(noPurposeForKind))).toMatchObject({
			status: 'ok',
			address: 'info@kunde.de',
			rule: 'standard'
		});
	});

	const accountingOnly = contact(KUNDE, {
		channels: [email('info@kunde.de'), email('buchhaltung@kunde.de', 'accounting')],
		customer: customer(null, '  ')
	});

	it.each(BUSINESS_KINDS)('rule 4: the accounting e-mail comes before the standard one for %s', (kind) => {
		expect(resolveEmailRecipient(KUNDE, kind, lookupOf(accountingOnly))).toMatchObject({
			status: 'ok',
			address: 'buchhaltung@kunde.de',
			rule: 'accounting',
			channelId: 'ch-buchhaltung@kunde.de'
		});
	});

	it('rule 5: the standard e-mail is the first entry without a purpose, in channel order', () => {
		const c = contact(KUNDE, {
			channels: [
				email('werbung@kunde.de', 'advertising', 'a0'),
				email('zweite@kunde.de', null, 'a3'),
				email('erste@kunde.de', null, 'a2')
			]
		});
		expect(resolveEmailRecipient(KUNDE, 'quote', lookupOf(c))).toMatchObject({
			status: 'ok',
			address: 'erste@kunde.de',
			rule: 'standard'
		});
	});

	it('rule 5: a business document falls back to the first entry of any purpose', () => {
		const c = contact(KUNDE, {
			channels: [email('rechnung@kunde.de', 'invoice', 'a2'), email('werbung@kunde.de', 'advertising', 'a1')]
		});
		expect(resolveEmailRecipient(KUNDE, 'quote', lookupOf(c))).toMatchObject({
			status: 'ok',
			address: 'werbung@kunde.de',
			rule: 'firstEmail',
			channelId: 'ch-werbung@kunde.de'
		});
	});

	it('rule 5: advertising never falls back to an address given for another purpose', () => {
		const c = contact(KUNDE, { channels: [email('rechnung@kunde.de', 'invoice')] });
		expect(resolveEmailRecipient(KUNDE, 'advertising', lookupOf(c))).toEqual({
			status: 'none',
			reason: 'noEmail',
			contactId: KUNDE,
			via: []
		});
	});

	it('rule 6: none, saying whose e-mail is missing', () => {
		const c = contact(KUNDE, {
			channels: [{ id: 'ph' as ChannelId, kind: 'phone', value: '030 1234567', purpose: null, order: 'a0' }]
		});
		expect(resolveEmailRecipient(KUNDE, 'invoice', lookupOf(c))).toEqual({
			status: 'none',
			reason: 'noEmail',
			contactId: KUNDE,
			via: []
		});
	});

	it('skips blank e-mail entries and trims the address', () => {
		const c = contact(KUNDE, { channels: [email('   '), email('  info@kunde.de ')] });
		expect(resolveEmailRecipient(KUNDE, 'quote', lookupOf(c))).toMatchObject({
			address: 'info@kunde.de',
			rule: 'standard'
		});
	});

	it('reports a contact that is not there', () => {
		expect(resolveEmailRecipient(KUNDE, 'quote', lookupOf())).toEqual({
			status: 'none',
			reason: 'missingContact',
			contactId: KUNDE,
			via: []
		});
	});
});

describe('resolveEmailRecipient: invoice recipients', () => {
	const kunde = contact(KUNDE, {
		channels: [email('einkauf@kunde.de'), email('rechnung@kunde.de', 'invoice')],
		customer: customer(ZENTRALE, 'belege@kunde.de')
	});
	const zentrale = contact(ZENTRALE, {
		channels: [email('info@zentrale.de'), email('kreditoren@zentrale.de', 'accounting')],
		customer: customer(null)
	});

	it.each(INVOICE_RECIPIENT_KINDS)('rule 1: %s goes to the invoice recipient, resolved there', (kind) => {
		expect(resolveEmailRecipient(KUNDE, kind, lookupOf(kunde, zentrale))).toEqual({
			status: 'ok',
			address: 'kreditoren@zentrale.de',
			rule: 'accounting',
			channelId: 'ch-kreditoren@zentrale.de',
			contactId: ZENTRALE,
			via: [KUNDE]
		});
	});

	it('rule 1 comes before the contact’s own purpose e-mail', () => {
		expect(resolveEmailRecipient(KUNDE, 'invoice', lookupOf(kunde, zentrale))).toMatchObject({
			contactId: ZENTRALE
		});
	});

	it.each(DOCUMENT_KINDS.filter((k) => !INVOICE_RECIPIENT_KINDS.includes(k)))(
		'%s stays with the contact',
		(kind) => {
			expect(resolveEmailRecipient(KUNDE, kind, lookupOf(kunde, zentrale))).toMatchObject({
				status: 'ok',
				contactId: KUNDE,
				via: []
			});
		}
	);

	it('uses the recipient’s document e-mail, not the original contact’s', () => {
		const z = contact(ZENTRALE, {
			channels: [email('info@zentrale.de')],
			customer: customer(null, 'eingangsrechnungen@zentrale.de')
		});
		expect(resolveEmailRecipient(KUNDE, 'creditNote', lookupOf(kunde, z))).toMatchObject({
			address: 'eingangsrechnungen@zentrale.de',
			rule: 'documentEmail',
			contactId: ZENTRALE
		});
	});

	it('follows a chain of invoice recipients', () => {
		const z = contact(ZENTRALE, { channels: [email('info@zentrale.de')], customer: customer(KONZERN) });
		const konzern = contact(KONZERN, { channels: [email('rechnung@konzern.de', 'invoice')] });
		expect(resolveEmailRecipient(KUNDE, 'invoice', lookupOf(kunde, z, konzern))).toEqual({
			status: 'ok',
			address: 'rechnung@konzern.de',
			rule: 'purpose',
			channelId: 'ch-rechnung@konzern.de',
			contactId: KONZERN,
			via: [KUNDE, ZENTRALE]
		});
	});

	it('reports a cycle instead of looping', () => {
		const z = contact(ZENTRALE, { channels: [email('info@zentrale.de')], customer: customer(KONZERN) });
		const konzern = contact(KONZERN, { channels: [email('info@konzern.de')], customer: customer(ZENTRALE) });
		expect(resolveEmailRecipient(KUNDE, 'invoice', lookupOf(kunde, z, konzern))).toEqual({
			status: 'none',
			reason: 'cycle',
			contactId: ZENTRALE,
			via: [KUNDE, ZENTRALE, KONZERN]
		});
	});

	it('reports a contact that names itself as invoice recipient as a cycle', () => {
		const self = contact(KUNDE, { channels: [email('info@kunde.de')], customer: customer(KUNDE) });
		expect(resolveEmailRecipient(KUNDE, 'invoice', lookupOf(self))).toEqual({
			status: 'none',
			reason: 'cycle',
			contactId: KUNDE,
			via: [KUNDE]
		});
		// Other kinds do not follow the recipient, so the cycle does not matter to them.
		expect(resolveEmailRecipient(KUNDE, 'quote', lookupOf(self))).toMatchObject({ status: 'ok' });
	});

	it('reports a missing invoice recipient rather than falling back to the contact', () => {
		const k = contact(KUNDE, { channels: [email('info@kunde.de')], customer: customer(OTHER) });
		expect(resolveEmailRecipient(KUNDE, 'invoice', lookupOf(k))).toEqual({
			status: 'none',
			reason: 'missingContact',
			contactId: OTHER,
			via: [KUNDE]
		});
	});

	it('reports a recipient without any e-mail as noEmail there', () => {
		const z = contact(ZENTRALE);
		expect(resolveEmailRecipient(KUNDE, 'invoice', lookupOf(kunde, z))).toEqual({
			status: 'none',
			reason: 'noEmail',
			contactId: ZENTRALE,
			via: [KUNDE]
		});
	});

	it('reads inherited values only through lookup: an effective contact person is routed as given', () => {
		// The lookup returns the effective contact: a contact person whose e-mail list was resolved
		// with the parent company's entries is routed on that list.
		const effective = contact(OTHER, { channels: [email('buchhaltung@firma.de', 'accounting')] });
		expect(resolveEmailRecipient(OTHER, 'deliveryNote', lookupOf(effective))).toMatchObject({
			address: 'buchhaltung@firma.de',
			rule: 'accounting'
		});
	});
});

describe('resolveEmailRecipient: trade embargo', () => {
	const blocked = contact(KUNDE, { channels: [email('info@kunde.de')], embargo });

	it.each(DOCUMENT_KINDS.filter((k) => !EMBARGO_EXEMPT_KINDS.includes(k)))('blocks %s', (kind) => {
		expect(resolveEmailRecipient(KUNDE, kind, lookupOf(blocked))).toEqual({
			status: 'blocked',
			reason: 'embargo',
			embargo,
			contactId: KUNDE,
			via: []
		});
	});

	it.each(EMBARGO_EXEMPT_KINDS)('lets %s through', (kind) => {
		expect(resolveEmailRecipient(KUNDE, kind, lookupOf(blocked))).toMatchObject({
			status: 'ok',
			address: 'info@kunde.de'
		});
	});

	it('blocks an invoice when the invoice recipient is under embargo', () => {
		const k = contact(KUNDE, { channels: [email('info@kunde.de')], customer: customer(ZENTRALE) });
		const z = contact(ZENTRALE, { channels: [email('info@zentrale.de')], embargo });
		expect(resolveEmailRecipient(KUNDE, 'invoice', lookupOf(k, z))).toEqual({
			status: 'blocked',
			reason: 'embargo',
			embargo,
			contactId: ZENTRALE,
			via: [KUNDE]
		});
		expect(resolveEmailRecipient(KUNDE, 'creditNote', lookupOf(k, z))).toMatchObject({
			status: 'ok',
			contactId: ZENTRALE
		});
	});

	it('blocks an invoice for a contact under embargo even when its recipient is not', () => {
		const k = contact(KUNDE, { channels: [email('info@kunde.de')], customer: customer(ZENTRALE), embargo });
		const z = contact(ZENTRALE, { channels: [email('info@zentrale.de')] });
		expect(resolveEmailRecipient(KUNDE, 'invoice', lookupOf(k, z))).toMatchObject({
			status: 'blocked',
			reason: 'embargo',
			contactId: KUNDE
		});
		expect(resolveEmailRecipient(KUNDE, 'cancellation', lookupOf(k, z))).toMatchObject({
			status: 'ok',
			contactId: ZENTRALE,
			via: [KUNDE]
		});
	});

	it('is checked before e-mail addresses: a contact without e-mail under embargo is blocked', () => {
		expect(resolveEmailRecipient(KUNDE, 'quote', lookupOf(contact(KUNDE, { embargo })))).toMatchObject({
			status: 'blocked',
			reason: 'embargo'
		});
	});
});

describe('resolveEmailRecipient: advertising consent', () => {
	const withConsent = (advertisingConsent: RoutingContact['advertisingConsent']) =>
		contact(KUNDE, { channels: [email('info@kunde.de')], advertisingConsent });

	it('sends advertising with recorded consent', () => {
		expect(resolveEmailRecipient(KUNDE, 'advertising', lookupOf(withConsent(null)))).toEqual({
			status: 'blocked',
			reason: 'noConsent',
			contactId: KUNDE,
			via: []
		});
		expect(
			resolveEmailRecipient(
				KUNDE,
				'advertising',
				lookupOf(withConsent({ date: '2024-01-10', source: 'Messe' }))
			)
		).toMatchObject({ status: 'ok', address: 'info@kunde.de' });
	});

	it.each([[{ date: '', source: 'Messe' }], [{ date: '2024-01-10', source: '  ' }]])(
		'treats incomplete consent %j as none',
		(consent) => {
			expect(resolveEmailRecipient(KUNDE, 'advertising', lookupOf(withConsent(consent)))).toMatchObject({
				status: 'blocked',
				reason: 'noConsent'
			});
			expect(hasAdvertisingConsent(consent)).toBe(false);
		}
	);

	it('does not need consent for business documents', () => {
		for (const kind of BUSINESS_KINDS) {
			expect(resolveEmailRecipient(KUNDE, kind, lookupOf(withConsent(null)))).toMatchObject({ status: 'ok' });
		}
	});

	it('reports an embargo before missing consent', () => {
		const c = contact(KUNDE, { channels: [email('info@kunde.de')], advertisingConsent: null, embargo });
		expect(resolveEmailRecipient(KUNDE, 'advertising', lookupOf(c))).toMatchObject({
			status: 'blocked',
			reason: 'embargo'
		});
	});

	it('reports missing consent before a missing address', () => {
		const c = contact(KUNDE, { advertisingConsent: null });
		expect(resolveEmailRecipient(KUNDE, 'advertising', lookupOf(c))).toMatchObject({
			status: 'blocked',
			reason: 'noConsent'
		});
	});

	it('prefers the advertising e-mail and ignores the document and accounting e-mails', () => {
		const c = contact(KUNDE, {
			channels: [
				email('buchhaltung@kunde.de', 'accounting'),
				email('info@kunde.de'),
				email('newsletter@kunde.de', 'advertising')
			],
			customer: customer(ZENTRALE, 'belege@kunde.de')
		});
		expect(resolveEmailRecipient(KUNDE, 'advertising', lookupOf(c))).toMatchObject({
			status: 'ok',
			address: 'newsletter@kunde.de',
			rule: 'purpose',
			contactId: KUNDE
		});
	});
});

describe('document kinds', () => {
	it('are the e-mail purposes without accounting', () => {
		const kinds: readonly DocumentKind[] = DOCUMENT_KINDS;
		expect([...kinds].sort()).toEqual(
			[
				'advertising',
				'cancellation',
				'creditNote',
				'deliveryNote',
				'invoice',
				'purchaseOrder',
				'quote',
				'storageLetter',
				'workOrder'
			].sort()
		);
	});
});
