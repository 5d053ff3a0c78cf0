// Reads a microdata file line by line and writes a pseudonymised copy for the engine to load: the
// BSN is checked with the 11-test and replaced by its keyed hash before the line goes anywhere,
// direct identifiers are dropped, hashed or coarsened, and every problem is named by file, line
// and column. The BSN itself is never written (not to the copy, not to a message).
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { splitCsvLine } from '../sources/files/csv-dialect.js';
import { isValidBsn, maskBsn, normaliseBsn } from './bsn.js';
import type { ColumnAction, ImportConfig } from './config.js';
import { looksLikeIdentifier } from './config.js';
import { LinkageError } from './errors.js';
import type { Pseudonymiser } from './keys.js';

/** An output column of the pseudonymised copy and the engine type it loads as. */
export interface OutputColumn {
  name: string;
  type: 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
  /** Where it came from: the source column and the action taken. */
  origin: string;
}

/** What pseudonymising a file produced. */
export interface PseudonymisedFile {
  /** Columns of the copy after `line` (and `pseudonym` when the file has a BSN). */
  columns: OutputColumn[];
  hasBsn: boolean;
  rows: number;
  dropped: string[];
}

const MAX_PROBLEMS = 20;
const DELIMITERS = [',', ';', '\t', '|'] as const;

/** A column name as it may be stored: lower case, letters, digits and underscores. */
export function storedName(column: string): string {
  const name = column
    .trim()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(name) ? name.slice(0, 60) : `c_${name}`.slice(0, 60);
}

/** Normalises a value before it is hashed for probabilistic linkage, so spelling differences do not matter. */
export function normaliseForHash(value: string): string {
  const compact = value.trim().toUpperCase().replace(/\s+/g, '');
  const date = parseDate(compact);
  return date ?? compact;
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DUTCH_DATE = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/** A date written YYYY-MM-DD, DD-MM-YYYY (also / or .) or YYYYMMDD, as YYYY-MM-DD; undefined if none. */
export function parseDate(text: string): string | undefined {
  // Fast path for the common YYYY-MM-DD (millions of rows): digits and calendar checked by hand.
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 7);
    const day = digits(text, 8, 10);
    if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return text;
    if (year >= 0 && month >= 0 && day >= 0) return undefined;
  }
  let m = ISO_DATE.exec(text) ?? COMPACT_DATE.exec(text);
  let year: number, month: number, day: number;
  if (m) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = DUTCH_DATE.exec(text))) [year, month, day] = [Number(m[3]), Number(m[2]), Number(m[1])];
  else return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whole years between an ISO birth date and an ISO reference date. */
export function ageOn(birth: string, reference: string): number {
  const by = Number(birth.slice(0, 4));
  const ry = Number(reference.slice(0, 4));
  return ry - by - (reference.slice(5) < birth.slice(5) ? 1 : 0);
}

