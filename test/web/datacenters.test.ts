import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contrast } from '../../src/web/classes.js';
import {
  pickIndicators,
  startDashboard,
  type ApiIndicator,
  type ApiValue,
  type Dashboard,
  type Picks,
} from './dashboard-server.js';

// Issue 11 in real Chromium against the real server: every data center under its own path with
// its own region, the switch between them keeping the view, and the analysis pages (trend,
// position, peers, correlation, typology) showing exactly what the API's /analysis routes answer.

interface ApiDatacenter {
  id: string;
  name: { nl: string; en: string };
  region: string;
  home: string[];
  colours: { primary: string };
}

let dash: Dashboard;
let page: Page;
let picks: Picks;
let datacenters: ApiDatacenter[];
/** An indicator with gemeente values over at least six years (1- and 5-year change). */
let T: ApiIndicator;

beforeAll(async () => {
  dash = await startDashboard();
  picks = await pickIndicators(dash);
  datacenters = (await dash.api<{ data: ApiDatacenter[] }>('/api/v1/datacenters')).data;
  const { data } = await dash.api<{ data: ApiIndicator[] }>('/api/v1/indicators');
  const trend = data.find(
    (i) => i.levels.includes('gemeente') && i.periods.filter((p) => p.endsWith('JJ00')).length >= 6,
  );
  if (!trend) throw new Error('no indicator with six years of gemeente values');
  T = trend;
  page = await dash.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (error) => {
    throw error;
  });
});
afterAll(async () => {
  await dash?.close();
});

const url = (path: string) => `${dash.server.url}${path}`;
const dc = (id: string) => datacenters.find((d) => d.id === id)!;
const nl = (v: number, decimals: number) =>
  new Intl.NumberFormat('nl-NL', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(
    v,
  );

async function tableRegions(p: Page): Promise<string[]> {
  return (
    await p.$$eval('table.values tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-region')!))
  ).sort();
}

