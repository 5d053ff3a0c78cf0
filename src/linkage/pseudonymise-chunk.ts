// Pseudonymises one chunk of a microdata file (whole lines, as bytes) into the engine's copy. This
// is the hot loop of an import: millions of lines, run on the main thread for small files and in
// worker threads for large ones (pseudonymise-worker.ts). Lines are split on the bytes, the BSN is
// checked with the 11-test and hashed straight from the bytes, and kept columns are copied without
// making strings. Whatever the byte path does not recognise as plainly valid (quotes, non-ASCII,
// other date formats, errors) goes through the string functions below, so both paths agree on
// every value and every message. The BSN is never written: not to the copy, not to a message.
import { isUtf8 } from 'node:buffer';
import { splitCsvLine } from '../sources/files/csv-dialect.js';
import { isValidBsn, maskBsn, normaliseBsn } from './bsn.js';
import { CategoryCounter } from './categories.js';
import type { ColumnAction } from './config.js';
import type { Pseudonymiser } from './keys.js';
import { ageOn, daysInMonth, normaliseForHash, parseDate } from './pseudonymise-values.js';

/** What to do with one input column to produce one output column. */
export interface ColumnStep {
  action: Exclude<ColumnAction, 'bsn' | 'drop'>;
  column: string;
}

/** Everything a thread needs to pseudonymise lines of a file (plain data: it is sent to workers). */
export interface ChunkPlan {
  /** The file as named in messages. */
  file: string;
  delimiter: string;
  header: string[];
  /** Index of the BSN column, or -1. */
  bsnIndex: number;
  /** Output steps per input column, in order. */
  steps: ColumnStep[][];
  /** The day ages are computed on, YYYY-MM-DD. */
  reference: string;
}

export interface ChunkResult {
  /** The pseudonymised lines: `line, p_hi, p_lo, columns...` separated by the file's delimiter. */
  output: Buffer;
  rows: number;
  /**
   * Per categorical output column (text, PC4; in output order), its distinct non-empty values in
   * this chunk, or null when it has more than MAX_CATEGORIES or was not tracked (categories.ts).
   */
  categories: (string[] | null)[];
  /** Problems in line order, at most MAX_PROBLEMS (then the chunk stopped). */
  problems: string[];
}

/** An import stops after this many problems. */
export const MAX_PROBLEMS = 20;

type Step = (value: string, line: number) => string;

/** A value as a field of the copy: quoted when it holds the delimiter, a quote or a line break. */
export function quoteField(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The string form of every step (the reference semantics; the byte path defers to it). */
function stringSteps(
  plan: ChunkPlan,
  pseudonymiser: Pseudonymiser,
  problem: (text: string) => void,
): Step[][] {
  const reference = plan.reference;
  return plan.steps.map((steps) =>
    steps.map(({ action: act, column }): Step => {
      const where = (line: number) => `${plan.file}, line ${line}, column "${column}"`;
      if (act === 'text') return (v) => quoteField(v, plan.delimiter);
      if (act === 'integer')
        return (v, line) => {
          const t = v.trim();
          if (t === '') return '';
          if (!/^-?\d{1,9}$/.test(t)) problem(`${where(line)}: "${t.slice(0, 20)}" is not a whole number`);
          return quoteField(t, plan.delimiter);
        };
      if (act === 'number')
        return (v, line) => {
          const t = v.trim().replace(',', '.');
          if (t === '') return '';
          if (!/^-?\d+(\.\d+)?$/.test(t))
            problem(`${where(line)}: "${v.trim().slice(0, 20)}" is not a number`);
          return quoteField(t, plan.delimiter);
        };
      if (act === 'year' || act === 'age')
        return (v, line) => {
          if (v.trim() === '') return '';
          const date = parseDate(v.trim());
          if (!date) {
            problem(`${where(line)}: not a date (expected YYYY-MM-DD or DD-MM-YYYY)`);
            return '';
          }
          return act === 'year' ? date.slice(0, 4) : String(ageOn(date, reference));
        };
      if (act === 'pc4')
        return (v, line) => {
          const t = v.trim();
          if (t === '') return '';
          const m = /^(\d{4})\s*([A-Za-z]{2})?$/.exec(t);
          if (!m) problem(`${where(line)}: not a Dutch postcode (expected 1234 AB)`);
          return m ? m[1]! : '';
        };
      const field = act.slice(5);
      return (v) => {
        const t = normaliseForHash(v);
        return t === '' ? '' : pseudonymiser.text(`${field}:${t}`).toString();
      };
    }),
  );
}

/** "00" to "99" as bytes. */
const PAIRS = Buffer.from(
  Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''),
  'latin1',
);

