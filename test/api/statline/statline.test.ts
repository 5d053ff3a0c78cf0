// udc's StatLine-compatible v3 API, read by udc's own StatLine client and compared with what
// was published, and its documents compared field by field with CBS's recorded answers.
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statlineRoutes } from '../../../src/api/statline/index.js';
import { StatlineClient, importTable } from '../../../src/sources/statline/index.js';
import type { Store } from '../../../src/store/index.js';
import { DEMO_DATASETS, publishedWorld, type PublishedWorld } from '../../helpers/published.js';
import { startReplayServer } from '../../helpers/replay-server.js';
import { fixture, serve80137ned, serve83599NED } from '../../helpers/statline-tables.js';
import { temporaryStore } from '../../helpers/store.js';
import { CHROMIUM } from '../../web/dashboard-server.js';

let world: PublishedWorld;
let small: { url: string; server: ServerType };
const SMALL_PAGE = 500;

beforeAll(async () => {
  world = await publishedWorld();
  // CBS's own recorded tables, imported through the client first: categories, padded keys,
  // a provisional quarter. They are published by udc like any other dataset.
  const replay = await startReplayServer();
  try {
    serve80137ned(replay);
    serve83599NED(replay);
    const cbs = new StatlineClient({ baseUrl: replay.url, http: { backoffMs: 5 } });
    expect((await importTable(world.store, cbs, '80137ned', { typed: true })).report.outcome).toBe('stored');
    expect((await importTable(world.store, cbs, '83599NED')).report.outcome).toBe('stored');
  } finally {
    await replay.close();
  }
  const app = new Hono().route('/', statlineRoutes(world.store, { pageSize: SMALL_PAGE }));
  await new Promise<void>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      small = { url: `http://127.0.0.1:${info.port}`, server };
      resolve();
    });
  });
}, 180_000);
afterAll(async () => {
  await new Promise((done) => small.server.close(done));
  await world.close();
});

const OBSERVATIONS = `SELECT variable, region, period, categories, value, status FROM observation WHERE dataset = $1
  ORDER BY variable, region, period, categories`;

async function roundTrip(baseUrl: string, id: string, reader: 'bulk' | 'rows') {
  const { store: back, dispose } = await temporaryStore();
  try {
    const client = new StatlineClient({ baseUrl, api: 'v3', http: { backoffMs: 5 } });
    const result = await importTable(back, client, id, { datasetId: 'terug', reader });
    expect(result.report.outcome, JSON.stringify(result.report.issues.slice(0, 3))).toBe('stored');
    const published = await world.store.all(OBSERVATIONS, [id]);
    const read = await back.all(OBSERVATIONS, ['terug']);
    const variables = async (s: Store, d: string) =>
      s.all('SELECT key, title, unit, aggregation FROM variable WHERE dataset = $1 ORDER BY key', [d]);
    return {
      published,
      read,
      pages: result.pages,
      variables: [await variables(world.store, id), await variables(back, 'terug')],
    };
  } finally {
    await dispose();
  }
}

