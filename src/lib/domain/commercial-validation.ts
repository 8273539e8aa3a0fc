import { validateSepaMandate, type SepaMandateField } from './bank-account';
import type {
	Checked,
	CheckedForm,
	CustomerData,
	FieldErrors,
	SepaMandate,
	SupplierData
} from './commercial';
import { isUuid, type ContactId } from './ids';
import { validateEori, validateVatId } from './tax-ids';
import { validateTaxNumber, type FederalState } from './tax-number';
import { validateEmail } from './validation';

/** Longest customer or supplier number; number ranges produce far shorter ones. */
export const MAX_ACCOUNT_NUMBER_LENGTH = 40;

/**
 * Reads a discount in percent: a number, or text as typed ("12,5", "12.5", " 7 "). 0 to 100 with at
 * most two decimals; the value comes back rounded to cents of a percent, so 12.1 + float noise is 12.1.
 */
export function validateDiscount(input: number | string): Checked<number> {
	let value: number;
	if (typeof input === 'number') {
		value = input;
	} else {
		const text = input.trim().replace(',', '.');
		if (text === '') return { ok: false, error: 'required' };
		if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return { ok: false, error: 'discountInvalid' };
		value = Number(text);
	}
	if (!Number.isFinite(value)) return { ok: false, error: 'discountInvalid' };
	if (value < 0 || value > 100) return { ok: false, error: 'discountRange' };
	const cents = value * 100;
	if (Math.abs(cents - Math.round(cents)) > 1e-6) return { ok: false, error: 'discountPrecision' };
	// Math.round(-0) is -0; a stored discount is never negative zero.
	return { ok: true, value: Math.round(cents) / 100 || 0 };
}

/** The customer tab as the form hands it over: discounts may still be text as typed. */
export type CustomerDataInput = Omit<CustomerData, 'discounts'> & {
	discounts: Readonly<Record<string, number | string>>;
};

/** Field paths of the customer tab that can carry an error. */
export type CustomerField =
	Exclude<keyof CustomerData, 'sepa' | 'discounts'> | `sepa.${SepaMandateField}` | `discounts.${string}`;

/** The invoice recipient fields of other contacts, for the cycle check. */
export type InvoiceRecipientLookup = (
	id: ContactId
) => { customer: Pick<CustomerData, 'invoiceRecipientId'> | null } | undefined;

export interface CustomerCheckOptions {
	/** The contact whose tab this is: it cannot be its own invoice recipient. */
	contactId?: ContactId;
	/** The contact's country (ISO code); German formats apply to the tax number only for 'DE'. */
	country?: string;
	/** The federal state, when known: then the tax number must fit that state's notation. */
	federalState?: FederalState | null;
	/** Today, `YYYY-MM-DD`: a mandate cannot be signed later. */
	today?: string;
	/** Other contacts' customer tabs: with it, a missing recipient or a recipient cycle is refused. */
	lookup?: InvoiceRecipientLookup;
}

function checkAccountNumber(input: string): Checked<string> {
	const value = input.trim();
	return value.length > MAX_ACCOUNT_NUMBER_LENGTH ? { ok: false, error: 'tooLong' } : { ok: true, value };
}

function optionalId(input: string | null): string | null {
	const value = input?.trim() ?? '';
	return value === '' ? null : value;
}

/** Runs a check on a value that may be left empty: '' stays '', anything else must pass. */
function optional(input: string, check: (input: string) => Checked<string>): Checked<string> {
	return input.trim() === '' ? { ok: true, value: '' } : check(input);
}

/**
 * Checks the invoice recipient: a contact id, not the contact itself, and, given a lookup, a contact
 * that exists and whose own chain of invoice recipients does not lead back here.
 */
function checkInvoiceRecipient(
	recipient: ContactId | null,
	options: CustomerCheckOptions
): Checked<ContactId | null> {
	if (recipient === null) return { ok: true, value: null };
	if (!isUuid(recipient)) return { ok: false, error: 'invoiceRecipientInvalid' };
	if (recipient === options.contactId) return { ok: false, error: 'invoiceRecipientSelf' };
	if (!options.lookup) return { ok: true, value: recipient };
	if (!options.lookup(recipient)) return { ok: false, error: 'invoiceRecipientMissing' };
	const seen = new Set<ContactId>([recipient]);
	let next = options.lookup(recipient)?.customer?.invoiceRecipientId ?? null;
	while (next !== null) {
		if (next === options.contactId || seen.has(next)) return { ok: false, error: 'invoiceRecipientCycle' };
		seen.add(next);
		next = options.lookup(next)?.customer?.invoiceRecipientId ?? null;
	}
	return { ok: true, value: recipient };
}

