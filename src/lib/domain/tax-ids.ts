import {
	austria,
	bulgaria,
	checkVAT,
	croatia,
	cyprus,
	czechRepublic,
	denmark,
	estonia,
	finland,
	france,
	germany,
	greece,
	hungary,
	ireland,
	italy,
	latvia,
	lithuania,
	luxembourg,
	malta,
	netherlands,
	poland,
	portugal,
	romania,
	slovakiaRepublic,
	slovenia,
	spain,
	sweden,
	unitedKingdom,
	type Country
} from 'jsvat';
import type { Checked } from './commercial';

export type VatIdError = 'required' | 'vatCountry' | 'vatFormat' | 'vatChecksum';
export type EoriError = 'required' | 'eoriCountry' | 'eoriFormat';

/**
 * jsvat 2.5.4 (its last release) still knows Belgian enterprise numbers only with a leading 0, but
 * since the 0-series ran out (2023) the Crossroads Bank for Enterprises also issues numbers starting
 * with 1 (FPS Economy, "Structure of the enterprise number": 0 or 1, then nine digits, the last two
 * being 97 minus the first eight modulo 97). jsvat takes the list of countries to check against, so
 * this rule replaces its Belgian one there; every other country is jsvat's own.
 */
export const belgiumVatRule: Country = {
	name: 'Belgium',
	codes: ['BE', 'BEL', '056'],
	calcFn: (digits: string) => 97 - (Number(digits.slice(0, 8)) % 97) === Number(digits.slice(8, 10)),
	rules: { multipliers: {}, regex: [/^(BE)([01]\d{9})$/] }
};

/**
 * VAT ID prefixes (VIES spelling: Greece is EL) of the EU member states, and XI for traders in
 * Northern Ireland, which still take part in the EU VAT system for goods. XI numbers have the form of
 * UK VAT numbers, so they are checked with the UK rule.
 */
const VAT_COUNTRIES: Readonly<Record<string, Country>> = {
	AT: austria,
	BE: belgiumVatRule,
	BG: bulgaria,
	CY: cyprus,
	CZ: czechRepublic,
	DE: germany,
	DK: denmark,
	EE: estonia,
	EL: greece,
	ES: spain,
	FI: finland,
	FR: france,
	HR: croatia,
	HU: hungary,
	IE: ireland,
	IT: italy,
	LT: lithuania,
	LU: luxembourg,
	LV: latvia,
	MT: malta,
	NL: netherlands,
	PL: poland,
	PT: portugal,
	RO: romania,
	SE: sweden,
	SI: slovenia,
	SK: slovakiaRepublic,
	XI: unitedKingdom
};

/** The prefixes a VAT ID may start with. */
export const VAT_ID_PREFIXES: readonly string[] = Object.keys(VAT_COUNTRIES);

/**
 * Checks an EU VAT identification number (USt-IdNr.) for its country's format and check digits with
 * jsvat. Spaces, dots, dashes and slashes are dropped and letters upper-cased. "GR" is accepted for
 * Greece and stored as "EL", the prefix VIES uses. Whether the number is registered only VIES can
 * tell; this is the offline check before saving.
 */
export function validateVatId(input: string): Checked<string, VatIdError> {
	let vatId = input.replace(/[\s.\-/]+/g, '').toUpperCase();
	if (vatId === '') return { ok: false, error: 'required' };
	if (vatId.startsWith('GR')) vatId = `EL${vatId.slice(2)}`;
	const prefix = vatId.slice(0, 2);
	const country = VAT_COUNTRIES[prefix];
	if (!country) return { ok: false, error: 'vatCountry' };
	// jsvat finds the country by prefix, so the XI number is handed over in its UK spelling.
	const result = checkVAT(prefix === 'XI' ? `GB${vatId.slice(2)}` : vatId, [country]);
	if (!result.isValidFormat) return { ok: false, error: 'vatFormat' };
	if (!result.isValid) return { ok: false, error: 'vatChecksum' };
	return { ok: true, value: vatId };
}

/** Countries that issue EORI numbers: the EU member states (ISO codes: Greece is GR here), GB and XI. */
export const EORI_COUNTRIES: readonly string[] = [
	'AT',
	'BE',
	'BG',
	'CY',
	'CZ',
	'DE',
	'DK',
	'EE',
	'ES',
	'FI',
	'FR',
	'GR',
	'HR',
	'HU',
	'IE',
	'IT',
	'LT',
	'LU',
	'LV',
	'MT',
	'NL',
	'PL',
	'PT',
	'RO',
	'SE',
	'SI',
	'SK',
	'GB',
	'XI'
];

/**
 * Checks an EORI number: the issuing country's code and up to 15 letters or digits (Commission
 * Delegated Regulation (EU) 2015/2446, EORI structure); German numbers (customs number based) are
 * digits only. EORI has no check digit, so this is a format check; the registry tells the rest.
 */
export function validateEori(input: string): Checked<string, EoriError> {
	const eori = input.replace(/\s+/g, '').toUpperCase();
	if (eori === '') return { ok: false, error: 'required' };
	const country = eori.slice(0, 2);
	if (!/^[A-Z]{2}$/.test(country) || !EORI_COUNTRIES.includes(country)) {
		return { ok: false, error: 'eoriCountry' };
	}
	const national = eori.slice(2);
	const shape = country === 'DE' ? /^\d{1,15}$/ : /^[0-9A-Z]{1,15}$/;
	if (!shape.test(national)) return { ok: false, error: 'eoriFormat' };
	return { ok: true, value: eori };
}
