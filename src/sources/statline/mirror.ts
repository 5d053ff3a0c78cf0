/**
 * Keeps a list of StatLine tables current: each table's Modified stamp is asked for (one small
 * request) and compared with the one recorded at its last import; only changed or new tables are
 * downloaded again. One table failing does not stop the others.
 */
import type { Store } from '../../store/index.js';
import type { StatlineClient } from './client.js';
import { importTable, type StatlineImportOptions, type StatlineImportResult } from './import.js';
import { queryOf, readState, storedQuery } from './state.js';
import type { ObservationQuery } from './query.js';

/** What mirror did with one table. */
export interface MirrorOutcome {
  table: string;
  dataset: string;
  outcome: 'unchanged' | 'imported' | 'rejected' | 'failed';
  modified?: string;
  previous?: string;
  result?: StatlineImportResult;
  error?: string;
}

/** Updates every table in `tables` whose Modified stamp changed (or that was never imported). */
export async function mirror(
  store: Store,
  client: StatlineClient,
  tables: readonly string[],
  options: Omit<StatlineImportOptions, 'datasetId'> & {
    onTable?: (outcome: MirrorOutcome) => void;
    /** Told when a table's download starts, to label its progress. */
    onStart?: (table: string) => void;
  } = {},
): Promise<MirrorOutcome[]> {
  const outcomes: MirrorOutcome[] = [];
  for (const table of tables) {
    const dataset = table;
    let outcome: MirrorOutcome;
    try {
      const modified = await client.modified(table);
      const state = await readState(store, dataset);
      // Without a query of its own, mirror repeats the query of the last import.
      const asked =
        options.filter !== undefined || options.select !== undefined || options.typed !== undefined;
      const query: ObservationQuery = asked || !state ? options : queryOf(state);
      const wanted = storedQuery(query);
      const same =
        state !== undefined &&
        state.modified === modified &&
        state.baseUrl === client.baseUrl &&
        state.filter === wanted.filter &&
        state.select === wanted.select &&
        state.typed === wanted.typed;
      if (same) {
        outcome = { table, dataset, outcome: 'unchanged', modified, previous: state.modified };
      } else {
        options.onStart?.(table);
        const result = await importTable(store, client, table, { ...options, ...query, datasetId: dataset });
        outcome = {
          table,
          dataset,
          outcome: result.report.outcome === 'stored' ? 'imported' : 'rejected',
          modified: result.table.modified,
          previous: state?.modified,
          result,
        };
      }
    } catch (error) {
      outcome = { table, dataset, outcome: 'failed', error: (error as Error).message };
    }
    options.onTable?.(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}