function checkDiscounts(
	discounts: Readonly<Record<string, number | string>>,
	errors: FieldErrors<CustomerField>
): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [group, input] of Object.entries(discounts)) {
		if (group.trim() === '') {
			errors[`discounts.${group}`] = 'productGroupInvalid';
			continue;
		}
		const checked = validateDiscount(input);
		if (checked.ok) out[group] = checked.value;
		else errors[`discounts.${group}`] = checked.error;
	}
	return out;
}

/**
 * Checks every field of the customer tab and returns it normalised, or every error keyed by field
 * path, so the caller can refuse to save anything invalid and show each error at its field.
 */
export function validateCustomerData(
	data: CustomerDataInput,
	options: CustomerCheckOptions = {}
): CheckedForm<CustomerData, CustomerField> {
	const errors: FieldErrors<CustomerField> = {};
	const take = <T>(field: CustomerField, result: Checked<T>, fallback: T): T => {
		if (result.ok) return result.value;
		errors[field] = result.error;
		return fallback;
	};

	const country = (options.country ?? 'DE').toUpperCase();
	const taxNumber =
		country === 'DE'
			? optional(data.taxNumber, (input) => {
					const checked = validateTaxNumber(input, options.federalState ?? null);
					return checked.ok ? { ok: true, value: checked.value.notation } : checked;
				})
			: optional(data.taxNumber, (input) => {
					const value = input.trim().replace(/\s+/g, ' ');
					return value.length > MAX_ACCOUNT_NUMBER_LENGTH
						? { ok: false, error: 'tooLong' }
						: { ok: true, value };
				});

	let sepa: SepaMandate | null = null;
	if (data.sepa) {
		const checked = validateSepaMandate(data.sepa, { today: options.today });
		if (checked.ok) {
			sepa = checked.value;
		} else {
			for (const [field, error] of Object.entries(checked.errors)) {
				errors[`sepa.${field as SepaMandateField}`] = error;
			}
		}
	}

	const value: CustomerData = {
		customerNumber: take('customerNumber', checkAccountNumber(data.customerNumber), ''),
		supplierNumberAtCustomer: take(
			'supplierNumberAtCustomer',
			checkAccountNumber(data.supplierNumberAtCustomer),
			''
		),
		invoiceRecipientId: take(
			'invoiceRecipientId',
			checkInvoiceRecipient(data.invoiceRecipientId, options),
			null
		),
		documentEmail: take(
			'documentEmail',
			optional(data.documentEmail, (input) => {
				const checked = validateEmail(input);
				if (checked.ok) return { ok: true, value: checked.value.value };
				return { ok: false, error: checked.error === 'tooLong' ? 'tooLong' : 'emailInvalid' };
			}),
			''
		),
		deliveryTermsId: optionalId(data.deliveryTermsId),
		paymentTermsId: optionalId(data.paymentTermsId),
		sepa,
		collectiveInvoice: data.collectiveInvoice,
		dunning: data.dunning,
		vatId: take('vatId', optional(data.vatId, validateVatId), ''),
		taxNumber: take('taxNumber', taxNumber, ''),
		eori: take('eori', optional(data.eori, validateEori), ''),
		discounts: checkDiscounts(data.discounts, errors)
	};
	return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** Field paths of the supplier tab that can carry an error. */
export type SupplierField = 'supplierNumber' | 'customerNumberAtSupplier';

/** Checks the supplier tab like `validateCustomerData` does the customer tab. */
export function validateSupplierData(data: SupplierData): CheckedForm<SupplierData, SupplierField> {
	const errors: FieldErrors<SupplierField> = {};
	const supplierNumber = checkAccountNumber(data.supplierNumber);
	const customerNumberAtSupplier = checkAccountNumber(data.customerNumberAtSupplier);
	if (!supplierNumber.ok) errors.supplierNumber = supplierNumber.error;
	if (!customerNumberAtSupplier.ok) errors.customerNumberAtSupplier = customerNumberAtSupplier.error;
	if (!supplierNumber.ok || !customerNumberAtSupplier.ok) return { ok: false, errors };
	return {
		ok: true,
		value: {
			supplierNumber: supplierNumber.value,
			customerNumberAtSupplier: customerNumberAtSupplier.value,
			paymentTermsId: optionalId(data.paymentTermsId)
		}
	};
}
