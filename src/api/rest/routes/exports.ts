import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { visibleCondition, type AccessContext } from '../../../access/roles.js';
import type { Store } from '../../../store/index.js';
import { accessOf } from '../../auth/context.js';
import { ProblemError } from '../problem.js';
import { route, type AnyRoute } from '../route.js';
import { countQuery, valuesQuery, type ValueSelection } from '../values-query.js';
import { selectionFilters } from './values.js';

/** An exported row: the JSON value plus what makes a file self-describing. */
interface ExportRow extends Record<string, unknown> {
  indicator: string;
  indicatorTitle: string;
  region: string;
  regionName: string | null;
  level: string | null;
  period: string;
  year: number;
  boundaryYear: number;
  value: number | null;
  unit: string;
  status: string;
  derivation: string;
  conversion: string | null;
  disclosure: string | null;
  source: string;
  geometry?: string | null;
}

/** The most rows an XLSX export holds (CSV and Parquet hold up to maxExportRows). */
export const MAX_XLSX_ROWS = 25_000;

const COLUMNS = [
  'indicator',
  'indicatorTitle',
  'region',
  'regionName',
  'level',
  'period',
  'year',
  'boundaryYear',
  'value',
  'unit',
  'status',
  'derivation',
  'conversion',
  'disclosure',
  'source',
] as const;

