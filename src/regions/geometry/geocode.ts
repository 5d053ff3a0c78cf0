import Flatbush from 'flatbush';
import type { Position } from 'geojson';
import {
  CoordinateError,
  CrsTally,
  decideCrs,
  explainCoordinate,
  fitsCrs,
  rdToWgs84,
  wgs84ToRd,
  type Crs,
} from './projection.js';
import type { Polygonal } from './topology.js';

/** A region with its boundary in WGS84. */
export interface Area {
  code: string;
  geometry: Polygonal;
}

/** Result code of a point that lies in no area. */
export const OUTSIDE = -1;
/** Result code of a point whose coordinates are missing or not a Dutch coordinate in the chosen system. */
export const INVALID = -2;

/**
 * A spatial index over the polygons of a set of areas, in one coordinate system: a flatbush
 * R-tree over the bounding box of every polygon (each part of a MultiPolygon on its own), then an
 * exact even-odd point-in-polygon test over the polygon's rings (holes included) for the few
 * candidates. Coordinates live in flat typed arrays, so a query allocates nothing.
 */
export class GeoIndex {
  /** Number of polygons (parts) indexed. */
  readonly polygonCount: number;
  private readonly tree: Flatbush;
  private readonly partArea: Int32Array;
  /** Ring i of the whole set spans positions ringStart[i] .. ringStart[i + 1] - 1. */
  private readonly ringStart: Int32Array;
  /** Part p owns rings partRing[p] .. partRing[p + 1] - 1. */
  private readonly partRing: Int32Array;
  private readonly xy: Float64Array;
  private qx = 0;
  private qy = 0;
  private found = OUTSIDE;

  /** Builds the index over `areas` (WGS84), projecting their vertices once to `crs`. */
  constructor(
    readonly areas: readonly Area[],
    readonly crs: Crs = 'wgs84',
  ) {
    let parts = 0;
    let rings = 0;
    let positions = 0;
    for (const area of areas) {
      for (const polygon of polygonsOf(area)) {
        parts++;
        for (const ring of polygon) {
          rings++;
          positions += ring.length;
        }
      }
    }
    this.polygonCount = parts;
    this.partArea = new Int32Array(parts);
    this.partRing = new Int32Array(parts + 1);
    this.ringStart = new Int32Array(rings + 1);
    this.xy = new Float64Array(positions * 2);
    this.tree = new Flatbush(Math.max(1, parts));
    let p = 0;
    let r = 0;
    let k = 0;
    areas.forEach((area, a) => {
      for (const polygon of polygonsOf(area)) {
        this.partArea[p] = a;
        this.partRing[p] = r;
        let minX = Infinity;
        let minY = Infinity;
        let maxX = -Infinity;
        let maxY = -Infinity;
        for (const ring of polygon) {
          this.ringStart[r++] = k;
          for (const position of ring) {
            const [x, y] =
              crs === 'wgs84' ? [position[0]!, position[1]!] : wgs84ToRd(position[0]!, position[1]!);
            this.xy[2 * k] = x;
            this.xy[2 * k + 1] = y;
            k++;
            if (x < minX) minX = x;
            if (y < minY) minY = y;
            if (x > maxX) maxX = x;
            if (y > maxY) maxY = y;
          }
        }
        this.tree.add(minX, minY, maxX, maxY);
        p++;
      }
    });
    this.partRing[p] = r;
    this.ringStart[r] = k;
    if (parts === 0) this.tree.add(Infinity, Infinity, Infinity, Infinity);
    this.tree.finish();
  }

  /** The index of the area containing (x, y) in this index's CRS, or OUTSIDE. Points on a shared border go to one of the two. */
  locate(x: number, y: number): number {
    this.qx = x;
    this.qy = y;
    this.found = OUTSIDE;
    this.tree.search(x, y, x, y, this.test);
    return this.found;
  }

  /** Locates many points at once; `out[i]` is the area index of point i or OUTSIDE. Coordinates must be in this index's CRS. */
  locateMany(
    xs: ArrayLike<number>,
    ys: ArrayLike<number>,
    out: Int32Array = new Int32Array(xs.length),
  ): Int32Array {
    for (let i = 0; i < xs.length; i++) out[i] = this.locate(xs[i]!, ys[i]!);
    return out;
  }

  // An arrow property, bound once: flatbush calls it for every candidate polygon. It returns false
  // always, so search() collects nothing, and skips the exact test once a polygon has been found
  // (polygons of one level do not overlap).
  private readonly test = (part: number): boolean => {
    if (this.found === OUTSIDE && this.inPart(part, this.qx, this.qy)) this.found = this.partArea[part]!;
    return false;
  };

  /** Even-odd ray crossing over every ring of the part: inside the exterior and in no hole. */
  private inPart(part: number, x: number, y: number): boolean {
    const xy = this.xy;
    let inside = false;
    for (let r = this.partRing[part]!, end = this.partRing[part + 1]!; r < end; r++) {
      const from = this.ringStart[r]!;
      const to = this.ringStart[r + 1]!;
      let xj = xy[2 * (to - 1)]!;
      let yj = xy[2 * (to - 1) + 1]!;
      for (let i = from; i < to; i++) {
        const xi = xy[2 * i]!;
        const yi = xy[2 * i + 1]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
        xj = xi;
        yj = yi;
      }
    }
    return inside;
  }
}

