// Random hierarchical count tables of a realistic shape (a region tree crossed with category
// hierarchies, many small innermost counts), for property tests and the benchmark. Seeded, so a
// failing case can be rebuilt from its seed.
import { seededRandom } from '../core/random.js';
import { addUpFromInnermost, buildTable, withValues, type DimensionSpec, type Table } from './table.js';

/** Shape of a synthetic table. */
export interface SyntheticShape {
  /** Children per region at each level below the top, e.g. [10, 10, 10]: gemeenten, wijken, buurten. */
  regionFanout: readonly number[];
  /** Number of categories (without their total) per categorical dimension, e.g. [8, 9]. */
  categories: readonly number[];
  /** Mean innermost count; counts are skewed so that many are small. */
  meanCount: number;
  seed: number;
}

/** Region and category dimension specs for a shape: codes R, R.1, R.1.2 ...; C1.T with C1.1 ... */
export function syntheticDimensions(shape: SyntheticShape): DimensionSpec[] {
  const regionCodes: { code: string; parent: string | null }[] = [{ code: 'R', parent: null }];
  let level = ['R'];
  for (const fanout of shape.regionFanout) {
    const next: string[] = [];
    for (const parent of level)
      for (let k = 1; k <= fanout; k++) {
        const code = `${parent}.${k}`;
        regionCodes.push({ code, parent });
        next.push(code);
      }
    level = next;
  }
  const categories = shape.categories.map((n, d) => ({
    name: `c${d + 1}`,
    codes: [
      { code: 'T', parent: null },
      ...Array.from({ length: n }, (_, k) => ({ code: String(k + 1), parent: 'T' })),
    ],
  }));
  return [{ name: 'region', codes: regionCodes }, ...categories];
}

/**
 * A random additive table: innermost counts drawn from a skewed distribution (a share of them small
 * enough to be unsafe), totals their sums. Promises the same table for the same shape and seed.
 */
export function syntheticTable(shape: SyntheticShape): Table {
  const empty = buildTable({ dimensions: syntheticDimensions(shape), cells: [] });
  const random = seededRandom(shape.seed);
  const values = new Float64Array(empty.cells.length);
  // Region size varies (buurten differ a lot), categories differ in share: a lognormal-ish count.
  empty.cells.forEach((_, i) => {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    values[i] = Math.floor(shape.meanCount * Math.exp(gaussian - 0.5) * random() * 2);
  });
  addUpFromInnermost(empty, values);
  return withValues(empty, values);
}