/** The exports of any values selection: CSV (comma, or Dutch semicolon with decimal comma), XLSX, Parquet, GeoJSON. */
export function exportRoutes(
  store: Store,
  options: { maxExportRows: number; maxConcurrentExports: number },
): AnyRoute[] {
  // Building a file is the one heavy thing a client can ask for; a few at a time keep the server
  // answering everyone else (more are told to come back: 429, not a queue that grows without bound).
  let running = 0;
  const exclusive = async (work: () => Promise<Response>): Promise<Response> => {
    if (running >= options.maxConcurrentExports)
      throw new ProblemError(
        429,
        'Too many exports at once',
        `The server builds at most ${options.maxConcurrentExports} exports at a time; try again in a moment.`,
        [],
        { 'retry-after': '2' },
      );
    running++;
    try {
      return await work();
    } finally {
      running--;
    }
  };
  /** The whole selection (no paging), refused with a clear problem when larger than the export limit. */
  const selectionRows = async (
    selection: ValueSelection,
    access: AccessContext,
    geometry = false,
    limit = options.maxExportRows,
  ): Promise<ExportRow[]> => {
    await checkSize(selection, access, limit);
    const { sql, params } = valuesQuery(selection, access, { forExport: true, geometry });
    return store.all<ExportRow>(sql, params);
  };
  const checkSize = async (
    selection: ValueSelection,
    access: AccessContext,
    limit: number = options.maxExportRows,
  ) => {
    const count = countQuery(selection, access);
    const n = Number((await store.one<{ n: number }>(count.sql, count.params))?.n ?? 0);
    if (n > limit)
      throw new ProblemError(
        400,
        'Selection too large to export',
        `The selection has ${n} values; an export${limit < options.maxExportRows ? ' in this format' : ''} holds at most ${limit}. Narrow it with indicator, level, parent, region or period.`,
        [
          {
            name: 'indicator',
            reason: `selection of ${n} values exceeds the export limit of ${limit}`,
          },
        ],
      );
  };
  // exceljs builds the workbook in memory on the event loop (about 10,000 rows a second on two
  // cores): a larger XLSX would stall every other answer and outlive the query time limit.
  const xlsxRows = Math.min(options.maxExportRows, MAX_XLSX_ROWS);
  const description = (format: string) =>
    `The same selection as /values (without paging, at most ${options.maxExportRows} values) as ${format}. ` +
    'Hidden values are empty, with their disclosure flag; every row names its source (Bron: CBS).';

  return [
    route({
      path: '/values.csv',
      operationId: 'exportValuesCsv',
      summary: 'Export values as CSV',
      description:
        description('CSV') +
        ' `sep=;` gives the Dutch Excel variant: semicolons, decimal comma and a UTF-8 byte order mark.',
      tag: 'exports',
      query: z.object({
        ...selectionFilters,
        sep: z
          .enum([',', ';'], { error: "expected ',' or ';'" })
          .default(',')
          .describe("Field separator: ',' (default) or ';' (Dutch Excel: decimal comma, UTF-8 BOM)."),
      }),
      ok: { description: 'CSV, UTF-8.', content: { 'text/csv': null } },
      errors: [429],
      cache: 'data',
      handle: ({ c, query }) =>
        exclusive(async () => {
          const { sep, ...selection } = query;
          const rows = await selectionRows(selection, accessOf(c));
          const dutch = sep === ';';
          const lines = [COLUMNS.join(sep)];
          for (const row of rows) {
            lines.push(
              COLUMNS.map((col) => {
                const v = row[col];
                if (v === null || v === undefined) return '';
                if (typeof v === 'number') return dutch ? String(v).replace('.', ',') : String(v);
                return csvField(String(v), sep);
              }).join(sep),
            );
          }
          return download(
            (dutch ? '\uFEFF' : '') + lines.join('\r\n') + '\r\n',
            'text/csv; charset=utf-8' + (dutch ? '' : '; header=present'),
            filename(selection, 'csv'),
          );
        }),
    }),
    route({
      path: '/values.xlsx',
      operationId: 'exportValuesXlsx',
      summary: 'Export values as an Excel workbook',
      description:
        description('an Excel workbook (sheet Waarden; sheet Bron with attribution and licence)') +
        ` An XLSX holds at most ${xlsxRows} values (exceljs builds it in memory); use CSV or Parquet for more.`,
      tag: 'exports',
      query: z.object(selectionFilters),
      ok: {
        description: 'XLSX workbook.',
        content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': null },
      },
      errors: [429],
      cache: 'data',
      handle: ({ c, query }) =>
        exclusive(async () => {
          const rows = await selectionRows(query, accessOf(c), false, xlsxRows);
          const decimals = new Map(
            (
              await store.all<{ id: string; decimals: number }>(
                `SELECT id, decimals FROM indicator i WHERE ${visibleCondition(accessOf(c), 'i.confidentiality')}`,
              )
            ).map((r) => [r.id, r.decimals]),
          );
          const workbook = new ExcelJS.Workbook();
          workbook.creator = 'udc';
          const sheet = workbook.addWorksheet('Waarden');
          sheet.columns = COLUMNS.map((key) => ({
            header: key,
            key,
            width: key === 'indicatorTitle' || key === 'regionName' ? 32 : 14,
          }));
          sheet.getRow(1).font = { bold: true };
          sheet.addRows(rows.map((row) => COLUMNS.map((col) => row[col] ?? null)));
          // One number format for the value column when the selection has one precision (per cell costs seconds).
          const precisions = new Set(rows.map((r) => decimals.get(r.indicator) ?? 0));
          if (precisions.size === 1) {
            const d = [...precisions][0]!;
            sheet.getColumn('value').numFmt = d > 0 ? `0.${'0'.repeat(Math.min(d, 10))}` : '0';
          }
          sheet.views = [{ state: 'frozen', ySplit: 1 }];
          const about = workbook.addWorksheet('Bron');
          const sources = [...new Set(rows.map((r) => r.source))];
          about.addRows([
            [sources.length ? sources.join('; ') : 'Bron: CBS'],
            ['Licentie / licence: CC BY 4.0'],
            [`Selectie / selection: ${new URL(c.req.url).search || '(alles / everything)'}`],
            [`Gemaakt door / made by udc, ${new Date().toISOString()}`],
            [
              'Lege waarde met disclosure-vlag: onderdrukt door geheimhouding / empty value with a disclosure flag: suppressed',
            ],
          ]);
          about.getColumn(1).width = 100;
          const buffer = await workbook.xlsx.writeBuffer();
          return download(
            new Uint8Array(buffer as ArrayBuffer),
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            filename(query, 'xlsx'),
          );
        }),
    }),
    route({
      path: '/values.parquet',
      operationId: 'exportValuesParquet',
      summary: 'Export values as Parquet',
      description: description('Apache Parquet (zstd), written by the engine'),
      tag: 'exports',
      query: z.object(selectionFilters),
      ok: { description: 'Parquet file.', content: { 'application/vnd.apache.parquet': null } },
      errors: [429],
      cache: 'data',
      handle: ({ c, query }) =>
        exclusive(async () => {
          await checkSize(query, accessOf(c));
          const { sql, params } = valuesQuery(query, accessOf(c), { forExport: true });
          // The engine writes the file itself; the path is ours (never request text), the selection travels as parameters.
          const file = join(tmpdir(), `udc-export-${randomUUID()}.parquet`);
          try {
            await store.run(
              `COPY (${sql}) TO ${store.dialect.literal(file)} (FORMAT parquet, COMPRESSION zstd, KV_METADATA {attribution: 'Bron: CBS', licence: 'CC BY 4.0', producer: 'udc'})`,
              params,
            );
            return download(
              new Uint8Array(await readFile(file)),
              'application/vnd.apache.parquet',
              filename(query, 'parquet'),
            );
          } finally {
            await rm(file, { force: true });
          }
        }),
    }),
    route({
      path: '/values.geojson',
      operationId: 'exportValuesGeojson',
      summary: 'Export values as GeoJSON joined with boundaries',
      description: description(
        'GeoJSON: one feature per value, with the boundary of its region on its boundary year (null geometry where the store has none)',
      ),
      tag: 'exports',
      query: z.object(selectionFilters),
      ok: {
        description: 'A FeatureCollection (WGS84).',
        content: { 'application/geo+json': 'FeatureCollection' },
      },
      errors: [429],
      cache: 'data',
      handle: ({ c, query }) =>
        exclusive(async () => {
          const rows = await selectionRows(query, accessOf(c), true);
          const features = rows.map(
            ({ geometry, ...properties }) =>
              // Stored geometry is GeoJSON text already: spliced in, not parsed and serialised again.
              `{"type":"Feature","geometry":${geometry ?? 'null'},"properties":${JSON.stringify(properties)}}`,
          );
          const sources = [...new Set(rows.map((r) => r.source))];
          return download(
            `{"type":"FeatureCollection","attribution":${JSON.stringify([...sources, 'Bron: CBS, Kadaster (grenzen)'].join('; '))},"features":[${features.join(',')}]}`,
            'application/geo+json; charset=utf-8',
            filename(query, 'geojson'),
          );
        }),
    }),
  ];
}

function csvField(text: string, sep: string): string {
  return text.includes(sep) || text.includes('"') || text.includes('\n') || text.includes('\r')
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

/** udc-values[-indicator][-parent|region][-period].ext, from validated codes only. */
function filename(selection: ValueSelection, extension: string): string {
  const parts = ['udc-values'];
  if (selection.indicator?.length === 1) parts.push(selection.indicator[0]!);
  if (selection.parent) parts.push(selection.parent);
  else if (selection.region?.length === 1) parts.push(selection.region[0]!);
  if (selection.level) parts.push(selection.level);
  if (selection.period?.length === 1) parts.push(selection.period[0]!);
  return `${parts
    .join('-')
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .slice(0, 120)}.${extension}`;
}

function download(body: string | Uint8Array<ArrayBuffer>, type: string, name: string): Response {
  return new Response(body, {
    headers: { 'content-type': type, 'content-disposition': `attachment; filename="${name}"` },
  });
}
