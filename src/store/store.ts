import type { Dialect } from './dialect.js';
import type { Row, SqlParams, SqlValue } from './sql.js';

/**
 * The one small interface every part of udc talks to the database through. It hides the engine
 * (DuckDB embedded by default) behind parameterised queries, transactions and bulk append.
 * Rows come back as plain objects: integers as numbers (or bigint beyond 2^53), DATE as
 * 'YYYY-MM-DD', TIMESTAMP as an ISO string.
 */
export interface Store {
  readonly dialect: Dialect;
  /** Database file, or ':memory:'. */
  readonly path: string;
  readonly readOnly: boolean;
  /** Runs a query and returns every row. */
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Runs a query and returns its first row, if any. */
  one<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** Runs a statement; returns the number of rows it changed (0 for DDL). */
  run(sql: string, params?: SqlParams): Promise<number>;
  /** Runs `work` in one transaction: all of it lands, or (on any error) none of it. */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Runs `work` on one connection of its own, outside a transaction: for temporary tables a
   * bulk job builds and checks before it writes in one short `transaction` on that connection.
   */
  session<T>(work: (session: Store) => Promise<T>): Promise<T>;
  /** Appends rows, in the table's column order, as fast as the engine allows. Returns the count. */
  append(table: string, rows: Iterable<readonly SqlValue[]>): Promise<number>;
  /** Releases the database. */
  close(): Promise<void>;
}

export type { Row, SqlParams, SqlValue };
