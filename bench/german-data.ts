/**
 * Word lists for the benchmark's generated address book. Lists are ordered from most to least
 * frequent; the generator picks from them with a Zipf-like skew, so "Müller" and "Schmidt" are
 * common while the synthesized compound surnames form a long tail, as in a real German customer base.
 */

const words = (text: string): string[] => text.trim().split(/\s+/);
/** Entries that contain spaces are separated by semicolons. */
const list = (text: string): string[] =>
	text
		.split(';')
		.map((entry) => entry.replace(/\s+/g, ' ').trim())
		.filter((entry) => entry !== '');

/** The most frequent German surnames, roughly in order of frequency. */
export const COMMON_SURNAMES = words(`
	Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter
	Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner
	Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs
	Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank Berger Winkler
	Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher
	Krämer Vogt Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich
	Ziegler Kuhn Kühn Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer Strauß
	Hübner Kröger Löffler Großmann Dreßler Jäckel Nußbaum Rößler Kößler Weißenborn
`);

/** Stems and endings combined into plausible rarer surnames (Lindner, Holzapfel, Rosenberger ...). */
export const SURNAME_STEMS = words(`
	Acker Alt Bach Baum Berg Birk Blum Brück Buch Dorn Eich Eisen Feld Fels Gold Grün Hag Hain Hart Heid
	Hirsch Hoch Holz Kirch Klee Kling Lind Loh Mühl Ober Rosen Sand Schön Stock Stroh Tann Wald Weiden Wies
	Zell Fahren Linden Sonnen Stein Wein Kalt Roß Groß Fließ
`);
export const SURNAME_ENDINGS = words(`
	mann er ner inger bauer huber meier müller berger reiter hofer stätter bichler lechner maier gruber
	hammer macher ling hardt kämper brink haus busch gartner schläger apfel wieser hübl
`);

/** First names with the salutation they usually take. */
export const MALE_FIRST_NAMES = words(`
	Thomas Michael Andreas Stefan Peter Christian Frank Markus Klaus Jürgen Wolfgang Uwe Matthias Martin
	Sebastian Jan Alexander Daniel Tobias Florian Lukas Jonas Felix Maximilian Paul Leon Niklas Tim Dirk
	Holger Bernd Ralf Jörg Sven Torsten Rainer Günter Dieter Hans Karl-Heinz Manfred Horst Helmut Werner
	Gerhard Björn Kai Moritz Philipp Benedikt Johannes Simon David Fabian Julian Oliver René Marcel Sören
	Jürgen-Peter Götz Jörn
`);
export const FEMALE_FIRST_NAMES = words(`
	Sabine Susanne Petra Claudia Andrea Nicole Stefanie Julia Katrin Anja Birgit Monika Ursula Gabriele
	Renate Karin Heike Silke Melanie Sandra Christina Anna Laura Lena Sarah Lisa Katharina Sophie Marie
	Hannah Lea Johanna Jana Franziska Kerstin Martina Elke Ingrid Brigitte Helga Jutta Barbara Doris Tanja
	Nadine Daniela Jessica Vanessa Carina Miriam Annika Maren Bärbel Jördis Käthe Lotte Anne-Kathrin
`);

export const STREETS = list(`
Hauptstraße; Schulstraße; Gartenstraße; Bahnhofstraße; Dorfstraße; Bergstraße; Birkenweg; Lindenstraße;
Kirchstraße; Waldstraße; Ringstraße; Schillerstraße; Goethestraße; Mühlenweg; Wiesenweg; Am Markt;
Industriestraße; Gewerbering; Friedrich-Ebert-Straße; Mozartstraße; Rosenstraße; Feldstraße; Poststraße;
Beethovenstraße; Kastanienallee; Lessingstraße; Uhlandstraße; Königstraße; Kaiserstraße; Ahornweg;
Eichendorffstraße; Hafenstraße; Am Bahnhof; Siemensstraße; Daimlerstraße; Robert-Bosch-Straße;
Max-Planck-Straße; Brückenstraße; Rathausplatz; Talstraße; Jahnstraße; Münchner Straße; Kölner Straße;
Berliner Allee; Gutenbergstraße; Fliederweg; Am Sportplatz; Heinrich-Heine-Straße; Weißdornweg;
Grüner Weg; Große Straße; Mittelstraße; Im Gewerbegebiet; Carl-Zeiss-Straße; Schloßallee;
`);

/** A real German city: its name, a plausible postcode range, and its dialling code. */
export interface City {
	name: string;
	zipFrom: number;
	zipTo: number;
	areaCode: string;
}

