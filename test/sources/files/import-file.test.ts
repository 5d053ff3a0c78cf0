import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { importFile, parseMapping, type MappingInput } from '../../../src/sources/files/index.js';
import type { Store } from '../../../src/store/index.js';
import { rowCounts, temporaryStore } from '../../helpers/store.js';
import {
  GEMEENTEN_2023_GEOJSON,
  POPULATION_CSV,
  dutchPopulationCsv,
  populationLines,
  populationMapping,
  write,
} from './fixtures.js';

let store: Store;
let dir: string;
let dispose: () => Promise<void>;

beforeEach(async () => {
  ({ store, dir, dispose } = await temporaryStore());
});
afterEach(() => dispose());

const load = (file: string, mapping: MappingInput = populationMapping()) =>
  importFile(store, file, parseMapping(mapping, 'test'));

async function value(region: string, period: string, variable: string) {
  return store.one<{ value: number | null; status: string }>(
    'SELECT value, status FROM observation WHERE region = $1 AND period = $2 AND variable = $3',
    [region, period, variable],
  );
}

describe('importing real files', () => {
  it('imports the real CBS population CSV completely, with quoted names and empty cells', async () => {
    const report = await load(POPULATION_CSV);
    expect(report.outcome).toBe('stored');
    const dataRows = populationLines().length - 1;
    expect(report.rowsRead).toBe(dataRows * 2);
    expect(report.rowsStored).toBe(dataRows * 2);
    expect(await value('GM0014', '2019JJ00', 'bevolking_1_januari')).toEqual({
      value: 231299,
      status: 'final',
    });
    expect(await value('GM0014', '2026JJ00', 'bevolking_1_januari')).toEqual({
      value: 244427,
      status: 'final',
    });
    // 2026 has no average yet: CBS leaves the cell empty.
    expect(await value('GM0014', '2026JJ00', 'gemiddelde_bevolking')).toEqual({
      value: null,
      status: 'not_applicable',
    });
    const periods = await store.all('SELECT code, start_date, end_date FROM period ORDER BY code');
    expect(periods[0]).toEqual({ code: '2019JJ00', start_date: '2019-01-01', end_date: '2019-12-31' });
    const dataset = await store.one('SELECT id, version, confidentiality FROM dataset');
    expect(dataset).toEqual({ id: 'bevolking', version: 1, confidentiality: 'open' });
  });

  it('reads a Dutch CSV: ";" separator and decimal comma', async () => {
    const file = await write(dir, 'bevolking.csv', dutchPopulationCsv(20));
    const report = await load(file);
    expect(report.outcome).toBe('stored');
    expect(await value('GM0003', '2019JJ00', 'gemiddelde_bevolking')).toEqual({
      value: 11681.5,
      status: 'final',
    });
  });

  it('reads Windows-1252 text (what Excel writes on Windows) and a UTF-8 BOM', async () => {
    const csv = dutchPopulationCsv(10).replace('Appingedam', 'Appingedam – Damsterdiep ë');
    const cp1252 = Buffer.from(csv.replace('–', '\u0096'), 'latin1');
    const report = await load(await write(dir, 'cp1252.csv', cp1252));
    expect(report.outcome).toBe('stored');
    const bom = await load(await write(dir, 'bom.csv', `\uFEFF${csv}`));
    expect(bom.outcome).toBe('stored');
    expect(bom.rowsStored).toBe(20);
  });

  it('imports a long-form file and learns its variables from the data', async () => {
    const lines = populationLines().slice(1, 11);
    const long = ['gebied;periode;onderwerp;waarde']
      .concat(lines.map((l) => l.split(',')).map((f) => `${f[0]};${f[3]}JJ00;Bevolking op 1 januari;${f[4]}`))
      .join('\n');
    const report = await load(await write(dir, 'long.csv', long), {
      dataset: { id: 'lang' },
      layout: 'long',
      region: { column: 'gebied' },
      period: { column: 'periode' },
      variable: { column: 'onderwerp' },
      value: { column: 'waarde' },
    });
    expect(report.outcome).toBe('stored');
    expect(await store.one('SELECT key, title, aggregation FROM variable')).toEqual({
      key: 'bevolking_op_1_januari',
      title: 'Bevolking op 1 januari',
      aggregation: 'none',
    });
    expect(await value('GM0003', '2019JJ00', 'bevolking_op_1_januari')).toEqual({
      value: 11721,
      status: 'final',
    });
  });

  it('imports an XLSX workbook with numbers, text and a CBS secret value', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Bevolking');
    const lines = populationLines()
      .slice(0, 6)
      .map((l) => l.split(','));
    sheet.addRow(lines[0]);
    for (const f of lines.slice(1))
      sheet.addRow([f[0], f[1], f[2], Number(f[3]), Number(f[4]), f === lines[2] ? 'x' : Number(f[5])]);
    const file = join(dir, 'bevolking.xlsx');
    await workbook.xlsx.writeFile(file);
    const report = await load(file);
    expect(report.outcome).toBe('stored');
    expect(report.rowsStored).toBe(10);
    expect(await value('GM0003', '2019JJ00', 'bevolking_1_januari')).toEqual({
      value: 11721,
      status: 'final',
    });
    expect(await value('GM0003', '2020JJ00', 'gemiddelde_bevolking')).toEqual({
      value: null,
      status: 'secret',
    });
  });

  it('imports GeoJSON feature properties as variables (real PDOK gemeenten 2023)', async () => {
    const report = await load(GEMEENTEN_2023_GEOJSON, {
      dataset: { id: 'kerncijfers-2023' },
      region: { column: 'gemeentecode' },
      period: { value: '2023JJ00' },
      variables: [
        { column: 'aantalInwoners', aggregation: 'sum' },
        { column: 'aantalHuishoudens', aggregation: 'sum' },
      ],
    });
    expect(report.outcome).toBe('stored');
    expect(report.rowsStored).toBe(24);
    expect(await value('GM0014', '2023JJ00', 'aantalinwoners')).toEqual({ value: 238147, status: 'final' });
  });

  it('imports Parquet with typed columns', async () => {
    const file = join(dir, 'bevolking.parquet');
    await store.run(`COPY (SELECT * FROM read_csv($1)) TO '${file}' (FORMAT parquet)`, [POPULATION_CSV]);
    const report = await load(file);
    expect(report.outcome).toBe('stored');
    expect(await value('GM0014', '2019JJ00', 'bevolking_1_januari')).toEqual({
      value: 231299,
      status: 'final',
    });
  });

  it('replaces a dataset on re-import and counts versions; appends only new observations', async () => {
    await load(POPULATION_CSV);
    const again = await load(await write(dir, 'small.csv', populationLines().slice(0, 3).join('\n')));
    expect(again.version).toBe(2);
    expect(await store.one('SELECT count(*) AS n FROM observation')).toEqual({ n: 4 });
    const clash = await load(
      await write(dir, 'same.csv', populationLines().slice(0, 3).join('\n')),
      populationMapping({ mode: 'append' }),
    );
    expect(clash.outcome).toBe('rejected');
    expect(clash.issues[0]!.message).toMatch(/already stored/);
    const added = await load(
      await write(dir, 'more.csv', [populationLines()[0], ...populationLines().slice(3, 5)].join('\n')),
      populationMapping({ mode: 'append' }),
    );
    expect(added.outcome).toBe('stored');
    expect(await store.one('SELECT count(*) AS n FROM observation')).toEqual({ n: 8 });
  });

  it('stores the valid rows when the caller allows a few rejects, and says which were left out', async () => {
    const lines = populationLines().slice(0, 11);
    lines[4] = lines[4]!.replace(/^GM\d{4}/, 'GM03');
    const report = await load(
      await write(dir, 'one-bad.csv', lines.join('\n')),
      populationMapping({ maxRejects: 2 }),
    );
    expect(report.outcome).toBe('stored');
    expect(report.rowsRejected).toBe(2);
    expect(report.rowsStored).toBe(18);
    expect(report.issues[0]).toMatchObject({ row: 5, column: 'regio_code', value: 'GM03' });
  });
});

