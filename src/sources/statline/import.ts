/**
 * Imports a StatLine table: metadata, then every page of observations into the cache (resuming
 * an earlier broken download) and normalisation into ingest, which stores the whole table in one
 * transaction or nothing. Transfer problems throw before the store is touched.
 */
import type { Store } from '../../store/index.js';
import { ingest, ingestStaged, type ImportReport, type IngestRequest } from '../ingest.js';
import { canStageInBulk, directPages, stagePages } from './bulk.js';
import type { DownloadedObservations, StatlineClient } from './client.js';
import type { FeedProgress } from './feed.js';
import { normaliseTable, type NormaliseOptions } from './normalise.js';
import type { ObservationQuery } from './query.js';
import { storedQuery, writeState } from './state.js';
import { englishLabels, writeLabels } from './labels.js';
import type { StagedRow } from '../ingest.js';
import type { RawObservation, TableMetadata } from './table.js';

/** What to import and how. */
export interface StatlineImportOptions extends ObservationQuery, NormaliseOptions {
  /** Told how many rows have arrived (and of how many, when known). */
  onProgress?: FeedProgress;
  /**
   * How the downloaded pages reach the staging table: 'bulk' (default where the table allows)
   * lets the engine read the cached pages itself; 'rows' parses them in JS, row by row.
   */
  reader?: 'bulk' | 'rows';
  /** Add the English labels of the table's ENG twin where CBS has one (default true). */
  english?: boolean;
}

/** The ingest report plus what the transfer did. */
export interface StatlineImportResult {
  report: ImportReport;
  table: TableMetadata;
  url: string;
  pages: number;
  pagesFromCache: number;
  rowsDownloaded: number;
  /** English labels stored (from which twin), or why there are none; absent when not asked for. */
  english?: { table: string; labels: number } | { problem: string };
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
  const url = client.observationsUrl(table, query);
  const request: IngestRequest = {
    dataset: normalised.dataset,
    variables: normalised.variables,
    dimensionCodes: normalised.dimensionCodes,
    sourceName: url,
    columns: {
      region: regionColumn(table),
      period: periodColumn(table),
      variable: 'Measure',
      value: 'Value',
    },
    // Untyped v3 values are text with a decimal point ("   135.5"), whatever the language.
    decimal: '.',
  };
  const bulk = options.reader !== 'rows' && canStageInBulk(table, normalised.layout, query);
  // The download does not parse its pages; whichever reader does counts their rows.
  const counted = { rows: 0 };
  let download: DownloadedObservations | undefined;
  try {
    download = await client.download(table, query, options.onProgress);
    const pages = download;
    // In bulk, a clean table goes from the pages straight into the store; one that is not is
    // staged and checked row by row (the same rows, numbered, so the errors name them).
    const report = bulk
      ? await ingestStaged(
          store,
          request,
          async (tx, staging) => {
            counted.rows = await stagePages(tx, staging, table, normalised.layout, pages, query);
          },
          (tx, prefix) => directPages(tx, prefix, table, normalised.layout, pages, query, counted),
        )
      : await ingest(store, request, staged(download.rowsOf(counted), normalised.stage));
    let english: StatlineImportResult['english'];
    if (report.outcome === 'stored') {
      if (options.english !== false) english = await storeEnglish(store, client, table, report.dataset);
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
      url,
      pages: download!.files.length,
      pagesFromCache: download!.pagesFromCache,
      rowsDownloaded: counted.rows,
      ...(english ? { english } : {}),
    };
  } finally {
    await download?.release();
  }
}

/**
 * Stores the English labels of the table's twin (replacing earlier ones). Labels are an
 * addition: a twin that cannot be read or matched is reported, and the import stands.
 */
async function storeEnglish(
  store: Store,
  client: StatlineClient,
  table: TableMetadata,
  dataset: string,
): Promise<StatlineImportResult['english']> {
  let outcome: StatlineImportResult['english'];
  let labels: Parameters<typeof writeLabels>[3] = [];
  try {
    const twin = await client.englishTwin(table);
    if (twin) {
      const matched = englishLabels(table, twin);
      if ('problem' in matched) outcome = { problem: `${twin.id}: ${matched.problem}` };
      else {
        labels = matched.labels;
        outcome = { table: twin.id, labels: labels.length };
      }
    }
  } catch (error) {
    outcome = { problem: (error as Error).message };
  }
  await writeLabels(store, dataset, 'en', labels);
  return outcome;
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
