// Rounding to a base (5 or 10) as a perturbative alternative to suppression.
//
// 'additive' (default): only the innermost cells (a leaf code in every dimension) are rounded, and
// every total is recomputed as the sum of its rounded innermost cells, so every published total adds
// up exactly, also for overlapping custom regions. The innermost cells are rounded by cumulative
// (controlled) rounding along the first dimension in tree order: each run of consecutive leaves, such
// as the buurten of one wijk, keeps its rounded sum within one base of the true sum, and zeros stay
// zero. A total over k such runs is within k bases of its true value.
// 'nearest': every cell is rounded on its own to the nearest multiple (each within half a base),
// and totals then do not add up.
import { addUpFromInnermost, leafCodes, type Table } from './table.js';

/** Rounded values per cell (multiples of `base`). */
export interface RoundingResult {
  values: Float64Array;
  base: number;
  mode: 'additive' | 'nearest';
}

/** Rounds `value` to the nearest multiple of `base` (halves away from zero). */
export function roundToBase(value: number, base: number): number {
  return Math.sign(value) * Math.round(Math.abs(value) / base) * base;
}

/**
 * Rounds a table to `base`. In 'additive' mode promises: every value is a multiple of the base, every
 * constraint of the table holds exactly on the rounded values, zeros stay zero and every innermost
 * cell moves by less than one base. In 'nearest' mode promises each cell within half a base.
 */
export function roundTable(
  table: Table,
  base: number,
  mode: 'additive' | 'nearest' = 'additive',
): RoundingResult {
  const values = new Float64Array(table.cells.length);
  if (mode === 'nearest') {
    table.cells.forEach((c, i) => (values[i] = roundToBase(c.value, base)));
    return { values, base, mode };
  }
  const dims = table.dimensions;
  const isLeaf = leafCodes(table);
  // Tree order of the first dimension's leaves, so that siblings are adjacent.
  const firstOrder = treeOrder(dims[0]!.parent).filter((i) => isLeaf[0]![i]);

  // Cumulative rounding: for every combination of leaf codes in the other dimensions, walk the first
  // dimension's leaves and publish round(S_k) - round(S_{k-1}) of the running sum S.
  const rest = dims.slice(1).map((_, k) => isLeaf[k + 1]!.flatMap((leaf, i) => (leaf ? [i] : [])));
  let combos: number[][] = [[]];
  for (const set of rest) combos = combos.flatMap((prefix) => set.map((c) => [...prefix, c]));
  for (const tail of combos) {
    let sum = 0;
    let rounded = 0;
    for (const code of firstOrder) {
      const cell = table.cellIndex([code, ...tail]);
      sum += table.cells[cell]!.value;
      const next = roundToBase(sum, base);
      values[cell] = next - rounded;
      rounded = next;
    }
  }

  addUpFromInnermost(table, values);
  return { values, base, mode };
}

/** Codes in depth-first order of the tree given by `parent`. */
function treeOrder(parent: readonly number[]): number[] {
  const children = parent.map(() => [] as number[]);
  const roots: number[] = [];
  parent.forEach((p, i) => (p < 0 ? roots : children[p]!).push(i));
  const out: number[] = [];
  const walk = (i: number): void => {
    out.push(i);
    for (const c of children[i]!) walk(c);
  };
  roots.forEach(walk);
  return out;
}
