/**
 * The dashboard's words, Dutch first and English second. A page asks `t(lang)` once and reads
 * the words it needs; the language itself travels in the URL (`?lang=en`) so every view can be
 * linked in either language.
 */
export type Lang = 'nl' | 'en';

/** The language a request asks for: English only when `lang=en`, Dutch otherwise. */
export function langOf(value: string | undefined): Lang {
  return value === 'en' ? 'en' : 'nl';
}

const NL = {
  siteName: 'udc — Urban Data Center',
  skip: 'Naar de inhoud',
  navHome: 'Thema’s',
  navCompare: 'Vergelijken',
  navDatasets: 'Datasets',
  navMain: 'Hoofdmenu',
  otherLanguage: 'English',
  otherLanguageLabel: 'Read this page in English',
  footer: 'Bron: CBS (CC BY 4.0) en eigen bewerking. Cijfers uit de API van deze server.',
  api: 'API',
  homeTitle: 'Cijfers over wonen, werken en leven in de regio',
  homeIntro:
    'Statistieken van het CBS en de gemeenten over de Regio Groningen-Assen, per gemeente, wijk en buurt, vergeleken met Nederland.',
  search: 'Zoeken',
  searchLabel: 'Zoek een indicator of gebied',
  searchButton: 'Zoek',
  searchResults: 'Zoekresultaten',
  searchNothing: 'Niets gevonden voor',
  themes: 'Thema’s',
  indicatorCount: (n: number) => (n === 1 ? '1 indicator' : `${n} indicatoren`),
  noIndicators: 'Voor dit thema zijn (nog) geen indicatoren berekend.',
  noValues: 'Voor deze indicator zijn (nog) geen waarden gepubliceerd.',
  indicators: 'Indicatoren',
  areas: 'Gebieden',
  indicator: 'Indicator',
  level: 'Niveau',
  year: 'Jaar',
  scope: 'Gebied',
  wholeCountry: 'Heel Nederland',
  show: 'Toon',
  map: 'Kaart',
  mapOf: (title: string, level: string, year: string) => `Kaart: ${title} per ${level}, ${year}`,
  mapHelp:
    'Ga met Tab naar een gebied voor de waarde; Enter opent het gebiedsprofiel. De tabel hieronder bevat dezelfde cijfers.',
  noMap: (level: string, year: string) =>
    `Er zijn geen grenzen van de ${level} voor ${year}; de gebieden staan gerangschikt in de tabel.`,
  mapYears: 'Een kaart is er voor',
  legend: 'Legenda',
  legendClasses: 'Klassen (kwantielen)',
  noData: 'geen gegevens',
  secret: 'geheim',
  secretExplain:
    'Geheim: deze waarde is niet gepubliceerd om te voorkomen dat gegevens over personen of bedrijven herleidbaar zijn (onthullingscontrole). Op de kaart gearceerd.',
  converted: 'omgerekend',
  convertedExplain: (estimated: boolean): string =>
    estimated
      ? 'Omgerekend naar een andere gebiedsindeling (schatting op basis van de overlap).'
      : 'Omgerekend naar een andere gebiedsindeling (exact: de gebieden vallen geheel samen).',
  convertedMark: '* omgerekend naar de gebiedsindeling van een ander jaar',
  table: 'Tabel',
  tableOf: (title: string, year: string) => `${title}, ${year}`,
  rank: 'Rang',
  area: 'Gebied',
  value: 'Waarde',
  status: 'Status',
  sortBy: (column: string) => `Sorteer op ${column}`,
  timeSeries: 'Ontwikkeling',
  timeSeriesOf: (title: string) => `Ontwikkeling: ${title}`,
  chartTable: 'Cijfers van de grafiek',
  chartFor: 'Grafiek voor',
  definition: 'Definitie',
  formula: 'Berekening',
  unit: 'Eenheid',
  sources: 'Bronnen',
  sourceVersion: 'versie',
  sourceModified: 'bijgewerkt',
  cbsStatus: 'Status van de cijfers',
  statusCounts: 'Waarden per status in dit jaar',
  downloads: 'Downloaden',
  downloadCsv: 'Tabel als CSV',
  downloadCsvNl: 'Tabel als CSV (Excel NL, puntkomma)',
  downloadXlsx: 'Tabel als Excel (XLSX)',
  downloadGeojson: 'Kaart als GeoJSON',
  downloadSvg: 'Grafiek als SVG',
  downloadPng: 'Grafiek als PNG',
  profile: 'Gebiedsprofiel',
  profileOf: (name: string) => `Gebiedsprofiel ${name}`,
  profileIntro: 'Alle indicatoren voor dit gebied, naast de gemeente, de regio en Nederland.',
  trend: 'Trend',
  partOf: 'Ligt in',
  children: 'Onderdelen',
  compare: 'Vergelijken',
  compareTitle: 'Gebieden vergelijken',
  compareIntro: 'Kies twee tot vijf gebieden en een jaar.',
  compareArea: (n: number) => `Gebied ${n}`,
  compareNone: '(geen)',
  compareTooFew: 'Kies ten minste twee verschillende gebieden.',
  datasetsTitle: 'Datasets',
  datasetsIntro: 'De open bronnen waaruit de indicatoren zijn berekend.',
  publisher: 'Uitgever',
  licence: 'Licentie',
  modified: 'Bijgewerkt',
  observations: 'Waarnemingen',
  version: 'Versie',
  source: 'Bron',
  notFound: 'Niet gevonden',
  badRequest: 'Ongeldige vraag',
  unavailable: 'Niet beschikbaar',
  back: 'Terug naar de thema’s',
  theme: 'Thema',
  description: 'Omschrijving',
  choose: 'Kies',
};

