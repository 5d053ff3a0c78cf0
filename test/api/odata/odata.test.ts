import { serve, type ServerType } from '@hono/node-server';
import { OData } from '@odata/client';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { odataRoutes } from '../../../src/api/odata/index.js';
import { HIDDEN, publishedWorld, type PublishedWorld } from '../../helpers/published.js';

let world: PublishedWorld;
let small: { url: string; server: ServerType };
const PAGE = 7;

beforeAll(async () => {
  world = await publishedWorld();
  // The same service with a small page size, so paging shows on little data.
  const app = new Hono().route('/odata/v4', odataRoutes(world.store, { maxPageSize: PAGE }));
  await new Promise<void>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      small = { url: `http://127.0.0.1:${info.port}/odata/v4`, server };
      resolve();
    });
  });
}, 120_000);
afterAll(async () => {
  await new Promise((done) => small.server.close(done));
  await world.close();
});

type Row = Record<string, unknown>;
// The client's orderby() defaults to descending and keeps one field; orderbyMulti keeps both.
const BY_PERIOD = [
  { field: 'Period', order: 'asc' as const },
  { field: 'Variable', order: 'asc' as const },
];
const GM0014 = "Dataset eq 'cbs-03759ned-bevolking' and Region eq 'GM0014'";

describe('OData v4 read by an independent client (@odata/client)', () => {
  it('reads an entity set, filters and counts as the store says', async () => {
    const client = OData.New4({ serviceEndpoint: `${world.server.url}/odata/v4/` });
    const observations = client.getEntitySet<Row>('Observations');
    const filter = client
      .newFilter()
      .property('Dataset')
      .eqString('cbs-03759ned-bevolking')
      .property('Region')
      .eqString('GM0014');
    const rows = await observations.query(client.newParam().filter(filter).orderbyMulti(BY_PERIOD));
    const expected = await world.store.all(
      `SELECT variable, period, value FROM observation WHERE dataset = 'cbs-03759ned-bevolking' AND region = 'GM0014' ORDER BY period, variable`,
    );
    expect(rows.map((r) => [r['Variable'], r['Period'], r['Value']])).toEqual(
      expected.map((r) => [r['variable'], r['period'], r['value']]),
    );
    expect(rows.length).toBeGreaterThan(10);
    expect(await observations.count(filter)).toBe(expected.length);
    const datasets = await client.getEntitySet<Row>('Datasets').query();
    expect(datasets.map((d) => d['Id'])).toContain('cbs-83625ned-verkoopprijzen');
    expect(datasets.map((d) => d['Id'])).not.toContain('intern-bevolking');
  });

  it('pages with the server: every row once, in order, following @odata.nextLink', async () => {
    const client = OData.New4({ serviceEndpoint: `${small.url}/` });
    const params = () => client.newParam().filter(GM0014).select(['Variable', 'Period', 'Value']).count(true);
    const first = await client.newRequest({ collection: 'Observations', params: params() });
    const total = (first as Row)['@odata.count'] as number;
    const seen: Row[] = [...((first as Row)['value'] as Row[])];
    let next = (first as Row)['@odata.nextLink'] as string | undefined;
    let pages = 1;
    while (next) {
      // The client asks for the next page by the $skip the server named.
      const skip = Number(new URL(next).searchParams.get('$skip'));
      const page = (await client.newRequest({
        collection: 'Observations',
        params: params().skip(skip),
      })) as Row;
      seen.push(...(page['value'] as Row[]));
      next = page['@odata.nextLink'] as string | undefined;
      pages++;
    }
    expect(pages).toBe(Math.ceil(total / PAGE));
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((r) => `${r['Variable']}|${r['Period']}`)).size).toBe(total);
    expect(Object.keys(seen[0]!).sort()).toEqual(['Period', 'Value', 'Variable']);
  });

  it('pages with $top and $skip from the client', async () => {
    const client = OData.New4({ serviceEndpoint: `${world.server.url}/odata/v4/` });
    const es = client.getEntitySet<Row>('Observations');
    const all = await es.query(client.newParam().filter(GM0014).orderbyMulti(BY_PERIOD));
    const slice = await es.query(client.newParam().filter(GM0014).orderbyMulti(BY_PERIOD).skip(3).top(4));
    expect(slice).toEqual(all.slice(3, 7));
  });
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${world.server.url}/odata/v4${path}`, { headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function values(filter: string): Promise<Row[]> {
  const r = await get(`/Observations?$filter=${encodeURIComponent(filter)}`);
  expect(r.status, r.body).toBe(200);
  return (JSON.parse(r.body) as { value: Row[] }).value;
}

describe('OData v4 over HTTP', () => {
  it('has a service document and $metadata in CSDL XML and JSON', async () => {
    const root = await get('');
    expect(JSON.parse(root.body).value.map((s: Row) => s['name'])).toEqual([
      'Datasets',
      'Observations',
      'IndicatorValues',
      'Regions',
    ]);
    expect(root.headers.get('odata-version')).toBe('4.0');
    const xml = await get('/$metadata');
    expect(xml.headers.get('content-type')).toMatch(/application\/xml/);
    expect(xml.body).toContain('<EntitySet Name="Observations" EntityType="UDC.Observation">');
    expect(xml.body).toContain('<Property Name="Value" Type="Edm.Double" Nullable="true">');
    const json = JSON.parse((await get('/$metadata?$format=json')).body);
    expect(json.UDC.Observation.$Key).toEqual(['Dataset', 'Variable', 'Region', 'Period', 'Categories']);
  });

  it('answers each filter operator as SQL written by hand does', async () => {
    const count = async (where: string) =>
      Number(
        (
          await world.store.one<{ n: number }>(
            `SELECT count(*) AS n FROM observation WHERE dataset IN ('cbs-03759ned-bevolking', 'cbs-83625ned-verkoopprijzen') AND (${where})`,
          )
        )?.n,
      );
    const scope = "(Dataset eq 'cbs-03759ned-bevolking' or Dataset eq 'cbs-83625ned-verkoopprijzen')";
    const cases: [string, string][] = [
      ["Region eq 'GM0014'", "region = 'GM0014'"],
      ["Region ne 'GM0014'", "region <> 'GM0014'"],
      ['Value gt 250000', 'value > 250000'],
      ['Value ge 250000 and Value le 300000', 'value BETWEEN 250000 AND 300000'],
      ['Value lt 10000', 'value < 10000'],
      ['not (Value lt 10000)', 'NOT coalesce(value < 10000, false)'],
      ['Value eq null', 'value IS NULL'],
      ["Region in ('GM0014', 'GM0106', 'GM9999')", "region IN ('GM0014', 'GM0106')"],
      ["contains(Variable, 'gemiddelde')", "variable LIKE '%gemiddelde%'"],
      [
        "startswith(Region, 'PV') or endswith(Period, '19JJ00')",
        "region LIKE 'PV%' OR period LIKE '%19JJ00'",
      ],
      ["tolower(Region) eq 'gm0014'", "region = 'GM0014'"],
    ];
    for (const [filter, where] of cases) {
      const rows = await values(`${scope} and (${filter})`);
      expect(rows.length, filter).toBe(await count(where));
      expect(rows.length, filter).toBeGreaterThan(0);
    }
  });

  it('selects, orders, skips, tops and counts', async () => {
    const r = JSON.parse(
      (
        await get(
          `/Observations?$filter=${encodeURIComponent(GM0014)}&$select=Period,Value&$orderby=Value desc&$top=2&$skip=1&$count=true`,
        )
      ).body,
    );
    const all = await world.store.all<{ value: number }>(
      `SELECT value FROM observation WHERE dataset = 'cbs-03759ned-bevolking' AND region = 'GM0014' ORDER BY value DESC`,
    );
    expect(r['@odata.count']).toBe(all.length);
    expect(r.value.map((v: Row) => v['Value'])).toEqual([all[1]!.value, all[2]!.value]);
    expect(Object.keys(r.value[0])).toEqual(['Period', 'Value']);
    expect(r['@odata.context']).toMatch(/\$metadata#Observations\(Period,Value\)$/);
    expect((await get(`/Observations/$count?$filter=${encodeURIComponent(GM0014)}`)).body).toBe(
      String(all.length),
    );
    expect(JSON.parse((await get("/Datasets('cbs-03759ned-bevolking')")).body).Id).toBe(
      'cbs-03759ned-bevolking',
    );
  });

  it('honours Prefer: odata.maxpagesize and names the next page', async () => {
    const r = await get(`/Observations?$filter=${encodeURIComponent(GM0014)}`, {
      prefer: 'odata.maxpagesize=5',
    });
    const body = JSON.parse(r.body);
    expect(body.value).toHaveLength(5);
    expect(r.headers.get('preference-applied')).toBe('odata.maxpagesize=5');
    expect(new URL(body['@odata.nextLink']).searchParams.get('$skip')).toBe('5');
  });

  it('withholds indicator values hidden by disclosure control and never serves internal data', async () => {
    const hidden = JSON.parse(
      (
        await get(
          `/IndicatorValues?$filter=${encodeURIComponent(`Indicator eq '${HIDDEN.indicator}' and Region eq '${HIDDEN.region}' and Period eq '${HIDDEN.period}'`)}`,
        )
      ).body,
    );
    expect(hidden.value).toEqual([
      expect.objectContaining({ Indicator: HIDDEN.indicator, Value: null, Disclosure: 'primary' }),
    ]);
    expect(JSON.stringify(hidden)).not.toMatch(/numerator|denominator/i);
    // Every value the build hid is served as null, and only those carry a flag.
    const flagged = JSON.parse(
      (
        await get(
          `/IndicatorValues?$filter=${encodeURIComponent(`Indicator eq '${HIDDEN.indicator}' and Disclosure ne null`)}&$select=Region,Value,Disclosure`,
        )
      ).body,
    ).value as Row[];
    const suppressed = await world.store.all<{ region: string; disclosure: string }>(
      `SELECT region, disclosure FROM indicator_value WHERE indicator = $1 AND disclosure IS NOT NULL ORDER BY region`,
      [HIDDEN.indicator],
    );
    expect(suppressed.map((r) => r.disclosure)).toEqual(expect.arrayContaining(['primary', 'secondary']));
    expect(flagged.map((v) => [v['Region'], v['Value'], v['Disclosure']]).sort()).toEqual(
      suppressed.map((r) => [r.region, null, r.disclosure]),
    );
    const shown = await world.store.one<{ value: number }>(
      `SELECT value FROM indicator_value WHERE indicator = 'bevolking_1_januari' AND region = 'GM0014' AND period = '2021JJ00'`,
    );
    expect(shown!.value).toBe(233273); // CBS 03759ned: Groningen on 1 January 2021
    const visible = JSON.parse(
      (
        await get(
          `/IndicatorValues?$filter=${encodeURIComponent("Indicator eq 'bevolking_1_januari' and Region eq 'GM0014' and Period eq '2021JJ00'")}`,
        )
      ).body,
    );
    expect(visible.value.map((v: Row) => v['Value'])).toEqual([shown!.value]);
    const internal = await world.store.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM published_indicator_value WHERE indicator = 'intern_inwoners'`,
    );
    expect(internal!.n).toBeGreaterThan(0); // built and protected, yet internal
    expect(
      JSON.parse((await get("/IndicatorValues?$filter=Indicator eq 'intern_inwoners'")).body).value,
    ).toEqual([]);
    expect(JSON.parse((await get("/Observations?$filter=Dataset eq 'intern-bevolking'")).body).value).toEqual(
      [],
    );
    expect((await get("/Datasets('intern-bevolking')")).status).toBe(404);
  });

  it('answers bad requests with 400 in OData JSON error format, pointing at the problem', async () => {
    const cases: [string, RegExp][] = [
      [
        "/Observations?$filter=Region eq 'GM0014' and",
        /\$filter: at position 23: found the end of the filter/,
      ],
      ['/Observations?$filter=Regio eq 1', /unknown property "Regio"/],
      ['/Observations?$select=Value,Nope', /\$select: at position 7: unknown property "Nope"/],
      ['/Observations?$orderby=Value sideways', /not a property with optional asc or desc/],
      ['/Observations?$top=-1', /\$top: "-1" is not a whole number/],
      ['/Observations?$top=99999999999999', /larger than the largest accepted value/],
      ['/Observations?$expand=Dataset', /\$expand: is not supported/],
      ['/Observations?$top=1&$top=2', /given more than once/],
      ['/Observations?$format=xml', /not served; expected json/],
      ['/Observations?$filter=%E0%A4%A', /unexpected character/],
    ];
    for (const [path, message] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(JSON.parse(r.body).error.message, path).toMatch(message);
    }
    const missing = await get('/Nope');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('NotFound');
  });
});
