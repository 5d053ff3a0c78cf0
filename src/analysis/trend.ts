// Trend per area: the change over 1 and 5 years, and whether it differs from the change of a
// reference area (docs/analysis.md, "Trend").
import type { Store } from '../store/index.js';
import {
  testDifference,
  testMethod,
  valueVariance,
  variationModel,
  type DifferenceTest,
} from './intervals.js';
import {
  AnalysisError,
  indicatorInfo,
  NETHERLANDS,
  regionInfo,
  regionSeries,
  type AreaValue,
  type IndicatorInfo,
  type AnalysisScope,
} from './values.js';

export interface Change {
  years: number;
  from: { period: string; value: number; boundaryYear: number } | null;
  to: { period: string; value: number; boundaryYear: number };
  /** to - from, in the indicator's unit (percentage points for a percentage). */
  change: number | null;
  /** 100 * (to / from - 1), when from > 0. */
  relativeChange: number | null;
  /** Both values on the same boundaries, or on the boundaries of years between which CBS recorded no change of the gemeente. */
  sameBoundaries: boolean | null;
  reference: { region: string; name: string; change: number | null; relativeChange: number | null } | null;
  /** The area's change minus the reference's (relative for counts, absolute otherwise). */
  difference: number | null;
  test: DifferenceTest | null;
  note?: string;
}

export interface TrendResult {
  indicator: IndicatorInfo;
  region: { code: string; name: string; level: string };
  reference: { code: string; name: string } | null;
  period: string;
  series: { period: string; value: number | null; boundaryYear: number }[];
  model: { model: string; basis: string };
  changes: Change[];
}

export interface TrendRequest extends AnalysisScope {
  indicator: string;
  region: string;
  /** The end of the trend (default: the newest yearly period with a value). */
  period?: string;
  /** The area to compare the change with (default: Nederland). */
  reference?: string;
  /** Horizons in years (default 1 and 5). */
  years?: readonly number[];
}

/** Dates on which CBS recorded a change of the gemeente (merger, boundary change, renaming). */
async function changeDates(store: Store, code: string): Promise<string[]> {
  const rows = await store.all<{ date: string }>(
    'SELECT DISTINCT date::VARCHAR AS date FROM region_change WHERE from_code = $1 OR to_code = $1',
    [code],
  );
  return rows.map((r) => r.date);
}

/** The value of each yearly period, preferring `boundaryYear`, else the newest boundaries. */
function pick(rows: readonly AreaValue[], period: string, boundaryYear?: number): AreaValue | undefined {
  const own = rows.filter((r) => r.period === period && r.value !== null);
  return (
    own.find((r) => r.boundaryYear === boundaryYear) ?? own.sort((a, b) => b.boundaryYear - a.boundaryYear)[0]
  );
}

/** The pair of values (to, from) on one common boundary year when the series has one, else each on its newest. */
function pair(rows: readonly AreaValue[], to: string, from: string) {
  const common = rows
    .filter((r) => r.period === to && r.value !== null)
    .map((r) => r.boundaryYear)
    .filter((by) => rows.some((r) => r.period === from && r.boundaryYear === by && r.value !== null))
    .sort((a, b) => b - a)[0];
  const a = pick(rows, to, common);
  const b = pick(rows, from, common);
  return { a, b, same: common !== undefined };
}

const periodOf = (year: number) => `${year}JJ00`;

