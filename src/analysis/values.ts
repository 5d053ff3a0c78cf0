// Reading published indicator values for analysis. Only the view published_indicator_value is read
// (never indicator_value: docs/disclosure.md), only open indicators, and a value hidden by
// disclosure control is null here exactly as the API serves it. Numerator and denominator are read
// only to compute intervals of values that are published; they are never returned.
import { ANONYMOUS, visibleCondition, type AccessContext } from '../access/roles.js';
import type { SqlValue, Store } from '../store/index.js';

/**
 * Who the analysis is for: it reads only indicators that caller may see (src/access/roles.ts),
 * as every other interface does. Without one it is the anonymous public reader.
 */
export interface AnalysisScope {
  access?: AccessContext;
}

function visible(access: AccessContext | undefined): string {
  return visibleCondition(access ?? ANONYMOUS, 'i.confidentiality');
}

/** A request the analysis cannot answer: what was asked, and what exists instead. */
export class AnalysisError extends Error {
  override name = 'AnalysisError';
  constructor(
    message: string,
    /** 'not-found': an indicator, region or period without published values; 'invalid': a request that cannot make sense. */
    readonly kind: 'not-found' | 'invalid' = 'invalid',
  ) {
    super(message);
  }
}

export interface IndicatorInfo {
  id: string;
  title: { nl: string; en: string };
  unit: string;
  decimals: number;
  better: string;
  kind: 'ratio' | 'formula';
  /** A ratio's scale (100 for a percentage): value = numerator / denominator * scale. */
  scale: number;
  /** Datasets the values come from (lineage). */
  datasets: string[];
}

export interface AreaValue extends Record<string, unknown> {
  region: string;
  name: string;
  level: string;
  period: string;
  year: number;
  boundaryYear: number;
  /** As published: rounded to the indicator's decimals; null when hidden or missing. */
  value: number | null;
  status: string;
  disclosure: string | null;
  /** For intervals only (null for hidden values and formula indicators); never served. */
  numerator: number | null;
  denominator: number | null;
}

/** The published value rule of the API (src/api/rest/values-query.ts): hidden values are null. */
const VALUE = `CASE WHEN v.disclosure IN ('primary', 'secondary') THEN NULL ELSE round(v.value, i.decimals) END`;
const COLUMNS = `v.region, y.name, y.level, v.period, v.year, v.boundary_year AS "boundaryYear", ${VALUE} AS value,
  v.status, v.disclosure, v.numerator, v.denominator`;

/** The open indicator `id` with its lineage; an AnalysisError (not-found) when it is not published. */
export async function indicatorInfo(
  store: Store,
  id: string,
  access?: AccessContext,
): Promise<IndicatorInfo> {
  const row = await store.one<{
    id: string;
    title_nl: string;
    title_en: string;
    unit: string;
    decimals: number;
    better: string;
    kind: 'ratio' | 'formula';
    definition: string;
  }>(
    `SELECT id, title_nl, title_en, unit, decimals, better, kind, definition::VARCHAR AS definition FROM indicator i WHERE id = $1 AND ${visible(access)}`,
    [id],
  );
  if (!row) throw new AnalysisError(`there is no published indicator ${id}`, 'not-found');
  const datasets = await store.all<{ dataset: string }>(
    'SELECT dataset FROM indicator_source WHERE indicator = $1 ORDER BY dataset',
    [id],
  );
  return {
    id: row.id,
    title: { nl: row.title_nl, en: row.title_en },
    unit: row.unit,
    decimals: Number(row.decimals),
    better: row.better,
    kind: row.kind,
    scale: Number((JSON.parse(row.definition) as { scale?: number }).scale ?? 1),
    datasets: datasets.map((d) => d.dataset),
  };
}

export interface RegionInfo extends Record<string, unknown> {
  code: string;
  name: string;
  level: string;
  year: number;
}

/** A region as the register has it in `year` (or its newest year); not-found when it is in no year. */
export async function regionInfo(store: Store, code: string, year?: number): Promise<RegionInfo> {
  const row = await store.one<RegionInfo>(
    `SELECT code, name, level, year FROM region_year WHERE code = $1 ${year === undefined ? '' : 'AND year = $2'}
     ORDER BY year DESC LIMIT 1`,
    year === undefined ? [code] : [code, year],
  );
  if (!row)
    throw new AnalysisError(
      year === undefined
        ? `there is no region ${code} in the register`
        : `region ${code} is not in the ${year} register`,
      'not-found',
    );
  return row;
}