/** A growing output buffer written byte by byte. */
class Output {
  buffer: Buffer;
  length = 0;
  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(size, 1024));
  }
  reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
  byte(b: number): void {
    this.buffer[this.length++] = b;
  }
  /** Copies bytes (fields are short: a loop beats making a view for `set`). */
  copy(from: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = start; i < end; i++) buffer[at++] = from[i]!;
    this.length = at;
  }
  /** A whole number in decimal (|n| < 2^53), two digits at a time. */
  int(n: number): void {
    this.reserve(24);
    const buffer = this.buffer;
    if (n < 0) {
      buffer[this.length++] = 45;
      n = -n;
    }
    let digits = 1;
    for (let p = 10; p <= n && digits < 16; p *= 10) digits++;
    let at = this.length + digits;
    this.length = at;
    while (n >= 100) {
      const q = Math.floor(n / 100);
      const r = (n - q * 100) * 2;
      buffer[--at] = PAIRS[r + 1]!;
      buffer[--at] = PAIRS[r]!;
      n = q;
    }
    // The last one or two digits go to the number's start (at is then spent).
    if (n >= 10) {
      buffer[at - 1] = PAIRS[n * 2 + 1]!;
      buffer[at - 2] = PAIRS[n * 2]!;
    } else buffer[at - 1] = 48 + n;
  }
  text(value: string): void {
    this.reserve(value.length * 3);
    this.length += this.buffer.write(value, this.length, 'utf8');
  }
}

const isDigit = (b: number) => b >= 48 && b <= 57;
const isSpace = (b: number) => b === 32 || b === 9 || b === 11 || b === 12;
const isLetter = (b: number) => (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
/** The 11-test weights (see bsn.ts). */
const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1];

/** Whether an output column's values are counted, to be stored as a category when they are few. */
export const isCategorical = (action: ColumnStep['action']): boolean => action === 'text' || action === 'pc4';

/** How many output columns are counted as categories. */
export function categoricalColumns(plan: ChunkPlan): number {
  return plan.steps.flat().filter((s) => isCategorical(s.action)).length;
}

/**
 * Pseudonymises the whole lines in `data` (the first is line `firstLine` of the file; the last may
 * lack its line break). Stops after MAX_PROBLEMS problems. `track` says per categorical output
 * column whether to count its values (default: all).
 *
 * Lines go in batches: each line is split and its BSN checked and put in the batch hasher's
 * message area; the batch's BSNs are hashed together (four at a time, hmac-batch.ts); then the
 * batch's lines are written. Problems carry their line and are put in line order at the end, and
 * the chunk stops after the batch in which the MAX_PROBLEMSth problem was found, so the problems
 * reported are the first ones of the file, as reading line by line would find them.
 */
