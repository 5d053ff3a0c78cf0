import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import polygonClipping from 'polygon-clipping';
import { feature } from 'topojson-client';
import { topology } from 'topojson-server';
import { presimplify, simplify } from 'topojson-simplify';
import type { GeometryCollection, GeometryObject, Objects, Topology } from 'topojson-specification';
import { findCrossings, validatePolygonal, type Line } from './validate.js';

/** A boundary: one region's area, a Polygon or a MultiPolygon. */
export type Polygonal = Polygon | MultiPolygon;

/**
 * Decimals kept in stored WGS84 coordinates: 7 decimals of a degree is about 1 cm, finer than any
 * boundary source, and keeps JSON small. Coordinates are rounded *before* the topology is built, so
 * neighbours still share exactly equal positions.
 */
export const COORDINATE_DECIMALS = 7;

/**
 * The default simplification for the web (Visvalingam effective area, in square metres): a vertex
 * goes when the triangle it forms with its neighbours covers less than 50 m², e.g. a 5 m bump on a
 * 20 m stretch. That is below one screen pixel at web zoom 14 (about 6 m per pixel at 53° N), the
 * closest zoom at which the dashboard shows buurten. Use 0 to keep every vertex.
 */
export const WEB_MIN_AREA_M2 = 50;

/** Metres per degree of latitude on the mean Earth sphere (and per degree of longitude at the equator). */
const METRES_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;
const SCALE = 10 ** COORDINATE_DECIMALS;

/** What happened to a layer on its way to the store. */
export interface LayerReport {
  features: number;
  positionsIn: number;
  positionsOut: number;
  /** Arcs of the topology (stretches of border between junctions) and how many two features share. */
  arcs: number;
  sharedArcs: number;
  /** The simplification threshold used (m²). */
  minArea: number;
  /** Largest distance (m) from a removed vertex to the simplified border. */
  maxShiftMetres: number;
  /** Arcs kept at full detail because simplifying them made a polygon invalid. */
  restoredArcs: number;
  /** Source defects repaired: loops cut out of a self-crossing border, features made valid. */
  loopsCut: number;
  repairedFeatures: number[];
  /** Rings dropped because rounding left them with fewer than 4 distinct positions (slivers). */
  droppedRings: number;
}

/** A feature the layer could not turn into a valid boundary. */
export interface LayerProblem {
  feature: number;
  message: string;
}

export interface LayerResult {
  /** One geometry per input feature, in order; null where a problem is reported. */
  geometries: (Polygonal | null)[];
  report: LayerReport;
  problems: LayerProblem[];
}

/**
 * Prepares a layer of boundaries (WGS84 lon/lat) for the store: rounds to {@link COORDINATE_DECIMALS},
 * repairs defects of the source (self-crossing borders, overlapping parts), simplifies *with the
 * topology kept* and rewinds rings as d3-geo expects. Borders two features share are simplified
 * once, as one TopoJSON arc, so neighbours keep identical coordinates along their border: no gaps
 * or slivers at any zoom. An arc whose simplification would make any polygon invalid (crossing,
 * collapsed ring, hole outside) is kept at full detail. Every returned geometry passes
 * validatePolygonal.
 */
