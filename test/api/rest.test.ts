import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { MAX_XLSX_ROWS } from '../../src/api/rest/routes/exports.js';
import { COMPONENTS } from '../../src/api/rest/schemas.js';
import type { Store } from '../../src/store/index.js';
import { apiStore, INTERNAL_INDICATOR, PROTECTED_INDICATOR } from '../helpers/api-indicators.js';

let store: Store;
let dispose: () => Promise<void>;
let server: RunningServer;

beforeAll(async () => {
  ({ store, dispose } = await apiStore());
  server = await startServer(store, { host: '127.0.0.1', port: 0 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await dispose?.();
});

const get = (path: string, init?: RequestInit) => fetch(`${server.url}/api/v1${path}`, init);

/** Fetches JSON and checks it against the named schema of the OpenAPI document. */
async function getAs<T extends keyof typeof COMPONENTS>(path: string, schema: T) {
  const response = await get(path);
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
  const body: unknown = await response.json();
  return (COMPONENTS[schema] as z.ZodType).parse(body) as never;
}

interface ValueRow {
  indicator: string;
  region: string;
  regionName: string;
  level: string;
  period: string;
  value: number | null;
  disclosure: string | null;
}
interface ValuePage {
  data: ValueRow[];
  page: { number: number; size: number; total: number; totalPages: number };
  _links: Record<string, { href: string }>;
}

describe('datasets and observations', () => {
  it('lists open datasets, shows one with variables, pages its observations', async () => {
    const list: { data: { id: string }[] } = await getAs('/datasets', 'DatasetList');
    expect(list.data.map((d) => d.id)).toContain('cbs-03759ned-bevolking');
    const detail: { variables: { key: string }[] } = await getAs(
      '/datasets/cbs-03759ned-bevolking',
      'DatasetDetail',
    );
    expect(detail.variables.map((v) => v.key)).toEqual(['bevolking_1_januari', 'gemiddelde_bevolking']);
    const vars: { data: unknown[] } = await getAs(
      '/datasets/cbs-03759ned-bevolking/variables',
      'VariableList',
    );
    expect(vars.data).toHaveLength(2);
    const page: { data: { region: string; period: string; value: number }[]; page: { total: number } } =
      await getAs(
        '/datasets/cbs-03759ned-bevolking/observations?variable=bevolking_1_januari&region=gm0014&period=2023JJ00',
        'ObservationPage',
      );
    // CBS 03759ned: Groningen (gemeente) on 1 January 2023.
    expect(page.data).toEqual([
      expect.objectContaining({ region: 'GM0014', period: '2023JJ00', value: 238147 }),
    ]);
    expect(page.page.total).toBe(1);
  });
});

describe('themes, indicators, search', () => {
  it('lists the eight themes with counts of open indicators only', async () => {
    const body: { data: { id: string; indicatorCount: number }[] } = await getAs('/themes', 'ThemeList');
    expect(body.data).toHaveLength(8);
    // The build stored the internal indicator under bevolking; the count leaves it out.
    const built = await store.all<{ id: string; confidentiality: string }>(
      `SELECT id, confidentiality FROM indicator WHERE theme = 'bevolking'`,
    );
    expect(built).toContainEqual({ id: INTERNAL_INDICATOR, confidentiality: 'internal' });
    const open = built.filter((i) => i.confidentiality === 'open');
    expect(open.length).toBeGreaterThan(10);
    expect(body.data.find((t) => t.id === 'bevolking')!.indicatorCount).toBe(open.length);
    expect(body.data.find((t) => t.id === 'veiligheid')!.indicatorCount).toBe(0); // no crime figures bundled
  });

  it('describes an indicator with lineage, periods and levels; hides internal ones', async () => {
    const indicator: { sources: { title: string }[]; periods: string[]; levels: string[] } = await getAs(
      '/indicators/aandeel_65plus',
      'Indicator',
    );
    expect(indicator.sources.map((s) => s.title)).toEqual(['Kerncijfers wijken en buurten']);
    // KWB 2020 has the 65+ count; the bundled 2024 topics do not.
    expect(indicator.periods).toEqual(['2020JJ00']);
    // KWB 2020 has Nederland, every gemeente and the region's wijken and buurten; the build sums
    // the counts into provincie, COROP, landsdeel and the custom region Groningen-Assen.
    expect(indicator.levels).toEqual([
      'land',
      'landsdeel',
      'provincie',
      'corop',
      'gemeente',
      'wijk',
      'buurt',
      'custom',
    ]);
    const hidden = await get(`/indicators/${INTERNAL_INDICATOR}`);
    expect(hidden.status).toBe(404);
    const list: { data: { id: string }[] } = await getAs('/indicators?theme=bevolking', 'IndicatorList');
    const open = await store.all<{ id: string }>(
      `SELECT id FROM indicator WHERE theme = 'bevolking' AND confidentiality = 'open' ORDER BY id`,
    );
    expect(list.data.map((i) => i.id).sort()).toEqual(open.map((i) => i.id));
    expect(list.data.map((i) => i.id)).toEqual(
      expect.arrayContaining(['aandeel_65plus', 'bevolking_1_januari', PROTECTED_INDICATOR]),
    );
    expect(list.data.map((i) => i.id)).not.toContain(INTERNAL_INDICATOR);
    const search: { indicators: { id: string }[]; regions: { code: string }[] } = await getAs(
      '/search?q=Groningen',
      'SearchResult',
    );
    expect(search.regions.map((r) => r.code)).toContain('GM0014');
    expect(
      ((await getAs('/search?q=intern', 'SearchResult')) as { indicators: unknown[] }).indicators,
    ).toEqual([]);
  });
});

describe('values', () => {
  it('serves an indicator for all buurten of a gemeente in one year, sorted, paged with links', async () => {
    const body: ValuePage = await getAs(
      '/values?indicator=aandeel_65plus&level=buurt&parent=GM0014&period=2020JJ00&sort=-value&pageSize=20',
      'ValuePage',
    );
    expect(body.page).toEqual({ number: 1, size: 20, total: 150, totalPages: 8 });
    expect(body.data.every((v) => v.level === 'buurt' && v.region.startsWith('BU0014'))).toBe(true);
    const values = body.data.map((v) => v.value).filter((v) => v !== null);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(body._links['next']!.href).toContain('page=2');
    const next: ValuePage = await getAs(body._links['next']!.href.replace('/api/v1', ''), 'ValuePage');
    expect(next.page.number).toBe(2);
    expect(next.data[0]!.region).not.toBe(body.data[0]!.region);
  });

  it('serves values hidden by disclosure control as null with their flag, never numerator or denominator', async () => {
    const body: ValuePage = await getAs(
      `/values?indicator=${PROTECTED_INDICATOR}&level=buurt&period=2020JJ00&pageSize=10000`,
      'ValuePage',
    );
    // Rule frequency-10: every buurt with 1 to 9 inhabitants in CBS's KWB 2020 is a primary cell.
    const small = await store.all<{ region: string }>(
      `SELECT region FROM observation WHERE dataset = 'cbs-kwb' AND variable = 'AantalInwoners'
       AND period = '2020JJ00' AND starts_with(region, 'BU') AND value > 0 AND value < 10 ORDER BY region`,
    );
    expect(small.length).toBeGreaterThan(10);
    const primary = body.data.filter((v) => v.disclosure === 'primary');
    expect(primary.map((v) => v.region).sort()).toEqual(small.map((r) => r.region));
    // Secondary suppression: more buurten hidden so the primary ones cannot be recovered from totals.
    const secondary = body.data.filter((v) => v.disclosure === 'secondary');
    expect(secondary.length).toBeGreaterThan(0);
    for (const v of [...primary, ...secondary]) expect(v, v.region).toMatchObject({ value: null });
    expect(body.data.filter((v) => v.disclosure === null && v.value !== null).length).toBeGreaterThan(700);
    // The same buurten under the shared cbs-open rule: CBS's published counts give a value, so it
    // is disclosure control, not missing data, that withheld them.
    const open: ValuePage = await getAs(
      `/values?indicator=aandeel_65plus&region=${secondary[0]!.region},${primary[0]!.region}&period=2020JJ00`,
      'ValuePage',
    );
    expect(open.data.map((v) => v.disclosure)).toEqual([null, null]);
    expect(open.data.every((v) => typeof v.value === 'number')).toBe(true);
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/numerator|denominator/);
  });

  it('never serves internal indicators, even when asked by id', async () => {
    // Built and protected like any other (so the view has its values); only open ones are served.
    const built = await store.one<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM published_indicator_value WHERE indicator = $1',
      [INTERNAL_INDICATOR],
    );
    expect(built!.n).toBeGreaterThan(1000);
    const body: ValuePage = await getAs(`/values?indicator=${INTERNAL_INDICATOR}`, 'ValuePage');
    expect(body.data).toEqual([]);
    expect(body.page.total).toBe(0);
  });

  it('compares regions side by side in the order asked', async () => {
    const body: { data: ValueRow[] } = await getAs(
      '/compare?indicator=bevolking_1_januari&regions=GM0106,GM0014&period=2023JJ00',
      'ValueList',
    );
    expect(body.data.map((v) => [v.region, v.value])).toEqual([
      ['GM0106', 69414],
      ['GM0014', 238147],
    ]);
  });

  it('compares one value per region where the build also converted gemeente values to newer boundaries', async () => {
    // KWB 2020: Groningen (unchanged since 2019) on its 2020 boundaries and converted to 2026;
    // Eemsdelta (formed 2021) only converted; Appingedam (merged into Eemsdelta) only as of 2020.
    const stored = await store.all<{ region: string; boundary_year: number; value: number }>(
      `SELECT region, boundary_year, round(value, 1) AS value FROM indicator_value
       WHERE indicator = 'aandeel_65plus' AND period = '2020JJ00' AND region IN ('GM0014', 'GM1979', 'GM0003')
       ORDER BY region, boundary_year`,
    );
    expect(stored.map((r) => [r.region, r.boundary_year])).toEqual([
      ['GM0003', 2020],
      ['GM0014', 2020],
      ['GM0014', 2026],
      ['GM1979', 2026],
    ]);
    const of = (region: string, boundaryYear: number) =>
      stored.find((r) => r.region === region && r.boundary_year === boundaryYear)!.value;
    const body: { data: (ValueRow & { boundaryYear: number; derivation: string })[] } = await getAs(
      '/compare?indicator=aandeel_65plus&regions=GM0014,GM1979,GM0003&period=2020JJ00',
      'ValueList',
    );
    expect(body.data.map((v) => [v.region, v.boundaryYear, v.derivation, v.value])).toEqual([
      ['GM0014', 2020, 'computed', of('GM0014', 2020)],
      ['GM1979', 2026, 'converted', of('GM1979', 2026)],
      ['GM0003', 2020, 'computed', of('GM0003', 2020)],
    ]);
    const on2026: { data: (ValueRow & { boundaryYear: number })[] } = await getAs(
      '/compare?indicator=aandeel_65plus&regions=GM0014,GM1979,GM0003&period=2020JJ00&boundaryYear=2026',
      'ValueList',
    );
    expect(on2026.data.map((v) => [v.region, v.boundaryYear])).toEqual([
      ['GM0014', 2026],
      ['GM1979', 2026],
    ]);
  });

  it('builds a profile with gemeente, custom region and Nederland as references', async () => {
    const body: {
      region: { code: string };
      references: { code: string; relation: string }[];
      indicators: { indicator: string; values: { region: string }[]; series: unknown[] }[];
    } = await getAs('/profile/BU00140100', 'Profile');
    expect(body.references.map((r) => r.relation)).toEqual(
      expect.arrayContaining(['gemeente', 'custom', 'land']),
    );
    const share = body.indicators.find((i) => i.indicator === 'aandeel_65plus')!;
    expect(share.values[0]!.region).toBe('BU00140100');
    expect(share.values.map((v) => v.region)).toContain('GM0014');
    const gemeente: { indicators: { indicator: string; series: unknown[] }[] } = await getAs(
      '/profile/GM0014',
      'Profile',
    );
    expect(gemeente.indicators.find((i) => i.indicator === 'bevolking_1_januari')!.series.length).toBe(8);
  });
});

