// Geocoding of generated points to the finest real boundary layer udc ships, through the
// flatbush index, against a brute-force point-in-polygon over every polygon in the same run.
//
// Honest labels: the points are SYNTHETIC (uniform in the layer's bounding box, fixed seed). No buurt
// boundaries are bundled, so "to buurt" runs against the finest real layer there is: the 2014 wijken
// of the Groningen-Assen region (real CBS/PDOK polygons, 140 features). A buurt layer of the same
// region (about 800 buurten) would give the index a larger advantage, not a smaller one; the
// second set (all gemeenten 2023 of the Netherlands) shows how the gap grows with the polygon count.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BUNDLED_BOUNDARIES,
  Geocoder,
  OUTSIDE,
  bruteForceLocate,
  bundledBoundariesDir,
  parseBoundaryText,
  prepareBoundaries,
  wgs84ToRd,
  type Area,
} from '../src/regions/geometry/index.js';
import type { BenchOptions, BenchResult, Figure } from './types.js';

export async function run({ quick }: BenchOptions): Promise<BenchResult> {
  const points = quick ? 100_000 : 1_000_000;
  const notes: string[] = [];
  const figures: Figure[] = [];

  // 1. The issue's figure: points to the finest real layer (wijken 2014), WGS84 and RD input.
  const wijken = await bundledAreas('wijk', 2014);
  const w = await measure(wijken.areas, points, 20260101, Infinity);
  figures.push(
    {
      name: `geocode ${fmt(points)} synthetic points to ${wijken.areas.length} wijken 2014 (${w.polygons} polygons), WGS84`,
      value: w.indexSeconds,
      unit: 's',
      reference: `brute-force point-in-polygon over all ${w.polygons} polygons${w.bruteScaled ? ` (${fmt(w.bruteCount)} points, scaled)` : ''}`,
      referenceValue: w.bruteSeconds,
      ratio: w.indexSeconds / w.bruteSeconds,
      goal: `< ${quick ? '0.5' : '5'} s for ${fmt(points)} points`,
      met: w.indexSeconds < (quick ? 0.5 : 5),
    },
    {
      name: `geocode ${fmt(points)} synthetic points to ${wijken.areas.length} wijken 2014, RD New input (each point converted to WGS84 with proj4, included)`,
      value: w.rdSeconds,
      unit: 's',
      goal: `< ${quick ? '0.5' : '5'} s`,
      met: w.rdSeconds < (quick ? 0.5 : 5),
    },
    { name: 'index build (wijken 2014, WGS84)', value: w.buildSeconds * 1000, unit: 'ms' },
    { name: 'index speed-up over brute force', value: w.bruteSeconds / w.indexSeconds, unit: 'x' },
  );
  notes.push(
    `layer: ${wijken.source} (${wijken.areas.length} wijken of 2014, ${w.polygons} polygons, ${w.positions} vertices); no buurt boundaries are bundled, so this is the finest real level available`,
    `points: ${fmt(points)} synthetic points, uniform in the layer's bounding box (seed 20260101); ${pct(w.outside / points)} fall outside every wijk (sea, Friesland, southern Drenthe, Germany) and are reported as outside`,
    `the index and the brute force give the same area for ${fmt(w.agree)} of the ${fmt(w.agreeOf)} points compared; RD New input (the same points converted to RD before the run, and back to WGS84 inside it) gives the same area as WGS84 input for ${fmt(w.rdSame)} of ${fmt(points)} points`,
  );

  // 2. More polygons: all gemeenten 2023 of the Netherlands, points in the country's bounding box.
  const gemeenten = await bundledAreas('gemeente', 2023);
  const g = await measure(gemeenten.areas, points, 20260102, quick ? 20_000 : 100_000);
  figures.push({
    name: `geocode ${fmt(points)} synthetic points to ${gemeenten.areas.length} gemeenten 2023 (${g.polygons} polygons), WGS84`,
    value: g.indexSeconds,
    unit: 's',
    reference: `brute-force point-in-polygon over all ${g.polygons} polygons (${fmt(g.bruteCount)} points, scaled to ${fmt(points)})`,
    referenceValue: g.bruteSeconds,
    ratio: g.indexSeconds / g.bruteSeconds,
  });
  notes.push(
    `second set: ${gemeenten.source}, ${g.positions} vertices; brute force timed on the first ${fmt(g.bruteCount)} points and scaled linearly (the full run would take about ${Math.round(g.bruteSeconds)} s)`,
  );
  return { name: 'geocode', figures, notes };
}