it('leaves no temporary tables or views behind on its connection, staged as a view or as a table', async () => {
  await load(POPULATION_CSV);
  await load(GEMEENTEN_2023_GEOJSON, {
    dataset: { id: 'gemeenten', title: 'Gemeenten 2023' },
    region: { column: 'gemeentecode' },
    period: { value: '2023' },
  });
  const left = await store.one<{ tables: number; views: number }>(
    `SELECT (SELECT count(*) FROM duckdb_tables() WHERE temporary) AS tables,
            (SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal) AS views`,
  );
  expect(left).toEqual({ tables: 0, views: 0 });
});

describe('bad input: a clear error and the store unchanged', () => {
  let before: Record<string, number>;
  beforeEach(async () => {
    await load(POPULATION_CSV);
    before = await rowCounts(store);
  });
  afterEach(async () => {
    expect(await rowCounts(store)).toEqual(before);
  });

  const header = () => populationLines()[0]!;
  const body = (n = 6) => populationLines().slice(1, n + 1);

  async function rejected(name: string, content: string | Buffer, mapping?: MappingInput) {
    const report = await load(await write(dir, name, content), mapping);
    expect(report.outcome).toBe('rejected');
    expect(report.rowsStored).toBe(0);
    return report;
  }

  it('empty file', async () => {
    await expect(load(await write(dir, 'empty.csv', ''))).rejects.toThrow(/empty\.csv: the file is empty/);
  });

  it('header only', async () => {
    const report = await rejected('header.csv', `${header()}\n`);
    expect(report.issues[0]!.message).toMatch(/no data rows/);
  });

  it('wrong delimiter', async () => {
    await expect(
      load(
        await write(dir, 'comma.csv', [header(), ...body()].join('\n')),
        populationMapping({ delimiter: ';' }),
      ),
    ).rejects.toThrow(/comma\.csv: the header line has a single column when split on ";"/);
  });

  it('mixed delimiters', async () => {
    const lines = [header(), ...body()].map((l, i) => (i === 4 ? l.replaceAll(',', ';') : l));
    await expect(load(await write(dir, 'mixed.csv', lines.join('\n')))).rejects.toThrow(
      /mixed\.csv: line 5 uses ";" as separator, but the header uses ",": mixed delimiters/,
    );
  });

  it('text in a numeric column', async () => {
    const lines = [header(), ...body()];
    lines[3] = lines[3]!.replace(/,(\d+),([\d.]+)$/, ',elfduizend,$2');
    const report = await rejected('text.csv', lines.join('\n'));
    expect(report.issues[0]).toMatchObject({ row: 4, column: 'bevolking_1_januari', value: 'elfduizend' });
    expect(report.issues[0]!.message).toMatch(/"elfduizend" is not a number/);
    expect(report.issues[0]!.expected).toMatch(/a number written with a decimal point/);
  });

  it('decimal comma and point mixed', async () => {
    const lines = [header(), ...body(8)].map(toSemicolons);
    lines[2] = lines[2]!.replace(/;(\d+)\.(\d)$/, ';$1,$2');
    lines[5] = lines[5]!.replace(/;(\d+)\.(\d)$/, ';$1,$2');
    const report = await rejected('decimals.csv', lines.join('\n'));
    expect(report.issues.some((i) => /decimal comma and decimal point are mixed/.test(i.message))).toBe(true);
  });

  it('unknown or malformed period code', async () => {
    const lines = [header(), ...body()];
    lines[2] = lines[2]!.replace(/,20\d\d,/, ',2020KW7,');
    lines[3] = lines[3]!.replace(/,20\d\d,/, ',twintig,');
    const report = await rejected('period.csv', lines.join('\n'));
    expect(report.issues.map((i) => [i.row, i.column, i.value])).toEqual(
      expect.arrayContaining([
        [3, 'jaar', '2020KW7'],
        [4, 'jaar', 'twintig'],
      ]),
    );
  });

  it('malformed region code', async () => {
    const lines = [header(), ...body()];
    lines[6] = lines[6]!.replace(/^GM\d{4}/, 'GM3');
    const report = await rejected('region.csv', lines.join('\n'));
    expect(report.issues[0]).toMatchObject({ row: 7, column: 'regio_code', value: 'GM3' });
    expect(report.issues[0]!.message).toMatch(/GM3/);
  });

  it('duplicate (region, period, variable)', async () => {
    const lines = [header(), ...body(), body()[1]!];
    const report = await rejected('dup.csv', lines.join('\n'));
    expect(report.issues[0]!.message).toMatch(/duplicate observation: rows 3, 8/);
  });

  it('broken UTF-8', async () => {
    const good = Buffer.from([header(), ...body(3)].join('\n').replace('Appingedam', 'Appingedam ë') + '\n');
    const broken = Buffer.concat([
      good,
      Buffer.from('GM0003,Appingedam '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(',PV20,2023,1,1\n'),
    ]);
    await expect(load(await write(dir, 'broken.csv', broken))).rejects.toThrow(
      /broken\.csv: row 5: invalid UTF-8 at line 5/,
    );
  });

  it('truncated last line', async () => {
    const lines = [header(), ...body()];
    lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, 20);
    const report = await rejected('truncated.csv', lines.join('\n'));
    expect(report.issues[0]).toMatchObject({ row: 7 });
    expect(report.issues[0]!.message).toMatch(/too few fields/);
  });

  it('a 1 MB single line', async () => {
    await expect(load(await write(dir, 'line.csv', 'a'.repeat(1 << 20)))).rejects.toThrow(
      /line\.csv: row 1: the first line is longer than 64 KB/,
    );
  });

  it('a file that does not exist', async () => {
    await expect(load(join(dir, 'missing.csv'))).rejects.toThrow(/missing\.csv: the file does not exist/);
  });

  it('a directory instead of a file', async () => {
    await expect(load(dir)).rejects.toThrow(/this is a directory, not a file/);
  });

  it('an XLSX that is really a CSV', async () => {
    const file = join(dir, 'export.xlsx');
    await copyFile(POPULATION_CSV, file);
    await expect(load(file)).rejects.toThrow(
      /export\.xlsx: this is not a XLSX file: its content looks like CSV or other text; save it as \.csv/,
    );
  });

  it('a GeoJSON that is not a FeatureCollection', async () => {
    const collection = JSON.parse(await readFile(GEMEENTEN_2023_GEOJSON, 'utf8')) as { features: unknown[] };
    const file = await write(dir, 'one.geojson', JSON.stringify(collection.features[0]));
    await expect(
      load(file, { dataset: { id: 'x' }, region: { column: 'gemeentecode' }, period: { value: '2023JJ00' } }),
    ).rejects.toThrow(/one\.geojson: expected a GeoJSON FeatureCollection, but this is a Feature/);
  });
});

function toSemicolons(line: string): string {
  return line.replace(/"[^"]*"/g, (q) => q.replaceAll(',', ' ')).replaceAll(',', ';');
}