describe('regions and geometry', () => {
  it('lists regions of a year under a parent, and shows one', async () => {
    const body: { data: { code: string }[]; page: { total: number } } = await getAs(
      '/regions?level=buurt&year=2020&parent=GM0014',
      'RegionPage',
    );
    expect(body.page.total).toBe(150);
    const region: { parents: { code: string }[]; years: number[] } = await getAs(
      '/regions/GM0014?year=2020',
      'RegionDetail',
    );
    expect(region.parents.map((p) => p.code)).toEqual(expect.arrayContaining(['PV20', 'NL01']));
    expect((await get('/regions/GM9999')).status).toBe(404);
  });

  it('serves boundaries joined with an indicator, and a problem where none exist', async () => {
    const body: { features: { properties: Record<string, unknown>; geometry: { type: string } }[] } =
      await getAs(
        '/geometry?level=gemeente&year=2023&parent=PV20&indicator=bevolking_1_januari&period=2023JJ00',
        'FeatureCollection',
      );
    const groningen = body.features.find((f) => f.properties['code'] === 'GM0014')!;
    expect(groningen.properties).toMatchObject({ value: 238147, period: '2023JJ00', level: 'gemeente' });
    expect(groningen.geometry.type).toMatch(/Polygon/);
    const none = await get('/geometry?level=buurt&year=2020');
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('HTTP behaviour', () => {
  it('answers with an ETag and 304 when it still matches; order of parameters does not matter', async () => {
    const first = await get('/values?indicator=bevolking_1_januari&region=GM0014');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers.get('cache-control')).toContain('max-age');
    const again = await get('/values?region=GM0014&indicator=bevolking_1_januari', {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const other = await get('/values?indicator=bevolking_1_januari&region=GM0106', {
      headers: { 'if-none-match': etag },
    });
    expect(other.status).toBe(200);
  });

  it('compresses large answers and sends the NL API-Version header', async () => {
    const response = await fetch(`${server.url}/api/v1/values?indicator=bevolking_1_januari&pageSize=500`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('api-version')).toBe('1.0.0');
    // fetch decodes transparently; the raw body is checked through node:zlib on a raw request.
    const raw = await new Promise<Buffer>((resolve, reject) => {
      import('node:http').then(({ get: httpGet }) =>
        httpGet(
          `${server.url}/api/v1/values?indicator=bevolking_1_januari&pageSize=500`,
          { headers: { 'accept-encoding': 'gzip' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
            res.on('error', reject);
          },
        ),
      );
    });
    expect(JSON.parse(gunzipSync(raw).toString('utf8')).data).toHaveLength(500);
  });

  it('refuses an XLSX larger than it can build in time, while CSV of the same selection is served', async () => {
    // Every buurt value of the real build: more than an XLSX holds (exceljs builds it in memory).
    const n = await store.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM published_indicator_value v JOIN indicator i ON i.id = v.indicator
       JOIN region_year y ON y.code = v.region AND y.year = v.boundary_year
       WHERE i.confidentiality = 'open' AND y.level = 'buurt'`,
    );
    expect(n!.n).toBeGreaterThan(MAX_XLSX_ROWS);
    const xlsx = await get('/values.xlsx?level=buurt');
    expect(xlsx.status).toBe(400);
    expect(((await xlsx.json()) as { detail: string }).detail).toBe(
      `The selection has ${n!.n} values; an export in this format holds at most ${MAX_XLSX_ROWS}. Narrow it with indicator, level, parent, region or period.`,
    );
    const csv = await get('/values.csv?level=buurt');
    expect(csv.status).toBe(200);
    expect((await csv.text()).trimEnd().split('\r\n')).toHaveLength(n!.n + 1);
  });

  it('refuses bad input with problem details naming each parameter', async () => {
    const response = await get('/values?pageSize=20000&level=stad&colour=red&period=2020');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as { 'invalid-params': { name: string; reason: string }[] };
    expect(body['invalid-params'].map((p) => p.name).sort()).toEqual([
      'colour',
      'level',
      'pageSize',
      'period',
    ]);
    expect(body['invalid-params'].find((p) => p.name === 'pageSize')!.reason).toContain('10000');
    expect((await get('/values?page=1&page=2')).status).toBe(400);
    expect((await get('/values', { method: 'POST' })).status).toBe(405);
    expect((await get('/values/')).status).toBe(404);
  });
});
