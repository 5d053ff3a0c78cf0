/**
 * The DCAT-AP-NL 3.0 description of what udc publishes: one dcat:Catalog, one dcat:Dataset per
 * published dataset and one per indicator theme (the set of its published indicators), each
 * with a distribution per way udc serves it (REST JSON, CSV, XLSX, Parquet, GeoJSON, OData v4,
 * StatLine v3), licence, publisher, contact point, access rights, language, themes from the EU
 * data-theme vocabulary, temporal coverage (from the periods present) and spatial coverage.
 */
import { visibleCondition, type AccessContext } from '../../access/roles.js';
import type { Store } from '../../store/index.js';
import { iri, text, typed, type RdfNode, type RdfValue } from './rdf.js';

const EU = 'http://publications.europa.eu/resource/authority';
const CC_BY_4 = 'http://creativecommons.org/licenses/by/4.0/';
const ODATA_V4 = 'http://docs.oasis-open.org/odata/odata/v4.01/';
const ODATA_V3 = 'https://www.odata.org/documentation/odata-version-3-0/';

// udc's indicator themes in the EU data-theme vocabulary (DCAT-AP-NL requires EU themes).
const THEME_CODES: Readonly<Record<string, string>> = {
  bevolking: 'SOCI',
  wonen: 'SOCI',
  arbeidsmarkt: 'ECON',
  economie: 'ECON',
  mobiliteit: 'TRAN',
  veiligheid: 'JUST',
  gezondheid: 'HEAL',
  duurzaamheid: 'ENVI',
};

/** Who runs this udc: the catalogue's publisher and contact point. */
export interface CatalogOwner {
  name: string;
  homepage?: string;
  email?: string;
}

interface DatasetRow extends Record<string, unknown> {
  id: string;
  title: string;
  description: string | null;
  publisher: string;
  source: string;
  licence: string;
  modified: string | null;
  imported: string;
  confidentiality: string;
  first: number | null;
  last: number | null;
  variables: string | null;
}

interface ThemeRow extends Record<string, unknown> {
  theme: string;
  title_nl: string | null;
  title_en: string | null;
  description_nl: string | null;
  indicators: string;
  titles: string;
  first: number | null;
  last: number | null;
  built: string | null;
  licences: string | null;
  confidentiality: string;
}

// The EU access-right vocabulary for udc's confidentiality levels (only callers allowed see the latter two).
const ACCESS_RIGHT: Readonly<Record<string, string>> = {
  open: 'PUBLIC',
  internal: 'RESTRICTED',
  confidential: 'NON_PUBLIC',
};

/** Builds the catalogue's nodes for a server reached at `root` (scheme, host, port), as `access` may see it. */
export async function catalogNodes(
  store: Store,
  root: string,
  owner: CatalogOwner,
  access: AccessContext,
): Promise<RdfNode[]> {
  const datasets = await store.all<DatasetRow>(
    `SELECT d.id, d.title, d.description, d.publisher, d.source, d.licence, d.confidentiality,
            strftime(d.modified, '%Y-%m-%dT%H:%M:%S') AS modified, strftime(d.imported, '%Y-%m-%dT%H:%M:%S') AS imported,
            (SELECT min(p.year) FROM period p WHERE p.code IN (SELECT DISTINCT period FROM observation o WHERE o.dataset = d.id)) AS first,
            (SELECT max(p.year) FROM period p WHERE p.code IN (SELECT DISTINCT period FROM observation o WHERE o.dataset = d.id)) AS last,
            (SELECT string_agg(v.title, '\u0001' ORDER BY v.key) FROM variable v WHERE v.dataset = d.id) AS variables
     FROM dataset d WHERE ${visibleCondition(access, 'd.confidentiality')} ORDER BY d.id`,
  );
  const themes = await themeRows(store, access);
  const catalogId = `${root}/catalog`;
  const publisher = agent(owner);
  const datasetNodes = datasets.map((d) => datasetNode(d, root, owner));
  const themeNodes = themes.map((t) => themeNode(t, root, owner));
  const catalog: RdfNode = {
    id: catalogId,
    types: ['dcat:Catalog'],
    properties: [
      ['dct:title', text(`${owner.name}: open data`, 'nl')],
      ['dct:title', text(`${owner.name}: open data`, 'en')],
      ['dct:description', text('Gepubliceerde datasets en indicatoren van dit datacentrum (udc).', 'nl')],
      ['dct:description', text('Published datasets and indicators of this data center (udc).', 'en')],
      ['dct:publisher', publisher],
      ['foaf:homepage', iri(owner.homepage ?? `${root}/`)],
      ['dct:language', iri(`${EU}/language/NLD`)],
      ['dct:license', iri(CC_BY_4)],
      ['dct:modified', typed(new Date().toISOString().slice(0, 10), 'xsd:date')],
      ...[...datasetNodes, ...themeNodes].map((n): [string, RdfValue] => ['dcat:dataset', iri(n.id!)]),
    ],
  };
  return [catalog, ...datasetNodes, ...themeNodes];
}