type Words = typeof NL;

const EN: Words = {
  siteName: 'udc — Urban Data Center',
  skip: 'Skip to content',
  navHome: 'Themes',
  navCompare: 'Compare',
  navDatasets: 'Datasets',
  navMain: 'Main menu',
  otherLanguage: 'Nederlands',
  otherLanguageLabel: 'Lees deze pagina in het Nederlands',
  footer: 'Source: CBS (CC BY 4.0) and own calculations. Figures from this server’s API.',
  api: 'API',
  homeTitle: 'Figures on living, working and housing in the region',
  homeIntro:
    'Statistics from CBS and the municipalities on the Groningen-Assen region, per municipality, district and neighbourhood, compared with the Netherlands.',
  search: 'Search',
  searchLabel: 'Search an indicator or area',
  searchButton: 'Search',
  searchResults: 'Search results',
  searchNothing: 'Nothing found for',
  themes: 'Themes',
  indicatorCount: (n: number) => (n === 1 ? '1 indicator' : `${n} indicators`),
  noIndicators: 'No indicators have been computed for this theme (yet).',
  noValues: 'No values have been published for this indicator (yet).',
  indicators: 'Indicators',
  areas: 'Areas',
  indicator: 'Indicator',
  level: 'Level',
  year: 'Year',
  scope: 'Area',
  wholeCountry: 'All of the Netherlands',
  show: 'Show',
  map: 'Map',
  mapOf: (title: string, level: string, year: string) => `Map: ${title} by ${level}, ${year}`,
  mapHelp:
    'Tab to an area for its value; Enter opens the area profile. The table below holds the same figures.',
  noMap: (level: string, year: string) =>
    `There are no ${level} boundaries for ${year}; the areas are ranked in the table.`,
  mapYears: 'A map is available for',
  legend: 'Legend',
  legendClasses: 'Classes (quantiles)',
  noData: 'no data',
  secret: 'confidential',
  secretExplain:
    'Confidential: this value is not published so that no person or business can be identified (disclosure control). Hatched on the map.',
  converted: 'converted',
  convertedExplain: (estimated: boolean): string =>
    estimated
      ? 'Converted to another year’s boundaries (estimated from the overlap).'
      : 'Converted to another year’s boundaries (exact: the areas coincide).',
  convertedMark: '* converted to the boundaries of another year',
  table: 'Table',
  tableOf: (title: string, year: string) => `${title}, ${year}`,
  rank: 'Rank',
  area: 'Area',
  value: 'Value',
  status: 'Status',
  sortBy: (column: string) => `Sort by ${column}`,
  timeSeries: 'Trend',
  timeSeriesOf: (title: string) => `Trend: ${title}`,
  chartTable: 'Figures of the chart',
  chartFor: 'Chart for',
  definition: 'Definition',
  formula: 'Calculation',
  unit: 'Unit',
  sources: 'Sources',
  sourceVersion: 'version',
  sourceModified: 'updated',
  cbsStatus: 'Status of the figures',
  statusCounts: 'Values per status this year',
  downloads: 'Downloads',
  downloadCsv: 'Table as CSV',
  downloadCsvNl: 'Table as CSV (Dutch Excel, semicolon)',
  downloadXlsx: 'Table as Excel (XLSX)',
  downloadGeojson: 'Map as GeoJSON',
  downloadSvg: 'Chart as SVG',
  downloadPng: 'Chart as PNG',
  profile: 'Area profile',
  profileOf: (name: string) => `Area profile ${name}`,
  profileIntro: 'Every indicator for this area, next to its municipality, the region and the Netherlands.',
  trend: 'Trend',
  partOf: 'Part of',
  children: 'Parts',
  compare: 'Compare',
  compareTitle: 'Compare areas',
  compareIntro: 'Choose two to five areas and a year.',
  compareArea: (n: number) => `Area ${n}`,
  compareNone: '(none)',
  compareTooFew: 'Choose at least two different areas.',
  datasetsTitle: 'Datasets',
  datasetsIntro: 'The open sources the indicators are computed from.',
  publisher: 'Publisher',
  licence: 'Licence',
  modified: 'Updated',
  observations: 'Observations',
  version: 'Version',
  source: 'Source',
  notFound: 'Not found',
  badRequest: 'Invalid request',
  unavailable: 'Not available',
  back: 'Back to the themes',
  theme: 'Theme',
  description: 'Description',
  choose: 'Choose',
};

