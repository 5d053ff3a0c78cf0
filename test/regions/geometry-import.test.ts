// Boundary import into the real store: the bundled sets (GeoJSON and TopoJSON), a buurt file in
// RD New built from bundled features, and bad input. All boundaries are real CBS/PDOK polygons
// (data/boundaries/SOURCES.md); the one fixture that relabels polygons says so in its name.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { geoArea } from 'd3-geo';
import polygonClipping from 'polygon-clipping';
import { topology } from 'topojson-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BoundaryImportError,
  ensureGeometry,
  importBoundaries,
  listGeometry,
  loadAreas,
  locateInRings,
  validatePolygonal,
  wgs84ToRd,
  type Polygonal,
} from '../../src/regions/geometry/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

const boundaries = join(import.meta.dirname, '../../data/boundaries');
const wijken2014 = JSON.parse(
  readFileSync(join(boundaries, 'wijken_2014_groningen_assen_wgs84_q1e3.geojson'), 'utf8'),
) as FeatureCollection<Polygonal>;

const METRES_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;
/**
 * Tolerance for comparing two independently quantized CBS files (wijken 2014 against gemeenten
 * 2015). Both were quantized q1e3 on the same grid of 0.0038725° x 0.0028071° (258 m x 312 m
 * here). Snapping moves a vertex by up to half a cell diagonal (203 m), and vertices that fall in
 * the same cell merge, which moves a border by up to a whole diagonal (405 m) in each file: two
 * files can disagree by two diagonals, 810 m, at a single vertex. Averaged along a border the
 * disagreement is far smaller: the area between the two outlines is held to a band of half a
 * cell (130 m) times the gemeente's perimeter.
 */
const VERTEX_TOLERANCE_M = 810;
const BAND_TOLERANCE_M = 130;

let store: Store;
let dir: string;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ({ store, dir, dispose } = await temporaryStore());
  await ensureGeometry(store);
});
afterAll(async () => dispose());

describe('bundled boundaries, loaded on first use', () => {
  it('holds gemeenten 2023 and 2015 and wijken 2014, and loads them only once', async () => {
    const available = await listGeometry(store);
    expect(available.map((a) => [a.level, a.year, a.regions])).toEqual([
      ['wijk', 2014, 139], // 140 features; WK189504 has no area in the quantized source (skipped, reported)
      ['gemeente', 2015, 393],
      ['gemeente', 2023, 343], // 342 gemeenten + GM0998 Buitenland (the Belgian enclaves of Baarle)
    ]);
    expect(available[0]!.sources[0]).toMatch(/^bundled: data\/boundaries\/wijken_2014.*CC BY 4\.0/);
    expect(await ensureGeometry(store)).toEqual([]);
  });

  it('reads the 2015 TopoJSON and keeps the gemeenten merged away since: GM0009 Ten Boer and GM0017 Haren', async () => {
    const codes = (await loadAreas(store, 'gemeente', 2015)).map((a) => a.code);
    expect(codes).toEqual(expect.arrayContaining(['GM0009', 'GM0014', 'GM0017', 'GM0106']));
    const codes2023 = (await loadAreas(store, 'gemeente', 2023)).map((a) => a.code);
    expect(codes2023).not.toContain('GM0009');
    expect(codes2023).not.toContain('GM0017');
  });

  it('stores only valid polygons, wound for d3-geo, for every bundled region', async () => {
    const rows = await store.all<{ code: string; year: number; geojson: string }>(
      'SELECT code, year, geojson FROM region_geometry',
    );
    expect(rows.length).toBe(139 + 393 + 343);
    for (const row of rows) {
      const g = JSON.parse(row.geojson) as Polygonal;
      expect(validatePolygonal(g), `${row.code} ${row.year}`).toEqual([]);
      expect(geoArea(g), `${row.code} ${row.year}`).toBeLessThan(2 * Math.PI);
    }
  });

  it('stores valid WGS84 polygons with their bounding box', async () => {
    const rows = await store.all<{
      code: string;
      geojson: string;
      minx: number;
      miny: number;
      maxx: number;
      maxy: number;
    }>(
      `SELECT code, geojson, minx, miny, maxx, maxy FROM region_geometry WHERE year = 2023 AND code IN ('GM0014', 'GM0106')`,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const g = JSON.parse(row.geojson) as Polygonal;
      expect(validatePolygonal(g)).toEqual([]);
      expect(row.minx).toBeGreaterThan(6.3);
      expect(row.maxx).toBeLessThan(6.8);
      expect(row.miny).toBeGreaterThan(52.9);
      expect(row.maxy).toBeLessThan(53.4);
    }
  });

  it(`every 2014 wijk of GM0014 lies within the 2015 gemeente GM0014 (vertices within ${VERTEX_TOLERANCE_M} m), and together they cover it`, async () => {
    const gemeente = polygonsOf((await loadAreas(store, 'gemeente', 2015, 'GM0014'))[0]!.geometry);
    const wijken = await loadAreas(store, 'wijk', 2014, 'WK0014');
    expect(wijken).toHaveLength(10);
    for (const wijk of wijken) {
      for (const p of polygonsOf(wijk.geometry).flat(2)) {
        const inside = gemeente.some((polygon) => locateInRings(p[0]!, p[1]!, polygon) !== 'outside');
        if (!inside)
          expect(distanceToBoundaryM(p, gemeente), `${wijk.code} at ${p.join(',')}`).toBeLessThan(
            VERTEX_TOLERANCE_M,
          );
      }
    }
    const union = polygonClipping.union(
      ...(wijken.map((w) => polygonsOf(w.geometry)) as [polygonClipping.MultiPolygon]),
    );
    const g = gemeente as polygonClipping.MultiPolygon;
    const band =
      (areaM2(polygonClipping.difference(g, union)) + areaM2(polygonClipping.difference(union, g))) /
      perimeterM(gemeente);
    expect(band).toBeLessThan(BAND_TOLERANCE_M);
  });
});

