// Uncertainty of published values and tests of differences between them (docs/analysis.md).
//
// - Survey figures (the Labour Force Survey behind CBS 84916NED) carry sampling error. udc has only
//   the published, weighted figures in thousands, not the design, so it approximates: a share p of a
//   weighted population of N persons is treated as a proportion observed in n_eff = N / 200
//   independent observations. 200 comes from CBS's own publication rule for the EBB: 150
//   independent observations are needed for a percentage, which for quarterly figures corresponds
//   to a weighted population of about 30,000 persons (CBS, EBB onderzoeksbeschrijving 2023, §7).
//   Yearly figures pool five waves and have more respondents, so this interval is conservative
//   (too wide rather than too narrow). The interval is Wilson's score interval. An approximation,
//   and said so in every answer.
// - Register figures (population register, KWB counts) are full counts: no sampling error. A
//   difference between two areas is real as counted. To keep chance fluctuation in small areas
//   from being read as a real difference, tests treat a share as binomial in its denominator (a
//   rate above 1 as Poisson in its numerator) and a count as Poisson: the usual model of random
//   variation for small-area rates. No interval is shown for register values.
// - Other values (averages, medians, distances, prices, growth formulas) have no model here: no
//   test, and the answer says why.
import type { AreaValue, IndicatorInfo } from './values.js';
import { twoSidedP, wilsonInterval, Z95 } from './stats.js';

/** Datasets that come from a sample survey, with how their figures are published. */
export const SURVEY_DATASETS: Record<
  string,
  { survey: string; unit: number; personsPerObservation: number }
> = {
  'cbs-84916ned-beroepen': {
    survey: 'Enquête Beroepsbevolking (EBB, Labour Force Survey)',
    unit: 1000,
    personsPerObservation: 200,
  },
};

export type VariationModel = 'survey' | 'binomial' | 'poisson' | 'none';

export interface ValueModel {
  model: VariationModel;
  /** Why this model (or none). */
  basis: string;
}

/** The model of random variation for an indicator's values. */
export function variationModel(indicator: IndicatorInfo): ValueModel {
  const survey = indicator.datasets.map((d) => SURVEY_DATASETS[d]).find((s) => s !== undefined);
  if (survey && indicator.kind === 'ratio')
    return {
      model: 'survey',
      basis: `sample survey (${survey.survey}): approximate sampling error with n_eff = weighted population / ${survey.personsPerObservation}`,
    };
  if (survey)
    return {
      model: 'none',
      basis: `a survey total (${survey.survey}): no interval without the population it is drawn from`,
    };
  if (indicator.kind === 'ratio')
    return {
      model: 'binomial',
      basis: 'register counts: no sampling error; tests use binomial variation in the denominator',
    };
  if (indicator.unit === 'aantal')
    return { model: 'poisson', basis: 'a register count: no sampling error; tests use Poisson variation' };
  return {
    model: 'none',
    basis:
      'an average, distance, price or growth formula: udc has no model of its random variation, so no test',
  };
}

/** Effective number of observations behind a value (survey: weighted persons / 200; register: the denominator). */
function effectiveN(v: AreaValue, indicator: IndicatorInfo, model: VariationModel): number | null {
  if (v.denominator === null || v.denominator <= 0) return null;
  if (model === 'survey') {
    const s = indicator.datasets.map((d) => SURVEY_DATASETS[d]).find((x) => x !== undefined)!;
    return (v.denominator * s.unit) / s.personsPerObservation;
  }
  return v.denominator;
}

/** Variance of a value under its model (in the value's unit squared); null without a model or counts. */
export function valueVariance(v: AreaValue, indicator: IndicatorInfo, model: VariationModel): number | null {
  if (v.value === null) return null;
  if (model === 'poisson') return v.value > 0 ? v.value : null;
  if (model !== 'survey' && model !== 'binomial') return null;
  const n = effectiveN(v, indicator, model);
  if (n === null || v.numerator === null || v.denominator === null) return null;
  const p = v.numerator / v.denominator;
  const scale = indicator.scale;
  // A share (0 <= p <= 1) is binomial; a rate that can exceed 1 (dependency ratios) is Poisson in its numerator.
  const variance = p >= 0 && p <= 1 ? (p * (1 - p)) / n : p / n;
  return variance * scale * scale;
}

export interface Interval {
  lower: number;
  upper: number;
  level: 0.95;
  method: string;
  approximation: true;
}

/** 95 % interval of a survey value (Wilson, n_eff); null for register values and values without counts. */
export function valueInterval(v: AreaValue, indicator: IndicatorInfo): Interval | null {
  const { model } = variationModel(indicator);
  if (model !== 'survey' || v.value === null || v.numerator === null || v.denominator === null) return null;
  const n = effectiveN(v, indicator, model);
  if (n === null) return null;
  const scale = indicator.scale;
  const [lo, hi] = wilsonInterval(v.numerator / v.denominator, n);
  return {
    lower: lo * scale,
    upper: hi * scale,
    level: 0.95,
    method: `Wilson score interval with n_eff = ${Math.round(n)} (weighted population / 200; CBS EBB publication rule); an approximation`,
    approximation: true,
  };
}

export interface DifferenceTest {
  method: string;
  z: number;
  p: number;
  significant: boolean;
  /** The plain sentence a reader gets. */
  statement: string;
}

/**
 * Tests a difference d with variance `variance` at the 5 % level (two-sided z-test). Variances of
 * the two sides are added as if independent: where one area is part of the other the true variance
 * is smaller, so the test is conservative.
 */
export function testDifference(
  d: number,
  variance: number,
  what: string,
  method: string,
): DifferenceTest | null {
  if (!(variance > 0) || !Number.isFinite(d)) return null;
  const z = d / Math.sqrt(variance);
  const p = twoSidedP(z);
  const significant = Math.abs(z) > Z95;
  return {
    method,
    z,
    p,
    significant,
    statement: significant
      ? `${what} is significant at the 5 % level (z = ${z.toFixed(2)}, p = ${p < 0.001 ? '< 0.001' : p.toFixed(3)}).`
      : `${what} is not significant at the 5 % level (z = ${z.toFixed(2)}, p = ${p.toFixed(3)}): it may be chance.`,
  };
}

/** The method sentence of a model's test. */
export function testMethod(model: VariationModel): string {
  switch (model) {
    case 'survey':
      return 'z-test with approximate survey variances p(1-p)/n_eff (n_eff = weighted population / 200), variances added (conservative)';
    case 'binomial':
      return 'z-test under binomial variation p(1-p)/n of the register counts (Poisson p/n for rates above 1), variances added (conservative)';
    case 'poisson':
      return 'z-test on log ratios under Poisson variation of the counts (variance 1/N per count), variances added (conservative)';
    default:
      return 'none';
  }
}
