/**
 * The SQL twins of core/number.ts and core/special-value.ts, so bulk imports type millions of
 * values inside the engine instead of row by row in JS. test/sources/numbers-sql.test.ts keeps
 * the two in agreement.
 */
import type { DecimalSeparator } from '../core/index.js';

/**
 * SQL giving the observation status of a CBS special value ('.', 'x', '-', '?', empty), else NULL.
 * `trimmed` says the expression is trimmed already (bulk checks trim once, not per test).
 */
export function specialStatusSql(expr: string, trimmed = false): string {
  const t = trimmed ? expr : `trim(${expr})`;
  // Special values are at most one character: longer texts skip the comparisons.
  return `(CASE WHEN ${expr} IS NULL THEN 'not_applicable' WHEN length(${t}) > 1 THEN NULL
    WHEN ${t} = '' THEN 'not_applicable'
    WHEN ${t} = '.' THEN 'missing'
    WHEN ${t} IN ('x', 'X') THEN 'secret'
    WHEN ${t} IN ('-', '–') THEN 'nil'
    WHEN ${t} = '?' THEN 'unreliable'
    ELSE NULL END)`;
}

/** SQL that checks and converts a number written with the given decimal separator. */
export function numberCheckSql(
  expr: string,
  decimal: DecimalSeparator,
  trimmed = false,
): { valid: string; value: string } {
  const t = trimmed ? expr : `trim(${expr})`;
  if (decimal === ',') {
    return {
      valid: `regexp_full_match(${t}, '[+-]?([0-9]{1,3}(\\.[0-9]{3})+|[0-9]+)(,[0-9]+)?')`,
      value: `TRY_CAST(replace(replace(${t}, '.', ''), ',', '.') AS DOUBLE)`,
    };
  }
  return {
    valid: `regexp_full_match(${t}, '[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\\.[0-9]+)?([eE][+-]?[0-9]+)?|[+-]?\\.[0-9]+')`,
    value: `TRY_CAST(replace(${t}, ',', '') AS DOUBLE)`,
  };
}
