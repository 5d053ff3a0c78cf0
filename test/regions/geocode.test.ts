// Geocoding known places against the bundled real boundaries in a real store.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { geoContains } from 'd3-geo';
import type { FeatureCollection } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CoordinateError,
  Geocoder,
  INVALID,
  OUTSIDE,
  bruteForceLocate,
  ensureGeometry,
  loadGeocoder,
  rewindForD3,
  wgs84ToRd,
  type GeoIndex,
  type Polygonal,
} from '../../src/regions/geometry/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

// Known places. The Martinitoren: WGS84 about 53.2193 N, 6.5682 E; RD about (233883, 582065).
// Assen railway station: about 52.9923 N, 6.5640 E. West of Texel, in the North Sea: 53.30 N, 4.40 E.
const martinitoren = { lon: 6.5682, lat: 53.2193, x: 233_883, y: 582_065 };
const assenStation = { lon: 6.564, lat: 52.9923 };
const northSea = { lon: 4.4, lat: 53.3 };

let store: Store;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ store, dispose } = await temporaryStore());
  await ensureGeometry(store);
});
afterAll(async () => dispose());

describe('geocoding known places to gemeenten 2023', () => {
  it('puts the Martinitoren in GM0014 Groningen and Assen station in GM0106 Assen, from WGS84 and from RD', async () => {
    const geocoder = await loadGeocoder(store, 'gemeente', 2023);
    expect(geocoder.locate(martinitoren.lon, martinitoren.lat)).toBe('GM0014');
    expect(geocoder.locate(martinitoren.x, martinitoren.y)).toBe('GM0014');
    expect(geocoder.locate(martinitoren.x, martinitoren.y, 'rd')).toBe('GM0014');
    expect(geocoder.locate(assenStation.lon, assenStation.lat, 'wgs84')).toBe('GM0106');
    const [x, y] = wgs84ToRd(assenStation.lon, assenStation.lat);
    expect(geocoder.locate(x, y)).toBe('GM0106');
  });

  it('reports a point in the North Sea as outside every area, in both systems', async () => {
    const geocoder = await loadGeocoder(store, 'gemeente', 2023);
    expect(geocoder.locate(northSea.lon, northSea.lat)).toBeNull();
    const [x, y] = wgs84ToRd(northSea.lon, northSea.lat);
    expect(geocoder.locate(x, y)).toBeNull();
  });

  it('gives a clear error for swapped latitude/longitude and for coordinates in the wrong system', async () => {
    const geocoder = await loadGeocoder(store, 'gemeente', 2023);
    expect(() => geocoder.locate(martinitoren.lat, martinitoren.lon)).toThrow(CoordinateError);
    expect(() => geocoder.locate(martinitoren.lat, martinitoren.lon)).toThrow(
      /latitude and longitude swapped.*\(53\.2193, 6\.5682\)/,
    );
    expect(() => geocoder.locate(martinitoren.lon, martinitoren.lat, 'rd')).toThrow(
      /looks like WGS84 degrees, not RD New metres.*--crs wgs84/,
    );
    expect(() => geocoder.locate(martinitoren.x, martinitoren.y, 'wgs84')).toThrow(
      /looks like RD New metres/,
    );
    expect(() => geocoder.locate(13.4, 52.5)).toThrow(/outside the Netherlands/);
  });

  it('says which boundaries exist when asked for a level and year the store lacks', async () => {
    await expect(loadGeocoder(store, 'buurt', 2023)).rejects.toThrow(
      /no buurt boundaries for 2023; it has .*gemeente 2023.*udc regions import-boundaries/,
    );
  });
});

