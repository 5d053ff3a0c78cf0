import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, DuckDBTypeId, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { currentDeadline } from './deadline.js';
import { duckdbDialect } from './dialect.js';
import type { Row, SqlParams, SqlValue } from './sql.js';
import type { Store } from './store.js';

export interface OpenOptions {
  /** Database file; ':memory:' for a throw-away store. */
  path: string;
  /** Open without write access (several readers, no writer). */
  readOnly?: boolean;
  /** Engine threads; default: all cores. */
  threads?: number;
  /** Engine memory limit, e.g. '4GB'. */
  memoryLimit?: string;
}

/** Opens (and for a new file creates) a DuckDB store. Does not migrate: see migrate(). */
export async function openDuckDBStore(options: OpenOptions): Promise<Store> {
  const config: Record<string, string> = {};
  if (options.readOnly) config['access_mode'] = 'READ_ONLY';
  if (options.threads) config['threads'] = String(options.threads);
  if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
  if (options.path !== ':memory:' && !options.readOnly)
    await mkdir(dirname(options.path), { recursive: true });
  const instance = await DuckDBInstance.create(options.path, config);
  return new DuckDBStore(instance, options.path, options.readOnly ?? false);
}

class DuckDBStore implements Store {
  readonly dialect = duckdbDialect;
  // DuckDB runs one statement at a time per connection: idle connections are pooled so
  // concurrent readers (the HTTP server) do not queue behind each other.
  private readonly idle: DuckDBConnection[] = [];
  private readonly open = new Set<DuckDBConnection>();
  private readonly busy = new Set<DuckDBConnection>();
  private released: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    readonly path: string,
    readonly readOnly: boolean,
  ) {}

  async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.withConnection((c) => readAll<T>(c, sql, params));
  }

  async one<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params?: SqlParams): Promise<number> {
    return this.withConnection((c) => runOn(c, sql, params));
  }

  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    return this.withConnection((c) =>
      new ConnectionStore(c, this.path, this.readOnly, false).transaction(work),
    );
  }

  async session<T>(work: (session: Store) => Promise<T>): Promise<T> {
    return this.withConnection((c) => work(new ConnectionStore(c, this.path, this.readOnly, false)));
  }

  async append(table: string, rows: Iterable<readonly SqlValue[]>): Promise<number> {
    return this.withConnection((c) => appendOn(c, table, rows));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Closing a connection under a running statement can hang the engine: statements still
    // running are interrupted, and the store waits until each has let go of its connection.
    if (this.busy.size > 0) {
      const drained = new Promise<void>((resolve) => (this.released = resolve));
      for (const c of this.busy) c.interrupt();
      await drained;
    }
    for (const c of this.open) c.closeSync();
    this.open.clear();
    this.idle.length = 0;
    this.instance.closeSync();
  }

  private async withConnection<T>(use: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the store is closed');
    const deadline = currentDeadline();
    if (deadline?.aborted) throw new Error('the query deadline has passed');
    const connection = this.idle.pop() ?? (await this.connect());
    let interrupted = false;
    const interrupt = () => {
      interrupted = true;
      connection.interrupt();
    };
    deadline?.addEventListener('abort', interrupt, { once: true });
    this.busy.add(connection);
    try {
      return await use(connection);
    } finally {
      deadline?.removeEventListener('abort', interrupt);
      this.busy.delete(connection);
      // An interrupted connection is not trusted again: the next caller gets a fresh one.
      if (this.closed || interrupted) {
        this.open.delete(connection);
        connection.closeSync();
      } else this.idle.push(connection);
      if (this.closed && this.busy.size === 0) this.released?.();
    }
  }

  private async connect(): Promise<DuckDBConnection> {
    const connection = await this.instance.connect();
    if (this.closed) {
      connection.closeSync();
      throw new Error('the store is closed');
    }
    this.open.add(connection);
    return connection;
  }
}

/** A store bound to one connection; a transaction inside a transaction joins the outer one. */
class ConnectionStore implements Store {
  readonly dialect = duckdbDialect;
  constructor(
    private readonly connection: DuckDBConnection,
    readonly path: string,
    readonly readOnly: boolean,
    private readonly inTransaction: boolean,
  ) {}
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return readAll<T>(this.connection, sql, params);
  }
  async one<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await readAll<T>(this.connection, sql, params))[0];
  }
  run(sql: string, params?: SqlParams): Promise<number> {
    return runOn(this.connection, sql, params);
  }
  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const result = await work(new ConnectionStore(this.connection, this.path, this.readOnly, true));
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  session<T>(work: (session: Store) => Promise<T>): Promise<T> {
    return work(this);
  }
  append(table: string, rows: Iterable<readonly SqlValue[]>): Promise<number> {
    return appendOn(this.connection, table, rows);
  }
  async close(): Promise<void> {
    // The owning store closes the connection.
  }
}

async function readAll<T>(c: DuckDBConnection, sql: string, params?: SqlParams): Promise<T[]> {
  const reader = await c.runAndReadAll(sql, params ? [...params] : undefined);
  const types = reader.columnTypes().map((t) => t.typeId);
  const names = reader.columnNames();
  return reader.getRowsJS().map((row) => {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) object[names[i]!] = toPlain(row[i], types[i]!);
    return object as T;
  });
}

async function runOn(c: DuckDBConnection, sql: string, params?: SqlParams): Promise<number> {
  const result = await c.run(sql, params ? [...params] : undefined);
  return Number(result.rowsChanged);
}

async function appendOn(
  c: DuckDBConnection,
  table: string,
  rows: Iterable<readonly SqlValue[]>,
): Promise<number> {
  const appender = await c.createAppender(table.replaceAll('"', ''));
  let count = 0;
  try {
    for (const row of rows) {
      for (const value of row) appendValue(appender, value);
      appender.endRow();
      count++;
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return count;
}

function appendValue(appender: DuckDBAppender, value: SqlValue): void {
  if (value === null) appender.appendNull();
  else if (typeof value === 'string') appender.appendVarchar(value);
  else if (typeof value === 'number') appender.appendDouble(value);
  else if (typeof value === 'bigint') appender.appendBigInt(value);
  else appender.appendBoolean(value);
}

function toPlain(value: unknown, type: DuckDBTypeId): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  if (value instanceof Date) {
    return type === DuckDBTypeId.DATE ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  return value;
}
