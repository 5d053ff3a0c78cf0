import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/server.js';
import type { Store } from '../../src/store/index.js';
import { apiStore, PROTECTED_INDICATOR } from '../helpers/api-indicators.js';

let store: Store;
let dispose: () => Promise<void>;
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  ({ store, dispose } = await apiStore());
  server = await startServer(store, { host: '127.0.0.1', port: 0, maxExportRows: 5_000 });
  dir = await mkdtemp(join(tmpdir(), 'udc-export-test-'));
});
afterAll(async () => {
  await server?.close();
  await dispose?.();
  await rm(dir, { recursive: true, force: true });
});

const SELECTION = 'indicator=aandeel_65plus&level=wijk&parent=GM0014&period=2020JJ00';
const download = async (ext: string, query = SELECTION) => {
  const response = await fetch(`${server.url}/api/v1/values.${ext}?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
};
/** The same selection as JSON, the reference every export must equal. */
const reference = async () =>
  (
    (await (await fetch(`${server.url}/api/v1/values?${SELECTION}&pageSize=10000`)).json()) as {
      data: { region: string; value: number | null; disclosure: string | null }[];
    }
  ).data;

describe('exports of a values selection', () => {
  it('CSV with commas: same values as JSON, Bron: CBS on every row, a download filename', async () => {
    const { response, bytes } = await download('csv');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="udc-values-aandeel_65plus-GM0014-wijk-2020JJ00.csv"',
    );
    const text = bytes.toString('utf8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const [header, ...lines] = text.trimEnd().split('\r\n');
    const columns = header!.split(',');
    const rows = lines.map((l) => l.split(','));
    const json = await reference();
    expect(rows).toHaveLength(json.length);
    const value = columns.indexOf('value');
    const source = columns.indexOf('source');
    for (const [i, row] of rows.entries()) {
      expect(row[value] === '' ? null : Number(row[value])).toBe(json[i]!.value);
      expect(row[source]).toBe('Bron: CBS');
    }
  });

  it('CSV of values hidden by disclosure control: empty value with the flag, no numerator or denominator', async () => {
    const { bytes } = await download(
      'csv',
      `indicator=${PROTECTED_INDICATOR}&level=buurt&parent=GM0014&period=2020JJ00`,
    );
    const [header, ...lines] = bytes.toString('utf8').trimEnd().split('\r\n');
    const columns = header!.split(',');
    expect(columns.join(',')).not.toMatch(/numerator|denominator/);
    const hidden = await store.all<{ region: string; disclosure: string }>(
      `SELECT region, disclosure FROM indicator_value WHERE indicator = $1 AND period = '2020JJ00'
       AND starts_with(region, 'BU0014') AND disclosure IS NOT NULL ORDER BY region`,
      [PROTECTED_INDICATOR],
    );
    expect(hidden.length).toBeGreaterThan(3); // Groningen's buurten with 5 inhabitants in KWB 2020
    const rows = lines.map((l) => l.split(','));
    const [region, value, disclosure] = ['region', 'value', 'disclosure'].map((c) => columns.indexOf(c));
    expect(
      rows.filter((r) => r[disclosure!] !== '').map((r) => [r[region!], r[value!], r[disclosure!]]),
    ).toEqual(hidden.map((h) => [h.region, '', h.disclosure]));
  });

  it('CSV for Dutch Excel: BOM, semicolons and decimal comma', async () => {
    const { bytes } = await download('csv', `${SELECTION}&sep=;`);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const [header, ...lines] = text.trimEnd().split('\r\n');
    const value = header!.split(';').indexOf('value');
    const decimals = lines.map((l) => l.split(';')[value]!).filter((v) => v !== '' && !/^\d+$/.test(v));
    expect(decimals.length).toBeGreaterThan(0);
    expect(decimals.every((v) => /^\d+,\d$/.test(v))).toBe(true);
  });

  it('XLSX read back with exceljs: values as numbers, a Bron sheet', async () => {
    const { bytes } = await download('xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Waarden')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const valueColumn = header.indexOf('value') + 1;
    const json = await reference();
    expect(sheet.rowCount - 1).toBe(json.length);
    for (let i = 0; i < json.length; i++) {
      const cell = sheet.getRow(i + 2).getCell(valueColumn).value;
      expect(cell ?? null).toBe(json[i]!.value);
    }
    expect(String(workbook.getWorksheet('Bron')!.getCell('A1').value)).toContain('Bron: CBS');
  });

  it('Parquet read back by the engine equals the JSON selection', async () => {
    const { bytes } = await download('parquet');
    const file = join(dir, 'export.parquet');
    await writeFile(file, bytes);
    const rows = await store.all<{ region: string; value: number | null; source: string }>(
      `SELECT region, value, source FROM read_parquet(${store.dialect.literal(file)})`,
    );
    const json = await reference();
    expect(rows.map((r) => [r.region, r.value])).toEqual(json.map((r) => [r.region, r.value]));
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['Bron: CBS']));
    const meta = await store.all<{ key: string; value: string }>(
      `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${store.dialect.literal(file)})`,
    );
    expect(meta).toContainEqual({ key: 'attribution', value: 'Bron: CBS' });
  });

  it('GeoJSON joins values with the boundaries of their year', async () => {
    const { bytes } = await download(
      'geojson',
      'indicator=bevolking_1_januari&level=gemeente&parent=PV20&period=2023JJ00',
    );
    const body = JSON.parse(bytes.toString('utf8')) as {
      attribution: string;
      features: { geometry: { type: string } | null; properties: { region: string; value: number } }[];
    };
    expect(body.attribution).toContain('Bron: CBS');
    const groningen = body.features.find((f) => f.properties.region === 'GM0014')!;
    expect(groningen.properties.value).toBe(238147);
    expect(groningen.geometry!.type).toMatch(/Polygon/);
    expect(body.features.every((f) => f.geometry !== null)).toBe(true);
  });

  it('refuses a selection beyond the export limit with a problem, not a huge file', async () => {
    const response = await fetch(`${server.url}/api/v1/values.csv`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/at most 5000/);
  });
});
