// The data center and analysis routes of /api/v1 over real HTTP on loopback, against a store
// filled by the real pipeline (register, bundled CBS data, indicator build with protection).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { pearson } from '../../src/analysis/index.js';
import { seededRandom } from '../../src/core/random.js';
import type { Store } from '../../src/store/index.js';
import { publishedStore } from '../analysis/world.js';

let store: Store;
let server: RunningServer;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ({ store, dispose } = await publishedStore());
  server = await startServer(store, { host: '127.0.0.1', port: 0 });
}, 180_000);
afterAll(async () => {
  await server?.close();
  await dispose();
});

const get = (path: string) => fetch(`${server.url}/api/v1${path}`);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function json(path: string, status = 200): Promise<any> {
  const response = await get(path);
  const body: unknown = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(
    status === 200 ? /application\/json/ : /application\/problem\+json/,
  );
  return body;
}

describe('/api/v1/datacenters', () => {
  it('lists the three data centers and serves each with its members, selection and coverage', async () => {
    const list = await json('/datacenters');
    expect(list.data.map((d: { id: string }) => d.id)).toEqual(['eindhoven', 'groningen', 'heerlen']);
    const heerlen = await json('/datacenters/heerlen');
    expect(heerlen.region).toBe('X_PARKSTAD');
    expect(heerlen.regionName).toBe('Parkstad Limburg');
    expect(heerlen.members.map((m: { name: string }) => m.name)).toEqual(
      expect.arrayContaining([
        'Heerlen',
        'Kerkrade',
        'Beekdaelen',
        'Brunssum',
        'Landgraaf',
        'Simpelveld',
        'Voerendaal',
      ]),
    );
    expect(heerlen.members).toHaveLength(7);
    const bevolking = heerlen.themes.find((t: { id: string }) => t.id === 'bevolking');
    // The local indicator is selected, from the data center's own library, not yet built by the shared build.
    expect(bevolking.indicators).toContainEqual({
      id: 'mannen_per_100_vrouwen',
      library: 'heerlen',
      published: false,
    });
    expect(bevolking.indicators).toContainEqual({ id: 'aandeel_65plus', library: 'shared', published: true });
    // Coverage says plainly: gemeenten in several years, wijken only in 2024, no buurten.
    const levels = new Set(heerlen.coverage.map((c: { level: string }) => c.level));
    expect(levels).toEqual(new Set(['gemeente', 'wijk']));
    const wijk = heerlen.coverage.filter((c: { level: string }) => c.level === 'wijk');
    expect(wijk.map((c: { period: string }) => c.period)).toEqual(['2024JJ00']);
    const groningen = await json('/datacenters/groningen');
    expect(
      groningen.coverage.some(
        (c: { level: string; period: string }) => c.level === 'buurt' && c.period === '2020JJ00',
      ),
    ).toBe(true);
    const eindhoven = await json('/datacenters/eindhoven');
    expect(eindhoven.members).toHaveLength(21);
  });

  it('serves the logo as inert SVG, and answers problems for unknown names', async () => {
    const logo = await get('/datacenters/eindhoven/logo.svg');
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toMatch(/image\/svg\+xml/);
    expect(logo.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await logo.text()).toContain('<title>Urban Data Center Eindhoven</title>');
    const unknown = await json('/datacenters/utrecht', 404);
    expect(unknown.detail).toMatch(/no data center "utrecht"/);
    expect(unknown.detail).not.toContain('/work');
    await json('/datacenters/..%2Fsecret', 404);
  });
});