describe('data centers', () => {
  it('lists the data centers of the API on /, each linking to its own path', async () => {
    expect(datacenters.map((d) => d.id).sort()).toEqual(['eindhoven', 'groningen', 'heerlen']);
    await page.goto(url('/'));
    const cards = await page.$$eval('.datacenter-card', (as) =>
      as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })),
    );
    expect(cards.map((c) => c.href).sort()).toEqual(['/eindhoven/', '/groningen/', '/heerlen/']);
    for (const d of datacenters) expect(cards.find((c) => c.href === `/${d.id}/`)!.text).toContain(d.name.nl);
  });

  it('shows each data center with its name, logo, colours and its own region', async () => {
    for (const d of datacenters) {
      await page.goto(url(`/${d.id}/`));
      expect(await page.textContent('h1')).toBe(d.name.nl);
      expect(await page.getAttribute('.home-region', 'data-region')).toBe(d.region);
      expect(await page.getAttribute('.site-name img.logo', 'src')).toBe(
        `/api/v1/datacenters/${d.id}/logo.svg`,
      );
      const logo = await fetch(url(`/api/v1/datacenters/${d.id}/logo.svg`));
      expect(logo.headers.get('content-type')).toContain('image/svg+xml');
      // The band is the data center's colour where white text on it keeps 4.5:1 (all three do).
      const band = await page.$eval('.site-header', (el) => getComputedStyle(el).backgroundColor);
      const hex = `#${(band.match(/\d+/g) ?? [])
        .slice(0, 3)
        .map((n) => Number(n).toString(16).padStart(2, '0'))
        .join('')}`;
      expect(contrast(d.colours.primary, '#ffffff')).toBeGreaterThanOrEqual(4.5);
      expect(hex).toBe(d.colours.primary.toLowerCase());
      // The region's own profile is one click away and is about that region.
      await page.click('.home-region a');
      await page.waitForURL(new RegExp(`/${d.id}/gebied/${d.region}`));
    }
  });

  it('switches between data centers on an indicator page, keeping the indicator, level and year and showing each one’s region', async () => {
    const M = picks.map;
    const P = picks.mapPeriod;
    await page.goto(url(`/groningen/indicator/${M.id}?level=gemeente&period=${P}`));
    const inRegion = async (region: string) =>
      (
        await dash.api<{ data: ApiValue[] }>(
          `/api/v1/values?indicator=${M.id}&level=gemeente&parent=${region}&period=${P}`,
        )
      ).data
        .map((v) => v.region)
        .sort();
    expect(await tableRegions(page)).toEqual(await inRegion('X_RGA'));
    for (const id of ['eindhoven', 'heerlen', 'groningen']) {
      const d = dc(id);
      await page.click(`.dc-switch a[data-datacenter="${id}"]`);
      await page.waitForURL((u) => u.pathname === `/${id}/indicator/${M.id}`);
      const search = new URL(page.url()).searchParams;
      expect(search.get('level')).toBe('gemeente');
      expect(search.get('period')).toBe(P);
      expect(await page.textContent('h1')).toBe(M.title.nl);
      expect(await page.$eval('#parent', (s) => (s as HTMLSelectElement).value)).toBe(d.region);
      const regions = await inRegion(d.region);
      expect(regions.length).toBeGreaterThan(1);
      expect(await tableRegions(page)).toEqual(regions);
      expect(await page.getAttribute('.dc-switch [aria-current]', 'href')).toBe(`/${id}/`);
    }
  });

  it('switches from an area profile to the other data center’s region', async () => {
    await page.goto(url('/groningen/gebied/GM0014'));
    await page.click('.dc-switch a[data-datacenter="eindhoven"]');
    await page.waitForURL((u) => u.pathname === `/eindhoven/gebied/${dc('eindhoven').region}`);
    expect(await page.textContent('h1')).toContain('Metropoolregio Eindhoven');
  });

  it('keeps old links working: they redirect to the default data center', async () => {
    const response = await page.goto(url(`/indicator/${picks.map.id}?period=${picks.mapPeriod}&lang=en`));
    expect(response?.status()).toBe(200);
    const u = new URL(page.url());
    expect(u.pathname).toBe(`/groningen/indicator/${picks.map.id}`);
    expect(u.searchParams.get('lang')).toBe('en');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect((await page.goto(url('/groningen')))?.url()).toBe(url('/groningen/'));
  });
});

