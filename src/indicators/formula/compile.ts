import type { Expr } from './ast.js';

/** SQL for a formula: its value, and a condition that is true when a division by zero made it unknown. */
export interface CompiledFormula {
  value: string;
  divisionByZero: string;
}

/**
 * Compiles a checked formula to SQL over one row per region and year, whose columns hold the
 * variables (`columnOf`) and referenced indicators (`referenceOf`). Division by zero gives NULL,
 * never Infinity; lag and growth look back whole years within the same region (a window with a
 * RANGE frame, so a missing year gives NULL rather than an older one). Numbers are written as
 * SQL literals of the parsed value; nothing from the formula text reaches the SQL otherwise.
 */
export function compileFormula(
  expr: Expr,
  columnOf: (dataset: string, variable: string, categories: Record<string, string>) => string,
  referenceOf: (indicator: string) => string,
  frame: { partition: string; order: string } = { partition: 'region', order: 'year' },
): CompiledFormula {
  const zeroChecks: string[] = [];
  const sql = (e: Expr): string => {
    switch (e.kind) {
      case 'number':
        return Number.isFinite(e.value) ? `${e.value}::DOUBLE` : 'NULL::DOUBLE';
      case 'variable':
        return columnOf(e.dataset, e.variable, e.categories);
      case 'reference':
        return referenceOf(e.indicator);
      case 'unary':
        return e.op === '-' ? `(-${sql(e.operand)})` : `(NOT ${sql(e.operand)})`;
      case 'binary': {
        const [l, r] = [sql(e.left), sql(e.right)];
        if (e.op === '/') return divide(l, r);
        const op = e.op === '==' ? '=' : e.op === 'and' ? 'AND' : e.op === 'or' ? 'OR' : e.op;
        return `(${l} ${op} ${r})`;
      }
      case 'call': {
        const args = e.args.map(sql);
        switch (e.name) {
          case 'sum':
            return `(${args.join(' + ')})`;
          case 'min':
            return `(CASE WHEN ${args.map((a) => `${a} IS NULL`).join(' OR ')} THEN NULL ELSE least(${args.join(', ')}) END)`;
          case 'max':
            return `(CASE WHEN ${args.map((a) => `${a} IS NULL`).join(' OR ')} THEN NULL ELSE greatest(${args.join(', ')}) END)`;
          case 'if':
            return `(CASE WHEN ${args[0]} THEN ${args[1]} ELSE ${args[2]} END)`;
          case 'per1000':
            return `(${divide(args[0]!, args[1]!)} * 1000)`;
          case 'share':
            return `(${divide(args[0]!, args[1]!)} * 100)`;
          case 'lag':
            return lag(args[0]!, (e.args[1] as { value: number }).value);
          case 'growth': {
            const before = lag(args[0]!, (e.args[1] as { value: number }).value);
            return `(${divide(`(${args[0]} - ${before})`, before)} * 100)`;
          }
        }
      }
    }
  };
  const divide = (l: string, r: string) => {
    zeroChecks.push(`(${r} = 0)`);
    return `(${l} / NULLIF(${r}, 0))`;
  };
  const lag = (x: string, years: number) =>
    `first_value(${x}) OVER (PARTITION BY ${frame.partition} ORDER BY ${frame.order} RANGE BETWEEN ${years} PRECEDING AND ${years} PRECEDING)`;
  const value = sql(expr);
  return {
    value,
    divisionByZero: zeroChecks.length ? `coalesce(${zeroChecks.join(' OR ')}, false)` : 'false',
  };
}
