import type { Checked } from './commercial';

/** German federal states (Bundesländer), by their ISO 3166-2:DE subdivision code. */
export const FEDERAL_STATES = [
	'BW',
	'BY',
	'BE',
	'BB',
	'HB',
	'HH',
	'HE',
	'MV',
	'NI',
	'NW',
	'RP',
	'SL',
	'SN',
	'ST',
	'SH',
	'TH'
] as const;
export type FederalState = (typeof FEDERAL_STATES)[number];

export type TaxNumberError = 'required' | 'taxNumberFormat' | 'taxNumberState';

interface StateFormat {
	/** How the state writes it on its notices (Bescheide): F Finanzamt, B Bezirk, U Unterscheidung, P check digit. */
	layout: string;
	/** Digits the 13-digit ELSTER form puts before the Finanzamt part of the state's own notation. */
	elsterPrefix: string;
	/** A digit every number of the state starts with in its own notation ('' when any digit). */
	lead: string;
	/** Hessen's leading 0 is not part of the Finanzamt number, so the ELSTER form drops it. */
	dropLead: boolean;
}

/**
 * The "Standardschema der Länder" and the "vereinheitlichte Bundesschema" for ELSTER, as ELSTER's
 * help on the Steuernummer ("Wo finde ich meine Steuernummer?", elster.de) and the tables in the
 * Lexware/DATEV program help and de.wikipedia.org "Steuernummer" give them (examples in the tests):
 *
 *   state  notation        ELSTER (13 digits)     state  notation        ELSTER (13 digits)
 *   BW     FFBBB/UUUUP     28FF0BBBUUUUP          NI     FF/BBB/UUUUP    23FF0BBBUUUUP
 *   BY     FFF/BBB/UUUUP   9FFF0BBBUUUUP          NW     FFF/BBBB/UUUP   5FFF0BBBBUUUP
 *   BE     FF/BBB/UUUUP    11FF0BBBUUUUP          RP     FF/BBB/UUUU/P   27FF0BBBUUUUP
 *   BB     0FF/BBB/UUUUP   30FF0BBBUUUUP          SL     0FF/BBB/UUUUP   10FF0BBBUUUUP
 *   HB     FF BBB UUUUP    24FF0BBBUUUUP          SN     2FF/BBB/UUUUP   32FF0BBBUUUUP
 *   HH     FF/BBB/UUUUP    22FF0BBBUUUUP          ST     1FF/BBB/UUUUP   31FF0BBBUUUUP
 *   HE     0FF BBB UUUUP   26FF0BBBUUUUP          SH     FF BBB UUUUP    21FF0BBBUUUUP
 *   MV     0FF/BBB/UUUUP   40FF0BBBUUUUP          TH     1FF/BBB/UUUUP   41FF0BBBUUUUP
 *
 * The first four ELSTER digits are the Bundesfinanzamtsnummer, then a 0, then the last eight digits
 * of the state's notation. Those four digits name the state without overlap (5 and 9 stand alone;
 * no other number starts with them), which is how a 13-digit number tells its state. The check
 * digit P follows a different procedure per state and is not verified here: this is the
 * plausibility check of the format, as the issue asks for.
 */
const STATE_FORMATS: Readonly<Record<FederalState, StateFormat>> = {
	BW: { layout: 'FFBBB/UUUUP', elsterPrefix: '28', lead: '', dropLead: false },
	BY: { layout: 'FFF/BBB/UUUUP', elsterPrefix: '9', lead: '', dropLead: false },
	BE: { layout: 'FF/BBB/UUUUP', elsterPrefix: '11', lead: '', dropLead: false },
	BB: { layout: 'FFF/BBB/UUUUP', elsterPrefix: '3', lead: '0', dropLead: false },
	HB: { layout: 'FF BBB UUUUP', elsterPrefix: '24', lead: '', dropLead: false },
	HH: { layout: 'FF/BBB/UUUUP', elsterPrefix: '22', lead: '', dropLead: false },
	HE: { layout: 'FFF BBB UUUUP', elsterPrefix: '26', lead: '0', dropLead: true },
	MV: { layout: 'FFF/BBB/UUUUP', elsterPrefix: '4', lead: '0', dropLead: false },
	NI: { layout: 'FF/BBB/UUUUP', elsterPrefix: '23', lead: '', dropLead: false },
	NW: { layout: 'FFF/BBBB/UUUP', elsterPrefix: '5', lead: '', dropLead: false },
	RP: { layout: 'FF/BBB/UUUU/P', elsterPrefix: '27', lead: '', dropLead: false },
	SL: { layout: 'FFF/BBB/UUUUP', elsterPrefix: '1', lead: '0', dropLead: false },
	SN: { layout: 'FFF/BBB/UUUUP', elsterPrefix: '3', lead: '2', dropLead: false },
	ST: { layout: 'FFF/BBB/UUUUP', elsterPrefix: '3', lead: '1', dropLead: false },
	SH: { layout: 'FF BBB UUUUP', elsterPrefix: '21', lead: '', dropLead: false },
	TH: { layout: 'FFF/BBB/UUUUP', elsterPrefix: '4', lead: '1', dropLead: false }
};

