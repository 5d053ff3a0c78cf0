import {
  parsePeriod,
  parseRegionCode,
  type DecimalSeparator,
  type ObservationStatus,
  type Period,
  type Result,
} from '../core/index.js';
import type { SqlValue, Store } from '../store/index.js';
import {
  datasetMetaSchema,
  variableMetaSchema,
  type DatasetMeta,
  type DimensionCode,
  type VariableMeta,
} from './metadata.js';
import { numberCheckSql, specialStatusSql } from './numbers-sql.js';

/** One observation as a source delivers it, before validation. */
export interface StagedRow {
  /** Row number in the source, as a person would count it (used in every message). */
  row: number;
  region: string;
  period: string;
  variable: string;
  categories?: string;
  /** Text as written in the source (CBS special values allowed), or an already typed number. */
  value: string | number | null;
  /** Status the source states explicitly (e.g. StatLine's 'Voorlopig'), overriding 'final'. */
  status?: ObservationStatus;
}

/** What a source reports after filling the staging table. */
export interface StageResult {
  /** The variables, when only the data names them (long form). */
  variables?: readonly VariableMeta[];
  /** Problems the reader found in rows it could not stage (wrong field count, broken quotes). */
  issues?: readonly ImportIssue[];
  /** How many source rows could not be read into the staging table at all. */
  unreadableRows?: number;
}

/**
 * A bulk source's rows as one SELECT with the staging columns (STAGING_COLUMNS; `_row` may be
 * anything), for storing in one pass: the engine reads the source straight into observation, and
 * region and period must be texts the source says can occur (as written). Only a clean import is stored
 * so, and only when replacing a dataset; any doubt and ingest stages the rows and checks them one
 * by one after all.
 */
export interface DirectRows {
  select: string;
  params?: SqlValue[];
  /** Every region text the rows can hold (e.g. a table's code list); others make the import unclean. */
  regions: readonly string[];
  /** Every period text the rows can hold. */
  periods: readonly string[];
  /** A source's own check of the rows stored in observation for `dataset` (e.g. category keys); false: unclean. */
  verify?: (tx: Store, dataset: string) => Promise<boolean>;
  /** Told how many rows the SELECT gave, when they were stored. */
  stored?: (rows: number) => void;
}

/** Names of the source's columns, so messages speak the source's language. */
export interface SourceColumns {
  region: string;
  period: string;
  variable: string;
  value: string;
}

export interface IngestRequest {
  dataset: DatasetMeta;
  variables: readonly VariableMeta[];
  dimensionCodes?: readonly DimensionCode[];
  sourceName: string;
  columns?: Partial<SourceColumns>;
  /** How text values write decimals; detected from the values when absent. */
  decimal?: DecimalSeparator;
  /** The decimal separator to assume when the values give no evidence either way. */
  decimalHint?: DecimalSeparator;
  /** replace (default): the dataset's observations become exactly these; append: added to them. */
  mode?: 'replace' | 'append';
  /** How many invalid rows may be left out before the whole import is rejected. Default 0. */
  maxRejects?: number;
}

export interface ImportIssue {
  file: string;
  row?: number;
  column?: string;
  value?: string;
  message: string;
  expected?: string;
}

export interface ImportReport {
  dataset: string;
  source: string;
  rowsRead: number;
  rowsStored: number;
  rowsRejected: number;
  outcome: 'stored' | 'rejected';
  /** The dataset's version after this import (unchanged when rejected). */
  version: number;
  issues: ImportIssue[];
  seconds: number;
}

/**
 * The columns of a staging table. Sources fill one (from JS rows, or in bulk inside the engine)
 * and `ingestStaged` validates and stores it; this is the one way observations enter the store.
 */
export const STAGING_COLUMNS = [
  ['_row', 'BIGINT'],
  ['region', 'VARCHAR'],
  ['period', 'VARCHAR'],
  ['variable', 'VARCHAR'],
  ['categories', 'VARCHAR'],
  ['value_text', 'VARCHAR'],
  ['value_number', 'DOUBLE'],
  ['status', 'VARCHAR'],
] as const;

const MAX_LISTED_ISSUES = 50;

