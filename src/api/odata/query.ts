/**
 * The system query options of an OData v4 collection request ($filter, $select, $orderby, $top,
 * $skip, $count, $format), read and checked against the entity set, and the parameterised SQL
 * that answers them. Options udc does not implement ($expand, $search, $apply ...) are refused
 * with 400, as OData requires, rather than silently ignored.
 */
import type { AccessContext } from '../../access/roles.js';
import { ident, type Dialect, type SqlValue } from '../../store/index.js';
import { filterProperties, type EntitySet } from './entities.js';
import { parseFilter, QueryOptionError, type FilterNode } from './filter.js';
import { compileFilter } from './sql.js';

/** A checked collection request. */
export interface CollectionQuery {
  filter?: FilterNode;
  select: string[];
  orderBy: { name: string; descending: boolean }[];
  top?: number;
  skip: number;
  count: boolean;
}

const SUPPORTED = new Set(['$filter', '$select', '$orderby', '$top', '$skip', '$count', '$format']);
const NOT_IMPLEMENTED = new Set([
  '$expand',
  '$search',
  '$apply',
  '$compute',
  '$levels',
  '$index',
  '$schemaversion',
  '$skiptoken',
  '$deltatoken',
  '$inlinecount',
  '$id',
]);
/** Larger $skip values are refused: they cannot address a row and would lose precision. */
const MAX_SKIP = 1_000_000_000_000;

/** Reads the query string's system options; throws QueryOptionError for anything it cannot accept. */
export function readCollectionQuery(search: URLSearchParams, entity: EntitySet): CollectionQuery {
  const seen = new Set<string>();
  for (const name of search.keys()) {
    if (!name.startsWith('$')) continue; // custom query options are allowed and ignored
    if (seen.has(name)) throw new QueryOptionError(name, 'is given more than once; expected it at most once');
    seen.add(name);
    if (NOT_IMPLEMENTED.has(name)) throw new QueryOptionError(name, 'is not supported by this service');
    if (!SUPPORTED.has(name)) {
      throw new QueryOptionError(
        name.slice(0, 40),
        `is not a system query option; expected one of ${[...SUPPORTED].join(', ')}`,
      );
    }
  }
  checkFormat(search.get('$format'));
  const known = new Set(entity.properties.map((x) => x.name));
  const filterText = search.get('$filter');
  const query: CollectionQuery = {
    select: readSelect(search.get('$select'), known),
    orderBy: readOrderBy(search.get('$orderby'), known),
    top: readCount('$top', search.get('$top'), 2 ** 31 - 1),
    skip: readCount('$skip', search.get('$skip'), MAX_SKIP) ?? 0,
    count: readBoolean('$count', search.get('$count')),
  };
  if (filterText !== null) query.filter = parseFilter(filterText);
  return query;
}

/** Checks $format: JSON is the only format served. */
export function checkFormat(format: string | null): void {
  if (format === null) return;
  const f = format.trim().toLowerCase();
  if (f === 'json' || f.startsWith('application/json')) return;
  throw new QueryOptionError('$format', `"${format.slice(0, 40)}" is not served; expected json`);
}

function readSelect(text: string | null, known: ReadonlySet<string>): string[] {
  if (text === null || text.trim() === '*') return [];
  return splitList('$select', text).map(({ item, at }) => {
    if (!known.has(item)) {
      throw new QueryOptionError(
        '$select',
        `unknown property "${item.slice(0, 60)}"; expected one of ${[...known].join(', ')}`,
        at,
      );
    }
    return item;
  });
}

function readOrderBy(text: string | null, known: ReadonlySet<string>): CollectionQuery['orderBy'] {
  if (text === null) return [];
  return splitList('$orderby', text).map(({ item, at }) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?$/.exec(item);
    if (!m) {
      throw new QueryOptionError(
        '$orderby',
        `"${item.slice(0, 60)}" is not a property with optional asc or desc`,
        at,
      );
    }
    if (!known.has(m[1]!)) {
      throw new QueryOptionError(
        '$orderby',
        `unknown property "${m[1]}"; expected one of ${[...known].join(', ')}`,
        at,
      );
    }
    return { name: m[1]!, descending: m[2] === 'desc' };
  });
}

// Items of a comma-separated option, trimmed, with their 1-based position.
function splitList(option: string, text: string): { item: string; at: number }[] {
  if (text.length > 4000) throw new QueryOptionError(option, 'is longer than 4000 characters');
  const out: { item: string; at: number }[] = [];
  let start = 0;
  for (const part of text.split(',')) {
    const lead = part.length - part.trimStart().length;
    const item = part.trim();
    if (item === '')
      throw new QueryOptionError(option, 'has an empty item; expected names separated by commas', start + 1);
    out.push({ item, at: start + lead + 1 });
    start += part.length + 1;
  }
  return out;
}

function readCount(option: string, text: string | null, max: number): number | undefined {
  if (text === null) return undefined;
  if (!/^\d{1,16}$/.test(text.trim())) {
    throw new QueryOptionError(option, `"${text.slice(0, 40)}" is not a whole number of 0 or more`);
  }
  const n = Number(text.trim());
  if (n > max) throw new QueryOptionError(option, `${n} is larger than the largest accepted value ${max}`);
  return n;
}

function readBoolean(option: string, text: string | null): boolean {
  if (text === null) return false;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new QueryOptionError(option, `"${text.slice(0, 40)}" is not true or false`);
}

/** The SQL of one page of a collection and of its total count. */
export interface CollectionSql {
  rows: { sql: string; params: SqlValue[] };
  count: { sql: string; params: SqlValue[] };
  columns: string[];
}

/** Builds the SQL of a page (`limit` rows from `skip`) and of the count of all matching rows. */
export function collectionSql(
  entity: EntitySet,
  query: CollectionQuery,
  dialect: Dialect,
  page: { skip: number; limit: number },
  access: AccessContext,
): CollectionSql {
  const params: SqlValue[] = [];
  const where = query.filter
    ? ` WHERE ${compileFilter(query.filter, filterProperties(entity), params, dialect)}`
    : '';
  const columns = query.select.length > 0 ? query.select : entity.properties.map((x) => x.name);
  // OData sorts null first ascending and last descending. The key after the requested order makes paging stable: a row never appears on two pages.
  const order = [
    ...query.orderBy.map((o) => `e.${ident(o.name)} ${o.descending ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`),
    ...entity.key.filter((k) => !query.orderBy.some((o) => o.name === k)).map((k) => `e.${ident(k)} ASC`),
  ];
  const from = `FROM (${entity.view(access)}) AS e${where}`;
  const rowParams = [...params, page.limit, page.skip];
  return {
    rows: {
      sql: `SELECT ${columns.map((c) => `e.${ident(c)}`).join(', ')} ${from} ORDER BY ${order.join(', ')} LIMIT ${dialect.param(params.length + 1)} OFFSET ${dialect.param(params.length + 2)}`,
      params: rowParams,
    },
    count: { sql: `SELECT count(*) AS n ${from}`, params },
    columns,
  };
}
