/**
 * The SQL twins of core/number.ts and core/special-value.ts, so bulk imports type millions of
 * values inside the engine instead of row by row in JS. test/sources/numbers-sql.test.ts keeps
 * the two in agreement.
 */
import type { DecimalSeparator } from '../core/index.js';

export type { DecimalSeparator };

/** SQL giving the observation status of a CBS special value ('.', 'x', '-', '?', empty), else NULL. */
export function specialStatusSql(expr: string): string {
  return `(CASE WHEN ${expr} IS NULL OR trim(${expr}) = '' THEN 'not_applicable'
    WHEN trim(${expr}) = '.' THEN 'missing'
    WHEN trim(${expr}) IN ('x', 'X') THEN 'secret'
    WHEN trim(${expr}) IN ('-', '–') THEN 'nil'
    WHEN trim(${expr}) = '?' THEN 'unreliable'
    ELSE NULL END)`;
}

/** SQL that checks and converts a number written with the given decimal separator. */
export function numberCheckSql(expr: string, decimal: DecimalSeparator): { valid: string; value: string } {
  const t = `trim(${expr})`;
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
