/**
 * TypedDataSet and UntypedDataSet: a table's observations pivoted wide, one row per region,
 * period and category combination and one column per topic, as StatLine v3 serves them.
 * Typed gives numbers (null for a symbol); Untyped gives text as CBS writes it: right-aligned
 * numbers ("   135.5") and CBS's symbols (. x - ?) for special values, padded region keys.
 * $filter works on the dimensions (RegioS, Perioden, category dimensions) with the same parser as
 * OData v4, so StatLine's `substringof`, `startswith`, `eq`, `and`/`or` all work; codes compare
 * trimmed, so 'GM0014' and CBS's padded 'GM0014  ' both match.
 */
import type { ObservationStatus } from '../../core/index.js';
import type { SqlValue, Store } from '../../store/index.js';
import { parseFilter, QueryOptionError } from '../odata/filter.js';
import { compileFilter, type FilterProperty } from '../odata/sql.js';
import type { StatlineTable } from './model.js';

/** The options StatLine's data sets accept. */
export interface DataSetQuery {
  filter?: string;
  select?: string;
  top?: number;
  skip: number;
}

/** One page of rows, and whether more rows follow it. */
export interface DataSetPage {
  rows: Record<string, unknown>[];
  more: boolean;
}

const SYMBOL: Partial<Record<ObservationStatus, string>> = {
  missing: '.',
  secret: 'x',
  nil: '-',
  unreliable: '?',
  not_applicable: '',
};

/** The columns a data set row has, in order. */
export function dataSetColumns(table: StatlineTable): string[] {
  return [
    'ID',
    ...table.categories.map((d) => d.key),
    'RegioS',
    'Perioden',
    ...table.topics.map((t) => t.key),
  ];
}

/**
 * Reads `limit` rows from `query.skip` (and one more, to know whether a next page exists).
 * Throws QueryOptionError for a filter or select it cannot answer.
 */
export async function readDataSet(
  store: Store,
  table: StatlineTable,
  query: DataSetQuery,
  limit: number,
  typed: boolean,
): Promise<DataSetPage> {
  const columns = dataSetColumns(table);
  const selected = readSelect(query.select, columns);
  const topics = table.topics.filter((t) => selected.has(t.key));
  const params: SqlValue[] = [table.id];
  const p = (value: SqlValue) => {
    params.push(value);
    return store.dialect.param(params.length);
  };
  let where = '';
  if (query.filter !== undefined && query.filter.trim() !== '') {
    const ast = parseFilter(query.filter);
    where = ` AND ${compileFilter(ast, filterProperties(table), params, store.dialect)}`;
  }
  const pivot = topics
    .map((t, i) => {
      const key = p(t.key);
      return `max(o.value) FILTER (WHERE o.variable = ${key}) AS v${i}, max(o.status) FILTER (WHERE o.variable = ${key}) AS s${i}`;
    })
    .join(', ');
  const sql = `SELECT o.region, o.period, o.categories${pivot ? `, ${pivot}` : ''}
    FROM observation o WHERE o.dataset = $1${where}
    GROUP BY o.region, o.period, o.categories
    ORDER BY o.categories, o.region, o.period
    LIMIT ${p(limit + 1)} OFFSET ${p(query.skip)}`;
  const found = await store.all(sql, params);
  const rows = found.slice(0, limit).map((r, index) => {
    const row: Record<string, unknown> = {};
    if (selected.has('ID')) row['ID'] = query.skip + index;
    const categories = String(r['categories'] ?? '');
    const codes = new Map(
      categories === '' ? [] : categories.split(';').map((part) => part.split('=') as [string, string]),
    );
    for (const d of table.categories) if (selected.has(d.key)) row[d.key] = codes.get(d.key) ?? '';
    if (selected.has('RegioS')) row['RegioS'] = String(r['region']).padEnd(table.regionWidth);
    if (selected.has('Perioden')) row['Perioden'] = r['period'];
    topics.forEach((t, i) => {
      const status = r[`s${i}`] as ObservationStatus | null;
      const value = r[`v${i}`] as number | null;
      if (typed) row[t.key] = status === null || SYMBOL[status] !== undefined ? null : value;
      else if (status !== null) row[t.key] = untyped(value, status);
    });
    return row;
  });
  return { rows, more: found.length > limit };
}

// CBS right-aligns untyped values in a fixed width; the symbols too ("       .").
function untyped(value: number | null, status: ObservationStatus): string {
  const symbol = SYMBOL[status];
  const text = symbol !== undefined ? symbol : value === null ? '.' : plainNumber(value);
  return text.padStart(8);
}

/** A number as text without exponent (1e-7 becomes 0.0000001), shortest exact form otherwise. */
export function plainNumber(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  if (Math.abs(n) >= 1) return BigInt(Math.round(n)).toString();
  return n.toFixed(20).replace(/\.?0+$/, '');
}

function readSelect(text: string | undefined, columns: readonly string[]): Set<string> {
  if (text === undefined || text.trim() === '' || text.trim() === '*') return new Set(columns);
  if (text.length > 20_000) throw new QueryOptionError('$select', 'is longer than 20000 characters');
  const known = new Set(columns);
  const out = new Set<string>();
  for (const raw of text.split(',')) {
    const name = raw.trim();
    if (!known.has(name)) {
      throw new QueryOptionError(
        '$select',
        `unknown column "${name.slice(0, 60)}"; expected one of ${columns.join(', ')}`.slice(0, 800),
      );
    }
    out.add(name);
  }
  return out;
}

// Dimensions a filter may name. Category codes sit in observation.categories as sorted
// "Dim=code" parts; every observation of a table has all of them, so the n-th part is the
// n-th dimension.
function filterProperties(table: StatlineTable): Map<string, FilterProperty> {
  const trim = (s: string) => s.trim();
  const properties = new Map<string, FilterProperty>([
    ['RegioS', { type: 'Edm.String', nullable: false, sql: 'o.region', normalise: trim }],
    ['Perioden', { type: 'Edm.String', nullable: false, sql: 'o.period', normalise: trim }],
  ]);
  table.categories.forEach((d, i) => {
    properties.set(d.key, {
      type: 'Edm.String',
      nullable: false,
      sql: `split_part(split_part(o.categories, ';', ${i + 1}), '=', 2)`,
      normalise: trim,
    });
  });
  return properties;
}
