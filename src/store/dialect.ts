import { ident } from './sql.js';

/**
 * What differs between engines in the SQL that udc generates. Callers build SQL only through
 * this interface, so a second engine (PostgreSQL) is a second implementation, not a rewrite.
 */
export interface Dialect {
  readonly name: 'duckdb' | 'postgres';
  /** Placeholder for the n-th (1-based) parameter. */
  param(n: number): string;
  /** Quoted identifier. */
  ident(name: string): string;
  /** A string literal for a fixed, program-chosen text (never user input). */
  literal(text: string): string;
  /** Boolean expression: `expr` matches the regular expression `pattern` as a whole. */
  fullMatch(expr: string, pattern: string): string;
  /** `expr` cast to double, or NULL where it is not a number. */
  tryDouble(expr: string): string;
  /** Replace every occurrence of `search` in `expr`. */
  replace(expr: string, search: string, replacement: string): string;
  /** Type names. */
  readonly types: {
    text: string;
    double: string;
    integer: string;
    bigint: string;
    date: string;
    timestamp: string;
    json: string;
  };
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The dialect of DuckDB, the embedded default engine. */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  param: (n) => `$${n}`,
  ident,
  literal: quoteLiteral,
  fullMatch: (expr, pattern) => `regexp_full_match(${expr}, ${quoteLiteral(pattern)})`,
  tryDouble: (expr) => `TRY_CAST(${expr} AS DOUBLE)`,
  replace: (expr, search, replacement) =>
    `replace(${expr}, ${quoteLiteral(search)}, ${quoteLiteral(replacement)})`,
  types: {
    text: 'VARCHAR',
    double: 'DOUBLE',
    integer: 'INTEGER',
    bigint: 'BIGINT',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    json: 'JSON',
  },
};