describe('/api/v1/analysis', () => {
  it('peers: the stable, explained list of a Groningen buurt', async () => {
    const body = await json('/analysis/peers?region=bu00140100&k=5&datacenter=groningen');
    expect(body.peers.map((p: { name: string }) => p.name)).toEqual([
      'Herewegbuurt',
      'Kostverloren',
      'Vogelbuurt',
      'Grunobuurt',
      'Laanhuizen',
    ]);
    expect(body.explanation).toContain('De Meeuwen');
    expect(body.variables.map((v: { id: string }) => v.id)).toEqual([
      'inwoners',
      'omgevingsadressendichtheid',
      'aandeel_eenpersoonshuishoudens',
      'aandeel_huishoudens_met_kinderen',
    ]);
    const within = await json(
      '/analysis/peers?region=BU00140100&k=3&within=GM0014&variables=inwoners,aandeel_eenpersoonshuishoudens',
    );
    expect(within.within).toBe('GM0014');
    expect(within.peers.every((p: { code: string }) => p.code.startsWith('BU0014'))).toBe(true);
  });

  it('position: distributions in Nederland, the data center region and among peers', async () => {
    const body = await json(
      '/analysis/position?indicator=aandeel_65plus&region=GM0917&datacenter=heerlen&period=2020JJ00',
    );
    expect(body.distributions.map((d: { scope: string }) => d.scope)).toEqual(['nl', 'region', 'peers']);
    expect(body.distributions[1].within).toBe('X_PARKSTAD');
    expect(body.distributions[1].n).toBe(7);
    expect(body.distributions[2].members).toHaveLength(10);
    expect(body.comparisons[0].test.statement).toMatch(/significant at the 5 % level/);
  });

  it('trend: 1 and 5 years against the data center region', async () => {
    const body = await json(
      '/analysis/trend?indicator=bevolking_1_januari&region=GM0772&datacenter=eindhoven',
    );
    expect(body.reference).toEqual({ code: 'X_MRE', name: 'Metropoolregio Eindhoven' });
    expect(body.changes.map((c: { years: number }) => c.years)).toEqual([1, 5]);
    expect(body.changes[1].from.period).toBe('2021JJ00');
    expect(typeof body.changes[1].test.significant).toBe('boolean');
  });

  it('correlation: matches the published values, with the caveat', async () => {
    const body = await json(
      '/analysis/correlation?x=aandeel_65plus&y=autos_per_huishouden&level=buurt&within=GM0014&period=2020JJ00&highlight=BU00140100',
    );
    const values = await json(
      '/values?indicator=aandeel_65plus,autos_per_huishouden&level=buurt&parent=GM0014&period=2020JJ00&pageSize=10000',
    );
    const by = (id: string) =>
      new Map(
        values.data
          .filter((v: { indicator: string; value: number | null }) => v.indicator === id && v.value !== null)
          .map((v: { region: string; value: number }) => [v.region, v.value]),
      );
    const [x, y] = [by('aandeel_65plus'), by('autos_per_huishouden')];
    const codes = [...x.keys()].filter((c) => y.has(c));
    expect(body.n).toBe(codes.length);
    expect(body.pearson.r).toBeCloseTo(
      pearson(
        codes.map((c) => x.get(c) as number),
        codes.map((c) => y.get(c) as number),
      ),
      10,
    );
    expect(body.highlight.code).toBe('BU00140100');
    expect(body.caveat.en).toMatch(/not between people/);
  });

  it('typology: deterministic for a seed over HTTP', async () => {
    const path =
      '/analysis/typology?indicators=aandeel_65plus,aandeel_eenpersoonshuishoudens,bevolkingsdichtheid&level=buurt&within=GM0014&seed=3';
    const one = await json(path);
    const two = await json(`${path}&kMin=2`);
    expect(two.areas).toEqual(one.areas);
    expect(one.period).toBe('2020JJ00');
    expect(one.k).toBe(
      one.silhouettes.reduce((a: { k: number; silhouette: number }, b: { k: number; silhouette: number }) =>
        b.silhouette > a.silhouette + 1e-9 ? b : a,
      ).k,
    );
  });

  it('validates input and answers problems, never a 5xx', async () => {
    const bad = await json('/analysis/peers?region=G%210014&k=500', 400);
    expect(bad['invalid-params'].map((p: { name: string }) => p.name).sort()).toEqual(['k', 'region']);
    await json('/analysis/typology?indicators=aandeel_65plus&level=buurt&kMin=6&kMax=3', 400);
    await json('/analysis/typology?indicators=aandeel_65plus&level=galaxy', 400);
    await json('/analysis/position?indicator=aandeel_65plus&region=GM0014&colour=red', 400);
    const missing = await json('/analysis/position?indicator=does_not_exist&region=GM0014', 404);
    expect(missing.detail).toMatch(/no published indicator does_not_exist/);
    await json('/analysis/trend?indicator=aandeel_65plus&region=GM0014&datacenter=atlantis', 404);
    const outside = await json(
      '/analysis/position?indicator=aandeel_65plus&region=GM0014&within=X_PARKSTAD&period=2020JJ00',
      400,
    );
    expect(outside.detail).toMatch(/does not lie in X_PARKSTAD/);
    const nothing = await json(
      '/analysis/correlation?x=aandeel_65plus&y=gemiddelde_verkoopprijs&level=buurt',
      404,
    );
    expect(nothing.detail).toMatch(/no buurt values in a common period/);
    const post = await fetch(`${server.url}/api/v1/analysis/peers?region=GM0014`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('answers 400 random and malformed requests without a 5xx', async () => {
    // A seeded generator (mulberry32), so a failure can be replayed.
    const random = seededRandom(2024);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const paths = [
      '/analysis/trend',
      '/analysis/position',
      '/analysis/peers',
      '/analysis/correlation',
      '/analysis/typology',
      '/datacenters/heerlen',
      '/datacenters/{x}',
      '/datacenters/{x}/logo.svg',
    ];
    const names = [
      'indicator',
      'indicators',
      'region',
      'reference',
      'period',
      'periodY',
      'boundaryYear',
      'within',
      'datacenter',
      'peers',
      'variables',
      'k',
      'x',
      'y',
      'level',
      'highlight',
      'seed',
      'kMin',
      'kMax',
    ];
    const values = [
      'aandeel_65plus',
      'inwoners,bevolkingsdichtheid',
      'GM0014',
      'BU00140100',
      'WK077211',
      'X_RGA',
      'NL01',
      '2020JJ00',
      '2024JJ00',
      '2019MM01',
      '2026',
      '0',
      '-1',
      '99999999999',
      'buurt',
      'wijk',
      'custom',
      'land',
      'true',
      'groningen',
      'atlantis',
      "'; DROP TABLE region; --",
      '%00',
      'é',
      'a|b|c',
      ',,',
      'x'.repeat(300),
      '1e309',
      'NaN',
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const path = pick(paths).replace('{x}', encodeURIComponent(pick(values)));
      const query = Array.from(
        { length: Math.floor(random() * 5) },
        () => `${pick(names)}=${encodeURIComponent(pick(values))}`,
      ).join('&');
      const response = await get(`${path}${query ? `?${query}` : ''}`);
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect(response.status, `${path}?${query}`).toBeLessThan(500);
    }
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect((await get('/health')).status).toBe(200);
  }, 120_000);

  it('appears in the OpenAPI document', async () => {
    const doc = await json('/openapi.json');
    for (const path of [
      '/datacenters',
      '/datacenters/{name}',
      '/analysis/trend',
      '/analysis/position',
      '/analysis/peers',
      '/analysis/correlation',
      '/analysis/typology',
    ])
      expect(Object.keys(doc.paths), path).toContain(`/api/v1${path}`);
    expect(
      doc.paths['/api/v1/analysis/typology'].get.parameters.map((p: { name: string }) => p.name),
    ).toEqual(expect.arrayContaining(['indicators', 'level', 'seed', 'kMin', 'kMax']));
  });
});