export function simplifyLayer(input: readonly Polygonal[], options: { minArea?: number } = {}): LayerResult {
  const minArea = options.minArea ?? WEB_MIN_AREA_M2;
  const problems: LayerProblem[] = [];
  const report: LayerReport = {
    features: input.length,
    positionsIn: 0,
    positionsOut: 0,
    arcs: 0,
    sharedArcs: 0,
    minArea,
    maxShiftMetres: 0,
    restoredArcs: 0,
    loopsCut: 0,
    repairedFeatures: [],
    droppedRings: 0,
  };
  for (const g of input) report.positionsIn += countPositions(g);

  // 1. Round and clean every feature on its own.
  let geometries: (Polygonal | null)[] = input.map((g, i) => {
    const cleaned = clean(g, report);
    if (!cleaned)
      problems.push({
        feature: i,
        message: 'the geometry has no ring of at least 4 distinct positions left',
      });
    return cleaned;
  });

  // 2. Repair the source in the topology: a loop in a shared border is cut once, for both sides.
  let topo = buildTopology(geometries);
  report.loopsCut = cutLoops(topo.arcs);
  geometries = extract(topo, geometries);

  // 3. Whatever is still invalid (overlapping parts, a hole across its exterior) is repaired per feature.
  let repaired = false;
  geometries = geometries.map((g, i) => {
    if (!g || validatePolygonal(g).length === 0) return g;
    const fixed = repairFeature(g, report);
    const issues = fixed ? validatePolygonal(fixed) : [];
    if (!fixed || issues.length > 0) {
      problems.push({
        feature: i,
        message: `the geometry is invalid and could not be repaired: ${issues[0]?.message ?? 'nothing is left of it'}`,
      });
      return null;
    }
    report.repairedFeatures.push(i);
    repaired = true;
    return fixed;
  });
  if (repaired) topo = buildTopology(geometries);
  countArcs(topo, report);

  // 4. Simplify with the topology kept; restore arcs whose simplification breaks validity.
  const simplified = minArea > 0 ? simplifyArcs(topo, geometries, minArea, report) : topo;
  geometries = extract(simplified, geometries).map((g, i) => {
    if (!g) return null;
    const issues = validatePolygonal(g);
    if (issues.length > 0) {
      problems.push({ feature: i, message: `the simplified geometry is invalid: ${issues[0]!.message}` });
      return null;
    }
    report.positionsOut += countPositions(g);
    return rewindForD3(g);
  });
  return { geometries, report, problems };
}

/**
 * Winds rings the way d3-geo expects. d3-geo works on the sphere, where a ring encloses the side
 * on its right: an exterior ring must run *clockwise* in lon/lat (seen with north up) and a hole
 * counter-clockwise. That is the opposite of RFC 7946, which asks for counter-clockwise exteriors;
 * renderers that fill planar polygons (Leaflet, MapLibre, SVG with nonzero or even-odd fill)
 * draw either order the same, so udc stores the order d3-geo needs: a ring wound the RFC way would
 * make d3 fill the whole globe except the region.
 */
export function rewindForD3<G extends Polygonal>(geometry: G): G {
  const rewind = (rings: Position[][]) =>
    rings.map((ring, r) => {
      const clockwise = signedArea(ring) < 0;
      const wantClockwise = r === 0;
      return clockwise === wantClockwise ? ring : [...ring].reverse();
    });
  if (geometry.type === 'Polygon') return { ...geometry, coordinates: rewind(geometry.coordinates) };
  return { ...geometry, coordinates: geometry.coordinates.map(rewind) };
}

/** Twice the signed planar area of a ring: positive when it runs counter-clockwise (x east, y north). */
export function signedArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  }
  return sum;
}

/** Rounds a coordinate to {@link COORDINATE_DECIMALS} decimals (the same input always gives the same output). */
export function roundCoordinate(v: number): number {
  return Math.round(v * SCALE) / SCALE;
}

function countPositions(g: Polygonal): number {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let n = 0;
  for (const rings of polygons) for (const ring of rings) n += ring.length;
  return n;
}

/** Rounds, drops repeated positions and rings that collapse below 4 positions; null when nothing is left. */
function clean(g: Polygonal, report: LayerReport): Polygonal | null {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const out: Position[][][] = [];
  for (const rings of polygons) {
    const exterior = cleanRing(rings[0] ?? []);
    if (!exterior) {
      report.droppedRings += rings.length;
      continue;
    }
    const holes: Position[][] = [];
    for (const ring of rings.slice(1)) {
      const hole = cleanRing(ring);
      if (hole) holes.push(hole);
      else report.droppedRings++;
    }
    out.push([exterior, ...holes]);
  }
  if (out.length === 0) return null;
  return out.length === 1
    ? { type: 'Polygon', coordinates: out[0]! }
    : { type: 'MultiPolygon', coordinates: out };
}

