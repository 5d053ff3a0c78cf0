import type { Store } from '../store/index.js';
import { convertCounts, convertRatio, type ConvertedValue } from './convert.js';
import { loadCrosswalk, RegisterError } from './register/store.js';

export interface ConvertRequest {
  dataset: string;
  variable: string;
  period: string;
  level: string;
  /** The boundary year the stored figures use (CBS regional tables: the period's year). */
  fromYear: number;
  toYear: number;
  /** For ratios: the variable of the same dataset the figure is a ratio to; values are num/den*scale. */
  denominator?: string;
  scale?: number;
}

/**
 * Converts one variable of one period to the boundaries of another year. Counts convert by the
 * crosswalk weights; a ratio needs its denominator, and a variable whose aggregation is 'none'
 * (an average, a median) is refused without one, because its parts cannot be added.
 */
export async function convertSeries(
  store: Store,
  request: ConvertRequest,
): Promise<{ values: ConvertedValue[]; unresolved: string[] }> {
  const variable = await store.one<{ aggregation: string; denominator: string | null }>(
    'SELECT aggregation, denominator FROM variable WHERE dataset = $1 AND key = $2',
    [request.dataset, request.variable],
  );
  if (!variable) throw new RegisterError(`dataset ${request.dataset} has no variable ${request.variable}`);
  const denominator =
    request.denominator ??
    (variable.aggregation === 'weighted' ? (variable.denominator ?? undefined) : undefined);
  if (variable.aggregation === 'none' && !denominator) {
    throw new RegisterError(
      `${request.variable} is not additive (aggregation 'none'), so it cannot be converted by weights; give its numerator and denominator instead`,
    );
  }
  const crosswalk = await loadCrosswalk(store, request.level, request.fromYear, request.toYear);
  const values = async (key: string) =>
    new Map(
      (
        await store.all<{ region: string; value: number | null }>(
          `SELECT o.region, o.value FROM observation o
           JOIN region_year y ON y.code = o.region AND y.year = $4 AND y.level = $5
           WHERE o.dataset = $1 AND o.variable = $2 AND o.period = $3 AND o.categories = ''`,
          [request.dataset, key, request.period, request.fromYear, request.level],
        )
      ).map((r) => [r.region, r.value]),
    );
  const numerator = await values(request.variable);
  if (numerator.size === 0) {
    throw new RegisterError(
      `no ${request.level} values of ${request.dataset}.${request.variable} for ${request.period} in the ${request.fromYear} register`,
    );
  }
  const converted = denominator
    ? convertRatio(numerator, await values(denominator), crosswalk, request.scale ?? 1)
    : convertCounts(numerator, crosswalk);
  return { values: converted, unresolved: crosswalk.unresolved };
}
