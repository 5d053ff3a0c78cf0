// Hypercube changes: the cheap first try of secondary suppression. In a table with one additivity
// constraint per grouping and line, the smallest changes that keep every total are hypercubes
// (Repsilber's method, tau-Argus's GHMiter): in each dimension the cell's code is paired with a
// sibling (opposite sign) or with the total it adds up into (same sign), and the corners of the
// product carry the product of the signs. Every line of the table then meets the cube in a pair
// whose changes cancel or add up into their own total, so the cube changes nothing that is
// published. A cube whose corners stay non-negative after moving the primary cell by its level is
// a witness, exactly like the LP's change: it proves the intruder's interval reaches that far. It
// is found by enumeration in microseconds, where an LP takes milliseconds; the LP remains the
// fallback for cells no cube protects (totals with children, cells next to structural zeros).
import type { Dimension, Table } from './table.js';

/** One way to balance a change of a code within its dimension: the codes that change and their signs (the cell's own code first, +1). */
export interface Move {
  codes: readonly number[];
  signs: readonly number[];
}

/**
 * Per code of a dimension, the moves of one or two codes that keep every grouping of the
 * dimension (tree and extra) in balance: the code alone when it is in no grouping, else paired with
 * a code sharing a grouping with it. A code with parts of its own has no such move (its parts would
 * have to change too), so totals get none.
 */
export function dimensionMoves(dimension: Dimension): Move[][] {
  const touching = dimension.codes.map(() => [] as number[]);
  dimension.groupings.forEach((g, k) => {
    touching[g.total]!.push(k);
    for (const p of g.parts) touching[p]!.push(k);
  });
  const balanced = (delta: ReadonlyMap<number, number>): boolean => {
    const seen = new Set<number>();
    for (const code of delta.keys())
      for (const k of touching[code]!) {
        if (seen.has(k)) continue;
        seen.add(k);
        const g = dimension.groupings[k]!;
        let sum = delta.get(g.total) ?? 0;
        for (const p of g.parts) sum -= delta.get(p) ?? 0;
        if (sum !== 0) return false;
      }
    return true;
  };
  return dimension.codes.map((_, x) => {
    if (touching[x]!.length === 0) return [{ codes: [x], signs: [1] }];
    const candidates = new Map<number, number>();
    for (const k of touching[x]!) {
      const g = dimension.groupings[k]!;
      if (g.total === x) for (const p of g.parts) candidates.set(p, 1);
      else {
        candidates.set(g.total, 1);
        for (const p of g.parts) if (p !== x && !candidates.has(p)) candidates.set(p, -1);
      }
    }
    const moves: Move[] = [];
    for (const [y, sign] of candidates) {
      if (
        balanced(
          new Map([
            [x, 1],
            [y, sign],
          ]),
        )
      )
        moves.push({ codes: [x, y], signs: [1, sign] });
    }
    return moves;
  });
}

/** A change of the table: `sign * amount` on each of `cells`. */
export interface Hypercube {
  cells: number[];
  signs: number[];
  cost: number;
}

/**
 * The cheapest hypercube through `cell` that can move it up by `up` and down by `down` (0: that
 * side is not asked) without any corner turning negative and without touching a `fixed` cell
 * (a structural zero). Cost: `cost(value)` for each corner not yet suppressed. Undefined when none.
 */
export function cheapestHypercube(
  table: Table,
  moves: readonly (readonly Move[][])[],
  strides: readonly number[],
  cell: number,
  up: number,
  down: number,
  suppressed: Uint8Array,
  fixed: Uint8Array,
  cost: (value: number) => number,
): Hypercube | undefined {
  const coordinates = table.cells[cell]!.coordinates;
  const dims = coordinates.length;
  const options = coordinates.map((code, d) => moves[d]![code]!);
  if (options.some((o) => o.length === 0)) return undefined;
  const choice = new Array<number>(dims).fill(0);
  let best: Hypercube | undefined;
  let bestCost = Infinity;
  const corners: number[] = [];
  const signs: number[] = [];
  // Enumerate one move per dimension (odometer), then evaluate the cube's corners.
  for (;;) {
    corners.length = 0;
    signs.length = 0;
    corners.push(cell);
    signs.push(1);
    for (let d = 0; d < dims; d++) {
      const move = options[d]![choice[d]!]!;
      if (move.codes.length === 1) continue;
      const offset = (move.codes[1]! - move.codes[0]!) * strides[d]!;
      const sign = move.signs[1]!;
      const n = corners.length;
      for (let k = 0; k < n; k++) {
        corners.push(corners[k]! + offset);
        signs.push(signs[k]! * sign);
      }
    }
    let total = 0;
    let ok = true;
    for (let k = 1; k < corners.length && ok; k++) {
      const c = corners[k]!;
      if (fixed[c]) ok = false;
      else {
        const value = table.cells[c]!.value;
        // Up: the primary rises, corners of the other sign fall by `up`; down: the reverse.
        if (signs[k]! < 0 ? value < up : value < down) ok = false;
        else if (!suppressed[c]) {
          total += cost(value);
          if (total >= bestCost) ok = false;
        }
      }
    }
    if (ok) {
      bestCost = total;
      best = { cells: [...corners], signs: [...signs], cost: total };
      if (total === 0) return best;
    }
    let d = dims - 1;
    while (d >= 0 && ++choice[d]! >= options[d]!.length) choice[d--] = 0;
    if (d < 0) return best;
  }
}

/** The index step of one code in each dimension (cells are stored row-major). */
export function tableStrides(table: Table): number[] {
  return table.dimensions.map((_, d) => table.cellIndex(table.dimensions.map((__, k) => (k === d ? 1 : 0))));
}
