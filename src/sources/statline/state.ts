/**
 * What udc remembers about each imported StatLine table (table statline_table, migration 0004):
 * where it came from, which query, and the Modified stamp it had, so mirror can skip tables CBS
 * has not changed.
 */
import type { Store } from '../../store/index.js';
import type { ObservationQuery } from './query.js';

/** One imported table. */
export interface StatlineImportState {
  dataset: string;
  tableId: string;
  api: string;
  baseUrl: string;
  filter: string;
  select: string;
  typed: boolean;
  modified: string;
  observations: number;
}

/** The state of a dataset imported from StatLine, or undefined. */
export async function readState(store: Store, dataset: string): Promise<StatlineImportState | undefined> {
  const row = await store.one<{
    dataset: string;
    table_id: string;
    api: string;
    base_url: string;
    filter: string;
    select_list: string;
    typed: boolean;
    modified: string;
    observations: number;
  }>(
    `SELECT s.dataset, s.table_id, s.api, s.base_url, s.filter, s.select_list, s.typed, s.modified, s.observations
     FROM statline_table s JOIN dataset d ON d.id = s.dataset WHERE s.dataset = $1`,
    [dataset],
  );
  if (!row) return undefined;
  return {
    dataset: row.dataset,
    tableId: row.table_id,
    api: row.api,
    baseUrl: row.base_url,
    filter: row.filter,
    select: row.select_list,
    typed: Boolean(row.typed),
    modified: row.modified,
    observations: Number(row.observations),
  };
}

/** Records (or replaces) the state after a successful import. */
export async function writeState(store: Store, state: StatlineImportState): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.run('DELETE FROM statline_table WHERE dataset = $1', [state.dataset]);
    await tx.run(
      `INSERT INTO statline_table (dataset, table_id, api, base_url, filter, select_list, typed, modified, observations, imported)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, current_timestamp)`,
      [
        state.dataset,
        state.tableId,
        state.api,
        state.baseUrl,
        state.filter,
        state.select,
        state.typed,
        state.modified,
        state.observations,
      ],
    );
  });
}

/** The query as stored in statline_table. */
export function storedQuery(query: ObservationQuery): { filter: string; select: string; typed: boolean } {
  return {
    filter: query.filter ?? '',
    select: [...(query.select ?? [])].sort().join(','),
    typed: query.typed ?? false,
  };
}

/** The query a recorded import used. */
export function queryOf(state: StatlineImportState): ObservationQuery {
  return {
    filter: state.filter || undefined,
    select: state.select ? state.select.split(',') : undefined,
    typed: state.typed,
  };
}
