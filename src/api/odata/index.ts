/**
 * OData v4 over udc's published data (mounted at /odata/v4): the service document, $metadata
 * (CSDL XML, or JSON with $format=json), and read-only entity sets with $filter, $select,
 * $orderby, $top, $skip and $count. Large answers are paged by the server: at most
 * `maxPageSize` rows (or fewer on `Prefer: odata.maxpagesize`), then @odata.nextLink.
 * Errors use OData's JSON error format; bad input is a 4xx, never a 5xx.
 */
import { Hono, type Context } from 'hono';
import type { Store } from '../../store/index.js';
import { accessOf } from '../auth/context.js';
import { requestTimeLimit, stoppedRequest } from '../deadline.js';
import { ENTITY_SETS, type EntitySet } from './entities.js';
import { QueryOptionError } from './filter.js';
import { metadataJson, metadataXml } from './metadata.js';
import { checkFormat, collectionSql, readCollectionQuery, type CollectionQuery } from './query.js';

export { parseFilter, QueryOptionError } from './filter.js';
export { compileFilter, type FilterProperty, type EdmType } from './sql.js';

/** How the service pages. */
export interface ODataOptions {
  /** Most rows in one answer; default 10,000. */
  maxPageSize?: number;
  /** Longest a request may take before it is answered 503; default 10 s. */
  queryTimeoutMs?: number;
}

const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** An OData JSON error answer. */
export function odataError(status: number, code: string, message: string, target?: string): Response {
  return new Response(JSON.stringify({ error: { code, message, ...(target ? { target } : {}) } }), {
    status,
    headers: { 'content-type': 'application/json;charset=utf-8', 'OData-Version': '4.0' },
  });
}

function odataJson(body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': JSON_TYPE, 'OData-Version': '4.0', ...headers },
  });
}

