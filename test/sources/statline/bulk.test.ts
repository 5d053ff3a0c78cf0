// The engine's bulk reader (bulk.ts) against the JS row reader: the same pages must give the
// same stored observations and the same row numbers in messages.
import { describe, expect, it } from 'vitest';
import { StatlineClient, cacheRoot, importTable } from '../../../src/sources/statline/index.js';
import type { Store } from '../../../src/store/index.js';
import { type ReplayServer } from '../../helpers/replay-server.js';
import { useReplayServerAndStore } from '../../helpers/replay-store.js';
import {
  serve80072ned,
  serve80137ned,
  serve83599NED,
  serveCheckdecijfers,
  serveSynthetic,
  syntheticTable,
  type SyntheticTable,
} from '../../helpers/statline-tables.js';
import { rowCounts } from '../../helpers/store.js';

let server: ReplayServer;
let store: Store;
let dir: string;
useReplayServerAndStore((world) => ({ server, store, dir } = world));

const COLUMNS = 'variable, region, period, categories, value, status';

/** Serves `table` in pages of `pageSize`; both readers reject it with the same issues and store nothing. */
async function rejectedByBothReaders(table: SyntheticTable, pageSize: number) {
  serveSynthetic(server, table, { pageSize });
  const client = new StatlineClient({ baseUrl: `${server.url}/odata/v1`, cacheDir: cacheRoot(dir) });
  const before = await rowCounts(store);
  const rows = await importTable(store, client, table.id, { reader: 'rows' });
  const bulk = await importTable(store, client, table.id, { reader: 'bulk' });
  expect(rows.report.outcome).toBe('rejected');
  expect(bulk.report.issues).toEqual(rows.report.issues);
  expect(await rowCounts(store)).toEqual(before);
  return bulk.report.issues;
}

async function bothReaders(client: StatlineClient, id: string, options: { typed?: boolean } = {}) {
  const rows = await importTable(store, client, id, { ...options, reader: 'rows', datasetId: 'by_rows' });
  const bulk = await importTable(store, client, id, { ...options, reader: 'bulk', datasetId: 'by_bulk' });
  expect(rows.report.outcome).toBe('stored');
  expect(bulk.report.rowsStored).toBe(rows.report.rowsStored);
  const differ = await store.one<{ n: number }>(
    `SELECT count(*) AS n FROM (
       (SELECT ${COLUMNS} FROM observation WHERE dataset = 'by_rows' EXCEPT ALL SELECT ${COLUMNS} FROM observation WHERE dataset = 'by_bulk')
       UNION ALL
       (SELECT ${COLUMNS} FROM observation WHERE dataset = 'by_bulk' EXCEPT ALL SELECT ${COLUMNS} FROM observation WHERE dataset = 'by_rows'))`,
  );
  expect(differ?.n).toBe(0);
  return bulk.report.rowsStored;
}

describe('bulk reader = row reader', () => {
  const v3 = () => new StatlineClient({ baseUrl: server.url, cacheDir: cacheRoot(dir) });

  it('v3 UntypedDataSet over two real feed pages (padded codes and values)', async () => {
    serve83599NED(server);
    expect(await bothReaders(v3(), '83599NED')).toBe(15504);
  });

  it('v3 TypedDataSet, wide rows of 12 topics', async () => {
    serve80137ned(server);
    expect(await bothReaders(v3(), '80137ned', { typed: true })).toBe(8100);
  });

  it('v4 datasets.cbs.nl Observations with Impossible values', async () => {
    serveCheckdecijfers(server, '03759ned');
    const client = new StatlineClient({ baseUrl: `${server.url}/odata/v1`, cacheDir: cacheRoot(dir) });
    expect(await bothReaders(client, '03759ned')).toBe(13568);
  });

  it('v4 beta 80072ned with its provisional quarter', async () => {
    serve80072ned(server);
    const client = new StatlineClient({ baseUrl: server.url, api: 'v4', cacheDir: cacheRoot(dir) });
    expect(await bothReaders(client, '80072ned')).toBe(4409);
  });

  it('names the same row in messages, across pages, and stores nothing', async () => {
    const table = syntheticTable({ id: '99996SYN', regions: 4, years: 2, measures: 2 });
    // Row 30 of 48 (on page 2 of pages of 20) gets a region code CBS does not have.
    table.observations[29]!['RegioS'] = 'XX9999';
    const issues = await rejectedByBothReaders(table, 20);
    expect(issues[0]).toMatchObject({ row: 30, column: 'RegioS', value: 'XX9999' });
  });

  it('names a repeated observation like the row reader (a clean-looking table that is not)', async () => {
    const table = syntheticTable({ id: '99994SYN', regions: 3, years: 2, measures: 2 });
    // Row 17 repeats row 5's key (same region, period, sex and measure) on page 2 of pages of 10.
    table.observations[16] = { ...table.observations[4]!, Id: 16, Value: 7 };
    const issues = await rejectedByBothReaders(table, 10);
    expect(issues[0]?.message).toContain('duplicate observation: rows 5, 17');
  });

  it('refuses a category code holding "=", as the row reader does', async () => {
    const table = syntheticTable({ id: '99993SYN', regions: 2, years: 2, measures: 1 });
    table.observations[2]!['Geslacht'] = 'a=b';
    serveSynthetic(server, table);
    const client = new StatlineClient({ baseUrl: `${server.url}/odata/v1`, cacheDir: cacheRoot(dir) });
    const before = await rowCounts(store);
    await expect(importTable(store, client, table.id, { reader: 'bulk' })).rejects.toThrow(
      /table 99993SYN, row 3: "Geslacht=a=b" is not a valid combination of category codes/,
    );
    expect(await rowCounts(store)).toEqual(before);
  });

  it('refuses a page whose rows do not have the promised shape, naming the download', async () => {
    const table = syntheticTable({ id: '99995SYN', regions: 2, years: 2, measures: 1 });
    table.observations[3]!['Value'] = { nested: true };
    serveSynthetic(server, table);
    const client = new StatlineClient({ baseUrl: `${server.url}/odata/v1`, cacheDir: cacheRoot(dir) });
    const before = await rowCounts(store);
    await expect(importTable(store, client, table.id, { reader: 'bulk' })).rejects.toThrow(
      /Observations: the downloaded pages .* could not be read as v4 observations of table 99995SYN/,
    );
    expect(await rowCounts(store)).toEqual(before);
  });
});
