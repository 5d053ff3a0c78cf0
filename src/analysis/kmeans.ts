// k-means clustering for the area typology: k-means++ seeding from a seeded PRNG, Lloyd's
// iterations, several starts, and k chosen by the mean silhouette. Deterministic for a fixed seed:
// the same data and seed give the same clusters on every machine. Pure.

import { seededRandom } from '../core/random.js';

export type Point = readonly number[];

function distance2(a: Point, b: Point): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

/** Columns standardised to mean 0 and sample standard deviation 1 (a column without spread becomes 0). */
export function standardise(rows: readonly Point[]): { points: number[][]; means: number[]; sds: number[] } {
  const d = rows[0]?.length ?? 0;
  const means = new Array<number>(d).fill(0);
  const sds = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) means[j]! += r[j]! / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) sds[j]! += (r[j]! - means[j]!) ** 2;
  for (let j = 0; j < d; j++) sds[j] = rows.length > 1 ? Math.sqrt(sds[j]! / (rows.length - 1)) : 0;
  return {
    points: rows.map((r) => r.map((x, j) => (sds[j]! > 0 ? (x - means[j]!) / sds[j]! : 0))),
    means,
    sds,
  };
}

/** k-means++ seeding (Arthur & Vassilvitskii 2007): each next centre drawn with probability ∝ D². */
export function kMeansPlusPlus(points: readonly Point[], k: number, random: () => number): number[][] {
  const centres: number[][] = [[...points[Math.floor(random() * points.length)]!]];
  const nearest = points.map((p) => distance2(p, centres[0]!));
  while (centres.length < k) {
    const total = nearest.reduce((s, x) => s + x, 0);
    let pick: number;
    if (total > 0) {
      let target = random() * total;
      for (pick = 0; pick < points.length - 1; pick++) {
        target -= nearest[pick]!;
        if (target < 0) break;
      }
    } else pick = Math.floor(random() * points.length);
    const centre = [...points[pick]!];
    centres.push(centre);
    for (let i = 0; i < points.length; i++) nearest[i] = Math.min(nearest[i]!, distance2(points[i]!, centre));
  }
  return centres;
}

export interface Clustering {
  k: number;
  /** Cluster of each point, 0..k-1, numbered by first appearance so equal partitions look equal. */
  assignment: number[];
  centres: number[][];
  /** Sum of squared distances of points to their centre. */
  inertia: number;
  iterations: number;
}

/** Lloyd's algorithm from given centres until no point moves (or maxIterations). An empty cluster takes the point farthest from its centre. */
export function lloyd(points: readonly Point[], start: number[][], maxIterations = 300): Clustering {
  const k = start.length;
  const centres = start.map((c) => [...c]);
  const assignment = new Array<number>(points.length).fill(-1);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let moved = false;
    for (let i = 0; i < points.length; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = distance2(points[i]!, centres[c]!);
        if (d < bestD) [best, bestD] = [c, d];
      }
      if (assignment[i] !== best) [assignment[i], moved] = [best, true];
    }
    if (!moved && iterations > 0) break;
    const sums = centres.map((c) => new Array<number>(c.length).fill(0));
    const counts = new Array<number>(k).fill(0);
    points.forEach((p, i) => {
      counts[assignment[i]!]!++;
      p.forEach((x, j) => (sums[assignment[i]!]![j]! += x));
    });
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) centres[c] = sums[c]!.map((s) => s / counts[c]!);
      else {
        let far = 0;
        let farD = -1;
        points.forEach((p, i) => {
          const d = distance2(p, centres[assignment[i]!]!);
          if (d > farD) [far, farD] = [i, d];
        });
        centres[c] = [...points[far]!];
        assignment[far] = c;
      }
    }
  }
  const inertia = points.reduce((s, p, i) => s + distance2(p, centres[assignment[i]!]!), 0);
  return { k, ...renumber(assignment, centres), inertia, iterations };
}

function renumber(assignment: number[], centres: number[][]) {
  const map = new Map<number, number>();
  for (const a of assignment) if (!map.has(a)) map.set(a, map.size);
  for (let c = 0; c < centres.length; c++) if (!map.has(c)) map.set(c, map.size);
  const out = new Array<number[]>(centres.length);
  for (const [from, to] of map) out[to] = centres[from]!;
  return { assignment: assignment.map((a) => map.get(a)!), centres: out };
}

/** The best (lowest inertia) of `starts` runs of k-means++ and Lloyd, drawing from `random`. */
export function kMeans(points: readonly Point[], k: number, random: () => number, starts = 10): Clustering {
  let best: Clustering | undefined;
  for (let s = 0; s < starts; s++) {
    const run = lloyd(points, kMeansPlusPlus(points, k, random));
    if (!best || run.inertia < best.inertia - 1e-9) best = run;
  }
  return best!;
}

/**
 * Mean silhouette (Rousseeuw 1987): per point s = (b - a) / max(a, b), a its mean distance to its
 * own cluster, b the smallest mean distance to another cluster; a point alone in its cluster has s = 0.
 */
export function meanSilhouette(points: readonly Point[], assignment: readonly number[], k: number): number {
  const n = points.length;
  let total = 0;
  const sums = new Array<number>(k);
  const sizes = new Array<number>(k).fill(0);
  for (const a of assignment) sizes[a]!++;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++)
      if (j !== i) sums[assignment[j]!]! += Math.sqrt(distance2(points[i]!, points[j]!));
    const own = assignment[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    total += b === Infinity ? 0 : (b - a) / Math.max(a, b);
  }
  return total / n;
}

export interface KChoice {
  chosen: Clustering;
  /** Mean silhouette of each k tried. */
  silhouettes: { k: number; silhouette: number; inertia: number }[];
}

/**
 * Clusters for every k in [kMin, kMax] with one PRNG seeded by `seed`, and chooses the k with the
 * highest mean silhouette (the smaller k on a tie within 1e-9).
 */
export function chooseK(
  points: readonly Point[],
  options: { seed: number; kMin?: number; kMax?: number; starts?: number },
): KChoice {
  const kMin = options.kMin ?? 2;
  const kMax = Math.min(options.kMax ?? 8, points.length - 1);
  if (kMax < kMin)
    throw new Error(`need more than ${kMin} areas to form ${kMin} clusters, got ${points.length}`);
  const random = seededRandom(options.seed);
  const silhouettes: KChoice['silhouettes'] = [];
  let chosen: Clustering | undefined;
  let bestS = -Infinity;
  for (let k = kMin; k <= kMax; k++) {
    const run = kMeans(points, k, random, options.starts);
    const s = meanSilhouette(points, run.assignment, k);
    silhouettes.push({ k, silhouette: s, inertia: run.inertia });
    if (s > bestS + 1e-9) [bestS, chosen] = [s, run];
  }
  return { chosen: chosen!, silhouettes };
}
