import { describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { StatlineClient, cacheRoot, mirror } from '../../../src/sources/statline/index.js';
import { foundation } from '../../../src/store/migrations/0001_foundation.js';
import { geometry } from '../../../src/store/migrations/0003_geometry.js';
import { statline } from '../../../src/store/migrations/0004_statline.js';
import { migrate, openDuckDBStore, type Migration, type Store } from '../../../src/store/index.js';
import { type ReplayServer } from '../../helpers/replay-server.js';
import { useReplayServerAndStore } from '../../helpers/replay-store.js';
import { serve83599NED, serveSynthetic, syntheticTable } from '../../helpers/statline-tables.js';
import { join } from 'node:path';

let server: ReplayServer;
let store: Store;
let dir: string;
useReplayServerAndStore((world) => ({ server, store, dir } = world));

const since = (from: number) => server.requests.slice(from);

describe('mirror', () => {
  it('downloads a table whose Modified did not change no second time', async () => {
    const table = syntheticTable({ modified: '2026-01-01T00:00:00+01:00' });
    serveSynthetic(server, table, { pageSize: 100 });
    const client = new StatlineClient({ baseUrl: `${server.url}/odata/v1`, cacheDir: cacheRoot(dir) });

    const first = await mirror(store, client, [table.id]);
    expect(first.map((o) => o.outcome)).toEqual(['imported']);
    expect(first[0]!.result?.report.rowsStored).toBe(300);

    const mark = server.requests.length;
    const second = await mirror(store, client, [table.id]);
    expect(second).toEqual([
      {
        table: table.id,
        dataset: table.id,
        outcome: 'unchanged',
        modified: '2026-01-01T00:00:00+01:00',
        previous: '2026-01-01T00:00:00+01:00',
      },
    ]);
    // One request for the stamp; no data, no code lists.
    expect(since(mark)).toEqual([`/odata/v1/CBS/${table.id}/Properties`]);

    // CBS publishes a new version: mirror downloads it again, into a fresh cache folder.
    table.properties['Modified'] = '2026-02-01T00:00:00+01:00';
    table.observations[0]!['Value'] = 42;
    const mark2 = server.requests.length;
    const third = await mirror(store, client, [table.id]);
    expect(third[0]).toMatchObject({
      outcome: 'imported',
      previous: '2026-01-01T00:00:00+01:00',
      modified: '2026-02-01T00:00:00+01:00',
    });
    expect(since(mark2).filter((p) => p.includes('/Observations'))).toHaveLength(3);
    const value = await store.one(
      `SELECT value FROM observation WHERE region = 'GM0001' AND period = '2015JJ00' AND variable = 'M000001' AND categories = 'Geslacht=T001038'`,
    );
    expect(value).toEqual({ value: 42 });
    const version = await store.one(`SELECT version FROM dataset WHERE id = $1`, [table.id]);
    expect(version).toEqual({ version: 2 });
    // Only the newest version stays in the cache.
    const files = (await readdir(cacheRoot(dir), { recursive: true })).map(String);
    expect(files.some((f) => f.includes('2026-01-01'))).toBe(false);
    expect(files.some((f) => f.includes('2026-02-01'))).toBe(true);
  });

  it('checks v3 tables by TableInfos Modified, and one failing table does not stop the others', async () => {
    serve83599NED(server);
    const client = new StatlineClient({
      baseUrl: server.url,
      cacheDir: cacheRoot(dir),
      http: { retries: 0 },
    });
    const first = await mirror(store, client, ['00000NED', '83599NED']);
    expect(first.map((o) => o.outcome)).toEqual(['failed', 'imported']);
    expect(first[0]!.error).toContain('/ODataApi/OData/00000NED/TableInfos');
    const mark = server.requests.length;
    const second = await mirror(store, client, ['83599NED']);
    expect(second[0]!.outcome).toBe('unchanged');
    expect(since(mark)).toEqual(['/ODataApi/OData/83599NED/TableInfos?$format=json&$select=Modified']);
    expect(server.count((p) => p.startsWith('/ODataFeed/'))).toBe(2);
  });

  it('re-imports when the recorded dataset was removed', async () => {
    const table = syntheticTable();
    serveSynthetic(server, table);
    const client = new StatlineClient({ baseUrl: `${server.url}/odata/v1`, cacheDir: cacheRoot(dir) });
    await mirror(store, client, [table.id]);
    await store.run('DELETE FROM dataset WHERE id = $1', [table.id]);
    const again = await mirror(store, client, [table.id]);
    expect(again[0]!.outcome).toBe('imported');
    // The pages came from the cache: Modified did not change.
    expect(again[0]!.result?.pagesFromCache).toBe(1);
  });
});

describe('migration 0004', () => {
  it('applies with a gap at 0002, and a later 0002 still applies once', async () => {
    const path = join(dir, 'gaps.duckdb');
    const gapped = await openDuckDBStore({ path });
    try {
      expect(await migrate(gapped, [foundation, geometry, statline])).toEqual([1, 3, 4]);
      const later: Migration = {
        version: 2,
        name: 'regions',
        statements: ['CREATE TABLE later_two (x INTEGER)'],
      };
      expect(await migrate(gapped, [foundation, later, geometry, statline])).toEqual([2]);
      expect(await migrate(gapped, [foundation, later, geometry, statline])).toEqual([]);
      expect(await gapped.one('SELECT count(*) AS n FROM statline_table')).toEqual({ n: 0 });
    } finally {
      await gapped.close();
    }
  });
});
