import type { Period } from './period.js';
import type { RegionCode } from './region-code.js';
import { err, ok, type Result } from './result.js';
import type { ObservationStatus } from './special-value.js';

/**
 * One figure: a variable of a dataset for one region, one period and one combination of
 * categories (e.g. leeftijd=20-30, geslacht=vrouw). `value` is null exactly when the status
 * replaces the number (secret, missing, ...).
 */
export interface Observation {
  dataset: string;
  variable: string;
  region: RegionCode;
  period: Period;
  categories: Readonly<Record<string, string>>;
  value: number | null;
  status: ObservationStatus;
}

const PART = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const CODE = /^[^=;\s][^=;]{0,79}$/;

/**
 * The canonical text of a category combination, stored in observation.categories: dimensions
 * sorted, "dim=code" joined by ";"; the empty string for no categories (the total).
 */
export function categoryKey(categories: Readonly<Record<string, string>>): Result<string> {
  const parts: string[] = [];
  for (const dimension of Object.keys(categories).sort()) {
    const code = (categories[dimension] ?? '').trim();
    if (!PART.test(dimension)) {
      return err(`"${dimension}" is not a dimension name: expected a letter then letters, digits or _`);
    }
    if (!CODE.test(code))
      return err(`"${code}" is not a category code of ${dimension}: it may not be empty or hold = or ;`);
    parts.push(`${dimension}=${code}`);
  }
  return ok(parts.join(';'));
}

/** Reads a category key back into its dimensions and codes. */
export function parseCategoryKey(key: string): Result<Record<string, string>> {
  const categories: Record<string, string> = {};
  if (key === '') return ok(categories);
  for (const part of key.split(';')) {
    const [dimension = '', code, ...rest] = part.split('=');
    if (code === undefined || rest.length > 0 || !PART.test(dimension) || !CODE.test(code)) {
      return err(`"${key}" is not a category key: expected dim=code pairs separated by ;`);
    }
    if (dimension in categories) return err(`"${key}" is not a category key: ${dimension} occurs twice`);
    categories[dimension] = code;
  }
  return ok(categories);
}
