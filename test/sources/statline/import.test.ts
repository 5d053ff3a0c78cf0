// The whole path against the replay server: real recorded CBS payloads in, rows in DuckDB out.
import { describe, expect, it } from 'vitest';
import { StatlineClient, cacheRoot, importTable } from '../../../src/sources/statline/index.js';
import type { Store } from '../../../src/store/index.js';
import { join } from 'node:path';
import { ODATA_FIXTURES, file, type ReplayServer } from '../../helpers/replay-server.js';
import { useReplayServerAndStore } from '../../helpers/replay-store.js';
import {
  serve80072ned,
  serve80137ned,
  serve83599NED,
  serveCheckdecijfers,
} from '../../helpers/statline-tables.js';

let server: ReplayServer;
let store: Store;
let dir: string;
useReplayServerAndStore((world) => ({ server, store, dir } = world));

const v3 = () =>
  new StatlineClient({ baseUrl: server.url, cacheDir: cacheRoot(dir), http: { backoffMs: 5 } });
const value = (dataset: string, region: string, period: string, variable: string, categories: string) =>
  store.one<{ value: number | null; status: string }>(
    `SELECT value, status FROM observation WHERE dataset = $1 AND region = $2 AND period = $3 AND variable = $4 AND categories = $5`,
    [dataset, region, period, variable, categories],
  );

