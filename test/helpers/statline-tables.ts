/**
 * StatLine tables on the replay server: the real recorded CBS payloads under the paths CBS serves
 * them at, and synthetic tables built in exactly the shape of datasets.cbs.nl's v4 answers
 * (labelled synthetic in their titles).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { file, json, ODATA_FIXTURES, type Handler, type ReplayServer } from './replay-server.js';

const V3 = join(ODATA_FIXTURES, 'v3-cbsodata3jl');
const CHECKDECIJFERS = join(ODATA_FIXTURES, 'v4-datasets-cbs-nl-checkdecijfers');

/** Reads a recorded payload. */
export function fixture(path: string): unknown {
  return JSON.parse(readFileSync(join(ODATA_FIXTURES, path), 'utf8'));
}

/** Serves v3 table 80137ned (TableInfos, DataProperties, its three dimension lists, TypedDataSet) as recorded. */
export function serve80137ned(server: ReplayServer): void {
  const api = '/ODataApi/OData/80137ned';
  for (const name of [
    'TableInfos',
    'DataProperties',
    'CategoryGroups',
    'Persoonskenmerken',
    'BedrijfstakkenSBI93',
    'Perioden',
  ]) {
    server.route(`${api}/${name}`, file(join(V3, `80137ned__${name}.json`)));
  }
  server.route('/ODataFeed/OData/80137ned/TypedDataSet', file(join(V3, '80137ned__TypedDataSet.json')));
}

/**
 * Serves 83599NED: the two real UntypedDataSet pages (the first names the second in its
 * odata.nextLink, on CBS's host), with TableInfos from the real catalog entry and DataProperties
 * and dimension lists built in the v3 shape from the codes the pages use. 2020KW02 is marked
 * Voorlopig, as CBS marks its newest quarter.
 */
export function serve83599NED(server: ReplayServer, options: { modified?: string } = {}): void {
  const page1 = join(V3, '83599NED__UntypedDataSet__page1.json');
  const page2 = join(V3, '83599NED__UntypedDataSet__skip10000.json');
  const rows = [page1, page2].flatMap(
    (f) => (JSON.parse(readFileSync(f, 'utf8')) as { value: Record<string, string>[] }).value,
  );
  const catalog = fixture('v3-cbsodata3jl/ODataCatalog__Tables.json') as { value: Record<string, unknown>[] };
  const info = { ...catalog.value.find((t) => t['Identifier'] === '83599NED')! };
  if (options.modified) info['Modified'] = options.modified;
  const metadata = 'https://opendata.cbs.nl/ODataApi/OData/83599NED/$metadata';
  const api = '/ODataApi/OData/83599NED';
  server.route(
    `${api}/TableInfos`,
    json({ value: [info], 'odata.metadata': `${metadata}#Cbs.OData.WebAPI.TableInfos` }),
  );
  server.route(
    `${api}/DataProperties`,
    json({
      value: [
        {
          ID: 0,
          Position: 0,
          ParentID: null,
          Type: 'Dimension',
          Key: 'BedrijfstakkenBranchesSBI2008',
          Title: 'Bedrijfstakken/branches (SBI 2008)',
          Description: null,
          'odata.type': 'Cbs.OData.Dimension',
        },
        {
          ID: 1,
          Position: 1,
          ParentID: null,
          Type: 'GeoDimension',
          Key: 'RegioS',
          Title: "Regio's",
          Description: null,
          'odata.type': 'Cbs.OData.GeoDimension',
        },
        {
          ID: 2,
          Position: 2,
          ParentID: null,
          Type: 'TimeDimension',
          Key: 'Perioden',
          Title: 'Perioden',
          Description: null,
          ReleasePolicy: true,
          'odata.type': 'Cbs.OData.TimeDimension',
        },
        {
          ID: 3,
          Position: 3,
          ParentID: null,
          Type: 'Topic',
          Key: 'OpenstaandeVacatures_1',
          Title: 'Openstaande vacatures',
          Description: null,
          Unit: 'x 1 000',
          Decimals: 1,
          Datatype: 'Double',
          Default: 'Missing',
          'odata.type': 'Cbs.OData.Topic',
        },
      ],
      'odata.metadata': `${metadata}#Cbs.OData.WebAPI.DataProperties`,
    }),
  );
  const codes = (key: string) => [...new Set(rows.map((r) => r[key]!))];
  server.route(
    `${api}/BedrijfstakkenBranchesSBI2008`,
    json({
      value: codes('BedrijfstakkenBranchesSBI2008').map((k) => ({
        Key: k,
        Title: `Branche ${k.trim()}`,
        Description: null,
        CategoryGroupID: null,
      })),
    }),
  );
  server.route(
    `${api}/RegioS`,
    json({ value: codes('RegioS').map((k) => ({ Key: k, Title: k.trim(), Description: null })) }),
  );
  server.route(
    `${api}/Perioden`,
    json({
      value: codes('Perioden').map((k) => ({
        Key: k,
        Title: k,
        Description: null,
        Status: k === '2020KW02' ? 'Voorlopig' : 'Definitief',
      })),
    }),
  );
  const feed: Handler = (request, response, url, hit) =>
    file(url.searchParams.get('$skip') === '10000' ? page2 : page1)(request, response, url, hit);
  // CBS's recorded next link spells the path with a trailing slash.
  server.route('/ODataFeed/OData/83599NED/UntypedDataSet', feed);
  server.route('/ODataFeed/OData/83599NED/UntypedDataSet/', feed);
}

