import type { MessageKey } from '../i18n/de';
import { countryName, t } from '../i18n/index.svelte';

/** The message for an error code from validation or the store, in the UI language. */
export function errorText(code: string, country = 'DE'): string {
	const key = `error.${code}` as MessageKey;
	const probe = t(key);
	if (probe === undefined) return t('error.unknown');
	return t(key, { country: countryName(country) });
}

/** Countries offered in the address; any stored ISO code is shown even if not in this list. */
export const COUNTRIES = [
	'DE',
	'AT',
	'CH',
	'LI',
	'LU',
	'BE',
	'NL',
	'FR',
	'IT',
	'ES',
	'PT',
	'DK',
	'SE',
	'NO',
	'FI',
	'PL',
	'CZ',
	'SK',
	'HU',
	'SI',
	'HR',
	'RO',
	'BG',
	'GR',
	'IE',
	'GB',
	'EE',
	'LV',
	'LT',
	'MT',
	'CY',
	'TR',
	'US',
	'CA',
	'CN',
	'JP'
] as const;