/** Validates and stores rows a source produced in JS (StatLine pages, XLSX, GeoJSON). Atomic. */
export async function ingest(
  store: Store,
  request: IngestRequest,
  rows: Iterable<StagedRow> | AsyncIterable<StagedRow>,
): Promise<ImportReport> {
  return ingestStaged(store, request, async (tx, table) => {
    await tx.run(createStagingSql(table));
    let batch: SqlValue[][] = [];
    for await (const r of rows) {
      const text = typeof r.value === 'string' ? r.value : null;
      const number = typeof r.value === 'number' ? r.value : null;
      batch.push([r.row, r.region, r.period, r.variable, r.categories ?? '', text, number, r.status ?? null]);
      if (batch.length >= 50_000) {
        await tx.append(table, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await tx.append(table, batch);
  });
}

/** SQL that creates an empty staging table. */
export function createStagingSql(table: string): string {
  return `CREATE TEMP TABLE ${table} (${STAGING_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`;
}

/**
 * Validates the staging table `fill` creates (returning the variables when only the data names
 * them) and, if it passes, stores it in one transaction: the import lands whole (minus at most
 * maxRejects invalid rows) or changes nothing.
 */
export async function ingestStaged(
  store: Store,
  request: IngestRequest,
  fill: (tx: Store, table: string) => Promise<StageResult | void>,
  direct?: (tx: Store, table: string) => Promise<DirectRows | undefined>,
): Promise<ImportReport> {
  const started = Date.now();
  const dataset = datasetMetaSchema.parse(request.dataset);
  let variables = request.variables.map((v) => variableMetaSchema.parse(v));
  const columns: SourceColumns = {
    region: request.columns?.region ?? 'region',
    period: request.columns?.period ?? 'period',
    variable: request.columns?.variable ?? 'variable',
    value: request.columns?.value ?? 'value',
  };
  const file = request.sourceName;
  const table = `udc_stage_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const checked = `${table}_checked`;
  const rejected = new RejectedImport();

  try {
    // Staging and checking run on temporary tables outside any transaction (the engine reads
    // them much faster so); only the final writes are one transaction. A rejected import
    // therefore never touches a stored table.
    return await store.session(async (tx) => {
      try {
        // A source that can give its rows as one query is read once, straight into observation,
        // when the import is clean (the usual case); otherwise the same rows are staged below.
        if (direct && request.decimal && (request.maxRejects ?? 0) === 0 && request.mode !== 'append') {
          const rows = await direct(tx, table);
          const stored = rows && (await storeDirect(tx, rows, request.decimal));
          if (stored) return stored;
          await dropStaging(tx, table);
        }
        // A source that learns its variables only from the data (long form) names them now.
        const staged = (await fill(tx, table)) ?? {};
        if (staged.variables) variables = staged.variables.map((v) => variableMetaSchema.parse(v));
        const issues: ImportIssue[] = [...(staged.issues ?? [])];
        const unreadable = staged.unreadableRows ?? 0;
        const rowsRead = (await count(tx, `SELECT count(*) AS n FROM ${table}`)) + unreadable;
        if (rowsRead === 0) {
          issues.push({
            file,
            message: 'the file has no data rows',
            expected: 'at least one row of observations',
          });
          throw rejected.with(report(0, 0, 0, issues));
        }

        await mapRegions(tx, table, file, columns, issues);
        await mapPeriods(tx, table, file, columns, issues);
        const decimal = await decideDecimal(tx, table, request);
        await createVariableTable(tx);
        const clean = unreadable === 0 && issues.length === 0;
        if (clean && (request.maxRejects ?? 0) === 0) {
          const stored = await storeIfValid(tx, decimal, rowsRead);
          if (stored) return stored;
        }
        await tx.run(`CREATE TEMP TABLE ${checked} AS ${checkSelect(table, table, decimal)}`);

        const bad = await tx.one<{ value: number; any: number }>(
          `SELECT count(*) FILTER (WHERE bad_value) AS value,
                  count(*) FILTER (WHERE ${INVALID}) AS any FROM ${checked}`,
        );
        if (Number(bad?.value ?? 0) > 0 && !request.decimal)
          await reportMixedDecimals(tx, table, file, columns, issues);
        await listVariableIssues(tx, checked, file, columns, variables, issues);
        await listValueIssues(tx, checked, file, columns, decimal, issues);
        const duplicates = await markDuplicates(
          tx,
          checked,
          file,
          columns,
          dataset.id,
          request.mode ?? 'replace',
          issues,
        );

        const rowsRejected = unreadable + Number(bad?.any ?? 0) + duplicates;
        const maxRejects = request.maxRejects ?? 0;
        if (rowsRejected > maxRejects) {
          issues.push({
            file,
            message:
              maxRejects === 0
                ? `${rowsRejected} of ${rowsRead} rows are invalid; nothing was imported`
                : `${rowsRejected} of ${rowsRead} rows are invalid, more than the ${maxRejects} allowed; nothing was imported`,
          });
          throw rejected.with(report(rowsRead, 0, rowsRejected, issues));
        }

        const valid = rowsRejected === 0 ? '' : `WHERE NOT (${INVALID} OR bad_duplicate)`;
        return await tx.transaction(async (w) => {
          const rowsStored = await write(w, `SELECT * FROM ${checked} ${valid}`);
          return finish(w, rowsRead, rowsStored, rowsRejected, issues);
        });
      } finally {
        await dropStaging(tx, table).catch(() => undefined);
      }
    });
  } catch (error) {
    if (error instanceof RejectedImport && error.report) return error.report;
    throw error;
  }

  async function createVariableTable(tx: Store) {
    await tx.run(`CREATE TEMP TABLE ${table}_variable (key VARCHAR)`);
    await tx.append(
      `${table}_variable`,
      variables.map((v) => [v.key]),
    );
  }

  /**
   * Stores a clean import in one read of the source: every row goes in as written (the insert
   * fails on the first value that is not a number: its region, a NOT NULL column, is left empty),
   * then one pass over the stored rows proves every region, period and variable known and every
   * key distinct, and the source's own check must pass. The key texts are checked after the
   * insert, not joined in it: the engine cannot estimate how many rows a source query gives and
   * may build its join on the million rows rather than on the few thousand codes. Returns
   * undefined (nothing stored) on any doubt or error: the full check then stages the rows, finds
   * what is wrong and names it (or meets the same error, e.g. an unreadable file, and reports it).
   */
  async function storeDirect(tx: Store, rows: DirectRows, decimal: DecimalSeparator) {
    try {
      await mapKnownKeys(tx, table, rows.regions, REGION_KEYS);
      await mapKnownKeys(tx, table, rows.periods, PERIOD_KEYS);
      await createVariableTable(tx);
      return await tx.transaction(async (w) => {
        const stored = await write(
          w,
          `SELECT CASE WHEN NOT bad_value THEN region END AS region, period, variable, categories, value, status
           FROM (${typedSelect(`(${rows.select})`, decimal)})`,
          rows.params,
        );
        if (stored === 0) throw new NotClean();
        // Each key column's few distinct texts are looked up in its map, not every row: the
        // engine's estimate of the rows just written is no guide to which side to build on.
        const check = await w.one<{ n: number; d: number; unknown: number }>(
          `SELECT count(*) AS n, count(DISTINCT hash(region, period, variable, categories)) AS d,
                  (SELECT count(*) FROM (SELECT DISTINCT region FROM observation WHERE dataset = $1)
                     WHERE region NOT IN (SELECT raw FROM ${table}_region))
                + (SELECT count(*) FROM (SELECT DISTINCT period FROM observation WHERE dataset = $1)
                     WHERE period NOT IN (SELECT raw FROM ${table}_period))
                + (SELECT count(*) FROM (SELECT DISTINCT variable FROM observation WHERE dataset = $1)
                     WHERE variable NOT IN (SELECT key FROM ${table}_variable)) AS unknown
           FROM observation WHERE dataset = $1`,
          [dataset.id],
        );
        if (Number(check?.n) !== Number(check?.d) || Number(check?.unknown) !== 0) throw new NotClean();
        if (rows.verify && !(await rows.verify(w, dataset.id))) throw new NotClean();
        rows.stored?.(stored);
        return finish(w, stored, stored, 0, []);
      });
    } catch {
      // Whatever went wrong (an invalid row, a repeated key, an unreadable page) is found and
      // reported, with row numbers, by the full check.
      return undefined;
    }
  }

  /**
   * The common case, a file without a single error, in one pass: store every row straight from
   * the checking query, then prove nothing was invalid (every row stored) or repeated (distinct
   * keys across the dataset). Any doubt rolls back and leaves the diagnosis to the full check.
   */
  async function storeIfValid(tx: Store, decimal: DecimalSeparator, rowsRead: number) {
    try {
      return await tx.transaction(async (w) => {
        const rowsStored = await write(
          w,
          `SELECT * FROM (${checkSelect(table, table, decimal)}) WHERE NOT (${INVALID})`,
        );
        if (rowsStored !== rowsRead) throw new NotClean();
        const keys = await w.one<{ n: number; d: number }>(
          `SELECT count(*) AS n, count(DISTINCT hash(region, period, variable, categories)) AS d FROM observation WHERE dataset = $1`,
          [dataset.id],
        );
        if (Number(keys?.n) !== Number(keys?.d)) throw new NotClean();
        return finish(w, rowsRead, rowsStored, 0, []);
      });
    } catch (error) {
      if (error instanceof NotClean) return undefined;
      throw error;
    }
  }

  /** Writes the dataset, its variables and periods and the checked rows; returns rows stored. */
  async function write(w: Store, rows: string, params: SqlValue[] = []): Promise<number> {
    await storeDataset(w, dataset, variables, request.dimensionCodes ?? [], request.mode ?? 'replace');
    if ((request.mode ?? 'replace') === 'replace') {
      await w.run('DELETE FROM observation WHERE dataset = $1', [dataset.id]);
    }
    // The dataset id follows the rows' own parameters.
    const stored = await w.run(
      `INSERT INTO observation (dataset, variable, region, period, categories, value, status)
       SELECT $${params.length + 1}, variable, region, period, categories, value, status FROM (${rows})`,
      [...params, dataset.id],
    );
    await storePeriods(w, table, dataset.id);
    return stored;
  }

  async function finish(
    w: Store,
    rowsRead: number,
    rowsStored: number,
    rowsRejected: number,
    issues: ImportIssue[],
  ) {
    const version = Number(
      (await w.one<{ version: number }>('SELECT version FROM dataset WHERE id = $1', [dataset.id]))?.version,
    );
    await w.run(
      `INSERT INTO import_run (id, dataset, source, started, finished, rows_read, rows_stored, rows_rejected, report)
       VALUES (nextval('import_run_id'), $1, $2, to_timestamp($3), current_timestamp, $4, $5, $6, $7)`,
      [
        dataset.id,
        file,
        started / 1000,
        rowsRead,
        rowsStored,
        rowsRejected,
        JSON.stringify(issues.slice(0, 20)),
      ],
    );
    return report(rowsRead, rowsStored, rowsRejected, issues, version);
  }

  function report(
    rowsRead: number,
    rowsStored: number,
    rowsRejected: number,
    issues: ImportIssue[],
    version = 0,
  ): ImportReport {
    return {
      dataset: dataset.id,
      source: file,
      rowsRead,
      rowsStored,
      rowsRejected,
      outcome: version > 0 ? 'stored' : 'rejected',
      version,
      issues,
      seconds: (Date.now() - started) / 1000,
    };
  }
}

/** Thrown inside the transaction to roll it back while carrying the report out. */
class RejectedImport extends Error {
  report: ImportReport | undefined;
  constructor() {
    super('import rejected');
  }
  with(report: ImportReport): this {
    this.report = report;
    return this;
  }
}

/** A checked row is invalid for one of these reasons (duplicates are marked later, bad_duplicate). */
const INVALID = 'bad_region OR bad_period OR bad_variable OR bad_value';

/**
 * One pass that types every row of `from` (staging columns) and names what is wrong with it,
 * joining the maps of staging table `table`. The trimmed text and its special-value status are
 * computed once in the inner query, not per use.
 */
function checkSelect(from: string, table: string, decimal: DecimalSeparator): string {
  return `SELECT s._row, rm.code AS region, pm.code AS period, s.variable, s.categories, s.value, s.status,
           s.value_text, (rm.code IS NULL) AS bad_region, (pm.code IS NULL) AS bad_period,
           (vk.key IS NULL) AS bad_variable, s.bad_value, false AS bad_duplicate
    FROM (${typedSelect(from, decimal)}) s
    LEFT JOIN ${table}_region rm ON rm.raw = s.region
    LEFT JOIN ${table}_period pm ON pm.raw = s.period
    LEFT JOIN ${table}_variable vk ON vk.key = s.variable`;
}

/** Every row of `from` with its value typed (and whether it could be), region and period as written. */
function typedSelect(from: string, decimal: DecimalSeparator): string {
  const number = numberCheckSql('s.t', decimal, true);
  return `SELECT s._row, s.region, s.period, s.variable, coalesce(s.categories, '') AS categories,
           CASE WHEN s.value_number IS NOT NULL THEN s.value_number
                WHEN s.special IS NOT NULL THEN NULL
                ELSE ${number.value} END AS value,
           CASE WHEN s.value_number IS NOT NULL THEN coalesce(s.status, 'final')
                ELSE coalesce(s.special, s.status, 'final') END AS status,
           s.value_text,
           (s.value_number IS NULL AND s.special IS NULL AND NOT coalesce(${number.valid}, false)) AS bad_value
    FROM (SELECT *, ${specialStatusSql('t', true)} AS special FROM (SELECT *, trim(value_text) AS t FROM ${from})) s`;
}

/** Thrown inside the one-pass store to roll it back when the data needs the full check. */
class NotClean extends Error {}

async function count(tx: Store, sql: string, params?: SqlValue[]): Promise<number> {
  return Number((await tx.one<{ n: number }>(sql, params))?.n ?? 0);
}

/**
 * Drops every temporary object of one import: they live on a pooled connection, so whatever is
 * left stays in memory until the process ends. A bulk source may stage as a view over its raw
 * table (the engine refuses DROP VIEW on a table, so the kind is looked up), dropped first.
 */
async function dropStaging(tx: Store, table: string): Promise<void> {
  const view = await tx.one('SELECT 1 AS found FROM duckdb_views() WHERE temporary AND view_name = $1', [
    table,
  ]);
  await tx.run(view ? `DROP VIEW ${table}` : `DROP TABLE IF EXISTS ${table}`);
  for (const suffix of ['_region', '_period', '_variable', '_checked', '_raw', '_vmap', '_pstatus']) {
    await tx.run(`DROP TABLE IF EXISTS ${table}${suffix}`);
  }
}

/** How the texts of one key column become canonical codes, and the mapping table they go into. */
interface KeyParse<T> {
  /** The staging column, and the suffix of its mapping table. */
  column: 'region' | 'period';
  parse: (text: string) => Result<T>;
  row: (raw: string | null, value: T) => SqlValue[];
  /** The mapping table's columns after (raw VARCHAR). */
  columns: string;
}

interface KeyMapping<T> extends KeyParse<T> {
  /** The source column the staging column came from. */
  source: string | undefined;
  missing: string;
  expected: string;
}

const REGION_KEYS: KeyParse<{ code: string }> = {
  column: 'region',
  parse: parseRegionCode,
  row: (raw, region) => [raw, region.code],
  columns: 'code VARCHAR',
};

/** Keeps the parsed dates too, for the period table. */
const PERIOD_KEYS: KeyParse<Period> = {
  column: 'period',
  parse: parsePeriod,
  row: periodRow,
  columns: 'code VARCHAR, kind VARCHAR, year INTEGER, start_date DATE, end_date DATE',
};

/**
 * Parses each distinct region or period text once (there are few, however many rows) and stores
 * raw -> canonical in a mapping table the checking query joins; unparsable texts become issues.
 */
async function mapKeys<T>(tx: Store, table: string, file: string, issues: ImportIssue[], m: KeyMapping<T>) {
  const distinct = await tx.all<{ raw: string | null; first: number; n: number }>(
    `SELECT ${m.column} AS raw, min(_row) AS first, count(*) AS n FROM ${table} GROUP BY ${m.column} ORDER BY first`,
  );
  const mapped: SqlValue[][] = [];
  for (const { raw, first, n } of distinct) {
    const parsed = m.parse(raw ?? '');
    if (parsed.ok) mapped.push(m.row(raw, parsed.value));
    else
      listIssue(issues, {
        file,
        row: first,
        column: m.source,
        value: raw ?? '',
        message: `${raw === null || raw.trim() === '' ? m.missing : parsed.error}${more(n)}`,
        expected: m.expected,
      });
  }
  await tx.run(`CREATE TEMP TABLE ${table}_${m.column} (raw VARCHAR, ${m.columns})`);
  await tx.append(`${table}_${m.column}`, mapped);
}

/**
 * The mapping table of the texts a source says can occur (before reading a row), for a source
 * stored as written: only texts that are already canonical go in. Any other (one that does not
 * parse, or needs trimming or upper-casing) is left out, so a row holding it makes the import
 * unclean, and the full check maps or reports it.
 */
async function mapKnownKeys<T>(tx: Store, table: string, texts: readonly string[], m: KeyParse<T>) {
  const mapped: SqlValue[][] = [];
  for (const raw of new Set(texts)) {
    const parsed = m.parse(raw);
    const row = parsed.ok ? m.row(raw, parsed.value) : undefined;
    if (row && row[1] === raw) mapped.push(row);
  }
  await tx.run(`CREATE TEMP TABLE ${table}_${m.column} (raw VARCHAR, ${m.columns})`);
  await tx.append(`${table}_${m.column}`, mapped);
}

function mapRegions(tx: Store, table: string, file: string, columns: SourceColumns, issues: ImportIssue[]) {
  return mapKeys(tx, table, file, issues, {
    ...REGION_KEYS,
    source: columns.region,
    missing: 'missing region code',
    expected: 'a CBS region code such as GM0014, WK001400, BU00140000, PV20 or NL01',
  });
}

function mapPeriods(tx: Store, table: string, file: string, columns: SourceColumns, issues: ImportIssue[]) {
  return mapKeys(tx, table, file, issues, {
    ...PERIOD_KEYS,
    source: columns.period,
    missing: 'missing period',
    expected: 'a CBS period code such as 2023JJ00, 2023KW01, 2023MM07 or an ISO date',
  });
}

function periodRow(raw: string | null, p: Period): SqlValue[] {
  return [raw, p.code, p.kind, p.year, p.start, p.end];
}

/** Adds the periods the dataset's observations use that the period table lacks (the map may hold more). */
async function storePeriods(tx: Store, table: string, dataset: string): Promise<void> {
  await tx.run(
    `INSERT INTO period (code, kind, year, start_date, end_date)
     SELECT DISTINCT code, kind, year, start_date, end_date FROM ${table}_period
     WHERE code NOT IN (SELECT code FROM period)
       AND code IN (SELECT DISTINCT period FROM observation WHERE dataset = $1)`,
    [dataset],
  );
}

const COMMA_EVIDENCE = `regexp_full_match(trim(value_text), '[+-]?[0-9.]*,([0-9]{1,2}|[0-9]{4,})')`;
const POINT_EVIDENCE = `regexp_full_match(trim(value_text), '[+-]?[0-9,]*\\.([0-9]{1,2}|[0-9]{4,})([eE][+-]?[0-9]+)?')`;
const DECIMAL_SAMPLE = 100_000;

/**
 * Chooses the decimal separator of text values: the one the caller states, else the one the
 * first values prove (a separator followed by other than three digits), else the caller's hint.
 * Values that prove the other separator later in the file fail the number check, and
 * reportMixedDecimals then says why.
 */
async function decideDecimal(tx: Store, table: string, request: IngestRequest): Promise<DecimalSeparator> {
  if (request.decimal) return request.decimal;
  const evidence = await tx.one<{ comma: number; point: number }>(
    `SELECT count(*) FILTER (WHERE ${COMMA_EVIDENCE}) AS comma, count(*) FILTER (WHERE ${POINT_EVIDENCE}) AS point
     FROM (SELECT value_text FROM ${table} WHERE value_text IS NOT NULL LIMIT ${DECIMAL_SAMPLE})`,
  );
  const comma = Number(evidence?.comma ?? 0);
  const point = Number(evidence?.point ?? 0);
  // With both in the sample, the majority is read and the minority rows are the ones reported.
  if (comma > 0 || point > 0) return comma > point ? ',' : '.';
  return request.decimalHint ?? '.';
}

/** When numbers failed to read: if the file mixes 1,5 and 1.5 it cannot be read safely, and says so. */
async function reportMixedDecimals(
  tx: Store,
  table: string,
  file: string,
  columns: SourceColumns,
  issues: ImportIssue[],
) {
  const evidence = await tx.one<{ comma: number; point: number; first_comma: number; first_point: number }>(
    `SELECT count(*) FILTER (WHERE ${COMMA_EVIDENCE}) AS comma, count(*) FILTER (WHERE ${POINT_EVIDENCE}) AS point,
            min(_row) FILTER (WHERE ${COMMA_EVIDENCE}) AS first_comma, min(_row) FILTER (WHERE ${POINT_EVIDENCE}) AS first_point
     FROM ${table} WHERE value_text IS NOT NULL`,
  );
  const comma = Number(evidence?.comma ?? 0);
  const point = Number(evidence?.point ?? 0);
  if (comma === 0 || point === 0) return;
  const firstComma = Number(evidence?.first_comma);
  const firstPoint = Number(evidence?.first_point);
  listIssue(issues, {
    file,
    row: comma <= point ? firstComma : firstPoint,
    column: columns.value,
    message: `decimal comma and decimal point are mixed: ${comma} values use a comma (first in row ${firstComma}), ${point} use a point (first in row ${firstPoint})`,
    expected: 'one decimal separator for the whole file (state it with --decimal , or --decimal .)',
  });
}

async function listVariableIssues(
  tx: Store,
  checked: string,
  file: string,
  columns: SourceColumns,
  variables: readonly VariableMeta[],
  issues: ImportIssue[],
) {
  const unknown = await tx.all<{ variable: string | null; first: number; n: number }>(
    `SELECT variable, min(_row) AS first, count(*) AS n FROM ${checked} WHERE bad_variable GROUP BY variable ORDER BY first LIMIT ${MAX_LISTED_ISSUES}`,
  );
  const known = variables.map((v) => v.key).join(', ');
  for (const u of unknown) {
    listIssue(issues, {
      file,
      row: u.first,
      column: columns.variable,
      value: u.variable ?? '',
      message: `unknown variable "${u.variable ?? ''}"${more(u.n)}`,
      expected: `one of the dataset's variables: ${known.length > 300 ? `${known.slice(0, 300)}...` : known}`,
    });
  }
}

