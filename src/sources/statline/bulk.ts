/**
 * Reads a download's pages into ingest's staging table inside the engine: one read_json over
 * every cached page, with what normalise.ts's `stage` does per row written as SQL (trimmed
 * region and period codes, category keys, measure codes to variable keys, text measures left
 * out, CBS symbols for missing values, the period's status). Pushing a million rows through JS
 * objects costs several times what the engine needs; the pages are on disk anyway (the cache),
 * so the engine reads them where they lie. Row numbers are those the JS path gives, so every
 * message names the same row either way. A clean table skips the staging table: `directPages`
 * gives ingest the same rows as one query to store in one read (ingest's DirectRows).
 */
import { parseCategoryKey } from '../../core/index.js';
import { isIdentifier, type SqlValue, type Store } from '../../store/index.js';
import { createStagingSql, type DirectRows } from '../ingest.js';
import type { DownloadedObservations } from './client.js';
import { StatlineFormatError, symbolOf, NATIONAL, type StageLayout } from './normalise.js';
import type { ObservationQuery } from './query.js';
import type { TableMetadata } from './table.js';

// The v4 ValueAttributes CBS uses for a missing value; anything else reads as '.' (unknown).
const VALUE_ATTRIBUTES = ['Impossible', 'Confidential', 'Missing', 'Unknown', 'Nil', 'Unreliable'];

/**
 * True when the engine can stage the table: every column it names must be a plain identifier
 * (CBS keys always are), since they go into the read_json column types. Otherwise the JS path.
 */
export function canStageInBulk(table: TableMetadata, layout: StageLayout, query: ObservationQuery): boolean {
  const selected = query.select?.length ? new Set(query.select) : undefined;
  const measures = layout.measures.filter((m) => !selected || selected.has(m.code));
  const columns = [
    ...table.dimensions.map((d) => d.key),
    ...(table.api === 'v3' ? measures.map((m) => m.code) : []),
  ];
  const numeric = measures.some((m) => m.key !== undefined);
  return (
    numeric &&
    columns.every(isIdentifier) &&
    new Set(columns.map((c) => c.toLowerCase())).size === columns.length
  );
}

/**
 * Creates and fills staging table `staging` from a finished download; returns how many rows the
 * pages hold. See PageStager for the errors.
 */
export async function stagePages(
  tx: Store,
  staging: string,
  table: TableMetadata,
  layout: StageLayout,
  download: Pick<DownloadedObservations, 'files' | 'url' | 'check'>,
  query: ObservationQuery,
): Promise<number> {
  const stager = new PageStager(tx, staging, table, layout, query);
  await stager.start();
  for (const file of download.files) stager.add(file);
  return stager.finish(download);
}

/**
 * Fills staging table `staging` with pages: each page handed to `add` is read by the engine, in
 * batches of whatever has arrived, so pages can be staged while later ones download. (The import
 * stages after the download: with two shared cores, staging during it measured no faster.)
 * `finish` stages the rest and returns how many rows the pages hold. It throws StatlineHttpError
 * naming the page when one is not valid JSON (the page is removed from the cache) and
 * StatlineFormatError when a page does not have the shape the metadata promised; the store is
 * not touched yet either way.
 */
export class PageStager {
  private readonly statuses: string;
  private readonly queue: string[] = [];
  private readonly files: string[] = [];
  private rows = 0;
  private running: Promise<void> = Promise.resolve();
  private busy = false;
  private failure: unknown;

  constructor(
    private readonly tx: Store,
    private readonly staging: string,
    private readonly table: TableMetadata,
    private readonly layout: StageLayout,
    private readonly query: ObservationQuery,
  ) {
    this.statuses = `${staging}_pstatus`;
  }

  /** Creates the staging table (and the period statuses it joins). */
  async start(): Promise<void> {
    await this.tx.run(createStagingSql(this.staging));
    await this.tx.run(`CREATE TEMP TABLE ${this.statuses} (code VARCHAR, status VARCHAR)`);
    await this.tx.append(this.statuses, this.layout.periodStatus);
  }

  /** A page is complete on disk: stage it with the next batch. */
  add(file: string): void {
    this.queue.push(file);
    if (!this.busy) this.running = this.drain();
  }

  /** Waits for the batch in progress (after a failed download, before the staging is dropped). */
  async settle(): Promise<void> {
    await this.running;
    await this.tx.run(`DROP TABLE IF EXISTS ${this.statuses}`);
  }

