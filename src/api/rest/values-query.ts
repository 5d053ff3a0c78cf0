import { visibleCondition, type AccessContext } from '../../access/roles.js';
import type { SqlValue } from '../../store/index.js';

/**
 * The one query behind every route that serves indicator values (list, compare, exports, map):
 * built from validated filters as parameters only, the disclosure rule applied in SQL so no
 * route can forget it, and only indicators the caller may see (the access context is required).
 */
export interface ValueSelection {
  indicator?: readonly string[];
  level?: string;
  /** Descendants of this region (two steps down: buurt -> wijk -> custom region, wijk -> gemeente -> provincie). */
  parent?: string;
  region?: readonly string[];
  period?: readonly string[];
  boundaryYear?: number;
  sort?: readonly SortKey[];
}

/** Sortable fields (a '-' in front of the parameter value sorts descending). */
export const SORT_FIELDS = {
  indicator: 'v.indicator',
  region: 'v.region',
  regionName: 'y.name',
  level: 'y.level',
  period: 'v.period',
  boundaryYear: 'v.boundary_year',
  value: 'value',
} as const;
export type SortField = keyof typeof SORT_FIELDS;
export interface SortKey {
  field: SortField;
  descending: boolean;
}

/**
 * The disclosure rule in one place: a value hidden by primary or secondary suppression is served
 * as null whatever the store holds; rounded and perturbed values are already the protected value.
 * Numerator and denominator are never selected.
 */
export const PUBLISHED_VALUE = `CASE WHEN v.disclosure IN ('primary', 'secondary') THEN NULL ELSE round(v.value, i.decimals) END`;

const COLUMNS = `v.indicator, v.region, y.name AS "regionName", y.level, v.period, v.year,
  v.boundary_year AS "boundaryYear", ${PUBLISHED_VALUE} AS value, v.status, v.derivation, v.conversion, v.disclosure`;

/** Extra columns exports carry: the indicator's title and unit, and its attribution. */
const EXPORT_COLUMNS = `, i.title_nl AS "indicatorTitle", i.unit, coalesce(src.source, 'Bron: udc') AS source`;

/** Attribution per indicator from the publishers of its source datasets (once per indicator, not per row). */
const ATTRIBUTION = `LEFT JOIN (
    SELECT s.indicator, 'Bron: ' || string_agg(DISTINCT CASE WHEN d.publisher ILIKE '%CBS%' THEN 'CBS' ELSE d.publisher END, ', ') AS source
    FROM indicator_source s JOIN dataset d ON d.id = s.dataset GROUP BY s.indicator) src ON src.indicator = v.indicator`;

export interface ValuesQuery {
  sql: string;
  params: SqlValue[];
}

/** SELECT of the selection's values. `page`: LIMIT/OFFSET and a `total` column (count over the selection). */
export function valuesQuery(
  selection: ValueSelection,
  access: AccessContext,
  options: { page?: { number: number; size: number }; forExport?: boolean; geometry?: boolean } = {},
): ValuesQuery {
  const params: SqlValue[] = [];
  const param = (value: SqlValue) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  let descendants = '';
  if (selection.indicator?.length)
    where.push(`v.indicator IN (${selection.indicator.map(param).join(', ')})`);
  if (selection.region?.length) where.push(`v.region IN (${selection.region.map(param).join(', ')})`);
  if (selection.period?.length) where.push(`v.period IN (${selection.period.map(param).join(', ')})`);
  if (selection.boundaryYear !== undefined) where.push(`v.boundary_year = ${param(selection.boundaryYear)}`);
  if (selection.level) where.push(`y.level = ${param(selection.level)}`);
  if (selection.parent) {
    const p = param(selection.parent);
    descendants = `WITH descendants AS (
        SELECT code, year FROM region_parent WHERE parent = ${p}
        UNION
        SELECT c.code, c.year FROM region_parent c
          JOIN region_parent m ON m.code = c.parent AND m.year = c.year WHERE m.parent = ${p})`;
  }
  const order = [
    ...(selection.sort ?? []).map(
      (s) => `${SORT_FIELDS[s.field]} ${s.descending ? 'DESC' : 'ASC'} NULLS LAST`,
    ),
    'v.indicator',
    'v.region',
    'v.period',
    'v.boundary_year',
  ].join(', ');
  const total = options.page ? ', count(*) OVER () AS total' : '';
  const geometry = options.geometry ? `, g.geojson::VARCHAR AS geometry` : '';
  const sql = `${descendants}
    SELECT ${COLUMNS}${options.forExport ? EXPORT_COLUMNS : ''}${geometry}${total}
    FROM published_indicator_value v
    JOIN indicator i ON i.id = v.indicator AND ${visibleCondition(access, 'i.confidentiality')}
    LEFT JOIN region_year y ON y.code = v.region AND y.year = v.boundary_year
    ${selection.parent ? 'JOIN descendants d ON d.code = v.region AND d.year = v.boundary_year' : ''}
    ${options.forExport ? ATTRIBUTION : ''}
    ${options.geometry ? 'LEFT JOIN region_geometry g ON g.code = v.region AND g.year = v.boundary_year' : ''}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${order}
    ${options.page ? `LIMIT ${param(options.page.size)} OFFSET ${param((options.page.number - 1) * options.page.size)}` : ''}`;
  return { sql, params };
}

/** Number of values in the selection. */
export function countQuery(selection: ValueSelection, access: AccessContext): ValuesQuery {
  const { sql, params } = valuesQuery({ ...selection, sort: [] }, access);
  return { sql: `SELECT count(*) AS n FROM (${sql})`, params };
}
