// Descriptive statistics and tests the analysis room uses, written out so every number can be
// checked by hand (docs/analysis.md states each definition). Pure.

/** Arithmetic mean; NaN for no values. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (divisor n - 1); NaN for fewer than two values. */
export function standardDeviation(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** (x - mean) / sd of the distribution; null when the distribution has no spread. */
export function zScore(x: number, xs: readonly number[]): number | null {
  const sd = standardDeviation(xs);
  return Number.isFinite(sd) && sd > 0 ? (x - mean(xs)) / sd : null;
}

/**
 * Percentile rank of x in xs (0 to 100): the share of values below x plus half the share equal to
 * it (the mid-rank definition), so the middle value of an odd set is 50 whatever the ties.
 */
export function percentileRank(x: number, xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let below = 0;
  let equal = 0;
  for (const v of xs) {
    if (v < x) below++;
    else if (v === x) equal++;
  }
  return (100 * (below + equal / 2)) / xs.length;
}

/** Ranks 1..n, ties getting the mean of the ranks they span (as Spearman's coefficient needs). */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) out[order[t]![1]] = rank;
    i = j + 1;
  }
  return out;
}

/** Pearson's product-moment correlation; NaN when either variable has no spread or n < 2. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new Error('pearson: xs and ys differ in length');
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Spearman's rank correlation: Pearson's coefficient of the ranks (ties as mean ranks). */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  return pearson(ranks(xs), ranks(ys));
}

/** Standard normal cumulative distribution (Abramowitz & Stegun 7.1.26 via erf; error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Two-sided p-value of a standard normal test statistic. */
export function twoSidedP(z: number): number {
  return 2 * (1 - normalCdf(Math.abs(z)));
}

/** The 97.5 % point of the standard normal: 95 % intervals and tests at the 5 % level. */
export const Z95 = 1.959963984540054;

/**
 * 95 % interval of a correlation coefficient by Fisher's z-transformation (r' = atanh r, standard
 * error 1 / sqrt(n - 3)); null for n < 4 or |r| = 1.
 */
export function correlationInterval(r: number, n: number): [number, number] | null {
  if (!(n >= 4) || !Number.isFinite(r) || Math.abs(r) >= 1) return null;
  const z = Math.atanh(r);
  const se = 1 / Math.sqrt(n - 3);
  return [Math.tanh(z - Z95 * se), Math.tanh(z + Z95 * se)];
}

/** Wilson's 95 % score interval of a proportion p observed in n (effective) observations. */
export function wilsonInterval(p: number, n: number): [number, number] {
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Rounds to a number of decimals (for answers; computations keep full precision). */
export function round(x: number | null, decimals = 4): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