/** Every published value of one indicator for the given regions (all periods and boundary years). */
export async function regionSeries(
  store: Store,
  indicator: string,
  regions: readonly string[],
  access?: AccessContext,
): Promise<AreaValue[]> {
  if (regions.length === 0) return [];
  const params: SqlValue[] = [indicator, ...regions];
  return numeric(
    await store.all<AreaValue>(
      `SELECT ${COLUMNS} FROM published_indicator_value v
       JOIN indicator i ON i.id = v.indicator AND ${visible(access)}
       JOIN region_year y ON y.code = v.region AND y.year = v.boundary_year
       WHERE v.indicator = $1 AND v.region IN (${regions.map((_, i) => `$${i + 2}`).join(', ')})
         AND v.period LIKE '____JJ00'
       ORDER BY v.region, v.period, v.boundary_year`,
      params,
    ),
  );
}

export interface LevelSelection extends AnalysisScope {
  indicator: string;
  level: string;
  period: string;
  boundaryYear: number;
  /** Only areas inside this region (two steps down the register of the boundary year, as the API's `parent`). */
  within?: string;
}

/** The published values of one indicator for every area of a level (optionally inside a region). */
export async function levelValues(store: Store, s: LevelSelection): Promise<AreaValue[]> {
  const params: SqlValue[] = [s.indicator, s.period, s.boundaryYear, s.level];
  let within = '';
  if (s.within) {
    params.push(s.within);
    within = `AND v.region IN (${DESCENDANTS})`;
  }
  return numeric(
    await store.all<AreaValue>(
      `SELECT ${COLUMNS} FROM published_indicator_value v
       JOIN indicator i ON i.id = v.indicator AND ${visible(s.access)}
       JOIN region_year y ON y.code = v.region AND y.year = v.boundary_year
       WHERE v.indicator = $1 AND v.period = $2 AND v.boundary_year = $3 AND y.level = $4 ${within}
       ORDER BY v.region`,
      params,
    ),
  );
}

/** Codes inside region $5 in boundary year $3: its members, and their members (wijken, buurten of a gemeente). */
const DESCENDANTS = `SELECT code FROM region_parent WHERE year = $3 AND parent = $5
  UNION SELECT c.code FROM region_parent c JOIN region_parent m ON m.code = c.parent AND m.year = c.year
  WHERE c.year = $3 AND m.parent = $5`;

/** How many areas of a level the register has in a year (inside a region when given). */
export async function areaCount(store: Store, level: string, year: number, within?: string): Promise<number> {
  const row = within
    ? await store.one<{ n: number }>(
        `SELECT count(*) AS n FROM region_year WHERE year = $3 AND level = $1 AND code IN (${DESCENDANTS.replaceAll('$5', '$2')})`,
        [level, within, year],
      )
    : await store.one<{ n: number }>('SELECT count(*) AS n FROM region_year WHERE level = $1 AND year = $2', [
        level,
        year,
      ]);
  return Number(row?.n ?? 0);
}

/**
 * The period and boundary year to analyse a region's value in: the given ones, else the newest
 * yearly period with a published value, on the newest boundary year that has it.
 */
export async function choosePeriod(
  store: Store,
  indicator: string,
  region: string,
  asked: { period?: string; boundaryYear?: number } & AnalysisScope,
): Promise<{ period: string; boundaryYear: number }> {
  const rows = (await regionSeries(store, indicator, [region], asked.access)).filter(
    (r) =>
      r.value !== null &&
      (asked.period === undefined || r.period === asked.period) &&
      (asked.boundaryYear === undefined || r.boundaryYear === asked.boundaryYear),
  );
  if (rows.length === 0) {
    const any = (await regionSeries(store, indicator, [region], asked.access)).filter(
      (r) => r.value !== null,
    );
    const periods = [...new Set(any.map((r) => `${r.period} (boundaries ${r.boundaryYear})`))];
    throw new AnalysisError(
      `${indicator} has no published value for ${region}${asked.period ? ` in ${asked.period}` : ''}${asked.boundaryYear ? ` on the ${asked.boundaryYear} boundaries` : ''}; ` +
        (periods.length ? `it has values for ${periods.join(', ')}` : 'it has none for this region at all'),
      'not-found',
    );
  }
  rows.sort((a, b) => b.period.localeCompare(a.period) || b.boundaryYear - a.boundaryYear);
  return { period: rows[0]!.period, boundaryYear: rows[0]!.boundaryYear };
}

/** The Netherlands' code in the register (KWB's NL00 and StatLine's NL01 are stored as one). */
export const NETHERLANDS = 'NL01';

function numeric(rows: AreaValue[]): AreaValue[] {
  for (const r of rows) {
    r.value = r.value === null ? null : Number(r.value);
    r.numerator = r.numerator === null ? null : Number(r.numerator);
    r.denominator = r.denominator === null ? null : Number(r.denominator);
    r.year = Number(r.year);
    r.boundaryYear = Number(r.boundaryYear);
  }
  return rows;
}