/** Change of an area's value over 1 and 5 years, and a test of whether it differs from the reference's change. */
export async function trend(store: Store, request: TrendRequest): Promise<TrendResult> {
  const indicator = await indicatorInfo(store, request.indicator, request.access);
  const region = await regionInfo(store, request.region);
  const referenceCode = request.reference ?? (region.code === NETHERLANDS ? undefined : NETHERLANDS);
  const rows = await regionSeries(
    store,
    indicator.id,
    [region.code, ...(referenceCode ? [referenceCode] : [])],
    request.access,
  );
  const mine = rows.filter((r) => r.region === region.code);
  const theirs = rows.filter((r) => r.region === referenceCode);
  const periods = [...new Set(mine.filter((r) => r.value !== null).map((r) => r.period))].sort();
  if (periods.length === 0)
    throw new AnalysisError(`${indicator.id} has no published value for ${region.code}`, 'not-found');
  const period = request.period ?? periods.at(-1)!;
  if (!periods.includes(period))
    throw new AnalysisError(
      `${indicator.id} has no published value for ${region.code} in ${period}; it has ${periods.join(', ')}`,
      'not-found',
    );
  const reference = referenceCode ? await regionInfo(store, referenceCode).catch(() => undefined) : undefined;
  if (referenceCode && !reference)
    throw new AnalysisError(`there is no reference region ${referenceCode}`, 'not-found');
  const model = variationModel(indicator);
  const changed = await changeDates(store, region.code);
  const unchanged = (y1: number, y0: number) =>
    region.level === 'gemeente' &&
    !changed.some((d) => d > `${Math.min(y0, y1)}-01-01` && d <= `${Math.max(y0, y1)}-01-01`);
  const endYear = Number(period.slice(0, 4));
  const changes: Change[] = (request.years ?? [1, 5]).map((years) => {
    const from = periodOf(endYear - years);
    const { a, b, same: sameBoundaries } = pair(mine, period, from);
    const to = { period, value: a!.value!, boundaryYear: a!.boundaryYear };
    if (!b)
      return {
        years,
        from: null,
        to,
        change: null,
        relativeChange: null,
        sameBoundaries: null,
        reference: null,
        difference: null,
        test: null,
        note: `no published value for ${from}; the series has ${periods.join(', ')}`,
      };
    // Different boundary years of an unchanged gemeente (no CBS change touched it) are the same area.
    const same =
      sameBoundaries || (a!.boundaryYear !== b.boundaryYear && unchanged(a!.boundaryYear, b.boundaryYear));
    const change = a!.value! - b.value!;
    const relativeChange = b.value! > 0 ? 100 * (a!.value! / b.value! - 1) : null;
    const result: Change = {
      years,
      from: { period: from, value: b.value!, boundaryYear: b.boundaryYear },
      to,
      change,
      relativeChange,
      sameBoundaries: same,
      reference: null,
      difference: null,
      test: null,
      ...(same
        ? {}
        : {
            note: `the values are on different boundaries (${b.boundaryYear} and ${a!.boundaryYear}): part of the change may be a boundary change`,
          }),
    };
    if (!reference) return result;
    const r = pair(theirs, period, from);
    if (!r.a || !r.b) {
      result.reference = { region: reference.code, name: reference.name, change: null, relativeChange: null };
      result.note = [
        result.note,
        `the reference ${reference.code} has no values for both ${from} and ${period}`,
      ]
        .filter(Boolean)
        .join('; ');
      return result;
    }
    const refChange = r.a.value! - r.b.value!;
    const refRelative = r.b.value! > 0 ? 100 * (r.a.value! / r.b.value! - 1) : null;
    result.reference = {
      region: reference.code,
      name: reference.name,
      change: refChange,
      relativeChange: refRelative,
    };
    result.test = changeTest(indicator, model.model, [a!, b], [r.a, r.b], reference.name);
    if (!result.test) result.note = [result.note, `no test: ${model.basis}`].filter(Boolean).join('; ');
    // Counts are compared by their relative change (growth), everything else in the indicator's unit.
    result.difference =
      model.model === 'poisson'
        ? relativeChange !== null && refRelative !== null
          ? relativeChange - refRelative
          : null
        : change - refChange;
    return result;
  });
  return {
    indicator,
    region: { code: region.code, name: region.name, level: region.level },
    reference: reference ? { code: reference.code, name: reference.name } : null,
    period,
    series: periods.map((p) => {
      const v = pick(mine, p)!;
      return { period: p, value: v.value, boundaryYear: v.boundaryYear };
    }),
    model,
    changes,
  };
}

/**
 * Is the area's change different from the reference's? Counts (Poisson): the difference of log
 * ratios, variance 1/N for each of the four counts. Shares (binomial, survey): the difference of
 * the two changes, each change's variance the sum of its two values' variances. All variances are
 * added as if independent (conservative: an area inside its reference, or the same people in two
 * years, make the true variance smaller).
 */
function changeTest(
  indicator: IndicatorInfo,
  model: string,
  [a1, a0]: [AreaValue, AreaValue],
  [r1, r0]: [AreaValue, AreaValue],
  referenceName: string,
): DifferenceTest | null {
  const what = `The difference between this change and that of ${referenceName}`;
  if (model === 'poisson') {
    const counts = [a1, a0, r1, r0].map((v) => v.value!);
    if (counts.some((c) => !(c > 0))) return null;
    const d = Math.log(counts[0]! / counts[1]!) - Math.log(counts[2]! / counts[3]!);
    return testDifference(
      d,
      counts.reduce((s, c) => s + 1 / c, 0),
      what,
      testMethod('poisson'),
    );
  }
  if (model !== 'binomial' && model !== 'survey') return null;
  const variances = [a1, a0, r1, r0].map((v) => valueVariance(v, indicator, model));
  if (variances.some((v) => v === null)) return null;
  const d = a1.value! - a0.value! - (r1.value! - r0.value!);
  return testDifference(
    d,
    variances.reduce((s, v) => s! + v!, 0)!,
    what,
    testMethod(model),
  );
}
