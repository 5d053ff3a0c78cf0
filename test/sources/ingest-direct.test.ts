// ingestStaged's one-pass store (DirectRows): a source that gives its rows as one query is read
// straight into observation when the import is clean, and otherwise staged and checked row by row
// (the same rows), so every check and every message stays. The rows are SYNTHETIC (not CBS
// figures) on real region and period codes. The staging fill here records whether it ran, which
// is how the tests see which way the rows went.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createStagingSql,
  ingestStaged,
  type DirectRows,
  type ImportReport,
  type IngestRequest,
} from '../../src/sources/ingest.js';
import type { SqlValue, Store } from '../../src/store/index.js';
import { rowCounts, temporaryStore } from '../helpers/store.js';

let store: Store;
let dispose: () => Promise<void>;

beforeEach(async () => {
  ({ store, dispose } = await temporaryStore());
});
afterEach(() => dispose());

const REQUEST: IngestRequest = {
  dataset: {
    id: 'direct_syn',
    title: 'SYNTHETIC direct ingest test (not CBS figures)',
    publisher: 'test',
    source: 'synthetic',
    licence: 'CC-BY-4.0',
    confidentiality: 'open',
  },
  variables: [
    { key: 'inwoners', title: 'Inwoners', aggregation: 'sum' },
    { key: 'woningen', title: 'Woningen', aggregation: 'sum' },
  ],
  sourceName: 'synthetic.json',
  columns: { region: 'RegioS', period: 'Perioden', variable: 'Measure', value: 'Value' },
  decimal: '.',
};

type Row = [region: string, period: string, variable: string, text: string | null, value: number | null];

const CLEAN: Row[] = [
  ['GM0014', '2022JJ00', 'inwoners', null, 1000],
  ['GM0014', '2023JJ00', 'inwoners', null, 1010],
  ['GM0034', '2023JJ00', 'inwoners', null, 2000],
  ['GM0034', '2023JJ00', 'woningen', 'x', null],
];
const REGIONS = ['GM0014', 'GM0034', 'GM0037'];
const PERIODS = ['2021JJ00', '2022JJ00', '2023JJ00'];

/** Imports `rows` with a direct source and a staging fill of the same rows; says which ran. */
async function load(
  rows: Row[],
  known: Partial<Pick<DirectRows, 'regions' | 'periods' | 'verify'>> = {},
): Promise<{ report: ImportReport; staged: boolean; counted?: number }> {
  const out: { staged: boolean; counted?: number } = { staged: false };
  const values = (numbered: boolean): SqlValue[][] =>
    rows.map(([region, period, variable, text, value], i) => [
      numbered ? i + 1 : 0,
      region,
      period,
      variable,
      '',
      text,
      value,
      null,
    ]);
  const report = await ingestStaged(
    store,
    REQUEST,
    async (tx, table) => {
      out.staged = true;
      await tx.run(createStagingSql(table));
      await tx.append(table, values(true));
    },
    async (tx, table) => {
      await tx.run(createStagingSql(`${table}_raw`));
      await tx.append(`${table}_raw`, values(false));
      return {
        select: `SELECT * FROM ${table}_raw`,
        regions: known.regions ?? REGIONS,
        periods: known.periods ?? PERIODS,
        verify: known.verify,
        stored: (n) => (out.counted = n),
      };
    },
  );
  return { report, ...out };
}

const stored = () =>
  store.all<{ region: string; period: string; variable: string; value: number | null; status: string }>(
    `SELECT region, period, variable, value, status FROM observation WHERE dataset = 'direct_syn'
     ORDER BY region, period, variable`,
  );

describe('one-pass store of a clean import', () => {
  it('stores every row without staging, and only the periods the rows use', async () => {
    const { report, staged, counted } = await load(CLEAN);
    expect(report).toMatchObject({ outcome: 'stored', rowsRead: 4, rowsStored: 4, rowsRejected: 0 });
    expect(staged).toBe(false);
    expect(counted).toBe(4);
    expect(await stored()).toEqual([
      { region: 'GM0014', period: '2022JJ00', variable: 'inwoners', value: 1000, status: 'final' },
      { region: 'GM0014', period: '2023JJ00', variable: 'inwoners', value: 1010, status: 'final' },
      { region: 'GM0034', period: '2023JJ00', variable: 'inwoners', value: 2000, status: 'final' },
      { region: 'GM0034', period: '2023JJ00', variable: 'woningen', value: null, status: 'secret' },
    ]);
    const periods = await store.all<{ code: string }>('SELECT code FROM period ORDER BY code');
    expect(periods.map((p) => p.code)).toEqual(['2022JJ00', '2023JJ00']);
    const run = await store.one<{ rows_read: number; rows_stored: number }>(
      'SELECT rows_read, rows_stored FROM import_run',
    );
    expect(run).toEqual({ rows_read: 4, rows_stored: 4 });
  });

  it('gives the same observations as the staged path', async () => {
    await load(CLEAN);
    const direct = await stored();
    // A region the code list does not hold sends the same rows through staging.
    await load(CLEAN, { regions: ['GM0014'] });
    expect(await stored()).toEqual(direct);
  });
});

describe('anything unclean goes through staging, which names it and stores nothing', () => {
  it('a value that is not a number', async () => {
    const before = await rowCounts(store);
    const rows: Row[] = [...CLEAN, ['GM0037', '2023JJ00', 'inwoners', '12a', null]];
    const { report, staged } = await load(rows);
    expect(staged).toBe(true);
    expect(report.outcome).toBe('rejected');
    expect(report.issues[0]).toMatchObject({ file: 'synthetic.json', row: 5, column: 'Value', value: '12a' });
    expect(await rowCounts(store)).toEqual(before);
  });

  it('the same key twice', async () => {
    const before = await rowCounts(store);
    const { report, staged } = await load([...CLEAN, ['GM0014', '2023JJ00', 'inwoners', null, 7]]);
    expect(staged).toBe(true);
    expect(report.outcome).toBe('rejected');
    expect(report.issues[0]?.message).toContain('duplicate observation: rows 2, 5');
    expect(await rowCounts(store)).toEqual(before);
  });

  it('an unknown variable', async () => {
    const { report, staged } = await load([...CLEAN, ['GM0037', '2023JJ00', 'banen', null, 3]]);
    expect(staged).toBe(true);
    expect(report.issues[0]).toMatchObject({ row: 5, column: 'Measure', value: 'banen' });
    expect(report.rowsStored).toBe(0);
  });

  it('a period the source did not announce that is not a period', async () => {
    const { report, staged } = await load([...CLEAN, ['GM0037', '2023XX99', 'inwoners', null, 3]]);
    expect(staged).toBe(true);
    expect(report.issues[0]).toMatchObject({ row: 5, column: 'Perioden', value: '2023XX99' });
  });

  it('a region written in lower case is stored canonical, through staging', async () => {
    const { report, staged } = await load([['gm0037', '2023JJ00', 'inwoners', null, 3]], {
      regions: ['gm0037'],
    });
    expect(staged).toBe(true);
    expect(report.outcome).toBe('stored');
    expect((await stored())[0]?.region).toBe('GM0037');
  });

  it("the source's own check failing", async () => {
    const { report, staged } = await load(CLEAN, { verify: async () => false });
    expect(staged).toBe(true);
    expect(report.outcome).toBe('stored');
  });
});