/** Digits in the state's own notation (10 or 11). */
function notationLength(format: StateFormat): number {
	return format.layout.replace(/[^FBUP]/g, '').length;
}

/** Length of the Finanzamt part of the state's notation (2 or 3 digits, Hessen's 0 included). */
function financeOfficeLength(format: StateFormat): number {
	return notationLength(format) - 8;
}

/** The digits that start the ELSTER form of a state's numbers: Bundesfinanzamtsnummer prefix. */
function elsterStart(format: StateFormat): string {
	return format.dropLead ? format.elsterPrefix : format.elsterPrefix + format.lead;
}

function fitsState(digits: string, format: StateFormat): boolean {
	return digits.length === notationLength(format) && digits.startsWith(format.lead);
}

/** Writes the digits of the state's notation in its layout ("93815/08152", "013 815 08153"). */
function layOut(digits: string, format: StateFormat): string {
	let i = 0;
	return format.layout.replace(/[FBUP]/g, () => digits[i++] ?? '');
}

function toElster(digits: string, format: StateFormat): string {
	const office = digits.slice(format.dropLead ? 1 : 0, financeOfficeLength(format));
	return `${format.elsterPrefix}${office}0${digits.slice(financeOfficeLength(format))}`;
}

/** Back from ELSTER: the Finanzamt digits end at the fourth digit, the 0 after them is dropped. */
function fromElster(elster: string, format: StateFormat): string {
	const office = elster.slice(format.elsterPrefix.length, 4);
	return `${format.dropLead ? format.lead : ''}${office}${elster.slice(5)}`;
}

/** The state a 13-digit ELSTER number belongs to, or null when its first digits name none. */
export function elsterTaxNumberState(elster: string): FederalState | null {
	if (!/^\d{13}$/.test(elster) || elster[4] !== '0') return null;
	return FEDERAL_STATES.find((s) => elster.startsWith(elsterStart(STATE_FORMATS[s]))) ?? null;
}

/** A German tax number as read: the notation to store and what is known about it. */
export interface TaxNumber {
	/**
	 * What is stored: the state's notation ("181/815/08155") when the state is known, the 13 digits
	 * of an ELSTER form as typed, or the bare digits when 10 or 11 digits fit several states.
	 */
	notation: string;
	/** The 13-digit ELSTER form, or null while the state is unknown. */
	elster: string | null;
	/** The state, given or read from the ELSTER form; null when the notation fits several. */
	state: FederalState | null;
	/** Every state whose notation the number fits. */
	states: FederalState[];
}

/**
 * Checks a German Steuernummer against the notation of its federal state, or, without a state,
 * against any state's notation. The 13-digit ELSTER form is accepted too and names its own state
 * (`taxNumberState` when it names another than the given one). Spaces and slashes are ignored, so
 * "181 815 08155" and "181/815/08155" are the same number. Ten or eleven digits cannot tell their
 * state (BW, Berlin, Hamburg ... all use ten), so without `state` they are plausible when some state's
 * notation fits, and the ELSTER form stays unknown.
 */
export function validateTaxNumber(
	input: string,
	state: FederalState | null = null
): Checked<TaxNumber, TaxNumberError> {
	const compact = input.replace(/[\s/]+/g, '');
	if (compact === '') return { ok: false, error: 'required' };
	if (!/^\d+$/.test(compact)) return { ok: false, error: 'taxNumberFormat' };

	if (compact.length === 13) {
		const own = elsterTaxNumberState(compact);
		if (!own) return { ok: false, error: 'taxNumberFormat' };
		if (state && own !== state) return { ok: false, error: 'taxNumberState' };
		return { ok: true, value: { notation: compact, elster: compact, state: own, states: [own] } };
	}

	const states = FEDERAL_STATES.filter((s) => fitsState(compact, STATE_FORMATS[s]));
	if (state) {
		const format = STATE_FORMATS[state];
		if (!fitsState(compact, format)) return { ok: false, error: 'taxNumberFormat' };
		return {
			ok: true,
			value: { notation: layOut(compact, format), elster: toElster(compact, format), state, states }
		};
	}
	if (states.length === 0) return { ok: false, error: 'taxNumberFormat' };
	return { ok: true, value: { notation: compact, elster: null, state: null, states } };
}

/** The state's own notation of a 13-digit ELSTER number ("9181081508155" -> "181/815/08155"). */
export function taxNumberNotation(elster: string): string | null {
	const state = elsterTaxNumberState(elster);
	if (!state) return null;
	const format = STATE_FORMATS[state];
	return layOut(fromElster(elster, format), format);
}
