import ExcelJS from 'exceljs';
import type { StagedRow } from '../ingest.js';
import { FileImportError } from './errors.js';
import type { Mapping } from './mapping.js';
import { planColumns, variablesForLong, type ColumnPlan } from './plan.js';
import type { VariableMeta } from '../metadata.js';

export interface XlsxRows {
  variables: VariableMeta[];
  rows: AsyncIterable<StagedRow>;
}

type CellValue = string | number | null;

/**
 * Streams the chosen sheet (the first by default) of a workbook: row numbers as Excel shows them,
 * numbers as numbers, formulas by their cached result, dates as ISO dates.
 */
export async function readXlsx(file: string, mapping: Mapping): Promise<XlsxRows> {
  const rows = sheetRows(file, mapping.sheet);
  const iterator = rows[Symbol.asyncIterator]();
  let headerRow: { number: number; cells: CellValue[] } | undefined;
  for (let skipped = 0; ; skipped++) {
    const next = await iterator.next();
    if (next.done)
      throw new FileImportError(
        file,
        mapping.sheet ? `sheet "${mapping.sheet}" has no header row` : 'the first sheet has no header row',
      );
    if (skipped >= (mapping.skipLines ?? 0)) {
      headerRow = next.value;
      break;
    }
  }
  const header = headerRow.cells.map((c) => (c === null ? '' : String(c).trim()));
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  const emptyAt = header.indexOf('');
  if (emptyAt >= 0)
    throw new FileImportError(file, `column ${emptyAt + 1} of the header has no name`, {
      row: headerRow.number,
    });
  const plan = planColumns(file, header, mapping);
  const at = new Map(header.map((h, i) => [h, i]));

  // Long form names its variables in the data: read them all first (workbooks are small).
  if (plan.long) {
    const body: { number: number; cells: CellValue[] }[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) body.push(next.value);
    const texts = [...new Set(body.map((r) => text(r.cells[at.get(plan.long!.variable)!])))];
    const variables = variablesForLong(texts, mapping);
    const keyOf = new Map(variables.map((v) => [v.text, v.variable.key]));
    return {
      variables: variables.map((v) => v.variable),
      rows: (async function* () {
        for (const r of body) {
          yield {
            row: r.number,
            region: region(plan, r.cells[at.get(plan.region)!]),
            period: period(plan, r.cells, at),
            variable: keyOf.get(text(r.cells[at.get(plan.long!.variable)!])) ?? '',
            value: r.cells[at.get(plan.long!.value)!] ?? null,
          };
        }
      })(),
    };
  }

  return {
    variables: (plan.wide ?? []).map((w) => w.variable),
    rows: (async function* () {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const r = next.value;
        if (r.cells.every((c) => c === null)) continue;
        for (const w of plan.wide ?? []) {
          yield {
            row: r.number,
            region: region(plan, r.cells[at.get(plan.region)!]),
            period: period(plan, r.cells, at),
            variable: w.variable.key,
            value: r.cells[at.get(w.column)!] ?? null,
          };
        }
      }
    })(),
  };
}

function text(value: CellValue | undefined): string {
  return value === null || value === undefined ? '' : String(value).trim();
}

function region(plan: ColumnPlan, value: CellValue | undefined): string {
  return plan.regionPrefix + text(value);
}

function period(plan: ColumnPlan, cells: CellValue[], at: Map<string, number>): string {
  return 'column' in plan.period ? text(cells[at.get(plan.period.column)!]) : plan.period.value;
}

async function* sheetRows(
  file: string,
  sheet?: string,
): AsyncGenerator<{ number: number; cells: CellValue[] }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  let found = false;
  try {
    for await (const worksheet of reader) {
      const ws = worksheet as unknown as AsyncIterable<ExcelJS.Row> & { name?: string };
      if (sheet && ws.name !== sheet) continue;
      found = true;
      for await (const row of ws) {
        const values = (row.values as unknown[]).slice(1).map(cellValue);
        yield { number: row.number, cells: values };
      }
      break;
    }
  } catch (error) {
    if (error instanceof FileImportError) throw error;
    throw new FileImportError(file, `not a readable XLSX workbook: ${(error as Error).message}`);
  }
  if (!found)
    throw new FileImportError(
      file,
      sheet ? `the workbook has no sheet "${sheet}"` : 'the workbook has no sheets',
    );
}

function cellValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { result?: unknown; richText?: { text: string }[]; text?: string; error?: string };
    if ('result' in v) return cellValue(v.result);
    if (v.richText) return v.richText.map((t) => t.text).join('');
    if (typeof v.text === 'string') return v.text;
    if (v.error) return v.error;
  }
  return String(value);
}