describe('import of a buurt layer (TEST FIXTURE: real wijk 2014 polygons relabelled as buurten, in RD New)', () => {
  // No buurt boundaries are bundled. To test the buurt path with real shapes, the 10 real 2014
  // wijken of GM0014 are written as a PDOK-style buurt layer: RD New coordinates with a crs
  // member, property `buurtcode` = the wijk's code with WK -> BU and "00" appended (a valid code
  // format; the polygon is the *wijk's*, not the real buurt's), `fixture` says so on every feature.
  let fixture: string;
  beforeAll(async () => {
    fixture = join(dir, 'FIXTURE_buurten_from_wijken_2014_GM0014_rd.geojson');
    const features = wijken2014.features
      .filter((f) => (f.properties as { statcode: string }).statcode.startsWith('WK0014'))
      .map((f): Feature => {
        const wijk = (f.properties as { statcode: string; statnaam: string }).statcode;
        return {
          type: 'Feature',
          properties: {
            buurtcode: `BU${wijk.slice(2)}00`,
            buurtnaam: `fixture from ${wijk}`,
            fixture: 'TEST FIXTURE: polygon of the real 2014 wijk, relabelled; not a real buurt boundary',
            water: 'NEE',
          },
          geometry: mapPositions(f.geometry, (p) =>
            wgs84ToRd(p[0]!, p[1]!).map((v) => Math.round(v * 1000) / 1000),
          ),
        };
      });
    await writeFile(
      fixture,
      JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::28992' } },
        features,
      }),
    );
  });

  it('imports it as buurten, converting RD New to WGS84', async () => {
    const report = await importBoundaries(store, fixture, { year: 2014, level: 'buurt' });
    expect(report).toMatchObject({
      crs: 'rd',
      codeProperty: 'buurtcode',
      regionsStored: 10,
      format: 'geojson',
    });
    const buurten = await loadAreas(store, 'buurt', 2014);
    expect(buurten.map((b) => b.code)).toContain('BU00140000');
    for (const b of buurten) expect(validatePolygonal(b.geometry)).toEqual([]);
  });

  it(`every fixture buurt of GM0014 lies within the stored gemeente GM0014 of 2015 (vertices within ${VERTEX_TOLERANCE_M} m)`, async () => {
    const gemeente = polygonsOf((await loadAreas(store, 'gemeente', 2015, 'GM0014'))[0]!.geometry);
    const buurten = await loadAreas(store, 'buurt', 2014, 'BU0014');
    expect(buurten).toHaveLength(10);
    for (const b of buurten) {
      for (const p of polygonsOf(b.geometry).flat(2)) {
        const inside = gemeente.some((polygon) => locateInRings(p[0]!, p[1]!, polygon) !== 'outside');
        if (!inside) expect(distanceToBoundaryM(p, gemeente)).toBeLessThan(VERTEX_TOLERANCE_M);
      }
    }
  });

  it('imports the same layer as TopoJSON (any object name) with the same result', async () => {
    const collection = JSON.parse(readFileSync(fixture, 'utf8')) as FeatureCollection;
    const topo = {
      ...topology({ fixture_buurten: collection }),
      crs: collection['crs' as keyof FeatureCollection],
    };
    const file = join(dir, 'FIXTURE_buurten.topojson');
    await writeFile(file, JSON.stringify(topo));
    const before = await loadAreas(store, 'buurt', 2014);
    const report = await importBoundaries(store, file, { year: 2014, level: 'buurt', crs: 'rd' });
    expect(report).toMatchObject({ format: 'topojson', crs: 'rd', regionsStored: 10 });
    expect(await loadAreas(store, 'buurt', 2014)).toEqual(before);
  });
});

