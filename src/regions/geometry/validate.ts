import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';

/**
 * Geometry checks for polygon boundaries: structure (closed rings of at least four positions,
 * finite numbers) and crossings (two edges that cut through each other, or overlap along a
 * stretch). Edges are straight lines in the plane of the coordinates (lon/lat or RD metres).
 *
 * Touching at a single point (a ring pinched at a vertex, a hole touching its exterior) is *not*
 * reported: it comes with quantized sources (the bundled q1e3 files snap vertices to a grid of
 * about 260 x 310 m), draws correctly and does not disturb point-in-polygon. Crossings and overlaps
 * are real defects: the polygon's area is ambiguous and neighbours would show gaps or double cover.
 */

/** One defect found in a polygon boundary. */
export interface GeometryIssue {
  kind:
    | 'not-closed'
    | 'too-few-positions'
    | 'not-finite'
    | 'crossing'
    | 'overlap'
    | 'hole-outside'
    | 'nested-parts';
  /** Index of the polygon in a MultiPolygon (0 for a Polygon). */
  part: number;
  /** Index of the ring in the polygon (0 = exterior). */
  ring: number;
  /** Where it happens, in the geometry's coordinates. */
  at?: [number, number];
  /** For crossings: the other ring involved (part, ring). */
  other?: { part: number; ring: number };
  message: string;
}

/** A polyline or ring taking part in a crossing search, with an owner label the caller chooses. */
export interface Line {
  readonly positions: readonly Position[];
  readonly owner: number;
}

/** A pair of edges that cross or overlap: owners and edge indices (edge i runs from position i to i+1). */
export interface Crossing {
  kind: 'crossing' | 'overlap';
  a: { line: number; edge: number };
  b: { line: number; edge: number };
  at: [number, number];
}

/** Checks one ring's structure: finite numbers, at least four positions, first equals last. */
export function ringStructureIssues(ring: readonly Position[], part: number, index: number): GeometryIssue[] {
  const issues: GeometryIssue[] = [];
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i]!;
    if (p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      issues.push({
        kind: 'not-finite',
        part,
        ring: index,
        message: `position ${i} is not a pair of finite numbers`,
      });
      return issues;
    }
  }
  if (ring.length < 4) {
    issues.push({
      kind: 'too-few-positions',
      part,
      ring: index,
      message: `the ring has ${ring.length} positions; a closed ring needs at least 4 (first = last)`,
    });
    return issues;
  }
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    issues.push({
      kind: 'not-closed',
      part,
      ring: index,
      message: 'the ring is not closed: its last position differs from its first',
    });
  }
  return issues;
}

/**
 * Finds every pair of edges that cross or overlap among `lines` (edges of one line included:
 * a self-intersection). Adjacent edges of a line, which share a position by construction, and the
 * last and first edge of a closed line (first position = last) are not compared. Runs in about
 * O(n log n) for n edges with a flatbush index over edge boxes.
 */
export function findCrossings(lines: readonly Line[]): Crossing[] {
  let edges = 0;
  for (const line of lines) edges += Math.max(0, line.positions.length - 1);
  const crossings: Crossing[] = [];
  if (edges < 2) return crossings;
  const lineOf = new Uint32Array(edges);
  const edgeOf = new Uint32Array(edges);
  const index = new Flatbush(edges);
  let k = 0;
  lines.forEach((line, l) => {
    const p = line.positions;
    for (let i = 0; i + 1 < p.length; i++) {
      const a = p[i]!;
      const b = p[i + 1]!;
      index.add(
        Math.min(a[0]!, b[0]!),
        Math.min(a[1]!, b[1]!),
        Math.max(a[0]!, b[0]!),
        Math.max(a[1]!, b[1]!),
      );
      lineOf[k] = l;
      edgeOf[k] = i;
      k++;
    }
  });
  index.finish();
  for (let e = 0; e < edges; e++) {
    const l = lineOf[e]!;
    const i = edgeOf[e]!;
    const p = lines[l]!.positions;
    const a = p[i]!;
    const b = p[i + 1]!;
    const found = index.search(
      Math.min(a[0]!, b[0]!),
      Math.min(a[1]!, b[1]!),
      Math.max(a[0]!, b[0]!),
      Math.max(a[1]!, b[1]!),
    );
    for (const f of found) {
      if (f <= e) continue; // each pair once
      const m = lineOf[f]!;
      const j = edgeOf[f]!;
      if (m === l && adjacent(i, j, p.length - 1, isClosed(p))) continue;
      const q = lines[m]!.positions;
      const hit = edgeIntersection(a, b, q[j]!, q[j + 1]!);
      if (hit)
        crossings.push({ kind: hit.kind, a: { line: l, edge: i }, b: { line: m, edge: j }, at: hit.at });
    }
  }
  return crossings;
}

/** Every structural defect and crossing of a Polygon or MultiPolygon (empty when it is valid). */
export function validatePolygonal(geometry: Polygon | MultiPolygon): GeometryIssue[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const issues: GeometryIssue[] = [];
  const lines: (Line & { part: number; ring: number })[] = [];
  if (polygons.length === 0) {
    issues.push({ kind: 'too-few-positions', part: 0, ring: 0, message: 'the geometry has no polygons' });
  }
  polygons.forEach((rings, part) => {
    if (rings.length === 0)
      issues.push({ kind: 'too-few-positions', part, ring: 0, message: 'the polygon has no rings' });
    rings.forEach((ring, r) => {
      const structure = ringStructureIssues(ring, part, r);
      issues.push(...structure);
      if (structure.length === 0) lines.push({ positions: ring, owner: lines.length, part, ring: r });
    });
  });
  for (const c of findCrossings(lines)) {
    const a = lines[c.a.line]!;
    const b = lines[c.b.line]!;
    const where = `${c.at[0]}, ${c.at[1]}`;
    const what = c.kind === 'crossing' ? 'edges cross' : 'edges overlap';
    issues.push({
      kind: c.kind,
      part: a.part,
      ring: a.ring,
      at: c.at,
      other: { part: b.part, ring: b.ring },
      message:
        a === b
          ? `self-intersection: two ${what.replace('edges ', 'edges of the ring ')} at (${where})`
          : `${what} between ring ${a.ring} of polygon ${a.part} and ring ${b.ring} of polygon ${b.part} at (${where})`,
    });
  }
  if (issues.length === 0) issues.push(...containmentIssues(polygons));
  return issues;
}