describe("udc's StatLine client reads udc's v3 API back", () => {
  it('round trip of every published dataset: every observation equal to what was published', async () => {
    const ids = (
      await world.store.all<{ id: string }>(
        `SELECT id FROM dataset WHERE confidentiality = 'open' ORDER BY id`,
      )
    ).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([...DEMO_DATASETS, '80137ned', '83599NED']));
    for (const id of ids) {
      // A StatLine table is a full grid. Where a dataset leaves cells out, the engine (bulk)
      // reader of the client stores them as '.', the row reader skips them; so sparse datasets
      // are compared through the row reader.
      const full = await world.store.one<{ full: boolean }>(
        `SELECT count(*) = (SELECT count(*) FROM variable WHERE dataset = $1)
                           * (SELECT count(*) FROM (SELECT DISTINCT region, period, categories FROM observation WHERE dataset = $1)) AS full
         FROM observation WHERE dataset = $1`,
        [id],
      );
      const { published, read, variables } = await roundTrip(
        world.server.url,
        id,
        full?.full ? 'bulk' : 'rows',
      );
      expect(read.length, id).toBe(published.length);
      expect(read, id).toEqual(published);
      expect(variables[1], id).toEqual(variables[0]);
    }
  }, 300_000);

  it('round trip through ODataFeed paging (odata.nextLink) and the row-by-row reader', async () => {
    for (const id of ['cbs-03759ned-bevolking', '83599NED']) {
      const { published, read, pages } = await roundTrip(small.url, id, 'rows');
      expect(pages, id).toBeGreaterThan(2);
      expect(read, id).toEqual(published);
    }
    // The provisional quarter of 83599NED keeps its status through Perioden's Status.
    const provisional = await world.store.one<{ n: number }>(
      `SELECT count(*) AS n FROM observation WHERE dataset = '83599NED' AND status = 'provisional'`,
    );
    expect(Number(provisional?.n)).toBeGreaterThan(0);
  }, 300_000);
});

async function json(path: string, base = world.server.url) {
  const response = await fetch(`${base}${path}`);
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { value: Record<string, unknown>[] },
  };
}

const keys = (o: object) => Object.keys(o).sort();

