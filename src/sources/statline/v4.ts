/**
 * CBS StatLine OData v4 (datasets.cbs.nl/odata/v1/CBS/<id>): Properties, Dimensions and each
 * <Dimension>Codes list, MeasureCodes, and Observations in long form, paged by @odata.nextLink.
 */
import { fetchAll, readODataPage } from './feed.js';
import { getJson, StatlineHttpError, type HttpOptions } from './http.js';
import { joinUrl, queryString, type ObservationQuery } from './query.js';
import type {
  CatalogEntry,
  CodeGroup,
  Dimension,
  DimensionCodeInfo,
  DimensionKind,
  Measure,
  RawObservation,
  TableMetadata,
} from './table.js';

/** The address of a v4 table: <base>/<catalog>/<id>, e.g. https://datasets.cbs.nl/odata/v1/CBS/03759ned. */
export function v4TableUrl(base: string, catalog: string, id: string): string {
  return joinUrl(base, `${encodeURIComponent(catalog)}/${encodeURIComponent(id)}`);
}

type Json = Record<string, unknown>;

/** Reads the Properties singleton into the table's descriptive fields. */
export function readProperties(
  url: string,
  id: string,
  document: unknown,
): Omit<TableMetadata, 'measures' | 'dimensions' | 'url'> {
  const p = document as Json | null;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    throw new StatlineHttpError(
      `${url} is not a Properties object; expected the v4 Properties of ${id}`,
      url,
      'json',
    );
  }
  const modified = text(p['Modified']) ?? text(p['ObservationsModified']) ?? text(p['Version']);
  return {
    api: 'v4',
    id: text(p['Identifier']) ?? id,
    title: text(p['Title']) ?? id,
    shortTitle: text(p['ShortTitle']),
    summary: text(p['Summary']),
    description: text(p['Description']),
    modified: modified ?? '',
    catalog: text(p['Catalog']) ?? 'CBS',
    licence: licenceName(text(p['License'])),
    periodText: text(p['TemporalCoverage']),
    language: text(p['Language']),
    observationCount: typeof p['ObservationCount'] === 'number' ? p['ObservationCount'] : undefined,
  };
}

// CBS gives the licence as a URL; people read "CC BY 4.0".
function licenceName(url: string | undefined): string {
  if (!url) return 'CC BY 4.0';
  return /creativecommons\.org\/licenses\/by\/4\.0/i.test(url) ? 'CC BY 4.0' : url;
}

/** Reads MeasureCodes into measures. */
export function readMeasureCodes(url: string, document: unknown): Measure[] {
  return readODataPage(url, document).value.map((m) => ({
    key: String(m['Identifier'] ?? ''),
    title: text(m['Title'])?.trim() || String(m['Identifier'] ?? ''),
    group:
      m['MeasureGroupId'] === null || m['MeasureGroupId'] === undefined
        ? undefined
        : String(m['MeasureGroupId']),
    unit: text(m['Unit'])?.trim() || undefined,
    decimals: typeof m['Decimals'] === 'number' ? m['Decimals'] : undefined,
    description: text(m['Description']) || undefined,
    dataType: text(m['DataType']),
    presentation: text(m['PresentationType']) || undefined,
  }));
}

/** Reads Dimensions (codes still to fetch). */
export function readDimensions(url: string, document: unknown): Dimension[] {
  return readODataPage(url, document).value.map((d) => {
    const kind: DimensionKind =
      d['Kind'] === 'TimeDimension'
        ? 'time'
        : d['Kind'] === 'GeoDimension' || d['Kind'] === 'GeoDetail'
          ? 'geo'
          : 'plain';
    const mapYear = Number(d['MapYear']);
    return {
      key: String(d['Identifier'] ?? ''),
      title: text(d['Title']) ?? String(d['Identifier'] ?? ''),
      kind,
      mapYear:
        d['MapYear'] !== null && d['MapYear'] !== '' && Number.isInteger(mapYear) ? mapYear : undefined,
      codes: [],
    };
  });
}

/** Reads a <Dimension>Codes list (Identifier, Title, Description, DimensionGroupId, Status). */
export function readV4Codes(url: string, document: unknown): DimensionCodeInfo[] {
  return readODataPage(url, document).value.map((c) => ({
    code: String(c['Identifier'] ?? '').trim(),
    title: text(c['Title'])?.trim() || String(c['Identifier'] ?? '').trim(),
    description: text(c['Description']) || undefined,
    group:
      c['DimensionGroupId'] === null || c['DimensionGroupId'] === undefined
        ? undefined
        : String(c['DimensionGroupId']),
    status: text(c['Status']),
  }));
}

/** Reads a <Dimension>Groups or MeasureGroups list (Id, Title, Description, ParentId). */
export function readV4Groups(url: string, document: unknown): CodeGroup[] {
  return readODataPage(url, document)
    .value.filter((g) => g['Id'] !== null && g['Id'] !== undefined)
    .map((g) => ({
      id: String(g['Id']),
      title: text(g['Title'])?.trim() || String(g['Id']),
      parent: g['ParentId'] === null || g['ParentId'] === undefined ? undefined : String(g['ParentId']),
      description: text(g['Description'])?.trim() || undefined,
    }));
}

/** The titles from the top group down to group `id` ("Banen > Werknemers"), or undefined when unknown. */
export function groupPath(groups: readonly CodeGroup[], id: string | undefined): string | undefined {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const titles: string[] = [];
  const seen = new Set<string>();
  for (let g = id === undefined ? undefined : byId.get(id); g && !seen.has(g.id);) {
    seen.add(g.id);
    titles.unshift(g.title);
    g = g.parent === undefined ? undefined : byId.get(g.parent);
  }
  return titles.length > 0 ? titles.join(' > ') : undefined;
}

