/**
 * The 50 search queries, typed character by character: what people look for in a German address
 * book. Surnames, company-name prefixes, cities, postcodes, e-mail and phone fragments, mixed terms.
 */
export const QUERIES: readonly string[] = [
	// surnames, common and rare, with umlauts and the "ue" spelling
	'Müller',
	'schmidt',
	'Schneider',
	'Fischer',
	'Weber',
	'Meyer',
	'Hoffmann',
	'Schäfer',
	'Krüger',
	'Mueller',
	'Weiß',
	'Lindner',
	// company names
	'Bäckerei',
	'Maschinenbau',
	'Autohaus Sch',
	'Logistik',
	'Elektrotechnik',
	'Steuerber',
	'Schreinerei',
	'Ingenieurbüro',
	'Stadtwerke',
	// cities and postcodes
	'München',
	'Köln',
	'Frankfurt',
	'Nürnberg',
	'Düsseldorf',
	'Leipzig',
	'Hamburg',
	'8033',
	'50667',
	'101',
	'2009',
	// e-mail fragments
	'info@',
	'buchhaltung',
	'gmx',
	't-online',
	'rechnung@',
	// phone fragments
	'030 12',
	'0171',
	'089 3',
	'+49 221',
	'0151 2',
	'0711 8',
	// mixed
	'müller berlin',
	'schmidt münchen',
	'weber gmbh',
	'thomas müller',
	'sabine köln',
	'bäckerei schulz',
	'Jürgen'
];
