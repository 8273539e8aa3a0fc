import type { ContactId } from './ids';

/**
 * Why a commercial value (customer or supplier tab) was not saved. One list that the type, the UI's
 * message table and its test derive from; each code has a message in every UI language.
 */
export const COMMERCIAL_ERRORS = [
	'required',
	'tooLong',
	'emailInvalid',
	'ibanFormat',
	'ibanCountry',
	'ibanChecksum',
	'ibanNotSepa',
	'bicFormat',
	'bicCountry',
	'mandateReferenceFormat',
	'mandateDateInvalid',
	'mandateDateFuture',
	'vatFormat',
	'vatCountry',
	'vatChecksum',
	'eoriFormat',
	'eoriCountry',
	'taxNumberFormat',
	'taxNumberState',
	'discountInvalid',
	'discountRange',
	'discountPrecision',
	'productGroupInvalid',
	'invoiceRecipientInvalid',
	'invoiceRecipientSelf',
	'invoiceRecipientMissing',
	'invoiceRecipientCycle'
] as const;
export type CommercialError = (typeof COMMERCIAL_ERRORS)[number];

/** The result of checking one value: the normalised value, or one error code. */
export type Checked<T, E extends string = CommercialError> = { ok: true; value: T } | { ok: false; error: E };

/** Errors of a whole form, keyed by field path ("vatId", "sepa.iban", "discounts.<productGroupId>"). */
export type FieldErrors<K extends string> = Partial<Record<K, CommercialError>>;

/** The result of checking a whole tab: everything normalised, or every field that is wrong. */
export type CheckedForm<T, K extends string> = { ok: true; value: T } | { ok: false; errors: FieldErrors<K> };

/** SEPA-Lastschriftmandat: what a direct debit from the customer's account needs. */
export interface SepaMandate {
	/** Mandatsreferenz, unique per creditor: at most 35 characters of the SEPA character set. */
	reference: string;
	/** Date the mandate was signed, `YYYY-MM-DD`. */
	signedOn: string;
	/** Kontoinhaber. */
	accountHolder: string;
	/** Stored in electronic form: upper case, no spaces. */
	iban: string;
	/** Optional for SEPA payments inside the EEA; '' when not given. */
	bic: string;
}

/** Kunde tab. Ids of terms and product groups point into workspace lists. */
export interface CustomerData {
	/** Kundennummer: our number for this customer. */
	customerNumber: string;
	/** Lieferantennummer: the number this customer keeps us under. */
	supplierNumberAtCustomer: string;
	/** Abweichender Rechnungsempfänger: invoices and credit notes go to this contact instead. */
	invoiceRecipientId: ContactId | null;
	/** E-mail that overrides the recipient of business documents (every kind but advertising); ''. */
	documentEmail: string;
	deliveryTermsId: string | null;
	paymentTermsId: string | null;
	/** Null when the customer pays without direct debit. */
	sepa: SepaMandate | null;
	/** Sammelrechnung. */
	collectiveInvoice: boolean;
	/** Takes part in the Mahnverfahren. */
	dunning: boolean;
	/** USt-IdNr., normalised ("DE136695976"); ''. */
	vatId: string;
	/** Steuernummer; for German contacts in the notation of its federal state when that is known. */
	taxNumber: string;
	/** EORI number, normalised; ''. */
	eori: string;
	/** Discount in percent (0-100, two decimals) per product group id. */
	discounts: Readonly<Record<string, number>>;
}

/** Lieferant tab. */
export interface SupplierData {
	/** The supplier's number in our books. */
	supplierNumber: string;
	/** Our customer number at this supplier. */
	customerNumberAtSupplier: string;
	paymentTermsId: string | null;
}

/** Handelssperre: while set, no business document but a cancellation or a credit note may be sent. */
export interface TradeEmbargo {
	reason: string;
	/** `YYYY-MM-DD`. */
	since: string;
}

/** Recorded consent to advertising (Werbeeinwilligung); both parts are needed to count as consent. */
export interface AdvertisingConsent {
	/** `YYYY-MM-DD`. */
	date: string;
	/** How it was given: "Messe 2024, Formular", "Double-Opt-in Newsletter" ... */
	source: string;
}

export function emptyCustomerData(): CustomerData {
	return {
		customerNumber: '',
		supplierNumberAtCustomer: '',
		invoiceRecipientId: null,
		documentEmail: '',
		deliveryTermsId: null,
		paymentTermsId: null,
		sepa: null,
		collectiveInvoice: false,
		dunning: true,
		vatId: '',
		taxNumber: '',
		eori: '',
		discounts: {}
	};
}

export function emptySupplierData(): SupplierData {
	return { supplierNumber: '', customerNumberAtSupplier: '', paymentTermsId: null };
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (!m) return false;
	const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The device's local calendar date, `YYYY-MM-DD`: the day the user sees. */
export function localDate(now: Date): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
