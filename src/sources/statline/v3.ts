/**
 * CBS StatLine OData v3 (opendata.cbs.nl and dataderden.cbs.nl): the catalog
 * (ODataCatalog/Tables), per table TableInfos, DataProperties and every dimension list through
 * ODataApi, and the observations through the bulk ODataFeed, which pages past 10,000 rows.
 */
import { fetchAll, readODataPage } from './feed.js';
import { getJson, StatlineHttpError, type HttpOptions } from './http.js';
import { joinUrl, queryString, type ObservationQuery } from './query.js';
import type {
  CatalogEntry,
  CodeGroup,
  Dimension,
  DimensionCodeInfo,
  Measure,
  RawObservation,
  TableMetadata,
} from './table.js';

/** The addresses of one v3 table under a server's base URL (https://opendata.cbs.nl). */
export function v3Urls(base: string, id: string) {
  return {
    catalog: joinUrl(base, 'ODataCatalog/Tables'),
    api: joinUrl(base, `ODataApi/OData/${encodeURIComponent(id)}`),
    feed: joinUrl(base, `ODataFeed/OData/${encodeURIComponent(id)}`),
  };
}

type Json = Record<string, unknown>;

/** Reads the first TableInfos record into the table's descriptive fields. */
export function readTableInfos(
  url: string,
  id: string,
  document: unknown,
): Omit<TableMetadata, 'measures' | 'dimensions'> {
  const info = readODataPage(url, document).value[0];
  if (!info) throw new Error(`${url} has no TableInfos record; expected one describing table ${id}`);
  return {
    api: 'v3',
    id: text(info['Identifier']) ?? id,
    title: text(info['Title']) ?? id,
    shortTitle: text(info['ShortTitle']),
    summary: text(info['Summary']),
    description: text(info['ShortDescription']) ?? text(info['Description']),
    modified: text(info['Modified']) ?? '',
    catalog: text(info['Catalog']) ?? 'CBS',
    licence: 'CC BY 4.0',
    periodText: text(info['Period']),
    language: text(info['Language']),
    url: url.replace(/\/TableInfos.*$/, ''),
  };
}

/**
 * Reads DataProperties: Topics become measures (titled with their TopicGroup), Dimension,
 * TimeDimension, GeoDimension and GeoDetail become dimensions (codes still to fetch).
 */
export function readDataProperties(
  url: string,
  document: unknown,
): { measures: Measure[]; dimensions: Dimension[] } {
  const properties = readODataPage(url, document).value;
  const groups = new Map<number, Json>();
  for (const p of properties) if (p['Type'] === 'TopicGroup') groups.set(Number(p['ID']), p);
  const measures: Measure[] = [];
  const dimensions: Dimension[] = [];
  for (const p of properties) {
    const type = p['Type'];
    const key = text(p['Key']);
    if (!key) continue;
    if (type === 'Topic') {
      measures.push({
        key,
        title: text(p['Title'])?.trim() || key,
        group: groupTitles(groups, p['ParentID']),
        unit: text(p['Unit'])?.trim() || undefined,
        decimals: typeof p['Decimals'] === 'number' ? p['Decimals'] : undefined,
        description: text(p['Description']),
        dataType: text(p['Datatype']),
        presentation: text(p['PresentationType']) || undefined,
      });
    } else if (
      type === 'Dimension' ||
      type === 'TimeDimension' ||
      type === 'GeoDimension' ||
      type === 'GeoDetail'
    ) {
      dimensions.push({
        key,
        title: text(p['Title']) ?? key,
        kind: type === 'TimeDimension' ? 'time' : type === 'Dimension' ? 'plain' : 'geo',
        mapYear: typeof p['MapYear'] === 'number' ? p['MapYear'] : undefined,
        codes: [],
      });
    }
  }
  return { measures, dimensions };
}

// A topic sits in nested TopicGroups ("Banen" > "Werknemers"); its title alone is often just "Totaal".
function groupTitles(groups: Map<number, Json>, parent: unknown): string | undefined {
  const titles: string[] = [];
  for (let id = parent, depth = 0; id !== null && id !== undefined && depth < 10; depth++) {
    const group = groups.get(Number(id));
    if (!group) break;
    const title = text(group['Title'])?.trim();
    if (title) titles.unshift(title);
    id = group['ParentID'];
  }
  return titles.length > 0 ? titles.join(' > ') : undefined;
}

/** Reads a v3 dimension list (Key, Title, Description, Status, CategoryGroupID), codes trimmed. */
export function readV3Codes(url: string, document: unknown): DimensionCodeInfo[] {
  return readODataPage(url, document).value.map((c) => ({
    code: String(c['Key'] ?? '').trim(),
    title: text(c['Title'])?.trim() || String(c['Key'] ?? '').trim(),
    description: text(c['Description']) || undefined,
    group:
      c['CategoryGroupID'] === null || c['CategoryGroupID'] === undefined
        ? undefined
        : String(c['CategoryGroupID']),
    status: text(c['Status']),
  }));
}

/** Reads v3 CategoryGroups (ID, DimensionKey, Title, Description, ParentID) per dimension key. */
export function readCategoryGroups(url: string, document: unknown): Map<string, CodeGroup[]> {
  const byDimension = new Map<string, CodeGroup[]>();
  for (const g of readODataPage(url, document).value) {
    const dimension = text(g['DimensionKey']);
    if (!dimension || g['ID'] === null || g['ID'] === undefined) continue;
    const group: CodeGroup = {
      id: String(g['ID']),
      title: text(g['Title'])?.trim() || String(g['ID']),
      parent: g['ParentID'] === null || g['ParentID'] === undefined ? undefined : String(g['ParentID']),
      description: text(g['Description'])?.trim() || undefined,
    };
    const list = byDimension.get(dimension);
    if (list) list.push(group);
    else byDimension.set(dimension, [group]);
  }
  return byDimension;
}

