import { join, resolve } from 'node:path';
import { openDuckDBStore } from './duckdb.js';
import { migrate } from './migrate.js';
import type { Store } from './store.js';

export interface StoreConfig {
  /** Database file. Default: $UDC_DATABASE, else <dataDir>/udc.duckdb. */
  database?: string;
  /** Data directory. Default: $UDC_DATA_DIR, else ./.udc */
  dataDir?: string;
  readOnly?: boolean;
}

/** The database file udc uses when none is named. */
export function defaultDatabasePath(config: StoreConfig = {}): string {
  if (config.database) return config.database === ':memory:' ? ':memory:' : resolve(config.database);
  if (process.env['UDC_DATABASE']) return resolve(process.env['UDC_DATABASE']);
  return resolve(join(config.dataDir ?? process.env['UDC_DATA_DIR'] ?? '.udc', 'udc.duckdb'));
}

/** Opens the configured store; a writable store is migrated to the newest schema first. */
export async function openStore(config: StoreConfig = {}): Promise<Store> {
  const store = await openDuckDBStore({
    path: defaultDatabasePath(config),
    readOnly: config.readOnly ?? false,
  });
  if (!store.readOnly) await migrate(store);
  return store;
}