interface Measured {
  polygons: number;
  positions: number;
  buildSeconds: number;
  indexSeconds: number;
  rdSeconds: number;
  rdSame: number;
  bruteSeconds: number;
  bruteCount: number;
  bruteScaled: boolean;
  agree: number;
  agreeOf: number;
  outside: number;
}

async function measure(areas: Area[], n: number, seed: number, bruteLimit: number): Promise<Measured> {
  const box = boundsOf(areas);
  const random = lcg(seed);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = box[0] + random() * (box[2] - box[0]);
    ys[i] = box[1] + random() * (box[3] - box[1]);
  }
  const rdX = new Float64Array(n);
  const rdY = new Float64Array(n);
  for (let i = 0; i < n; i++) [rdX[i], rdY[i]] = wgs84ToRd(xs[i]!, ys[i]!);

  const geocoder = new Geocoder(areas);
  let started = performance.now();
  const index = geocoder.index;
  const buildSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const result = geocoder.locateMany(xs, ys, { crs: 'wgs84' });
  const indexSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const rd = geocoder.locateMany(rdX, rdY, { crs: 'rd' });
  const rdSeconds = (performance.now() - started) / 1000;
  let rdSame = 0;
  for (let i = 0; i < n; i++) if (rd.area[i] === result.area[i]) rdSame++;

  const bruteCount = Math.min(n, bruteLimit);
  let agree = 0;
  started = performance.now();
  for (let i = 0; i < bruteCount; i++)
    if (bruteForceLocate(areas, xs[i]!, ys[i]!) === result.area[i]) agree++;
  const bruteMeasured = (performance.now() - started) / 1000;
  let positions = 0;
  for (const a of areas) {
    const polygons = a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates;
    for (const rings of polygons) for (const ring of rings) positions += ring.length;
  }
  return {
    polygons: index.polygonCount,
    positions,
    buildSeconds,
    indexSeconds,
    rdSeconds,
    rdSame,
    bruteSeconds: (bruteMeasured * n) / bruteCount,
    bruteCount,
    bruteScaled: bruteCount < n,
    agree,
    agreeOf: bruteCount,
    outside: result.area.filter((a) => a === OUTSIDE).length,
  };
}

/** A bundled layer prepared exactly as the store gets it (validated, simplified, rewound). */
async function bundledAreas(
  level: 'wijk' | 'gemeente',
  year: number,
): Promise<{ areas: Area[]; source: string }> {
  const bundled = BUNDLED_BOUNDARIES.find((b) => b.level === level && b.year === year)!;
  const file = join(bundledBoundariesDir(), bundled.file);
  const parsed = parseBoundaryText(await readFile(file, 'utf8'), file, undefined);
  const { rows } = prepareBoundaries(parsed, file, {
    level,
    year,
    codeProperty: bundled.codeProperty,
    crs: 'wgs84',
    skipEmpty: true,
  });
  return {
    areas: rows.map((r) => ({ code: r.code, geometry: r.geometry })),
    source: `data/boundaries/${bundled.file}`,
  };
}

function boundsOf(areas: readonly Area[]): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const a of areas) {
    const polygons = a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates;
    for (const rings of polygons)
      for (const p of rings[0]!) {
        box[0] = Math.min(box[0], p[0]!);
        box[1] = Math.min(box[1], p[1]!);
        box[2] = Math.max(box[2], p[0]!);
        box[3] = Math.max(box[3], p[1]!);
      }
  }
  return box;
}

/** A small deterministic generator (Numerical Recipes LCG), so every run sees the same points. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