/** Fetches a v3 table's metadata: TableInfos, DataProperties and every dimension list. */
export async function fetchTableV3(base: string, id: string, http: HttpOptions): Promise<TableMetadata> {
  const urls = v3Urls(base, id);
  const infoUrl = `${urls.api}/TableInfos${queryString({ $format: 'json' })}`;
  const info = readTableInfos(infoUrl, id, await getJson(infoUrl, http));
  const propertiesUrl = `${urls.api}/DataProperties${queryString({ $format: 'json' })}`;
  const { measures, dimensions } = readDataProperties(propertiesUrl, await getJson(propertiesUrl, http));
  for (const dimension of dimensions) {
    const codesUrl = `${urls.api}/${encodeURIComponent(dimension.key)}${queryString({ $format: 'json' })}`;
    dimension.codes = readV3Codes(codesUrl, { value: await fetchAll(codesUrl, http) });
  }
  if (dimensions.some((d) => d.codes.some((c) => c.group !== undefined))) {
    const groupsUrl = `${urls.api}/CategoryGroups${queryString({ $format: 'json' })}`;
    const groups = await fetchAll(groupsUrl, http).catch((error: unknown) => {
      // Older tables have no CategoryGroups collection at all.
      if (error instanceof StatlineHttpError && error.status === 404) return [];
      throw error;
    });
    const byDimension = readCategoryGroups(groupsUrl, { value: groups });
    for (const d of dimensions) if (byDimension.has(d.key)) d.groups = byDimension.get(d.key);
  }
  return { ...info, url: urls.api, measures, dimensions };
}

/** Fetches only TableInfos' Modified stamp: what mirror compares before downloading anything. */
export async function fetchModifiedV3(base: string, id: string, http: HttpOptions): Promise<string> {
  const url = `${v3Urls(base, id).api}/TableInfos${queryString({ $format: 'json', $select: 'Modified' })}`;
  const info = readODataPage(url, await getJson(url, http)).value[0];
  const modified = text(info?.['Modified']);
  if (!modified) throw new Error(`${url} gives no Modified stamp; expected TableInfos with Modified`);
  return modified;
}

/**
 * The bulk feed URL of a table's observations (ODataFeed pages past 10,000 rows by itself).
 * Untyped keeps CBS's symbols (., x, -) that Typed turns into null.
 */
export function feedUrlV3(base: string, table: TableMetadata, query: ObservationQuery): string {
  return `${v3Urls(base, table.id).feed}/${query.typed ? 'TypedDataSet' : 'UntypedDataSet'}${queryString({
    $format: 'json',
    $filter: query.filter,
    $select: selectV3(table, query),
  })}`;
}

/** The ODataApi URL of a slice of a table (at most 10,000 rows per answer: CBS refuses more). */
export function apiDataSetUrlV3(
  base: string,
  table: TableMetadata,
  query: ObservationQuery & { top?: number; skip?: number },
): string {
  return `${v3Urls(base, table.id).api}/${query.typed === false ? 'UntypedDataSet' : 'TypedDataSet'}${queryString(
    {
      $format: 'json',
      $filter: query.filter,
      $select: selectV3(table, query),
      $top: query.top,
      $skip: query.skip,
    },
  )}`;
}

// A v3 select names columns: the dimensions must stay in it or the rows lose their keys.
function selectV3(table: TableMetadata, query: ObservationQuery): string | undefined {
  if (!query.select || query.select.length === 0) return undefined;
  return [...table.dimensions.map((d) => d.key), ...query.select].join(',');
}

/** Turns one wide v3 row (one column per topic) into one long observation per topic. */
export function observationsFromV3Row(table: TableMetadata, row: Record<string, unknown>): RawObservation[] {
  const dimensions: Record<string, string> = {};
  for (const d of table.dimensions) dimensions[d.key] = String(row[d.key] ?? '');
  const out: RawObservation[] = [];
  for (const m of table.measures) {
    if (!(m.key in row)) continue;
    const value = row[m.key];
    out.push({
      measure: m.key,
      value: typeof value === 'number' || typeof value === 'string' ? value : null,
      dimensions,
    });
  }
  return out;
}

/** Reads one ODataCatalog/Tables record. */
export function catalogEntryV3(record: Record<string, unknown>): CatalogEntry {
  return {
    id: String(record['Identifier'] ?? ''),
    title: text(record['Title']) ?? '',
    shortTitle: text(record['ShortTitle']),
    summary: text(record['Summary']),
    catalog: text(record['Catalog']) ?? 'CBS',
    modified: text(record['Modified']),
    period: text(record['Period']),
    frequency: text(record['Frequency']),
    recordCount: typeof record['RecordCount'] === 'number' ? record['RecordCount'] : undefined,
    language: text(record['Language']),
  };
}

/** Fetches the whole v3 catalog (every page). */
export async function fetchCatalogV3(base: string, http: HttpOptions): Promise<CatalogEntry[]> {
  const url = `${joinUrl(base, 'ODataCatalog/Tables')}${queryString({ $format: 'json' })}`;
  return (await fetchAll(url, http)).map(catalogEntryV3);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
