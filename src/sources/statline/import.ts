/**
 * Imports a StatLine table: metadata, then every page of observations into the cache (resuming
 * an earlier broken download), then normalisation into ingest, which stores the whole table in one
 * transaction or nothing. Transfer problems throw before the store is touched.
 */
import type { Store } from '../../store/index.js';
import { ingest, type ImportReport } from '../ingest.js';
import type { StatlineClient } from './client.js';
import type { FeedProgress } from './feed.js';
import { normaliseTable, type NormaliseOptions } from './normalise.js';
import type { ObservationQuery } from './query.js';
import { storedQuery, writeState } from './state.js';
import type { StagedRow } from '../ingest.js';
import type { RawObservation, TableMetadata } from './table.js';

/** What to import and how. */
export interface StatlineImportOptions extends ObservationQuery, NormaliseOptions {
  /** Told how many rows have arrived (and of how many, when known). */
  onProgress?: FeedProgress;
}

/** The ingest report plus what the transfer did. */
export interface StatlineImportResult {
  report: ImportReport;
  table: TableMetadata;
  url: string;
  pages: number;
  pagesFromCache: number;
  rowsDownloaded: number;
}

/** Imports table `id` from the client's server into the store as one dataset. */
export async function importTable(
  store: Store,
  client: StatlineClient,
  id: string,
  options: StatlineImportOptions = {},
): Promise<StatlineImportResult> {
  const table = await client.table(id);
  const query: ObservationQuery = { filter: options.filter, select: options.select, typed: options.typed };
  const unknown = (options.select ?? []).filter((s) => !table.measures.some((m) => m.key === s));
  if (unknown.length > 0) {
    throw new Error(
      `table ${table.id} has no measure ${unknown.map((u) => `"${u}"`).join(', ')}; expected one of ${table.measures
        .map((m) => m.key)
        .join(', ')
        .slice(0, 400)}`,
    );
  }
  const normalised = normaliseTable(table, options);
  const download = await client.download(table, query, options.onProgress);
  try {
    const report = await ingest(
      store,
      {
        dataset: normalised.dataset,
        variables: normalised.variables,
        dimensionCodes: normalised.dimensionCodes,
        sourceName: download.url,
        columns: {
          region: regionColumn(table),
          period: periodColumn(table),
          variable: 'Measure',
          value: 'Value',
        },
        // Untyped v3 values are text with a decimal point ("   135.5"), whatever the language.
        decimal: '.',
      },
      staged(download.rowsOf(), normalised.stage),
    );
    if (report.outcome === 'stored') {
      await writeState(store, {
        dataset: report.dataset,
        tableId: table.id,
        api: table.api,
        baseUrl: client.baseUrl,
        ...storedQuery(query),
        modified: table.modified,
        observations: report.rowsStored,
      });
    }
    return {
      report,
      table,
      url: download.url,
      pages: download.files.length,
      pagesFromCache: download.pagesFromCache,
      rowsDownloaded: download.rows,
    };
  } finally {
    await download.release();
  }
}

async function* staged(
  rows: AsyncIterable<RawObservation>,
  stage: (raw: RawObservation, row: number) => StagedRow | undefined,
): AsyncGenerator<StagedRow> {
  let row = 0;
  for await (const raw of rows) {
    const s = stage(raw, ++row);
    if (s) yield s;
  }
}

function regionColumn(table: TableMetadata): string {
  return table.dimensions.find((d) => d.kind === 'geo')?.key ?? 'RegioS';
}

function periodColumn(table: TableMetadata): string {
  return table.dimensions.find((d) => d.kind === 'time')?.key ?? 'Perioden';
}
