import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDuckDBStore, type Store } from '../../src/store/index.js';

/** A migrated DuckDB store in a fresh temporary file (the real engine, never a mock). */
export async function temporaryStore(): Promise<{ store: Store; dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'udc-test-'));
  const store = await openDuckDBStore({ path: join(dir, 'udc.duckdb') });
  await migrate(store);
  return {
    store,
    dir,
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Row counts of the tables an import may touch, to prove a failed import changed nothing. */
export async function rowCounts(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['dataset', 'variable', 'observation', 'period', 'dimension_code', 'import_run']) {
    const row = await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = row?.n ?? -1;
  }
  return counts;
}