describe('bad boundary files are rejected whole, with file, feature and property named', () => {
  async function count(): Promise<number> {
    return (await store.one<{ n: number }>('SELECT count(*) AS n FROM region_geometry'))!.n;
  }
  async function reject(
    name: string,
    content: unknown,
    options: Parameters<typeof importBoundaries>[2],
  ): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    const before = await count();
    const error = await importBoundaries(store, file, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoundaryImportError);
    expect(await count()).toBe(before);
    return (error as Error).message;
  }
  const groningen = wijken2014.features.find(
    (f) => (f.properties as { statcode: string }).statcode === 'WK001400',
  )!;
  const feature = (
    properties: Record<string, unknown>,
    geometry: Polygonal = groningen.geometry,
  ): Feature => ({ type: 'Feature', properties, geometry });

  it('names the feature with an invalid code, and stores none of the valid ones', async () => {
    const message = await reject(
      'bad-code.geojson',
      {
        type: 'FeatureCollection',
        features: [feature({ buurtcode: 'BU00140000' }), feature({ buurtcode: 'BU14X' })],
      },
      { year: 2022, level: 'buurt' },
    );
    expect(message).toMatch(/bad-code\.geojson, features\[1\], property "buurtcode": .*\(value: "BU14X"\)/);
  });

  it('refuses codes of another level', async () => {
    const message = await reject(
      'wrong-level.geojson',
      { type: 'FeatureCollection', features: [feature({ statcode: 'WK001400' })] },
      { year: 2022, level: 'buurt' },
    );
    expect(message).toMatch(/features\[0\], property "statcode": WK001400 is not a buurt code; expected BU/);
  });

  it('says when latitude and longitude are swapped', async () => {
    const swapped = mapPositions(groningen.geometry, (p) => [p[1]!, p[0]!]);
    const message = await reject(
      'swapped.geojson',
      { type: 'FeatureCollection', features: [feature({ wijkcode: 'WK001400' }, swapped)] },
      { year: 2022, level: 'wijk' },
    );
    expect(message).toMatch(/swapped\.geojson: .*latitude and longitude swapped/);
  });

  it('refuses RD coordinates declared as WGS84, and coordinate systems it cannot convert', async () => {
    const rd = mapPositions(groningen.geometry, (p) => wgs84ToRd(p[0]!, p[1]!));
    const message = await reject(
      'rd-as-wgs.geojson',
      { type: 'FeatureCollection', features: [feature({ wijkcode: 'WK001400' }, rd)] },
      { year: 2022, level: 'wijk', crs: 'wgs84' },
    );
    expect(message).toMatch(/only 0% of the coordinates are WGS84.*looks like RD New/);
    const mercator = await reject(
      'mercator.geojson',
      {
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } },
        features: [feature({ wijkcode: 'WK001400' })],
      },
      { year: 2022, level: 'wijk' },
    );
    expect(mercator).toMatch(/EPSG::3857.*udc reads RD New \(EPSG:28992\) and WGS84/);
  });

  it('refuses non-polygons, files without codes, and files that are not GeoJSON', async () => {
    const point = {
      type: 'Feature',
      properties: { wijkcode: 'WK001400' },
      geometry: { type: 'Point', coordinates: [6.5, 53.2] },
    };
    expect(
      await reject(
        'point.geojson',
        { type: 'FeatureCollection', features: [point] },
        { year: 2022, level: 'wijk' },
      ),
    ).toMatch(
      /features\[0\], property "geometry": the geometry is a Point; expected a Polygon or MultiPolygon/,
    );
    expect(
      await reject(
        'nocode.geojson',
        { type: 'FeatureCollection', features: [feature({ naam: 'x' })] },
        { year: 2022, level: 'wijk' },
      ),
    ).toMatch(/no feature has any of the properties "wijkcode", "statcode".*--code-property/);
    const broken = {
      type: 'Feature',
      properties: { wijkcode: 'WK001400' },
      geometry: { type: 'Polygon', coordinates: [6.5, 53.2] },
    };
    expect(
      await reject(
        'broken.geojson',
        { type: 'FeatureCollection', features: [broken] },
        { year: 2022, level: 'wijk' },
      ),
    ).toMatch(/features\[0\], property "geometry": the Polygon's coordinates are not nested arrays/);
    expect(await reject('text.geojson', 'not json', { year: 2022, level: 'wijk' })).toMatch(/not valid JSON/);
  });
});

