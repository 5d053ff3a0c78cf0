import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import iconv from 'iconv-lite';
import type { Store } from '../../store/index.js';
import type { ImportIssue, StageResult } from '../ingest.js';
import { sniffCsv } from './csv-dialect.js';
import { detectEncoding, transcodeToUtf8 } from './encoding.js';
import { FileImportError } from './errors.js';
import type { Mapping } from './mapping.js';
import { planColumns } from './plan.js';
import { stageFromRaw } from './stage-sql.js';

export interface PreparedCsv {
  /** The file the engine reads (a UTF-8 copy for Windows-1252 input). */
  path: string;
  header: string[];
  delimiter: string;
  /** Remove temporary files. */
  cleanup: () => Promise<void>;
}

/** Checks encoding and dialect before the engine reads a byte of data. */
export async function prepareCsv(file: string, head: Buffer, mapping: Mapping): Promise<PreparedCsv> {
  const encoding = await detectEncoding(file, mapping.encoding);
  let path = file;
  let cleanup = async () => {};
  let sample = head.toString('utf8');
  if (encoding === 'windows-1252') {
    path = join(tmpdir(), `udc-${process.pid}-${Date.now()}-utf8.csv`);
    await transcodeToUtf8(file, path);
    cleanup = () => rm(path, { force: true });
    sample = iconv.decode(head, 'win1252');
  }
  if (!sample.includes('\n') && head.length >= 65_536) {
    await cleanup();
    throw new FileImportError(
      file,
      'the first line is longer than 64 KB: this is not a CSV header (wrong delimiter or not a CSV file?)',
      { row: 1 },
    );
  }
  const dialect = sniffCsv(sample, { delimiter: mapping.delimiter, skipLines: mapping.skipLines });
  if (!dialect.ok) {
    await cleanup();
    throw new FileImportError(file, dialect.error);
  }
  return { path, header: dialect.value.header, delimiter: dialect.value.delimiter, cleanup };
}

/**
 * Reads a CSV into the staging table inside the engine: every column as text, rows the reader
 * cannot split (wrong field count, unterminated quotes) collected with their line.
 */
export async function stageCsv(
  tx: Store,
  table: string,
  file: string,
  csv: PreparedCsv,
  mapping: Mapping,
): Promise<StageResult> {
  const plan = planColumns(file, csv.header, mapping);
  const raw = `${table}_raw`;
  const rejects = `${table}_rejects`;
  const columns = `{${csv.header.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ')}}`;
  const firstDataLine = (mapping.skipLines ?? 0) + 2;
  await tx.run(
    `CREATE TEMP TABLE ${raw} AS SELECT * FROM read_csv($1, delim = $2, header = true, skip = $3, auto_detect = false,
       columns = ${columns}, quote = '"', escape = '"', strict_mode = true, null_padding = false,
       store_rejects = true, rejects_table = '${rejects}', rejects_scan = '${rejects}_scan', max_line_size = 4194304)`,
    [csv.path, csv.delimiter, mapping.skipLines ?? 0],
  );
  const bad = await tx.all<{
    line: number;
    column_name: string | null;
    error_type: string;
    error_message: string;
    csv_line: string;
  }>(`SELECT line, column_name, error_type, error_message, csv_line FROM ${rejects} ORDER BY line`);
  const index = new Map(csv.header.map((h, i) => [h, `c${i}`]));
  const columnOf = (h: string) => index.get(h)!;
  const headerOf = new Map(csv.header.map((h, i) => [`c${i}`, h]));
  // Rows are numbered as lines; lines the reader rejected were not staged, so later rows shift.
  const result = await stageFromRaw(tx, table, raw, plan, mapping, columnOf, firstDataLine, {
    asView: bad.length === 0,
  });
  for (const b of bad.slice(0, 1000)) {
    await tx.run(`UPDATE ${table} SET _row = _row + 1 WHERE _row >= $1`, [b.line]);
  }
  // A staging table holds its own copy: the raw table would only take memory from here on.
  if (bad.length > 0) await tx.run(`DROP TABLE ${raw}`);
  await tx.run(`DROP TABLE IF EXISTS ${rejects}`);
  await tx.run(`DROP TABLE IF EXISTS ${rejects}_scan`);
  const issues: ImportIssue[] = bad.slice(0, 50).map((b) => ({
    file,
    row: Number(b.line),
    column: b.column_name ? (headerOf.get(b.column_name) ?? b.column_name) : undefined,
    value: b.csv_line.length > 80 ? `${b.csv_line.slice(0, 77)}...` : b.csv_line,
    message: readerMessage(b.error_type, b.error_message, csv.header.length),
    expected: `${csv.header.length} fields separated by ${csv.delimiter === '\t' ? 'tab' : `"${csv.delimiter}"`}`,
  }));
  return { ...result, issues, unreadableRows: bad.length };
}

function readerMessage(type: string, message: string, width: number): string {
  if (type === 'MISSING COLUMNS')
    return `too few fields (${message.replace(/^Expected Number of Columns: \d+ Found: /, '')} of ${width}): is the line truncated?`;
  if (type === 'TOO MANY COLUMNS')
    return `too many fields (${message.replace(/^Expected Number of Columns: \d+ Found: /, '')} of ${width}): a value with an unquoted separator?`;
  if (type === 'UNQUOTED VALUE') return 'a quote is opened but never closed';
  if (type === 'INVALID ENCODING') return 'invalid UTF-8 bytes';
  if (type === 'LINE SIZE OVER MAXIMUM') return 'the line is longer than 4 MB';
  return message;
}
