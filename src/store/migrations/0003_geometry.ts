import type { Migration } from '../migrate.js';

/**
 * Boundaries per year: one row per region code and year, the WGS84 GeoJSON geometry (Polygon or
 * MultiPolygon, simplified for the web with shared borders kept, rings wound as d3-geo expects)
 * and its bounding box, so a map or a geocoder can pick the regions near a point without parsing
 * every geometry.
 */
export const geometry: Migration = {
  version: 3,
  name: 'geometry',
  statements: [
    `CREATE TABLE region_geometry (
       code VARCHAR NOT NULL,
       year INTEGER NOT NULL,
       level VARCHAR NOT NULL CHECK (level IN ('gemeente', 'wijk', 'buurt')),
       geojson JSON NOT NULL,
       minx DOUBLE NOT NULL,
       miny DOUBLE NOT NULL,
       maxx DOUBLE NOT NULL,
       maxy DOUBLE NOT NULL,
       source VARCHAR NOT NULL,
       PRIMARY KEY (code, year)
     )`,
  ],
};