/** The words of one language. */
export function t(lang: Lang): Words {
  return lang === 'en' ? EN : NL;
}

const LEVELS: Record<string, { nl: [string, string]; en: [string, string] }> = {
  land: { nl: ['land', 'land'], en: ['country', 'country'] },
  landsdeel: { nl: ['landsdeel', 'landsdelen'], en: ['part of the country', 'parts of the country'] },
  provincie: { nl: ['provincie', 'provincies'], en: ['province', 'provinces'] },
  corop: { nl: ['COROP-gebied', 'COROP-gebieden'], en: ['COROP region', 'COROP regions'] },
  gemeente: { nl: ['gemeente', 'gemeenten'], en: ['municipality', 'municipalities'] },
  wijk: { nl: ['wijk', 'wijken'], en: ['district', 'districts'] },
  buurt: { nl: ['buurt', 'buurten'], en: ['neighbourhood', 'neighbourhoods'] },
  custom: { nl: ['regio', 'regio’s'], en: ['region', 'regions'] },
};

/** A region level's name, singular or plural. */
export function levelName(level: string, lang: Lang, plural = false): string {
  const names = LEVELS[level]?.[lang];
  return names ? names[plural ? 1 : 0] : level;
}

const STATUSES: Record<string, { nl: string; en: string }> = {
  final: { nl: 'definitief', en: 'final' },
  provisional: { nl: 'voorlopig', en: 'provisional' },
  revised_provisional: { nl: 'nader voorlopig', en: 'revised provisional' },
  missing: { nl: 'ontbreekt', en: 'missing' },
  secret: { nl: 'geheim', en: 'confidential' },
  nil: { nl: 'nihil', en: 'nil' },
  unreliable: { nl: 'onbetrouwbaar', en: 'unreliable' },
  not_applicable: { nl: 'niet van toepassing', en: 'not applicable' },
};

/** A CBS status in words. */
export function statusName(status: string, lang: Lang): string {
  return STATUSES[status]?.[lang] ?? status;
}