export function pseudonymiseChunk(
  plan: ChunkPlan,
  pseudonymiser: Pseudonymiser,
  data: Buffer,
  firstLine: number,
  track?: readonly boolean[],
): ChunkResult {
  const problems: { line: number; text: string }[] = [];
  let line = firstLine - 1;
  const problem = (text: string) => void problems.push({ line, text });
  const steps = stringSteps(plan, pseudonymiser, problem);
  const { file, delimiter, bsnIndex, header } = plan;
  // Per input column and step: the index of its categorical output column, or -1.
  let counted = 0;
  const slots = plan.steps.map((column) => column.map((s) => (isCategorical(s.action) ? counted++ : -1)));
  const counter = new CategoryCounter(track ?? Array.from({ length: counted }, () => true));
  const D = delimiter.charCodeAt(0);
  const width = header.length;
  const outputs = plan.steps.reduce((n, s) => n + s.length, 0);
  const [ry, rmd] = [
    Number(plan.reference.slice(0, 4)),
    Number(plan.reference.slice(5, 7)) * 100 + Number(plan.reference.slice(8, 10)),
  ];
  const out = new Output(data.length);
  const valid = isUtf8(data);
  let rows = 0;
  let pos = 0;

  // The batch: per line its number, its fields' [start, end) (byte path) or its fields as text.
  const batch = pseudonymiser.batch;
  const capacity = batch.capacity;
  const messages = batch.messages;
  const batchLine = new Int32Array(capacity);
  const bounds = new Int32Array(capacity * width * 2);
  const textFields: (string[] | undefined)[] = new Array<string[] | undefined>(capacity);
  let pending = 0;

  // The field last trimmed of ASCII white space: [ta, tz).
  let ta = 0;
  let tz = 0;
  const trim = (s: number, e: number): void => {
    while (s < e && isSpace(data[s]!)) s++;
    while (e > s && isSpace(data[e - 1]!)) e--;
    ta = s;
    tz = e;
  };

  /**
   * Checks the BSN field and puts its nine digits in the batch's message `j`; false after
   * reporting an invalid BSN.
   */
  const queueBsn = (j: number, s: number, e: number, values?: string[]): boolean => {
    const at = j * 16;
    if (!values) {
      trim(s, e);
      const a = ta;
      const n = tz - a;
      if (n === 9 || n === 8) {
        // The 11-test on the digits; an 8-digit BSN lost its leading zero (see normaliseBsn).
        const from = n === 9 ? a : a - 1;
        let sum = 0;
        let digits = true;
        let zero = true;
        for (let i = n === 9 ? 0 : 1; i < 9; i++) {
          const b = data[from + i]!;
          if (b < 48 || b > 57) {
            digits = false;
            break;
          }
          if (b !== 48) zero = false;
          sum += (b - 48) * WEIGHTS[i]!;
        }
        if (digits && sum % 11 === 0 && !zero) {
          messages[at] = 48;
          for (let i = n === 9 ? 0 : 1; i < 9; i++) messages[at + i] = data[from + i]!;
          return true;
        }
      }
    }
    // Anything else is decided by the string functions (and is almost always an error).
    const bsn = normaliseBsn(values ? values[bsnIndex]! : data.toString('utf8', s, e));
    if (!isValidBsn(bsn)) {
      problem(
        `${file}, line ${line}, column "${header[bsnIndex]}": ${bsn === '' ? 'empty' : maskBsn(bsn)} is not a valid BSN (nine digits passing the 11-test)`,
      );
      return false;
    }
    for (let i = 0; i < 9; i++) messages[at + i] = bsn.charCodeAt(i);
    return true;
  };

  /** Writes one output value (not text: copied as it is) from bytes; false when the string step must decide. */
  const fast = (action: ColumnStep['action'], s: number, e: number): boolean => {
    trim(s, e);
    const a = ta;
    const z = tz;
    // Every step but text writes nothing for an empty value.
    if (a === z) return true;
    if (action === 'integer') {
      const digitsFrom = data[a] === 45 ? a + 1 : a;
      const n = z - digitsFrom;
      if (n < 1 || n > 9) return false;
      for (let i = digitsFrom; i < z; i++) if (!isDigit(data[i]!)) return false;
      out.copy(data, a, z);
      return true;
    }
    if (action === 'age' || action === 'year') {
      if (z - a !== 10 || data[a + 4] !== 45 || data[a + 7] !== 45) return false;
      let year = 0;
      let month = 0;
      let day = 0;
      for (let i = 0; i < 10; i++) {
        if (i === 4 || i === 7) continue;
        const b = data[a + i]!;
        if (!isDigit(b)) return false;
        if (i < 4) year = year * 10 + b - 48;
        else if (i < 7) month = month * 10 + b - 48;
        else day = day * 10 + b - 48;
      }
      if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
      if (action === 'year') out.copy(data, a, a + 4);
      else out.int(ry - year - (rmd < month * 100 + day ? 1 : 0));
      return true;
    }
    if (action === 'pc4') {
      if (z - a < 4) return false;
      for (let i = a; i < a + 4; i++) if (!isDigit(data[i]!)) return false;
      let p = a + 4;
      while (p < z && isSpace(data[p]!)) p++;
      if (p !== z && !(z - p === 2 && isLetter(data[p]!) && isLetter(data[p + 1]!))) return false;
      out.copy(data, a, a + 4);
      return true;
    }
    return false;
  };

  /** Hashes the batch's BSNs and writes its lines. */
  const flush = () => {
    if (pending === 0) return;
    if (bsnIndex >= 0) batch.hash(pending);
    const { hi, lo } = batch;
    for (let j = 0; j < pending; j++) {
      line = batchLine[j]!;
      const fields = textFields[j];
      out.reserve(64 + outputs * 24);
      out.int(line);
      if (bsnIndex >= 0) {
        out.byte(D);
        out.int(hi[j]!);
        out.byte(D);
        out.int(lo[j]! >>> 0);
      }
      if (fields) {
        textFields[j] = undefined;
        for (let i = 0; i < width; i++)
          steps[i]!.forEach((step, k) => {
            out.byte(D);
            const value = step(fields[i]!, line);
            out.text(value);
            // A text value is counted unquoted; a postcode's PC4 never needs quotes.
            const slot = slots[i]![k]!;
            if (slot >= 0) counter.addText(slot, plan.steps[i]![k]!.action === 'text' ? fields[i]! : value);
          });
      } else {
        const base = j * width * 2;
        for (let i = 0; i < width; i++) {
          const columnSteps = plan.steps[i]!;
          const s = bounds[base + 2 * i]!;
          const e = bounds[base + 2 * i + 1]!;
          for (let k = 0; k < columnSteps.length; k++) {
            out.byte(D);
            const action = columnSteps[k]!.action;
            const slot = slots[i]![k]!;
            const at = out.length;
            if (action === 'text') out.copy(data, s, e);
            else if (!fast(action, s, e)) out.text(steps[i]![k]!(data.toString('utf8', s, e), line));
            // What was written is the value (no quotes on this path).
            if (slot >= 0) counter.add(slot, out.buffer, at, out.length);
          }
        }
      }
      out.byte(10);
      rows++;
    }
    pending = 0;
  };

  while (pos < data.length && problems.length < MAX_PROBLEMS) {
    let nl = data.indexOf(10, pos);
    if (nl < 0) nl = data.length;
    line++;
    const s = pos;
    const e = nl > s && data[nl - 1] === 13 ? nl - 1 : nl;
    pos = nl + 1;
    if (e === s) continue;
    if (!valid && !isUtf8(data.subarray(s, e))) {
      problem(`${file}, line ${line}: not valid UTF-8`);
      continue;
    }
    // Split on the delimiter; a quote or a stray carriage return sends the line to the text path.
    const base = pending * width * 2;
    let n = 0;
    let from = s;
    let plain = true;
    for (let i = s; i < e; i++) {
      const b = data[i]!;
      if (b === D) {
        if (n < width) {
          bounds[base + 2 * n] = from;
          bounds[base + 2 * n + 1] = i;
        }
        n++;
        from = i + 1;
      } else if (b === 34 || b === 13) {
        plain = false;
        break;
      }
    }
    if (plain) {
      if (n < width) {
        bounds[base + 2 * n] = from;
        bounds[base + 2 * n + 1] = e;
      }
      if (n + 1 !== width) {
        problem(`${file}, line ${line}: expected ${width} fields, found ${n + 1}`);
        continue;
      }
      if (bsnIndex >= 0 && !queueBsn(pending, bounds[base + 2 * bsnIndex]!, bounds[base + 2 * bsnIndex + 1]!))
        continue;
    } else {
      // A line the byte path does not take (quotes, a carriage return inside): split as text.
      const fields = splitCsvLine(data.toString('utf8', s, e), delimiter);
      if (fields.length !== width) {
        problem(`${file}, line ${line}: expected ${width} fields, found ${fields.length}`);
        continue;
      }
      if (bsnIndex >= 0 && !queueBsn(pending, 0, 0, fields)) continue;
      textFields[pending] = fields;
    }
    batchLine[pending++] = line;
    if (pending === capacity) flush();
  }
  flush();
  problems.sort((a, b) => a.line - b.line);
  return {
    output: out.buffer.subarray(0, out.length),
    rows,
    problems: problems.slice(0, MAX_PROBLEMS).map((p) => p.text),
    categories: counter.values(),
  };
}
