// Secondary (complementary) suppression, one primary cell at a time, by linear programming in the
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
//
// Before any LP, a hypercube (hypercube.ts) is tried: the same kind of change, of the smallest
// shape, found by enumeration. Cubes are greedy and each needs up to 2^dimensions cells, so the
// pattern they build carries redundant complements; a clean-up pass then releases every
// complement whose primaries can still be shown protected by changes over the cells that remain
// suppressed (kept witnesses, or a cube of suppressed cells only). Every primary side keeps its
// proof throughout, so the result is as safe as the LP's.
import { cheapestHypercube, dimensionMoves, tableStrides, type Hypercube, type Move } from './hypercube.js';
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
  /** Hypercube changes used instead of a linear program. */
  hypercubes: number;
  /** Complements the clean-up pass published again. */
  released: number;
  /** Primary cells no pattern can protect (their requirement exceeds what the table allows). */
  unprotectable: number[];
}

/** Options for secondary suppression. */
export interface SecondaryOptions {
  cost?: SecondaryCost;
  /** Try a hypercube before an LP (default true); false: an LP for every primary (slower, sometimes fewer cells). */
  hypercubes?: boolean;
  /** Release complements that turn out not to be needed (default true). */
  cleanUp?: boolean;
}

/**
 * A change of the table found earlier: nonzero only on suppressed cells, keeping every total and
 * every cell non-negative. Suppression only grows while protecting, so it stays valid, and scaled
 * (or turned round) it may already prove that a later primary cell can move far enough. The
 * clean-up pass kills the witnesses through a complement it releases.
 */
interface Witness {
  cells: number[];
  change: number[];
  alive: boolean;
  /** Primary sides (2 * cell + 0 up, + 1 down) whose proof this witness is. */
  proves: number[];
}

interface WitnessMemory {
  witnesses: Witness[];
  byCell: Map<number, number[]>;
  /** Per primary side (2 * cell + 0 up, + 1 down): the witness proving it. */
  proof: Map<number, number>;
}

/** Finds a live stored change that, scaled, moves `cell` by `amount` (up or down) and keeps all cells >= 0; its id or -1. */
function witnessFor(table: Table, memory: WitnessMemory, cell: number, amount: number, up: boolean): number {
  for (const w of memory.byCell.get(cell) ?? []) {
    const witness = memory.witnesses[w]!;
    if (!witness.alive) continue;
    const own = witness.change[witness.cells.indexOf(cell)]!;
    const scale = (up ? amount : -amount) / own;
    let ok = true;
    for (let j = 0; j < witness.cells.length && ok; j++)
      ok = table.cells[witness.cells[j]!]!.value + scale * witness.change[j]! >= -1e-9;
    if (ok) return w;
  }
  return -1;
}

/** Records that witness `w` proves one side of a primary. */
function assignProof(memory: WitnessMemory, cell: number, up: boolean, w: number): void {
  const side = 2 * cell + (up ? 0 : 1);
  memory.proof.set(side, w);
  memory.witnesses[w]!.proves.push(side);
}

/** A known witness for this side, recorded as its proof; false when there is none. */
function provenByWitness(
  table: Table,
  memory: WitnessMemory,
  cell: number,
  amount: number,
  up: boolean,
): boolean {
  const w = witnessFor(table, memory, cell, amount, up);
  if (w < 0) return false;
  assignProof(memory, cell, up, w);
  return true;
}

interface Scope {
  cells: number[];
  local: Map<number, number>;
  lp: PersistentLp;
}

