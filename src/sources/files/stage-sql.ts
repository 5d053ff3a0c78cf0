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
 * number of the raw table's first row.
 */
export async function stageFromRaw(
  tx: Store,
  table: string,
  raw: string,
  plan: ColumnPlan,
  mapping: Mapping,
  columnOf: (header: string) => string,
  firstRow: number,
  numeric: ReadonlySet<string> = new Set(),
): Promise<StageResult> {
  await tx.run(createStagingSql(table));
  // Rows a transaction adds get row ids from a large offset, not from 0; they are consecutive.
  const base = (await tx.one<{ base: number | null }>(`SELECT min(rowid) AS base FROM ${raw}`))?.base ?? 0;
  const rowExpr = `r.rowid - ${base} + ${firstRow}`;
  const region = `${plan.regionPrefix ? `${tx.dialect.literal(plan.regionPrefix)} || ` : ''}trim(CAST(${ident(columnOf(plan.region))} AS VARCHAR))`;
  const period =
    'column' in plan.period
      ? `CAST(${ident(columnOf(plan.period.column))} AS VARCHAR)`
      : tx.dialect.literal(plan.period.value);
  const value = (header: string) => {
    const c = ident(columnOf(header));
    return numeric.has(columnOf(header))
      ? `NULL, CAST(${c} AS DOUBLE)`
      : `CAST(${c} AS VARCHAR), NULL::DOUBLE`;
  };

  if (plan.long) {
    const texts = (
      await tx.all<{ v: string | null }>(
        `SELECT DISTINCT CAST(${ident(columnOf(plan.long.variable))} AS VARCHAR) AS v FROM ${raw} ORDER BY 1`,
      )
    ).map((r) => r.v ?? '');
    const variables = variablesForLong(texts, mapping);
    await tx.run(`CREATE TEMP TABLE ${table}_vmap (udc_text VARCHAR, udc_key VARCHAR)`);
    await tx.append(
      `${table}_vmap`,
      variables.map((v) => [v.text, v.variable.key]),
    );
    await tx.run(
      `INSERT INTO ${table} SELECT ${rowExpr}, ${region}, ${period}, coalesce(m.udc_key, CAST(r.${ident(columnOf(plan.long.variable))} AS VARCHAR)), '', ${value(plan.long.value)}, NULL
       FROM ${raw} r LEFT JOIN ${table}_vmap m ON m.udc_text = CAST(r.${ident(columnOf(plan.long.variable))} AS VARCHAR)`,
    );
    await tx.run(`DROP TABLE ${table}_vmap`);
    return { variables: dedupe(variables.map((v) => v.variable)) };
  }

  for (const { column, variable } of plan.wide ?? []) {
    await tx.run(
      `INSERT INTO ${table} SELECT ${rowExpr}, ${region}, ${period}, ${tx.dialect.literal(variable.key)}, '', ${value(column)}, NULL FROM ${raw} r`,
    );
  }
  return { variables: (plan.wide ?? []).map((w) => w.variable) };
}

function dedupe(variables: VariableMeta[]): VariableMeta[] {
  const seen = new Map<string, VariableMeta>();
  for (const v of variables) if (!seen.has(v.key)) seen.set(v.key, v);
  return [...seen.values()];
}
