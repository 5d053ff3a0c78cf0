// Catalog search by theme, code groups as the category hierarchy, and English labels from a
// table's ENG twin, all driven through the loopback replay server.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { StatlineClient, cacheRoot, importTable } from '../../../src/sources/statline/index.js';
import { buildDimension } from '../../../src/disclosure/table.js';
import type { Store } from '../../../src/store/index.js';
import { ODATA_FIXTURES, file, json, type ReplayServer } from '../../helpers/replay-server.js';
import { useReplayServerAndStore } from '../../helpers/replay-store.js';
import {
  fixture,
  serve80072ned,
  serve80137ned,
  serve83599NED,
  serveSynthetic,
  serveThemes,
  syntheticTable,
} from '../../helpers/statline-tables.js';

let server: ReplayServer;
let store: Store;
let dir: string;
useReplayServerAndStore((world) => ({ server, store, dir } = world));

const v3 = () =>
  new StatlineClient({ baseUrl: server.url, cacheDir: cacheRoot(dir), http: { backoffMs: 5 } });
type Json = Record<string, unknown>;

describe('catalog search by theme', () => {
  it('finds the tables filed under every theme whose path holds the words', async () => {
    serveThemes(server);
    const client = v3();
    const arbeid = await client.search([], { theme: ['arbeid'] });
    expect(arbeid.map((t) => [t.id, t.themes])).toEqual([
      ['84669NED', ['Arbeid en sociale zekerheid > Banen, werkgelegenheid']],
      ['83628NED', ['Arbeid en sociale zekerheid > Banen, werkgelegenheid']],
      ['83599NED', ['Arbeid en sociale zekerheid > Vacatures']],
      ['80137ned', ['Arbeid en sociale zekerheid > Banen, werkgelegenheid']],
    ]);
    // Theme words, table words and the modified date narrow together.
    expect((await client.search(['banen'], { theme: ['arbeid'] })).map((t) => t.id)).toEqual([
      '84669NED',
      '83628NED',
      '80137ned',
    ]);
    expect(
      (await client.search([], { theme: ['arbeid', 'banen'], modifiedSince: '2020' })).map((t) => t.id),
    ).toEqual(['83628NED']);
    expect(await client.search([], { theme: ['bevolking', 'vacatures'] })).toEqual([]);
    expect(server.requests).toContain('/ODataCatalog/Themes?$format=json');
    expect(server.requests).toContain('/ODataCatalog/Tables_Themes?$format=json');
  });

  it('refuses a theme search on a v4 catalog, which has no themes', async () => {
    const client = new StatlineClient({ baseUrl: `${server.url}/odata/v1` });
    await expect(client.search([], { theme: ['arbeid'] })).rejects.toThrow(
      'the v4 catalog (Datasets) has no themes',
    );
    expect(server.requests).toEqual([]);
  });

  it('searches the v4 Datasets catalog by words and date', async () => {
    server.route('/CBS/Datasets', file(join(ODATA_FIXTURES, 'v4-beta-cbsodata4jl/CBS__Datasets.json')));
    const client = new StatlineClient({ baseUrl: server.url, api: 'v4' });
    const found = await client.search(['ziekteverzuim']);
    // 60006 names sick leave (ziekteverzuim) in its description.
    expect(found.map((t) => [t.id, t.language, t.recordCount])).toEqual([
      ['80072ned', 'nl', 4409],
      ['60006', 'nl', 760],
    ]);
    expect((await client.search(['landbouw'], { modifiedSince: '2020-04' })).map((t) => t.id)).not.toContain(
      '80784ned',
    );
  });
});