/** Serves a table of the checkdecijfers capture (datasets.cbs.nl v4) under /odata/v1/CBS/<id>. */
export function serveCheckdecijfers(server: ReplayServer, id: string): void {
  const dir = join(CHECKDECIJFERS, id);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    files: Record<string, string>;
    observationPages?: string[];
  };
  const base = `/odata/v1/CBS/${id}`;
  server.route(`${base}/Properties`, file(join(dir, 'properties.json')));
  server.route(`${base}/Dimensions`, file(join(dir, 'dimensions.json')));
  server.route(`${base}/MeasureCodes`, file(join(dir, 'measure-codes.json')));
  for (const name of Object.keys(index.files)) {
    if (name.startsWith('codes-'))
      server.route(`${base}/${name.slice('codes-'.length)}Codes`, file(join(dir, index.files[name]!)));
  }
  if (index.observationPages?.[0])
    server.route(`${base}/Observations`, file(join(dir, index.observationPages[0])));
}

/**
 * Serves beta-odata4 table 80072ned (Properties, Dimensions, codes and their groups, MeasureCodes,
 * Observations) under /CBS/80072ned, as recorded.
 */
export function serve80072ned(server: ReplayServer): void {
  const dir = join(ODATA_FIXTURES, 'v4-beta-cbsodata4jl');
  for (const name of [
    'Properties',
    'Dimensions',
    'MeasureCodes',
    'PeriodenCodes',
    'PeriodenGroups',
    'BedrijfskenmerkenSBI2008Codes',
    'BedrijfskenmerkenSBI2008Groups',
    'Observations',
  ]) {
    server.route(`/CBS/80072ned/${name}`, file(join(dir, `80072ned__${name}.json`)));
  }
}

/** A synthetic v4 table: every document a client reads, in datasets.cbs.nl's shape. */
export interface SyntheticTable {
  id: string;
  properties: Record<string, unknown>;
  dimensions: unknown;
  measureCodes: unknown;
  codes: Record<string, unknown>;
  observations: Record<string, unknown>[];
}

const GESLACHT = [
  { Identifier: 'T001038', Title: 'Totaal mannen en vrouwen' },
  { Identifier: '3000', Title: 'Mannen' },
  { Identifier: '4000', Title: 'Vrouwen' },
];

/**
 * Builds a SYNTHETIC table (values are arithmetic, not CBS figures): `regions` gemeenten
 * (GM0001...) x `years` years x 3 Geslacht codes x `measures` measures, in v4 long form.
 */
