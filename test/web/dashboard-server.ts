import { chromium, type Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { loadDemoData } from '../../src/demo/load.js';
import { buildIndicators, loadLibrary } from '../../src/indicators/index.js';
import { ensureGeometry } from '../../src/regions/geometry/index.js';
import { storeGeometryRows } from '../../src/regions/geometry/import-boundaries.js';
import { ensureRegister, LAST_REGISTER_YEAR } from '../../src/regions/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

/** Debian's Chromium unless UDC_CHROMIUM points elsewhere (scripts/test.mjs checks it exists). */
export const CHROMIUM = process.env.UDC_CHROMIUM ?? '/usr/bin/chromium';

export interface Dashboard {
  store: Store;
  server: RunningServer;
  browser: Browser;
  /** GET a JSON document of the API, for checking what the pages show. */
  api: <T>(path: string) => Promise<T>;
  close: () => Promise<void>;
}

/** The indicator a data center protects with a stricter rule in these tests, and that rule. */
export const PROTECTED = { indicator: 'aandeel_65plus', rule: 'frequency-10' } as const;

/**
 * A store as `udc serve --demo` makes it: the region register, the bundled boundaries, the bundled
 * real CBS datasets, and the shared indicator library built and protected by disclosure control.
 * One change, as a data center would make it in its library: PROTECTED's indicator names the
 * frequency rule instead of cbs-open, so the real suppression hides real small buurten and the
 * pages have hidden values to show.
 */
export async function demoStore(): Promise<{ store: Store; dispose: () => Promise<void> }> {
  const { store, dispose } = await temporaryStore();
  await ensureRegister(store);
  await ensureGeometry(store);
  await loadDemoData(store);
  const library = await loadLibrary();
  const definition = library.indicators.find((d) => d.id === PROTECTED.indicator);
  if (!definition) throw new Error(`the shared library has no indicator ${PROTECTED.indicator}`);
  definition.disclosure = PROTECTED.rule;
  definition.raw = { ...definition.raw, disclosure: PROTECTED.rule };
  await buildIndicators(store, library, { boundaryYear: LAST_REGISTER_YEAR });
  return { store, dispose };
}

/** The real server on loopback (port 0) over the demo store, and one headless Chromium. */
export async function startDashboard(): Promise<Dashboard> {
  const { store, dispose } = await demoStore();
  const server = await startServer(store, { host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  return {
    store,
    server,
    browser,
    api: async <T>(path: string) => {
      const response = await fetch(`${server.url}${path}`);
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    close: async () => {
      await browser.close();
      await server.close();
      await dispose();
    },
  };
}

export interface ApiIndicator {
  id: string;
  theme: string;
  title: { nl: string; en: string };
  unit: string;
  decimals: number;
  periods: string[];
  levels: string[];
}

export interface ApiValue {
  region: string;
  regionName: string;
  period: string;
  value: number | null;
  status: string;
  disclosure: string | null;
}

/** The year the bundled gemeente boundaries of today's indeling are of (data/boundaries). */
export const MAP_YEAR = 2023;

export interface Picks {
  /** An indicator with gemeente values in the map year and at least two periods (map and chart). */
  map: ApiIndicator;
  mapPeriod: string;
  /** An indicator with values hidden by disclosure control at a level without boundaries. */
  hidden: { indicator: ApiIndicator; level: string; period: string };
}

/**
 * The indicators the tests use, chosen from what the API publishes by what they can show (the
 * library grows while the tests stay): so the tests follow the data, not a list of ids.
 */
export async function pickIndicators(dash: Dashboard): Promise<Picks> {
  const { data } = await dash.api<{ data: ApiIndicator[] }>('/api/v1/indicators');
  const mapPeriod = `${MAP_YEAR}JJ00`;
  const map = data.find(
    (i) => i.levels.includes('gemeente') && i.periods.includes(mapPeriod) && i.periods.length > 1,
  );
  if (!map)
    throw new Error(`no indicator with gemeente values in ${MAP_YEAR}: ${data.map((i) => i.id).join(', ')}`);
  for (const indicator of data)
    for (const level of ['buurt', 'wijk'].filter((l) => indicator.levels.includes(l))) {
      const period = [...indicator.periods].sort().at(-1)!;
      const values = await dash.api<{ data: ApiValue[] }>(
        `/api/v1/values?indicator=${indicator.id}&level=${level}&period=${period}&pageSize=1000`,
      );
      if (values.data.some((v) => v.disclosure !== null))
        return { map, mapPeriod, hidden: { indicator, level, period } };
    }
  throw new Error('no indicator with values hidden by disclosure control at wijk or buurt level');
}

/** A value as the page should write it: the number in the language's notation with the indicator's unit. */
export function shown(value: number, indicator: ApiIndicator, lang: 'nl' | 'en'): string {
  const number = new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    minimumFractionDigits: indicator.decimals,
    maximumFractionDigits: indicator.decimals,
  }).format(value);
  if (indicator.unit === '%') return `${number}%`;
  if (indicator.unit === 'euro') return `€\u00a0${number}`;
  return number;
}

/**
 * SYNTHETIC boundaries, labelled so (source 'synthetic'): a grid of round polygons over the
 * Groningen-Assen region, one per given code, for a level and year the bundled files lack (no buurt
 * boundaries are bundled). Only the shapes are invented; the values on them are the real ones.
 * Returns the number of areas stored.
 */
export async function storeSyntheticBoundaries(
  store: Store,
  codes: string[],
  year: number,
  level: 'wijk' | 'buurt',
  vertices = 16,
): Promise<number> {
  const columns = Math.ceil(Math.sqrt(codes.length * 1.2));
  const [west, south, width, height] = [6.2, 52.85, 0.9, 0.6];
  const cellX = width / columns;
  const cellY = height / Math.ceil(codes.length / columns);
  const rows = codes.map((code, i) => {
    const cx = west + ((i % columns) + 0.5) * cellX;
    const cy = south + height - (Math.floor(i / columns) + 0.5) * cellY;
    // Clockwise exterior ring, as d3-geo expects: angles decreasing from east.
    const ring = Array.from({ length: vertices }, (_, k) => {
      const angle = (-2 * Math.PI * k) / vertices;
      return [cx + 0.48 * cellX * Math.cos(angle), cy + 0.48 * cellY * Math.sin(angle)];
    });
    ring.push(ring[0]!);
    return {
      code,
      year,
      level,
      geometry: { type: 'Polygon' as const, coordinates: [ring] },
      bbox: [cx - cellX / 2, cy - cellY / 2, cx + cellX / 2, cy + cellY / 2] as [
        number,
        number,
        number,
        number,
      ],
      source: 'synthetic',
    };
  });
  await storeGeometryRows(store, rows as Parameters<typeof storeGeometryRows>[1]);
  return rows.length;
}