describe('code groups as the category hierarchy', () => {
  it('v4 80072ned: BedrijfskenmerkenSBI2008Groups become parents in dimension_code', async () => {
    serve80072ned(server);
    const client = new StatlineClient({ baseUrl: server.url, api: 'v4', cacheDir: cacheRoot(dir) });
    const table = await client.table('80072ned');
    expect(table.dimensions.find((d) => d.key === 'Perioden')?.groups?.map((g) => g.title)).toEqual([
      'Jaren',
      'Kwartalen',
    ]);
    const { report } = await importTable(store, client, '80072ned');
    expect(report.outcome).toBe('stored');
    const code = (c: string) =>
      store.one(
        `SELECT title, parent FROM dimension_code WHERE dataset = '80072ned' AND dimension = 'BedrijfskenmerkenSBI2008' AND code = $1`,
        [c],
      );
    expect(await code('group:0')).toEqual({ title: 'Bedrijfdtakken (SBI 2008) en -grootte', parent: null });
    expect(await code('group:2')).toEqual({ title: 'Bedrijfssector', parent: 'group:0' });
    expect(await code('T001081')).toEqual({ title: 'A-U Alle economische activiteiten', parent: 'group:1' });
    expect(await code('301000')).toEqual({ title: 'A Landbouw, bosbouw en visserij', parent: 'group:2' });
    // The stored tree is one disclosure control can read: every parent is a code, no cycles.
    const rows = await store.all<{ code: string; parent: string | null }>(
      `SELECT code, parent FROM dimension_code WHERE dataset = '80072ned' ORDER BY code`,
    );
    expect(rows).toHaveLength(39 + 6);
    const tree = buildDimension({ name: 'BedrijfskenmerkenSBI2008', codes: rows });
    expect(tree.depth[tree.index.get('301000')!]).toBe(2);
    expect(tree.depth[tree.index.get('group:0')!]).toBe(0);
  });

  it('v4 MeasureGroups title a measure with its group path', async () => {
    const table = syntheticTable({ id: '99997SYN', regions: 2, years: 2, measures: 2 });
    const codes = (table.measureCodes as { value: Json[] }).value;
    codes[0]!['MeasureGroupId'] = '2';
    codes[1]!['MeasureGroupId'] = '7';
    serveSynthetic(server, table);
    // In the shape of the recorded <Dimension>Groups (Id, Description, ParentId, Index, Title); synthetic titles.
    server.route(
      `/odata/v1/CBS/${table.id}/MeasureGroups`,
      json({
        '@odata.context': `https://datasets.cbs.nl/odata/v1/CBS/${table.id}/$metadata#MeasureGroups`,
        value: [
          { Id: '1', Description: '', ParentId: null, Index: 1, Title: 'Synthetische groep' },
          { Id: '2', Description: '', ParentId: '1', Index: 2, Title: 'Ondergroep' },
        ],
      }),
    );
    const client = new StatlineClient({ baseUrl: `${server.url}/odata/v1`, cacheDir: cacheRoot(dir) });
    await importTable(store, client, table.id);
    const titles = await store.all(`SELECT key, title FROM variable WHERE dataset = $1 ORDER BY key`, [
      table.id,
    ]);
    expect(titles).toEqual([
      { key: 'M000001', title: 'Synthetische groep > Ondergroep: Aantal synthetisch 1' },
      // A group MeasureGroups does not list keeps its id, so same-titled measures stay apart.
      { key: 'M000002', title: '7: Aantal synthetisch 2' },
    ]);
  });

  it('v3 CategoryGroups (ID, DimensionKey, Title, Description, ParentID) become parents', async () => {
    serve83599NED(server);
    const api = '/ODataApi/OData/83599NED';
    const rows = (fixture('v3-cbsodata3jl/83599NED__UntypedDataSet__page1.json') as { value: Json[] }).value;
    const branches = [...new Set(rows.map((r) => String(r['BedrijfstakkenBranchesSBI2008'])))];
    // The codes in their v3 shape, with a CategoryGroupID: the total in group 1, the rest in group 2.
    server.route(
      `${api}/BedrijfstakkenBranchesSBI2008`,
      json({
        value: branches.map((k) => ({
          Key: k,
          Title: `Branche ${k.trim()}`,
          Description: null,
          CategoryGroupID: k.trim() === 'T001081' ? 1 : 2,
        })),
      }),
    );
    server.route(
      `${api}/CategoryGroups`,
      json({
        'odata.metadata':
          'https://opendata.cbs.nl/ODataApi/OData/83599NED/$metadata#Cbs.OData.WebAPI.CategoryGroups',
        value: [
          {
            ID: 1,
            DimensionKey: 'BedrijfstakkenBranchesSBI2008',
            Title: 'Totaal',
            Description: null,
            ParentID: null,
          },
          {
            ID: 2,
            DimensionKey: 'BedrijfstakkenBranchesSBI2008',
            Title: 'Sectoren (synthetic)',
            Description: null,
            ParentID: 1,
          },
        ],
      }),
    );
    const { report } = await importTable(store, v3(), '83599NED');
    expect(report.outcome).toBe('stored');
    const other = branches.map((k) => k.trim()).find((k) => k !== 'T001081')!;
    const parents = await store.all(
      `SELECT code, parent FROM dimension_code WHERE dataset = '83599NED' AND code IN ('group:1', 'group:2', 'T001081', $1) ORDER BY code`,
      [other],
    );
    expect(parents).toEqual(
      [
        { code: other, parent: 'group:2' },
        { code: 'T001081', parent: 'group:1' },
        { code: 'group:1', parent: null },
        { code: 'group:2', parent: 'group:1' },
      ].sort((a, b) => (a.code < b.code ? -1 : 1)),
    );
  });
});

