/**
 * A StatLine-compatible OData v3 API over every published dataset, so CBS's own clients (cbsodata
 * for Python, cbsodataR, udc's StatLine client, anything that reads opendata.cbs.nl) read udc's
 * tables unchanged: /ODataApi/odata/<table> and /ODataFeed/odata/<table> with TableInfos,
 * DataProperties, CategoryGroups, the dimension lists, TypedDataSet and UntypedDataSet, and the
 * catalogue at /ODataCatalog/Tables. Paging as CBS pages: ODataApi refuses an answer of more than
 * 10,000 rows (ask less with $top/$skip, or use the feed); ODataFeed answers 10,000 rows a page
 * and names the next page in odata.nextLink. Answers are JSON (CBS's `$format=json`).
 */
import { Hono, type Context } from 'hono';
import { visibleCondition, type AccessContext } from '../../access/roles.js';
import type { Store } from '../../store/index.js';
import { accessOf } from '../auth/context.js';
import { requestTimeLimit, stoppedRequest } from '../deadline.js';
import { QueryOptionError } from '../odata/filter.js';
import { readDataSet, type DataSetQuery } from './dataset.js';
import {
  catalogRecord,
  collectionNames,
  dataProperties,
  dimensionList,
  serviceDocument,
  tableInfos,
} from './documents.js';
import { catalogMetadataXml, tableMetadataXml } from './csdl.js';
import { loadTable, publishedIds, type StatlineTable } from './model.js';

export { regionWidth } from './model.js';

/** Paging limits (CBS: 10,000 rows). */
export interface StatlineOptions {
  /** Rows per ODataFeed page and most rows ODataApi answers; default 10,000. */
  pageSize?: number;
  /** Longest a request may take before it is answered 503; default 10 s. */
  queryTimeoutMs?: number;
}

const JSON_TYPE = 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8';
const OPTIONS = new Set(['$format', '$filter', '$select', '$top', '$skip']);

/** An OData v3 JSON error, in the shape CBS's service answers with. */
export function statlineError(status: number, message: string): Response {
  return new Response(
    JSON.stringify({ 'odata.error': { code: '', message: { lang: 'en-US', value: message } } }),
    {
      status,
      headers: { 'content-type': JSON_TYPE, DataServiceVersion: '3.0' },
    },
  );
}

function v3Xml(body: string): Response {
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'application/xml;charset=utf-8', DataServiceVersion: '3.0' },
  });
}

function v3Json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    headers: { 'content-type': JSON_TYPE, DataServiceVersion: '3.0' },
  });
}