async function themeRows(store: Store, access: AccessContext): Promise<ThemeRow[]> {
  // indicator_theme came later than indicator; without it the theme id is its title.
  const hasThemes = await store.one(
    `SELECT 1 AS x FROM information_schema.tables WHERE table_name = 'indicator_theme'`,
  );
  const titles = hasThemes
    ? `(SELECT t.title_nl FROM indicator_theme t WHERE t.id = i.theme) AS title_nl,
       (SELECT t.title_en FROM indicator_theme t WHERE t.id = i.theme) AS title_en,
       (SELECT t.description_nl FROM indicator_theme t WHERE t.id = i.theme) AS description_nl`
    : 'NULL AS title_nl, NULL AS title_en, NULL AS description_nl';
  return store.all<ThemeRow>(
    `SELECT i.theme, ${titles},
            string_agg(i.id, '\u0001' ORDER BY i.id) AS indicators,
            string_agg(i.title_nl, '\u0001' ORDER BY i.id) AS titles,
            (SELECT min(v.year) FROM published_indicator_value v JOIN indicator j ON j.id = v.indicator WHERE j.theme = i.theme AND ${visibleCondition(access, 'j.confidentiality')}) AS first,
            (SELECT max(v.year) FROM published_indicator_value v JOIN indicator j ON j.id = v.indicator WHERE j.theme = i.theme AND ${visibleCondition(access, 'j.confidentiality')}) AS last,
            CASE max(CASE i.confidentiality WHEN 'open' THEN 0 WHEN 'internal' THEN 1 ELSE 2 END)
              WHEN 0 THEN 'open' WHEN 1 THEN 'internal' ELSE 'confidential' END AS confidentiality,
            strftime(max(i.built), '%Y-%m-%dT%H:%M:%S') AS built,
            (SELECT string_agg(DISTINCT d.licence, '\u0001') FROM indicator_source s JOIN dataset d ON d.id = s.dataset
              JOIN indicator j ON j.id = s.indicator WHERE j.theme = i.theme AND ${visibleCondition(access, 'j.confidentiality')}) AS licences
     FROM indicator i WHERE ${visibleCondition(access, 'i.confidentiality')} GROUP BY i.theme ORDER BY i.theme`,
  );
}

function agent(owner: CatalogOwner): RdfNode {
  return {
    types: ['foaf:Agent'],
    properties: [
      ['foaf:name', text(owner.name)],
      ...(owner.homepage ? [['foaf:homepage', iri(owner.homepage)] as [string, RdfValue]] : []),
    ],
  };
}

function contactPoint(owner: CatalogOwner, root: string): RdfNode {
  return {
    types: ['vcard:Organization'],
    properties: [
      ['vcard:fn', text(owner.name)],
      owner.email
        ? ['vcard:hasEmail', iri(`mailto:${owner.email}`)]
        : ['vcard:hasURL', iri(owner.homepage ?? `${root}/`)],
    ],
  };
}