/**
 * Serves 80137eng, an English twin of the recorded 80137ned BUILT FOR THE TEST in the same v3
 * shape: the same cube with English-style keys (as CBS's ENG tables have) and titles marked [en].
 */
function serveEnglishTwin(server: ReplayServer, options: { dropLastTopic?: boolean } = {}): void {
  const keys: Record<string, string> = {
    Persoonskenmerken: 'PersonalCharacteristics',
    BedrijfstakkenSBI93: 'SectorBranchesSIC1993',
    Perioden: 'Periods',
  };
  const api = '/ODataApi/OData/80137eng';
  const info = fixture('v3-cbsodata3jl/80137ned__TableInfos.json') as { value: Json[] };
  server.route(
    `${api}/TableInfos`,
    json({
      ...info,
      value: [
        {
          ...info.value[0],
          Identifier: '80137eng',
          Title: 'Labour accounts; age and education [en]',
          Language: 'en',
        },
      ],
    }),
  );
  const properties = (fixture('v3-cbsodata3jl/80137ned__DataProperties.json') as { value: Json[] }).value
    .filter((p, i, all) => !(options.dropLastTopic && i === all.length - 1))
    .map((p) => ({
      ...p,
      Key: keys[String(p['Key'])] ?? (p['Type'] === 'Topic' ? `En${String(p['Key'])}` : p['Key']),
      Title: `${String(p['Title'])} [en]`,
    }));
  server.route(`${api}/DataProperties`, json({ value: properties }));
  for (const [dutch, english] of Object.entries(keys)) {
    const codes = (fixture(`v3-cbsodata3jl/80137ned__${dutch}.json`) as { value: Json[] }).value;
    server.route(
      `${api}/${english}`,
      json({ value: codes.map((c) => ({ ...c, Title: `${String(c['Title'])} [en]` })) }),
    );
  }
}

describe('English labels from the ENG twin', () => {
  const label = (item: string, dimension: string, key: string) =>
    store.one<{ title: string }>(
      `SELECT title FROM label WHERE dataset = '80137ned' AND language = 'en' AND item = $1 AND dimension = $2 AND key = $3`,
      [item, dimension, key],
    );

  it('stores English titles next to the Dutch ones, matched by position and code', async () => {
    serve80137ned(server);
    serveEnglishTwin(server);
    const result = await importTable(store, v3(), '80137ned', { typed: true });
    expect(result.english).toEqual({ table: '80137eng', labels: expect.any(Number) });
    expect(await label('dataset', '', '')).toEqual({ title: 'Labour accounts; age and education [en]' });
    expect(await label('dimension', '', 'Persoonskenmerken')).toEqual({ title: 'Persoonskenmerken [en]' });
    expect(await label('code', 'Persoonskenmerken', '2')).toEqual({ title: 'Mannen [en]' });
    // The Dutch stays as it was.
    expect(
      await store.one(
        `SELECT title FROM dimension_code WHERE dataset = '80137ned' AND dimension = 'Persoonskenmerken' AND code = '2'`,
      ),
    ).toEqual({ title: 'Mannen' });
    const variable = await store.one<{ title: string }>(
      `SELECT title FROM variable WHERE dataset = '80137ned' AND key = 'Werknemers_2'`,
    );
    expect(variable?.title).not.toContain('[en]');
    expect((await label('variable', '', 'Werknemers_2'))?.title).toMatch(/\[en\]: .*\[en\]$/);
    const count = await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM label WHERE dataset = '80137ned'`,
    );
    expect(count?.n).toBe((result.english as { labels: number }).labels);
  });

  it('adds none when the twin has another shape, and says why; the import stands', async () => {
    serve80137ned(server);
    serveEnglishTwin(server, { dropLastTopic: true });
    const result = await importTable(store, v3(), '80137ned', { typed: true });
    expect(result.report.outcome).toBe('stored');
    expect(result.english).toEqual({ problem: '80137eng: measures differ (12 in 80137ned, 11 in 80137eng)' });
    expect(await store.one(`SELECT count(*) AS n FROM label`)).toEqual({ n: 0 });
  });

  it('asks for the twin once and stores nothing when CBS has none (404)', async () => {
    serve80137ned(server);
    const result = await importTable(store, v3(), '80137ned', { typed: true });
    expect(result.english).toBeUndefined();
    expect(server.count((p) => p.includes('80137eng'))).toBe(1);
    expect(await store.one(`SELECT count(*) AS n FROM label`)).toEqual({ n: 0 });
    await importTable(store, v3(), '80137ned', { typed: true, english: false });
    expect(server.count((p) => p.includes('80137eng'))).toBe(1);
  });
});
