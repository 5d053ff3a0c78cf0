// Correlation of two indicators over the areas of a level, with the ecological-inference caveat.
import type { Store } from '../store/index.js';
import { correlationInterval, pearson, spearman } from './stats.js';
import {
  AnalysisError,
  indicatorInfo,
  levelValues,
  type AnalysisScope,
  type IndicatorInfo,
} from './values.js';

export const ECOLOGICAL_CAVEAT = {
  nl: 'Dit is een samenhang tussen gebieden, niet tussen personen: dat gebieden met veel van het een ook veel van het ander hebben, zegt niet dat dezelfde mensen beide kenmerken hebben (ecologische fout). Samenhang is geen oorzaak.',
  en: 'This is an association between areas, not between people: that areas with much of one also have much of the other does not mean the same people have both characteristics (ecological fallacy). Association is not causation.',
};

export interface CorrelationRequest extends AnalysisScope {
  x: string;
  y: string;
  level: string;
  period?: string;
  /** Period of y when it differs from x's. */
  periodY?: string;
  boundaryYear?: number;
  within?: string;
  /** An area to highlight among the points. */
  highlight?: string;
}

export interface CorrelationResult {
  x: IndicatorInfo & { period: string };
  y: IndicatorInfo & { period: string };
  level: string;
  boundaryYear: number;
  within: string | null;
  n: number;
  pearson: { r: number | null; interval: [number, number] | null; method: string };
  spearman: { rho: number | null; method: string };
  points: { code: string; name: string; x: number; y: number }[];
  highlight: { code: string; name: string; x: number; y: number } | null;
  caveat: { nl: string; en: string };
}

/** Periods and boundary years a level has values for, newest first. */
async function levelPeriods(store: Store, indicator: string, level: string) {
  return store.all<{ period: string; boundaryYear: number }>(
    `SELECT DISTINCT v.period, v.boundary_year AS "boundaryYear" FROM published_indicator_value v
     JOIN region_year y ON y.code = v.region AND y.year = v.boundary_year
     WHERE v.indicator = $1 AND y.level = $2 AND v.value IS NOT NULL AND v.period LIKE '____JJ00'
     ORDER BY v.period DESC, v.boundary_year DESC`,
    [indicator, level],
  );
}

/**
 * Pearson's r (with Fisher's 95 % interval) and Spearman's rho of x and y over every area of the
 * level with a published value of both, in one period and boundary year (default: the newest both
 * have).
 */
export async function correlate(store: Store, request: CorrelationRequest): Promise<CorrelationResult> {
  const x = await indicatorInfo(store, request.x, request.access);
  const y = await indicatorInfo(store, request.y, request.access);
  const px = await levelPeriods(store, x.id, request.level);
  const py = await levelPeriods(store, y.id, request.level);
  const fits = (p: { period: string; boundaryYear: number }, period: string | undefined) =>
    (period === undefined || p.period === period) &&
    (request.boundaryYear === undefined || p.boundaryYear === request.boundaryYear);
  // x's newest fitting period; y in the same period (or periodY) on the same boundaries.
  const choice = px
    .filter((a) => fits(a, request.period))
    .flatMap((a) =>
      py
        .filter((b) => b.period === (request.periodY ?? a.period) && b.boundaryYear === a.boundaryYear)
        .map((b) => ({ a, b })),
    )[0];
  if (!choice)
    throw new AnalysisError(
      `${x.id} and ${y.id} have no ${request.level} values in a common period and boundary year` +
        (request.period ? ` for ${request.period}` : '') +
        `; ${x.id} has ${px.map((p) => `${p.period}/${p.boundaryYear}`).join(', ') || 'none'}, ${y.id} has ${py.map((p) => `${p.period}/${p.boundaryYear}`).join(', ') || 'none'}`,
      'not-found',
    );
  const boundaryYear = choice.a.boundaryYear;
  const base = {
    level: request.level,
    boundaryYear,
    access: request.access,
    ...(request.within ? { within: request.within } : {}),
  };
  const xs = await levelValues(store, { ...base, indicator: x.id, period: choice.a.period });
  const ys = new Map(
    (await levelValues(store, { ...base, indicator: y.id, period: choice.b.period })).map((v) => [
      v.region,
      v.value,
    ]),
  );
  const points = xs
    .filter((v) => v.value !== null && ys.get(v.region) != null)
    .map((v) => ({ code: v.region, name: v.name, x: v.value!, y: ys.get(v.region)! }));
  const r =
    points.length >= 3
      ? pearson(
          points.map((p) => p.x),
          points.map((p) => p.y),
        )
      : NaN;
  const rho =
    points.length >= 3
      ? spearman(
          points.map((p) => p.x),
          points.map((p) => p.y),
        )
      : NaN;
  return {
    x: { ...x, period: choice.a.period },
    y: { ...y, period: choice.b.period },
    level: request.level,
    boundaryYear,
    within: request.within ?? null,
    n: points.length,
    pearson: {
      r: Number.isFinite(r) ? r : null,
      interval: Number.isFinite(r) ? correlationInterval(r, points.length) : null,
      method:
        "Pearson's product-moment correlation; 95 % interval by Fisher's z-transformation (se = 1/sqrt(n-3))",
    },
    spearman: {
      rho: Number.isFinite(rho) ? rho : null,
      method: "Spearman's rank correlation: Pearson's r of the ranks, ties given their mean rank",
    },
    points,
    highlight: request.highlight ? (points.find((p) => p.code === request.highlight) ?? null) : null,
    caveat: ECOLOGICAL_CAVEAT,
  };
}