function polygonsOf(g: Polygonal): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : (g as MultiPolygon).coordinates;
}

function mapPositions(g: Polygonal, map: (p: Position) => Position): Polygon | MultiPolygon {
  if (g.type === 'Polygon')
    return { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(map)) };
  return {
    type: 'MultiPolygon',
    coordinates: g.coordinates.map((rings) => rings.map((ring) => ring.map(map))),
  };
}

/** Metres from a point to the nearest edge of a (multi)polygon, in a local equirectangular frame. */
function distanceToBoundaryM(p: Position, polygons: Position[][][]): number {
  const kx = Math.cos((p[1]! * Math.PI) / 180) * METRES_PER_DEGREE;
  let best = Infinity;
  for (const ring of polygons.flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const ax = (ring[i]![0]! - p[0]!) * kx;
      const ay = (ring[i]![1]! - p[1]!) * METRES_PER_DEGREE;
      const dx = (ring[i + 1]![0]! - ring[i]![0]!) * kx;
      const dy = (ring[i + 1]![1]! - ring[i]![1]!) * METRES_PER_DEGREE;
      const length2 = dx * dx + dy * dy;
      const t = length2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length2)) : 0;
      best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
    }
  }
  return best;
}

/** Area in m² (local equirectangular at 53.2° N, where GM0014 lies), holes subtracted. */
function areaM2(polygons: Position[][][]): number {
  const k = METRES_PER_DEGREE * METRES_PER_DEGREE * Math.cos((53.2 * Math.PI) / 180);
  let area = 0;
  for (const polygon of polygons) {
    polygon.forEach((ring, r) => {
      let sum = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
        sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
      area += ((r === 0 ? 1 : -1) * Math.abs(sum)) / 2;
    });
  }
  return area * k;
}

function perimeterM(polygons: Position[][][]): number {
  let length = 0;
  for (const ring of polygons.flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const kx = Math.cos((ring[i]![1]! * Math.PI) / 180) * METRES_PER_DEGREE;
      length += Math.hypot(
        (ring[i + 1]![0]! - ring[i]![0]!) * kx,
        (ring[i + 1]![1]! - ring[i]![1]!) * METRES_PER_DEGREE,
      );
    }
  }
  return length;
}