describe('v3 through the replay server', () => {
  it('imports 80137ned from TypedDataSet: 675 rows x 12 topics', async () => {
    serve80137ned(server);
    const { report } = await importTable(store, v3(), '80137ned', { typed: true });
    expect(report.outcome).toBe('stored');
    expect(report.rowsStored).toBe(675 * 12);
    expect(
      await value(
        '80137ned',
        'NL01',
        '2001JJ00',
        'Werknemers_2',
        'BedrijfstakkenSBI93=99;Persoonskenmerken=1',
      ),
    ).toEqual({
      value: 7559,
      status: 'final',
    });
    expect(
      await value(
        '80137ned',
        'NL01',
        '2005JJ00',
        'PerGewerktUur_12',
        'BedrijfstakkenSBI93=99;Persoonskenmerken=1',
      ),
    ).toMatchObject({
      status: 'final',
    });
    const variable = await store.one(
      `SELECT title, unit, decimals, aggregation FROM variable WHERE dataset = '80137ned' AND key = 'Totaal_4'`,
    );
    expect(variable).toEqual({
      title: 'Arbeidsvolume in arbeidsjaren: Totaal',
      unit: '1 000 arbeidsjaren',
      decimals: 1,
      aggregation: 'sum',
    });
    const codes = await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM dimension_code WHERE dataset = '80137ned'`,
    );
    expect(codes?.n).toBe(9 + 15);
    const state = await store.one(
      `SELECT table_id, api, modified, observations FROM statline_table WHERE dataset = '80137ned'`,
    );
    expect(state).toEqual({
      table_id: '80137ned',
      api: 'v3',
      modified: '2009-07-10T02:00:00',
      observations: 8100,
    });
  });

  it('imports 83599NED from the bulk feed: real page 1 names page 2 on CBS host, 15504 rows', async () => {
    serve83599NED(server);
    const result = await importTable(store, v3(), '83599NED');
    expect(result.pages).toBe(2);
    expect(result.rowsDownloaded).toBe(15504);
    // The recorded next link points at opendata.cbs.nl; the client asked the replay server instead.
    expect(server.requests).toContain('/ODataFeed/OData/83599NED/UntypedDataSet/?$format=json&$skip=10000');
    expect(result.report.outcome).toBe('stored');
    expect(result.report.rowsStored).toBe(15504);
    expect(
      await value(
        '83599NED',
        'NL01',
        '2011KW01',
        'OpenstaandeVacatures_1',
        'BedrijfstakkenBranchesSBI2008=T001081',
      ),
    ).toEqual({
      value: 135.5,
      status: 'final',
    });
    expect(
      await value(
        '83599NED',
        'PV31',
        '2020KW02',
        'OpenstaandeVacatures_1',
        'BedrijfstakkenBranchesSBI2008=435500',
      ),
    ).toEqual({
      value: 0.1,
      status: 'provisional',
    });
    const empty = await store.all(
      `SELECT value, status FROM observation WHERE dataset = '83599NED' AND value IS NULL`,
    );
    expect(empty).toEqual([{ value: null, status: 'not_applicable' }]);
    const periods = await store.one(`SELECT kind, start_date, end_date FROM period WHERE code = '2020KW02'`);
    expect(periods).toEqual({ kind: 'quarter', start_date: '2020-04-01', end_date: '2020-06-30' });
  });

  it('passes --filter and --select to the feed, keeping the dimension columns', async () => {
    serve83599NED(server);
    await importTable(store, v3(), '83599NED', {
      filter: "RegioS eq 'PV20  '",
      select: ['OpenstaandeVacatures_1'],
    });
    expect(server.requests).toContain(
      "/ODataFeed/OData/83599NED/UntypedDataSet?$format=json&$filter=RegioS eq 'PV20  '&$select=BedrijfstakkenBranchesSBI2008,RegioS,Perioden,OpenstaandeVacatures_1",
    );
  });

  it('searches the real catalog page by words, catalog and date', async () => {
    server.route(
      '/ODataCatalog/Tables',
      file(join(ODATA_FIXTURES, 'v3-cbsodata3jl/ODataCatalog__Tables.json')),
    );
    const client = v3();
    expect((await client.search(['vacatures', 'regio'])).map((t) => t.id)).toEqual(['83599NED']);
    expect((await client.search(['banen'])).map((t) => t.id)).toEqual([
      '84669NED',
      '83583NED',
      '83582NED',
      '83628NED',
      '83658NED',
      '80137ned',
      '84164NED',
      '84166NED',
    ]);
    expect((await client.search(['banen'], { modifiedSince: '2020' })).map((t) => t.id)).toEqual([
      '83628NED',
      '83658NED',
      '84164NED',
      '84166NED',
    ]);
  });
});

describe('v4 through the replay server', () => {
  it('imports 03759ned from datasets.cbs.nl: 13568 observations, Impossible stored as not applicable', async () => {
    serveCheckdecijfers(server, '03759ned');
    const client = new StatlineClient({ baseUrl: `${server.url}/odata/v1`, cacheDir: cacheRoot(dir) });
    expect(client.api).toBe('v4');
    const { report } = await importTable(store, client, '03759ned');
    expect(report.outcome).toBe('stored');
    expect(report.rowsStored).toBe(13568);
    const totals = 'BurgerlijkeStaat=T001019;Geslacht=T001038;Leeftijd=10000';
    expect(await value('03759ned', 'GM0014', '2019JJ00', 'M000352', totals)).toEqual({
      value: 231299,
      status: 'final',
    });
    expect(await value('03759ned', 'GM0014', '2026JJ00', 'M000352', totals)).toEqual({
      value: 244427,
      status: 'final',
    });
    expect(await value('03759ned', 'GM0997', '2026JJ00', 'M000365', totals)).toEqual({
      value: null,
      status: 'not_applicable',
    });
    const counts = await store.one(
      `SELECT count(*) FILTER (WHERE status = 'not_applicable') AS impossible, count(*) FILTER (WHERE value IS NOT NULL) AS numbers FROM observation`,
    );
    expect(counts).toEqual({ impossible: 8165, numbers: 5403 });
    const dataset = await store.one(`SELECT title, licence, modified FROM dataset WHERE id = '03759ned'`);
    expect(dataset).toEqual({
      title: 'Bevolking op 1 januari en gemiddeld; geslacht, leeftijd en regio',
      licence: 'CC BY 4.0',
      modified: '2026-06-22T22:00:00.000Z',
    });
  });

  it('imports beta-odata4 80072ned with the provisional quarter', async () => {
    serve80072ned(server);
    const client = new StatlineClient({ baseUrl: server.url, api: 'v4', cacheDir: cacheRoot(dir) });
    const { report } = await importTable(store, client, '80072ned');
    expect(report.rowsStored).toBe(4409);
    expect(
      await value('80072ned', 'NL01', '2020KW01', 'M001924', 'BedrijfskenmerkenSBI2008=T001081'),
    ).toEqual({
      value: 5.2,
      status: 'provisional',
    });
    expect(
      await value('80072ned', 'NL01', '1996KW01', 'M001924', 'BedrijfskenmerkenSBI2008=T001081'),
    ).toEqual({
      value: 5.5,
      status: 'final',
    });
  });
});