interface CubeContext {
  moves: Move[][][];
  strides: number[];
  /** Structural zeros that may not change (empty cells that are not primary). */
  fixed: Uint8Array;
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
    hypercubes: 0,
    released: 0,
    unprotectable: [],
  };
  const fixed = new Uint8Array(table.cells.length);
  table.cells.forEach((c, i) => (fixed[i] = c.empty && !requirements.has(i) ? 1 : 0));
  const cubes: CubeContext = {
    moves: table.dimensions.map(dimensionMoves),
    strides: tableStrides(table),
    fixed,
  };
  const useCubes = options.hypercubes ?? true;
  const subtree = subtrees(table);
  const maxDepth = Math.max(...table.dimensions.map((d) => Math.max(...d.depth)));
  const memory: WitnessMemory = { witnesses: [], byCell: new Map(), proof: new Map() };

  // Top-down (as HiTaS does): complements chosen for totals are then free for the cells below.
  const order = [...requirements.entries()].sort(
    ([a, ra], [b, rb]) => depthOf(table, a) - depthOf(table, b) || rb.upper - ra.upper || a - b,
  );
  try {
    for (const [cell, required] of order) {
      if (useCubes && protectByHypercube(table, cubes, cell, required, pattern, costOf, result, memory))
        continue;
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
  if (options.cleanUp ?? true) releaseRedundant(table, requirements, cubes, pattern, costOf, result, memory);
  return result;
}

/**
 * The clean-up pass: tries to publish each complement again, the most costly first. A complement
 * is released only when every primary side proved through it finds another proof among the cells
 * that stay suppressed (a live witness without it, or a cube of suppressed cells only), so every
 * protected primary remains provably protected.
 */
function releaseRedundant(
  table: Table,
  requirements: ReadonlyMap<number, Requirement>,
  cubes: CubeContext,
  pattern: Uint8Array,
  costOf: (value: number) => number,
  result: SecondaryResult,
  memory: WitnessMemory,
): void {
  const complements: number[] = [];
  pattern.forEach((state, i) => state === SECONDARY && complements.push(i));
  complements.sort((a, b) => costOf(table.cells[b]!.value) - costOf(table.cells[a]!.value) || a - b);
  const onlySuppressed = (): number => Infinity;
  for (const s of complements) {
    const dying = (memory.byCell.get(s) ?? []).filter((w) => memory.witnesses[w]!.alive);
    const affected = new Set<number>();
    for (const w of dying)
      for (const side of memory.witnesses[w]!.proves) if (memory.proof.get(side) === w) affected.add(side);
    pattern[s] = PUBLISHED;
    for (const w of dying) memory.witnesses[w]!.alive = false;
    const replaced: [number, number][] = [];
    let ok = true;
    for (const side of affected) {
      const cell = side >> 1;
      const up = (side & 1) === 0;
      const required = requirements.get(cell)!;
      const amount = up ? required.upper : required.lower;
      let w = witnessFor(table, memory, cell, amount, up);
      if (w < 0) {
        const cube = cheapestHypercube(
          table,
          cubes.moves,
          cubes.strides,
          cell,
          up ? amount : 0,
          up ? 0 : amount,
          pattern,
          cubes.fixed,
          onlySuppressed,
        );
        if (cube) w = addWitness(memory, cube.cells, cube.signs);
      }
      if (w < 0) {
        ok = false;
        break;
      }
      replaced.push([side, w]);
    }
    if (!ok) {
      pattern[s] = SECONDARY;
      for (const w of dying) memory.witnesses[w]!.alive = true;
      continue;
    }
    for (const [side, w] of replaced) {
      memory.proof.set(side, w);
      memory.witnesses[w]!.proves.push(side);
    }
    result.secondaries--;
    result.secondaryValue -= table.cells[s]!.value;
    result.released++;
  }
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
  if (required.upper > 0 && !provenByWitness(table, memory, cell, required.upper, true)) {
    const change = solveDirection(required.upper, true);
    if (!change) return false;
    assignProof(
      memory,
      cell,
      true,
      markChange(table, cells, change, required.upper, pattern, result, memory),
    );
  }
  if (required.lower > 0 && !provenByWitness(table, memory, cell, required.lower, false)) {
    // The upward change turned round and scaled is often also a valid downward one (the witness
    // check just made finds it); else a second solve.
    const change = solveDirection(required.lower, false);
    if (!change) return false;
    assignProof(
      memory,
      cell,
      false,
      markChange(table, cells, change, required.lower, pattern, result, memory),
    );
  }
  return true;
}

/** Stores a change (nonzero entries only) as a live witness; returns its id. */
function addWitness(memory: WitnessMemory, cells: readonly number[], change: readonly number[]): number {
  const id = memory.witnesses.push({ cells: [...cells], change: [...change], alive: true, proves: [] }) - 1;
  for (const c of cells) {
    const list = memory.byCell.get(c);
    if (list) list.push(id);
    else memory.byCell.set(c, [id]);
  }
  return id;
}

/**
 * Suppresses every published cell the change moves and keeps the change as a witness for later
 * primaries; returns the witness id. `change[j]` belongs to `cells[j]`.
 */
function markChange(
  table: Table,
  cells: readonly number[],
  change: ArrayLike<number>,
  amount: number,
  pattern: Uint8Array,
  result: SecondaryResult,
  memory: WitnessMemory,
): number {
  const tiny = 1e-7 * Math.max(1, amount);
  const moved: number[] = [];
  const by: number[] = [];
  for (let j = 0; j < cells.length; j++) {
    const c = cells[j]!;
    if (Math.abs(change[j]!) <= tiny) continue;
    moved.push(c);
    by.push(change[j]!);
    if (pattern[c] === PUBLISHED) {
      pattern[c] = SECONDARY;
      result.secondaries++;
      result.secondaryValue += table.cells[c]!.value;
    }
  }
  return addWitness(memory, moved, by);
}

/**
 * The hypercube first try: a witness already known, else the cheapest cube that protects both
 * sides at once, else one cube per side. True when both sides are protected without an LP.
 */
function protectByHypercube(
  table: Table,
  cubes: CubeContext,
  cell: number,
  required: Requirement,
  pattern: Uint8Array,
  costOf: (value: number) => number,
  result: SecondaryResult,
  memory: WitnessMemory,
): boolean {
  const up =
    required.upper > 0 && !provenByWitness(table, memory, cell, required.upper, true) ? required.upper : 0;
  const down =
    required.lower > 0 && !provenByWitness(table, memory, cell, required.lower, false) ? required.lower : 0;
  if (up === 0 && down === 0) return true;
  const find = (u: number, d: number): Hypercube | undefined =>
    cheapestHypercube(table, cubes.moves, cubes.strides, cell, u, d, pattern, cubes.fixed, costOf);
  const both = find(up, down);
  if (both) {
    const w = markChange(table, both.cells, both.signs, 1, pattern, result, memory);
    if (up > 0) assignProof(memory, cell, true, w);
    if (down > 0) assignProof(memory, cell, false, w);
    result.hypercubes++;
    return true;
  }
  const upCube = up > 0 ? find(up, 0) : undefined;
  const downCube = down > 0 ? find(0, down) : undefined;
  if ((up > 0 && !upCube) || (down > 0 && !downCube)) return false;
  for (const [cube, isUp] of [
    [upCube, true],
    [downCube, false],
  ] as const) {
    if (!cube) continue;
    assignProof(memory, cell, isUp, markChange(table, cube.cells, cube.signs, 1, pattern, result, memory));
    result.hypercubes++;
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