function cleanRing(ring: readonly Position[]): Position[] | null {
  const out: Position[] = [];
  for (const p of ring) {
    const q = [roundCoordinate(p[0]!), roundCoordinate(p[1]!)];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0]!, first[1]!]);
  return out.length >= 4 ? out : null;
}

function buildTopology(geometries: readonly (Polygonal | null)[]): Topology {
  const collection: FeatureCollection = {
    type: 'FeatureCollection',
    features: geometries.map((geometry, id): Feature => ({
      type: 'Feature',
      id,
      properties: {},
      geometry: geometry ?? { type: 'Polygon', coordinates: [] },
    })),
  };
  return topology({ layer: collection });
}

function layerOf(topo: Topology): GeometryObject[] {
  return (topo.objects['layer'] as GeometryCollection).geometries;
}

/** The features of the topology back as GeoJSON geometries, in input order (null stays null). */
function extract(topo: Topology, previous: readonly (Polygonal | null)[]): (Polygonal | null)[] {
  const out = layerOf(topo).map((object, i) => {
    if (!previous[i]) return null;
    const f = feature(topo, object) as Feature<Polygonal | null>;
    return f.geometry;
  });
  return out;
}

/** Counts arcs and the arcs two features share, for the report. */
function countArcs(topo: Topology, report: LayerReport): void {
  const uses = new Uint32Array(topo.arcs.length);
  for (const object of layerOf(topo)) for (const a of arcsOf(object)) uses[a < 0 ? ~a : a]!++;
  report.arcs = topo.arcs.length;
  report.sharedArcs = uses.filter((n) => n > 1).length;
}

/** Every arc index a polygonal object uses, per ring. */
function ringsOf(object: GeometryObject): number[][] {
  if (object.type === 'Polygon') return object.arcs;
  if (object.type === 'MultiPolygon') return object.arcs.flat();
  return [];
}

function arcsOf(object: GeometryObject): number[] {
  return ringsOf(object).flat();
}

/**
 * Cuts loops out of arcs that cross themselves (a border that doubles back over itself, typically
 * an artefact of quantizing or simplifying the source). The loop between the two crossing edges is
 * replaced by the crossing point; the arc's endpoints (junctions with other borders) stay. Because
 * both neighbours use the same arc, both get the same repair. Returns the number of loops cut.
 */
function cutLoops(arcs: Position[][]): number {
  let cut = 0;
  arcs.forEach((arc, a) => {
    let current = arc;
    for (let guard = 0; guard < arc.length; guard++) {
      const crossing = findCrossings([{ positions: current, owner: a }])[0];
      if (!crossing) break;
      const i = Math.min(crossing.a.edge, crossing.b.edge);
      const j = Math.max(crossing.a.edge, crossing.b.edge);
      const x = [roundCoordinate(crossing.at[0]), roundCoordinate(crossing.at[1])];
      const closed = current.length > 3 && samePosition(current[0]!, current[current.length - 1]!);
      const inner = j - i;
      const next =
        closed && inner > (current.length - 1) / 2
          ? [x, ...current.slice(i + 1, j + 1), x] // the loop is the outer part of a closed ring
          : [...current.slice(0, i + 1), x, ...current.slice(j + 1)];
      current = dedupe(next);
      cut++;
    }
    arcs[a] = current;
  });
  return cut;
}

function samePosition(p: Position, q: Position): boolean {
  return p[0] === q[0] && p[1] === q[1];
}

function dedupe(line: Position[]): Position[] {
  return line.filter((p, k) => k === 0 || !samePosition(p, line[k - 1]!));
}

/**
 * Makes one feature valid with polygon-clipping (union of its own parts resolves overlaps and
 * crossings), then rounds again. Unchanged vertices round back to the exact input values, so the
 * feature still shares its untouched borders with its neighbours.
 */
