/**
 * The optional basemap under the choropleth (issue 8: "an optional basemap URL in configuration").
 * By default there is none and the dashboard makes no request to another host. When an XYZ tile
 * URL is configured, the map draws the tiles that cover its extent as SVG <image> elements under
 * the areas; the reader's browser fetches them from the tile server, the server never does.
 */
import type { GeoProjection } from 'd3-geo';

export interface Basemap {
  /** An XYZ ("slippy map") tile URL template in Web Mercator, with {z}, {x} and {y}. */
  url: string;
  /** The tile provider's credit, shown under the map (may be empty). */
  attribution: string;
}

/** One tile placed on the map: its URL and its box in SVG pixels. */
export interface PlacedTile {
  z: number;
  x: number;
  y: number;
  href: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The edge of a standard tile in pixels: the zoom is chosen so a tile appears about this size. */
const TILE_SIZE = 256;
/** Zoom levels XYZ tile services commonly serve. */
const MAX_ZOOM = 19;
/** Web Mercator stops at about ±85.05°, where the square world ends. */
const MAX_LATITUDE = (Math.atan(Math.sinh(Math.PI)) * 180) / Math.PI;

/**
 * The basemap from `UDC_BASEMAP_URL` and `UDC_BASEMAP_ATTRIBUTION`; undefined when no URL is set.
 * A URL that is set but unusable throws, naming the variable and what was expected, so `udc serve`
 * refuses to start rather than serve maps with broken images.
 */
export function basemapFromEnv(env: NodeJS.ProcessEnv = process.env): Basemap | undefined {
  const url = env.UDC_BASEMAP_URL?.trim();
  if (!url) return undefined;
  const problem = basemapUrlProblem(url);
  if (problem) throw new Error(`UDC_BASEMAP_URL ${problem} (got "${url.slice(0, 200)}")`);
  return { url, attribution: (env.UDC_BASEMAP_ATTRIBUTION ?? '').trim() };
}

/** Why a tile URL template cannot be used, or undefined when it can. */
export function basemapUrlProblem(url: string): string | undefined {
  if (/\s/.test(url)) return 'must not contain spaces';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return `must be an http or https URL, not ${parsed.protocol}`;
  const missing = ['{z}', '{x}', '{y}'].filter((p) => !url.includes(p));
  if (missing.length > 0) return `must contain ${missing.join(', ')} (an XYZ tile template)`;
  return undefined;
}

/** The slippy-map tile column of a longitude at zoom z. */
export function tileX(longitude: number, z: number): number {
  return Math.floor(((longitude + 180) / 360) * 2 ** z);
}

/** The slippy-map tile row of a latitude at zoom z (row 0 at the top, the north). */
export function tileY(latitude: number, z: number): number {
  const phi = (Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, latitude)) * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * 2 ** z);
}

/** The north-west corner of tile (x, y) at zoom z as [longitude, latitude]. */
function tileCorner(x: number, y: number, z: number): [number, number] {
  const n = 2 ** z;
  return [(x / n) * 360 - 180, (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI];
}

/**
 * The tiles covering a width x height SVG drawn with `projection` (a d3 geoMercator without
 * rotation, as map.ts fits it). d3's Mercator scale k is pixels per radian, a zoom-z tile world is
 * 256·2^z pixels around 2π radians, so a tile shows 2πk/2^z pixels wide: the zoom is the one that
 * brings that closest to 256. The tile range comes from the inverse projection of the corners.
 */
export function tilesFor(
  projection: GeoProjection,
  width: number,
  height: number,
  template: string,
): PlacedTile[] {
  const k = projection.scale();
  const z = Math.max(0, Math.min(MAX_ZOOM, Math.round(Math.log2((2 * Math.PI * k) / TILE_SIZE))));
  const nw = projection.invert?.([0, 0]);
  const se = projection.invert?.([width, height]);
  if (!nw || !se || ![...nw, ...se].every(Number.isFinite)) return [];
  const last = 2 ** z - 1;
  const clamp = (v: number) => Math.max(0, Math.min(last, v));
  const [x0, x1] = [clamp(tileX(nw[0], z)), clamp(tileX(se[0], z))];
  const [y0, y1] = [clamp(tileY(nw[1], z)), clamp(tileY(se[1], z))];
  const tiles: PlacedTile[] = [];
  const round = (v: number) => Math.round(v * 100) / 100;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      // Both corners projected, so neighbouring tiles share their edges exactly (no seams).
      const [left, top] = projection(tileCorner(x, y, z))!;
      const [right, bottom] = projection(tileCorner(x + 1, y + 1, z))!;
      tiles.push({
        z,
        x,
        y,
        href: template.replaceAll('{z}', String(z)).replaceAll('{x}', String(x)).replaceAll('{y}', String(y)),
        left: round(left),
        top: round(top),
        width: round(right) - round(left),
        height: round(bottom) - round(top),
      });
    }
  return tiles;
}
