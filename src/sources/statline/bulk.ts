/**
 * Reads a download's pages into ingest's staging table inside the engine: one read_json over
 * every cached page, with what normalise.ts's `stage` does per row written as SQL (trimmed
 * region and period codes, category keys, measure codes to variable keys, text measures left
 * out, CBS symbols for missing values, the period's status). Pushing a million rows through JS
 * objects costs several times what the engine needs; the pages are on disk anyway (the cache),
 * so the engine reads them where they lie. Row numbers are those the JS path gives, so every
 * message names the same row either way.
 */
import { parseCategoryKey } from '../../core/index.js';
import { isIdentifier, type SqlValue, type Store } from '../../store/index.js';
import { createStagingSql } from '../ingest.js';
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
 * Creates and fills staging table `staging` from the downloaded pages. Throws StatlineFormatError
 * when a page does not have the shape the metadata promised (the store is not touched yet).
 */
export async function stagePages(
  tx: Store,
  staging: string,
  table: TableMetadata,
  layout: StageLayout,
  download: Pick<DownloadedObservations, 'files' | 'rowsPerPage' | 'url'>,
  query: ObservationQuery,
): Promise<void> {
  await tx.run(createStagingSql(staging));
  if (download.files.length === 0) return;
  const statuses = `${staging}_pstatus`;
  await tx.run(`CREATE TEMP TABLE ${statuses} (code VARCHAR, status VARCHAR)`);
  try {
    await tx.append(statuses, layout.periodStatus);
    const params: SqlValue[] = [];
    const param = (value: SqlValue) => {
      params.push(value);
      return `$${params.length}`;
    };
    const files = `[${download.files.map(param).join(', ')}]`;
    // Rows before each page, so a row's number is its place in the whole download.
    const before: number[] = [];
    download.rowsPerPage.reduce((sum, n) => (before.push(sum), sum + n), 0);
    const rows =
      table.api === 'v4'
        ? v4Rows(table, layout, param, files, before)
        : v3Rows(table, layout, query, param, files, before);
    const o = (key: string) => `r.o."${key}"`;
    const region = layout.region ? `coalesce(trim(${o(layout.region)}), '')` : `'${NATIONAL}'`;
    const period = layout.period
      ? `coalesce(trim(${o(layout.period)}), '')`
      : param(layout.fixedPeriod ?? '');
    const categories =
      layout.categories.length === 0
        ? `''`
        : layout.categories
            .map((d, i) => `${param(`${i > 0 ? ';' : ''}${d}=`)} || coalesce(trim(${o(d)}), '')`)
            .join(' || ');
    await tx.run(
      `INSERT INTO ${staging}
       SELECT s._row, s.region, s.period, s.variable, s.categories, s.value_text, s.value_number, p.status
       FROM (SELECT r._row, ${region} AS region, ${period} AS period, r.variable, ${categories} AS categories,
                    r.value_text, r.value_number
             FROM (${rows}) r) s
       LEFT JOIN ${statuses} p ON p.code = s.period`,
      params,
    );
  } catch (error) {
    if (error instanceof StatlineFormatError) throw error;
    throw new StatlineFormatError(
      `${download.url}: the downloaded pages (${download.files[0]} ...) could not be read as ${table.api} observations of table ${table.id}: ${(error as Error).message}; expected the columns its metadata lists`,
    );
  } finally {
    await tx.run(`DROP TABLE IF EXISTS ${statuses}`);
  }
  await checkCategories(tx, staging, table, layout);
}

type Param = (value: SqlValue) => string;

function readPages(type: string, files: string, before: number[], param: Param): string {
  const offsets = `[${before.map((n) => String(Math.trunc(n))).join(', ')}]`;
  // One page is one JSON object: its rows are the list in "value". Other keys (next link) are ignored.
  return `SELECT ${offsets}[list_position(${files}, filename)] AS before, unnest(value) AS o,
            generate_subscripts(value, 1) AS i
          FROM read_json(${files}, columns = {value: ${param(`${type}[]`)}}, format = 'unstructured',
                         maximum_object_size = 1073741824, filename = true)`;
}

// v4 Observations are long: one row per measure, the value a number (or null with a reason).
function v4Rows(table: TableMetadata, layout: StageLayout, param: Param, files: string, before: number[]) {
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
  // Unknown measures pass under their own code (ingest names them); text measures are left out.
  return `SELECT r.o, (r.before + r.i)::BIGINT AS _row, coalesce(m.key, r.o."Measure") AS variable,
            CASE WHEN r.o."Value" IS NULL THEN ${symbol} END AS value_text, r.o."Value" AS value_number
          FROM (${readPages(type, files, before, param)}) r
          LEFT JOIN (${measures.length > 0 ? `VALUES ${measures.join(', ')}` : 'SELECT NULL, NULL'}) m(code, key)
            ON m.code = r.o."Measure"
          WHERE m.code IS NULL OR m.key IS NOT NULL`;
}

// v3 rows are wide: one column per topic, unpivoted here into one row per topic. The typed
// feed gives numbers (null for any symbol), the untyped feed padded text with CBS's symbols.
function v3Rows(
  table: TableMetadata,
  layout: StageLayout,
  query: ObservationQuery,
  param: Param,
  files: string,
  before: number[],
) {
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
  return `SELECT o, ((before + i - 1) * ${present.length} + k + 1)::BIGINT AS _row, variable, ${value}
          FROM (SELECT r.o, r.before, r.i, unnest([${values}]) AS v, unnest([${keys}]) AS variable,
                       unnest([${index}]) AS k
                FROM (${readPages(type, files, before, param)}) r)`;
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
    const parsed = parseCategoryKey(categories);
    if (!parsed.ok || Object.keys(parsed.value).length !== layout.categories.length) {
      throw new StatlineFormatError(
        `table ${table.id}, row ${first}: "${categories}" is not a valid combination of category codes; expected one code without = or ; for each of ${layout.categories.join(', ')}`,
      );
    }
  }
}