async function listValueIssues(
  tx: Store,
  checked: string,
  file: string,
  columns: SourceColumns,
  decimal: DecimalSeparator,
  issues: ImportIssue[],
) {
  const bad = await tx.all<{ _row: number; value_text: string | null; variable: string }>(
    `SELECT _row, value_text, variable FROM ${checked} WHERE bad_value ORDER BY _row LIMIT ${MAX_LISTED_ISSUES}`,
  );
  const example = decimal === ',' ? '1.234,5' : '1,234.5';
  for (const b of bad) {
    listIssue(issues, {
      file,
      row: b._row,
      column: columns.value === 'value' ? b.variable : columns.value,
      value: b.value_text ?? '',
      message: `"${truncate(b.value_text ?? '')}" is not a number`,
      expected: `a number written with a decimal ${decimal === ',' ? 'comma' : 'point'} (such as ${example}) or a CBS special value (. x - ?)`,
    });
  }
}

/**
 * Flags every row that shares (region, period, variable, categories) with another row, or in
 * append mode with stored data; returns how many rows it flagged. The common case, no
 * duplicates, costs one aggregate.
 */
async function markDuplicates(
  tx: Store,
  checked: string,
  file: string,
  columns: SourceColumns,
  dataset: string,
  mode: 'replace' | 'append',
  issues: ImportIssue[],
): Promise<number> {
  const key = 'region, period, variable, categories';
  // Distinct hashes prove distinct keys; only when hashes repeat is the exact (slower) check run.
  const hashes = await tx.one<{ n: number; d: number }>(
    `SELECT count(*) AS n, count(DISTINCT hash(${key})) AS d FROM ${checked} WHERE region IS NOT NULL AND period IS NOT NULL`,
  );
  const repeated =
    Number(hashes?.n ?? 0) === Number(hashes?.d ?? 0)
      ? 0
      : await count(
          tx,
          `SELECT count(*) AS n FROM (SELECT ${key} FROM ${checked} WHERE region IS NOT NULL AND period IS NOT NULL GROUP BY ALL HAVING count(*) > 1)`,
        );
  if (repeated > 0) {
    await tx.run(
      `UPDATE ${checked} SET bad_duplicate = true FROM (
         SELECT ${key} FROM ${checked}
         WHERE region IS NOT NULL AND period IS NOT NULL
         GROUP BY ALL HAVING count(*) > 1) d
       WHERE ${checked}.region = d.region AND ${checked}.period = d.period
         AND ${checked}.variable = d.variable AND ${checked}.categories = d.categories`,
    );
    const duplicates = await tx.all<{
      region: string;
      period: string;
      variable: string;
      categories: string;
      rows: number[];
    }>(
      `SELECT ${key}, list(_row ORDER BY _row)[1:5] AS rows FROM ${checked}
       WHERE bad_duplicate GROUP BY ALL ORDER BY min(_row) LIMIT ${MAX_LISTED_ISSUES}`,
    );
    for (const d of duplicates) {
      listIssue(issues, {
        file,
        row: Number(d.rows[0]),
        column: columns.region,
        value: `${d.region} ${d.period} ${d.variable}${d.categories ? ` ${d.categories}` : ''}`,
        message: `duplicate observation: rows ${d.rows.join(', ')} give ${d.variable} for ${d.region} in ${d.period}${d.categories ? ` (${d.categories})` : ''}`,
        expected: 'one value per region, period and variable',
      });
    }
  }
  if (mode === 'append') {
    await tx.run(
      `UPDATE ${checked} SET bad_duplicate = true FROM observation o
       WHERE o.dataset = $1 AND o.region = ${checked}.region AND o.period = ${checked}.period
         AND o.variable = ${checked}.variable AND o.categories = ${checked}.categories`,
      [dataset],
    );
    const clash = await tx.all<{ _row: number; region: string; period: string; variable: string }>(
      `SELECT c._row, c.region, c.period, c.variable FROM ${checked} c JOIN observation o
         ON o.dataset = $1 AND o.region = c.region AND o.period = c.period AND o.variable = c.variable AND o.categories = c.categories
       ORDER BY c._row LIMIT ${MAX_LISTED_ISSUES}`,
      [dataset],
    );
    for (const c of clash) {
      listIssue(issues, {
        file,
        row: c._row,
        column: columns.region,
        message: `${c.variable} for ${c.region} in ${c.period} is already stored in dataset ${dataset}`,
        expected: 'new observations only when appending (import without --append to replace the dataset)',
      });
    }
  }
  if (repeated === 0 && mode !== 'append') return 0;
  // Rows also invalid for another reason are counted there already.
  return count(tx, `SELECT count(*) AS n FROM ${checked} WHERE bad_duplicate AND NOT (${INVALID})`);
}