/** The StatLine v3 routes as a Hono app, to be mounted at the server root. */
export function statlineRoutes(store: Store, options: StatlineOptions = {}): Hono {
  const pageSize = options.pageSize ?? 10_000;
  const queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
  const app = new Hono();
  app.use('*', requestTimeLimit(queryTimeoutMs));
  const tables = new TableCache(store);

  app.get('/ODataCatalog', (c) => catalogRoot(c));
  app.get('/ODataCatalog/*', async (c) => {
    const tail = segments(c).slice(1);
    if (tail.length === 0) return catalogRoot(c);
    if (tail.length !== 1)
      return statlineError(404, `${c.req.path.slice(0, 200)} is not a catalogue resource`);
    const search = checkOptions(c);
    const origin = new URL(c.req.url).origin;
    const base = `${origin}/ODataCatalog`;
    switch (tail[0]!.toLowerCase()) {
      case '$metadata':
        return v3Xml(catalogMetadataXml());
      case 'tables': {
        const all: Record<string, unknown>[] = [];
        for (const id of await publishedIds(store, accessOf(c))) {
          const table = await tables.get(id, accessOf(c));
          if (table) all.push(catalogRecord(table, origin, all.length));
        }
        const skip = count('$skip', search.get('$skip')) ?? 0;
        const top = count('$top', search.get('$top'));
        const page = all.slice(skip, top === undefined ? undefined : skip + top);
        return v3Json({ 'odata.metadata': `${base}/$metadata#Tables`, value: page });
      }
      // udc files its datasets under no CBS theme; the collections exist so theme-aware clients work.
      case 'themes':
        return v3Json({ 'odata.metadata': `${base}/$metadata#Themes`, value: [] });
      case 'tables_themes':
        return v3Json({ 'odata.metadata': `${base}/$metadata#Tables_Themes`, value: [] });
      default:
        return statlineError(
          404,
          `"${tail[0]!.slice(0, 100)}" is not a catalogue collection; expected Tables, Themes or Tables_Themes`,
        );
    }
  });

  for (const api of ['ODataApi', 'ODataFeed'] as const) {
    app.get(`/${api}/*`, async (c) => {
      const [, odata, id, collection, ...rest] = segments(c);
      if (odata?.toLowerCase() !== 'odata' || id === undefined || rest.length > 0) {
        return statlineError(
          404,
          `${c.req.path.slice(0, 200)} is not a StatLine resource; expected /${api}/odata/<table>/<collection>`,
        );
      }
      const search = checkOptions(c);
      const table = await tables.get(id, accessOf(c));
      if (!table) return statlineError(404, `There is no published table "${id.slice(0, 100)}".`);
      const origin = new URL(c.req.url).origin;
      const base = `${origin}/${api}/odata/${encodeURIComponent(table.id)}`;
      if (collection === undefined) return v3Json(serviceDocument(table, base));
      if (collection === '$metadata') return v3Xml(tableMetadataXml(table));
      const name = collectionNames(table).find((n) => n.toLowerCase() === collection.toLowerCase());
      if (!name) {
        return statlineError(
          404,
          `Table ${table.id} has no collection "${collection.slice(0, 100)}"; expected one of ${collectionNames(table).join(', ')}`,
        );
      }
      const metadata = `${base}/$metadata#Cbs.OData.WebAPI.${name}`;
      switch (name) {
        case 'TableInfos':
          return v3Json({ value: [tableInfos(table)], 'odata.metadata': metadata });
        case 'DataProperties':
          return v3Json({ value: dataProperties(table), 'odata.metadata': metadata });
        case 'CategoryGroups':
          return v3Json({ value: [], 'odata.metadata': metadata });
        case 'TypedDataSet':
        case 'UntypedDataSet':
          return dataSet(c, api, table, name, search, base);
        default:
          return v3Json({ value: dimensionList(table, name) ?? [], 'odata.metadata': metadata });
      }
    });
  }

  app.onError((error) => {
    if (error instanceof QueryOptionError) return statlineError(400, error.message);
    const stopped = stoppedRequest(error, queryTimeoutMs);
    if (stopped) return statlineError(stopped.status, stopped.message);
    // A defect must not take the server down or leak internals; the message stays in the log.
    console.error(error);
    return statlineError(500, 'The request could not be answered.');
  });

  function catalogRoot(c: Context): Response {
    const base = `${new URL(c.req.url).origin}/ODataCatalog`;
    return v3Json({
      value: ['Tables', 'Themes', 'Tables_Themes'].map((name) => ({ name, url: `${base}/${name}` })),
      'odata.metadata': `${base}/$metadata`,
    });
  }

  async function dataSet(
    c: Context,
    api: 'ODataApi' | 'ODataFeed',
    table: StatlineTable,
    name: 'TypedDataSet' | 'UntypedDataSet',
    search: URLSearchParams,
    base: string,
  ): Promise<Response> {
    const query: DataSetQuery = {
      filter: search.get('$filter') ?? undefined,
      select: search.get('$select') ?? undefined,
      top: count('$top', search.get('$top')),
      skip: count('$skip', search.get('$skip')) ?? 0,
    };
    const typed = name === 'TypedDataSet';
    const metadata = `${base}/$metadata#Cbs.OData.WebAPI.${name}`;
    if (api === 'ODataApi') {
      if (query.top !== undefined && query.top > pageSize) {
        throw new QueryOptionError(
          '$top',
          `${query.top} is more than the ${pageSize} rows ODataApi answers at once; use ODataFeed for more`,
        );
      }
      const page = await readDataSet(store, table, query, query.top ?? pageSize, typed);
      if (query.top === undefined && page.more) {
        return statlineError(
          400,
          `The selection has more than ${pageSize} rows, more than ODataApi answers at once; narrow it with $filter, page with $top and $skip, or read ${base.replace('/ODataApi/', '/ODataFeed/')}/${name}`,
        );
      }
      return v3Json({ 'odata.metadata': metadata, value: page.rows });
    }
    const limit = Math.min(pageSize, query.top ?? pageSize);
    const page = await readDataSet(store, table, query, limit, typed);
    const body: Record<string, unknown> = { 'odata.metadata': metadata, value: page.rows };
    if (page.more && (query.top === undefined || query.top > limit)) {
      const next = new URLSearchParams();
      next.set('$format', 'json');
      if (query.filter) next.set('$filter', query.filter);
      if (query.select) next.set('$select', query.select);
      if (query.top !== undefined) next.set('$top', String(query.top - limit));
      next.set('$skip', String(query.skip + limit));
      body['odata.nextLink'] = `${base}/${name}?${next.toString().replace(/%24/g, '$')}`;
    }
    return v3Json(body);
  }

  return app;
}

// Path segments, decoded; undecodable percent-encoding is the client's error.
function segments(c: Context): string[] {
  return new URL(c.req.url).pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new QueryOptionError('path', `"${s.slice(0, 60)}" is not valid percent-encoding`);
      }
    });
}

// CBS's clients repeat options on next links (older cbsodata sends $format twice); the first wins.
function checkOptions(c: Context): URLSearchParams {
  const search = new URL(c.req.url).searchParams;
  for (const name of search.keys()) {
    if (name.startsWith('$') && !OPTIONS.has(name)) {
      throw new QueryOptionError(name.slice(0, 40), `is not supported; expected ${[...OPTIONS].join(', ')}`);
    }
  }
  const format = search.get('$format');
  if (format !== null && !/^(json|application\/json.*)$/i.test(format.trim())) {
    throw new QueryOptionError('$format', `"${format.slice(0, 40)}" is not served; expected json`);
  }
  return search;
}

function count(option: string, text: string | null): number | undefined {
  if (text === null) return undefined;
  if (!/^\d{1,12}$/.test(text.trim()))
    throw new QueryOptionError(option, `"${text.slice(0, 40)}" is not a whole number of 0 or more`);
  return Number(text.trim());
}

// Metadata is read once per dataset version, not on every page of a feed.
class TableCache {
  private readonly cache = new Map<string, { stamp: string; table: StatlineTable }>();

  constructor(private readonly store: Store) {}

  async get(id: string, access: AccessContext): Promise<StatlineTable | undefined> {
    const row = await this.store.one<{ id: string; stamp: string }>(
      `SELECT id, concat(version, '/', imported, '/', (SELECT max(finished) FROM import_run WHERE dataset = d.id)) AS stamp
       FROM dataset d WHERE lower(id) = lower($1) AND ${visibleCondition(access, 'd.confidentiality')}`,
      [id],
    );
    if (!row) return undefined;
    const cached = this.cache.get(row.id);
    if (cached && cached.stamp === row.stamp) return cached.table;
    const table = await loadTable(this.store, row.id, access);
    if (table) {
      if (this.cache.size > 200) this.cache.clear();
      this.cache.set(row.id, { stamp: row.stamp, table });
    }
    return table;
  }
}