// name|first zip|last zip|area code, larger cities first (they are picked more often).
const CITY_TABLE = `
Berlin|10115|14199|030; Hamburg|20095|22769|040; München|80331|81929|089; Köln|50667|51149|0221;
Frankfurt am Main|60306|65936|069; Stuttgart|70173|70619|0711; Düsseldorf|40210|40629|0211;
Leipzig|04103|04357|0341; Dortmund|44135|44388|0231; Essen|45127|45359|0201; Bremen|28195|28779|0421;
Dresden|01067|01328|0351; Hannover|30159|30669|0511; Nürnberg|90402|90491|0911;
Duisburg|47051|47279|0203; Bochum|44787|44894|0234; Wuppertal|42103|42399|0202;
Bielefeld|33602|33739|0521; Bonn|53111|53229|0228; Münster|48143|48167|0251; Mannheim|68159|68309|0621;
Karlsruhe|76131|76229|0721; Augsburg|86150|86199|0821; Wiesbaden|65183|65207|0611;
Mönchengladbach|41061|41239|02161; Gelsenkirchen|45879|45899|0209; Aachen|52062|52080|0241;
Braunschweig|38100|38126|0531; Kiel|24103|24159|0431; Chemnitz|09111|09131|0371;
Halle (Saale)|06108|06132|0345; Magdeburg|39104|39130|0391; Freiburg im Breisgau|79098|79117|0761;
Krefeld|47798|47839|02151; Mainz|55116|55131|06131; Lübeck|23552|23570|0451; Erfurt|99084|99099|0361;
Oberhausen|46045|46149|0208; Rostock|18055|18147|0381; Kassel|34117|34134|0561; Hagen|58089|58135|02331;
Potsdam|14467|14482|0331; Saarbrücken|66111|66133|0681; Hamm|59063|59077|02381;
Ludwigshafen am Rhein|67059|67071|0621; Mülheim an der Ruhr|45468|45481|0208; Oldenburg|26121|26135|0441;
Osnabrück|49074|49090|0541; Leverkusen|51371|51381|0214; Heidelberg|69115|69126|06221;
Solingen|42651|42719|0212; Darmstadt|64283|64297|06151; Herne|44623|44653|02323; Neuss|41460|41472|02131;
Regensburg|93047|93059|0941; Paderborn|33098|33106|05251; Ingolstadt|85049|85057|0841;
Offenbach am Main|63065|63075|069; Würzburg|97070|97084|0931; Fürth|90762|90768|0911;
Ulm|89073|89081|0731; Heilbronn|74072|74081|07131; Pforzheim|75172|75181|07231;
Wolfsburg|38440|38448|05361; Göttingen|37073|37085|0551; Bottrop|46236|46244|02041;
Reutlingen|72760|72770|07121; Koblenz|56068|56077|0261; Bremerhaven|27568|27580|0471;
Recklinghausen|45657|45665|02361; Erlangen|91052|91058|09131; Bergisch Gladbach|51465|51469|02202;
Remscheid|42853|42899|02191; Jena|07743|07751|03641; Trier|54290|54296|0651;
Salzgitter|38226|38259|05341; Moers|47441|47447|02841; Siegen|57072|57080|0271;
Hildesheim|31134|31141|05121; Cottbus|03042|03055|0355; Gütersloh|33330|33335|05241;
Kaiserslautern|67655|67663|0631; Schwerin|19053|19063|0385; Witten|58452|58456|02302;
Gera|07545|07557|0365; Iserlohn|58636|58644|02371; Zwickau|08056|08066|0375; Düren|52349|52355|02421;
Esslingen am Neckar|73728|73734|0711; Ratingen|40878|40885|02102; Flensburg|24937|24944|0461;
Lünen|44532|44536|02306; Villingen-Schwenningen|78048|78056|07721; Konstanz|78462|78467|07531;
Marl|45768|45772|02365; Worms|67547|67551|06241; Minden|32423|32429|0571; Velbert|42549|42555|02051;
Neumünster|24534|24539|04321; Dessau-Roßlau|06842|06849|0340; Norderstedt|22844|22851|040;
Delmenhorst|27749|27755|04221; Bamberg|96047|96052|0951; Viersen|41747|41751|02162;
Marburg|35037|35043|06421; Rosenheim|83022|83026|08031; Lüneburg|21335|21339|04131;
Passau|94032|94036|0851; Weißenfels|06667|06667|03443; Görlitz|02826|02828|03581;
Fürstenfeldbruck|82256|82256|08141; Straubing|94315|94315|09421; Böblingen|71032|71034|07031;
`;

export const CITIES: City[] = CITY_TABLE.split(';')
	.map((entry) => entry.trim())
	.filter((entry) => entry !== '')
	.map((entry) => {
		const [name = '', from = '0', to = '0', areaCode = ''] = entry.split('|');
		return { name, zipFrom: Number(from), zipTo: Number(to), areaCode };
	});

/** Free-mail providers for private addresses. */
export const MAIL_PROVIDERS = words(
	`gmx.de web.de t-online.de gmail.com posteo.de outlook.de freenet.de mailbox.org`
);

/** Departments of contact persons. */
export const DEPARTMENTS = words(
	`Vertrieb Einkauf Buchhaltung Geschäftsführung Werkstatt Lager Personal Technik`
);

/** Contact groups of a typical small business. */
export const GROUPS: readonly { name: string; color: string }[] = [
	{ name: 'Stammkunden', color: '#1f77b4' },
	{ name: 'Lieferanten', color: '#2ca02c' },
	{ name: 'Handwerk', color: '#8c564b' },
	{ name: 'Newsletter', color: '#9467bd' },
	{ name: 'Messe 2025', color: '#ff7f0e' },
	{ name: 'Presse', color: '#7f7f7f' },
	{ name: 'Partner', color: '#17becf' },
	{ name: 'Interessenten', color: '#d62728' }
];

/** Short notes that real address books carry. */
export const NOTES = [
	'Kunde seit 2015',
	'Bitte nur vormittags anrufen',
	'Rechnungen per E-Mail',
	'Skonto 2 % bei Zahlung binnen 10 Tagen',
	'Ansprechpartner wechselt häufig',
	'Lieferung nur über Hintereingang',
	'Jahresgespräch im März'
];