function repairFeature(g: Polygonal, report: LayerReport): Polygonal | null {
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as polygonClipping.Polygon[];
  const parts = polygons.map((rings) =>
    rings.map((ring) => ring.map((p) => [p[0], p[1]] as [number, number])),
  );
  let merged: polygonClipping.MultiPolygon;
  try {
    merged = polygonClipping.union(parts[0]!, ...parts.slice(1));
  } catch {
    return null;
  }
  const geometry: Polygonal = { type: 'MultiPolygon', coordinates: merged };
  return clean(geometry, report);
}

/** Effective triangle area in m² in a local equirectangular frame (lon scaled by cos latitude). */
function triangleAreaM2(t: [[number, number], [number, number], [number, number]]): number {
  const [a, b, c] = t;
  const k = Math.cos((b[1] * Math.PI) / 180) * METRES_PER_DEGREE * METRES_PER_DEGREE;
  return (Math.abs((a[0] - c[0]) * (b[1] - a[1]) - (a[0] - b[0]) * (c[1] - a[1])) / 2) * k;
}

/**
 * Visvalingam simplification of the topology's arcs (topojson-simplify's presimplify + simplify,
 * weights in m²). Arcs involved in any defect of the result are set to full detail and the
 * layer is simplified again, until every feature is valid.
 */
function simplifyArcs(
  topo: Topology,
  geometries: readonly (Polygonal | null)[],
  minArea: number,
  report: LayerReport,
): Topology {
  // The topojson-simplify typings want objects without properties; ours carry an empty object.
  const weighted = presimplify(topo as Topology<Objects<object>>, triangleAreaM2) as Topology;
  const objects = layerOf(weighted);
  const restored = new Set<number>();
  let result = simplify(weighted as Topology<Objects<object>>, minArea) as Topology;
  for (let round = 0; round <= weighted.arcs.length; round++) {
    const bad = new Set<number>();
    const lines: Line[] = result.arcs.map((positions, owner) => ({ positions, owner }));
    for (const c of findCrossings(lines)) {
      bad.add(c.a.line);
      bad.add(c.b.line);
    }
    const simplifiedGeometries = extract(result, geometries);
    simplifiedGeometries.forEach((g, i) => {
      if (g && validatePolygonal(g).length > 0) for (const a of arcsOf(objects[i]!)) bad.add(a < 0 ? ~a : a);
    });
    const fresh = [...bad].filter((a) => !restored.has(a));
    if (fresh.length === 0) break; // valid, or only full-detail arcs left (the final validation reports it)
    for (const a of fresh) {
      restored.add(a);
      for (const p of weighted.arcs[a]!) p[2] = Infinity;
    }
    result = simplify(weighted as Topology<Objects<object>>, minArea) as Topology;
  }
  report.restoredArcs = restored.size;
  report.maxShiftMetres = maxShift(weighted.arcs, minArea);
  return result;
}

/** Largest distance (m) from a vertex simplification removed to the segment that replaced it. */
function maxShift(arcs: readonly Position[][], minArea: number): number {
  let max = 0;
  for (const arc of arcs) {
    let from = 0;
    for (let k = 1; k < arc.length; k++) {
      if (!(arc[k]![2]! >= minArea)) continue;
      for (let m = from + 1; m < k; m++)
        max = Math.max(max, distanceToSegmentM(arc[m]!, arc[from]!, arc[k]!));
      from = k;
    }
  }
  return max;
}

function distanceToSegmentM(p: Position, a: Position, b: Position): number {
  const kx = Math.cos((p[1]! * Math.PI) / 180) * METRES_PER_DEGREE;
  const ky = METRES_PER_DEGREE;
  const px = (p[0]! - a[0]!) * kx;
  const py = (p[1]! - a[1]!) * ky;
  const bx = (b[0]! - a[0]!) * kx;
  const by = (b[1]! - a[1]!) * ky;
  const len2 = bx * bx + by * by;
  const t = len2 > 0 ? Math.max(0, Math.min(1, (px * bx + py * by) / len2)) : 0;
  return Math.hypot(px - t * bx, py - t * by);
}