function isCbs(publisher: string): boolean {
  return /\bCBS\b|Centraal Bureau voor de Statistiek/i.test(publisher);
}

// CBS's open data is CC BY 4.0 ("Bron: CBS"); a licence udc cannot name by IRI stays as text.
function licence(text_: string): RdfValue {
  if (/CC[ -]?BY[ -]?4\.0|creativecommons\.org\/licenses\/by\/4\.0/i.test(text_)) return iri(CC_BY_4);
  return { types: ['dct:LicenseDocument'], properties: [['rdfs:label', text(text_)]] };
}

function temporal(first: number | null, last: number | null): [string, RdfValue][] {
  if (first === null || last === null) return [];
  return [
    [
      'dct:temporal',
      {
        types: ['dct:PeriodOfTime'],
        properties: [
          ['dcat:startDate', typed(`${first}-01-01`, 'xsd:date')],
          ['dcat:endDate', typed(`${last}-12-31`, 'xsd:date')],
        ],
      },
    ],
  ];
}

function distribution(
  title: string,
  accessUrl: string,
  format: string,
  mediaType: string,
  licenceValue: RdfValue,
  extra: [string, RdfValue][] = [],
): [string, RdfValue] {
  return [
    'dcat:distribution',
    {
      types: ['dcat:Distribution'],
      properties: [
        ['dct:title', text(title, 'nl')],
        ['dcat:accessURL', iri(accessUrl)],
        ['dct:format', iri(`${EU}/file-type/${format}`)],
        ['dcat:mediaType', iri(`https://www.iana.org/assignments/media-types/${mediaType}`)],
        ['dct:license', licenceValue],
        ...extra,
      ],
    },
  ];
}

function common(
  owner: CatalogOwner,
  root: string,
  themeCode: string,
  confidentiality: string,
): [string, RdfValue][] {
  return [
    ['dcat:contactPoint', contactPoint(owner, root)],
    ['dct:accessRights', iri(`${EU}/access-right/${ACCESS_RIGHT[confidentiality] ?? 'NON_PUBLIC'}`)],
    ['dct:language', iri(`${EU}/language/NLD`)],
    ['dcat:theme', iri(`${EU}/data-theme/${themeCode}`)],
    ['dcat:theme', iri(`${EU}/data-theme/REGI`)],
    ['dct:spatial', iri(`${EU}/country/NLD`)],
  ];
}

function stamp(value: string | null): [string, RdfValue][] {
  return value ? [['dct:modified', typed(value, 'xsd:dateTime')]] : [];
}