// Groups are optional: a table without them (or a server that does not serve them) answers 404.
async function optionalList(url: string, http: HttpOptions): Promise<Record<string, unknown>[] | undefined> {
  try {
    return await fetchAll(url, http);
  } catch (error) {
    if (error instanceof StatlineHttpError && error.status === 404) return undefined;
    throw error;
  }
}

/** Fetches a v4 table's metadata: Properties, MeasureCodes, Dimensions and every code list. */
export async function fetchTableV4(
  base: string,
  catalog: string,
  id: string,
  http: HttpOptions,
): Promise<TableMetadata> {
  const table = v4TableUrl(base, catalog, id);
  const propertiesUrl = `${table}/Properties`;
  const info = readProperties(propertiesUrl, id, await getJson(propertiesUrl, http));
  const measuresUrl = `${table}/MeasureCodes`;
  const measures = readMeasureCodes(measuresUrl, { value: await fetchAll(measuresUrl, http) });
  if (measures.some((m) => m.group !== undefined)) {
    // A measure's group is an id; its title path ("Werkzame beroepsbevolking > Totaal") is what
    // a person reads. Without MeasureGroups the id stays, so same-titled measures stay apart.
    const groupsUrl = `${table}/MeasureGroups`;
    const list = await optionalList(groupsUrl, http);
    const groups = list ? readV4Groups(groupsUrl, { value: list }) : [];
    for (const m of measures) m.group = groupPath(groups, m.group) ?? m.group;
  }
  const dimensionsUrl = `${table}/Dimensions`;
  const dimensionsDocument = await getJson(dimensionsUrl, http);
  const dimensions = readDimensions(dimensionsUrl, dimensionsDocument);
  const withoutGroups = new Set(
    readODataPage(dimensionsUrl, dimensionsDocument)
      .value.filter((d) => d['ContainsGroups'] === false)
      .map((d) => String(d['Identifier'] ?? '')),
  );
  for (const dimension of dimensions) {
    const codesUrl = `${table}/${encodeURIComponent(dimension.key)}Codes`;
    dimension.codes = readV4Codes(codesUrl, { value: await fetchAll(codesUrl, http) });
    if (withoutGroups.has(dimension.key) || !dimension.codes.some((c) => c.group !== undefined)) continue;
    const groupsUrl = `${table}/${encodeURIComponent(dimension.key)}Groups`;
    const groups = await optionalList(groupsUrl, http);
    if (groups) dimension.groups = readV4Groups(groupsUrl, { value: groups });
  }
  return { ...info, url: table, measures, dimensions };
}

/** Fetches only the Properties' Modified stamp: what mirror compares before downloading anything. */
export async function fetchModifiedV4(
  base: string,
  catalog: string,
  id: string,
  http: HttpOptions,
): Promise<string> {
  const url = `${v4TableUrl(base, catalog, id)}/Properties`;
  const modified = readProperties(url, id, await getJson(url, http)).modified;
  if (!modified) throw new Error(`${url} gives no Modified stamp; expected Properties with Modified`);
  return modified;
}

/** The Observations URL for a query; a select of measures becomes a filter on Measure (v4 is long). */
export function observationsUrlV4(table: TableMetadata, query: ObservationQuery): string {
  const measures = (query.select ?? []).map((m) => `Measure eq '${m.replace(/'/g, "''")}'`);
  const parts = [
    query.filter ? `(${query.filter})` : '',
    measures.length > 0 ? `(${measures.join(' or ')})` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return `${table.url}/Observations${queryString({ $filter: parts || undefined })}`;
}

const NOT_DIMENSIONS = new Set(['Id', 'Measure', 'Value', 'ValueAttribute', 'StringValue']);

/** Reads one v4 Observations row. */
export function observationFromV4Row(table: TableMetadata, row: Record<string, unknown>): RawObservation {
  const dimensions: Record<string, string> = {};
  for (const d of table.dimensions) dimensions[d.key] = String(row[d.key] ?? '');
  // A row may carry dimensions the metadata did not list (a filtered Dimensions answer); keep them.
  for (const key of Object.keys(row))
    if (!NOT_DIMENSIONS.has(key) && !(key in dimensions)) dimensions[key] = String(row[key] ?? '');
  const value = row['Value'];
  return {
    measure: String(row['Measure'] ?? ''),
    value: typeof value === 'number' ? value : typeof value === 'string' ? value : null,
    valueAttribute: text(row['ValueAttribute']),
    dimensions,
  };
}

/** Reads one entry of the v4 Datasets catalog. */
export function catalogEntryV4(record: Record<string, unknown>): CatalogEntry {
  return {
    id: String(record['Identifier'] ?? ''),
    title: text(record['Title']) ?? '',
    summary: text(record['Description']),
    catalog: text(record['Catalog']) ?? 'CBS',
    modified: text(record['Modified']) ?? text(record['ObservationsModified']),
    recordCount: typeof record['ObservationCount'] === 'number' ? record['ObservationCount'] : undefined,
    language: text(record['Language']),
  };
}

/** Fetches a v4 catalog's Datasets (every page). */
export async function fetchCatalogV4(
  base: string,
  catalog: string,
  http: HttpOptions,
): Promise<CatalogEntry[]> {
  const url = joinUrl(base, `${encodeURIComponent(catalog)}/Datasets`);
  return (await fetchAll(url, http)).map(catalogEntryV4);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