describe('same shapes and field names as CBS', () => {
  it('TableInfos, DataProperties, dimension lists, service document and catalogue have CBS fields', async () => {
    const cbsInfo = (fixture('v3-cbsodata3jl/80137ned__TableInfos.json') as { value: object[] }).value[0]!;
    const info = (await json('/ODataApi/odata/cbs-03759ned-bevolking/TableInfos?$format=json')).body;
    expect(keys(info.value[0]!)).toEqual(keys(cbsInfo));
    expect(info['odata.metadata']).toMatch(/\/\$metadata#Cbs\.OData\.WebAPI\.TableInfos$/);

    const cbsProperties = (
      fixture('v3-cbsodata3jl/80137ned__DataProperties.json') as { value: Record<string, unknown>[] }
    ).value;
    const properties = (await json('/ODataApi/odata/80137ned/DataProperties')).body.value;
    for (const type of ['Dimension', 'TimeDimension', 'Topic']) {
      const ours = properties.find((p) => p['Type'] === type)!;
      const theirs = cbsProperties.find((p) => p['Type'] === type)!;
      expect(keys(ours), type).toEqual(expect.arrayContaining(keys(theirs)));
    }
    expect(properties.find((p) => p['Key'] === 'RegioS')).toMatchObject({
      Type: 'GeoDimension',
      'odata.type': 'Cbs.OData.GeoDimension',
    });

    const perioden = (await json('/ODataApi/odata/83599NED/Perioden')).body.value;
    const cbsPerioden = (fixture('v3-cbsodata3jl/80137ned__Perioden.json') as { value: object[] }).value;
    expect(keys(perioden[0]!)).toEqual(keys(cbsPerioden[0]!));
    expect(perioden.find((p) => p['Key'] === '2020KW02')?.['Status']).toBe('Voorlopig');
    const persons = (await json('/ODataApi/odata/80137ned/Persoonskenmerken')).body.value;
    const cbsPersons = (fixture('v3-cbsodata3jl/80137ned__Persoonskenmerken.json') as { value: object[] })
      .value;
    expect(keys(persons[0]!)).toEqual(keys(cbsPersons[0]!));

    const root = (await json('/ODataApi/odata/80137ned')).body;
    const cbsRoot = fixture('v3-cbsodata3jl/80137ned__service-root.json') as { value: { name: string }[] };
    expect(root.value.map((v) => v['name']).sort()).toEqual(
      [...cbsRoot.value.map((v) => v.name), 'RegioS'].sort(),
    );

    const catalog = (await json('/ODataCatalog/Tables?$format=json')).body;
    const cbsCatalog = (fixture('v3-cbsodata3jl/ODataCatalog__Tables.json') as { value: object[] }).value[0]!;
    expect(keys(catalog.value[0]!)).toEqual(keys(cbsCatalog));
    expect(catalog.value.map((t) => t['Identifier'])).not.toContain('intern-bevolking');
  });

  it('writes data sets as CBS does: padded region keys, CBS period codes, right-aligned text and symbols', async () => {
    const cbsRow = (
      fixture('v3-cbsodata3jl/83599NED__UntypedDataSet__page1.json') as { value: Record<string, string>[] }
    ).value[0]!;
    const untyped = (
      await json(
        "/ODataApi/odata/83599NED/UntypedDataSet?$filter=RegioS eq 'NL01  ' and Perioden eq '2011KW01' and BedrijfstakkenBranchesSBI2008 eq 'T001081'",
      )
    ).body.value;
    expect(keys(untyped[0]!)).toEqual(keys(cbsRow));
    expect(untyped[0]).toMatchObject({
      RegioS: 'NL01  ',
      Perioden: '2011KW01',
      OpenstaandeVacatures_1: '   135.5',
    });
    const demo = (
      await json(
        "/ODataApi/odata/cbs-03759ned-bevolking/TypedDataSet?$filter=RegioS eq 'GM0014' and Perioden eq '2021JJ00'",
      )
    ).body.value;
    expect(demo).toEqual([
      {
        ID: 0,
        RegioS: 'GM0014  ',
        Perioden: '2021JJ00',
        bevolking_1_januari: 233273,
        gemiddelde_bevolking: 234111.5,
      },
    ]);
    // The KWB table has real CBS special values: untyped writes the symbol, typed gives null.
    const special = await world.store.one<{
      dataset: string;
      variable: string;
      region: string;
      period: string;
      status: string;
    }>(
      `SELECT dataset, variable, region, period, status FROM observation WHERE status IN ('missing', 'secret', 'nil') AND dataset IN (SELECT id FROM dataset WHERE confidentiality = 'open') LIMIT 1`,
    );
    if (special) {
      const filter = `RegioS eq '${special.region}' and Perioden eq '${special.period}'`;
      const row = (
        await json(
          `/ODataApi/odata/${special.dataset}/UntypedDataSet?$filter=${encodeURIComponent(filter)}&$select=${special.variable}`,
        )
      ).body.value[0]!;
      expect(row[special.variable]).toBe(
        { missing: '       .', secret: '       x', nil: '       -' }[special.status],
      );
      const typedRow = (
        await json(
          `/ODataApi/odata/${special.dataset}/TypedDataSet?$filter=${encodeURIComponent(filter)}&$select=${special.variable}`,
        )
      ).body.value[0]!;
      expect(typedRow[special.variable]).toBeNull();
    }
  });

  it('filters as StatLine does: padded or trimmed keys, substringof, startswith, and/or on dimensions', async () => {
    const count = async (filter: string) =>
      (await json(`/ODataFeed/odata/80137ned/TypedDataSet?$filter=${encodeURIComponent(filter)}&$select=ID`))
        .body.value.length;
    expect(await count("Persoonskenmerken eq '1 '")).toBe(await count("Persoonskenmerken eq '1'"));
    expect(await count("Persoonskenmerken eq '1' and Perioden eq '2001JJ00'")).toBe(
      (await count("Persoonskenmerken eq '1'")) / 5,
    );
    expect(await count("substringof('2001', Perioden) or startswith(Perioden, '2002')")).toBe(675 * (2 / 5));
    expect(await count("RegioS eq 'NL01'")).toBe(675);
  });

  it('pages as CBS: ODataApi refuses more than a page, ODataFeed names the next one', async () => {
    const refused = await json('/ODataApi/odata/cbs-03759ned-bevolking/TypedDataSet', small.url);
    expect(refused.status).toBe(400);
    expect((refused.body['odata.error'] as { message: { value: string } }).message.value).toMatch(
      /more than 500 rows.*ODataFeed/,
    );
    expect(
      (await json('/ODataApi/odata/cbs-03759ned-bevolking/TypedDataSet?$top=50&$skip=10', small.url)).body
        .value,
    ).toHaveLength(50);
    const feed = (
      await json('/ODataFeed/odata/cbs-03759ned-bevolking/UntypedDataSet?$format=json', small.url)
    ).body;
    expect(feed.value).toHaveLength(SMALL_PAGE);
    expect(feed['odata.nextLink']).toBe(
      `${small.url}/ODataFeed/odata/cbs-03759ned-bevolking/UntypedDataSet?$format=json&$skip=${SMALL_PAGE}`,
    );
  });

  it('answers bad requests with 4xx in the v3 error shape', async () => {
    const cases: [string, number, RegExp][] = [
      ['/ODataApi/odata/nope/TableInfos', 404, /no published table "nope"/],
      ['/ODataApi/odata/intern-bevolking/TableInfos', 404, /no published table/],
      ['/ODataApi/odata/80137ned/Nope', 404, /has no collection "Nope"/],
      ['/ODataApi/odata/80137ned/TypedDataSet?$filter=Perioden eq', 400, /\$filter: at position 12/],
      ['/ODataApi/odata/80137ned/TypedDataSet?$filter=Totaal_1 gt 3', 400, /unknown property "Totaal_1"/],
      ['/ODataApi/odata/80137ned/TypedDataSet?$select=Nope', 400, /unknown column "Nope"/],
      ['/ODataApi/odata/80137ned/TypedDataSet?$top=x', 400, /not a whole number/],
      ['/ODataApi/odata/80137ned/TypedDataSet?$format=atom', 400, /not served/],
      ['/ODataApi/odata/80137ned/TypedDataSet?$expand=x', 400, /\$expand: is not supported/],
    ];
    for (const [path, status, message] of cases) {
      const r = await json(path);
      expect(r.status, path).toBe(status);
      expect((r.body['odata.error'] as { message: { value: string } }).message.value, path).toMatch(message);
    }
  });
});

describe('$metadata (CSDL v3, what Excel and Power BI read first)', () => {
  // The fields the test reads of an answer (the rest is checked field by field).
  interface Answer {
    'odata.metadata': string;
    value: Record<string, unknown>[];
  }
  interface Schema {
    namespace: string;
    container: string;
    sets: Record<string, string>;
    types: Record<string, { base: string | null; key: string | null; properties: Record<string, string> }>;
  }

  // An independent XML parser (Chromium's DOMParser) reads the documents, so a malformed
  // document fails here rather than in a customer's Excel.
  async function parseCsdl(xml: string): Promise<Schema> {
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const page = await browser.newPage();
      return await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'application/xml');
        const error = doc.querySelector('parsererror');
        if (error) throw new Error(`not well-formed: ${error.textContent}`);
        const schema = doc.getElementsByTagName('Schema')[0]!;
        const container = schema.getElementsByTagName('EntityContainer')[0]!;
        const sets: Record<string, string> = {};
        for (const s of Array.from(container.getElementsByTagName('EntitySet')))
          sets[s.getAttribute('Name')!] = s.getAttribute('EntityType')!;
        const types: Schema['types'] = {};
        for (const t of Array.from(schema.getElementsByTagName('EntityType'))) {
          const properties: Record<string, string> = {};
          for (const p of Array.from(t.getElementsByTagName('Property')))
            properties[p.getAttribute('Name')!] = p.getAttribute('Type')!;
          types[t.getAttribute('Name')!] = {
            base: t.getAttribute('BaseType'),
            key: t.getElementsByTagName('PropertyRef')[0]?.getAttribute('Name') ?? null,
            properties,
          };
        }
        return {
          namespace: schema.getAttribute('Namespace')!,
          container: container.getAttribute('Name')!,
          sets,
          types,
        };
      }, xml);
    } finally {
      await browser.close();
    }
  }

  it("describes every collection of a table with the property names and types of the table's answers", async () => {
    const base = `${small.url}/ODataFeed/odata/80137ned`;
    const response = await fetch(`${base}/$metadata`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/xml/);
    const schema = await parseCsdl(await response.text());
    const json = async (path: string) => (await (await fetch(`${base}/${path}`)).json()) as Answer;

    // Every collection of the service document is an entity set, and the answers' metadata
    // fragment (#Cbs.OData.WebAPI.<set>) is namespace.container.set of this document.
    const service = await json('');
    for (const { name } of service.value as { name: string }[]) expect(schema.sets).toHaveProperty([name]);
    const typed = await json('TypedDataSet?$top=5');
    expect(typed['odata.metadata']).toBe(
      `${base}/$metadata#${schema.namespace}.${schema.container}.TypedDataSet`,
    );
    const typeOf = (set: string) => schema.types[schema.sets[set]!.slice(schema.namespace.length + 1)]!;
    // Each field of each answer is a declared property, numbers as Edm.Double, codes as strings.
    const typedType = typeOf('TypedDataSet');
    expect(typedType.key).toBe('ID');
    for (const row of typed.value as Record<string, unknown>[]) {
      for (const [field, value] of Object.entries(row)) {
        const declared = typedType.properties[field];
        expect(declared, field).toBeDefined();
        if (typeof value === 'number' && field !== 'ID') expect(declared).toBe('Edm.Double');
        if (typeof value === 'string') expect(declared).toBe('Edm.String');
      }
    }
    const untyped = await json('UntypedDataSet?$top=5');
    for (const field of Object.keys(untyped.value[0]!))
      expect(typeOf('UntypedDataSet').properties).toHaveProperty([field]);
    const infos = await json('TableInfos');
    expect(Object.keys(typeOf('TableInfos').properties).sort()).toEqual(Object.keys(infos.value[0]!).sort());
    for (const dimension of ['Persoonskenmerken', 'Perioden']) {
      const list = await json(dimension);
      expect(Object.keys(typeOf(dimension).properties).sort()).toEqual(Object.keys(list.value[0]!).sort());
    }
    // DataProperties are of derived types (Cbs.OData.Topic ...): each record's odata.type is a
    // declared type deriving from the set's type, and has each of the record's fields.
    const properties = await json('DataProperties');
    const base_ = schema.sets['DataProperties']!;
    for (const record of properties.value as Record<string, unknown>[]) {
      const typeName = String(record['odata.type']);
      expect(typeName.startsWith(`${schema.namespace}.`)).toBe(true);
      const type = schema.types[typeName.slice(schema.namespace.length + 1)];
      expect(type, typeName).toBeDefined();
      expect(type!.base).toBe(base_);
      const declared = {
        ...schema.types[base_.slice(schema.namespace.length + 1)]!.properties,
        ...type!.properties,
      };
      for (const field of Object.keys(record).filter((f) => !f.startsWith('odata.')))
        expect(declared, `${typeName}.${field}`).toHaveProperty([field]);
    }
  });

  it('describes the catalogue with the fields of its Tables records', async () => {
    const schema = await parseCsdl(await (await fetch(`${small.url}/ODataCatalog/$metadata`)).text());
    const tables = (await (await fetch(`${small.url}/ODataCatalog/Tables?$top=1`)).json()) as {
      value: Record<string, unknown>[];
    };
    const type = schema.types[schema.sets['Tables']!.slice(schema.namespace.length + 1)]!;
    expect(Object.keys(type.properties).sort()).toEqual(Object.keys(tables.value[0]!).sort());
    expect(Object.keys(schema.sets)).toEqual(['Tables', 'Themes', 'Tables_Themes']);
  });
});