export function syntheticTable(
  options: { id?: string; regions?: number; years?: number; measures?: number; modified?: string } = {},
): SyntheticTable {
  const id = options.id ?? '99999SYN';
  const regions = Array.from(
    { length: options.regions ?? 10 },
    (_, i) => `GM${String(i + 1).padStart(4, '0')}`,
  );
  const years = Array.from({ length: options.years ?? 5 }, (_, i) => `${2015 + i}JJ00`);
  const measures = Array.from(
    { length: options.measures ?? 2 },
    (_, i) => `M${String(i + 1).padStart(6, '0')}`,
  );
  const context = `https://datasets.cbs.nl/odata/v1/CBS/${id}/$metadata`;
  const observations: Record<string, unknown>[] = [];
  let n = 0;
  for (const region of regions)
    for (const period of years)
      for (const g of GESLACHT)
        for (const measure of measures) {
          observations.push({
            Id: n,
            Measure: measure,
            ValueAttribute: 'None',
            Value: n * 10 + 1,
            StringValue: null,
            Geslacht: g.Identifier,
            RegioS: region,
            Perioden: period,
          });
          n++;
        }
  return {
    id,
    properties: {
      '@odata.context': `${context}#Properties`,
      Identifier: id,
      Title: `Synthetic test table ${id} (not CBS figures)`,
      Description: 'SYNTHETIC: generated for tests in the shape of datasets.cbs.nl',
      Language: 'nl',
      Modified: options.modified ?? '2026-01-01T00:00:00+01:00',
      Catalog: 'CBS',
      License: 'https://creativecommons.org/licenses/by/4.0/',
      TemporalCoverage: `${years[0]!.slice(0, 4)} - ${years.at(-1)!.slice(0, 4)}`,
      ObservationCount: observations.length,
    },
    dimensions: {
      '@odata.context': `${context}#Dimensions`,
      value: [
        {
          Identifier: 'Geslacht',
          Title: 'Geslacht',
          Description: '',
          MapYear: null,
          ReleasePolicy: null,
          Kind: 'Dimension',
          ContainsGroups: false,
          ContainsCodes: true,
        },
        {
          '@odata.type': '#Cbs.Ccb.Models.GeoDimension',
          Identifier: 'RegioS',
          Title: "Regio's",
          Description: '',
          MapYear: '',
          ReleasePolicy: null,
          Kind: 'GeoDimension',
          ContainsGroups: true,
          ContainsCodes: true,
        },
        {
          '@odata.type': '#Cbs.Ccb.Models.TimeDimension',
          Identifier: 'Perioden',
          Title: 'Perioden',
          Description: '',
          MapYear: null,
          ReleasePolicy: true,
          Kind: 'TimeDimension',
          ContainsGroups: true,
          ContainsCodes: true,
        },
      ],
    },
    measureCodes: {
      '@odata.context': `${context}#MeasureCodes`,
      value: measures.map((m, i) => ({
        Identifier: m,
        Index: i + 1,
        Title: `Aantal synthetisch ${i + 1}`,
        Description: '',
        MeasureGroupId: null,
        DataType: 'Long',
        Unit: 'aantal',
        Decimals: 0,
        PresentationType: 'Absolute',
      })),
    },
    codes: {
      Geslacht: {
        '@odata.context': `${context}#GeslachtCodes`,
        value: GESLACHT.map((g, i) => ({ ...g, Index: i + 1, Description: '', DimensionGroupId: null })),
      },
      RegioS: {
        '@odata.context': `${context}#RegioSCodes`,
        value: regions.map((r, i) => ({
          Identifier: r,
          Index: i + 1,
          Title: `Gemeente ${r}`,
          Description: '',
          DimensionGroupId: 'GM',
        })),
      },
      Perioden: {
        '@odata.context': `${context}#PeriodenCodes`,
        value: years.map((y, i) => ({
          Identifier: y,
          Index: i + 1,
          Title: y.slice(0, 4),
          Description: '',
          DimensionGroupId: '0',
          Status: i === years.length - 1 ? 'Voorlopig' : 'Definitief',
        })),
      },
    },
    observations,
  };
}

