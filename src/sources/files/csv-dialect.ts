import { err, ok, type Result } from '../../core/index.js';

export type Delimiter = ';' | ',' | '\t' | '|';
const CANDIDATES: readonly Delimiter[] = [';', ',', '\t', '|'];

export interface CsvDialect {
  delimiter: Delimiter;
  header: string[];
}

/** Splits one CSV line on `delimiter`, honouring double quotes ("" inside quotes is a quote). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

function describe(d: string): string {
  return d === '\t' ? 'tab' : `"${d}"`;
}

/**
 * Finds the delimiter and header of a CSV from its first lines: the candidate that splits the
 * header into two or more fields and agrees with the most lines. A line that agrees only with
 * another delimiter is reported as mixed delimiters, naming the line.
 */
export function sniffCsv(
  sample: string,
  options: { delimiter?: Delimiter; skipLines?: number } = {},
): Result<CsvDialect> {
  const text = sample.replace(/^\uFEFF/, '');
  const all = text.split(/\r?\n/);
  // The sample may end mid-line; only complete lines are judged.
  const complete = text.endsWith('\n')
    ? all.slice(0, -1)
    : all.slice(0, -1).length > 0
      ? all.slice(0, -1)
      : all;
  const lines = complete.slice(options.skipLines ?? 0, (options.skipLines ?? 0) + 200);
  const first = (options.skipLines ?? 0) + 1;
  if (lines.length === 0 || lines[0]!.trim() === '') return err('the file has no header line');

  const candidates = options.delimiter ? [options.delimiter] : CANDIDATES;
  let best: { delimiter: Delimiter; width: number; agreeing: number } | undefined;
  for (const d of candidates) {
    const width = splitCsvLine(lines[0]!, d).length;
    if (width < 2) continue;
    const agreeing = lines.filter((l) => l === '' || splitCsvLine(l, d).length === width).length;
    if (!best || agreeing > best.agreeing) best = { delimiter: d, width, agreeing };
  }
  if (!best) {
    return err(
      options.delimiter
        ? `the header line has a single column when split on ${describe(options.delimiter)}`
        : 'the header line has a single column: expected columns separated by ";", ",", tab or "|"',
    );
  }
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '' || splitCsvLine(line, best.delimiter).length === best.width) continue;
    const other = CANDIDATES.find((d) => d !== best.delimiter && splitCsvLine(line, d).length === best.width);
    if (other) {
      return err(
        `line ${first + i} uses ${describe(other)} as separator, but the header uses ${describe(best.delimiter)}: mixed delimiters`,
      );
    }
  }
  const header = splitCsvLine(lines[0]!, best.delimiter).map((h) => h.trim());
  const empty = header.findIndex((h) => h === '');
  if (empty >= 0) return err(`column ${empty + 1} of the header has no name`);
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h.toLowerCase())) return err(`the header names column "${h}" twice`);
    seen.add(h.toLowerCase());
  }
  return ok({ delimiter: best.delimiter, header });
}