function datasetNode(d: DatasetRow, root: string, owner: CatalogOwner): RdfNode {
  const id = encodeURIComponent(d.id);
  const lic = licence(d.licence);
  const odata = new URL(`${root}/odata/v4/Observations`);
  odata.searchParams.set('$filter', `Dataset eq '${d.id.replaceAll("'", "''")}'`);
  const variables = (d.variables ?? '').split('\u0001').filter(Boolean);
  return {
    id: `${root}/catalog/datasets/${id}`,
    types: ['dcat:Dataset'],
    properties: [
      ['dct:identifier', text(d.id)],
      ['dct:title', text(d.title, 'nl')],
      ['dct:description', text(d.description?.trim() || d.title, 'nl')],
      ['dct:publisher', { types: ['foaf:Agent'], properties: [['foaf:name', text(d.publisher)]] }],
      ...(isCbs(d.publisher) ? [['dct:creator', iri('https://www.cbs.nl/')] as [string, RdfValue]] : []),
      ...(/^https?:\/\//.test(d.source) ? [['dct:source', iri(d.source)] as [string, RdfValue]] : []),
      ['dcat:landingPage', iri(`${root}/api/v1/datasets/${id}`)],
      ['dct:issued', typed(d.imported, 'xsd:dateTime')],
      ...stamp(d.modified),
      ...variables.slice(0, 50).map((v): [string, RdfValue] => ['dcat:keyword', text(v, 'nl')]),
      ...common(owner, root, 'SOCI', d.confidentiality),
      ...temporal(d.first, d.last),
      distribution(
        'Waarnemingen (REST, JSON)',
        `${root}/api/v1/datasets/${id}/observations`,
        'JSON',
        'application/json',
        lic,
      ),
      distribution('OData v4 (Observations)', odata.href, 'JSON', 'application/json', lic, [
        ['dct:conformsTo', iri(ODATA_V4)],
      ]),
      distribution(
        'StatLine-compatibel (OData v3, ODataApi)',
        `${root}/ODataApi/odata/${id}`,
        'JSON',
        'application/json',
        lic,
        [['dct:conformsTo', iri(ODATA_V3)]],
      ),
      distribution(
        'StatLine-compatibel (OData v3, ODataFeed)',
        `${root}/ODataFeed/odata/${id}`,
        'JSON',
        'application/json',
        lic,
        [['dct:conformsTo', iri(ODATA_V3)]],
      ),
    ],
  };
}

function themeNode(t: ThemeRow, root: string, owner: CatalogOwner): RdfNode {
  const theme = encodeURIComponent(t.theme);
  const indicators = t.indicators.split('\u0001');
  const licences = (t.licences ?? '').split('\u0001').filter(Boolean);
  // An indicator set is as open as its sources allow: CC BY 4.0 when every source is.
  const lic =
    licences.length > 0 && licences.every((l) => 'iri' in licence(l))
      ? iri(CC_BY_4)
      : licence(licences.join('; ') || 'CC BY 4.0');
  const selection = (path: string) => {
    const url = new URL(`${root}/api/v1/${path}`);
    url.searchParams.set('indicator', indicators.join(','));
    return url.href;
  };
  const odata = new URL(`${root}/odata/v4/IndicatorValues`);
  odata.searchParams.set('$filter', `Theme eq '${t.theme.replaceAll("'", "''")}'`);
  const title = t.title_nl ?? t.theme;
  return {
    id: `${root}/catalog/indicators/${theme}`,
    types: ['dcat:Dataset'],
    properties: [
      ['dct:identifier', text(`indicators/${t.theme}`)],
      ['dct:title', text(`Indicatoren: ${title}`, 'nl')],
      ...(t.title_en ? [['dct:title', text(`Indicators: ${t.title_en}`, 'en')] as [string, RdfValue]] : []),
      [
        'dct:description',
        text(
          t.description_nl?.trim() ||
            `Indicatoren van het thema ${title}: ${t.titles.split('\u0001').join(', ')}.`,
          'nl',
        ),
      ],
      ['dct:publisher', agent(owner)],
      ['dcat:landingPage', iri(`${root}/thema/${theme}`)],
      ...stamp(t.built),
      ...t.titles
        .split('\u0001')
        .slice(0, 50)
        .map((v): [string, RdfValue] => ['dcat:keyword', text(v, 'nl')]),
      ...common(owner, root, THEME_CODES[t.theme] ?? 'SOCI', t.confidentiality),
      ...temporal(t.first, t.last),
      distribution('Waarden (REST, JSON)', selection('values'), 'JSON', 'application/json', lic),
      distribution('Waarden (CSV)', selection('values.csv'), 'CSV', 'text/csv', lic),
      distribution(
        'Waarden (Excel)',
        selection('values.xlsx'),
        'XLSX',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        lic,
      ),
      distribution(
        'Waarden (Parquet)',
        selection('values.parquet'),
        'PARQUET',
        'application/vnd.apache.parquet',
        lic,
      ),
      distribution(
        'Waarden met geometrie (GeoJSON)',
        selection('values.geojson'),
        'GEOJSON',
        'application/geo+json',
        lic,
      ),
      distribution('OData v4 (IndicatorValues)', odata.href, 'JSON', 'application/json', lic, [
        ['dct:conformsTo', iri(ODATA_V4)],
      ]),
    ],
  };
}
