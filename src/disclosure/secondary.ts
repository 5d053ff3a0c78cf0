// Secondary (complementary) suppression by linear programming, one primary cell at a time, in the
// way of Kelly, Golden and Assad (1992) and Fischetti and Salazar-González (2000): for each
// direction (up, down) find the cheapest change of the table that moves the primary cell by its
// protection level while every total still adds up and no cell turns negative. The cells that
// change in it must be suppressed: the changed table is then consistent with everything published,
// so the intruder's interval provably reaches that far. Already suppressed cells cost nothing, so
// later primaries reuse earlier complements, which is what keeps over-suppression low.
//
// For speed the change is first sought in a small scope around the cell (the subtree of its parent
// in every dimension: for a buurt, its wijk with all its buurten, crossed with whole category
// dimensions); cells outside the scope are held fixed, so any change found there is also valid for
// the whole table. Only when the scope cannot hold such a change does it widen a level (wijk ->
// gemeente -> ...), ending with the whole table.
import { PersistentLp, type LinearRow } from './lp.js';
import type { Requirement } from './rules.js';
import { constraintsByCell, type Table } from './table.js';

/** How a complementary suppression is priced: its value (information lost), one per cell, or log(value). */
export type SecondaryCost = 'value' | 'unity' | 'log';

/** The suppression pattern: 0 published, 1 primary, 2 secondary, per cell. */
export const PUBLISHED = 0;
export const PRIMARY = 1;
export const SECONDARY = 2;

/** The outcome of secondary suppression. */
export interface SecondaryResult {
  /** Per cell: PUBLISHED, PRIMARY or SECONDARY. */
  pattern: Uint8Array;
  primaries: number;
  secondaries: number;
  /** Sum of the values of the secondary cells. */
  secondaryValue: number;
  /** Linear programs solved. */
  solves: number;
  /** Primary cells no pattern can protect (their requirement exceeds what the table allows). */
  unprotectable: number[];
}

/** Options for secondary suppression. */
export interface SecondaryOptions {
  cost?: SecondaryCost;
}

/**
 * A change of the table found earlier: nonzero only on suppressed cells, keeping every total and
 * every cell non-negative. Suppression only grows, so it stays valid, and scaled (or turned round)
 * it may already prove that a later primary cell can move far enough.
 */
interface Witness {
  cells: number[];
  change: number[];
}

/** Finds a stored change that, scaled, moves `cell` by `amount` (up or down) and keeps all cells >= 0. */
function provenByWitness(
  table: Table,
  witnesses: readonly Witness[],
  byCell: ReadonlyMap<number, number[]>,
  cell: number,
  amount: number,
  up: boolean,
): boolean {
  for (const w of byCell.get(cell) ?? []) {
    const witness = witnesses[w]!;
    const own = witness.change[witness.cells.indexOf(cell)]!;
    const scale = (up ? amount : -amount) / own;
    if (witness.cells.every((c, j) => table.cells[c]!.value + scale * witness.change[j]! >= -1e-9))
      return true;
  }
  return false;
}

interface WitnessMemory {
  witnesses: Witness[];
  byCell: Map<number, number[]>;
}

interface Scope {
  cells: number[];
  local: Map<number, number>;
  lp: PersistentLp;
}

/**
 * Chooses complementary suppressions so that every primary cell's feasible interval (as the
 * auditor computes it) reaches its upper and lower protection levels. Promises a pattern that
 * contains every primary; every primary outside `unprotectable` is protected.
 */