describe('geocoding to wijken 2014', () => {
  it('puts the Martinitoren in the city-centre wijk, as an independent lookup in the bundled file finds it', async () => {
    // Independent method: d3-geo's spherical geoContains over the raw bundled file (rings rewound
    // for d3, nothing else of udc's pipeline), then the wijk's name from the same file.
    const raw = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '../../data/boundaries/wijken_2014_groningen_assen_wgs84_q1e3.geojson'),
        'utf8',
      ),
    ) as FeatureCollection<Polygonal, { statcode: string; statnaam: string }>;
    const hits = raw.features.filter((f) =>
      geoContains(rewindForD3(f.geometry), [martinitoren.lon, martinitoren.lat]),
    );
    expect(hits).toHaveLength(1);
    expect(hits[0]!.properties.statnaam).toMatch(/Binnenstad/); // "Wijk 00 Binnenstad": the city centre
    const wijk = hits[0]!.properties.statcode;

    const geocoder = await loadGeocoder(store, 'wijk', 2014);
    expect(geocoder.locate(martinitoren.lon, martinitoren.lat)).toBe(wijk);
    expect(geocoder.locate(martinitoren.x, martinitoren.y, 'rd')).toBe(wijk);
    expect(wijk).toBe('WK001400');
    const [x, y] = wgs84ToRd(assenStation.lon, assenStation.lat);
    expect(geocoder.locate(x, y)?.startsWith('WK0106')).toBe(true);
  });
});

describe('bulk geocoding over typed arrays', () => {
  it('returns an area per point and lists the outside and the invalid ones instead of dropping them', async () => {
    const geocoder = await loadGeocoder(store, 'gemeente', 2023);
    const [ax, ay] = wgs84ToRd(assenStation.lon, assenStation.lat);
    const [nx, ny] = wgs84ToRd(northSea.lon, northSea.lat);
    const xs = Float64Array.from([martinitoren.x, ax, nx, NaN, 6.5682, 0]);
    const ys = Float64Array.from([martinitoren.y, ay, ny, NaN, 53.2193, 0]);
    const result = geocoder.locateMany(xs, ys);
    expect(result.crs).toBe('rd');
    const codes = [...result.area].map((a) => (a >= 0 ? result.codes[a] : a));
    expect(codes).toEqual(['GM0014', 'GM0106', OUTSIDE, INVALID, INVALID, INVALID]);
    expect(result.outside).toEqual([2]);
    expect(result.invalid.map((i) => i.index)).toEqual([3, 4, 5]);
    expect(result.invalid[0]!.reason).toBe('coordinates missing');
    expect(result.invalid[1]!.reason).toMatch(/looks like WGS84 degrees, not RD New/);
  });

  it('refuses a file of swapped coordinates as a whole', async () => {
    const geocoder = await loadGeocoder(store, 'gemeente', 2023);
    expect(() =>
      geocoder.locateMany(Float64Array.from([53.2193, 52.9923]), Float64Array.from([6.5682, 6.564]), {
        where: 'points.csv',
      }),
    ).toThrow(/points\.csv: 100% of the coordinates have latitude and longitude swapped/);
  });

  it('agrees with brute-force point-in-polygon on 20 000 generated points', async () => {
    const geocoder = await loadGeocoder(store, 'wijk', 2014);
    const index: GeoIndex = geocoder.index;
    let state = 7;
    const random = () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
    for (let i = 0; i < 20_000; i++) {
      const x = 6.17 + random() * 1.06;
      const y = 52.86 + random() * 0.7;
      expect(index.locate(x, y)).toBe(bruteForceLocate(geocoder.areas, x, y));
    }
  });

  it('respects holes: a point in a hole belongs to the area around it only if that area does not have the hole', () => {
    const ring = (x: number, y: number, s: number) => [
      [x, y],
      [x, y + s],
      [x + s, y + s],
      [x + s, y],
      [x, y],
    ];
    const geocoder = new Geocoder([
      {
        code: 'GM0001',
        geometry: { type: 'Polygon', coordinates: [ring(6, 53, 0.1), ring(6.04, 53.04, 0.02)] },
      },
      { code: 'GM0002', geometry: { type: 'Polygon', coordinates: [ring(6.04, 53.04, 0.02)] } },
    ]);
    expect(geocoder.locate(6.01, 53.01)).toBe('GM0001');
    expect(geocoder.locate(6.05, 53.05)).toBe('GM0002');
    expect(geocoder.locate(6.2, 53.2)).toBeNull();
  });
});
