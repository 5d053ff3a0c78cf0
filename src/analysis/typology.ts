// Area typology: k-means clusters of the areas of a level on chosen indicators, k chosen by the
// mean silhouette, with a profile per cluster (docs/analysis.md, "Typology").
import type { Store } from '../store/index.js';
import { chooseK, standardise } from './kmeans.js';
import { mean } from './stats.js';
import {
  AnalysisError,
  indicatorInfo,
  levelValues,
  type AnalysisScope,
  type IndicatorInfo,
} from './values.js';

export interface TypologyRequest extends AnalysisScope {
  indicators: readonly string[];
  level: string;
  period: string;
  boundaryYear: number;
  within?: string;
  seed?: number;
  kMin?: number;
  kMax?: number;
  /** A fixed k instead of the silhouette choice. */
  k?: number;
}

export interface Cluster {
  cluster: number;
  size: number;
  /** Per indicator: the mean value in the cluster and the centre as a z-score (how the cluster stands out). */
  profile: { indicator: string; mean: number; z: number }[];
  /** The indicator on which the cluster stands out most (largest |z| of its centre), in words. */
  label: string;
}

export interface TypologyResult {
  indicators: IndicatorInfo[];
  level: string;
  period: string;
  boundaryYear: number;
  within: string | null;
  seed: number;
  k: number;
  criterion: string;
  silhouettes: { k: number; silhouette: number; inertia: number }[];
  /** Areas without a value of every indicator (left out). */
  excluded: number;
  clusters: Cluster[];
  areas: { code: string; name: string; cluster: number }[];
}

/**
 * Clusters the areas with a value of every indicator: the indicators standardised (z-scores), then
 * k-means (k-means++ seeding from mulberry32(seed), 10 starts, Lloyd) for k = kMin..kMax, keeping the
 * k with the highest mean silhouette. The same data and seed give the same clusters.
 */
export async function typology(store: Store, request: TypologyRequest): Promise<TypologyResult> {
  if (request.indicators.length < 1) throw new AnalysisError('a typology needs at least one indicator');
  const infos: IndicatorInfo[] = [];
  for (const id of request.indicators) infos.push(await indicatorInfo(store, id, request.access));
  const rows = new Map<string, { name: string; values: (number | null)[] }>();
  for (const [j, info] of infos.entries()) {
    for (const v of await levelValues(store, {
      indicator: info.id,
      level: request.level,
      period: request.period,
      boundaryYear: request.boundaryYear,
      access: request.access,
      ...(request.within ? { within: request.within } : {}),
    })) {
      const row = rows.get(v.region) ?? {
        name: v.name,
        values: new Array<number | null>(infos.length).fill(null),
      };
      row.values[j] = v.value;
      rows.set(v.region, row);
    }
  }
  const complete = [...rows.entries()]
    .filter(([, r]) => r.values.every((x) => x !== null))
    .sort(([a], [b]) => a.localeCompare(b));
  const kMin = request.k ?? request.kMin ?? 2;
  const kMax = request.k ?? request.kMax ?? 8;
  if (complete.length <= kMin)
    throw new AnalysisError(
      `only ${complete.length} ${request.level} areas have a published value of every indicator in ${request.period} on the ${request.boundaryYear} boundaries; a typology needs more than ${kMin}`,
      'not-found',
    );
  const raw = complete.map(([, r]) => r.values as number[]);
  const { points } = standardise(raw);
  const seed = request.seed ?? 1;
  const { chosen, silhouettes } = chooseK(points, { seed, kMin, kMax });
  const clusters: Cluster[] = chosen.centres.map((centre, c) => {
    const members = raw.filter((_, i) => chosen.assignment[i] === c);
    const profile = infos.map((info, j) => ({
      indicator: info.id,
      mean: mean(members.map((m) => m[j]!)),
      z: centre[j]!,
    }));
    const top = [...profile].sort((a, b) => Math.abs(b.z) - Math.abs(a.z))[0]!;
    const title = infos.find((i) => i.id === top.indicator)!.title.en.toLowerCase();
    return {
      cluster: c,
      size: members.length,
      profile,
      label: `${Math.abs(top.z) < 0.5 ? 'close to average; most on' : top.z > 0 ? 'high' : 'low'} ${title} (z = ${top.z.toFixed(2)})`,
    };
  });
  return {
    indicators: infos,
    level: request.level,
    period: request.period,
    boundaryYear: request.boundaryYear,
    within: request.within ?? null,
    seed,
    k: chosen.k,
    criterion:
      request.k !== undefined
        ? `k fixed at ${request.k}`
        : `the k in ${kMin}..${Math.min(kMax, complete.length - 1)} with the highest mean silhouette (Rousseeuw 1987) of k-means on standardised indicators`,
    silhouettes,
    excluded: rows.size - complete.length,
    clusters,
    areas: complete.map(([code, r], i) => ({ code, name: r.name, cluster: chosen.assignment[i]! })),
  };
}