/**
 * Registers (or updates) the dataset, its variables and dimension codes; returns the new version.
 * Appending keeps the variables and codes of earlier imports and updates those it names again.
 */
async function storeDataset(
  tx: Store,
  dataset: DatasetMeta,
  variables: readonly VariableMeta[],
  dimensionCodes: readonly DimensionCode[],
  mode: 'replace' | 'append',
): Promise<number> {
  const previous = await tx.one<{ version: number }>('SELECT version FROM dataset WHERE id = $1', [
    dataset.id,
  ]);
  const version = (previous?.version ?? 0) + 1;
  await tx.run('DELETE FROM dataset WHERE id = $1', [dataset.id]);
  await tx.run(
    `INSERT INTO dataset (id, title, description, publisher, source, licence, modified, confidentiality, version, imported)
     VALUES ($1, $2, $3, $4, $5, $6, $7::TIMESTAMP, $8, $9, current_timestamp)`,
    [
      dataset.id,
      dataset.title,
      dataset.description ?? null,
      dataset.publisher,
      dataset.source,
      dataset.licence,
      dataset.modified ?? null,
      dataset.confidentiality,
      version,
    ],
  );
  if (mode === 'append') {
    for (const v of variables)
      await tx.run('DELETE FROM variable WHERE dataset = $1 AND key = $2', [dataset.id, v.key]);
  } else await tx.run('DELETE FROM variable WHERE dataset = $1', [dataset.id]);
  await tx.append(
    'variable',
    variables.map((v) => [
      dataset.id,
      v.key,
      v.title,
      v.unit ?? null,
      v.decimals ?? null,
      v.aggregation,
      v.denominator ?? null,
      v.description ?? null,
    ]),
  );
  if (mode === 'append') {
    for (const d of dimensionCodes)
      await tx.run('DELETE FROM dimension_code WHERE dataset = $1 AND dimension = $2 AND code = $3', [
        dataset.id,
        d.dimension,
        d.code,
      ]);
  } else await tx.run('DELETE FROM dimension_code WHERE dataset = $1', [dataset.id]);
  await tx.append(
    'dimension_code',
    dimensionCodes.map((d) => [dataset.id, d.dimension, d.code, d.title, d.parent ?? null]),
  );
  return version;
}

function listIssue(issues: ImportIssue[], issue: ImportIssue): void {
  if (issues.length < MAX_LISTED_ISSUES * 4) issues.push(issue);
}

function more(n: number): string {
  return n > 1 ? ` (${n} rows)` : '';
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
