import type { Crosswalk, WeightBasis } from './crosswalk.js';

/** A value converted to other boundaries, with what the conversion rests on. */
export interface ConvertedValue {
  region: string;
  value: number | null;
  /** Share of the value that rests on estimated weights (0 = exact, e.g. whole mergers). */
  estimatedShare: number;
  /** Every weight basis that contributed. */
  bases: WeightBasis[];
  /** Source regions that contribute to this one. */
  sources: string[];
  /** Source regions whose value was missing, making this one unknown. */
  missing: string[];
}

/**
 * Converts counts (additive values: inhabitants, dwellings, crimes) to the crosswalk's to-year:
 * every target receives the weighted sum of its sources. A target one of whose sources has no
 * value has no value either: a partial sum would silently undercount.
 */
export function convertCounts(
  values: ReadonlyMap<string, number | null>,
  crosswalk: Crosswalk,
): ConvertedValue[] {
  const targets = new Map<
    string,
    { sum: number; estimated: number; bases: Set<WeightBasis>; sources: string[]; missing: string[] }
  >();
  for (const link of crosswalk.links) {
    if (!values.has(link.from)) continue;
    const target = targets.get(link.to) ?? {
      sum: 0,
      estimated: 0,
      bases: new Set(),
      sources: [],
      missing: [],
    };
    targets.set(link.to, target);
    const value = values.get(link.from);
    target.sources.push(link.from);
    target.bases.add(link.basis);
    if (value === null || value === undefined) {
      target.missing.push(link.from);
      continue;
    }
    const part = value * link.weight;
    target.sum += part;
    if (!link.exact) target.estimated += Math.abs(part);
  }
  return [...targets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([region, t]) => ({
      region,
      value: t.missing.length > 0 ? null : t.sum,
      estimatedShare:
        t.missing.length > 0 || t.sum === 0
          ? t.estimated > 0
            ? 1
            : 0
          : Math.min(1, t.estimated / Math.abs(t.sum)),
      bases: [...t.bases].sort(),
      sources: t.sources.sort(),
      missing: t.missing.sort(),
    }));
}

/**
 * Converts a ratio (a share, an average, a rate per 1,000) through its numerator and denominator:
 * both are converted as counts and divided again. Averaging ratios would weigh a small area as
 * much as a large one.
 */
export function convertRatio(
  numerator: ReadonlyMap<string, number | null>,
  denominator: ReadonlyMap<string, number | null>,
  crosswalk: Crosswalk,
  scale = 1,
): ConvertedValue[] {
  const den = new Map(convertCounts(denominator, crosswalk).map((d) => [d.region, d]));
  return convertCounts(numerator, crosswalk).map((n) => {
    const d = den.get(n.region);
    const value =
      n.value === null || !d || d.value === null || d.value === 0 ? null : (n.value / d.value) * scale;
    return {
      ...n,
      value,
      estimatedShare: Math.max(n.estimatedShare, d?.estimatedShare ?? 0),
      missing: [...new Set([...n.missing, ...(d?.missing ?? [])])].sort(),
    };
  });
}