/** The outcome of geocoding many points. */
export interface BulkGeocode {
  /** The coordinate system the points were read in (stated or detected). */
  crs: Crs;
  /** Per point: the index into `codes`, OUTSIDE or INVALID. */
  area: Int32Array;
  /** The region codes, indexed by `area`. */
  codes: readonly string[];
  /** Points that lie in no area (indices into the input). */
  outside: number[];
  /** Points with missing coordinates or coordinates outside the Netherlands in the chosen system. */
  invalid: { index: number; reason: string }[];
}

/**
 * Assigns points to regions of one set of areas (a level and year). Points in RD New are
 * converted to WGS84 (proj4) and matched against the stored WGS84 polygons, so the answer never
 * depends on the system the points arrive in. (Matching RD points against polygons projected to
 * RD would be as fast, but a straight edge in lon/lat is a slight curve in RD: on the bundled q1e3
 * layers, whose edges run for kilometres, that moved answers for points up to 48 m from a border.)
 */
export class Geocoder {
  private wgs84Index: GeoIndex | undefined;

  constructor(
    readonly areas: readonly Area[],
    /** Names the area set in messages, e.g. "buurt 2023". */
    readonly label = 'the areas',
  ) {}

  /** The region codes, in index order. */
  get codes(): string[] {
    return this.areas.map((a) => a.code);
  }

  /** The spatial index over the areas in WGS84 (built on first use). */
  get index(): GeoIndex {
    this.wgs84Index ??= new GeoIndex(this.areas, 'wgs84');
    return this.wgs84Index;
  }

  /**
   * The code of the region containing one point, or null when it lies in none. The CRS is the
   * stated one or, when absent, the one the coordinates fit. Throws CoordinateError for
   * coordinates that are not Dutch in any supported system (e.g. latitude and longitude swapped).
   */
  locate(x: number, y: number, crs?: Crs): string | null {
    const tally = new CrsTally();
    tally.add(x, y);
    const chosen = decideCrs(tally, `point (${x}, ${y})`, crs);
    const [lon, lat] = chosen === 'rd' ? rdToWgs84(x, y) : [x, y];
    const a = this.index.locate(lon, lat);
    return a === OUTSIDE ? null : this.areas[a]!.code;
  }

  /**
   * Geocodes many points (typed arrays of x/lon and y/lat). The CRS is the stated one or the one
   * most points fit; it throws CoordinateError when fewer than half the points fit it (a file in
   * the wrong system, or with latitude and longitude swapped). Single points that are missing or
   * out of range come back in `invalid` with a reason; points in no area come back in `outside`.
   * Nothing is dropped silently.
   */
  locateMany(
    xs: ArrayLike<number>,
    ys: ArrayLike<number>,
    options: { crs?: Crs; where?: string } = {},
  ): BulkGeocode {
    if (xs.length !== ys.length) throw new RangeError(`xs has ${xs.length} values and ys ${ys.length}`);
    const tally = new CrsTally();
    const step = Math.max(1, Math.floor(xs.length / 100_000)); // a sample decides; every point is checked below
    for (let i = 0; i < xs.length; i += step)
      if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) tally.add(xs[i]!, ys[i]!);
    const crs = decideCrs(tally, options.where ?? 'the points', options.crs, 0.5);
    const index = this.index;
    const area = new Int32Array(xs.length);
    const outside: number[] = [];
    const invalid: { index: number; reason: string }[] = [];
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (!fitsCrs(x, y, crs)) {
        area[i] = INVALID;
        invalid.push({
          index: i,
          reason: Number.isNaN(x) || Number.isNaN(y) ? 'coordinates missing' : explainCoordinate(x, y, crs),
        });
        continue;
      }
      let a: number;
      if (crs === 'rd') {
        const [lon, lat] = rdToWgs84(x, y);
        a = index.locate(lon, lat);
      } else a = index.locate(x, y);
      area[i] = a;
      if (a === OUTSIDE) outside.push(i);
    }
    return { crs, area, codes: this.codes, outside, invalid };
  }
}

/** A point-in-polygon test over all areas one by one, without an index: the reference the benchmark compares with. */
export function bruteForceLocate(areas: readonly Area[], x: number, y: number): number {
  for (let a = 0; a < areas.length; a++) {
    for (const polygon of polygonsOf(areas[a]!)) {
      let inside = false;
      for (const ring of polygon) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const xi = ring[i]![0]!;
          const yi = ring[i]![1]!;
          const xj = ring[j]![0]!;
          const yj = ring[j]![1]!;
          if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
        }
      }
      if (inside) return a;
    }
  }
  return OUTSIDE;
}

function polygonsOf(area: Area): Position[][][] {
  return area.geometry.type === 'Polygon' ? [area.geometry.coordinates] : area.geometry.coordinates;
}

export { CoordinateError };
