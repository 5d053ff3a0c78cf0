import type { Store } from '../../store/index.js';
import { Geocoder, type Area } from './geocode.js';
import type { BoundaryLevel } from './import-boundaries.js';
import type { Polygonal } from './topology.js';

/** Which boundaries the store holds: one entry per level and year. */
export interface GeometryAvailability {
  level: BoundaryLevel;
  year: number;
  regions: number;
  sources: string[];
}

/** Lists the levels and years the store has boundaries for (the dashboard draws a map for these, a table otherwise). */
export async function listGeometry(store: Store): Promise<GeometryAvailability[]> {
  const rows = await store.all<{ level: BoundaryLevel; year: number; regions: number; sources: string }>(
    `SELECT level, year, count(*) AS regions, string_agg(DISTINCT source, '\n' ORDER BY source) AS sources
       FROM region_geometry GROUP BY level, year ORDER BY year, level`,
  );
  return rows.map((r) => ({
    level: r.level,
    year: r.year,
    regions: r.regions,
    sources: r.sources.split('\n'),
  }));
}

/** True when the store has boundaries for this level and year. */
export async function hasGeometry(store: Store, level: BoundaryLevel, year: number): Promise<boolean> {
  const row = await store.one<{ n: number }>(
    'SELECT count(*) AS n FROM region_geometry WHERE level = $1 AND year = $2',
    [level, year],
  );
  return (row?.n ?? 0) > 0;
}

/** The stored boundaries (WGS84) of one level and year, ordered by code; optionally only codes starting with `codePrefix`. */
export async function loadAreas(
  store: Store,
  level: BoundaryLevel,
  year: number,
  codePrefix = '',
): Promise<Area[]> {
  const rows = await store.all<{ code: string; geojson: string }>(
    `SELECT code, geojson FROM region_geometry WHERE level = $1 AND year = $2 AND starts_with(code, $3) ORDER BY code`,
    [level, year, codePrefix],
  );
  return rows.map((r) => ({
    code: r.code,
    geometry: (typeof r.geojson === 'string' ? JSON.parse(r.geojson) : r.geojson) as Polygonal,
  }));
}

/** Thrown when the store has no boundaries for the requested level and year. */
export class MissingGeometryError extends Error {
  override readonly name = 'MissingGeometryError';
}

/**
 * A geocoder over the stored boundaries of one level and year. Throws MissingGeometryError naming
 * the levels and years that are available, and how to import more.
 */
export async function loadGeocoder(store: Store, level: BoundaryLevel, year: number): Promise<Geocoder> {
  const areas = await loadAreas(store, level, year);
  if (areas.length === 0) {
    const available = await listGeometry(store);
    throw new MissingGeometryError(
      `the store has no ${level} boundaries for ${year}; it has ${available.map((a) => `${a.level} ${a.year}`).join(', ') || 'none'}. ` +
        `Import them with: udc regions import-boundaries <file> --year ${year} --level ${level} (see docs/geometry.md)`,
    );
  }
  return new Geocoder(areas, `${level} ${year}`);
}
