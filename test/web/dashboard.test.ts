import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  pickIndicators,
  shown,
  startDashboard,
  storeSyntheticBoundaries,
  type ApiIndicator,
  type ApiValue,
  type Dashboard,
  type Picks,
} from './dashboard-server.js';

// End-to-end in real headless Chromium against the real server and store: every number a page
// shows is checked against what the API answers for the same question.

let dash: Dashboard;
let page: Page;
let picks: Picks;
let M: ApiIndicator; // an indicator with a gemeente map
let P: string; // the map's period
let H: Picks['hidden']; // an indicator with hidden values at a level without boundaries

beforeAll(async () => {
  dash = await startDashboard();
  picks = await pickIndicators(dash);
  M = picks.map;
  P = picks.mapPeriod;
  H = picks.hidden;
  page = await dash.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (error) => {
    throw error;
  });
});
afterAll(async () => {
  await dash?.close();
});

const url = (path: string) => `${dash.server.url}${path}`;
/** The data center the pages are read in (each has its own path; old paths redirect to it). */
const DC = '/groningen';

/** The value column of the ranked table, as region code -> text. */
async function tableValues(p: Page): Promise<Map<string, string>> {
  const rows = await p.$$eval('table.values tbody tr', (trs) =>
    trs.map((tr) => [tr.getAttribute('data-region')!, tr.querySelectorAll('td')[1]!.textContent!.trim()]),
  );
  return new Map(rows as [string, string][]);
}

describe('home and theme pages', () => {
  it('shows the eight themes of the API with their indicator counts, in Dutch', async () => {
    const themes = await dash.api<{ data: { id: string; title: { nl: string }; indicatorCount: number }[] }>(
      '/api/v1/themes',
    );
    expect(themes.data).toHaveLength(8);
    await page.goto(url(`${DC}/`));
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    const cards = await page.$$eval('.theme-card', (as) =>
      as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent!.replace(/\s+/g, ' ').trim() })),
    );
    expect(cards).toHaveLength(8);
    for (const theme of themes.data) {
      const card = cards.find((c) => c.href === `${DC}/thema/${theme.id}`);
      expect(card?.text).toContain(theme.title.nl);
      expect(card?.text).toContain(String(theme.indicatorCount));
    }
  });

  it('finds areas and indicators by search and opens an area', async () => {
    await page.goto(url(`${DC}/`));
    await page.getByLabel('Zoek een indicator of gebied').fill('Assen');
    await page.getByRole('button', { name: 'Zoek' }).click();
    await page.waitForURL(/\/zoek\?q=Assen/);
    await page.locator(`a[href="${DC}/gebied/GM0106"]`).first().click();
    await page.waitForURL(/\/gebied\/GM0106/);
    expect(await page.textContent('h1')).toBe('Gebiedsprofiel Assen');
  });

  it('lists the indicators of a theme as the API does, each linking to its page', async () => {
    const indicators = await dash.api<{ data: { id: string; title: { nl: string } }[] }>(
      `/api/v1/indicators?theme=${M.theme}`,
    );
    await page.goto(url(`${DC}/`));
    await page.click(`a[href="${DC}/thema/${M.theme}"]`);
    await page.waitForURL(new RegExp(`/thema/${M.theme}$`));
    const links = await page.$$eval('.indicator-list h2 a', (as) => as.map((a) => a.getAttribute('href')));
    expect(links.sort()).toEqual(indicators.data.map((i) => `${DC}/indicator/${i.id}`).sort());
  });
});