/** The OData v4 service as a Hono app, to be mounted (e.g. at /odata/v4). */
export function odataRoutes(store: Store, options: ODataOptions = {}): Hono {
  const maxPageSize = options.maxPageSize ?? 10_000;
  const queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
  const app = new Hono();
  app.use('*', requestTimeLimit(queryTimeoutMs));

  // One handler reads the path below the mount point itself, so the service works wherever it
  // is mounted, with or without a trailing slash.
  app.get('*', async (c) => {
    const url = new URL(c.req.url);
    const mount = c.req.routePath.replace(/\/?\*$/, '');
    const root = `${url.origin}${mount}`;
    const tail = url.pathname.slice(mount.length).replace(/^\/+|\/+$/g, '');
    const segments = tail === '' ? [] : tail.split('/').map(decodeSegment);
    const [first, second, ...rest] = segments;
    if (first === undefined) {
      checkFormat(url.searchParams.get('$format'));
      return odataJson({
        '@odata.context': `${root}/$metadata`,
        value: [...ENTITY_SETS.values()].map((e) => ({ name: e.name, kind: 'EntitySet', url: e.name })),
      });
    }
    if (rest.length > 0) return notFound(tail);
    if (first === '$metadata' && second === undefined) return metadata(c);
    const byKey = /^([A-Za-z]+)\((.*)\)$/s.exec(first);
    if (byKey && second === undefined) return entityByKey(c, byKey[1]!, byKey[2]!, root);
    const entity = ENTITY_SETS.get(first);
    if (!entity) return notFound(first);
    if (second === undefined) return collection(c, entity, root);
    if (second === '$count') return count(c, url, entity);
    return notFound(tail);
  });

  app.all('*', () => odataError(405, 'MethodNotAllowed', 'This service is read-only; only GET is answered.'));

  app.onError((error) => {
    if (error instanceof QueryOptionError) return odataError(400, 'BadRequest', error.message, error.option);
    const stopped = stoppedRequest(error, queryTimeoutMs);
    if (stopped)
      return odataError(
        stopped.status,
        stopped.reason === 'timeout' ? 'Timeout' : 'ClientClosed',
        stopped.message,
      );
    // A defect must not take the server down or leak internals; the message stays in the log.
    console.error(error);
    return odataError(500, 'InternalError', 'The request could not be answered.');
  });

  function notFound(what: string): Response {
    return odataError(
      404,
      'NotFound',
      `"${what.slice(0, 200)}" is not a resource of this service; expected the service document, $metadata or one of ${[...ENTITY_SETS.keys()].join(', ')}`,
    );
  }

  function metadata(c: Context): Response {
    const format = c.req.query('$format');
    const accept = c.req.header('accept') ?? '';
    if (
      format?.toLowerCase() === 'json' ||
      (!format && /application\/json/.test(accept) && !/xml/.test(accept))
    ) {
      return odataJson(metadataJson());
    }
    if (format && !/^(xml|application\/xml)$/i.test(format)) {
      throw new QueryOptionError(
        '$format',
        `"${format.slice(0, 40)}" is not served for $metadata; expected xml or json`,
      );
    }
    return new Response(metadataXml(), {
      headers: { 'content-type': 'application/xml;charset=utf-8', 'OData-Version': '4.0' },
    });
  }

  async function count(c: Context, url: URL, entity: EntitySet): Promise<Response> {
    const query = readCollectionQuery(url.searchParams, entity);
    const sql = collectionSql(entity, query, store.dialect, { skip: 0, limit: 0 }, accessOf(c));
    const row = await store.one<{ n: number | bigint }>(sql.count.sql, sql.count.params);
    return new Response(String(row?.n ?? 0), {
      headers: { 'content-type': 'text/plain;charset=utf-8', 'OData-Version': '4.0' },
    });
  }

  async function collection(c: Context, entity: EntitySet, root: string): Promise<Response> {
    const search = new URL(c.req.url).searchParams;
    const query = readCollectionQuery(search, entity);
    const pageSize = Math.min(maxPageSize, preferredPageSize(c.req.header('prefer')) ?? maxPageSize);
    const wanted = query.top ?? Number.POSITIVE_INFINITY;
    const limit = Math.min(wanted, pageSize);
    const sql = collectionSql(entity, query, store.dialect, { skip: query.skip, limit }, accessOf(c));
    // One row more than the page tells whether there is a next page without counting.
    sql.rows.params[sql.rows.params.length - 2] = limit + 1;
    const rows = await store.all(sql.rows.sql, sql.rows.params);
    const more = rows.length > limit && wanted > limit;
    const page = rows.slice(0, limit).map((r) => entityJson(entity, sql.columns, r));
    const body: Record<string, unknown> = {
      '@odata.context': `${root}/$metadata#${entity.name}${query.select.length > 0 ? `(${query.select.join(',')})` : ''}`,
    };
    if (query.count) {
      const row = await store.one<{ n: number | bigint }>(sql.count.sql, sql.count.params);
      body['@odata.count'] = Number(row?.n ?? 0);
    }
    body['value'] = page;
    if (more) body['@odata.nextLink'] = nextLink(c.req.url, query, limit);
    const headers: Record<string, string> = {};
    if (pageSize < maxPageSize) headers['Preference-Applied'] = `odata.maxpagesize=${pageSize}`;
    return odataJson(body, headers);
  }

  async function entityByKey(c: Context, setName: string, keyText: string, root: string): Promise<Response> {
    const entity = ENTITY_SETS.get(setName);
    if (!entity) return notFound(setName);
    const key = /^'((?:[^']|'')*)'$/.exec(keyText.trim());
    if (entity.key.length !== 1 || !key) {
      throw new QueryOptionError(
        'key',
        entity.key.length === 1
          ? `${setName}(${keyText.slice(0, 60)}) is not a quoted key; expected ${setName}('…')`
          : `${setName} has a composite key (${entity.key.join(', ')}); use $filter instead`,
      );
    }
    const query: CollectionQuery = {
      select: [],
      orderBy: [],
      skip: 0,
      count: false,
      filter: {
        type: 'compare',
        op: 'eq',
        at: 1,
        left: { type: 'property', name: entity.key[0]!, at: 1 },
        right: { type: 'literal', literal: { kind: 'string', value: key[1]!.replaceAll("''", "'") }, at: 1 },
      },
    };
    const sql = collectionSql(entity, query, store.dialect, { skip: 0, limit: 1 }, accessOf(c));
    const row = (await store.all(sql.rows.sql, sql.rows.params))[0];
    if (!row)
      return odataError(
        404,
        'NotFound',
        `${setName}(${keyText.slice(0, 100)}) does not exist or is not published`,
      );
    return odataJson({
      '@odata.context': `${root}/$metadata#${entity.name}/$entity`,
      ...entityJson(entity, sql.columns, row),
    });
  }

  return app;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new QueryOptionError('path', `"${segment.slice(0, 60)}" is not valid percent-encoding`);
  }
}

// Prefer: odata.maxpagesize=100 (a client may ask for smaller pages, never larger).
function preferredPageSize(prefer: string | undefined): number | undefined {
  const m = /odata\.maxpagesize\s*=\s*(\d{1,9})/i.exec(prefer ?? '');
  const n = m ? Number(m[1]) : undefined;
  return n !== undefined && n > 0 ? n : undefined;
}

// The next page: the same request, $skip moved on by the page and $top reduced by it.
function nextLink(requestUrl: string, query: CollectionQuery, limit: number): string {
  const url = new URL(requestUrl);
  url.searchParams.set('$skip', String(query.skip + limit));
  if (query.top !== undefined) url.searchParams.set('$top', String(query.top - limit));
  return url.href.replace(/%24/g, '$');
}

function entityJson(
  entity: EntitySet,
  columns: readonly string[],
  row: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of columns) {
    const property = entity.properties.find((p) => p.name === name)!;
    const value = row[name];
    if (value === null || value === undefined) out[name] = null;
    else if (property.type === 'Edm.DateTimeOffset')
      out[name] = `${String(value).replace(' ', 'T').replace(/Z?$/, 'Z')}`;
    else if (typeof value === 'bigint') out[name] = Number(value);
    else if (typeof value === 'number' && !Number.isFinite(value)) out[name] = null;
    else out[name] = value;
  }
  return out;
}
