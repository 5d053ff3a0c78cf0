import type { Store } from '../store/index.js';
import { categoryKey } from '../core/index.js';
import type { Expr } from './formula/ast.js';
import { walk } from './formula/check.js';
import { compileFormula } from './formula/compile.js';

export interface IndicatorValue {
  region: string;
  period: string;
  year: number;
  value: number | null;
  status: string;
}

/** Classifications a gemeente's figures are summed into, and wijken into gemeenten. */
const UPWARD = ['provincie', 'corop', 'landsdeel', 'land', 'custom'];

/**
 * Evaluates a formula for every region and year the store has its inputs for, in the engine:
 * the inputs are pivoted to one row per region and year, the compiled formula runs over them.
 * A value is NULL with a status when it cannot be computed: not_applicable after a division by
 * zero, secret or missing when an input was.
 */
export async function computeFormula(store: Store, expr: Expr): Promise<IndicatorValue[]> {
  const { select, params } = formulaSelect(expr);
  return store.all<IndicatorValue & Record<string, unknown>>(`${select} ORDER BY region, year`, params);
}

/**
 * A ratio indicator (numerator / denominator x scale) for every region: where the store has no
 * published inputs for a gemeente they are summed from its wijken, and for provincie, COROP,
 * landsdeel, land and custom regions from their gemeenten — always as sum(numerator) /
 * sum(denominator) of the same year's hierarchy, never as a mean of ratios.
 */
export async function computeRatio(
  store: Store,
  numerator: Expr,
  denominator: Expr,
  scale = 1,
): Promise<IndicatorValue[]> {
  const num = formulaSelect(numerator);
  const den = formulaSelect(denominator, num.params.length);
  const params = [...num.params, ...den.params];
  const sql = `
    WITH num AS (${num.select}), den AS (${den.select}),
    base AS (
      SELECT coalesce(n.region, d.region) AS region, coalesce(n.period, d.period) AS period, coalesce(n.year, d.year) AS year,
             n.value AS num, d.value AS den,
             CASE WHEN n.status IN ('secret', 'missing') THEN n.status WHEN d.status IN ('secret', 'missing') THEN d.status
                  WHEN 'provisional' IN (n.status, d.status) THEN 'provisional' ELSE 'final' END AS status
      FROM num n FULL JOIN den d ON d.region = n.region AND d.period = n.period),
    gemeente_from_wijk AS (${sumOfParts('base', "'WK'", "('gemeente')")}),
    gemeenten AS (
      SELECT * FROM base WHERE region LIKE 'GM%' UNION ALL SELECT * FROM gemeente_from_wijk),
    upward AS (${sumOfParts('gemeenten', "'GM'", `(${UPWARD.map((u) => `'${u}'`).join(', ')})`)}),
    everything AS (
      SELECT * FROM base UNION ALL SELECT * FROM gemeente_from_wijk UNION ALL SELECT * FROM upward)
    SELECT region, period, year,
           CASE WHEN status IN ('secret', 'missing') THEN NULL ELSE num / NULLIF(den, 0) * ${Number(scale)} END AS value,
           CASE WHEN status IN ('secret', 'missing') THEN status WHEN den = 0 THEN 'not_applicable'
                WHEN num IS NULL OR den IS NULL THEN 'missing' ELSE status END AS status
    FROM everything ORDER BY region, year`;
  return store.all<IndicatorValue & Record<string, unknown>>(sql, params);
}

/**
 * Numerator and denominator of each parent summed from its parts of one level (code prefix) in
 * the same year, for parents the store has no published figures for. Only a complete set of
 * parts makes a whole: a provincie is not the sum of the few of its gemeenten that have data.
 */
function sumOfParts(parts: string, prefix: string, classifications: string): string {
  return `
    SELECT p.parent AS region, x.period, x.year, sum(x.num) AS num, sum(x.den) AS den,
           CASE WHEN bool_or(x.status IN ('secret', 'missing')) THEN 'missing'
                WHEN bool_or(x.status = 'provisional') THEN 'provisional' ELSE 'final' END AS status
    FROM ${parts} x JOIN region_parent p ON p.code = x.region AND p.year = x.year AND p.classification IN ${classifications}
    WHERE starts_with(x.region, ${prefix}) AND p.parent NOT IN (SELECT region FROM base WHERE year = x.year)
    GROUP BY p.parent, p.classification, x.period, x.year
    HAVING count(*) = (SELECT count(*) FROM region_parent c WHERE c.parent = p.parent AND c.year = x.year
                         AND c.classification = p.classification AND starts_with(c.code, ${prefix}))`;
}

/** The SELECT evaluating a formula per region and yearly period; parameters numbered from offset+1. */
function formulaSelect(expr: Expr, offset = 0): { select: string; params: string[] } {
  const inputs = new Map<string, { column: string; dataset: string; variable: string; categories: string }>();
  walk(expr, (n) => {
    if (n.kind !== 'variable') return;
    const key = categoryKey(n.categories);
    if (!key.ok) throw new Error(key.error);
    const id = `${n.dataset}\u0000${n.variable}\u0000${key.value}`;
    if (!inputs.has(id))
      inputs.set(id, {
        column: `v${inputs.size}`,
        dataset: n.dataset,
        variable: n.variable,
        categories: key.value,
      });
  });
  const params: string[] = [];
  const param = (value: string) => {
    params.push(value);
    return `$${offset + params.length}`;
  };
  const pivots = [...inputs.values()].map((i) => {
    const match = `o.dataset = ${param(i.dataset)} AND o.variable = ${param(i.variable)} AND o.categories = ${param(i.categories)}`;
    return `max(o.value) FILTER (WHERE ${match}) AS ${i.column}, max(o.status) FILTER (WHERE ${match}) AS s_${i.column}`;
  });
  const datasets = [...new Set([...inputs.values()].map((i) => i.dataset))].map(param);
  const compiled = compileFormula(
    expr,
    (dataset, variable, categories) => {
      const key = categoryKey(categories);
      return inputs.get(`${dataset}\u0000${variable}\u0000${key.ok ? key.value : ''}`)!.column;
    },
    () => {
      throw new Error('references to other indicators are resolved before computing');
    },
  );
  const statuses = [...inputs.values()].map((i) => `s_${i.column}`);
  const anyStatus = (values: string) => statuses.map((s) => `${s} IN (${values})`).join(' OR ') || 'false';
  const select = `
    SELECT region, period, year, value,
      CASE WHEN value IS NOT NULL THEN (CASE WHEN ${anyStatus("'provisional', 'revised_provisional'")} THEN 'provisional' ELSE 'final' END)
           WHEN div0 THEN 'not_applicable'
           WHEN ${anyStatus("'secret'")} THEN 'secret'
           ELSE 'missing' END AS status
    FROM (
      SELECT *, ${compiled.value} AS value, ${compiled.divisionByZero} AS div0 FROM (
        SELECT o.region, o.period, p.year, ${pivots.join(', ')}
        FROM observation o JOIN period p ON p.code = o.period AND p.kind = 'year'
        WHERE o.dataset IN (${datasets.join(', ')})
        GROUP BY o.region, o.period, p.year))`;
  return { select, params };
}
