import { describe, expect, it } from 'vitest';
import {
	FEDERAL_STATES,
	elsterTaxNumberState,
	taxNumberNotation,
	validateTaxNumber,
	type FederalState
} from '../../src/lib/domain';

// The example numbers of ELSTER's and the tax software makers' tables (one per state), in the
// state's own notation and in the 13-digit ELSTER form.
const EXAMPLES: readonly [FederalState, string, string][] = [
	['BW', '93815/08152', '2893081508152'],
	['BY', '181/815/08155', '9181081508155'],
	['BE', '21/815/08150', '1121081508150'],
	['BB', '048/815/08155', '3048081508155'],
	['HB', '75 815 08152', '2475081508152'],
	['HH', '02/815/08156', '2202081508156'],
	['HE', '013 815 08153', '2613081508153'],
	['MV', '079/815/08151', '4079081508151'],
	['NI', '24/815/08151', '2324081508151'],
	['NW', '133/8150/8159', '5133081508159'],
	['RP', '22/815/0815/4', '2722081508154'],
	['SL', '010/815/08182', '1010081508182'],
	['SN', '201/123/12340', '3201012312340'],
	['ST', '101/815/08154', '3101081508154'],
	['SH', '29 815 08158', '2129081508158'],
	['TH', '151/815/08156', '4151081508156']
];

describe('validateTaxNumber', () => {
	it('has an example for every state', () => {
		expect(EXAMPLES.map(([state]) => state).sort()).toEqual([...FEDERAL_STATES].sort());
	});

	it.each(EXAMPLES)('%s: %s in its own notation gives the ELSTER form %s', (state, notation, elster) => {
		expect(validateTaxNumber(notation, state)).toMatchObject({
			ok: true,
			value: { notation, elster, state }
		});
	});

	it.each(EXAMPLES)('%s: the bare digits of %s are written in the state notation', (state, notation) => {
		const digits = notation.replace(/\D/g, '');
		expect(validateTaxNumber(digits, state)).toMatchObject({ ok: true, value: { notation } });
		expect(validateTaxNumber(` ${digits.slice(0, 3)} ${digits.slice(3)} `, state)).toMatchObject({
			ok: true,
			value: { notation }
		});
	});

	it.each(EXAMPLES)('%s: the ELSTER form %s names its state', (state, _, elster) => {
		expect(validateTaxNumber(elster)).toEqual({
			ok: true,
			value: { notation: elster, elster, state, states: [state] }
		});
		expect(validateTaxNumber(elster, state)).toMatchObject({ ok: true, value: { state } });
	});

	it.each(EXAMPLES)('%s: the ELSTER form %s reads back as %s', (_, notation, elster) => {
		expect(taxNumberNotation(elster)).toBe(notation);
	});

	it('refuses an ELSTER form of another state than the given one', () => {
		expect(validateTaxNumber('2893081508152', 'BY')).toEqual({ ok: false, error: 'taxNumberState' });
		expect(validateTaxNumber('9181081508155', 'NW')).toEqual({ ok: false, error: 'taxNumberState' });
	});

	it.each([
		// No state has these Finanzamt prefixes.
		['7151081508156', null],
		['2593081508152', null],
		['1293081508152', null],
		['6133081508159', null],
		// The fifth ELSTER digit is always 0.
		['2893181508152', null],
		['9181181508155', 'BY'],
		// Ten digits are no Bavarian number, eleven none of Baden-Württemberg.
		['9381508152', 'BY'],
		['18181508155', 'BW'],
		// Brandenburg, Hessen, Mecklenburg-Vorpommern and Saarland start with 0, Sachsen with 2,
		// Sachsen-Anhalt and Thüringen with 1.
		['148/815/08155', 'BB'],
		['113 815 08153', 'HE'],
		['179/815/08151', 'MV'],
		['110/815/08182', 'SL'],
		['101/123/12340', 'SN'],
		['201/815/08154', 'ST'],
		['051/815/08156', 'TH'],
		['12345', null],
		['123456789', null],
		['123456789012', null],
		['12345678901234', null],
		['181-815-08155', null],
		['181/815/O8155', null],
		['DE 181/815/08155', null]
	] as const)('%j (state %s) is taxNumberFormat', (input, state) => {
		expect(validateTaxNumber(input, state)).toEqual({ ok: false, error: 'taxNumberFormat' });
	});

	it('needs a value', () => {
		expect(validateTaxNumber('')).toEqual({ ok: false, error: 'required' });
		expect(validateTaxNumber(' / ')).toEqual({ ok: false, error: 'required' });
	});

	it('without a state, takes ten digits as plausible for every ten-digit state', () => {
		expect(validateTaxNumber('93815/08152')).toEqual({
			ok: true,
			value: {
				notation: '9381508152',
				elster: null,
				state: null,
				states: ['BW', 'BE', 'HB', 'HH', 'NI', 'RP', 'SH']
			}
		});
	});

	it('without a state, narrows eleven digits by their first digit', () => {
		expect(validateTaxNumber('013 815 08153')).toMatchObject({
			ok: true,
			value: { elster: null, state: null, states: ['BY', 'BB', 'HE', 'MV', 'NW', 'SL'] }
		});
		expect(validateTaxNumber('201/123/12340')).toMatchObject({
			ok: true,
			value: { states: ['BY', 'NW', 'SN'] }
		});
		expect(validateTaxNumber('151/815/08156')).toMatchObject({
			ok: true,
			value: { states: ['BY', 'NW', 'ST', 'TH'] }
		});
	});

	it('reads the same digits in another layout as the same number', () => {
		expect(validateTaxNumber('181/8150/8155', 'BY')).toMatchObject({
			ok: true,
			value: { notation: '181/815/08155', elster: '9181081508155' }
		});
		expect(validateTaxNumber('181/815/08155', 'NW')).toMatchObject({
			ok: true,
			value: { notation: '181/8150/8155', elster: '5181081508155' }
		});
	});
});

describe('elsterTaxNumberState', () => {
	it.each(EXAMPLES)('%s', (state, _, elster) => {
		expect(elsterTaxNumberState(elster)).toBe(state);
	});

	it.each([['7151081508156'], ['289308150815'], ['28930815081522'], ['2893181508152'], ['28930815O8152']])(
		'%j names no state',
		(input) => {
			expect(elsterTaxNumberState(input)).toBeNull();
			expect(taxNumberNotation(input)).toBeNull();
		}
	);
});
