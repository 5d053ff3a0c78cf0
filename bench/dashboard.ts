// Benchmark of issue 8: the indicator page with every buurt of the region, in headless Chromium on
// loopback. Measures the time from navigation start until the map is interactive (the dashboard's
// script has attached tooltips and focus rings: the 'udc-interactive' performance mark), next to
// the same page before the boundaries exist (a table only) in the same run, and the initial JavaScript
// and HTML sizes (gzip). Goal: under 1 s and under 300 kB.
// No buurt boundaries are bundled (docs/geometry.md), so the bench stores SYNTHETIC boundaries for
// the real buurt codes of 2020 (a grid of 48-point polygons over the region, source
// 'synthetic-bench'); the values are the real CBS kwb 2020 figures, built by the shared library.
// Run: `npm run bench -- dashboard [--quick]`.
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../src/api/server.js';
import type { Store } from '../src/store/index.js';
import { buildDemoIndicators, loadDemoData } from '../src/demo/load.js';
import { ensureGeometry } from '../src/regions/geometry/index.js';
import { ensureRegister } from '../src/regions/index.js';
import { temporaryStore } from '../test/helpers/store.js';
import { storeSyntheticBoundaries } from '../test/web/dashboard-server.js';
import type { BenchOptions, BenchResult, Figure } from './types.js';

const YEAR = 2020;
const VERTICES = 48;

/** The buurt codes of the region that have a value of the indicator in YEAR (on that year's boundaries). */
async function buurtCodes(store: Store, indicator: string): Promise<string[]> {
  const rows = await store.all<{ region: string }>(
    `SELECT DISTINCT region FROM indicator_value WHERE indicator = $1 AND year = $2 AND boundary_year = $2 AND region LIKE 'BU%' ORDER BY region`,
    [indicator, YEAR],
  );
  return rows.map((r) => r.region);
}

export async function run(options: BenchOptions): Promise<BenchResult> {
  const runs = options.quick ? 3 : 7;
  // The store `udc serve --demo` makes: register, bundled boundaries, demo data, the shared library.
  const { store, dispose } = await temporaryStore();
  await ensureRegister(store);
  await ensureGeometry(store);
  await loadDemoData(store);
  await buildDemoIndicators(store);
  const indicators = (
    await store.all<{ id: string }>(
      `SELECT DISTINCT indicator AS id FROM indicator_value v JOIN indicator i ON i.id = v.indicator
     WHERE v.region LIKE 'BU%' AND i.confidentiality = 'open' ORDER BY 1`,
    )
  ).map((r) => r.id);
  const indicator = indicators[0];
  if (!indicator) throw new Error('no indicator with buurt values in the store');
  const server = await startServer(store, { host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.UDC_CHROMIUM ?? '/usr/bin/chromium' });
  const figures: Figure[] = [];
  let buurten: number | undefined;
  const notes: string[] = [];
  try {
    const period = `${YEAR}JJ00`;
    // The default data center (Groningen) serves the Groningen-Assen buurten (src/web/routes.ts).
    const buurtPage = `/groningen/indicator/${indicator}?level=buurt&period=${period}`;
    /** Median time to the 'udc-interactive' mark over fresh browser contexts (no cache). */
    const measure = async (path: string) => {
      const times: number[] = [];
      let areas = 0;
      for (let i = 0; i < runs + 1; i++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(server.url + path);
        await page.waitForFunction(() => performance.getEntriesByName('udc-interactive').length > 0);
        const time = await page.evaluate(() => performance.getEntriesByName('udc-interactive')[0]!.startTime);
        areas = await page.locator('svg.choropleth a.area').count();
        await context.close();
        if (i > 0) times.push(time); // the first run warms the server
      }
      times.sort((a, b) => a - b);
      return { median: times[Math.floor(times.length / 2)]!, areas };
    };
    // The reference: the same page before any buurt boundaries exist (a ranked table, no map).
    const table = await measure(buurtPage);
    buurten = await storeSyntheticBoundaries(
      store,
      await buurtCodes(store, indicator),
      YEAR,
      'buurt',
      VERTICES,
    );
    const all = await measure(buurtPage);
    const serverTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await (await fetch(server.url + buurtPage)).arrayBuffer();
      serverTimes.push(performance.now() - start);
    }
    serverTimes.sort((a, b) => a - b);
    const html = Buffer.from(await (await fetch(server.url + buurtPage)).arrayBuffer());
    const script = await readFile(fileURLToPath(new URL('../src/web/assets/app.js', import.meta.url)));
    const scriptGzip = gzipSync(script).length;
    figures.push(
      {
        name: `indicator page, ${all.areas} buurten: time to interactive map (median of ${runs})`,
        value: all.median,
        unit: 'ms',
        reference: 'same page without boundaries (table only)',
        referenceValue: table.median,
        ratio: all.median / table.median,
        goal: '< 1000 ms',
        met: all.median < 1000,
      },
      {
        name: 'server: render the buurt page (median)',
        value: serverTimes[Math.floor(runs / 2)]!,
        unit: 'ms',
      },
      {
        name: 'initial JavaScript (gzip)',
        value: scriptGzip / 1024,
        unit: 'kB',
        goal: '< 300 kB',
        met: scriptGzip < 300 * 1024,
      },
      {
        name: `HTML of the buurt page incl. the SVG map (gzip)`,
        value: gzipSync(html).length / 1024,
        unit: 'kB',
      },
      { name: 'HTML of the buurt page (uncompressed)', value: html.length / 1024, unit: 'kB' },
    );
    notes.push(
      `${buurten} SYNTHETIC buurt boundaries (48-point polygons) for the real buurt codes of ${YEAR}; values: real CBS kwb ${YEAR} (${indicator})`,
      'one Chromium, a fresh context (empty cache) per run, first run discarded; the server runs in this process on loopback',
      'the map is server-rendered SVG, so it is visible with the HTML; the script only adds tooltips and focus rings',
    );
  } finally {
    await browser.close();
    await server.close();
    await dispose();
  }
  return { name: 'dashboard', figures, notes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
