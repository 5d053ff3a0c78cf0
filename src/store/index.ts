export type { Store } from './store.js';
export type { Row, SqlParams, SqlValue } from './sql.js';
export { ident, isIdentifier } from './sql.js';
export { duckdbDialect, type Dialect } from './dialect.js';
export { openDuckDBStore, type OpenOptions } from './duckdb.js';
export { migrate, latestVersion, MIGRATIONS, type Migration } from './migrate.js';
export { openStore, defaultDatabasePath, type StoreConfig } from './open.js';
export { currentDeadline, withQueryDeadline } from './deadline.js';