describe('analysis', () => {
  it('shows the trend and the position of the API with the significance in words and the peers explained', async () => {
    const trend = await dash.api<{
      changes: { years: number; change: number | null; test: { significant: boolean; z: number } | null }[];
    }>(`/api/v1/analysis/trend?indicator=${T.id}&region=GM0014&datacenter=groningen`);
    const position = await dash.api<{ distributions: { scope: string; z: number | null; n: number }[] }>(
      `/api/v1/analysis/position?indicator=${T.id}&region=GM0014&datacenter=groningen`,
    );
    const peers = await dash.api<{ peers: { name: string }[] }>(
      '/api/v1/analysis/peers?region=GM0014&datacenter=groningen',
    );
    await page.goto(url(`/groningen/indicator/${T.id}?region=GM0014`));
    for (const c of trend.changes) {
      const row = (await page.textContent(`.trend-table tr[data-years="${c.years}"]`))!.replace(/\s+/g, ' ');
      if (c.change === null) expect(row).toContain('Geen vergelijking');
      else if (c.test) {
        expect(row).toContain(
          c.test.significant ? 'is significant op het 5%-niveau' : 'is niet significant op het 5%-niveau',
        );
        expect(row).toContain(`z = ${nl(c.test.z, 2)}`);
      }
    }
    expect(trend.changes.some((c) => c.test !== null)).toBe(true);
    for (const d of position.distributions) {
      const z = await page.textContent(`.position-table tr[data-scope="${d.scope}"] td[data-z]`);
      expect(z!.trim()).toBe(d.z === null ? '–' : nl(d.z, 2));
    }
    expect(position.distributions.map((d) => d.scope)).toEqual(['nl', 'region', 'peers']);
    // The peer choice: the same areas as the API's, with the rule in words.
    await page.click('#peers summary');
    const listed = await page.$$eval('#peers li a', (as) => as.map((a) => a.textContent!.trim()));
    expect(listed).toEqual(peers.peers.map((p) => p.name));
    expect(await page.textContent('#peers p')).toContain('omvang, stedelijkheid en huishoudens');
    // The position strip has a name, and the table is its alternative.
    expect(await page.getAttribute('#positie svg.strip', 'aria-label')).toContain('Groningen');
  });

  it('draws the correlation of two indicators with the selected area highlighted, its numbers in a table and the caveat', async () => {
    const { data } = await dash.api<{ data: ApiIndicator[] }>('/api/v1/indicators');
    const [x, y] = data.filter((i) => i.levels.includes('gemeente')).slice(0, 2) as [
      ApiIndicator,
      ApiIndicator,
    ];
    const api = await dash.api<{
      n: number;
      pearson: { r: number };
      caveat: { nl: string };
      points: { code: string }[];
    }>(`/api/v1/analysis/correlation?x=${x.id}&y=${y.id}&level=gemeente&highlight=GM0014`);
    await page.goto(url(`/groningen/samenhang?x=${x.id}&y=${y.id}&level=gemeente&within=NL01&region=GM0014`));
    expect(await page.locator('svg.scatter .points circle').count()).toBe(api.n - 1);
    expect(await page.locator('svg.scatter .highlight[data-code="GM0014"]').count()).toBe(1);
    expect(await page.textContent('.caveat')).toContain(api.caveat.nl);
    expect(await page.getAttribute('dd[data-r]', 'data-r')).toBe(String(api.pearson.r));
    expect(await page.locator('table.scatter-table tbody tr').count()).toBe(api.n);
    expect(await page.getAttribute('table.scatter-table tr.picked', 'data-region')).toBe('GM0014');
    // Choosing another area in the table highlights that one.
    await page.click('#scatter-heading ~ details summary');
    await page.click('table.scatter-table tr[data-region="GM0106"] a');
    await page.waitForURL(/region=GM0106/);
    expect(await page.locator('svg.scatter .highlight[data-code="GM0106"]').count()).toBe(1);
  });

  it('shows the typology of the API on a map and in tables, with the k criterion stated', async () => {
    const ids = ['aandeel_65plus', 'aandeel_eenpersoonshuishoudens', 'aandeel_huishoudens_met_kinderen'];
    const api = await dash.api<{
      k: number;
      clusters: { cluster: number; size: number }[];
      areas: { code: string; cluster: number }[];
    }>(`/api/v1/analysis/typology?indicators=${ids.join(',')}&level=gemeente`);
    await page.goto(
      url(`/groningen/typologie?${ids.map((i) => `indicators=${i}`).join('&')}&level=gemeente&within=NL01`),
    );
    expect(await page.getAttribute('[data-k]', 'data-k')).toBe(String(api.k));
    expect(await page.textContent('[data-k]')).toContain('hoogste gemiddelde silhouetbreedte');
    const sizes = await page.$$eval('.cluster-table tbody tr', (trs) =>
      trs.map((tr) => Number(tr.querySelectorAll('td')[0]!.textContent)),
    );
    expect(sizes).toEqual(api.clusters.map((c) => c.size));
    expect(await page.locator('table.typology-areas tbody tr').count()).toBe(api.areas.length);
    // The map: every area that has boundaries is named with its group.
    const labels = await page.$$eval('#typologie-kaart a.area', (as) =>
      as.map((a) => [a.getAttribute('data-code'), a.getAttribute('aria-label')]),
    );
    expect(labels.length).toBeGreaterThan(300);
    const groningen = labels.find(([code]) => code === 'GM0014')!;
    const cluster = api.areas.find((a) => a.code === 'GM0014')!.cluster;
    expect(groningen[1]).toContain(`Groep ${cluster + 1}`);
  });
});