/**
 * Rings that do not cross can still be misplaced: a hole outside its exterior, or one polygon of a
 * MultiPolygon lying inside another (outside that one's holes), which would count its area twice.
 */
function containmentIssues(polygons: readonly (readonly (readonly Position[])[])[]): GeometryIssue[] {
  const issues: GeometryIssue[] = [];
  polygons.forEach((rings, part) => {
    const exterior = rings[0]!;
    for (let r = 1; r < rings.length; r++) {
      const probe = probeInside(rings[r]!, [exterior]);
      if (probe === false) {
        issues.push({
          kind: 'hole-outside',
          part,
          ring: r,
          message: `hole ${r} of polygon ${part} lies outside its exterior ring`,
        });
      }
    }
  });
  if (polygons.length > 1) {
    const boxes = polygons.map((rings) => ringBox(rings[0]!));
    polygons.forEach((rings, part) => {
      polygons.forEach((other, o) => {
        if (o === part || !boxesMeet(boxes[part]!, boxes[o]!)) return;
        if (probeInside(rings[0]!, other) === true) {
          issues.push({
            kind: 'nested-parts',
            part,
            ring: 0,
            other: { part: o, ring: 0 },
            message: `polygon ${part} lies inside polygon ${o} of the same geometry (their areas overlap)`,
          });
        }
      });
    });
  }
  return issues;
}

type Box = [number, number, number, number];

function ringBox(ring: readonly Position[]): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of ring) {
    if (p[0]! < box[0]) box[0] = p[0]!;
    if (p[1]! < box[1]) box[1] = p[1]!;
    if (p[0]! > box[2]) box[2] = p[0]!;
    if (p[1]! > box[3]) box[3] = p[1]!;
  }
  return box;
}

function boxesMeet(a: Box, b: Box): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/**
 * Whether `ring` lies inside the area of `rings` (exterior plus holes, even-odd), judged by its
 * first vertex that is not on their boundary; undefined when every vertex is on the boundary.
 * Rings that do not cross are either inside or outside as a whole, so one vertex decides.
 */
function probeInside(
  ring: readonly Position[],
  rings: readonly (readonly Position[])[],
): boolean | undefined {
  for (const p of ring) {
    const where = locateInRings(p[0]!, p[1]!, rings);
    if (where !== 'boundary') return where === 'inside';
  }
  return undefined;
}

/** Where (x, y) lies against an area bounded by `rings` under the even-odd rule. */
export function locateInRings(
  x: number,
  y: number,
  rings: readonly (readonly Position[])[],
): 'inside' | 'outside' | 'boundary' {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const xi = ring[i]![0]!;
      const yi = ring[i]![1]!;
      const xj = ring[j]![0]!;
      const yj = ring[j]![1]!;
      // On the edge (collinear and within its box)?
      if (
        (xj - xi) * (y - yi) - (yj - yi) * (x - xi) === 0 &&
        x >= Math.min(xi, xj) &&
        x <= Math.max(xi, xj) &&
        y >= Math.min(yi, yj) &&
        y <= Math.max(yi, yj)
      ) {
        return 'boundary';
      }
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside ? 'inside' : 'outside';
}

function isClosed(p: readonly Position[]): boolean {
  const first = p[0];
  const last = p[p.length - 1];
  return (
    p.length > 2 && first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1]
  );
}

/** True when edges i and j of one line share a position by construction. */
function adjacent(i: number, j: number, edgeCount: number, closed: boolean): boolean {
  if (Math.abs(i - j) <= 1) return true;
  return closed && ((i === 0 && j === edgeCount - 1) || (j === 0 && i === edgeCount - 1));
}

function orient(a: Position, b: Position, c: Position): number {
  return (b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!);
}

/**
 * How edges ab and cd meet: a proper crossing (each cuts the other's interior), a collinear
 * overlap of positive length, or null (apart, or touching at a single point).
 */
export function edgeIntersection(
  a: Position,
  b: Position,
  c: Position,
  d: Position,
): { kind: 'crossing' | 'overlap'; at: [number, number] } | null {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) {
    const t = o3 / (o3 - o4);
    return { kind: 'crossing', at: [a[0]! + t * (b[0]! - a[0]!), a[1]! + t * (b[1]! - a[1]!)] };
  }
  if (o1 === 0 && o2 === 0) {
    // Collinear: project on the longer axis and look for an overlap of positive length.
    const axis = Math.abs(b[0]! - a[0]!) >= Math.abs(b[1]! - a[1]!) ? 0 : 1;
    const lo1 = Math.min(a[axis]!, b[axis]!);
    const hi1 = Math.max(a[axis]!, b[axis]!);
    const lo2 = Math.min(c[axis]!, d[axis]!);
    const hi2 = Math.max(c[axis]!, d[axis]!);
    const lo = Math.max(lo1, lo2);
    const hi = Math.min(hi1, hi2);
    if (hi > lo) {
      const start = [a, b, c, d].find((p) => p[axis] === lo)!;
      return { kind: 'overlap', at: [start[0]!, start[1]!] };
    }
  }
  return null;
}