describe('indicator page', () => {
  it('picks an indicator, changes the year, and shows the numbers of the API on map and table', async () => {
    // An old link (before data centers had their own paths) leads to the same page of the default one.
    await page.goto(url(`/thema/${M.theme}`));
    expect(new URL(page.url()).pathname).toBe(`${DC}/thema/${M.theme}`);
    await page.click(`a[href="${DC}/indicator/${M.id}"]`);
    await page.selectOption('#period', P);
    await page.getByRole('button', { name: 'Toon' }).first().click();
    await page.waitForURL(new RegExp(`period=${P}`));
    const api = await dash.api<{ data: ApiValue[] }>(
      `/api/v1/values?indicator=${M.id}&level=gemeente&parent=X_RGA&period=${P}`,
    );
    expect(api.data).toHaveLength(12);
    // The map: one focusable area per gemeente of the region, labelled with name and value.
    const areas = await page.$$eval('svg.choropleth a.area', (as) =>
      as.map((a) => ({ code: a.getAttribute('data-code'), label: a.getAttribute('aria-label') })),
    );
    expect(areas).toHaveLength(12);
    const table = await tableValues(page);
    for (const v of api.data) {
      expect(table.get(v.region)).toBe(shown(v.value!, M, 'nl'));
      expect(areas.find((a) => a.code === v.region)?.label).toBe(
        `${v.regionName}: ${shown(v.value!, M, 'nl')}`,
      );
    }
    // Ranked: the table starts with the largest value.
    const largest = [...api.data].sort((a, b) => b.value! - a.value!)[0]!;
    expect(await page.getAttribute('table.values tbody tr:first-child', 'data-region')).toBe(largest.region);
    // The legend's classes hold every area exactly once.
    const counts = await page.$$eval('.legend li .muted', (spans) =>
      spans.map((s) => Number(s.textContent!.replace(/\D/g, ''))),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('without boundaries for the latest year, links to the years that have a map', async () => {
    const latest = [...M.periods].sort().at(-1)!;
    await page.goto(url(`/indicator/${M.id}`));
    expect(await page.inputValue('#period')).toBe(latest);
    if (latest === P) return; // the latest year has boundaries itself: nothing to point at
    expect(await page.locator('svg.choropleth').count()).toBe(0);
    await page.locator('.no-map a', { hasText: P.slice(0, 4) }).click();
    await page.waitForURL(new RegExp(`period=${P}`));
    expect(await page.locator('svg.choropleth a.area').count()).toBeGreaterThan(0);
  });

  it('opens an area from the map and shows the same value in its profile', async () => {
    await page.goto(url(`/indicator/${M.id}?level=gemeente&period=${P}&parent=X_RGA`));
    await page.click('svg.choropleth a.area[data-code="GM0014"]');
    await page.waitForURL(new RegExp(`/gebied/GM0014\\?period=${P}`));
    const profile = await dash.api<{
      indicators: { indicator: string; values: { region: string; value: number }[] }[];
    }>(`/api/v1/profile/GM0014?period=${P}`);
    const row = profile.indicators.find((i) => i.indicator === M.id)!;
    const own = row.values.find((v) => v.region === 'GM0014')!;
    const cell = page.locator(`tr[data-indicator="${M.id}"] td[data-region="GM0014"]`);
    expect((await cell.textContent())!.trim()).toBe(shown(own.value, M, 'nl'));
    const netherlands = row.values.find((v) => v.region === 'NL01')!;
    const nlCell = page.locator(`tr[data-indicator="${M.id}"] td[data-region="NL01"]`);
    expect((await nlCell.textContent())!.trim()).toBe(shown(netherlands.value, M, 'nl'));
  });

  it('shows a ranked table where a level has no boundaries, with hidden values as "geheim"', async () => {
    await page.goto(url(`/indicator/${H.indicator.id}?level=${H.level}&period=${H.period}`));
    expect(await page.locator('svg.choropleth').count()).toBe(0);
    expect(await page.textContent('.no-map')).toContain(
      `Er zijn geen grenzen van de ${H.level === 'buurt' ? 'buurten' : 'wijken'} voor ${H.period.slice(0, 4)}`,
    );
    const api = await dash.api<{ data: ApiValue[] }>(
      `/api/v1/values?indicator=${H.indicator.id}&level=${H.level}&parent=X_RGA&period=${H.period}&pageSize=1000`,
    );
    const hidden = api.data.filter((v) => v.disclosure !== null);
    expect(hidden.length).toBeGreaterThan(0);
    const table = await tableValues(page);
    expect(table.size).toBe(api.data.length);
    for (const v of hidden) expect(table.get(v.region)).toBe('geheim');
    for (const v of api.data.filter((x) => x.value !== null).slice(0, 50))
      expect(table.get(v.region)).toBe(shown(v.value!, H.indicator, 'nl'));
    // Values that cannot be ranked (hidden, missing) sit at the end; "geheim" points at the explanation.
    const order = await page.$$eval('table.values tbody td[data-value]', (tds) =>
      tds.map((td) => td.getAttribute('data-value')),
    );
    expect(order.slice(order.indexOf('')).every((v) => v === '')).toBe(true);
    expect(await page.getAttribute('table.values a.secret', 'href')).toBe('#uitleg-geheim');
    expect(await page.textContent('#uitleg-geheim')).toContain('onthullingscontrole');
  });

  it('sorts the table by name through a link that keeps the view', async () => {
    await page.goto(url(`/indicator/${M.id}?level=gemeente&period=${P}`));
    await page.getByRole('link', { name: 'Sorteer op Gebied' }).click();
    await page.waitForURL(/sort=name-asc/);
    expect(page.url()).toContain(`period=${P}`);
    const names = await page.$$eval('table.values tbody th', (ths) =>
      ths.map((th) => th.textContent!.trim()),
    );
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'nl')));
    expect(await page.getAttribute('table.values thead th:nth-child(2)', 'aria-sort')).toBe('ascending');
  });

  it('switches to English and keeps the view; deep links restore it', async () => {
    await page.goto(url(`/indicator/${M.id}?level=gemeente&period=${P}&parent=NL01&sort=name-asc`));
    await page.click('a.lang-switch');
    await page.waitForURL(/lang=en/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('#map-heading')).toBe(`Map: municipalities, ${P.slice(0, 4)}`);
    // A fresh page from the link alone shows the same view: year, area, sort order, language.
    const link = page.url();
    const fresh = await dash.browser.newPage();
    await fresh.goto(link);
    expect(await fresh.inputValue('#period')).toBe(P);
    expect(await fresh.inputValue('#parent')).toBe('NL01');
    expect(await fresh.inputValue('#level')).toBe('gemeente');
    const api = await dash.api<{ data: ApiValue[] }>(
      `/api/v1/values?indicator=${M.id}&level=gemeente&period=${P}&pageSize=1000`,
    );
    // Every boundary of the year is drawn (GM0998 Buitenland too, without a value), every value has its area.
    const geometry = await dash.api<{ features: unknown[] }>(
      `/api/v1/geometry?level=gemeente&year=${P.slice(0, 4)}`,
    );
    expect(await fresh.locator('svg.choropleth a.area').count()).toBe(geometry.features.length);
    const codes = await fresh.$$eval('svg.choropleth a.area', (as) =>
      as.map((a) => a.getAttribute('data-code')),
    );
    expect(codes).toEqual(expect.arrayContaining(api.data.map((v) => v.region)));
    const table = await tableValues(fresh);
    const groningen = api.data.find((v) => v.region === 'GM0014')!;
    expect(table.get('GM0014')).toBe(shown(groningen.value!, M, 'en'));
    const first = await fresh.$eval('table.values tbody th', (th) => th.textContent!.trim());
    expect(first).toBe(
      [...api.data].map((v) => v.regionName ?? v.region).sort((a, b) => a.localeCompare(b, 'nl'))[0],
    );
    await fresh.close();
    // And back to Dutch.
    await page.click('a.lang-switch');
    await page.waitForURL((u) => !u.search.includes('lang=en'));
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
  });

  it('on keyboard focus shows the tooltip of a map area, and Enter opens the area', async () => {
    await page.goto(url(`/indicator/${M.id}?level=gemeente&period=${P}`));
    // Tab from the last control before the map into the map's first area.
    await page.focus('.controls button');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({
      code: document.activeElement?.getAttribute('data-code'),
      name: document.activeElement?.getAttribute('data-name'),
      value: document.activeElement?.getAttribute('data-value'),
    }));
    expect(focused.code).toMatch(/^GM\d{4}$/);
    const tooltip = page.locator('.tooltip');
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    expect(await tooltip.textContent()).toBe(`${focused.name}: ${focused.value}`);
    await page.keyboard.press('Escape');
    await expect.poll(() => tooltip.isVisible()).toBe(false);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/gebied/${focused.code}`));
  });

  it('shows the tooltip on hover', async () => {
    await page.goto(url(`/indicator/${M.id}?level=gemeente&period=${P}`));
    await page.hover('svg.choropleth a.area[data-code="GM0106"]');
    await expect.poll(() => page.locator('.tooltip').textContent()).toMatch(/^Assen: \d/);
  });

  it('offers the downloads: CSV, XLSX and GeoJSON of the API, the chart as SVG and PNG', async () => {
    await page.goto(url(`/indicator/${M.id}?level=gemeente&period=${P}`));
    const hrefs = await page.$$eval('.downloads a', (as) => as.map((a) => a.getAttribute('href')!));
    const csv = await fetch(url(hrefs.find((h) => h.startsWith('/api/v1/values.csv'))!));
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('GM0014');
    const xlsx = await fetch(url(hrefs.find((h) => h.startsWith('/api/v1/values.xlsx'))!));
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    const geojson = (await (
      await fetch(url(hrefs.find((h) => h.startsWith('/api/v1/values.geojson'))!))
    ).json()) as {
      features: unknown[];
    };
    expect(geojson.features).toHaveLength(12);
    const svg = await fetch(url(hrefs.find((h) => h.includes('grafiek.svg'))!));
    expect(svg.headers.get('content-type')).toMatch(/image\/svg\+xml/);
    expect(await svg.text()).toMatch(/^<\?xml[^]*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^]*<\/svg>$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-png]')]);
    expect(download.suggestedFilename()).toBe(`${M.id}.png`);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).subarray(1, 4).toString()).toBe('PNG');
  });

  it('draws the time series of the chosen area with its figures in a table', async () => {
    await page.goto(url(`/indicator/${M.id}?region=GM0014`));
    const series = await dash.api<{ data: ApiValue[] }>(`/api/v1/values?indicator=${M.id}&region=GM0014`);
    const markers = await page.locator('[data-chart] svg g.series').first().locator('circle').count();
    expect(markers).toBe(series.data.filter((v) => v.value !== null).length);
    await page.click('.chart-table summary');
    const cells = await page.$$eval('.chart-table tbody tr', (trs) =>
      trs.map((tr) => [
        tr.querySelector('th')!.textContent!.trim(),
        tr.querySelector('td')!.textContent!.trim(),
      ]),
    );
    for (const v of series.data)
      expect(cells).toContainEqual([v.period.slice(0, 4), shown(v.value!, M, 'nl')]);
  });

  it('answers an unknown indicator with a page, not a crash', async () => {
    const response = await page.goto(url('/indicator/bestaat_niet'));
    expect(response?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Niet gevonden');
    // Bad input in the URL gets a page that says what was wrong, escaped, never a crash.
    const bad = await page.goto(url(`/indicator/${M.id}?parent=%3Cb%3Ex&lang=en`));
    expect(bad?.status()).toBe(400);
    expect(await page.textContent('h1')).toBe('Invalid request');
    expect(await page.textContent('main')).toContain('<b>x');
    expect(await page.locator('main b').count()).toBe(0);
  });
});

describe('compare and catalogue', () => {
  it('compares three areas chosen in the form, with the numbers of /compare', async () => {
    await page.goto(url('/vergelijk'));
    await page.selectOption('#area-1', 'GM0014');
    await page.selectOption('#area-2', 'GM0106');
    await page.selectOption('#area-3', 'NL01');
    await page.selectOption('#year', P.slice(0, 4));
    await page.getByRole('button', { name: 'Toon' }).click();
    await page.waitForURL(/regions=GM0014&regions=GM0106&regions=NL01/);
    const api = await dash.api<{ data: ApiValue[] }>(
      `/api/v1/compare?indicator=${M.id}&regions=GM0014,GM0106,NL01&period=${P}`,
    );
    expect(api.data).toHaveLength(3);
    for (const v of api.data) {
      const cell = page.locator(`tr[data-indicator="${M.id}"] td[data-region="${v.region}"]`);
      expect((await cell.textContent())!.trim()).toBe(shown(v.value!, M, 'nl'));
    }
    const heads = await page.$$eval('table.compare thead th[data-region]', (ths) =>
      ths.map((th) => th.textContent),
    );
    expect(heads).toEqual(['Groningen (gemeente)', 'Assen', 'Nederland']);
  });

  it('asks for at least two areas', async () => {
    await page.goto(url('/vergelijk?regions=GM0014'));
    expect(await page.textContent('[role=alert]')).toContain('ten minste twee');
  });

  it('lists the open datasets of the API', async () => {
    const datasets = await dash.api<{ data: { id: string; title: string }[] }>('/api/v1/datasets');
    await page.goto(url('/datasets'));
    const titles = await page.$$eval('section.dataset h2', (hs) => hs.map((h) => h.textContent));
    expect(titles).toEqual(datasets.data.map((d) => d.title));
  });
});

// Last: it adds boundaries, which turns the level's table into a map for the tests above.
describe('hidden values on the map (SYNTHETIC boundaries, labelled so; real values)', () => {
  it('hatches every hidden area, labels it "geheim", and shows hatching in the legend', async () => {
    const api = await dash.api<{ data: ApiValue[] }>(
      `/api/v1/values?indicator=${H.indicator.id}&level=${H.level}&parent=X_RGA&period=${H.period}&pageSize=1000`,
    );
    await storeSyntheticBoundaries(
      dash.store,
      api.data.map((v) => v.region),
      Number(H.period.slice(0, 4)),
      H.level as 'buurt',
    );
    // The API's answers carry the data version in their ETag, read at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await page.goto(url(`/indicator/${H.indicator.id}?level=${H.level}&period=${H.period}`));
    const areas = await page.$$eval('svg.choropleth a.area', (as) =>
      as.map((a) => ({
        code: a.getAttribute('data-code')!,
        label: a.getAttribute('aria-label')!,
        fill: a.querySelector('path')!.getAttribute('fill')!,
      })),
    );
    expect(areas).toHaveLength(api.data.length);
    const hidden = api.data.filter((v) => v.disclosure !== null);
    for (const v of hidden) {
      const area = areas.find((a) => a.code === v.region)!;
      expect(area.fill).toBe('url(#kaart-hatch)');
      expect(area.label).toBe(`${v.regionName}: geheim`);
    }
    expect(areas.filter((a) => a.fill === 'url(#kaart-hatch)')).toHaveLength(hidden.length);
    expect(await page.locator('.legend .swatch.hatch').count()).toBe(1);
  });
});
