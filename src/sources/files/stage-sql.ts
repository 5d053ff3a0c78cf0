import { ident, type Store } from '../../store/index.js';
import { createStagingSql, type StageResult } from '../ingest.js';
import type { VariableMeta } from '../metadata.js';
import type { ColumnPlan } from './plan.js';
import { variablesForLong } from './plan.js';
import type { Mapping } from './mapping.js';

/**
 * Fills the staging table from a raw table the engine read in bulk (CSV, Parquet), without
 * moving rows through JS. `columnOf` maps a source header to the raw table's column;
 * `numeric` lists raw columns that are already typed numbers; `firstRow` is the source row
 * number of the raw table's first row. `asView` stages as a view (when rows need no renumbering).
 */
export async function stageFromRaw(
  tx: Store,
  table: string,
  raw: string,
  plan: ColumnPlan,
  mapping: Mapping,
  columnOf: (header: string) => string,
  firstRow: number,
  options: { numeric?: ReadonlySet<string>; asView?: boolean } = {},
): Promise<StageResult> {
  const numeric = options.numeric ?? new Set<string>();
  // Rows a transaction adds get row ids from a large offset, not from 0; they are consecutive.
  const base = (await tx.one<{ base: number | null }>(`SELECT min(rowid) AS base FROM ${raw}`))?.base ?? 0;
  const row = `r.rowid - ${base} + ${firstRow} AS _row`;
  const region = `${plan.regionPrefix ? `${tx.dialect.literal(plan.regionPrefix)} || ` : ''}trim(CAST(r.${ident(columnOf(plan.region))} AS VARCHAR)) AS region`;
  const period =
    'column' in plan.period
      ? `CAST(r.${ident(columnOf(plan.period.column))} AS VARCHAR) AS period`
      : `${tx.dialect.literal(plan.period.value)} AS period`;
  const value = (header: string) => {
    const c = `r.${ident(columnOf(header))}`;
    return numeric.has(columnOf(header))
      ? `NULL::VARCHAR AS value_text, CAST(${c} AS DOUBLE) AS value_number`
      : `CAST(${c} AS VARCHAR) AS value_text, NULL::DOUBLE AS value_number`;
  };
  const selects: string[] = [];
  let variables: VariableMeta[];

  if (plan.long) {
    const source = `CAST(r.${ident(columnOf(plan.long.variable))} AS VARCHAR)`;
    const texts = (
      await tx.all<{ v: string | null }>(`SELECT DISTINCT ${source} AS v FROM ${raw} r ORDER BY 1`)
    ).map((r) => r.v ?? '');
    const found = variablesForLong(texts, mapping);
    await tx.run(`CREATE TEMP TABLE ${table}_vmap (udc_text VARCHAR, udc_key VARCHAR)`);
    await tx.append(
      `${table}_vmap`,
      found.map((v) => [v.text, v.variable.key]),
    );
    selects.push(
      `SELECT ${row}, ${region}, ${period}, coalesce(m.udc_key, ${source}) AS variable, '' AS categories, ${value(plan.long.value)}, NULL::VARCHAR AS status
       FROM ${raw} r LEFT JOIN ${table}_vmap m ON m.udc_text = ${source}`,
    );
    variables = dedupe(found.map((v) => v.variable));
  } else {
    for (const { column, variable } of plan.wide ?? []) {
      selects.push(
        `SELECT ${row}, ${region}, ${period}, ${tx.dialect.literal(variable.key)} AS variable, '' AS categories, ${value(column)}, NULL::VARCHAR AS status FROM ${raw} r`,
      );
    }
    variables = (plan.wide ?? []).map((w) => w.variable);
  }

  if (options.asView) {
    // Reading the raw table through a view saves writing every value a second time.
    await tx.run(`CREATE TEMP VIEW ${table} AS ${selects.join(' UNION ALL ')}`);
  } else {
    await tx.run(createStagingSql(table));
    for (const select of selects) await tx.run(`INSERT INTO ${table} ${select}`);
  }
  return { variables };
}

function dedupe(variables: VariableMeta[]): VariableMeta[] {
  const seen = new Map<string, VariableMeta>();
  for (const v of variables) if (!seen.has(v.key)) seen.set(v.key, v);
  return [...seen.values()];
}