export async function secondarySuppression(
  table: Table,
  requirements: ReadonlyMap<number, Requirement>,
  options: SecondaryOptions = {},
): Promise<SecondaryResult> {
  const pattern = new Uint8Array(table.cells.length);
  for (const cell of requirements.keys()) pattern[cell] = PRIMARY;
  const costOf = cellCost(options.cost ?? 'value');
  const byCell = constraintsByCell(table);
  const scopes = new Map<string, Scope>();
  const result: SecondaryResult = {
    pattern,
    primaries: requirements.size,
    secondaries: 0,
    secondaryValue: 0,
    solves: 0,
    unprotectable: [],
  };
  const subtree = subtrees(table);
  const maxDepth = Math.max(...table.dimensions.map((d) => Math.max(...d.depth)));
  const memory: WitnessMemory = { witnesses: [], byCell: new Map() };

  // Top-down (as HiTaS does): complements chosen for totals are then free for the cells below.
  const order = [...requirements.entries()].sort(
    ([a, ra], [b, rb]) => depthOf(table, a) - depthOf(table, b) || rb.upper - ra.upper || a - b,
  );
  try {
    for (const [cell, required] of order) {
      let protectedBoth = false;
      for (let level = 0; level <= maxDepth + 1 && !protectedBoth; level++) {
        const key = scopeKey(table, cell, level);
        let scope = scopes.get(key);
        if (!scope) {
          scope = await buildScope(table, byCell, scopeCells(table, subtree, cell, level), requirements);
          scopes.set(key, scope);
        }
        protectedBoth = protectInScope(table, scope, cell, required, pattern, costOf, result, memory);
        if (key === 'all') break;
      }
      if (!protectedBoth) result.unprotectable.push(cell);
    }
  } finally {
    for (const scope of scopes.values()) scope.lp.dispose();
  }
  return result;
}

/** Tries both directions in one scope; marks the complements; false when the scope cannot protect the cell. */
function protectInScope(
  table: Table,
  scope: Scope,
  cell: number,
  required: Requirement,
  pattern: Uint8Array,
  costOf: (value: number) => number,
  result: SecondaryResult,
  memory: WitnessMemory,
): boolean {
  const { cells, lp } = scope;
  const q = scope.local.get(cell)!;
  const cost = new Float64Array(cells.length * 2);
  const value = table.cells[cell]!.value;
  const solveDirection = (amount: number, up: boolean): Float64Array | undefined => {
    cells.forEach((c, j) => {
      const w = pattern[c] ? 0 : costOf(table.cells[c]!.value);
      cost[2 * j] = w;
      cost[2 * j + 1] = w;
    });
    lp.setCosts(cost);
    if (up) lp.setBounds(2 * q, amount, amount);
    else lp.setBounds(2 * q + 1, amount, amount);
    lp.setBounds(up ? 2 * q + 1 : 2 * q, 0, 0);
    const solution = lp.solve();
    result.solves++;
    // Restore the cell's own bounds for the next primary in this scope.
    lp.setBounds(2 * q, 0, Infinity);
    lp.setBounds(2 * q + 1, 0, value);
    if (solution.status !== 'optimal') return undefined;
    const change = new Float64Array(cells.length);
    cells.forEach((_, j) => (change[j] = solution.x[2 * j]! - solution.x[2 * j + 1]!));
    return change;
  };
  const mark = (change: Float64Array, amount: number): void => {
    const tiny = 1e-7 * Math.max(1, amount);
    const witness: Witness = { cells: [], change: [] };
    cells.forEach((c, j) => {
      if (Math.abs(change[j]!) <= tiny) return;
      witness.cells.push(c);
      witness.change.push(change[j]!);
      if (pattern[c] === PUBLISHED) {
        pattern[c] = SECONDARY;
        result.secondaries++;
        result.secondaryValue += table.cells[c]!.value;
      }
    });
    const id = memory.witnesses.push(witness) - 1;
    for (const c of witness.cells) {
      const list = memory.byCell.get(c);
      if (list) list.push(id);
      else memory.byCell.set(c, [id]);
    }
  };
  const proven = (amount: number, up: boolean): boolean =>
    provenByWitness(table, memory.witnesses, memory.byCell, cell, amount, up);
  let up: Float64Array | undefined;
  const upProven = required.upper > 0 && proven(required.upper, true);
  if (required.upper > 0 && !upProven) {
    up = solveDirection(required.upper, true);
    if (!up) return false;
    mark(up, required.upper);
  }
  if (required.lower > 0 && !proven(required.lower, false)) {
    // The upward change turned round and scaled is often also a valid downward one: then the cells
    // already marked protect the lower side too, and no second solve is needed.
    const scale = required.lower / (required.upper || 1);
    const mirrored =
      up !== undefined &&
      cells.every((c, j) => up![j]! <= 0 || table.cells[c]!.value >= scale * up![j]! - 1e-9);
    if (!mirrored) {
      const down = solveDirection(required.lower, false);
      if (!down) return false;
      mark(down, required.lower);
    }
  }
  return true;
}