/** One page of Observations in the v4 shape, with @odata.nextLink when more follow. */
export function observationsPage(
  table: SyntheticTable,
  skip: number,
  pageSize: number,
  origin: string,
): string {
  const value = table.observations.slice(skip, skip + pageSize);
  const page: Record<string, unknown> = {
    '@odata.context': `https://datasets.cbs.nl/odata/v1/CBS/${table.id}/$metadata#Observations`,
    value,
  };
  if (skip + pageSize < table.observations.length) {
    page['@odata.nextLink'] = `${origin}/odata/v1/CBS/${table.id}/Observations?$skip=${skip + pageSize}`;
  }
  return JSON.stringify(page);
}

/**
 * Serves a synthetic table under /odata/v1/CBS/<id>, Observations in pages of `pageSize`.
 * `fault(page, attempt)` may answer a page instead (a reset, a 500 ...); page counts from 1.
 */
export function serveSynthetic(
  server: ReplayServer,
  table: SyntheticTable,
  options: { pageSize?: number; fault?: (page: number, attempt: number) => Handler | undefined } = {},
): void {
  const base = `/odata/v1/CBS/${table.id}`;
  const pageSize = options.pageSize ?? 1000;
  const attempts = new Map<number, number>();
  server.route(`${base}/Properties`, (q, r, u, h) => json(table.properties)(q, r, u, h));
  server.route(`${base}/Dimensions`, json(table.dimensions));
  server.route(`${base}/MeasureCodes`, json(table.measureCodes));
  for (const [dimension, codes] of Object.entries(table.codes))
    server.route(`${base}/${dimension}Codes`, json(codes));
  server.route(`${base}/Observations`, (request, response, url, hit) => {
    const skip = Number(url.searchParams.get('$skip') ?? 0);
    const page = Math.floor(skip / pageSize) + 1;
    const attempt = (attempts.get(page) ?? 0) + 1;
    attempts.set(page, attempt);
    const fault = options.fault?.(page, attempt);
    if (fault) return fault(request, response, url, hit);
    const body = observationsPage(table, skip, pageSize, server.url);
    response
      .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      .end(body);
  });
}

/**
 * ODataCatalog/Themes and Tables_Themes built for the test in CBS's v3 shape (fields ID, ParentID,
 * Number, Title, Language, Catalog; TableIdentifier, ThemeID). The tree and its numbers are
 * made up for the test (two parallel trees, nl and en, as CBS has); the tables are real ones of
 * the recorded catalog page.
 */
export function serveThemes(server: ReplayServer): void {
  const metadata = 'https://opendata.cbs.nl/ODataCatalog/$metadata';
  const theme = (ID: number, ParentID: number | null, Title: string, Language = 'nl') => ({
    ID,
    ParentID,
    Number: String(9000 + ID),
    Title,
    Language,
    Catalog: 'CBS',
  });
  server.route(
    '/ODataCatalog/Tables',
    file(join(ODATA_FIXTURES, 'v3-cbsodata3jl/ODataCatalog__Tables.json')),
  );
  server.route(
    '/ODataCatalog/Themes',
    json({
      'odata.metadata': `${metadata}#Themes`,
      value: [
        theme(1, null, 'Arbeid en sociale zekerheid'),
        theme(2, 1, 'Banen, werkgelegenheid'),
        theme(3, 1, 'Vacatures'),
        theme(4, null, 'Bevolking'),
        theme(5, null, 'Labour and social security', 'en'),
      ],
    }),
  );
  const link = (ID: number, TableIdentifier: string, ThemeID: number) => ({
    ID,
    TableIdentifier,
    ThemeID,
  });
  server.route(
    '/ODataCatalog/Tables_Themes',
    json({
      'odata.metadata': `${metadata}#Tables_Themes`,
      value: [
        link(1, '83599NED', 3),
        link(2, '80137ned', 2),
        link(3, '84669NED', 2),
        link(4, '83628NED', 2),
        link(5, '84287NED', 4),
      ],
    }),
  );
}
