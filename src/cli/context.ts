import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { defaultDatabasePath, openStore, type Store } from '../store/index.js';
import { CliError, EXIT } from './exit-codes.js';

/** Options every command that touches the database accepts. */
export interface StoreOptions {
  database?: string;
  dataDir?: string;
}

/** Adds --database and --data-dir to a command. */
export function withStoreOptions(command: Command): Command {
  return command
    .option('--database <file>', 'DuckDB database file (default: $UDC_DATABASE or <data-dir>/udc.duckdb)')
    .option('--data-dir <dir>', 'data directory (default: $UDC_DATA_DIR or ./.udc)');
}

/** Opens the store the options name, runs `work`, and always closes it. */
export async function useStore<T>(
  options: StoreOptions,
  work: (store: Store) => Promise<T>,
  mode: { readOnly?: boolean } = {},
): Promise<T> {
  const config = { database: options.database, dataDir: options.dataDir, readOnly: mode.readOnly ?? false };
  const path = defaultDatabasePath(config);
  if (config.readOnly && path !== ':memory:' && !existsSync(path)) {
    throw new CliError(
      `no database at ${path}: run \`udc init\` first (or name one with --database)`,
      EXIT.unavailable,
    );
  }
  const store = await openStore(config).catch((error: unknown) => {
    const message = (error as Error).message;
    if (/lock/i.test(message)) {
      throw new CliError(
        `${path} is in use by another udc process (a running \`udc serve\`?): ${message.split('\n')[0]}`,
        EXIT.unavailable,
      );
    }
    throw error;
  });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
