// Where an area stands: its value against the distribution of its level in the Netherlands, in a
// region, and among its peers, with the interval of a survey value and tests against references.
import type { Store } from '../store/index.js';
import {
  testDifference,
  testMethod,
  valueInterval,
  valueVariance,
  variationModel,
  type DifferenceTest,
  type Interval,
} from './intervals.js';
import { findPeers, type PeerVariable } from './peers.js';
import { mean, percentileRank, standardDeviation } from './stats.js';
import {
  AnalysisError,
  areaCount,
  choosePeriod,
  indicatorInfo,
  levelValues,
  NETHERLANDS,
  regionInfo,
  regionSeries,
  type AreaValue,
  type IndicatorInfo,
  type AnalysisScope,
} from './values.js';

export interface Distribution {
  scope: 'nl' | 'region' | 'peers';
  /** The region the scope is inside (region scope), or null. */
  within: string | null;
  /** Areas of the level in the scope with a published value, and all areas of the level there. */
  n: number;
  areas: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
  /** (value - mean) / sd, the sample standard deviation (n - 1). */
  z: number | null;
  /** Mid-rank percentile: share below plus half the share equal, in percent. */
  percentile: number | null;
  /** 1 = the highest value in the scope. */
  rank: number | null;
  /** The peer areas (peer scope only). */
  members?: string[];
}

export interface Comparison {
  region: string;
  name: string;
  value: number | null;
  difference: number | null;
  test: DifferenceTest | null;
}

export interface PositionResult {
  indicator: IndicatorInfo;
  region: { code: string; name: string; level: string };
  period: string;
  boundaryYear: number;
  value: number | null;
  status: string;
  interval: Interval | null;
  model: { model: string; basis: string };
  distributions: Distribution[];
  comparisons: Comparison[];
  notes: string[];
}

export interface PositionRequest extends AnalysisScope {
  indicator: string;
  region: string;
  period?: string;
  boundaryYear?: number;
  /** Also the distribution inside this region (a data center's region, a provincie, a gemeente). */
  within?: string;
  /** Also the distribution among peers chosen on these variables. */
  peers?: { variables?: readonly PeerVariable[]; k?: number };
}

/** The distribution of `values` and where `value` stands in it. */
export function distribution(
  value: number | null,
  values: readonly number[],
  scope: Distribution['scope'],
  within: string | null,
  areas: number,
): Distribution {
  const sd = standardDeviation(values);
  const m = mean(values);
  const ok = values.length > 0;
  return {
    scope,
    within,
    n: values.length,
    areas,
    mean: ok ? m : null,
    sd: Number.isFinite(sd) ? sd : null,
    min: ok ? Math.min(...values) : null,
    max: ok ? Math.max(...values) : null,
    z: value !== null && Number.isFinite(sd) && sd > 0 ? (value - m) / sd : null,
    percentile: value !== null && ok ? percentileRank(value, values) : null,
    rank: value !== null && ok ? values.filter((v) => v > value).length + 1 : null,
  };
}

/** Position of an area's value: z-score, percentile and rank in its level (NL, a region, its peers). */
export async function position(store: Store, request: PositionRequest): Promise<PositionResult> {
  const indicator = await indicatorInfo(store, request.indicator, request.access);
  const { period, boundaryYear } = await choosePeriod(store, indicator.id, request.region, request);
  const region = await regionInfo(store, request.region, boundaryYear);
  const model = variationModel(indicator);
  const all = await levelValues(store, {
    indicator: indicator.id,
    level: region.level,
    period,
    boundaryYear,
    access: request.access,
  });
  const own = all.find((v) => v.region === region.code)!;
  const present = (rows: readonly AreaValue[]) =>
    rows.map((r) => r.value).filter((v): v is number => v !== null);
  const distributions: Distribution[] = [
    distribution(own.value, present(all), 'nl', null, await areaCount(store, region.level, boundaryYear)),
  ];
  const notes: string[] = [];
  if (distributions[0]!.n < distributions[0]!.areas)
    notes.push(
      `Only ${distributions[0]!.n} of the ${distributions[0]!.areas} areas of level ${region.level} in ${boundaryYear} have a published value for ${period}: the "nl" distribution is of those.`,
    );
  if (request.within) {
    const inside = await levelValues(store, {
      indicator: indicator.id,
      level: region.level,
      period,
      boundaryYear,
      within: request.within,
      access: request.access,
    });
    if (!inside.some((v) => v.region === region.code))
      throw new AnalysisError(
        `${region.code} does not lie in ${request.within} in ${boundaryYear}`,
        'invalid',
      );
    distributions.push(
      distribution(
        own.value,
        present(inside),
        'region',
        request.within,
        await areaCount(store, region.level, boundaryYear, request.within),
      ),
    );
  }
  if (request.peers) {
    const peers = await findPeers(store, { region: region.code, ...request.peers });
    const codes = new Set(peers.peers.map((p) => p.code));
    const peerValues = all.filter((v) => codes.has(v.region));
    const d = distribution(own.value, present(peerValues), 'peers', null, codes.size);
    d.members = peers.peers.map((p) => p.code);
    distributions.push(d);
    if (peers.period !== period)
      notes.push(
        `Peers were chosen on ${peers.period} values (the period with most peer variables); the position is of ${period}.`,
      );
  }
  // The area against the Netherlands and the region it is analysed within.
  const references = [NETHERLANDS, ...(request.within ? [request.within] : [])].filter(
    (c) => c !== region.code,
  );
  const refValues = await regionSeries(store, indicator.id, references, request.access);
  const comparisons: Comparison[] = [];
  for (const code of references) {
    const candidates = refValues.filter((v) => v.region === code && v.period === period && v.value !== null);
    const ref = candidates.find((v) => v.boundaryYear === boundaryYear) ?? candidates[0];
    if (!ref) continue;
    const difference = own.value !== null ? own.value - ref.value! : null;
    const va = valueVariance(own, indicator, model.model);
    const vr = valueVariance(ref, indicator, model.model);
    comparisons.push({
      region: code,
      name: ref.name,
      value: ref.value,
      difference,
      test:
        difference !== null && va !== null && vr !== null
          ? testDifference(difference, va + vr, `The difference with ${ref.name}`, testMethod(model.model))
          : null,
    });
  }
  return {
    indicator,
    region: { code: region.code, name: region.name, level: region.level },
    period,
    boundaryYear,
    value: own.value,
    status: own.status,
    interval: valueInterval(own, indicator),
    model,
    distributions,
    comparisons,
    notes,
  };
}