  /** Stages what is left, checks the category keys and returns the rows of all pages. */
  async finish(download: Pick<DownloadedObservations, 'url' | 'check'>): Promise<number> {
    await this.settle();
    if (this.failure !== undefined) {
      if (this.failure instanceof StatlineFormatError) throw this.failure;
      // A page that is not JSON is named (and dropped from the cache) rather than the whole download.
      await download.check();
      throw new StatlineFormatError(
        `${download.url}: the downloaded pages (${this.files[0]} ...) could not be read as ${this.table.api} observations of table ${this.table.id}: ${(this.failure as Error).message}; expected the columns its metadata lists`,
      );
    }
    // v4 rows of text measures came in under a negative number only to be counted.
    if (this.table.api === 'v4' && this.layout.measures.some((m) => m.key === undefined))
      await this.tx.run(`DELETE FROM ${this.staging} WHERE _row < 0`);
    await checkCategories(this.tx, this.staging, this.table, this.layout);
    return this.rows;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0 && this.failure === undefined) {
        const batch = this.queue.splice(0);
        this.files.push(...batch);
        try {
          this.rows += await this.stage(batch, this.rows);
        } catch (error) {
          this.failure = error;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** Stages `files`, whose first row follows `before` rows; returns the rows they hold. */
  private async stage(batch: string[], before: number): Promise<number> {
    const rows = stagedRows(this.table, this.layout, this.query, batch, this.statuses, before);
    const staged = await this.tx.run(`INSERT INTO ${this.staging} ${rows.sql}`, rows.params);
    return staged / rows.perRow;
  }
}

/**
 * The pages' rows as ingest's staging columns (one SELECT), `before` rows before the first page;
 * without `before` the rows are not numbered (_row 0), which spares the engine holding every
 * page at once to count the rows of those before.
 */
function stagedRows(
  table: TableMetadata,
  layout: StageLayout,
  query: ObservationQuery,
  batch: readonly string[],
  statuses: string,
  before?: number,
): { sql: string; params: SqlValue[]; perRow: number } {
  const params: SqlValue[] = [];
  const param = (value: SqlValue) => {
    params.push(value);
    return `$${params.length}`;
  };
  const files = `[${batch.map(param).join(', ')}]`;
  const read =
    table.api === 'v4'
      ? v4Rows(table, layout, param, files, before)
      : v3Rows(table, layout, query, param, files, before);
  const o = (key: string) => `r.o."${key}"`;
  const region = layout.region ? `coalesce(trim(${o(layout.region)}), '')` : `'${NATIONAL}'`;
  const period = layout.period ? `coalesce(trim(${o(layout.period)}), '')` : param(layout.fixedPeriod ?? '');
  const categories =
    layout.categories.length === 0
      ? `''`
      : layout.categories
          .map((d, i) => `${param(`${i > 0 ? ';' : ''}${d}=`)} || coalesce(trim(${o(d)}), '')`)
          .join(' || ');
  return {
    sql: `SELECT s._row, s.region, s.period, s.variable, s.categories, s.value_text, s.value_number, p.status
          FROM (SELECT r._row, ${region} AS region, ${period} AS period, r.variable, ${categories} AS categories,
                       r.value_text, r.value_number
                FROM (${read.sql}) r) s
          LEFT JOIN ${statuses} p ON p.code = s.period`,
    params,
    perRow: read.perRow,
  };
}

/**
 * The rows of a finished download as one query for ingest to store in one pass (DirectRows),
 * when the table allows: regions and periods are those of the table's code lists, and the rows
 * of text measures (which v4 pages mix in) would need counting apart, so such tables are staged.
 * Creates the period statuses it joins as `<prefix>_pstatus` (ingest drops it).
 */
export async function directPages(
  tx: Store,
  prefix: string,
  table: TableMetadata,
  layout: StageLayout,
  download: Pick<DownloadedObservations, 'files'>,
  query: ObservationQuery,
  counted: { rows: number },
): Promise<DirectRows | undefined> {
  if (table.api === 'v4' && layout.measures.some((m) => m.key === undefined)) return undefined;
  if (download.files.length === 0) return undefined;
  const codes = (key: string | undefined) =>
    table.dimensions.find((d) => d.key === key)?.codes.map((c) => c.code) ?? [];
  const statuses = `${prefix}_pstatus`;
  await tx.run(`CREATE TEMP TABLE ${statuses} (code VARCHAR, status VARCHAR)`);
  await tx.append(statuses, layout.periodStatus);
  const rows = stagedRows(table, layout, query, download.files, statuses);
  return {
    select: rows.sql,
    params: rows.params,
    regions: layout.region ? codes(layout.region) : [NATIONAL],
    periods: layout.period ? codes(layout.period) : [layout.fixedPeriod ?? ''],
    verify: async (w, dataset) => {
      if (layout.categories.length === 0) return true;
      const distinct = await w.all<{ categories: string }>(
        'SELECT DISTINCT categories FROM observation WHERE dataset = $1',
        [dataset],
      );
      return distinct.every(({ categories }) => validCategories(categories, layout));
    },
    stored: (n) => (counted.rows = n / rows.perRow),
  };
}

type Param = (value: SqlValue) => string;

function readPages(type: string, files: string, before: number | undefined, param: Param): string {
  // One page is one JSON object: its rows are the list in "value". Other keys (next link) are
  // ignored. A row's number is its place in the whole download: the rows of the pages before
  // its own (in download order) plus its place in the page.
  const numbered =
    before === undefined
      ? '0 AS before, 0 AS i'
      : `${Math.trunc(before)} + coalesce(sum(len(value)) OVER (ORDER BY list_position(${files}, filename)
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
            generate_subscripts(value, 1) AS i`;
  return `SELECT ${numbered}, unnest(value) AS o
          FROM read_json(${files}, columns = {value: ${param(`${type}[]`)}}, format = 'unstructured',
                         maximum_object_size = 1073741824, filename = true)`;
}

/** The SQL that reads the pages as staged rows, and how to count the pages' rows from it. */
interface PageRead {
  sql: string;
  /** Staged rows per row of the pages (v3 wide rows give one per numeric topic). */
  perRow: number;
}

// v4 Observations are long: one row per measure, the value a number (or null with a reason).
function v4Rows(
  table: TableMetadata,
  layout: StageLayout,
  param: Param,
  files: string,
  before: number | undefined,
): PageRead {
  const type = struct([
    ['Measure', 'VARCHAR'],
    ['ValueAttribute', 'VARCHAR'],
    ['Value', 'DOUBLE'],
    ...table.dimensions.map((d): [string, string] => [d.key, 'VARCHAR']),
  ]);
  const measures = layout.measures.map((m) => `(${param(m.code)}, ${m.key ? param(m.key) : 'NULL'})`);
  const symbol = `CASE lower(trim(r.o."ValueAttribute")) ${VALUE_ATTRIBUTES.map(
    (a) => `WHEN ${param(a.toLowerCase())} THEN ${param(symbolOf(a))}`,
  ).join(' ')} ELSE '.' END`;
  // Unknown measures pass under their own code (ingest names them); text measures are left out
  // after counting (negative numbers).
  const text = layout.measures.some((m) => m.key === undefined);
  const row = '(r.before + r.i)::BIGINT';
  return {
    sql: `SELECT r.o, ${text ? `CASE WHEN m.code IS NOT NULL AND m.key IS NULL THEN -${row} ELSE ${row} END` : row} AS _row,
            coalesce(m.key, r.o."Measure") AS variable,
            CASE WHEN r.o."Value" IS NULL THEN ${symbol} END AS value_text, r.o."Value" AS value_number
          FROM (${readPages(type, files, before, param)}) r
          LEFT JOIN (${measures.length > 0 ? `VALUES ${measures.join(', ')}` : 'SELECT NULL, NULL'}) m(code, key)
            ON m.code = r.o."Measure"`,
    perRow: 1,
  };
}

// v3 rows are wide: one column per topic, unpivoted here into one row per topic. The typed
// feed gives numbers (null for any symbol), the untyped feed padded text with CBS's symbols.
function v3Rows(
  table: TableMetadata,
  layout: StageLayout,
  query: ObservationQuery,
  param: Param,
  files: string,
  before: number | undefined,
): PageRead {
  const selected = query.select?.length ? new Set(query.select) : undefined;
  // The JS path counts every topic of a row, text topics too; numbering follows it.
  const present = layout.measures.filter((m) => !selected || selected.has(m.code));
  const numeric = present.map((m, i) => ({ ...m, index: i })).filter((m) => m.key !== undefined);
  const valueType = query.typed ? 'DOUBLE' : 'VARCHAR';
  const type = struct([
    ...table.dimensions.map((d): [string, string] => [d.key, 'VARCHAR']),
    ...present.map((m): [string, string] => [m.code, m.key ? valueType : 'VARCHAR']),
  ]);
  const values = numeric.map((m) => `r.o."${m.code}"`).join(', ');
  const keys = numeric.map((m) => param(m.key!)).join(', ');
  const index = numeric.map((m) => String(m.index)).join(', ');
  const value = query.typed
    ? `CASE WHEN v IS NULL THEN '.' END AS value_text, v AS value_number`
    : `coalesce(trim(v), '.') AS value_text, NULL::DOUBLE AS value_number`;
  return {
    sql: `SELECT o, ((before + i - 1) * ${present.length} + k + 1)::BIGINT AS _row, variable, ${value}
          FROM (SELECT r.o, r.before, r.i, unnest([${values}]) AS v, unnest([${keys}]) AS variable,
                       unnest([${index}]) AS k
                FROM (${readPages(type, files, before, param)}) r)`,
    perRow: numeric.length,
  };
}

function struct(fields: [string, string][]): string {
  return `STRUCT(${fields.map(([name, type]) => `"${name}" ${type}`).join(', ')})`;
}

// What categoryKey refuses in JS (an empty code, or one holding = or ;) is refused here too,
// once per distinct combination, with the same kind of message.
async function checkCategories(tx: Store, staging: string, table: TableMetadata, layout: StageLayout) {
  if (layout.categories.length === 0) return;
  const distinct = await tx.all<{ categories: string; first: number }>(
    `SELECT categories, min(_row) AS first FROM ${staging} GROUP BY categories`,
  );
  for (const { categories, first } of distinct) {
    if (!validCategories(categories, layout)) {
      throw new StatlineFormatError(
        `table ${table.id}, row ${first}: "${categories}" is not a valid combination of category codes; expected one code without = or ; for each of ${layout.categories.join(', ')}`,
      );
    }
  }
}

function validCategories(categories: string, layout: StageLayout): boolean {
  const parsed = parseCategoryKey(categories);
  return parsed.ok && Object.keys(parsed.value).length === layout.categories.length;
}