async function buildScope(
  table: Table,
  byCell: readonly number[][],
  cells: number[],
  requirements: ReadonlyMap<number, Requirement>,
): Promise<Scope> {
  const local = new Map(cells.map((c, j) => [c, j]));
  const seen = new Set<number>();
  const rows: LinearRow[] = [];
  for (const c of cells) {
    for (const k of byCell[c]!) {
      if (seen.has(k)) continue;
      seen.add(k);
      const constraint = table.constraints[k]!;
      const columns: number[] = [];
      const coefficients: number[] = [];
      const add = (member: number, sign: number): void => {
        const j = local.get(member);
        // Cells outside the scope stay as they are, so they drop out of the change equations.
        if (j === undefined) return;
        columns.push(2 * j, 2 * j + 1);
        coefficients.push(sign, -sign);
      };
      add(constraint.total, 1);
      for (const p of constraint.parts) add(p, -1);
      rows.push({ columns, coefficients, lower: 0, upper: 0 });
    }
  }
  // Change = up - down per cell; a cell may not go below zero, and an empty cell (known to be a
  // structural zero) may not change at all unless it is itself a primary.
  const upper: number[] = [];
  for (const c of cells) {
    const cell = table.cells[c]!;
    const fixed = cell.empty && !requirements.has(c);
    upper.push(fixed ? 0 : Infinity, fixed ? 0 : cell.value);
  }
  const lp = await PersistentLp.create({
    cost: upper.map(() => 0),
    lower: upper.map(() => 0),
    upper,
    rows,
  });
  return { cells, local, lp };
}

/** Per dimension, the codes of the subtree below each code (itself included). */
function subtrees(table: Table): number[][][] {
  return table.dimensions.map((d) => {
    const out: number[][] = d.codes.map((_, i) => [i]);
    // Walk every code up to the top, adding it to each ancestor's subtree.
    d.codes.forEach((_, i) => {
      for (let a = d.parent[i]!; a >= 0; a = d.parent[a]!) out[a]!.push(i);
    });
    return out;
  });
}

/** The code whose subtree bounds the scope in one dimension, or -1 for the whole dimension. */
function scopeRoot(parent: readonly number[], code: number, level: number): number {
  let a = code;
  for (let step = 0; step <= level; step++) {
    a = parent[a]!;
    if (a < 0) return -1;
  }
  return a;
}

function scopeKey(table: Table, cell: number, level: number): string {
  const roots = table.dimensions.map((d, k) =>
    scopeRoot(d.parent, table.cells[cell]!.coordinates[k]!, level),
  );
  return roots.every((r) => r < 0) ? 'all' : roots.join(',');
}

function scopeCells(table: Table, subtree: number[][][], cell: number, level: number): number[] {
  const sets = table.dimensions.map((d, k) => {
    const root = scopeRoot(d.parent, table.cells[cell]!.coordinates[k]!, level);
    return root < 0 ? d.codes.map((_, i) => i) : subtree[k]![root]!;
  });
  let combos: number[][] = [[]];
  for (const set of sets) combos = combos.flatMap((prefix) => set.map((c) => [...prefix, c]));
  return combos.map((coordinates) => table.cellIndex(coordinates));
}

function depthOf(table: Table, cell: number): number {
  return table.cells[cell]!.coordinates.reduce((s, c, k) => s + table.dimensions[k]!.depth[c]!, 0);
}

function cellCost(kind: SecondaryCost): (value: number) => number {
  switch (kind) {
    case 'unity':
      return () => 1;
    case 'log':
      return (v) => 1 + Math.log1p(v);
    case 'value':
      // One more than the value, so that zero cells are not free.
      return (v) => 1 + v;
  }
}