function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Picks the delimiter that splits the header into the most fields. */
function detectDelimiter(header: string): string {
  let best: string = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = header.split(d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  return best;
}

type Step = (value: string, line: number) => string;

/**
 * Pseudonymises `file` into `target` (CSV, comma-separated, header `line,pseudonym?,...`).
 * Throws a LinkageError naming file, line and column for the first problems and leaves `target`
 * for the caller to delete.
 */
export async function pseudonymiseFile(
  file: string,
  target: string,
  config: ImportConfig,
  pseudonymiser: Pseudonymiser,
  onProgress?: (bytes: number) => void,
): Promise<PseudonymisedFile> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  const output = createWriteStream(target, { highWaterMark: 1 << 20 });
  const decoder = new StringDecoder('utf8');
  const problems: string[] = [];
  const reference = config.referenceDate ?? `${new Date().getUTCFullYear()}-01-01`;
  let header: string[] | undefined;
  let delimiter: string = config.delimiter ?? ',';
  let bsnIndex = -1;
  const steps: Step[][] = [];
  const columns: OutputColumn[] = [];
  const dropped: string[] = [];
  let lineNumber = 0;
  let rows = 0;
  let buffer: string[] = [];
  let pending = '';
  let bytes = 0;

  const problem = (text: string) => {
    problems.push(text);
    if (problems.length >= MAX_PROBLEMS) throw new StopReading();
  };

  const setUp = (line: string) => {
    const text = line.replace(/^\uFEFF/, '');
    if (!config.delimiter) delimiter = detectDelimiter(text);
    header = splitCsvLine(text, delimiter).map((h) => h.trim());
    for (const [column] of Object.entries(config.columns)) {
      if (!header.includes(column))
        problems.push(
          `${file}: column "${column}" (configured as ${config.columns[column]}) is not in the header; the file has ${header.join(', ')}`,
        );
    }
    header.forEach((column, i) => {
      const configured = config.columns[column];
      steps.push([]);
      if (configured === undefined && looksLikeIdentifier(column)) {
        problems.push(
          `${file}: column "${column}" looks like a direct identifier; configure it as bsn, drop, hash:<field> or coarsen it (year, age, pc4)`,
        );
        return;
      }
      const actions: ColumnAction[] =
        configured === undefined ? ['text'] : Array.isArray(configured) ? configured : [configured];
      for (const act of actions) plan(column, i, act);
    });
    if (columns.length === 0 && bsnIndex < 0) problems.push(`${file}: no column is kept`);
    if (problems.length > 0) throw new StopReading();
    const head = ['line', ...(bsnIndex >= 0 ? ['pseudonym'] : []), ...columns.map((c) => c.name)];
    buffer.push(head.join(','));
  };

  const plan = (column: string, i: number, act: ColumnAction) => {
    const names = new Set(columns.map((c) => c.name));
    {
      const add = (name: string, type: OutputColumn['type'], step: Step) => {
        if (names.has(name) || name === 'line' || name === 'pseudonym')
          problems.push(
            `${file}: column "${column}" would be stored as "${name}", which another column uses already`,
          );
        names.add(name);
        columns.push({ name, type, origin: `${column} (${act})` });
        steps[i]!.push(step);
      };
      const where = (line: number) => `${file}, line ${line}, column "${column}"`;
      if (act === 'drop') {
        dropped.push(column);
      } else if (act === 'bsn') {
        if (bsnIndex >= 0 && bsnIndex !== i) problems.push(`${file}: two columns are marked bsn`);
        bsnIndex = i;
      } else if (act === 'text') add(storedName(column), 'VARCHAR', (v) => quote(v));
      else if (act === 'integer')
        add(storedName(column), 'INTEGER', (v, line) => {
          const t = v.trim();
          if (t === '') return '';
          if (!/^-?\d{1,9}$/.test(t)) problem(`${where(line)}: "${t.slice(0, 20)}" is not a whole number`);
          return t;
        });
      else if (act === 'number')
        add(storedName(column), 'DOUBLE', (v, line) => {
          const t = v.trim().replace(',', '.');
          if (t === '') return '';
          if (!/^-?\d+(\.\d+)?$/.test(t))
            problem(`${where(line)}: "${v.trim().slice(0, 20)}" is not a number`);
          return t;
        });
      else if (act === 'year' || act === 'age')
        add(storedName(act === 'year' ? `${column}_year` : 'age'), 'INTEGER', (v, line) => {
          if (v.trim() === '') return '';
          const date = parseDate(v.trim());
          if (!date) {
            problem(`${where(line)}: not a date (expected YYYY-MM-DD or DD-MM-YYYY)`);
            return '';
          }
          return act === 'year' ? date.slice(0, 4) : String(ageOn(date, reference));
        });
      else if (act === 'pc4')
        add(storedName(`${column}_pc4`), 'VARCHAR', (v, line) => {
          const t = v.trim();
          if (t === '') return '';
          const m = /^(\d{4})\s*([A-Za-z]{2})?$/.exec(t);
          if (!m) problem(`${where(line)}: not a Dutch postcode (expected 1234 AB)`);
          return m ? m[1]! : '';
        });
      else {
        const field = act.slice(5);
        add(`h_${field}`, 'BIGINT', (v) => {
          const t = normaliseForHash(v);
          return t === '' ? '' : pseudonymiser.text(`${field}:${t}`).toString();
        });
      }
    }
  };

  const width = () => header!.length;
  const handle = (raw: string) => {
    lineNumber++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!header) return setUp(line);
    if (line === '') return;
    if (line.includes('\uFFFD')) return problem(`${file}, line ${lineNumber}: not valid UTF-8`);
    const fields = line.includes('"') ? splitCsvLine(line, delimiter) : line.split(delimiter);
    if (fields.length !== width())
      return problem(`${file}, line ${lineNumber}: expected ${width()} fields, found ${fields.length}`);
    let out = String(lineNumber);
    if (bsnIndex >= 0) {
      const bsn = normaliseBsn(fields[bsnIndex]!);
      if (!isValidBsn(bsn)) {
        return problem(
          `${file}, line ${lineNumber}, column "${header[bsnIndex]}": ${bsn === '' ? 'empty' : maskBsn(bsn)} is not a valid BSN (nine digits passing the 11-test)`,
        );
      }
      out += `,${pseudonymiser.text(bsn)}`;
    }
    for (let i = 0; i < fields.length; i++) {
      for (const step of steps[i]!) out += `,${step(fields[i]!, lineNumber)}`;
    }
    buffer.push(out);
    rows++;
  };

  try {
    for await (const chunk of input) {
      bytes += (chunk as Buffer).length;
      const text = pending + decoder.write(chunk as Buffer);
      const lines = text.split('\n');
      pending = lines.pop()!;
      for (const line of lines) handle(line);
      if (buffer.length > 0) {
        if (!output.write(buffer.join('\n') + '\n')) await once(output, 'drain');
        buffer = [];
      }
      onProgress?.(bytes);
    }
    const rest = pending + decoder.end();
    if (rest !== '') handle(rest);
    if (!header) problems.push(`${file}: the file is empty (expected a header line)`);
  } catch (error) {
    if (!(error instanceof StopReading)) {
      await close(output);
      throw error;
    }
  } finally {
    input.destroy();
  }
  if (problems.length > 0) {
    await close(output);
    throw new LinkageError(
      problems.length >= MAX_PROBLEMS
        ? `${problems.slice(0, 5).join('\n')}\n(stopped after ${MAX_PROBLEMS} problems)`
        : problems.slice(0, 5).join('\n') + (problems.length > 5 ? `\n(${problems.length - 5} more)` : ''),
      problems,
    );
  }
  if (buffer.length > 0) output.write(buffer.join('\n') + '\n');
  output.end();
  await once(output, 'finish');
  if (rows === 0) throw new LinkageError(`${file}: the file has a header but no rows`);
  return { columns, hasBsn: bsnIndex >= 0, rows, dropped };
}

class StopReading extends Error {}

/** Ends a write stream and waits until its file is closed (the caller deletes the file). */
async function close(output: NodeJS.WritableStream & { closed?: boolean }): Promise<void> {
  if (output.closed) return;
  const closed = once(output, 'close').catch(() => undefined);
  output.end();
  await closed;
}
